"""`cyberdrill guide`: the exercise kit of a scenario (facilitator, player, observer, chronogramme)."""

from __future__ import annotations

import sys

import click

from simulator.cli import cli
from simulator.cli.output import EXIT_BAD_INPUT, fail, given_path, shipped_or_path, print_diagnostics, refuse_overwriting_inputs
from simulator.model.diagnostics import Diagnostic, InputError


@cli.command("guide")
@click.argument("scenario", type=click.Path(), callback=shipped_or_path("scenario"))
@click.option("--out", "out", required=True, metavar="DIRECTORY", help="Folder to write (created if missing).", type=click.Path(), callback=given_path)
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True, help="Language of the kit and of its file names.")
@click.option("--delimiter", type=click.Choice([";", ","]), default=None, help="CSV delimiter. Default: ';' for fr, ',' for en.")
@click.option("--all", "all_", is_flag=True, help="SCENARIO is a folder: write OUT/<scenario-id>/{fr,en}/ for every scenario in it, and an index.")
def guide(scenario: str, out: str, lang: str, delimiter: str | None, all_: bool) -> None:
    """Write the kit of SCENARIO to --out.

    fr: kit-animateur.md, kit-joueur.md, grille-observation.md, chronogramme.csv.
    en: facilitator-kit.md, player-kit.md, observation-grid.md, msel.csv.
    The player kit holds no ground truth. Exit 0 on success, 2 when a scenario
    does not validate. Nothing is written when --out would replace an input
    (scenario, network or fragment). With --all, a failing scenario keeps its
    previous kit, and a README.md in OUT that is not the tool's index is refused.
    """
    from simulator.guide.kit import build_kit, write_files
    from simulator.guide.source import source_of
    from simulator.guide.tree import build_tree, stale_folders, write_tree
    from simulator.model.documents import load_document

    from pathlib import Path

    if Path(out).exists() and not Path(out).is_dir():
        fail([Diagnostic(out, 1, 1, "error", "--out must be a folder: this is a file")])
    try:
        if all_:
            if Path(scenario).exists() and not Path(scenario).is_dir():
                fail([Diagnostic(scenario, 1, 1, "error", "--all expects a folder of scenarios: this is a file (drop --all to write its kit)")])
            tree = build_tree(scenario)
            if not tree.scenario_ids and not tree.problems:
                fail([Diagnostic(scenario, 1, 1, "error", "no scenario file (*.yaml) in this folder")])
            for rel in tree.files:
                refuse_overwriting_inputs(str(Path(out) / rel), tree.inputs, "--out")
            written = write_tree(tree, out)
            print_diagnostics(tree.problems)
            why = "a scenario did not validate, so this may be its kit" if tree.problems else "it holds files cyberdrill guide did not write"
            print_diagnostics(Diagnostic(str(d), 1, 1, "warning", f"no scenario with this id: folder kept, {why}") for d in stale_folders(Path(out), tree))
            click.echo(f"wrote {len(written)} files for {len(tree.scenario_ids)} scenario(s) in {out}", err=True)
            sys.exit(EXIT_BAD_INPUT if tree.problems else 0)
        loaded = load_document(scenario, expect="scenario")
        files = build_kit(source_of(loaded), lang, delimiter)
        inputs = [scenario, *loaded.context.get("network_files", ()), *(str(f.path) for f in loaded.context.get("attachments", {}).values())]
        for name in files:
            refuse_overwriting_inputs(str(Path(out) / name), inputs, "--out")
        written = write_files(files, out)
    except InputError as exc:
        fail(exc)
    except OSError as exc:
        fail([Diagnostic(out, 1, 1, "error", f"cannot write: {exc.strerror or exc}")])
    for path in written:
        click.echo(f"wrote {path}", err=True)
