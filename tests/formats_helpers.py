"""Helpers for the scenario-format tests: a copy of the mini scenario edited by text substitution."""

from __future__ import annotations

from pathlib import Path

from simulator.model.diagnostics import Diagnostic, InputError
from simulator.model.documents import load_document

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI = (FIXTURES / "mini-scenario.yaml").read_text(encoding="utf-8")


def write_mini(tmp_path: Path, *edits: tuple[str, str], name: str = "s.yaml", text: str | None = None) -> Path:
    """The mini scenario with each (old, new) replaced once (old must be there), next to its network."""
    (tmp_path / "mini-network.yaml").write_bytes((FIXTURES / "mini-network.yaml").read_bytes())
    body = MINI if text is None else text
    for old, new in edits:
        assert old in body, f"edit target not found: {old!r}"
        body = body.replace(old, new, 1)
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def errors_of(path: Path) -> list[Diagnostic]:
    try:
        load_document(path)
    except InputError as exc:
        return [d for d in exc.diagnostics if d.severity == "error"]
    return []


def line_of(path: Path, needle: str, nth: int = 1) -> int:
    """1-based line of the nth line containing `needle`."""
    seen = 0
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == nth:
                return n
    raise AssertionError(f"{needle!r} not in {path}")
