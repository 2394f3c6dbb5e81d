"""Regression tests for the journal audit: each test failed before its fix."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from simulator.journal import canonical_bytes
from tests.test_journal_verify_cli import make_journal, one_error, run_standalone

ROOT = Path(__file__).resolve().parent.parent
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


@pytest.fixture
def keys(run_cli, tmp_path: Path) -> tuple[Path, Path]:
    code, _, err = run_cli("keys", "generate", "--out", tmp_path / "keys")
    assert code == 0, err
    return tmp_path / "keys" / "journal-signing.key.pem", tmp_path / "keys" / "journal-signing.pub.pem"


@pytest.fixture
def journal_file(tmp_path: Path) -> Path:
    return make_journal(tmp_path / "exercise.jsonl")


# -- 1. a signature must be the canonical base64 of its bytes -----------------------------------


def _with_signature(path: Path, change) -> Path:
    lines = path.read_bytes().splitlines(keepends=True)
    seal = json.loads(lines[-1])
    text = seal["data"]["signature"]
    new = change(text)
    assert new != text
    lines[-1] = lines[-1].replace(f'"signature":"{text}"'.encode(), f'"signature":"{new}"'.encode())
    out = path.with_name("changed.jsonl")
    out.write_bytes(b"".join(lines))
    return out


def _flip_padding_bits(text: str) -> str:
    """Change the character before '==' to one that decodes to the same bytes."""
    assert text.endswith("==") and len(text) == 88
    last = text[-3]
    other = B64[B64.index(last) ^ 1]
    assert base64.b64decode(text[:-3] + other + "==") == base64.b64decode(text)
    return text[:-3] + other + "=="


@pytest.mark.parametrize(
    "change",
    [
        _flip_padding_bits,
        lambda text: text[:-2],  # unpadded
        lambda text: "A" * 84 + "==",  # 62 bytes
        lambda text: text[:-2] + "AAA=",  # 65 bytes
        lambda text: text[:40] + "\n" + text[40:],  # line break inside (MIME style)
    ],
    ids=["padding-bits", "unpadded", "short", "long", "newline"],
)
def test_non_canonical_signature_is_a_bad_signature(run_cli, tmp_path: Path, keys, change) -> None:
    private, public = keys
    good = make_journal(tmp_path / "signed.jsonl", sign_key=private)
    code, _, err = run_cli("log", "verify", good, "--pubkey", public)
    assert code == 0, err
    changed = _with_signature(good, lambda text: json.dumps(change(text))[1:-1])
    code, out, err = run_cli("log", "verify", changed, "--pubkey", public)
    match = one_error(err)
    assert code == 1 and out == "" and match["line"] == "10" and "bad signature" in match["message"], err
    code, out, _ = run_cli("log", "verify", changed, "--pubkey", public, "--json")
    data = json.loads(out)
    assert code == 1 and data["error"]["kind"] == "bad_signature" and data["signature"]["valid"] is False
    # Without a key its form is still checked: no two seal lines both pass as intact and signed.
    code, _, err = run_cli("log", "verify", changed)
    assert code == 1 and "canonical base64" in one_error(err)["message"]
    done = run_standalone(changed)
    assert done.returncode == 1 and done.stderr.startswith(f"{changed}:10:1: error: bad signature"), done.stderr


# -- 2. damage inside a journal is tampering (exit 1 at the line), not "not a journal" ----------


def _replace_byte(path: Path, line: int, column: int, value: int) -> Path:
    """A copy of `path` with one byte of `line` (1-based) replaced."""
    lines = path.read_bytes().splitlines(keepends=True)
    damaged = bytearray(lines[line - 1])
    damaged[column] = value
    lines[line - 1] = bytes(damaged)
    out = path.with_name(f"damaged-{line}-{column}-{value}.jsonl")
    out.write_bytes(b"".join(lines))
    return out


@pytest.mark.parametrize("value", [0x00, 0xFF])
@pytest.mark.parametrize("line", [2, 3, 9])
def test_a_damaged_body_byte_is_reported_at_its_line(run_cli, journal_file: Path, line: int, value: int) -> None:
    damaged = _replace_byte(journal_file, line, 12, value)
    code, _, err = run_cli("log", "verify", damaged)
    match = one_error(err)
    assert code == 1 and match["line"] == str(line) and "not a journal" not in match["message"], err
    done = run_standalone(damaged)
    assert done.returncode == 1 and done.stderr.startswith(f"{damaged}:{line}:1: error:"), done.stderr


@pytest.mark.parametrize("value", [0x00, 0xFF, ord("#")])
def test_a_damaged_header_before_intact_records_is_tampering(run_cli, journal_file: Path, value: int) -> None:
    damaged = _replace_byte(journal_file, 1, 20, value)
    code, _, err = run_cli("log", "verify", damaged)
    match = one_error(err)
    assert code == 1 and match["line"] == "1" and "header damaged" in match["message"], err
    code, out, _ = run_cli("log", "verify", damaged, "--json")
    assert code == 1 and json.loads(out)["error"]["kind"] == "modified"
    done = run_standalone(damaged)
    assert done.returncode == 1 and done.stderr.startswith(f"{damaged}:1:1: error: header damaged"), done.stderr


def test_header_and_line_2_damaged_line_3_still_tells_a_journal(run_cli, journal_file: Path) -> None:
    damaged = _replace_byte(_replace_byte(journal_file, 1, 20, 0xFF), 2, 12, 0xFF)
    code, _, err = run_cli("log", "verify", damaged)
    assert code == 1 and "header damaged" in one_error(err)["message"]
    assert run_standalone(damaged).returncode == 1


@pytest.mark.parametrize(
    "content",
    [
        b"\x7fELF\x02\x01\x01\x00\x00\x00",
        b"\x00\x01abc\n\x00zz\n",
        b"hello\xff\nworld\n",
        b'{"type": "note"}\n\x00\n',
        b"PK\x03\x04" + bytes(range(256)) * 64,
    ],
)
def test_files_that_are_not_journals_stay_exit_2(run_cli, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "x.bin"
    path.write_bytes(content)
    code, _, err = run_cli("log", "verify", path)
    match = one_error(err)
    assert code == 2 and match["line"] == "1" and "not a journal" in match["message"], err
    done = run_standalone(path)
    assert done.returncode == 2 and "Traceback" not in done.stderr


# -- 3. what-if on a journal cut short compares the same span of time ---------------------------


@pytest.fixture(scope="module")
def cut_headless(tmp_path_factory) -> Path:
    """A headless run killed early: its journal's first 100 lines, no seal."""
    from simulator.journal.session import RecordedExercise

    folder = tmp_path_factory.mktemp("cut")
    full = folder / "full.jsonl"
    rec = RecordedExercise.start(
        ROOT / "scenarios" / "data-theft-extortion.yaml", 11, "fr", full, policy="textbook", config={"until": "end"}
    )
    rec.run()
    rec.finish()
    cut = folder / "cut.jsonl"
    cut.write_bytes(b"".join(full.read_bytes().splitlines(keepends=True)[:100]))
    return cut


def test_whatif_on_a_cut_journal_ends_both_runs_at_the_recorded_end(cut_headless: Path) -> None:
    from simulator.journal.replay import load_journal
    from simulator.journal.whatif import what_if

    recorded_end = load_journal(cut_headless).last_t
    result = what_if(cut_headless, 10, ["note nothing"])
    assert result.real.end == result.whatif.end == recorded_end
    assert all(delta in (None, 0, 0.0) for _k, _a, _b, delta in result.rows())
    assert result.sealed is False and "cut short" in result.notes[0]
    data = result.to_json()
    assert data["sealed"] is False and "cut short" in data["notes"][0]


def test_whatif_cli_json_says_the_journal_was_cut_short(run_cli, cut_headless: Path) -> None:
    code, out, err = run_cli("log", "whatif", cut_headless, "--at", "T+10m", "--do", "note nothing", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["real"]["end"] == data["whatif"]["end"]
    assert all(d["difference"] in (None, 0, 0.0) for d in data["differences"])
    assert any("cut short" in note for note in data["notes"])
    code, out, err = run_cli("log", "whatif", cut_headless, "--at", "T+10m", "--do", "note nothing")
    assert code == 0 and "note: journal NOT sealed (cut short at" in " ".join(out.split()), out


# -- 4. report response times count only what the cell did --------------------------------------


@pytest.fixture(scope="module")
def slow_cell(tmp_path_factory) -> Path:
    """A cell whose first command after the printers inject is refused, and that lets a decision lapse."""
    from simulator.journal.session import RecordedExercise

    path = tmp_path_factory.mktemp("report") / "slow.jsonl"
    rec = RecordedExercise.start(ROOT / "tests" / "fixtures" / "mini-scenario.yaml", 9, "en", path)
    rec.advance(15)
    refused = rec.submit("decide ransom pay", by_role="direction")  # not put to the cell yet: refused
    assert not refused.accepted
    rec.submit("frobnicate the servers", by_role="it")  # not a command at all: refused
    rec.advance(25)
    assert rec.submit("declare-crisis", by_role="direction").accepted
    rec.advance(200)  # cut-internet is put at T+1h, its 30 min deadline lapses: the default applies
    rec.advance(600)
    rec.finish()
    return path


def test_a_refused_command_is_not_the_first_action(slow_cell: Path) -> None:
    from simulator.report.data import build_report

    data = build_report(slow_cell, "en")
    printers = next(r for r in data.responses if r.kind == "inject" and r.fired == 10.0)
    # its objective (alert) expects notifications; the refused text and the unrelated declare-crisis answer nothing
    assert printers.status == "missing" and printers.answered is None and printers.basis == "objectives"


def test_a_decision_applied_by_default_is_not_taken(slow_cell: Path) -> None:
    from simulator.report.data import build_report
    from simulator.report.render import render_markdown

    data = build_report(slow_cell, "en")
    decision = next(r for r in data.responses if r.kind == "decision" and r.stimulus.startswith("Cut internet"))
    assert decision.status == "default" and "Wait" in decision.answer
    made = [row for row in data.rows if row.text.startswith("Decision “Cut internet")]
    assert made and all(row.who == "default option (deadline)" for row in made)  # the timeline still says so
    assert "default option at the deadline" in render_markdown(data)


# -- 5. replay compares JSON kinds: 1 is not true, 60.0 is not 60 --------------------------------


@pytest.fixture(scope="module")
def policy_run(tmp_path_factory) -> Path:
    from simulator.journal.session import RecordedExercise

    path = tmp_path_factory.mktemp("strict") / "run.jsonl"
    rec = RecordedExercise.start(
        ROOT / "tests" / "fixtures" / "mini-scenario.yaml", 3, "fr", path, policy="textbook", config={"until": "recovery"}
    )
    rec.run()
    rec.finish()
    return path


def _first_event(body: list[bytes], test) -> int:
    return next(i for i, raw in enumerate(body) if json.loads(raw)["type"] == "event" and test(json.loads(raw)))


def _set_data(key: str, value):
    def change(rec: dict) -> None:
        rec["data"][key] = value

    return change


def _set_t(rec: dict) -> None:
    rec["t"] = int(rec["t"])


@pytest.mark.parametrize(
    ("test", "change"),
    [
        (lambda r: r["data"].get("truth") is True, _set_data("truth", 1)),
        (lambda r: type(r["data"].get("staff")) is int and r["data"]["staff"] == 1, _set_data("staff", True)),
        (lambda r: type(r["data"].get("staff")) is int and r["data"]["staff"] == 0, _set_data("staff", False)),
        (lambda r: type(r["data"].get("deadline")) is float, lambda r: r["data"].update(deadline=int(r["data"]["deadline"]))),
        (lambda r: r["data"]["t"] > 0 and r["data"]["t"] == int(r["data"]["t"]), lambda r: r["data"].update(t=int(r["data"]["t"]))),
        (lambda r: r["t"] > 0 and r["t"] == int(r["t"]), _set_t),
    ],
    ids=["true-to-1", "1-to-true", "0-to-false", "float-deadline-to-int", "data-t-to-int", "envelope-t-to-int"],
)
def test_replay_tells_json_kinds_apart(run_cli, policy_run: Path, tmp_path: Path, test, change) -> None:
    from tests.test_journal_replay import rechain

    body = policy_run.read_bytes().splitlines()
    index = _first_event(body, test)
    rec = json.loads(body[index])
    before = json.dumps(rec)
    change(rec)
    assert json.dumps(rec) != before and rec == json.loads(before)  # equal to Python, not in JSON
    body[index] = canonical_bytes(rec)
    path = tmp_path / "edited.jsonl"
    path.write_bytes(rechain(body))
    code, _, err = run_cli("log", "verify", path)
    if change is _set_t:  # the envelope's t is always a float: verification itself refuses an integer
        assert code == 1 and one_error(err)["line"] == str(index + 1) and "written as a float" in err, err
    else:
        assert code == 0, err  # the chain was rebuilt honestly: only the replay can see the edit
    code, out, err = run_cli("log", "replay", path)
    match = one_error(err)
    assert code == 1 and out == "" and match["line"] == str(index + 1), err
    assert ("written as a float" if change is _set_t else "differs from the replay") in match["message"]


def test_replay_of_the_unedited_run_is_identical(run_cli, policy_run: Path) -> None:
    code, out, err = run_cli("log", "replay", policy_run)
    assert code == 0 and "identical" in out, err


@pytest.mark.parametrize(
    ("recorded", "got", "same"),
    [
        ({"a": [1, {"b": 2.5}], "c": "x"}, {"a": [1, {"b": 2.5}], "c": "x"}, True),
        ({"a": [1, {"b": True}]}, {"a": [1, {"b": 1}]}, False),
        ({"a": [[0]]}, {"a": [[False]]}, False),
        ({"a": {"b": 60}}, {"a": {"b": 60.0}}, False),
        ({"a": None, "b": "s"}, {"a": None, "b": "s"}, True),
    ],
)
def test_same_types_looks_inside_lists_and_objects(recorded, got, same) -> None:
    from simulator.journal.replay import _same_types

    assert recorded == got
    assert _same_types(recorded, got) is same
