"""RecordedExercise: the header, commands journaled before they apply, every event, UI inputs, the seal;
`run --log` and `--sign-key`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.journal import generate_keypair, load_public_key, verify_journal
from simulator.journal.replay import load_journal
from simulator.journal.session import RecordedExercise, default_log_path

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini-scenario.yaml"


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def played(tmp_path):
    """An interactive exercise with a few commands, a UI input and a bad command, sealed."""
    path = tmp_path / "play.jsonl"
    rec = RecordedExercise.start(MINI, 5, "en", path, participants=["Alice:facilitator", ("Bob", "player")], config={"speed": 10})
    rec.advance(12.5)
    accepted = rec.submit("declare-crisis")
    isolate = rec.submit("isolate zone:servers", by_role="it")
    rec.record_ui("ack", ref="printers")
    bad = rec.submit("shred everything")
    rec.advance(300.25)
    rec.record_ui("observation", by_role="evaluator", text="the cell called the CERT late")
    rec.advance(2000)
    seal = rec.finish()
    return path, rec, (accepted, isolate, bad), seal


def test_header_pins_inputs_seed_people_and_config(played):
    path, rec, _results, _seal = played
    header = records(path)[0]
    data = header["data"]
    assert header["type"] == "header" and header["t"] == rec.exercise.t_min
    assert data["format_version"] == 1 and data["software_version"]
    assert data["scenario"]["file"] == "mini-scenario.yaml" and data["scenario"]["id"] == "mini-ransomware"
    assert len(data["scenario"]["sha256"]) == 64 and data["network"]["file"] == "mini-network.yaml"
    assert data["policy"] is None and data["seed"] == 5 and data["language"] == "en"
    assert data["participants"] == [{"name": "Alice", "role": "facilitator"}, {"name": "Bob", "role": "player"}]
    assert data["start"] == "2026-03-14T01:00:00+01:00"  # local hospital time with its offset
    assert data["config"]["mode"] == "interactive" and data["config"]["speed"] == 10
    assert data["config"]["paths"]["scenario"] == str(MINI.resolve())


def test_commands_are_written_before_their_consequences(played):
    path, _rec, (accepted, isolate, bad), _seal = played
    assert accepted.accepted and isolate.accepted and not bad.accepted
    recs = records(path)
    commands = [(i, r) for i, r in enumerate(recs) if r["type"] == "command"]
    kinds = [r["data"]["kind"] for _i, r in commands]
    assert kinds == ["act", "act", "ui", "text", "ui"]
    i, first = commands[0]
    assert first["t"] == 12.5 and first["data"] == {"action": "declare-crisis", "by": "players", "command": "act", "kind": "act", "target": ""}
    answer = next(r for r in recs[i + 1 :] if r["data"].get("kind") in ("command-accepted", "command-refused"))
    assert answer["data"]["kind"] == "command-accepted" and answer["data"]["source"] == "players"
    assert commands[1][1]["data"]["by"] == "it"
    assert commands[2][1]["data"] == {"by": "players", "kind": "ui", "ref": "printers", "ui": "ack"}
    j, text = commands[3]
    assert text["data"] == {"by": "players", "command": "text", "kind": "text", "text": "shred everything"}
    refusal = recs[j + 1]["data"]
    assert refusal["kind"] == "command-refused" and "unknown command" in refusal["reason"]
    assert commands[4][1]["data"]["ui"] == "observation" and commands[4][1]["data"]["by"] == "evaluator"


def test_every_engine_event_is_journaled_ground_truth_included(tmp_path):
    path = tmp_path / "all.jsonl"
    rec = RecordedExercise.start(MINI, 5, "fr", path)
    seen = []
    rec.exercise.subscribe(lambda e: seen.append((float(e.t), e.to_record())))
    rec.advance(3000)
    rec.finish()
    events = [(r["t"], r["data"]) for r in records(path) if r["type"] == "event"]
    assert events == seen
    assert any(d.get("truth") for _t, d in events)


def test_seal_is_valid_and_properties_follow_the_file(played):
    path, rec, _results, seal = played
    result = verify_journal(path)
    assert result.ok and result.sealed and rec.sealed
    assert rec.head_hash == result.head and rec.log_path == path
    assert seal["t"] == 2000.0


def test_signed_seal_checks_with_the_public_key(tmp_path):
    private, public = generate_keypair(tmp_path / "keys")
    path = tmp_path / "signed.jsonl"
    rec = RecordedExercise.start(MINI, 1, "fr", path)
    rec.advance(100)
    rec.finish(sign_key=private)
    result = verify_journal(path, pubkey=load_public_key(public))
    assert result.ok and result.signature_valid


def test_close_without_seal_leaves_a_resumable_journal(tmp_path):
    path = tmp_path / "open.jsonl"
    with RecordedExercise.start(MINI, 1, "fr", path) as rec:
        rec.advance(60)
        rec.submit("declare-crisis")
    journal = load_journal(path)
    assert not journal.sealed and journal.verify.kind == "truncated"


def test_default_log_path_is_in_the_user_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    path = default_log_path("mini-ransomware")
    assert path.parent.is_dir() and path.parent.name == "journals"
    assert path.name.startswith("mini-ransomware-") and path.suffix == ".jsonl"
    assert str(path).startswith(str(tmp_path / "data"))
    path.write_text("taken\n")
    from datetime import datetime, timezone

    moment = datetime(2026, 3, 14, 1, 0, tzinfo=timezone.utc)
    first = default_log_path("mini-ransomware", moment)
    assert first.name == "mini-ransomware-20260314T010000Z.jsonl"
    first.write_text("taken\n")
    second = default_log_path("mini-ransomware", moment)
    assert second.name == "mini-ransomware-20260314T010000Z-2.jsonl" and not second.exists()


def test_start_refuses_to_overwrite_a_journal(tmp_path):
    from simulator.model.diagnostics import InputError

    path = tmp_path / "exists.jsonl"
    path.write_text("keep me\n")
    with pytest.raises(InputError, match="already exists"):
        RecordedExercise.start(MINI, 1, "fr", path)
    assert path.read_text() == "keep me\n"


# ------------------------------------------------------------------------------- run --log


def test_run_with_log_prints_the_same_json_and_writes_a_sealed_journal(run_cli, tmp_path):
    args = [str(MINI), "--seed", "3", "--policy", "textbook", "--until", "recovery", "--json"]
    code, plain, _ = run_cli("run", *args)
    assert code == 0
    log = tmp_path / "run.jsonl"
    code, logged, err = run_cli("run", *args, "--log", str(log))
    assert code == 0, err
    assert logged == plain
    result = verify_journal(log)
    assert result.ok and result.sealed
    header = records(log)[0]["data"]
    assert header["policy"]["id"] == "textbook" and header["config"]["until"] == "recovery"
    assert header["config"]["mode"] == "headless" and header["language"] == "fr"


def test_run_with_sign_key(run_cli, tmp_path):
    private, public = generate_keypair(tmp_path / "keys")
    log = tmp_path / "signed-run.jsonl"
    code, _out, err = run_cli("run", str(MINI), "--policy", "textbook", "--log", str(log), "--sign-key", str(private))
    assert code == 0, err
    code, out, _err = run_cli("log", "verify", str(log), "--pubkey", str(public))
    assert code == 0 and "signature valid" in out


@pytest.mark.parametrize(
    "make_key, message",
    [
        (lambda d: d / "missing.pem", "cannot read key file"),
        (lambda d: generate_keypair(d / "k")[1], "this is a public key"),
        (lambda d: (d / "junk.pem").write_text("not a key") and d / "junk.pem", "not a PEM private key"),
    ],
)
def test_run_with_a_bad_key_fails_cleanly_and_writes_nothing(run_cli, tmp_path, make_key, message):
    key = make_key(tmp_path)
    log = tmp_path / "never.jsonl"
    code, out, err = run_cli("run", str(MINI), "--log", str(log), "--sign-key", str(key))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err and "Traceback" not in err
    assert not log.exists()


def test_sign_key_without_log_is_a_usage_error(run_cli, tmp_path):
    private, _public = generate_keypair(tmp_path / "keys")
    code, _out, err = run_cli("run", str(MINI), "--sign-key", str(private))
    assert code == 2 and "--log" in err


def test_run_log_refuses_an_existing_file(run_cli, tmp_path):
    log = tmp_path / "exists.jsonl"
    log.write_text("x\n")
    code, _out, err = run_cli("run", str(MINI), "--log", str(log))
    assert code == 2 and "already exists" in err and log.read_text() == "x\n"
