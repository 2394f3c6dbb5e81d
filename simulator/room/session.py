"""One exercise session: the engine, its journal and the seats of the room.

`RoomSession` is the single source of truth every screen reads, whether the screen runs in
the same process (`cyberdrill play`: one seat) or in another one (`cyberdrill host`: many
seats over sockets). The interface is small and knows nothing of sockets or widgets:

    session.view(seat, lang)             -> Situation  (what that seat may know, in lang)
    session.act(seat, name, ...)         -> Result     (authorised here, journaled with seat and name)
    session.tick() / session.step(...)   advance the clock (real time x speed / next event)
    session.take_notices()               what people must not miss, per seat

Roles are enforced here, where the truth lives: a view is computed from the seat's role
(players get what the cell knows, never ground truth) and a command is authorised before it
reaches the journal. Called from one thread only (an event loop): the engine never runs on
another thread.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Mapping

from simulator.engine.commands import Act, Decide, Extend, FireInject, NextModule, NoteCmd, Rate
from simulator.engine.knowledge import cell_knows
from simulator.engine.refusals import refusal_text
from simulator.i18n import t as tr_raw
from simulator.journal.commands import UI_KIND, advance_exact
from simulator.journal.replay import load_journal
from simulator.journal.session import RecordedExercise
from simulator.room import board
from simulator.room import seats as S
from simulator.room.describe import Namer
from simulator.room.seats import Seat
from simulator.room.views import (
    ActionInfo,
    Debrief,
    FeedLine,
    InjectInfo,
    Notice,
    PresenceView,
    Result,
    Situation,
    TaskView,
)

SPEEDS = (1.0, 10.0, 30.0, 60.0, 120.0, 600.0)
"""Sim minutes per real minute. 10x: one real minute is ten simulated minutes (a tabletop pace)."""
DEFAULT_SPEED = 10.0
FEED_LINES = 200
HISTORY_POINTS = 24
HISTORY_STEP = 60.0  # one sparkline point per simulated hour
STEP_HORIZON = 24 * 60.0
MAX_TICK_MINUTES = 60.0
"""At most this much simulated time per tick: after a stall of the event loop (a laptop
asleep, a busy machine) the clock resumes rather than replaying hours of crisis in one go."""
QUIET_KINDS = frozenset({"clinical"})  # frequent and shown on the clinical board anyway
WARN_SECONDS = 30.0
"""Real seconds before a decision's default applies when the facilitator is warned."""
_STATE = ("asset-changed", "availability", "fact", "alert-noticed", "stage-done", "job-started", "job-finished", "command-accepted")
PART_KINDS = {
    "zones": _STATE,
    "services": _STATE,
    "functions": _STATE + ("clinical",),
    "clocks": ("clock-started", "clock-met", "clock-missed", "command-accepted"),
    "decisions": ("decision-presented", "decision-made", "decision-extended", "exercise-end"),
    "inbox": ("inject", "alert-noticed", "decision-presented"),
    "injects": ("inject",),
    "tasks": ("rating", "exercise-end", "command-accepted", "job-finished", "fact"),
    "actions": ("staff", "exercise-end"),
    "jobs": ("job-started", "job-finished"),
}
"""The event kinds each shared piece of the views depends on: a note or an acknowledgement
rebuilds none of them."""
TIMED_PARTS = ("functions", "jobs")


def tr(key: str, lang: str, **fields: object) -> str:
    return tr_raw("tui." + key, lang, **fields)


@dataclass
class _Entry:
    """One engine event as the room keeps it: its record, who caused it, whether the cell can know it."""

    record: dict
    origin: Seat | None
    known: bool
    lines: dict[str, FeedLine] = field(default_factory=dict)


class RoomSession:
    """One exercise (a `RecordedExercise`), its clock and the seats that read and drive it."""

    def __init__(
        self,
        recorded: RecordedExercise,
        seats: Mapping[str, Seat],
        *,
        speed: float = DEFAULT_SPEED,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rec = recorded
        self.ex = recorded.exercise
        self.seats = dict(seats)
        self.solo = any(s.solo for s in self.seats.values())
        self.speed = float(speed)
        self.running = False
        self.closed = False  # ended by the facilitator (the engine itself would run on to its own end)
        self.version = 0  # moves on every change a view may show
        self._monotonic = monotonic
        self._last_real: float | None = None
        self._entries: list[_Entry] = []
        self._feeds: dict[str, deque[int]] = {sid: deque(maxlen=FEED_LINES) for sid in self.seats}
        self._visible = 0  # events the players would see: 'next event' stops at the next one
        self._aware = False
        self._origin: Seat | None = None
        self.acked: dict[str, set[int]] = {sid: set() for sid in self.seats}
        self._history: dict[str, deque[float]] = {}
        self._history_bucket: int | None = None
        self._namers: dict[str, Namer] = {}
        self._views: dict[tuple[str, str], tuple[tuple, Situation]] = {}
        self._parts: dict[tuple, object] = {}
        self._counts: dict[str, int] = {}  # events seen, by kind (what the shared view pieces depend on)
        self._local = 0  # changes of the session itself a shared piece shows (the end by the facilitator)
        self._notices: list[tuple[frozenset[str], str, dict, str, bool]] = []
        self._warned: set[tuple[str, float]] = set()
        self.presence: dict[str, dict[str, int]] = {sid: {} for sid in self.seats}
        self._joined: set[tuple[str, str]] = set()
        self._holds: set[str] = set()  # solo play: an open dialog holds the clock
        self._clinical_step = float(self.ex.params.get("clinical_tick_minutes", 15.0)) or 15.0
        self._engine_end = ""
        self.seal: dict | None = None
        self._roles = {r.id for r in self.ex.scenario.roles}
        if recorded.resumed_from is not None:
            self._restore(recorded.log_path)
        self.ex.subscribe(self._on_event)
        if self.ex.now < 0:
            self.rec.advance(0.0)

    # ================================================================ set-up

    def _restore(self, path: Path) -> None:
        """After a resume: the feeds, read marks, speed and participants the journal holds."""
        journal = load_journal(path)
        speed = (journal.config or {}).get("speed")
        if isinstance(speed, (int, float)) and not isinstance(speed, bool) and 0 < speed < float("inf"):
            self.speed = float(speed)  # the pace the exercise was started at; later changes are below
        origin: Seat | None = None
        origin_t: float | None = None
        for _line, rec in journal.body:
            data = rec["data"]
            if rec["type"] == "event":
                if origin is not None and rec["t"] != origin_t:
                    origin = None
                self._add(data, origin)
                continue
            seat = self._seat_of(data)
            if data.get("kind") != UI_KIND:
                origin, origin_t = seat, rec["t"]
                continue
            ui = data.get("ui")
            if ui == "ack" and isinstance(data.get("key"), int) and seat is not None:
                self.acked[seat.id].add(data["key"])
            elif ui == "speed" and isinstance(data.get("speed"), (int, float)) and not isinstance(data.get("speed"), bool):
                self.speed = float(data["speed"])
            elif ui == "end":
                self.closed = True
            elif ui == "join" and seat is not None and isinstance(data.get("name"), str):
                self._joined.add((seat.id, data["name"]))

    def _seat_of(self, data: dict) -> Seat | None:
        """The seat a recorded command came from (its `seat`, else its `by` for older journals)."""
        sid = data.get("seat")
        if isinstance(sid, str) and sid in self.seats:
            return self.seats[sid]
        by = data.get("by")
        for seat in self.seats.values():
            if seat.source == by:
                return seat
        return None

    def namer(self, lang: str) -> Namer:
        found = self._namers.get(lang)
        if found is None:
            found = self._namers[lang] = Namer(self.ex, lang)
        return found

    # ================================================================ events

    def _on_event(self, event) -> None:
        record = event.to_record()
        self._add(record, self._origin)
        kind = event.kind
        if kind == "decision-presented":
            self._announce_decision(record["decision"])
        elif kind == "decision-made" and record.get("by") in ("default", "consistent"):
            key = "decision-defaulted" if record["by"] == "default" else "decision-consistent"
            self._notify(self._everyone(), key, decision=record["decision"], option=record["option"])
        elif kind == "exercise-end" and not self.solo:
            self._notify(self._everyone(), "exercise-ended")
        elif kind == "module-started" and record.get("index", 0) > 0:
            self._notify(self._everyone(), "module", bell=True, module=record["module"], jumped=record.get("jumped", 0.0))

    def _add(self, record: dict, origin: Seat | None) -> None:
        kind = record.get("kind")
        if kind == "fact" and record.get("fact") == "awareness":
            self._aware = True
        if kind == "exercise-end":
            self._engine_end = str(record.get("reason", ""))
        counted = kind
        if kind == "command-accepted" and str(record.get("command", "")).startswith(("note ", "rate ")):
            counted = "talk-accepted"  # words change nothing on the board
        self._counts[counted] = self._counts.get(counted, 0) + 1
        entry = _Entry(record, origin, cell_knows(record, self._aware, self.ex.actions))
        index = len(self._entries)
        self._entries.append(entry)
        for sid, seat in self.seats.items():
            if self._shows(seat, entry):
                self._feeds[sid].append(index)
        if entry.known and not record.get("truth") and kind not in QUIET_KINDS:
            self._visible += 1
        self.version += 1

    def _shows(self, seat: Seat, entry: _Entry) -> bool:
        """Whether `seat` may read this event in its log."""
        if seat.may(S.TRUTH):
            return True
        if not entry.known:
            return False
        record = entry.record
        kind = record.get("kind")
        origin = entry.origin
        if kind == "flag":
            return False  # scenario bookkeeping, not something that happened in the hospital
        if kind == "rating":
            return seat.kind == S.EVALUATOR
        if kind == "note":
            return seat.kind == S.EVALUATOR or origin is None or origin.kind == "cell"
        if kind == "inject":
            return seat.addressed(self._recipients(record.get("to") or ()))
        if kind in ("command-accepted", "command-refused"):
            if origin is None or origin.kind == "cell" or seat.kind == S.EVALUATOR:
                return True
            verb = str(record.get("command", "")).split(" ", 1)[0]
            return verb == "decide" or verb in self.ex.actions  # what the facilitator did in the hospital
        return True

    def _recipients(self, to) -> tuple[str, ...]:
        """Recipients among the scenario's cells; a message for roles the scenario does not
        have (an alert for 'security' in a scenario without one) goes to every cell."""
        mine = tuple(r for r in to if r in self._roles)
        return mine

    def _everyone(self) -> frozenset[str]:
        return frozenset(self.seats)

    def _announce_decision(self, did: str) -> None:
        d = self.ex.decisions.get(did)
        if d is None:
            return
        to = self._recipients(d.to)
        seats = frozenset(sid for sid, s in self.seats.items() if s.answers(to) or s.may(S.TRUTH))
        self._notify(seats, "decision", bell=True, decision=did)

    def _notify(self, seats: frozenset[str], key: str, severity: str = "information", bell: bool = False, **fields) -> None:
        self._notices.append((seats, key, fields, severity, bell))

    def take_notices(self) -> list[tuple[frozenset[str], Callable[[str], Notice]]]:
        """The notices since the last call: (seats, text in a language)."""
        out = []
        for seats, key, fields, severity, bell in self._notices:
            out.append((seats, lambda lang, k=key, f=fields, sv=severity, b=bell: Notice(k, self._notice_text(k, f, lang), sv, b)))
        self._notices.clear()
        return out

    def _notice_text(self, key: str, fields: dict, lang: str) -> str:
        values = dict(fields)
        if key == "module":
            m = next((m for m in self.ex.scenario.modules if m.id == values["module"]), None)
            title = m.title.get(lang) if m is not None else values["module"]
            narrative = m.narrative.get(lang) if m is not None and m.narrative is not None else ""
            from simulator.model.duration import format_duration

            head = tr("notice.module-jump", lang, jumped=format_duration(int(values["jumped"])), module=title) if values.get("jumped") else tr("notice.module", lang, module=title)
            return head + (f" {narrative}" if narrative else "")
        if "decision" in values and values["decision"] in self.ex.decisions:
            d = self.ex.decisions[values["decision"]]
            values["decision"] = d.prompt.get(lang)
            if "option" in values:
                opt = next((o for o in d.options if o.id == values["option"]), None)
                values["option"] = opt.label.get(lang) if opt is not None and opt.label else values["option"]
        if "seat" in values:
            values["seat"] = self.seat_label(values["seat"], lang)
        return tr("notice." + key, lang, **values)

    # ================================================================ seats and people

    def seat_label(self, seat_id: str, lang: str) -> str:
        seat = self.seats.get(seat_id)
        if seat is None:
            return seat_id
        if seat.kind == "cell" and seat.roles:
            return tr("room.seat.cell", lang, name=", ".join(self.namer(lang).role(r) for r in sorted(seat.roles)))
        return tr("room.seat." + (seat.kind if seat.kind != "cell" else "cells"), lang)

    def join(self, seat_id: str, name: str) -> None:
        """Someone took a seat: shown to the facilitator, journaled the first time (who was there)."""
        seat = self.seats[seat_id]
        names = self.presence[seat_id]
        names[name] = names.get(name, 0) + 1
        if (seat_id, name) not in self._joined and not seat.solo and not self.rec.sealed:
            self._joined.add((seat_id, name))
            self.rec.record_ui("join", seat.source, seat=seat_id, name=name)
            self._notify(frozenset({S.FACILITATOR}) & self._everyone(), "joined", seat=seat_id, name=name)
        self.version += 1

    def leave(self, seat_id: str, name: str) -> None:
        names = self.presence.get(seat_id, {})
        if names.get(name, 0) > 1:
            names[name] -= 1
        else:
            names.pop(name, None)
        self.version += 1

    # ================================================================ time

    @property
    def now(self) -> float:
        return self.ex.now

    @property
    def ended(self) -> bool:
        return self.ex.ended or self.closed

    def held_by_decision(self) -> bool:
        return any(p.pause_clock for p in self.ex.pending_decisions())

    def hold(self, reason: str, on: bool) -> None:
        """Solo play: while a person reads or types in a dialog the clock holds (a room's clock
        belongs to its facilitator and never waits for one player's dialog)."""
        if not self.solo:
            return
        before = bool(self._holds)
        if on:
            self._holds.add(reason)
        else:
            self._holds.discard(reason)
        if before != bool(self._holds):
            self._last_real = self._monotonic()  # time spent in the dialog is not owed afterwards
            self.version += 1

    def tick(self) -> bool:
        """One clock tick: advance by elapsed real time x speed. True when something changed."""
        real = self._monotonic()
        last, self._last_real = self._last_real, real
        if not self.running or self.ended or last is None or self.held_by_decision() or self._holds:
            return False
        minutes = min((real - last) * self.speed / 60.0, MAX_TICK_MINUTES)
        if minutes <= 0:
            self._warn_defaults()
            return False
        self._advance_until_held(min(self.now + minutes, self.ex.duration))
        self._warn_defaults()
        return True  # the clock itself moved: every view's time changed

    def _advance_until_held(self, until: float) -> None:
        """Advance to `until`, one event time at a time, stopping where a decision that pauses
        the clock is presented: the engine's own `advance` would run through it to its deadline."""
        ex = self.ex
        while self.now < until:
            before = self.now
            target = min(max(ex.env.peek(), before), until)
            self.rec.advance(target)
            if self.held_by_decision():
                return
            if self.now <= before and (target > before or ex.env.peek() <= before):
                return  # the engine halted (its end): nothing more will run

    def _warn_defaults(self) -> None:
        """Warn whoever can act on it before a decision's default applies (at most once per deadline)."""
        if not self.running or self.ended or self.held_by_decision() or self._holds:
            return
        for p in self.ex.pending_decisions():
            left = (p.deadline - self.now) * 60.0 / max(self.speed, 1e-9)
            if 0 < left <= WARN_SECONDS and (p.id, p.deadline) not in self._warned:
                self._warned.add((p.id, p.deadline))
                to = self._recipients(p.to)
                seats = frozenset(sid for sid, s in self.seats.items() if s.answers(to) or s.may(S.EXTEND))
                self._notify(seats, "default-soon", severity="warning", bell=True, decision=p.id, seconds=int(round(left)))

    # ================================================================ commands

    def refusal(self, command: str, key: str, lang: str, **fields) -> Result:
        """A refusal with its reason in `lang` (catalogue key tui.why.KEY)."""
        return Result(False, command, reason=tr("why." + key, lang, **fields))

    def _allowed(self, seat_id: str, permission: str, command: str, lang: str) -> tuple[Seat | None, Result | None]:
        seat = self.seats.get(seat_id)
        if seat is None:
            return None, self.refusal(command, "no-seat", lang)
        if not seat.may(permission):
            return seat, self.refusal(command, "not-yours", lang, seat=self.seat_label(seat_id, lang))
        return seat, None

    def _submit(self, seat: Seat, name: str, command, lang: str = "fr") -> Result:
        """Journal and apply a command for `seat`; the answer in the reader's language, with labels."""
        self._origin = seat
        try:
            result = self.rec.submit(command, seat.source, seat=seat.id, name=name or None)
        finally:
            self._origin = None
        self.version += 1
        namer = self.namer(lang)
        reason = result.reason
        if not result.accepted and getattr(result, "code", ""):
            reason = refusal_text(result.code, result.params, lang, namer)
        return Result(result.accepted, namer.command(result.command), reason, result.detail)

    def act(self, seat_id: str, name: str, action: str, target: str = "", count: int = 0, lang: str = "fr") -> Result:
        command = Act(action, target, count)
        seat, refused = self._allowed(seat_id, S.ACT, command.text(), lang)
        if refused is not None:
            return refused
        if self.ended:
            return self.refusal(command.text(), "ended", lang)
        return self._submit(seat, name, command, lang)

    def decide(self, seat_id: str, name: str, decision: str, option: str, justification: str = "", lang: str = "fr") -> Result:
        command = Decide(decision, option)
        seat, refused = self._allowed(seat_id, S.DECIDE, command.text(), lang)
        if refused is not None:
            return refused
        d = self.ex.decisions.get(decision)
        if d is not None and not seat.answers(self._recipients(d.to)):
            return self.refusal(command.text(), "not-addressed", lang, seat=self.seat_label(seat_id, lang))
        result = self._submit(seat, name, command, lang)
        if result.accepted and justification.strip():
            self._submit(seat, name, NoteCmd(f"{decision}/{option}: {justification.strip()}"), lang)
        return result

    def fire(self, seat_id: str, name: str, inject: str, lang: str = "fr") -> Result:
        command = FireInject(inject)
        seat, refused = self._allowed(seat_id, S.FIRE, command.text(), lang)
        if refused is not None:
            return refused
        return self._submit(seat, name, command, lang)

    def move_module(self, seat_id: str, name: str, target: str = "next", lang: str = "fr") -> Result:
        """The facilitator opens the next module (or a later one); its time jump is simulated at once."""
        seat, refused = self._allowed(seat_id, S.MODULE, f"module {target}", lang)
        if refused is not None:
            return refused
        return self._submit(seat, name, NextModule(target))

    def extend(self, seat_id: str, name: str, decision: str, minutes: float, lang: str = "fr") -> Result:
        command = Extend(decision, float(minutes))
        seat, refused = self._allowed(seat_id, S.EXTEND, command.text(), lang)
        if refused is not None:
            return refused
        return self._submit(seat, name, command, lang)

    def rate(self, seat_id: str, name: str, objective: str, task: str, rating: str, comment: str = "", lang: str = "fr") -> Result:
        command = Rate(objective, task, rating)
        seat, refused = self._allowed(seat_id, S.RATE, command.text(), lang)
        if refused is not None:
            return refused
        result = self._submit(seat, name, command, lang)
        if result.accepted and comment.strip():
            self._submit(seat, name, NoteCmd(f"{objective}/{task} {rating}: {comment.strip()}"), lang)
        return result

    def note(self, seat_id: str, name: str, text: str, lang: str = "fr") -> Result:
        command = NoteCmd(text.strip())
        seat, refused = self._allowed(seat_id, S.NOTE, command.text(), lang)
        if refused is not None:
            return refused
        if not text.strip():
            return self.refusal("note", "empty-note", lang)
        return self._submit(seat, name, command, lang)

    def acknowledge(self, seat_id: str, name: str, key: int, lang: str = "fr") -> Result:
        """Mark an inbox item read for this seat (journaled: the report's response times start there)."""
        seat, refused = self._allowed(seat_id, S.ACK, "ack", lang)
        if refused is not None:
            return refused
        inbox = self.ex.inbox
        if not isinstance(key, int) or not 0 <= key < len(inbox) or not seat.addressed(self._recipients(inbox[key].to)):
            return self.refusal("ack", "no-message", lang)
        if key in self.acked[seat_id]:
            return Result(True, "ack")
        self.acked[seat_id].add(key)
        self.rec.record_ui("ack", seat.source, key=key, ref=inbox[key].ref, **self._who(seat, name))
        self.version += 1
        return Result(True, "ack")

    def _who(self, seat: Seat, name: str) -> dict:
        out = {"seat": seat.id}
        if name:
            out["name"] = name
        return out

    # -- the clock ---------------------------------------------------------------------------

    def pause(self, seat_id: str, name: str = "", lang: str = "fr") -> Result:
        seat, refused = self._allowed(seat_id, S.CLOCK, "pause", lang)
        if refused is not None:
            return refused
        if self.running:
            self.running = False
            self.rec.record_ui("pause", seat.source, **self._who(seat, name))
            self.version += 1
        return Result(True, "pause")

    def resume(self, seat_id: str, name: str = "", lang: str = "fr") -> Result:
        seat, refused = self._allowed(seat_id, S.CLOCK, "resume", lang)
        if refused is not None:
            return refused
        if self.ended:
            return self.refusal("resume", "ended", lang)
        if not self.running:
            self.running = True
            self._last_real = self._monotonic()
            self.rec.record_ui("resume", seat.source, **self._who(seat, name))
            self._warn_defaults()  # a decision close to its default when the clock starts again
            self.version += 1
        return Result(True, "resume")

    def toggle(self, seat_id: str, name: str = "", lang: str = "fr") -> Result:
        return self.pause(seat_id, name, lang) if self.running else self.resume(seat_id, name, lang)

    def set_speed(self, seat_id: str, name: str, speed: float, lang: str = "fr") -> Result:
        seat, refused = self._allowed(seat_id, S.CLOCK, "speed", lang)
        if refused is not None:
            return refused
        if speed not in SPEEDS:
            return self.refusal("speed", "bad-speed", lang, speeds=", ".join(f"{s:g}x" for s in SPEEDS))
        if speed != self.speed:
            self.speed = float(speed)
            self.rec.record_ui("speed", seat.source, speed=self.speed, **self._who(seat, name))
            self.version += 1
        return Result(True, "speed")

    def faster(self, seat_id: str, name: str = "", lang: str = "fr") -> Result:
        bigger = [s for s in SPEEDS if s > self.speed]
        return self.set_speed(seat_id, name, bigger[0], lang) if bigger else Result(True, "speed")

    def slower(self, seat_id: str, name: str = "", lang: str = "fr") -> Result:
        smaller = [s for s in SPEEDS if s < self.speed]
        return self.set_speed(seat_id, name, smaller[-1], lang) if smaller else Result(True, "speed")

    def step(self, seat_id: str, name: str = "", lang: str = "fr") -> Result:
        """Advance to the next thing the cells would see (at most a day ahead)."""
        _seat, refused = self._allowed(seat_id, S.CLOCK, "step", lang)
        if refused is not None:
            return refused
        if self.ended:
            return self.refusal("step", "ended", lang)
        if self.held_by_decision():
            return self.refusal("step", "held", lang)
        ex = self.ex
        seen = self._visible
        horizon = min(ex.duration, self.now + STEP_HORIZON)
        while not ex.ended and self._visible == seen and not self.held_by_decision():
            nxt = ex.env.peek()
            if nxt > horizon:
                self.rec.advance(horizon)
                break
            self.rec.advance(max(nxt, self.now))
            if self.now >= horizon:
                break
        self.version += 1
        return Result(True, "step")

    def end(self, seat_id: str, name: str = "", lang: str = "fr") -> Result:
        """The facilitator ends the exercise now: the clock stops for everyone.

        Not an engine command: the engine is left as it is, so a replay of the journal up to
        its seal gives the same state.
        """
        seat, refused = self._allowed(seat_id, S.END, "end", lang)
        if refused is not None:
            return refused
        if not self.ended:
            self.running = False
            self.closed = True
            self._local += 1
            self.rec.record_ui("end", seat.source, **self._who(seat, name))
            self._notify(self._everyone() - {seat_id}, "exercise-ended")
            self.version += 1
        return Result(True, "end")

    def finish(self, sign_key=None) -> dict | None:
        """Seal the journal once (signed when a key is given)."""
        if self.rec.sealed:
            return None
        self.running = False
        self.seal = self.rec.finish(sign_key)
        self.version += 1
        return self.seal

    def close(self) -> None:
        """Stop without sealing: the journal stays resumable."""
        if not self.rec.sealed:
            self.rec.close()

    # ================================================================ views

    def view(self, seat_id: str, lang: str) -> Situation:
        """The situation now, as `seat_id` may see it, in `lang`.

        Between engine events only the clock moves: the last picture is reused with its
        time-dependent fields renewed, so a quiet tick allocates almost nothing."""
        seat = self.seats[seat_id]
        stamp = (self.version, int(self.now // self._clinical_step))
        key = (seat_id, lang)
        hit = self._views.get(key)
        if hit is not None and hit[0] == stamp:
            sit = hit[1]
            timely = self._timely(seat, lang)
            if any(getattr(sit, k) != v for k, v in timely.items()):
                sit = replace(sit, **timely)
                self._views[key] = (stamp, sit)
            return sit
        sit = self._build(seat, lang)
        self._views[key] = (stamp, sit)
        return sit

    def _timely(self, seat: Seat, lang: str) -> dict:
        ex = self.ex
        now = ex.now
        wall = ex.calendar.wall(now)
        return {
            "t": now, "wall": wall, "night": wall.hour < 7 or wall.hour >= 21, "weekend": wall.weekday() >= 5,
            "running": self.running, "speed": self.speed, "held_by_decision": self.held_by_decision(),
            "next_event_in": board.next_event_in(self.ex) if seat.may(S.TRUTH) else None, "ended": self.ended,
            "conditional_pending": board.conditional_pending(self.ex) if seat.may(S.TRUTH) else 0,
            "end_reason": self._end_reason(), "jobs": self._part("jobs", lang, lambda lg: board.jobs(self.ex, self.namer(lg))),
            "held_by": self._held_by(lang),
        }

    def _part(self, name: str, lang: str, build: Callable[[str], object]) -> object:
        """A piece of the views shared by every seat reading `lang`, rebuilt only when an event
        it depends on (`PART_KINDS`) happened or, for what moves with time, the clock moved."""
        key = (name, lang)
        counts = self._counts
        kinds = PART_KINDS.get(name.split("-", 1)[0])
        if kinds is None:
            stamp: tuple = (self.version,)
        else:
            stamp = tuple(counts.get(k, 0) for k in kinds) + (self._local,)
        if name.startswith(TIMED_PARTS):
            stamp += (self.now,) if name == "jobs" else (int(self.now // self._clinical_step),)
        hit = self._parts.get(key)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        value = build(lang)
        self._parts[key] = (stamp, value)
        return value

    def _held_by(self, lang: str) -> str:
        if self.ended:
            return ""
        if self.held_by_decision():
            return tr("clock.held", lang)
        if self._holds:
            return tr("clock.dialog", lang)
        return ""

    def _build(self, seat: Seat, lang: str) -> Situation:
        ex = self.ex
        now = ex.now
        truth = seat.may(S.TRUTH)
        self._sample_history(now)
        namer = self.namer(lang)
        feed_all = self._feeds[seat.id]
        feed = tuple(self._line(self._entries[i], lang) for i in feed_all)
        decisions = tuple(
            replace(d, can_answer=seat.answers(self._recipients(ex.decisions[d.id].to)))
            for d in self._part("decisions", lang, lambda lg: board.decisions(self.ex, self.namer(lg), self._recipients))
        )
        acked = self.acked[seat.id]
        asks = truth or seat.kind == S.EVALUATOR  # discussion questions are the facilitator's to ask
        inbox = tuple(
            replace(v, read=v.key in acked, questions=v.questions if asks else ()) if v.read != (v.key in acked) or (v.questions and not asks) else v
            for v in self._part("inbox", lang, lambda lg: board.inbox(self.ex, self.namer(lg), getattr(getattr(self.rec, "inputs", None), "scenario_path", None)))
            if seat.addressed(self._recipients(ex.inbox[v.key].to))
        )
        return Situation(
            **self._timely(seat, lang),
            zones=self._part("zones-truth" if truth else "zones-known", lang, lambda lg: board.zones(self.ex, self.namer(lg), truth)),
            services=self._part("services-truth" if truth else "services-known", lang, lambda lg: board.services(self.ex, self.namer(lg), truth)),
            functions=self._part("functions-truth" if truth else "functions-known", lang, lambda lg: board.functions(self.ex, self.namer(lg), truth, self._history)),
            inbox=inbox,
            decisions=decisions,
            clocks=self._part("clocks", lang, lambda lg: board.clocks(self.ex, lg)),
            staff=board.staff(self.ex),
            feed=feed,
            truth=board.truth(self.ex, namer) if truth else None,
            tasks=self.tasks(lang) if seat.kind in (S.FACILITATOR, S.EVALUATOR) else (),
            actions=self.actions(lang) if seat.may(S.ACT) else (),
            injects=self.injects(lang) if seat.may(S.FIRE) else (),
            presence=self._presence(lang) if truth and not seat.solo else (),
            seat_label=self.seat_label(seat.id, lang) if not seat.solo else "",
            module=board.module(self.ex, lang, truth or seat.kind == S.EVALUATOR),
        )

    def _sample_history(self, now: float) -> None:
        bucket = int(now // HISTORY_STEP)
        if self._history_bucket is not None and bucket <= self._history_bucket:
            return
        self._history_bucket = bucket
        flow = self.ex.clinical
        level = self.ex.state._level
        for f, fl in flow.flows.items():
            capacity = round(100.0 * flow.factor_of(fl, level.get(f, 0), now), 1)
            self._history.setdefault(f, deque(maxlen=HISTORY_POINTS)).append(capacity)

    def _presence(self, lang: str) -> tuple[PresenceView, ...]:
        return tuple(
            PresenceView(sid, self.seat_label(sid, lang), tuple(sorted(self.presence[sid])))
            for sid in self.seats
        )

    def _end_reason(self) -> str:
        return "facilitator" if self.closed else self._engine_end

    def _line(self, entry: _Entry, lang: str) -> FeedLine:
        line = entry.lines.get(lang)
        if line is None:
            record = entry.record
            line = entry.lines[lang] = FeedLine(
                float(record.get("t", 0.0)), str(record.get("kind")), bool(record.get("truth")), self.namer(lang).describe(record)
            )
        return line

    # -- what can be done ------------------------------------------------------------------

    def actions(self, lang: str) -> tuple[ActionInfo, ...]:
        return self._part("actions", lang, self._actions)  # type: ignore[return-value]

    def _actions(self, lang: str) -> tuple[ActionInfo, ...]:
        return board.actions(self.ex, lang, lambda aid: self.unavailable(aid, lang))

    def targets(self, action: str, lang: str) -> tuple[tuple[str, str], ...]:
        """(command target, label) pairs the action accepts."""
        return board.targets(self.ex, self.namer(lang), action)

    def assess(self, seat_id: str, action: str, target: str = "", count: int = 0, lang: str = "fr") -> Result:
        """What an action would do if given now, without giving it: accepted with the engine's
        estimate as its detail, or refused with the reason the engine would give. Changes nothing."""
        seat, refused = self._allowed(seat_id, S.ACT, action, lang)
        if refused is not None:
            return refused
        namer = self.namer(lang)
        command = Act(action, target, count)
        found = self.ex.estimate(command, seat.source)
        if found.refused is not None:
            return Result(False, namer.command(command.text()), refusal_text(found.refused[0], found.refused[1], lang, namer), found.text(lang, namer))
        detail = found.text(lang, namer)
        left_out = found.leaves_out_text(lang)
        if left_out:  # said, not hidden: what the estimate cannot know
            detail += "\n" + tr("estimate.leaves-out", lang, what=" ".join(left_out))
        return Result(True, namer.command(command.text()), "", detail)

    def refusals(self, seat_id: str, action: str, lang: str = "fr") -> dict[str, str]:
        """For each target of `action`, why the engine would refuse it now ("" when it would not)."""
        seat = self.seats.get(seat_id)
        if seat is None or not seat.may(S.ACT) or action not in self.ex.actions:
            return {}
        namer = self.namer(lang)
        out = {}
        for value, _label in self.targets(action, lang):
            spec = self.ex.actions[action]
            count = 1 if spec.target == "function-count" else 0
            found = self.ex.would_refuse(Act(action, value, count), seat.source)
            out[value] = refusal_text(found[0], found[1], lang, namer) if found is not None else ""
        return out

    def all_targets(self, lang: str) -> dict[str, tuple[tuple[str, str], ...]]:
        return {aid: self.targets(aid, lang) for aid in sorted(self.ex.actions)}

    def unavailable(self, action: str, lang: str) -> str | None:
        """Why the action cannot be taken now (None when it can): checked before asking the engine."""
        if self.ended:
            return tr("why.ended", lang)
        spec = self.ex.actions[action]
        staff = self.ex.staff
        if spec.staff and staff is not None and spec.staff > staff.on_duty:
            return tr("why.staff", lang, need=spec.staff, on_duty=staff.on_duty)
        return None

    def injects(self, lang: str) -> tuple[InjectInfo, ...]:
        return self._part("injects", lang, self._injects)  # type: ignore[return-value]

    def _injects(self, lang: str) -> tuple[InjectInfo, ...]:
        return board.injects(self.ex, lang)

    def tasks(self, lang: str) -> tuple[TaskView, ...]:
        return self._part("tasks", lang, self._tasks)  # type: ignore[return-value]

    def _tasks(self, lang: str) -> tuple[TaskView, ...]:
        return board.tasks(self.ex, self.namer(lang))

    # -- the debrief ---------------------------------------------------------------------------

    def debrief(self, seat_id: str, lang: str) -> Debrief:
        ex = self.ex
        seat = self.seats[seat_id]
        results = ex.objective_results if ex.objective_results is not None else ex.rate_objectives()
        tasks = self.tasks(lang)
        objectives = []
        for obj, res in zip(ex.scenario.objectives, results):
            obj_tasks = tuple(
                TaskView(tv.objective, tv.objective_text, tv.task, tv.text,
                         next((x["rating"] or "" for x in res["tasks"] if x["id"] == tv.task), tv.rating), tv.auto)
                for tv in tasks if tv.objective == obj.id
            )
            objectives.append((obj.id, obj.text.get(lang), res["rating"] or "", obj_tasks))
        namer = self.namer(lang)
        timeline = tuple(
            self._line(e, lang) for e in self._entries
            if e.record.get("kind") not in QUIET_KINDS and self._shows(seat, e)
        )
        seal = self.seal
        return Debrief(
            t=ex.now,
            end_reason=self._end_reason(),
            kpis=tuple(
                (key, {namer.name(k): v for k, v in value.items()} if isinstance(value, dict) else value)
                for key, value in ex.kpis().items()
            ),
            objectives=tuple(objectives),
            clocks=board.clocks(self.ex, lang),
            timeline=timeline,
            log_path=str(self.rec.log_path),
            head_hash=self.rec.head_hash,
            sealed=self.rec.sealed,
            signed=isinstance(seal, dict) and bool((seal.get("data") or {}).get("signature")),
            title=ex.scenario.title.get(lang),
        )


def advance_to(session: RoomSession, t: float) -> None:
    """Move a read-only session (a replay) to `t` exactly."""
    advance_exact(session.ex, t)
    session.version += 1
