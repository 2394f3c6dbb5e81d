"""Bad journal input never gives a traceback: deep JSON nesting, forged header config, non-UTF-8 file names."""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

import pytest

from tests.test_journal_verify_cli import one_error

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


def _canonical(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def rechain(src: Path, dst: Path, edit) -> Path:
    """Rewrite a journal's records with `edit`, rebuild the hash chain honestly and drop the seal."""
    records = [json.loads(line) for line in src.read_bytes().splitlines()]
    records = [rec for rec in records if rec["type"] != "seal"]
    edit(records)
    out, prev = [], "0" * 64
    for rec in records:
        rec["prev"] = prev
        line = _canonical(rec)
        out.append(line + b"\n")
        prev = hashlib.sha256(line).hexdigest()
    dst.write_bytes(b"".join(out))
    return dst


@pytest.fixture(scope="module")
def headless_run(tmp_path_factory) -> Path:
    """A sealed headless journal of the mini scenario, its input files next to it."""
    from simulator.journal.headless_log import run_logged

    folder = tmp_path_factory.mktemp("robust")
    for name in ("mini-scenario.yaml", "mini-network.yaml"):
        shutil.copy(FIXTURES / name, folder / name)
    path = folder / "run.jsonl"
    run_logged(folder / "mini-scenario.yaml", seed=5, until="1h", log_path=path)
    return path


COMMANDS = [
    ("log", "verify"),
    ("log", "replay"),
    ("log", "report", "-o", "{out}/r.md"),
    ("log", "export", "-o", "{out}/e.json"),
    ("log", "whatif", "--at", "T+10m", "--do", "isolate zone:servers"),
    ("resume", "--headless"),
]


def _run(run_cli, command: tuple, journal: Path, out: Path):
    args = [a.format(out=out) for a in command]
    return run_cli(*args[:2], journal, *args[2:]) if args[0] == "log" else run_cli(args[0], journal, *args[1:])


# -- 1. deeply nested JSON is a damaged line, not a RecursionError -----------------------------


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: "-".join(c[:2]))
@pytest.mark.parametrize("line", [1, 2, 9])
def test_deeply_nested_line_is_reported_at_its_line(run_cli, headless_run: Path, tmp_path: Path, command, line) -> None:
    lines = headless_run.read_bytes().splitlines(keepends=True)
    if command[0] == "resume":
        lines = lines[:-1]  # resume needs an unsealed journal
    lines[line - 1] = _nested(max(1000, sys.getrecursionlimit())) + b"\n"
    journal = tmp_path / "deep.jsonl"
    journal.write_bytes(b"".join(lines))
    code, _, err = _run(run_cli, command, journal, tmp_path)
    match = one_error(err)
    assert code == 1 and match["line"] == str(line) and "nested too deeply" in match["message"], err


def test_nesting_within_the_limit_still_reads_as_a_non_object(run_cli, headless_run: Path, tmp_path: Path) -> None:
    lines = headless_run.read_bytes().splitlines(keepends=True)
    lines[1] = _nested(500) + b"\n"
    journal = tmp_path / "deep.jsonl"
    journal.write_bytes(b"".join(lines))
    code, _, err = run_cli("log", "verify", journal)
    assert code == 1 and one_error(err)["message"] == "record is not a JSON object"


def test_parse_line_turns_recursion_into_value_error() -> None:
    from simulator.journal.format import json_error_text, parse_line

    with pytest.raises(ValueError) as info:
        parse_line(_nested(100_000))
    assert json_error_text(info.value) == "not valid JSON (nested too deeply)"


def _nest_value(depth: int):
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize("command", COMMANDS[1:], ids=lambda c: "-".join(c[:2]))
def test_event_nested_just_under_the_limit_is_a_divergence(run_cli, headless_run: Path, tmp_path: Path, command) -> None:
    """Parsed high in the stack, too deep to encode lower down: the divergence message still prints."""
    depth = sys.getrecursionlimit() - 20
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(depth * 3)
    try:
        journal = rechain(headless_run, tmp_path / "deep.jsonl", lambda recs: recs[3]["data"].update(deep=_nest_value(depth)))
    finally:
        sys.setrecursionlimit(old)
    code, _, err = _run(run_cli, command, journal, tmp_path)
    match = one_error(err)
    assert code == 1 and match["line"] == "4", err


# -- 2. a forged header config is an error at line 1 ---------------------------------------------


def _set_paths(key, value):
    return lambda recs: recs[0]["data"]["config"]["paths"].__setitem__(key, value)


def _set_config(**changes):
    return lambda recs: recs[0]["data"]["config"].update(changes)


FORGED = {
    "scenario-int": (_set_paths("scenario", 5), "header config 'paths.scenario' is not a file name"),
    "policy-list": (_set_paths("policy", ["a"]), "header config 'paths.policy' is not a file name"),
    "paths-string": (_set_config(paths="/x"), "header config 'paths' is not an object"),
    "until-null": (_set_config(paths={"scenario": "/x"}, until=None), "header config 'until' is not a time"),
    "until-true": (_set_config(until=True), "header config 'until' is not a time"),
    "until-negative": (_set_config(until=-5), "header config 'until' is not a time"),
    "until-nan-text": (_set_config(until="soon"), "header config 'until' is not a time"),
    "mode-int": (_set_config(mode=3), "header config 'mode' is not a string"),
}


@pytest.mark.parametrize("command", COMMANDS[1:], ids=lambda c: "-".join(c[:2]))
@pytest.mark.parametrize("forged", sorted(FORGED))
def test_forged_header_config_is_an_error_at_line_1(run_cli, headless_run: Path, tmp_path: Path, command, forged) -> None:
    edit, words = FORGED[forged]
    journal = rechain(headless_run, tmp_path / "forged.jsonl", edit)
    before = journal.read_bytes()
    code, _, err = _run(run_cli, command, journal, tmp_path)
    match = one_error(err)
    assert code == 1 and match["line"] == "1" and words in match["message"], err
    assert journal.read_bytes() == before  # resume wrote nothing


def test_the_rechained_journal_is_otherwise_intact(run_cli, headless_run: Path, tmp_path: Path) -> None:
    """The forgery passes `log verify` (the chain is honest): only the config check catches it."""
    journal = rechain(headless_run, tmp_path / "forged.jsonl", _set_paths("scenario", 5))
    code, _, err = run_cli("log", "verify", journal)
    assert code == 1 and "not sealed" in one_error(err)["message"]
    journal = rechain(headless_run, tmp_path / "same.jsonl", lambda recs: None)
    code, out, err = run_cli("log", "replay", journal)
    assert code == 0 and "identical" in out, err


def test_locate_inputs_refuses_a_bad_config_itself(headless_run: Path) -> None:
    from simulator.journal.inputs import locate_inputs
    from simulator.model.diagnostics import InputError

    header = json.loads(headless_run.read_bytes().splitlines()[0])
    header["data"]["config"]["paths"]["scenario"] = 5
    with pytest.raises(InputError) as info:
        locate_inputs(header, headless_run)
    assert "'paths.scenario' is not a file name" in str(info.value)
