"""Bad journal input never gives a traceback: deep JSON nesting, forged header config, non-UTF-8 file names."""

from __future__ import annotations

import hashlib
import json
import os
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
    ("log", "view"),  # stops before the terminal UI opens
]


def _run(run_cli, command: tuple, journal: Path, out: Path):
    args = [a.format(out=out) for a in command]
    return run_cli(*args[:2], journal, *args[2:]) if args[0] == "log" else run_cli(args[0], journal, *args[1:])


# -- 1. deeply nested JSON is a damaged line, not a RecursionError -----------------------------


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


# `log view` reads line 1 with `read_header` (no verification) first: a bad line 1 is exit 2 there.
DEEP_CASES = [(c, line) for c in COMMANDS for line in (1, 2, 9) if not (c[1:2] == ("view",) and line == 1)]


@pytest.mark.parametrize(("command", "line"), DEEP_CASES, ids=lambda v: "-".join(v[:2]) if isinstance(v, tuple) else str(v))
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


# -- 3. file names that are not UTF-8 are recorded as text ---------------------------------------

BAD_NAME = os.fsdecode(b"s\xe9.yaml")  # the byte 0xE9 alone is not UTF-8: a surrogate in Python


@pytest.fixture
def bad_named(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(FIXTURES / "mini-scenario.yaml", folder / BAD_NAME)
    shutil.copy(FIXTURES / "mini-network.yaml", folder / "mini-network.yaml")
    return folder


def test_text_name_replaces_undecodable_bytes_only() -> None:
    from simulator.fileio import text_name
    from simulator.journal.format import as_text

    assert text_name(BAD_NAME) == "s\ufffd.yaml"
    assert text_name("scénario.yaml") == "scénario.yaml"
    assert text_name("\ud800x") == "?x"
    assert as_text({BAD_NAME: [BAD_NAME, 1, None]}) == {"s\ufffd.yaml": ["s\ufffd.yaml", 1, None]}


def test_run_logs_a_scenario_whose_name_is_not_utf8(run_cli, bad_named: Path, tmp_path: Path) -> None:
    journal = bad_named / "a.log"
    code, _, err = run_cli("run", bad_named / BAD_NAME, "--until", "1h", "--log", journal)
    assert code == 0 and "Traceback" not in err, err
    header = json.loads(journal.read_bytes().splitlines()[0])
    assert header["data"]["scenario"]["file"] == "s\ufffd.yaml"
    assert header["data"]["config"]["paths"]["scenario"].endswith("s\ufffd.yaml")
    # Replay finds the file the replaced name stands for (its SHA-256 decides), from any folder.
    code, out, err = run_cli("log", "replay", journal, cwd=tmp_path)
    assert code == 0 and "identical" in out, err
    cut = tmp_path / "cut.log"
    cut.write_bytes(b"".join(journal.read_bytes().splitlines(keepends=True)[:-1]))
    code, out, err = run_cli("resume", "--headless", cut, cwd=tmp_path)
    assert code == 0 and "sealed" in out, err


def test_batch_on_a_scenario_whose_name_is_not_utf8(run_cli, bad_named: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    args = ("batch", bad_named / BAD_NAME, "--until", "1h", "--runs", "2", "--workers", "1", "--out", out)
    code, _, err = run_cli(*args)
    assert code == 0 and "Traceback" not in err, err
    header = json.loads(out.read_bytes().splitlines()[0])
    assert header["scenario"]["file"].endswith("s\ufffd.yaml")
    from simulator.batch.results import read_results

    assert read_results(out).complete


def test_a_result_header_that_cannot_be_written_leaves_no_file(tmp_path: Path, monkeypatch) -> None:
    from simulator.batch import results
    from simulator.batch.results import BatchHeader, BatchOptions, FileDigest, ResultWriter, Software
    from simulator.model.diagnostics import InputError

    digest = FileDigest(file=BAD_NAME, sha256="0" * 64)
    header = BatchHeader(
        created="2026-01-01T00:00:00+00:00",
        software=Software(version="0", python="3.11"),
        scenario=digest,
        network=digest,
        options=BatchOptions(runs=1, seed_start=0, policy=BAD_NAME, until="1h", executor="local", workers=1),
        arms=["baseline"],
    )
    path = tmp_path / "r.jsonl"
    writer = ResultWriter(path, header)
    writer.close()
    assert json.loads(path.read_bytes().splitlines()[0])["options"]["policy"] == "s\ufffd.yaml"

    def full(self, line, seeds=0):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(results.ResultWriter, "_write", full)
    again = tmp_path / "again.jsonl"
    with pytest.raises(InputError) as info:
        ResultWriter(again, header)
    assert not again.exists() and "No space left" in str(info.value)


@pytest.mark.parametrize(
    ("value", "words"),
    [([1], "unknown record type [1]"), ({"a": 1}, 'unknown record type {"a": 1}')],
)
def test_unhashable_record_type_is_named_at_its_line(run_cli, headless_run: Path, tmp_path: Path, value, words) -> None:
    """An unhashable `type` used to raise TypeError in verify's hot loop."""
    journal = rechain(headless_run, tmp_path / "odd.jsonl", lambda recs: recs[3].__setitem__("type", value))
    code, _, err = run_cli("log", "verify", journal)
    match = one_error(err)
    assert code == 1 and match["line"] == "4" and match["message"] == words, err


def test_a_value_too_deep_to_print_is_named() -> None:
    """A value the parser accepted high in the stack can be too deep to encode lower down."""
    from simulator.journal.replay import _describe
    from simulator.journal.verify import _record_problem, _show

    old = sys.getrecursionlimit()
    deep = None
    sys.setrecursionlimit(old * 4)
    try:
        deep = _nest_value(old * 2)
    finally:
        sys.setrecursionlimit(old)
    assert _show(deep) == "a value nested too deeply"
    record = {"seq": 3, "t": deep, "wall": "w", "type": "event", "prev": "0" * 64, "data": {}}
    assert _record_problem(record, 0.0) == "t must be a finite number written as a float (12.5, 60.0, never 60), not a value nested too deeply"
    assert _describe({"deep": deep}, 60.0).startswith("{… nested too deeply to show}")
