"""Loader work grows with the input, not with its square (timings: bench/loader_limits.py)."""

from __future__ import annotations

from simulator.model import diagnostics
from simulator.model.documents import load_document
from simulator.model.diagnostics import InputError


def _many_bad_injects(tmp_path, count: int):
    lines = ["scenario:", "  id: many", "  injects:"] + ["    - {a: 1, b: 2}"] * count
    path = tmp_path / "many.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_missing_key_errors_are_deduplicated_in_linear_comparisons(tmp_path, monkeypatch):
    """Regression: each missing-key error was looked for in the list of those already kept
    (`d not in out`): 10,000 `{a: 1, b: 2}` injects ran for minutes. Counted, not timed."""
    calls = 0
    original = diagnostics.Diagnostic.__eq__

    def counting_eq(self, other):
        nonlocal calls
        calls += 1
        return original(self, other)

    path = _many_bad_injects(tmp_path, 600)
    monkeypatch.setattr(diagnostics.Diagnostic, "__eq__", counting_eq)
    try:
        load_document(path)
    except InputError as exc:
        found = exc.diagnostics
    else:
        raise AssertionError("600 injects without their required keys were accepted")
    assert len({(d.line, d.message) for d in found}) == len(found), "a diagnostic is repeated"
    assert any("missing required key" in d.message for d in found)
    assert calls < 20 * 600, f"{calls} comparisons of diagnostics for 600 injects: quadratic"
