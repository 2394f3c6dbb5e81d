"""`cyberdrill attack`: MITRE ATT&CK views of a scenario (the Navigator layer of its threat)."""

from __future__ import annotations

import json

import click

from simulator.cli import cli
from simulator.cli.output import fail, given_path, refuse_overwriting_inputs, shipped_or_path, usage_error, write_or_fail


@cli.group("attack")
def attack() -> None:
    """MITRE ATT&CK views of a scenario's threat."""


@attack.command("layer")
@click.argument("scenario", type=click.Path(), callback=shipped_or_path("scenario"))
@click.option("-o", "--out", "out", required=True, metavar="FILE", type=click.Path(), callback=given_path, help="The layer file to write (layer.json), for the ATT&CK Navigator.")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="en", show_default=True, help="Language of the layer's texts.")
def layer_cmd(scenario: str, out: str, lang: str) -> None:
    """Write the ATT&CK Navigator layer (format 4.5) of SCENARIO's threat.

    Techniques of the threat scored by step (1 = initial access), under their tactic,
    with a gradient and one legend item per step. Open it in the Navigator with
    "Open Existing Layer". Exit 0, or 2 when the scenario does not validate.
    """
    from simulator.attack.layer import build_layer
    from simulator.fileio import write_atomic
    from simulator.model.diagnostics import InputError
    from simulator.model.documents import load_document

    if not out.lower().endswith(".json"):
        usage_error(out, "-o must be a .json file")
    try:
        loaded = load_document(scenario, expect="scenario")
    except InputError as exc:
        fail(exc)
    refuse_overwriting_inputs(out, [scenario], "-o")
    text = json.dumps(build_layer(loaded.model.scenario, lang), indent=2, ensure_ascii=False) + "\n"
    write_or_fail(out, lambda: write_atomic(out, text))
    click.echo(f"wrote {out}", err=True)
