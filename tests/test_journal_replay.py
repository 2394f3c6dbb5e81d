"""`cyberdrill log replay`: identical replays, tampering that keeps the chain intact, bad input."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

from simulator.journal.format import canonical_bytes, seal_digest_payload
from simulator.journal.replay import replay_journal
from simulator.journal.session import RecordedExercise

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini-scenario.yaml"
DIAG = re.compile(r"^(?P<file>.+):(?P<line>\d+):1: error: (?P<message>.+)$")


def interactive(path: Path) -> Path:
    rec = RecordedExercise.start(MINI, 7, "fr", path)
    rec.advance(5)
    rec.submit("declare-crisis")
    rec.advance(33.3333333)  # a time that does not land exactly after float arithmetic
    rec.submit("isolate zone:servers", by_role="it")
    rec.submit("notify cert-sante")  # same instant, after the previous command's consequences
    rec.record_ui("pause")
    rec.advance(61)
    rec.submit("decide cut-internet cut", by_role="direction")
    rec.submit("not a command")
    rec.advance(4000)
    rec.finish()
    return path


@pytest.fixture(scope="module")
def journals(tmp_path_factory):
    folder = tmp_path_factory.mktemp("replay")
    interactive(folder / "play.jsonl")
    rec = RecordedExercise.start(MINI, 3, "fr", folder / "run.jsonl", policy="textbook", config={"until": "recovery"})
    rec.run()
    rec.finish()
    return folder


def lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines()


def rechain(body: list[bytes]) -> bytes:
    """Rebuild seq, prev and the seal exactly as an honest writer would: the chain verifies."""
    out: list[bytes] = []
    prev = "0" * 64
    for seq, raw in enumerate(body):
        rec = json.loads(raw)
        rec["seq"], rec["prev"] = seq, prev
        if rec["type"] == "seal":
            rec["data"].update(records=len(body), last_hash=prev)
            rec["data"].pop("digest", None)
            rec["data"]["digest"] = hashlib.sha256(canonical_bytes(seal_digest_payload(rec))).hexdigest()
        line = canonical_bytes(rec)
        out.append(line)
        prev = hashlib.sha256(line).hexdigest()
    return b"\n".join(out) + b"\n"


def copy(journals: Path, name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copy(journals / name, target)
    return target


@pytest.mark.parametrize("name", ["play.jsonl", "run.jsonl"])
def test_replay_is_identical(run_cli, journals, name):
    code, out, err = run_cli("log", "replay", str(journals / name))
    assert code == 0, err
    assert "identical" in out and "sealed" in out
    report, ex = replay_journal(journals / name)
    events = sum(1 for raw in lines(journals / name) if json.loads(raw)["type"] == "event")
    assert report.identical and report.events_checked == events


def test_replay_json(run_cli, journals):
    code, out, _ = run_cli("log", "replay", str(journals / "play.jsonl"), "--json")
    data = json.loads(out)
    assert code == 0 and data["identical"] and data["error"] is None and data["commands"] == 5 and data["sealed"]


def test_replay_rebuilds_the_final_state(journals):
    report, ex = replay_journal(journals / "play.jsonl")
    assert ex.now == 4000.0
    assert "crisis-declared" in ex.facts and ex.decisions_made["cut-internet"][0] == "cut"


def _edit_event(body: list[bytes], predicate, change) -> tuple[list[bytes], int]:
    for i, raw in enumerate(body):
        rec = json.loads(raw)
        if rec["type"] == "event" and predicate(rec["data"]):
            change(rec["data"])
            body[i] = canonical_bytes(rec)
            return body, i + 1
    raise AssertionError("no such event")


@pytest.mark.parametrize(
    "predicate, change",
    [
        (lambda d: d["kind"] == "asset-changed" and d["state"] == "encrypted", lambda d: d.update(state="healthy")),
        (lambda d: d["kind"] == "clock-started", lambda d: d.update(deadline=d["deadline"] + 600)),
        (lambda d: d.get("truth") is True, lambda d: d.pop("truth")),
    ],
    ids=["asset-state", "clock-deadline", "ground-truth-flag"],
)
def test_edited_event_with_an_honest_chain_is_caught(run_cli, journals, tmp_path, predicate, change):
    path = copy(journals, "play.jsonl", tmp_path)
    body, line = _edit_event(lines(path), predicate, change)
    path.write_bytes(rechain(body))
    code, out, _ = run_cli("log", "verify", str(path))
    assert code == 0, "the chain was rebuilt honestly: verify cannot see the edit"
    code, out, err = run_cli("log", "replay", str(path))
    assert code == 1 and out == ""
    match = DIAG.match(err.strip())
    assert match and int(match["line"]) == line, err
    assert "differs from the replay" in match["message"] and "expected" in match["message"] and "got" in match["message"]


def test_deleted_event_is_caught(run_cli, journals, tmp_path):
    path = copy(journals, "run.jsonl", tmp_path)
    body = lines(path)
    index = next(i for i, raw in enumerate(body) if json.loads(raw)["data"].get("kind") == "clock-missed" or json.loads(raw)["data"].get("kind") == "clock-met")
    del body[index]
    path.write_bytes(rechain(body))
    code, _out, err = run_cli("log", "replay", str(path))
    assert code == 1
    assert int(DIAG.match(err.strip())["line"]) == index + 1


def test_inserted_event_is_caught(run_cli, journals, tmp_path):
    path = copy(journals, "play.jsonl", tmp_path)
    body = lines(path)
    index = next(i for i, raw in enumerate(body) if json.loads(raw)["data"].get("kind") == "inject")
    fake = json.loads(body[index])
    fake["data"]["inject"] = "toilets"
    body.insert(index + 1, canonical_bytes(fake))
    path.write_bytes(rechain(body))
    code, _out, err = run_cli("log", "replay", str(path))
    assert code == 1 and int(DIAG.match(err.strip())["line"]) == index + 2


def test_edited_command_changes_what_follows(run_cli, journals, tmp_path):
    path = copy(journals, "play.jsonl", tmp_path)
    body = lines(path)
    for i, raw in enumerate(body):
        rec = json.loads(raw)
        if rec["type"] == "command" and rec["data"].get("action") == "isolate":
            rec["data"]["target"] = "zone:clinical"
            body[i] = canonical_bytes(rec)
            break
    path.write_bytes(rechain(body))
    code, _out, err = run_cli("log", "replay", str(path))
    assert code == 1 and "error:" in err


def test_moved_command_time_is_caught(run_cli, journals, tmp_path):
    path = copy(journals, "play.jsonl", tmp_path)
    body = lines(path)
    for i, raw in enumerate(body):
        rec = json.loads(raw)
        if rec["type"] == "command" and rec["data"].get("action") == "declare-crisis":
            rec["t"] = rec["t"] + 0.001
            body[i] = canonical_bytes(rec)
            break
    path.write_bytes(rechain(body))
    code, _out, err = run_cli("log", "replay", str(path))
    assert code == 1


def test_unsealed_journal_replays_its_intact_part(run_cli, journals, tmp_path):
    path = copy(journals, "play.jsonl", tmp_path)
    body = lines(path)
    path.write_bytes(b"\n".join(body[: len(body) // 2]) + b"\n" + body[len(body) // 2][:20])
    code, out, err = run_cli("log", "replay", str(path))
    assert code == 0, err
    assert "NOT sealed" in out


def test_broken_chain_is_refused_before_replaying(run_cli, journals, tmp_path):
    path = copy(journals, "play.jsonl", tmp_path)
    body = lines(path)
    body[5] = body[5].replace(b'"kind"', b'"kind" ', 1)
    path.write_bytes(b"\n".join(body) + b"\n")
    code, out, err = run_cli("log", "replay", str(path))
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1


def test_changed_scenario_is_bad_input(run_cli, journals, tmp_path):
    folder = tmp_path / "moved"
    folder.mkdir()
    shutil.copy(journals / "play.jsonl", folder / "play.jsonl")
    changed = folder / "mini-scenario.yaml"
    changed.write_text(MINI.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    code, _out, err = run_cli("log", "replay", str(folder / "play.jsonl"), "--scenario", str(changed))
    assert code == 2 and "not the one the journal recorded" in err and len(err.strip().splitlines()) == 1


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


NEWER = {"seq": 0, "t": 0.0, "wall": "2026-03-14T01:00:00.000Z", "type": "header", "prev": "0" * 64, "data": {"format_version": 99}}


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("empty.jsonl", b"", "empty file"),
        ("binary.jsonl", bytes(range(256)) * 4, "binary"),
        ("text.jsonl", b"hello world\n", "not a journal"),
        ("list.jsonl", b"[1, 2, 3]\n", "not a journal"),
        ("newer.jsonl", canonical_bytes(NEWER) + b"\n", "version 99"),
    ],
)
@pytest.mark.parametrize(
    "command",
    [
        ("log", "replay"),
        ("log", "report", "-o", "out.html"),
        ("log", "export", "-o", "out.csv"),
        ("log", "whatif", "--at", "T+1h", "--do", "notify cnil"),
        ("resume",),
    ],
)
def test_bad_input_is_one_line_exit_2(run_cli, tmp_cwd, name, data, message, command):
    path = _write(tmp_cwd / name, data)
    args = [command[0], command[1], str(path), *command[2:]] if len(command) > 1 else [command[0], str(path)]
    code, out, err = run_cli(*args)
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and message in err and "Traceback" not in err
    assert not (tmp_cwd / "out.html").exists() and not (tmp_cwd / "out.csv").exists()


def test_missing_file_and_folder(run_cli, tmp_path):
    code, _out, err = run_cli("log", "replay", str(tmp_path / "nope.jsonl"))
    assert code == 2 and "No such file" in err
    code, _out, err = run_cli("log", "replay", str(tmp_path))
    assert code == 2 and "folder" in err


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

POOL = [
    "declare-crisis", "isolate zone:servers", "isolate zone:clinical", "reconnect zone:servers", "notify cert-sante",
    "notify cnil", "notify anssi", "notify police", "cut-internet", "disable-remote-access", "degraded-mode all",
    "degraded-mode emergency", "decide cut-internet cut", "decide cut-internet wait", "decide ransom pay",
    "request-support cert-sante", "eradicate", "restore asset:dc1", "rebuild asset:dc1", "inject toilets",
    "rate alert crisis-cell M", "note 'a note'", "transfer emergency 3", "nonsense here", "isolate zone:nowhere",
]

steps = st.lists(
    st.tuples(
        st.floats(min_value=0.0, max_value=300.0, allow_nan=False, allow_infinity=False),  # time to advance first
        st.sampled_from(POOL),
        st.sampled_from(["players", "it", "direction", "evaluator"]),
        st.booleans(),  # a UI input too
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=20, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=10_000), plan=steps)
def test_any_command_stream_replays_identically(tmp_path_factory, seed, plan):
    """Whatever the cell types, whenever: the journal replays event for event (floats included)."""
    path = tmp_path_factory.mktemp("prop") / "j.jsonl"
    rec = RecordedExercise.start(MINI, seed, "fr", path)
    rec.advance(0)
    for delta, text, by, ui in plan:
        for _tick in range(3):  # the UI advances in timer ticks, not command to command
            rec.advance(rec.exercise.now + delta / 7.0)
        rec.submit(text, by_role=by)
        if ui:
            rec.record_ui("speed", speed=delta)
    rec.advance(rec.exercise.now + 500.123)
    rec.finish()
    report, _ex = replay_journal(path)
    assert report.identical, report.failure


def test_the_clock_reads_exactly_the_time_advanced_to(tmp_path):
    """`now + (until - now)` can miss `until` by one ulp (here from the last staff shift before
    T+0, at T-7h); a recorded time must be the time advanced to, bit for bit."""
    from simulator.engine.headless import load_exercise

    b = -163.9972753559833
    assert -420.0 + (b - -420.0) != b  # the float trap itself
    bare = load_exercise(MINI, 1)
    bare.advance(b)
    assert bare.now == b  # the engine itself lands exactly
    rec = RecordedExercise.start(MINI, 1, "fr", tmp_path / "ulp.jsonl")
    rec.advance(b)
    assert rec.exercise.now == b
    rec.record_ui("pause")
    rec.submit("declare-crisis")  # refused before T+0, and recorded at exactly b
    rec.advance(100)
    rec.finish()
    recorded = [json.loads(x) for x in lines(tmp_path / "ulp.jsonl")]
    assert [r["t"] for r in recorded if r["type"] == "command"] == [b, b]
    assert replay_journal(tmp_path / "ulp.jsonl")[0].identical


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update(count=[1]),
        lambda d: d.update(command="launch-missiles"),
        lambda d: d.pop("action"),
    ],
    ids=["count-not-a-number", "unknown-command", "missing-field"],
)
def test_unreadable_command_with_an_honest_chain_is_one_line_exit_1(run_cli, journals, tmp_path, change):
    path = copy(journals, "play.jsonl", tmp_path)
    body = lines(path)
    for i, raw in enumerate(body):
        rec = json.loads(raw)
        if rec["type"] == "command" and rec["data"].get("action") == "declare-crisis":
            change(rec["data"])
            body[i] = canonical_bytes(rec)
            line = i + 1
            break
    path.write_bytes(rechain(body))
    code, out, err = run_cli("log", "replay", str(path))
    assert code == 1 and out == "" and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and f":{line}:1: error: cannot replay this command" in err


@pytest.mark.parametrize("until", ["banana", [1], True])
def test_header_until_that_is_not_a_time(run_cli, journals, tmp_path, until):
    path = copy(journals, "run.jsonl", tmp_path)
    body = lines(path)
    header = json.loads(body[0])
    header["data"]["config"]["until"] = until
    body[0] = canonical_bytes(header)
    path.write_bytes(rechain(body))
    code, _out, err = run_cli("log", "replay", str(path))
    assert code == 1 and ":1:1: error: header config 'until' is not a time" in err and len(err.strip().splitlines()) == 1
