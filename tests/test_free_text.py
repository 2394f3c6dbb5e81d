"""Free text reaches the journal byte for byte: a note is everything after its verb (issue 11 #2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.engine.commands import NoteCmd, parse_command
from simulator.journal.commands import legacy_note_refusal, text_data
from simulator.journal.replay import replay_journal
from simulator.journal.session import RecordedExercise
from simulator.journal.whatif import what_if
from tests.engine_helpers import exercise, variant

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini-scenario.yaml"

FRENCH = [
    "Il n'y a pas eu d'appel",
    "l'équipe",
    "l'équipe d'astreinte « arrive » vers 3 h",
    'il a dit "on coupe" puis \'non\'',
    "deux  espaces\tet une tabulation",
    "ligne 1\nligne 2",
    "chemin C:\\temp\\note.txt",
    "'",
]


@pytest.mark.parametrize("text", FRENCH)
def test_a_note_is_everything_after_its_verb(text):
    cmd = parse_command("note " + text)
    assert isinstance(cmd, NoteCmd) and cmd.text_ == text
    assert parse_command(cmd.text()) == cmd  # the journaled text form reads back the same


@pytest.mark.parametrize(
    "typed, text",
    [
        ('note "the director arrived"', "the director arrived"),  # as policies write it
        ("note 'a note'", "a note"),
        ("NOTE   spaced out   ", "spaced out"),
        ("note \"l'équipe\"", "l'équipe"),
        ('note "a" and "b"', '"a" and "b"'),  # more than one quoted word: verbatim
        ('note "He said "hi""', '"He said "hi""'),  # not one word as a shell writes it
    ],
)
def test_one_fully_quoted_word_stands_for_that_word(typed, text):
    assert parse_command(typed).text_ == text


def test_an_empty_note_is_refused():
    ex = exercise()
    ex.advance(1)
    for typed in ("note", "note   ", 'note ""'):
        result = ex.submit(typed)
        assert not result.accepted and result.code == "note-empty"


def test_the_journal_holds_every_typed_character(tmp_path):
    path = tmp_path / "notes.jsonl"
    rec = RecordedExercise.start(MINI, 3, "fr", path)
    rec.advance(10)
    for text in FRENCH:
        assert rec.submit("note " + text, by_role="evaluator").accepted
    rec.advance(60)
    rec.finish()
    lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    notes = [r["data"]["text"] for r in lines if r["type"] == "command" and r["data"].get("kind") == "note"]
    assert notes == FRENCH
    events = [r["data"]["text"] for r in lines if r["type"] == "event" and r["data"]["kind"] == "note"]
    assert events == FRENCH
    report, _ex = replay_journal(path)
    assert report.identical


def test_policies_and_whatif_keep_apostrophes(tmp_path):
    def mutate(sc):
        sc.setdefault("injects", [])
    path = variant(tmp_path, mutate)
    policy = tmp_path / "notes.yaml"
    policy.write_text(
        "policy:\n  id: notes\n  name: Notes\n  rules:\n    - id: n\n      on: {fact: awareness}\n"
        "      do: [\"note l'équipe d'astreinte est là\"]\n",
        encoding="utf-8",
    )
    from simulator.engine.headless import load_exercise, run_exercise

    ex = load_exercise(path, 0, str(policy))
    notes = []
    ex.subscribe(lambda e: notes.append(e.text) if e.kind == "note" else None)
    run_exercise(ex, "end")
    assert notes == ["l'équipe d'astreinte est là"]

    log = tmp_path / "cell.jsonl"
    rec = RecordedExercise.start(MINI, 11, "fr", log)
    rec.advance(30)
    rec.submit("declare-crisis")
    rec.advance(600)
    rec.finish()
    result = what_if(log, 60, ["note Il n'y a pas eu d'appel"])
    assert result.results[0]["accepted"], result.results


def test_a_journal_of_an_older_version_replays_its_refused_note(tmp_path):
    """Before notes were read verbatim, `note l'équipe` was journaled as unreadable text and
    refused; such a journal must replay identically (the refusal is replayed, not re-judged)."""
    path = tmp_path / "old.jsonl"
    rec = RecordedExercise.start(MINI, 3, "fr", path)
    rec.advance(10)
    typed = "note l'équipe"
    reason = legacy_note_refusal(typed)
    assert reason == "cannot read command 'note l'équipe': No closing quotation"
    # what the older version wrote: the text as typed, then its refusal
    rec._writer.command(float(rec.exercise.now), text_data(typed, "players"))
    rec.exercise.refuse(typed, "players", reason, "unreadable", {"command": typed})
    rec.advance(60)
    rec.finish()
    report, _ex = replay_journal(path)
    assert report.identical and report.refused and report.refused[0][1] == reason
    assert legacy_note_refusal("note l'équipe d'astreinte") is None  # an even count of quotes shlex read (and joined)
    assert legacy_note_refusal("isolate 'x") is None  # only notes are read differently now
