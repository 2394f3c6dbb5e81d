"""A recorded exercise: the engine and its journal, glued so nothing reaches one without the other.

`run --log`, `play` (the TUI) and `resume` all drive the engine through `RecordedExercise`:
every command is written and fsynced *before* it is applied, every engine event (ground
truth included: the journal is for auditors) is journaled as it happens, and UI-only inputs
(pause, speed, inject acknowledged, observations) are journaled as commands the engine never
sees. Because a command is always preceded by `advance(now)` (pending same-time events run
first) and the clock is pinned to the recorded times, feeding the recorded commands back at
their recorded times rebuilds the exact state: that is replay, resume and what-if.
"""

from __future__ import annotations

import os
import time
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import Any, Iterable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from simulator.engine.commands import Command, CommandSyntaxError, parse_command
from simulator.engine.events import Event
from simulator.engine.exercise import Exercise, Result
from simulator.engine.headless import parse_until, run_exercise
from simulator.journal.commands import advance_exact, command_data, text_data, ui_data
from simulator.journal.format import file_ref
from simulator.journal.inputs import Inputs, exercise_start, load_inputs, locate_inputs
from simulator.journal.keys import load_private_key
from simulator.journal.replay import HEADLESS, Divergence, Replayer, build_exercise, load_journal
from simulator.journal.writer import JournalWriter
from simulator.model.diagnostics import Diagnostic, InputError

INTERACTIVE = "interactive"
SLOW_ENV = "CYBERDRILL_TEST_SLOW_JOURNAL"
"""Test hook: seconds to sleep after each journaled record, so a test can kill a run mid-way."""


def default_log_path(scenario_id: str, now: datetime | None = None) -> Path:
    """<user data dir>/journals/<scenario-id>-<UTC timestamp>.jsonl (the folder is created)."""
    import platformdirs

    moment = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    folder = Path(platformdirs.user_data_dir("cyberdrill")) / "journals"
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{scenario_id}-{moment.strftime('%Y%m%dT%H%M%SZ')}"
    path, n = folder / f"{stem}.jsonl", 1
    while path.exists():  # two exercises started in the same second
        n += 1
        path = folder / f"{stem}-{n}.jsonl"
    return path


def _participants(items: Iterable[Any]) -> list[dict]:
    """Accept {"name", "role"} mappings, (name, role) pairs or "name:role" strings."""
    out = []
    for item in items:
        if isinstance(item, dict):
            name, role = item.get("name"), item.get("role")
        elif isinstance(item, str):
            name, _, role = item.partition(":")
        else:
            name, role = item
        name, role = str(name or "").strip(), str(role or "").strip()
        if not name or not role:
            raise InputError([Diagnostic("--participant", 1, 1, "error", f"participant {item!r}: give NAME:ROLE")])
        out.append({"name": name, "role": role})
    return out


def _slow() -> float:
    try:
        return max(0.0, float(os.environ.get(SLOW_ENV, "0") or 0))
    except ValueError:
        return 0.0


class RecordedExercise:
    """An `Exercise` whose every input and consequence goes to a hash-chained journal."""

    def __init__(self, exercise: Exercise, writer: JournalWriter, header: dict, inputs: Inputs, role: str):
        self._ex = exercise
        self._writer = writer
        self.header = header
        self.inputs = inputs
        self.role = role
        self._slow = _slow()
        self.resumed_from: int | None = None
        self._resume_marker: dict | None = None
        self._replayer: Replayer | None = None

    # -- opening --------------------------------------------------------------------------

    @classmethod
    def start(
        cls,
        scenario_path: str | os.PathLike,
        seed: int,
        lang: str = "fr",
        log_path: str | os.PathLike | None = None,
        participants: Iterable[Any] = (),
        role: str = "players",
        policy: str | None = None,
        config: dict | None = None,
        *,
        inputs: Inputs | None = None,
    ) -> "RecordedExercise":
        """Load the scenario, write the journal header, and return the exercise at its first instant.

        `policy` (a built-in name or a policy file) makes a headless run: the simulated cell
        plays inside the engine; `config` holds whatever else reproduces the run (`until`...).
        """
        inputs = inputs or load_inputs(scenario_path, policy)
        ex = Exercise(inputs.scenario, inputs.network, int(seed), policy=inputs.policy)
        settings = dict(config or {})
        settings.setdefault("mode", HEADLESS if inputs.policy is not None else INTERACTIVE)
        settings.setdefault("role", role)
        if inputs.policy_spec is not None:
            settings.setdefault("policy", inputs.policy_spec)
        settings["paths"] = {
            "scenario": str(inputs.scenario_path),
            "network": str(inputs.network_path.resolve()),
            "policy": str(inputs.policy_path) if inputs.policy_path else None,
        }
        header = {
            "scenario": file_ref(inputs.scenario_path, id=inputs.scenario.id),
            "network": file_ref(inputs.network_path, id=inputs.network.id),
            "policy": file_ref(inputs.policy_path, id=inputs.policy.id) if inputs.policy_path and inputs.policy else None,
            "seed": int(seed),
            "language": lang,
            "participants": _participants(participants),
            "start": exercise_start(inputs.scenario),
            "config": settings,
        }
        path = Path(log_path) if log_path is not None else default_log_path(inputs.scenario.id)
        writer = JournalWriter.create(path, header, t=float(ex.now))
        rec = cls(ex, writer, header, inputs, role)
        ex.subscribe(rec._journal_event)
        return rec

    @classmethod
    def resume(
        cls,
        log_path: str | os.PathLike,
        *,
        scenario: str | os.PathLike | None = None,
        policy: str | os.PathLike | None = None,
    ) -> "RecordedExercise":
        """Rebuild the exact state of an interrupted exercise and carry on appending to its journal.

        The recorded commands are fed back at their recorded times; the events the journal
        already holds are checked and not written twice; a partial last line is cut off.
        A journal that does not replay identically is not resumed (JournalFailure, exit 1).
        """
        journal = load_journal(log_path)
        if journal.sealed:
            line = journal.seal[0] if journal.seal else 1
            raise InputError([Diagnostic(str(log_path), line, 1, "error", "journal is sealed: the exercise is closed, nothing to resume")])
        inputs = locate_inputs(journal.header, log_path, scenario=scenario, policy=policy)
        ex = build_exercise(inputs, journal)
        writer = JournalWriter.open_append(log_path)
        try:
            rec = cls(ex, writer, journal.data, inputs, str(journal.config.get("role", "players")))
            rec.resumed_from = writer.records
            rec._resume_marker = {"records": writer.records, "dropped_partial_line": journal.dropped_partial_line}
            rec._replayer = Replayer(ex, journal, live=rec._journal_event)
            rec._replayer.run_commands()
            if journal.mode != HEADLESS:
                advance_exact(ex, journal.last_t)
                rec._replayer.raise_failure()
                rec._mark_resumed()
            rec.flush()  # the events the replay wrote again (lost from the buffer) are on disk for readers of the file
        except BaseException:
            writer.close()
            raise
        return rec

    # -- state ------------------------------------------------------------------------------

    @property
    def exercise(self) -> Exercise:
        return self._ex

    @property
    def log_path(self) -> Path:
        return self._writer.path

    @property
    def head_hash(self) -> str:
        return self._writer.head_hash

    @property
    def records(self) -> int:
        return self._writer.records

    @property
    def sealed(self) -> bool:
        return self._writer.sealed

    @property
    def config(self) -> dict:
        config = self.header.get("config")
        return config if isinstance(config, dict) else {}

    @property
    def mode(self) -> str:
        return str(self.config.get("mode", INTERACTIVE))

    def snapshot(self):
        return self._ex.snapshot()

    # -- inputs -----------------------------------------------------------------------------

    def submit(self, command: Command | str, by_role: str | None = None, *, seat: str | None = None, name: str | None = None) -> Result:
        """Journal the command (fsynced), then apply it; the engine's acceptance or refusal
        follows in the journal as a `command-accepted` / `command-refused` event.

        `seat` and `name` (room mode: the seat and the participant who gave it) travel with
        the command in the journal; the engine only ever sees `by_role`."""
        by = by_role or self.role
        ex = self._ex
        advance_exact(ex, ex.now)  # same-time consequences of the previous input come first
        self._check_replay()
        who = {k: v for k, v in (("seat", seat), ("name", name)) if v}
        if isinstance(command, str):
            try:
                command = parse_command(command, ex.index, ex.catalogue)
            except CommandSyntaxError:
                data = {**text_data(command, by), **who}
                self._writer.command(float(ex.now), data)
                self._pause()
                return ex.submit(data["text"], source=by)
        self._writer.command(float(ex.now), {**command_data(command, by), **who})
        self._pause()
        result = ex.submit(command, source=by)
        self._check_replay()
        return result

    def record_ui(self, kind: str, by_role: str | None = None, **data: Any) -> dict:
        """Journal an input the engine never sees: pause, resume, speed, ack (an inject or alert
        acknowledged: the report's response times start there), observation..."""
        record = self._writer.command(float(self._ex.now), ui_data(kind, by_role or self.role, data))
        self._pause()
        return record

    def advance(self, until: float) -> int:
        """Run the engine to `until` (every event <= until), journaling its events."""
        n = advance_exact(self._ex, float(until))
        self._check_replay()
        return n

    def run(self, until: str | float | None = None) -> float:
        """Headless: advance as `run --until` does (end, recovery or minutes)."""
        until = self.config.get("until", "end") if until is None else until
        reached = run_exercise(self._ex, parse_until(until) if isinstance(until, str) else float(until))
        advance_exact(self._ex, self._ex.now)
        self._check_replay()
        return reached

    def finish(self, sign_key: Ed25519PrivateKey | str | os.PathLike | None = None) -> dict:
        """Seal the journal (signed with the facilitator's key when given); returns the seal."""
        key = load_private_key(sign_key) if isinstance(sign_key, (str, os.PathLike)) else sign_key
        advance_exact(self._ex, self._ex.now)
        self._check_replay()
        if self._replayer is not None:
            self._replayer.finish_check()
        self._mark_resumed()
        return self._writer.seal(key, t=float(self._ex.now))

    def flush(self) -> None:
        """Put the events written so far into the file (they are buffered between commands),
        so that whoever reads the journal now (a room rebuilding its feeds) reads them all."""
        self._writer.flush()

    def close(self) -> None:
        """Stop without sealing: the journal stays resumable."""
        self._writer.close()

    def __enter__(self) -> "RecordedExercise":
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    # -- internals --------------------------------------------------------------------------

    def _journal_event(self, event: Event) -> None:
        if self._resume_marker is not None:
            self._mark_resumed()
        self._writer.event(float(event.t), event.to_record())
        self._pause()

    def _mark_resumed(self) -> None:
        """Say in the journal where the interrupted session ends and the resumed one begins.

        Written once the replay has caught up with the recorded records (a headless run only
        does so at its first new event), so that recorded times keep increasing."""
        marker, self._resume_marker = self._resume_marker, None
        if marker is not None:
            self.record_ui("session-resumed", by_role="system", **marker)

    def _check_replay(self) -> None:
        replayer = self._replayer
        if replayer is not None and replayer.failure is not None:
            failure: Divergence = replayer.failure
            raise failure

    def _pause(self) -> None:
        if self._slow:
            self._writer.flush()
            time.sleep(self._slow)

