"""The situation at any moment of a recorded exercise: its commands fed back up to that time.

A read-only session over a journal, seen from the facilitator's seat (ground truth
included: replay is for the debrief and the auditor). Going back rebuilds the run from
T-start (the engine only runs forward).
"""

from __future__ import annotations

import os

from simulator.journal.commands import UI_KIND, advance_exact
from simulator.journal.inputs import locate_inputs
from simulator.journal.replay import Replayer, build_exercise, load_journal
from simulator.room.seats import FACILITATOR, room_seats
from simulator.room.session import QUIET_KINDS, RoomSession
from simulator.room.views import Situation


class _Replayed:
    """What `RoomSession` needs from a recorded exercise, for a journal read back: no writing."""

    resumed_from = None
    sealed = True

    def __init__(self, exercise, journal) -> None:
        self.exercise = exercise
        self.log_path = journal.path
        self.head_hash = journal.head or ""

    def advance(self, until: float) -> int:
        return advance_exact(self.exercise, until)


class JournalReplay:
    def __init__(self, path: str | os.PathLike, lang: str) -> None:
        self.journal = load_journal(path)
        self.inputs = locate_inputs(self.journal.header, path)
        self.lang = lang
        self.end = float(self.journal.last_t)
        marks = {0.0, self.end}
        for _line, rec in self.journal.body:
            t = float(rec["t"])
            data = rec["data"]
            if t >= 0 and (rec["type"] == "command" or (not data.get("truth") and data.get("kind") not in QUIET_KINDS)):
                marks.add(t)
        self.marks = sorted(m for m in marks if 0 <= m <= self.end)
        self.session: RoomSession | None = None
        self._replayer: Replayer | None = None
        self.t = -1.0
        self.seek(0.0)

    @property
    def title(self) -> str:
        return self.inputs.scenario.title.get(self.lang)

    def _fresh(self) -> None:
        ex = build_exercise(self.inputs, self.journal)
        self._replayer = Replayer(ex, self.journal, check=False)
        roles = [r.id for r in ex.scenario.roles]
        self.session = RoomSession(_Replayed(ex, self.journal), room_seats(roles))  # type: ignore[arg-type]

    def seek(self, t: float) -> Situation:
        t = max(0.0, min(self.end, float(t)))
        if self.session is None or t < self.t:
            self._fresh()
        assert self.session is not None and self._replayer is not None
        session = self.session
        self._replayer.run_commands(before=t + 1e-9)
        advance_exact(session.ex, t)
        self.t = t
        session.acked[FACILITATOR] = {
            rec["data"]["key"] for _line, rec in self.journal.commands()
            if rec["data"].get("kind") == UI_KIND and rec["data"].get("ui") == "ack" and float(rec["t"]) <= t
            and isinstance(rec["data"].get("key"), int)
        }
        session.closed = t >= self.end and self.journal.sealed and not session.ex.ended
        session.version += 1
        return session.view(FACILITATOR, self.lang)

    def next_mark(self, direction: int) -> Situation:
        if direction > 0:
            later = [m for m in self.marks if m > self.t + 1e-9]
            return self.seek(later[0] if later else self.end)
        earlier = [m for m in self.marks if m < self.t - 1e-9]
        return self.seek(earlier[-1] if earlier else 0.0)

    def set_language(self, lang: str) -> None:
        self.lang = lang
