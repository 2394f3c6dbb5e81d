"""`cyberdrill validate` and `cyberdrill schema`: the facilitator's first contact with the file formats."""

from __future__ import annotations

import sys

import click

from simulator.cli import cli
from simulator.cli.output import EXIT_BAD_INPUT, print_diagnostics, print_json, shipped_or_path
from simulator.model.documents import validate_paths
from simulator.model.schema import schema_kinds, schema_text


@cli.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(), callback=shipped_or_path(None))
@click.option("--json", "as_json", is_flag=True, help="Print {format_version, diagnostics: [{file, line, col, severity, message}]} as JSON.")
def validate(paths: tuple[str, ...], as_json: bool) -> None:
    """Check network, scenario, policy and variant files (files or folders of *.yaml).

    Exit 0 when every file is valid, 2 when any is not.
    """
    diags = validate_paths(list(paths))
    errors = [d for d in diags if d.severity == "error"]
    if as_json:
        print_json({"diagnostics": [d.as_dict() for d in diags]})
    else:
        print_diagnostics(diags)
        if not errors:
            click.echo("all files valid", err=True)
    sys.exit(EXIT_BAD_INPUT if errors else 0)


@cli.command("schema")
@click.argument("kind")
def schema(kind: str) -> None:
    """Print the JSON Schema (draft-07) of a file kind: network, scenario, policy or variant."""
    available = schema_kinds()
    if kind not in available:
        click.echo(f"<command line>:1:1: error: unknown schema kind '{kind}': choose one of {', '.join(available)}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    click.echo(schema_text(kind), nl=False)
