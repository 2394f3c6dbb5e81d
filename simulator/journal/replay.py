"""Replay: re-run the engine from a journal's header and commands, and check every recorded event.

The engine is deterministic, so the same scenario, network, seed and commands at the same
times give the same events. A recorded event that the engine does not produce (edited,
inserted, deleted, even with the hash chain honestly rebuilt) is a divergence, reported at
its line with what was expected and what the engine produced.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from simulator.fileio import open_input
from simulator.engine.events import Event
from simulator.engine.exercise import Exercise
from simulator.engine.headless import parse_until, run_exercise
from simulator.journal.commands import UI_KIND, advance_exact, apply_recorded
from simulator.journal.format import canonical_json, json_error_text, scan_json
from simulator.journal.inputs import Inputs, config_problem, locate_inputs
from simulator.journal.verify import VerifyResult, verify_and_read
from simulator.model.diagnostics import Diagnostic, InputError, one_line
from simulator.model.duration import format_offset

HEADLESS = "headless"


class JournalFailure(Exception):
    """The journal cannot be trusted or does not replay: exit code 1, one diagnostic."""

    exit_code = 1

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.format())
        self.diagnostic = diagnostic


class Divergence(JournalFailure):
    """A recorded event differs from what the engine produces."""

    def __init__(self, path: str, line: int, reason: str, expected: str | None = None, got: str | None = None):
        message = reason
        if expected is not None or got is not None:
            message += f": expected {expected or 'nothing'}, got {got or 'nothing'}"
        super().__init__(Diagnostic(path, line, 1, "error", one_line(message)))
        self.line = line
        self.reason = reason
        self.expected = expected
        self.got = got


@dataclass
class Journal:
    """A journal read back: header, body records with their line numbers, seal if any."""

    path: Path
    header: dict
    body: list[tuple[int, dict]]
    seal: tuple[int, dict] | None
    verify: VerifyResult
    dropped_partial_line: bool = False

    @property
    def data(self) -> dict:
        return self.header["data"]

    @property
    def config(self) -> dict:
        config = self.data.get("config")
        return config if isinstance(config, dict) else {}

    @property
    def mode(self) -> str:
        return str(self.config.get("mode", HEADLESS if self.data.get("policy") else "interactive"))

    @property
    def sealed(self) -> bool:
        return self.seal is not None

    @property
    def last_t(self) -> float:
        if self.seal is not None:
            return float(self.seal[1]["t"])
        if self.body:
            return float(self.body[-1][1]["t"])
        return float(self.header["t"])

    @property
    def head(self) -> str | None:
        return self.verify.head

    def commands(self) -> list[tuple[int, dict]]:
        return [(line, rec) for line, rec in self.body if rec["type"] == "command"]

    def events(self) -> list[tuple[int, dict]]:
        return [(line, rec) for line, rec in self.body if rec["type"] == "event"]


def load_journal(path: str | os.PathLike, *, pubkey=None, allow_broken: bool = False) -> Journal:
    """Verify, then read a journal. Not a journal: InputError (exit 2); tampered: JournalFailure (exit 1).

    An unsealed journal (cut short, or still being written) is read up to its last complete line.
    """
    name = str(path)
    try:
        with open_input(path) as fh:
            data = fh.read()
    except IsADirectoryError as exc:
        raise InputError([Diagnostic(name, 1, 1, "error", "is a folder, not a journal")]) from exc
    except OSError as exc:
        raise InputError([Diagnostic(name, 1, 1, "error", f"cannot read journal: {exc.strerror or exc}")]) from exc
    result, parsed = verify_and_read(data, name=name, pubkey=pubkey)
    if result.exit_code == 2:
        diag = result.diagnostic()
        assert diag is not None
        raise InputError([diag])
    if not result.ok and result.kind != "truncated" and not allow_broken:
        diag = result.diagnostic()
        assert diag is not None
        raise JournalFailure(diag)
    header: dict | None = None
    body: list[tuple[int, dict]] = []
    seal: tuple[int, dict] | None = None
    end = data.rfind(b"\n") + 1
    dropped = end < len(data)  # a partial last line (no newline): never acknowledged, not read
    records = parsed if parsed is not None else _parse_all(data[:end], name)
    for line_no, rec in enumerate(records, start=1):
        kind = rec.get("type") if isinstance(rec, dict) else None
        if kind == "command" or kind == "event":
            body.append((line_no, rec))
        elif kind == "header" and header is None:
            header = rec
        elif kind == "seal":
            seal = (line_no, rec)
            break
    if header is None:
        raise InputError([Diagnostic(name, 1, 1, "error", "no journal header: not a journal")])
    problem = config_problem(header["data"].get("config"))
    if problem is not None:  # no writer produces it: a header edited with the chain rebuilt
        raise JournalFailure(Diagnostic(name, 1, 1, "error", problem))
    return Journal(Path(path), header, body, seal, result, dropped)


def _no_constants(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


_DECODER = json.JSONDecoder(parse_constant=_no_constants)


def _parse_all(data: bytes, name: str) -> list:
    """Every complete line, parsed. One C-level parse of the lines joined as a JSON array (the
    lines are canonical JSON values, one per line); line by line only to name a bad line."""
    text = data.decode("utf-8", errors="strict") if data else ""
    lines = text.split("\n")[:-1] if text else []
    try:
        return _DECODER.decode("[" + ",".join(lines) + "]")
    except (ValueError, RecursionError):
        pass
    out = []
    for line_no, line in enumerate(lines, start=1):
        try:
            out.append(scan_json(line, 0)[0])
        except (ValueError, StopIteration, RecursionError) as exc:
            raise JournalFailure(Diagnostic(name, line_no, 1, "error", f"line is {json_error_text(exc)}")) from None
    return out


def _describe(data: dict | None, t: float | None = None) -> str:
    if data is None:
        return "nothing"
    try:
        text = canonical_json(data)
    except RecursionError:  # parsed near the recursion limit, encoded from deeper in the stack
        text = "{… nested too deeply to show}"
    if len(text) > 240:
        text = text[:237] + "..."
    if t is None:
        return text
    # the time as written too: 20.0 and 20 are both T+20m, and replay tells their JSON kinds apart
    return f"{text} at {format_offset(t)} (t {canonical_json(t)})"


_NUMBERS = frozenset({bool, int, float})


def _same_types(recorded: dict, got: dict) -> bool:
    """`recorded == got` already holds: do the numbers keep their JSON kind too?

    Python has True == 1 == 1.0, the journal does not: an edited `1` -> `true` or `60.0` -> `60`
    must not replay as identical. Only called once `==` passed, so the keys are the same; a
    loop over the (mostly flat) payload, recursing only into lists and objects.
    """
    numbers = _NUMBERS
    for key, value in got.items():
        other = recorded[key]
        tv = type(value)
        if tv is not type(other):
            if tv in numbers or type(other) in numbers:
                return False
        elif tv is dict:
            if not _same_types(other, value):
                return False
        elif tv is list:
            if not _same_types(dict(enumerate(other)), dict(enumerate(value))):
                return False
    return True


class Replayer:
    """Drives an exercise through a journal's commands while matching its events one by one.

    Events are compared in order; UI inputs are skipped (the engine never saw them). Once
    every recorded event has been matched, further events go to `live` (resume journals them)
    or are counted as `extra` (a sealed journal must have none).
    """

    def __init__(
        self,
        exercise: Exercise,
        journal: Journal,
        *,
        check: bool = True,
        live: Callable[[Event], None] | None = None,
        on_applied: Callable[[int, dict, Any], None] | None = None,
    ):
        self.ex = exercise
        self.journal = journal
        self.name = str(journal.path)
        self.body = journal.body
        self.check = check
        self.live = live
        self.pos = 0
        self.matched = 0
        self.extra: list[Event] = []
        self.failure: Divergence | None = None
        self.commands_applied = 0
        self.refused: list[tuple[int, str]] = []
        self.on_applied = on_applied  # (line, data, result) after each recorded command (what-if compares them)
        exercise.subscribe(self._on_event)

    # -- the event sink ---------------------------------------------------------------------

    def _skip_ui(self) -> None:
        body = self.body
        while self.pos < len(body) and body[self.pos][1]["type"] == "command" and body[self.pos][1]["data"].get("kind") == UI_KIND:
            self.pos += 1

    def _on_event(self, event: Event) -> None:
        if self.failure is not None:
            return
        body = self.body
        if self.pos < len(body) and body[self.pos][1]["type"] == "command":
            self._skip_ui()
        if self.pos >= len(body):
            if self.live is not None:
                self.live(event)
            else:
                self.extra.append(event)
            return
        line, rec = self.body[self.pos]
        if rec["type"] != "event":
            if self.check:
                self.failure = Divergence(
                    self.name,
                    line,
                    "the engine produced an event the journal does not have before this command",
                    _describe(rec["data"], rec["t"]),
                    _describe(event.to_record(), event.t),
                )
            return
        self.pos += 1
        if self.check:
            got = event.to_record()
            t = rec["t"]
            if rec["data"] != got or type(t) is not float or t != float(event.t) or not _same_types(rec["data"], got):
                self.failure = Divergence(
                    self.name, line, "recorded event differs from the replay", _describe(rec["data"], rec["t"]), _describe(got, float(event.t))
                )
                return
        self.matched += 1

    def raise_failure(self) -> None:
        """Raise the first divergence seen so far, if any."""
        if self.failure is not None:
            raise self.failure

    def _expect_consumed(self, upto: int, what: str) -> None:
        """Every event recorded before body index `upto` must have been produced by now."""
        self._skip_ui()
        if self.check and self.pos < upto:
            line, rec = self.body[self.pos]
            if rec["type"] == "event":
                raise Divergence(
                    self.name, line, f"recorded event was not produced by the replay ({what})", _describe(rec["data"], rec["t"]), None
                )
        self.pos = max(self.pos, upto)

    # -- driving ------------------------------------------------------------------------------

    def run_commands(self, before: float | None = None) -> None:
        """Apply the recorded engine commands in order (only those with t < before, if given)."""
        body = self.body
        for index, (line, rec) in enumerate(body):
            if index < self.pos or rec["type"] != "command" or rec["data"].get("kind") == UI_KIND:
                continue
            t = float(rec["t"])
            if before is not None and t >= before:
                return
            advance_exact(self.ex, t)
            self.raise_failure()
            self._expect_consumed(index, f"journal has it before the command at line {line}")
            self.pos = index + 1
            try:
                result = apply_recorded(self.ex, rec["data"])
            except (ValueError, TypeError) as exc:
                raise JournalFailure(Diagnostic(self.name, line, 1, "error", f"cannot replay this command: {exc}")) from None
            self.commands_applied += 1
            if self.on_applied is not None:
                self.on_applied(line, rec, result)
            if not result.accepted:
                self.refused.append((line, result.reason))
            self.raise_failure()

    def run_to_end(self) -> None:
        """Advance as the recorded run did after its last command, then check nothing is missing or extra."""
        ex, journal = self.ex, self.journal
        until = journal.config.get("until")
        if until is not None:
            try:
                if isinstance(until, bool) or not isinstance(until, (str, int, float)):
                    raise ValueError
                parse_until(until)
            except (ValueError, InputError):
                raise JournalFailure(Diagnostic(self.name, 1, 1, "error", f"header config 'until' is not a time: {until!r}")) from None
        if journal.mode == HEADLESS and until is not None and (journal.sealed or self.live is not None):
            run_exercise(ex, until)
            advance_exact(ex, ex.now)
        else:
            advance_exact(ex, journal.last_t)
        self.raise_failure()
        self.finish_check()

    def finish_check(self) -> None:
        self._skip_ui()
        if not self.check:
            return
        if self.pos < len(self.body):
            line, rec = self.body[self.pos]
            raise Divergence(self.name, line, "recorded event was not produced by the replay", _describe(rec["data"], rec["t"]), None)
        seal = self.journal.seal
        if seal is not None:
            line, rec = seal
            if self.extra:
                first = self.extra[0]
                raise Divergence(
                    self.name, line, "the replay produced events after the last recorded one, before the seal", None, _describe(first.to_record(), first.t)
                )
            if float(rec["t"]) != float(self.ex.now):
                raise Divergence(
                    self.name, line, "the replay does not end when the journal was sealed",
                    format_offset(float(rec["t"])), format_offset(float(self.ex.now)),
                )


def build_exercise(inputs: Inputs, journal: Journal) -> Exercise:
    seed = journal.data.get("seed")
    if type(seed) is not int:
        raise InputError([Diagnostic(str(journal.path), 1, 1, "error", "header has no integer seed")])
    return Exercise(inputs.scenario, inputs.network, seed, policy=inputs.policy)


@dataclass
class ReplayReport:
    file: str
    identical: bool
    sealed: bool
    events_checked: int
    commands: int
    records: int
    end_t: float
    head: str | None
    failure: Divergence | None = None
    refused: list[tuple[int, str]] = field(default_factory=list)

    def to_json(self) -> dict:
        error = None
        if self.failure is not None:
            error = {
                "line": self.failure.line,
                "reason": self.failure.reason,
                "expected": self.failure.expected,
                "got": self.failure.got,
            }
        return {
            "file": self.file,
            "identical": self.identical,
            "sealed": self.sealed,
            "records": self.records,
            "events_checked": self.events_checked,
            "commands": self.commands,
            "end": self.end_t,
            "head": self.head,
            "error": error,
        }


def replay_journal(
    path: str | os.PathLike,
    *,
    scenario: str | os.PathLike | None = None,
    policy: str | os.PathLike | None = None,
) -> tuple[ReplayReport, Exercise]:
    """Replay a journal and compare; InputError (exit 2) or JournalFailure (exit 1) before any replay."""
    journal = load_journal(path)
    inputs = locate_inputs(journal.header, path, scenario=scenario, policy=policy)
    ex = build_exercise(inputs, journal)
    replayer = Replayer(ex, journal)
    failure: Divergence | None = None
    try:
        replayer.run_commands()
        replayer.run_to_end()
    except Divergence as exc:
        failure = exc
    report = ReplayReport(
        file=str(path),
        identical=failure is None,
        sealed=journal.sealed,
        events_checked=replayer.matched,
        commands=replayer.commands_applied,
        records=journal.verify.records,
        end_t=float(ex.now),
        head=journal.head,
        failure=failure,
        refused=replayer.refused,
    )
    return report, ex
