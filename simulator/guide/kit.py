"""The exercise kit: four files generated from one scenario, in French or English.

    files = build_kit(load_source("scenarios/x.yaml"), "fr")   # {file name: bytes}
    write_kit("scenarios/x.yaml", "out/", "en")

French names follow the ANSSI/ANS kits, English ones HSEEP: kit-animateur.md /
facilitator-kit.md, kit-joueur.md / player-kit.md, grille-observation.md /
observation-grid.md, chronogramme.csv / msel.csv.
"""

from __future__ import annotations

import os
from pathlib import Path

from simulator.guide import cards, chronogramme, facilitator, grid, player
from simulator.guide.source import Source, load_source
from simulator.markdown_safe import safe_markdown
from simulator.model.diagnostics import Diagnostic, InputError

LANGS = ("fr", "en")
FILE_NAMES = {
    "fr": {"facilitator": "kit-animateur.md", "player": "kit-joueur.md", "grid": "grille-observation.md", "chronogramme": "chronogramme.csv"},
    "en": {"facilitator": "facilitator-kit.md", "player": "player-kit.md", "grid": "observation-grid.md", "chronogramme": "msel.csv"},
}


def build_kit(src: Source, lang: str, delimiter: str | None = None) -> dict[str, bytes]:
    """Every file of the kit by name, as the exact bytes to write."""
    if lang not in LANGS:
        raise ValueError(f"unsupported language {lang!r}")
    names = FILE_NAMES[lang]
    files = {
        names["facilitator"]: facilitator.render(src, lang).encode("utf-8"),
        names["player"]: player.render(src, lang).encode("utf-8"),
        names["grid"]: grid.render(src, lang).encode("utf-8"),
        names["chronogramme"]: chronogramme.to_csv(src.scenario, src.names(lang), delimiter),
    }
    if cards.has_material(src):  # one kit per cell with its cards, and the attachments
        files.update(cards.cell_files(src, lang, names["player"], player.render))
        files.update(cards.facilitator_files(src, lang))
    # the scenario's text must not become HTML or a script link in a Markdown viewer
    return {name: safe_markdown(data.decode("utf-8")).encode("utf-8") if name.endswith(".md") else data for name, data in files.items()}


def write_files(files: dict[str, bytes], out_dir: str | os.PathLike) -> list[Path]:
    """Write each file whole or not at all, creating the folder if needed."""
    from simulator.fileio import write_atomic

    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError([Diagnostic(str(out), 1, 1, "error", f"cannot create the output folder: {exc.strerror or exc}")]) from None
    written = []
    for name, data in files.items():
        if "/" in name:  # a cell's kit, an attachment
            (out / name).parent.mkdir(parents=True, exist_ok=True)
        write_atomic(out / name, data)
        written.append(out / name)
    return written


def write_kit(scenario_path: str | os.PathLike, out_dir: str | os.PathLike, lang: str, delimiter: str | None = None) -> list[Path]:
    return write_files(build_kit(load_source(scenario_path), lang, delimiter), out_dir)
