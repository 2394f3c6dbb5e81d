"""The session as a screen sees it: one seat of one exercise, local or remote.

The UI talks only to `SessionClient`. `LocalClient` wraps a `RoomSession` in the same
process (`cyberdrill play`: one seat that also drives the clock); `RemoteClient`
(`simulator.room.remote`) speaks the room protocol to a host (`cyberdrill join`, a browser).
Both answer commands with a `Result` (awaited: a remote answer takes a round trip) and hand
new situations and notices to the callbacks the UI installs.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Callable

from simulator.room.session import RoomSession
from simulator.room.views import Debrief, Notice, Result, SeatInfo, Situation

UpdateCallback = Callable[[Situation], None]
NoticeCallback = Callable[[Notice], None]


class SessionClient(ABC):
    """One seat's connection to an exercise session."""

    seat: SeatInfo
    lang: str
    name: str
    situation: Situation
    remote: bool = False

    def __init__(self) -> None:
        self._on_update: UpdateCallback | None = None
        self._on_notice: NoticeCallback | None = None
        self._on_closed: Callable[[str], None] | None = None

    # -- wiring ------------------------------------------------------------------------------

    def listen(
        self, on_update: UpdateCallback | None, on_notice: NoticeCallback | None = None, on_closed: Callable[[str], None] | None = None
    ) -> None:
        """Where new situations, notices and the end of the connection go (None: nowhere)."""
        self._on_update, self._on_notice, self._on_closed = on_update, on_notice, on_closed

    def _deliver(self, situation: Situation) -> None:
        self.situation = situation
        if self._on_update is not None:
            self._on_update(situation)

    def _deliver_notice(self, notice: Notice) -> None:
        if self._on_notice is not None:
            self._on_notice(notice)

    # -- reading -----------------------------------------------------------------------------

    @property
    def role(self) -> str:
        """The UI role of the seat: players, facilitator, evaluator or room."""
        return {"cell": "players"}.get(self.seat.kind, self.seat.kind)

    def may(self, permission: str) -> bool:
        return self.seat.may(permission)

    @property
    @abstractmethod
    def title(self) -> str:
        """The scenario's title in the client's language."""

    @abstractmethod
    def targets(self, action: str) -> tuple[tuple[str, str], ...]:
        """(command target, label) pairs an action accepts, in the client's language."""

    @abstractmethod
    def poll(self) -> None:
        """Called by the UI's timer: a local session advances its clock here."""

    @abstractmethod
    async def set_language(self, lang: str) -> None:
        """Read everything in `lang` from now on (a new situation follows)."""

    @abstractmethod
    async def debrief(self) -> Debrief:
        """The debrief of the exercise as this seat may see it."""

    @abstractmethod
    async def assess(self, action: str, target: str = "", count: int = 0) -> Result:
        """What the action would do if given now (accepted: the estimate in `detail`; refused:
        why), without giving it."""

    @abstractmethod
    async def refusals(self, action: str) -> dict[str, str]:
        """For each target of `action`, why it would be refused now ("" when it would not)."""

    # -- commands ----------------------------------------------------------------------------

    @abstractmethod
    async def command(self, op: str, **args: Any) -> Result:
        """Send one command (act, decide, fire, extend, rate, note, ack, pause, resume,
        toggle, faster, slower, speed, step, end); the host authorises it."""

    async def act(self, action: str, target: str = "", count: int = 0) -> Result:
        return await self.command("act", action=action, target=target, count=count)

    async def decide(self, decision: str, option: str, justification: str = "") -> Result:
        return await self.command("decide", decision=decision, option=option, justification=justification)

    async def fire(self, inject: str) -> Result:
        return await self.command("fire", inject=inject)

    async def next_module(self, target: str = "next") -> Result:
        return await self.command("module", target=target)

    async def extend(self, decision: str, minutes: float) -> Result:
        return await self.command("extend", decision=decision, minutes=minutes)

    async def rate(self, objective: str, task: str, rating: str, comment: str = "") -> Result:
        return await self.command("rate", objective=objective, task=task, rating=rating, comment=comment)

    async def note(self, text: str) -> Result:
        return await self.command("note", text=text)

    async def acknowledge(self, key: int) -> Result:
        return await self.command("ack", key=key)

    async def clock(self, op: str) -> Result:
        """pause, resume, toggle, faster, slower, step or end."""
        return await self.command(op)

    def hold(self, reason: str, on: bool) -> None:
        """A dialog opened or closed (solo play holds the clock meanwhile; a room never does)."""

    # -- end -----------------------------------------------------------------------------------

    async def finish(self, sign_key: Any = None) -> None:
        """Close the exercise: a local session seals its journal; a host seals its own when its
        facilitator asks."""

    def close(self) -> None:
        """Leave: a local session's journal stays resumable; a remote seat is given up."""


class LocalClient(SessionClient):
    """A seat of a session living in this process (solo play, replay): no network, no wait."""

    def __init__(self, session: RoomSession, seat: str, lang: str, name: str = "") -> None:
        super().__init__()
        self.session = session
        self.seat = session.seats[seat].info()
        self.lang = lang
        self.name = name
        self._version: tuple | None = None
        self.situation = session.view(seat, lang)

    @property
    def title(self) -> str:
        return self.session.ex.scenario.title.get(self.lang)

    @property
    def log_path(self):
        return self.session.rec.log_path

    def targets(self, action: str) -> tuple[tuple[str, str], ...]:
        return self.session.targets(action, self.lang)

    def publish(self) -> Situation:
        """Hand the current situation (and any notice) to the UI."""
        for seats, notice in self.session.take_notices():
            if self.seat.id in seats:
                self._deliver_notice(notice(self.lang))
        situation = self.session.view(self.seat.id, self.lang)
        self._deliver(situation)
        return situation

    def poll(self) -> None:
        if self.session.tick() or self.session.version != self._version:
            self._version = self.session.version
            self.publish()

    async def set_language(self, lang: str) -> None:
        self.lang = lang
        self.publish()

    async def debrief(self) -> Debrief:
        return self.session.debrief(self.seat.id, self.lang)

    async def assess(self, action: str, target: str = "", count: int = 0) -> Result:
        return self.session.assess(self.seat.id, action, target, count, self.lang)

    async def refusals(self, action: str) -> dict[str, str]:
        return self.session.refusals(self.seat.id, action, self.lang)

    async def command(self, op: str, **args: Any) -> Result:
        result = run_command(self.session, self.seat.id, self.name, self.lang, op, args)
        self.publish()
        return result

    def hold(self, reason: str, on: bool) -> None:
        self.session.hold(reason, on)

    async def finish(self, sign_key: Any = None) -> None:
        self.session.finish(sign_key)

    def close(self) -> None:
        self.session.close()


CLOCK_OPS = ("pause", "resume", "toggle", "faster", "slower", "step", "end")


def run_command(session: RoomSession, seat: str, name: str, lang: str, op: str, args: dict[str, Any]) -> Result:
    """Apply one client command to the session (the host and a local client share this)."""
    if op == "act":
        return session.act(seat, name, args["action"], args.get("target", ""), int(args.get("count", 0)), lang=lang)
    if op == "decide":
        return session.decide(seat, name, args["decision"], args["option"], args.get("justification", ""), lang=lang)
    if op == "fire":
        return session.fire(seat, name, args["inject"], lang=lang)
    if op == "extend":
        return session.extend(seat, name, args["decision"], float(args["minutes"]), lang=lang)
    if op == "module":
        return session.move_module(seat, name, args.get("target", "next"), lang=lang)
    if op == "rate":
        return session.rate(seat, name, args["objective"], args["task"], args["rating"], args.get("comment", ""), lang=lang)
    if op == "note":
        return session.note(seat, name, args["text"], lang=lang)
    if op == "ack":
        return session.acknowledge(seat, name, args["key"], lang=lang)
    if op == "speed":
        return session.set_speed(seat, name, float(args["speed"]), lang=lang)
    if op in CLOCK_OPS:
        return getattr(session, op)(seat, name, lang=lang)
    raise ValueError(f"unknown command '{op}'")
