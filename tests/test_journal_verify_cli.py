"""`cyberdrill log verify`, `cyberdrill keys generate` and the stand-alone docs/verify_journal.py."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from simulator.journal import JournalWriter, canonical_bytes, file_ref, load_private_key

ROOT = Path(__file__).resolve().parent.parent
STANDALONE = ROOT / "docs" / "verify_journal.py"
DOC = ROOT / "docs" / "journal-format.md"
DIAG = re.compile(r"^(?P<file>.+):(?P<line>\d+):1: error: (?P<message>.+)$")


def clock():
    moments = (datetime(2026, 3, 14, 1, 0, tzinfo=timezone.utc) + timedelta(seconds=i) for i in range(1000))
    return lambda: next(moments)


def make_journal(path: Path, *, scenario: Path | None = None, sign_key: Path | None = None, seal: bool = True) -> Path:
    scenario_ref = file_ref(scenario) if scenario else {"file": "s.yaml", "sha256": "3" * 64}
    header = {
        "scenario": scenario_ref,
        "network": {"file": "ch-reference.yaml", "sha256": "4" * 64},
        "seed": 7,
        "language": "en",
        "participants": [{"name": "Crisis cell", "role": "player"}],
        "start": "2026-03-14T02:00:00+01:00",
    }
    with JournalWriter.create(path, header, clock=clock()) as writer:
        for i in range(6):
            writer.event(i * 5.0, {"kind": "alert", "n": i, "message": "Alerte EDR sur le serveur DPI"})
            if i % 3 == 2:
                writer.command(i * 5.0, {"kind": "note", "text": f"note {i}"})
        if seal:
            writer.seal(load_private_key(sign_key) if sign_key else None)
    return path


def one_error(stderr: str) -> re.Match:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    match = DIAG.match(lines[0])
    assert match, lines[0]
    return match


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    return make_journal(tmp_path / "exercise.jsonl")


@pytest.fixture
def keys(run_cli, tmp_path: Path) -> tuple[Path, Path]:
    code, out, err = run_cli("keys", "generate", "--out", tmp_path / "keys")
    assert code == 0, err
    return tmp_path / "keys" / "journal-signing.key.pem", tmp_path / "keys" / "journal-signing.pub.pem"


def test_intact_journal(run_cli, journal: Path) -> None:
    code, out, err = run_cli("log", "verify", journal)
    assert code == 0, err
    first, second = out.strip().splitlines()
    assert re.fullmatch(rf"{re.escape(str(journal))}: intact, sealed, 10 records, head [0-9a-f]{{64}}", first)
    assert second == "not signed"


def test_json_output(run_cli, journal: Path) -> None:
    code, out, _ = run_cli("log", "verify", journal, "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"format_version", "file", "ok", "sealed", "records", "head", "signature", "error"}
    assert (data["ok"], data["sealed"], data["records"], data["signature"], data["error"]) == (True, True, 10, None, None)


def test_signed_journal(run_cli, tmp_path: Path, keys) -> None:
    private, public = keys
    path = make_journal(tmp_path / "signed.jsonl", sign_key=private)
    code, out, err = run_cli("log", "verify", path, "--pubkey", public)
    assert code == 0, err
    assert re.fullmatch(r"signature valid \(key sha256:[0-9a-f]{64}\)", out.strip().splitlines()[1])
    code, out, _ = run_cli("log", "verify", path)
    assert code == 0 and "signature not checked" in out
    code, out, _ = run_cli("log", "verify", path, "--pubkey", public, "--json")
    assert json.loads(out)["signature"]["valid"] is True


def test_tampered_journal_names_the_line(run_cli, journal: Path) -> None:
    lines = journal.read_bytes().splitlines(keepends=True)
    lines[3] = lines[3].replace(b'"n":2', b'"n":9')
    journal.write_bytes(b"".join(lines))
    code, out, err = run_cli("log", "verify", journal)
    assert code == 1 and out == ""
    match = one_error(err)
    assert match["file"] == str(journal) and match["line"] == "4" and "was modified" in match["message"]
    code, out, _ = run_cli("log", "verify", journal, "--json")
    data = json.loads(out)
    assert code == 1 and data["ok"] is False and data["error"]["line"] == 4 and "modified" in data["error"]["reason"]


@pytest.mark.parametrize(
    ("change", "line", "words"),
    [
        ("delete", 5, "deleted record(s)"),
        ("swap", 5, "out of order"),
        ("insert", 7, "reordered or inserted"),
        ("cut", 9, "not sealed"),
    ],
)
def test_structural_tampering(run_cli, journal: Path, change: str, line: int, words: str) -> None:
    lines = journal.read_bytes().splitlines(keepends=True)
    if change == "delete":
        del lines[4]
    elif change == "swap":
        lines[4], lines[5] = lines[5], lines[4]
    elif change == "insert":
        lines.insert(6, lines[2])
    else:
        lines = lines[:-1]
    journal.write_bytes(b"".join(lines))
    code, _, err = run_cli("log", "verify", journal)
    match = one_error(err)
    assert code == 1 and match["line"] == str(line) and words in match["message"], err


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty file"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00", "binary file"),
        (b"not json at all\n", "not valid JSON"),
        (b'{"type": "note"}\n', "not a journal header"),
    ],
)
def test_not_a_journal(run_cli, tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(content)
    code, out, err = run_cli("log", "verify", path)
    match = one_error(err)
    assert code == 2 and match["line"] == "1" and words in match["message"] and "not a journal" in match["message"]
    code, out, _ = run_cli("log", "verify", path, "--json")
    assert code == 2 and json.loads(out)["error"]["line"] == 1


def test_newer_format_version(run_cli, journal: Path) -> None:
    lines = journal.read_bytes().splitlines(keepends=True)
    header = json.loads(lines[0])
    header["data"]["format_version"] = 3
    journal.write_bytes(canonical_bytes(header) + b"\n" + b"".join(lines[1:]))
    code, _, err = run_cli("log", "verify", journal)
    match = one_error(err)
    assert code == 2 and "version 3" in match["message"] and "supports (version 1)" in match["message"]


def test_missing_journal(run_cli, tmp_path: Path) -> None:
    code, _, err = run_cli("log", "verify", tmp_path / "nope.jsonl")
    assert code == 2 and "cannot read" in one_error(err)["message"]


def test_wrong_key_is_a_bad_signature(run_cli, tmp_path: Path, keys) -> None:
    private, _ = keys
    path = make_journal(tmp_path / "signed.jsonl", sign_key=private)
    code, _, err = run_cli("keys", "generate", "--out", tmp_path / "other")
    assert code == 0
    code, _, err = run_cli("log", "verify", path, "--pubkey", tmp_path / "other" / "journal-signing.pub.pem")
    match = one_error(err)
    assert code == 1 and "bad signature" in match["message"] and match["line"] == "10"


def test_corrupt_key_file(run_cli, journal: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.pem"
    bad.write_text("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
    code, out, err = run_cli("log", "verify", journal, "--pubkey", bad)
    match = one_error(err)
    assert code == 2 and out == "" and match["file"] == str(bad) and "corrupt" in match["message"]


def test_scenario_check(run_cli, tmp_path: Path) -> None:
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text("kind: scenario\n", encoding="utf-8")
    path = make_journal(tmp_path / "j.jsonl", scenario=scenario)
    assert run_cli("log", "verify", path, "--scenario", scenario)[0] == 0
    scenario.write_text("kind: scenario\nseed: 8\n", encoding="utf-8")
    code, _, err = run_cli("log", "verify", path, "--scenario", scenario)
    assert code == 1 and "scenario file differs" in one_error(err)["message"]
    code, _, err = run_cli("log", "verify", path, "--scenario", tmp_path / "missing.yaml")
    assert code == 2 and "cannot read scenario file" in one_error(err)["message"]


def test_keys_generate(run_cli, tmp_path: Path) -> None:
    code, out, _ = run_cli("keys", "generate", "--out", tmp_path / "k")
    assert code == 0
    assert "journal-signing.key.pem" in out and re.search(r"fingerprint: sha256:[0-9a-f]{64}", out)
    assert (tmp_path / "k" / "journal-signing.key.pem").stat().st_mode & 0o777 == 0o600
    before = (tmp_path / "k" / "journal-signing.key.pem").read_bytes()
    code, _, err = run_cli("keys", "generate", "--out", tmp_path / "k")
    assert code == 2 and "refusing to overwrite" in one_error(err)["message"]
    assert (tmp_path / "k" / "journal-signing.key.pem").read_bytes() == before


def test_python_dash_m(tmp_path: Path, journal: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "simulator", "log", "verify", str(journal)], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert done.returncode == 0 and "intact, sealed" in done.stdout


# -- the stand-alone script an auditor can run without CyberDrill --------------------------------


def run_standalone(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(STANDALONE), str(path)], capture_output=True, text=True)


def test_standalone_script_on_good_and_tampered_logs(tmp_path: Path, keys) -> None:
    path = make_journal(tmp_path / "j.jsonl", sign_key=keys[0])
    done = run_standalone(path)
    assert done.returncode == 0 and "intact, sealed, 10 records" in done.stdout and "not checked here" in done.stdout

    lines = path.read_bytes().splitlines(keepends=True)
    tampered = tmp_path / "tampered.jsonl"
    tampered.write_bytes(b"".join(lines[:2] + [lines[2].replace(b"Alerte", b"Alarme")] + lines[3:]))
    done = run_standalone(tampered)
    # line 3 was edited (line 4 no longer points at it): the same line `log verify` names
    assert done.returncode == 1 and done.stderr.startswith(f"{tampered}:3:1: error: line 3 was modified")

    cut = tmp_path / "cut.jsonl"
    cut.write_bytes(b"".join(lines[:-1]))
    done = run_standalone(cut)
    assert done.returncode == 1 and "no seal" in done.stderr

    other = tmp_path / "other.txt"
    other.write_text("hello\n")
    done = run_standalone(other)
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_standalone_script_uses_only_the_standard_library() -> None:
    imports = re.findall(r"^(?:import|from) (\w+)", STANDALONE.read_text(encoding="utf-8"), flags=re.M)
    assert set(imports) <= {"base64", "binascii", "datetime", "hashlib", "json", "re", "sys"}


def test_doc_names_the_script_and_what_it_leaves_out() -> None:
    """The script is not copied into the doc any more (two copies drift): the doc links to it
    and says exactly what it does not check."""
    doc = DOC.read_text(encoding="utf-8")
    section = doc.split("## Stand-alone verification script", 1)[1].split("\n## ", 1)[0]
    assert "(verify_journal.py)" in section and "What it leaves out" in section
    assert "the Ed25519 signature itself" in section and "--scenario" in section
    # and the script's docstring names sections that exist
    docstring = STANDALONE.read_text(encoding="utf-8").split('"""')[1]
    titles = re.findall(r'"([A-Z][A-Za-z ]+)"', docstring)
    assert titles, "the script's docstring names no section of the document"
    for title in titles:
        assert f"## {title}" in doc, f"the script names a section '{title}' the document does not have"


@pytest.mark.parametrize("args", [("log", "verify"), ("log", "replay"), ("resume",), ("log", "report", "-o", "r.html")])
def test_a_pipe_given_as_a_journal_is_refused_not_waited_on(run_cli, tmp_cwd, args):
    """Regression: open() of a named pipe blocks until a writer comes, so these commands hung."""
    os.mkfifo(tmp_cwd / "j.jsonl")
    command = [*args[:2], "j.jsonl", *args[2:]] if args[0] == "log" else [*args, "j.jsonl"]
    code, _out, err = run_cli(*command)
    assert code == 2 and err.strip().startswith("j.jsonl:1:1: error: ") and "not a regular file" in err
