"""The tamper corpus: `log verify`, `log verify --pubkey`, `docs/verify_journal.py` and `log replay`
give, on every variant under tests/journal_corpus/, the verdict docs/journal-format.md states
("Tamper corpus"), exit code and line."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "journal_corpus"
DOC = ROOT / "docs" / "journal-format.md"
SCRIPT = ROOT / "docs" / "verify_journal.py"
REBUILD = "python -m tests.journal_corpus.build"


def _stated() -> dict[str, dict[str, str]]:
    """The doc's table: file -> {verify, pubkey, script, replay} verdicts."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Tamper corpus", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        m = re.match(r"^\| `([a-z0-9-]+\.jsonl)` \| .* \| ([^|]+) \| ([^|]+) \| ([^|]+) \| ([^|]+) \|$", line)
        if m:
            name, *cells = m.groups()
            rows[name] = dict(zip(("verify", "pubkey", "script", "replay"), (c.strip() for c in cells)))
    return rows


STATED = _stated()


def _verdict(code: int, stderr: str, shown: str) -> str:
    if code == 0:
        return "0"
    lines = [x for x in stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    m = re.match(re.escape(shown) + r":(\d+):1: error: ", lines[0])
    assert m, lines[0]
    return f"{code} @{m.group(1)}"


def _expected(cell: str) -> str:
    return cell.split(" (", 1)[0]  # "0 (NOT sealed)" -> "0"


def test_the_corpus_and_the_table_list_the_same_variants():
    files = sorted(p.name for p in (CORPUS / "variants").iterdir())
    assert len(files) >= 30
    assert sorted(STATED) == files, "docs/journal-format.md's Tamper corpus table and tests/journal_corpus/variants differ"


def test_the_honest_journals_still_replay(run_cli, monkeypatch):
    """When the engine's behaviour changes on purpose, the corpus must be rebuilt (and the table's lines checked)."""
    monkeypatch.chdir(CORPUS)
    for name in ("plain.jsonl", "signed.jsonl"):
        code, out, err = run_cli("log", "replay", name)
        assert code == 0, f"{name} no longer replays ({err.strip()}): the engine changed; run `{REBUILD}` and update the table in docs/journal-format.md"
        assert "identical" in out


@pytest.mark.parametrize("name", sorted(STATED))
def test_every_tool_gives_the_stated_verdict(run_cli, monkeypatch, name):
    monkeypatch.chdir(CORPUS)
    shown = f"variants/{name}"
    stated = STATED[name]
    got = {}
    code, _out, err = run_cli("log", "verify", shown)
    got["verify"] = _verdict(code, err, shown)
    if stated["pubkey"] != "—":
        code, _out, err = run_cli("log", "verify", shown, "--pubkey", "corpus.pub.pem")
        got["pubkey"] = _verdict(code, err, shown)
    done = subprocess.run([sys.executable, str(SCRIPT), shown], capture_output=True, text=True, cwd=CORPUS, timeout=120)
    got["script"] = _verdict(done.returncode, done.stderr, shown)
    code, out, err = run_cli("log", "replay", shown)
    got["replay"] = _verdict(code, err, shown)
    if got["replay"] == "0" and "NOT sealed" in stated["replay"]:
        assert "NOT sealed" in out, out
    want = {k: _expected(v) for k, v in stated.items() if v != "—"}
    assert got == want, f"{name}: the tools say {got}, docs/journal-format.md states {want}"


def test_a_replay_mismatch_shows_the_times_as_written():
    """Regression: a mismatch of `t` 20.0 and 20 printed the same text for both."""
    from simulator.journal.replay import _describe

    assert _describe({"kind": "x"}, 20.0) != _describe({"kind": "x"}, 20)
    assert _describe({"kind": "x"}, 20.0).endswith("at T+20m (t 20.0)")
