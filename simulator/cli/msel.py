"""`cyberdrill msel`: a scenario's MSEL (chronogramme) as a spreadsheet, and an edited spreadsheet back into a scenario."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from simulator.cli import cli
from simulator.cli.output import EXIT_BAD_INPUT, fail, given_path, print_diagnostics, refuse_overwriting_inputs, shipped_or_path, usage_error, write_or_fail


def _format(out: str) -> str:
    suffix = Path(out).suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        usage_error(out, "-o must end in .xlsx or .csv (the format follows the name)")
    return suffix[1:]


@cli.group("msel")
def msel() -> None:
    """The MSEL as a spreadsheet (.xlsx or .csv), both ways."""


@msel.command("export")
@click.argument("scenario", type=click.Path(), callback=shipped_or_path("scenario"))
@click.option("-o", "--out", "out", required=True, metavar="FILE", type=click.Path(), callback=given_path, help="msel.xlsx or msel.csv (French Excel: ';', UTF-8 with BOM, decimal comma).")
def export_cmd(scenario: str, out: str) -> None:
    """Write SCENARIO's injects, decisions and modules as a spreadsheet, one row each."""
    from simulator.model.diagnostics import InputError
    from simulator.model.documents import load_document
    from simulator.msel import export_bytes

    fmt = _format(out)
    try:
        loaded = load_document(scenario, expect="scenario")
    except InputError as exc:
        fail(exc)
    refuse_overwriting_inputs(out, [scenario], "-o")
    data = export_bytes(loaded.model.scenario, fmt)
    from simulator.fileio import write_atomic

    write_or_fail(out, lambda: write_atomic(out, data))
    click.echo(f"wrote {out}", err=True)


@msel.command("import")
@click.argument("sheet", metavar="MSEL", type=click.Path(), callback=given_path)
@click.option("--scenario", "base", required=True, metavar="BASE", type=click.Path(), callback=given_path, help="The scenario the spreadsheet edits (everything but its stimuli comes from it).")
@click.option("-o", "--out", "out", required=True, metavar="FILE", type=click.Path(), callback=given_path, help="The new scenario file, written next to BASE.")
def import_cmd(sheet: str, base: str, out: str) -> None:
    """Rebuild a scenario from BASE and the edited MSEL spreadsheet (.xlsx or .csv).

    Errors point at the cell (msel.xlsx:MSEL!C14, msel.csv:14:3); nothing is written
    unless the new scenario validates. Exit 0, or 2 on any error.
    """
    from simulator.model.diagnostics import InputError
    from simulator.msel import import_msel

    if Path(out).suffix.lower() not in (".yaml", ".yml"):
        usage_error(out, "-o must be a .yaml file (the new scenario)")
    refuse_overwriting_inputs(out, [sheet, base], "-o")
    try:
        result = import_msel(sheet, base, out)
    except InputError as exc:
        fail(exc)
    print_diagnostics(result.diagnostics)
    if any(d.severity == "error" for d in result.diagnostics):
        sys.exit(EXIT_BAD_INPUT)
    from simulator.fileio import write_atomic

    write_or_fail(out, lambda: write_atomic(out, result.text))
    click.echo(f"wrote {out}", err=True)
