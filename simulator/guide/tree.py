"""Kits for a whole folder of scenarios: `<out>/<scenario-id>/{fr,en}/...` plus an index README.

This is how `facilitator_guides/` is produced (`python -m simulator.guide.regenerate`
or `cyberdrill guide --all scenarios --out facilitator_guides`). The content
depends only on the scenario files, their networks and the shipped
catalogues, so regenerating gives the same bytes, and a test compares the
committed guides with a fresh generation.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from simulator.guide.kit import FILE_NAMES, LANGS, build_kit, write_files
from simulator.guide.source import Source, source_of
from simulator.guide.text import loc, table, tr
from simulator.model.diagnostics import Diagnostic, InputError
from simulator.model.documents import load_document
from simulator.model.duration import format_duration
from simulator.model.yaml_loader import display_path

INDEX = "README.md"


@dataclass
class Tree:
    files: dict[str, bytes] = field(default_factory=dict)  # relative posix path -> bytes
    problems: list[Diagnostic] = field(default_factory=list)
    scenario_ids: list[str] = field(default_factory=list)


def scenario_files(folder: str | os.PathLike) -> list[Path]:
    """The scenario files of a folder (`*.yaml` directly inside, not its subfolders such as networks/)."""
    return sorted(p for p in Path(folder).glob("*.yaml") if p.is_file())


def build_tree(folder: str | os.PathLike) -> Tree:
    tree = Tree()
    sources: list[Source] = []
    seen: dict[str, Path] = {}
    for path in scenario_files(folder):
        try:
            loaded = load_document(path)
        except InputError as exc:
            tree.problems.extend(exc.diagnostics)
            continue
        if loaded.kind != "scenario":
            continue
        src = source_of(loaded)
        sid = src.scenario.id
        if sid in seen:
            pos = loaded.doc.position(("scenario", "id"))
            tree.problems.append(Diagnostic.at(pos, f"scenario id '{sid}' is also used by {display_path(seen[sid])}: each guide folder is named after its scenario id"))
            continue
        seen[sid] = path
        sources.append(src)
    for src in sources:
        for lang in LANGS:
            for name, data in build_kit(src, lang).items():
                tree.files[f"{src.scenario.id}/{lang}/{name}"] = data
    tree.scenario_ids = [s.scenario.id for s in sources]
    tree.files[INDEX] = index(sources).encode("utf-8")
    return tree


def index(sources: list[Source]) -> str:
    """The bilingual index of facilitator_guides/."""
    out = [f"# {tr('index.title', 'fr')} / {tr('index.title', 'en')}", tr("index.intro", "fr"), tr("index.intro", "en")]
    rows = []
    for src in sorted(sources, key=lambda s: s.scenario.id):
        sc = src.scenario
        links = {lang: " · ".join(f"[{name}]({sc.id}/{lang}/{name})" for name in FILE_NAMES[lang].values()) for lang in LANGS}
        rows.append([
            f"`{sc.id}`",
            f"{loc(sc.title, 'fr')}<br>_{loc(sc.title, 'en')}_",
            f"{tr(f'level.{sc.level}', 'fr')} / {tr(f'level.{sc.level}', 'en')}",
            format_duration(sc.duration),
            " ".join(f"[{i}]({source.url})" for i, source in enumerate(sc.sources, 1)),
            links["fr"],
            links["en"],
        ])
    out.append(table(["id", "Titre / Title", "Niveau / Level", "Durée / Duration", "Sources", "Français", "English"], rows))
    return "\n\n".join(out) + "\n"


def write_tree(tree: Tree, out_dir: str | os.PathLike) -> list[Path]:
    """Write every file, then remove guides of scenarios that no longer exist (only files the generator names)."""
    out = Path(out_dir)
    by_folder: dict[Path, dict[str, bytes]] = {}
    for rel, data in tree.files.items():
        target = out / rel
        by_folder.setdefault(target.parent, {})[target.name] = data
    written = []
    for folder, files in sorted(by_folder.items()):
        written.extend(write_files(files, folder))
    for stale in stale_folders(out, tree):
        for lang in LANGS:
            for name in FILE_NAMES[lang].values():
                (stale / lang / name).unlink(missing_ok=True)
            if (stale / lang).is_dir() and not any((stale / lang).iterdir()):
                (stale / lang).rmdir()
        if not any(stale.iterdir()):
            stale.rmdir()
    return written


def stale_folders(out: Path, tree: Tree) -> list[Path]:
    """Guide folders under `out` whose scenario is gone."""
    if not out.is_dir():
        return []
    current = set(tree.scenario_ids)
    return sorted(
        d for d in out.iterdir()
        if d.is_dir() and d.name not in current and any((d / lang / FILE_NAMES[lang]["facilitator"]).exists() for lang in LANGS)
    )


def differences(tree: Tree, out_dir: str | os.PathLike) -> list[str]:
    """Relative paths that differ between a generated tree and a folder on disk (missing, changed or extra)."""
    out = Path(out_dir)
    diffs = []
    for rel, data in sorted(tree.files.items()):
        target = out / rel
        if not target.is_file():
            diffs.append(f"{rel}: missing")
        elif target.read_bytes() != data:
            diffs.append(f"{rel}: out of date")
    for stale in stale_folders(out, tree):
        diffs.append(f"{stale.name}/: no such scenario any more")
    return diffs
