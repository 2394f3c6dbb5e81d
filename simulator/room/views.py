"""What crosses from a session to a screen: immutable views, already in the reader's language.

A `Situation` is computed for one seat on the host (what that seat may know, in the
language of the person reading it) and rendered as it is by the UI, whether the UI runs in
the same process (`play`) or at the other end of a socket (`join`, a browser). Every
collection is a tuple so that a widget can compare its slice with the previous one and
skip a repaint; `to_wire` / `from_wire` turn a view into JSON values and back.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable


@dataclass(frozen=True)
class AssetView:
    id: str
    name: str
    kind: str
    count: int
    state: str  # the most severe display state the seat may know of
    states: tuple[str, ...]
    compromised: int = 0
    encrypted: int = 0


@dataclass(frozen=True)
class ZoneView:
    id: str
    name: str
    isolated: bool
    assets: tuple[AssetView, ...]


@dataclass(frozen=True)
class ServiceView:
    id: str
    name: str
    level: str  # up | degraded | down
    since: float | None


@dataclass(frozen=True)
class FunctionView:
    id: str
    name: str
    level: str
    capacity_pct: float
    waiting: float
    diverted: float
    cancelled: float
    turnaround: float | None
    paper: bool
    history: tuple[float, ...]  # capacity % samples, oldest first


@dataclass(frozen=True)
class InboxView:
    key: int  # position in the engine inbox: stable, used for acknowledgement
    t: float
    kind: str  # inject | alert | decision
    ref: str
    channel: str
    sender: str
    to: tuple[str, ...]  # recipients' names in the reader's language
    title: str
    text: str
    read: bool
    noise: bool = False
    attachments: tuple["AttachmentView", ...] = ()  # files handed out with it (only its recipients read the item)
    questions: tuple[str, ...] = ()  # discussion questions: for the facilitator and evaluators only


@dataclass(frozen=True)
class AttachmentView:
    file: str  # as the scenario names it, relative to the scenario file
    title: str
    kind: str  # png | jpeg | gif | pdf | text
    text: str = ""  # a text handout's content (at most TEXT_PREVIEW characters), read on the host


@dataclass(frozen=True)
class ModuleView:
    """The module (phase) open now: what the room was told, and, for the facilitator, what to ask."""

    id: str
    title: str
    index: int  # 1-based
    count: int
    started_at: float
    duration: float | None  # planned length (None: to the end)
    narrative: str = ""
    questions: tuple[str, ...] = ()  # facilitator and evaluators only
    expected: tuple[str, ...] = ()  # facilitator and evaluators only
    next_title: str = ""  # the module `module next` opens ("" on the last)
    next_jump: float = 0.0


@dataclass(frozen=True)
class OptionView:
    id: str
    label: str


@dataclass(frozen=True)
class DecisionView:
    id: str
    prompt: str
    options: tuple[OptionView, ...]
    default: str
    presented_at: float
    deadline: float
    to: tuple[str, ...]  # the cells it is put to, by name
    pause_clock: bool
    can_answer: bool = True  # whether the seat reading this may decide it


@dataclass(frozen=True)
class ClockView:
    id: str
    authority: str
    state: str  # not-started | running | met | missed
    started: float | None
    deadline: float | None
    met_at: float | None
    name: str = ""  # in the reader's language, from the jurisdiction pack


@dataclass(frozen=True)
class JobView:
    id: int
    action: str
    target: str
    staff: int
    state: str  # queued | running | done
    progress: float
    expected_end: float | None
    outcome: str = ""


@dataclass(frozen=True)
class StaffView:
    on_duty: int
    busy: int
    free: int
    queued: int


@dataclass(frozen=True)
class FeedLine:
    t: float
    kind: str
    truth: bool
    text: str = ""  # in the reader's language


@dataclass(frozen=True)
class TruthView:
    """What only the facilitator sees: the attacker's real progress and the MSEL ahead."""

    actor: str
    footholds: tuple[str, ...]
    stages: tuple[tuple[str, str, str], ...]  # (stage, technique, state)
    upcoming: tuple[tuple[float, str, str], ...]  # (time, kind, id)
    flags: tuple[str, ...]


@dataclass(frozen=True)
class TaskView:
    objective: str
    objective_text: str
    task: str
    text: str
    rating: str  # P S M U or ""
    auto: bool


@dataclass(frozen=True)
class ActionInfo:
    id: str
    name: str
    description: str
    target: str  # the catalogue's target type
    staff: int
    duration: str
    why: str = ""  # why it cannot be taken now, in the reader's language ("" when it can)


@dataclass(frozen=True)
class InjectInfo:
    id: str
    title: str
    at: float | None
    fired: bool
    contingency: bool
    noise: bool


@dataclass(frozen=True)
class PresenceView:
    seat: str
    label: str
    names: tuple[str, ...]  # the people connected to it now


@dataclass(frozen=True)
class Situation:
    t: float
    wall: dt.datetime
    night: bool
    weekend: bool
    running: bool
    speed: float
    held_by_decision: bool
    next_event_in: float | None
    ended: bool
    end_reason: str
    zones: tuple[ZoneView, ...] = ()
    services: tuple[ServiceView, ...] = ()
    functions: tuple[FunctionView, ...] = ()
    inbox: tuple[InboxView, ...] = ()
    decisions: tuple[DecisionView, ...] = ()
    clocks: tuple[ClockView, ...] = ()
    staff: StaffView | None = None
    jobs: tuple[JobView, ...] = ()
    feed: tuple[FeedLine, ...] = ()
    truth: TruthView | None = None
    tasks: tuple[TaskView, ...] = field(default=())
    actions: tuple[ActionInfo, ...] = ()
    injects: tuple[InjectInfo, ...] = ()
    presence: tuple[PresenceView, ...] = ()
    seat_label: str = ""
    held_by: str = ""  # why the clock holds, in the reader's language ("" when it does not)
    conditional_pending: int = 0  # the facilitator's: stimuli and decisions waiting on a condition (not in next_event_in)
    module: ModuleView | None = None  # the module open now (scenarios in modules)

    @property
    def unread(self) -> int:
        return sum(1 for i in self.inbox if not i.read)


@dataclass(frozen=True)
class SeatInfo:
    """Who a client is in the room: its seat and what the host lets it do."""

    id: str  # facilitator | evaluator | room | cell:<role> | cell (every cell, solo play)
    kind: str  # facilitator | cell | evaluator | room
    permissions: tuple[str, ...]
    solo: bool = False

    def may(self, permission: str) -> bool:
        return permission in self.permissions


@dataclass(frozen=True)
class Notice:
    """Something a person must not miss (a decision put to them, a default about to apply)."""

    key: str  # catalogue key under tui.notice.
    text: str  # in the reader's language
    severity: str = "information"  # information | warning | error
    bell: bool = False


@dataclass(frozen=True)
class Debrief:
    t: float
    end_reason: str
    kpis: tuple[tuple[str, Any], ...]
    objectives: tuple[tuple[str, str, str, tuple[TaskView, ...]], ...]  # (id, text, rating, tasks)
    clocks: tuple[ClockView, ...]
    timeline: tuple[FeedLine, ...]
    log_path: str
    head_hash: str
    sealed: bool
    signed: bool = False
    title: str = ""


@dataclass(frozen=True)
class Result:
    """What a command answers: accepted (with a detail) or refused (with the reason)."""

    accepted: bool
    command: str
    reason: str = ""
    detail: str = ""

    def __bool__(self) -> bool:
        return self.accepted


# ====================================================================== wire codec


def to_wire(value: Any, encode: "Callable[[Any], Any] | None" = None) -> Any:
    """A view as JSON values: dataclasses become objects, tuples lists, datetimes ISO strings.

    `encode`, when given, encodes the members of a collection (a cache shares their JSON values
    between the seats that are sent the same lines)."""
    inner = encode or to_wire
    if hasattr(type(value), "__dataclass_fields__"):
        return {f.name: inner(getattr(value, f.name)) for f in _fields(type(value))}
    if isinstance(value, (tuple, list)):
        return [inner(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): inner(v) for k, v in value.items()}
    return value


class WireError(ValueError):
    """A view that does not have the shape its class expects."""


def from_wire(cls: type, data: Any) -> Any:
    """The view of class `cls` from its JSON values; WireError when they do not fit."""
    return _decode(cls, data, cls.__name__)


@lru_cache(maxsize=None)
def _fields(cls: type) -> tuple[dataclasses.Field, ...]:
    return dataclasses.fields(cls)


@lru_cache(maxsize=None)
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _decode(tp: Any, data: Any, where: str) -> Any:
    if tp is Any:
        return _plain(data, where)
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        if data is None and type(None) in args:
            return None
        for arg in args:
            if arg is type(None):
                continue
            return _decode(arg, data, where)
    if origin is tuple:
        args = typing.get_args(tp)
        if not isinstance(data, list):
            raise WireError(f"{where}: a list was expected")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], v, f"{where}[{i}]") for i, v in enumerate(data))
        if len(args) != len(data):
            raise WireError(f"{where}: {len(args)} values were expected")
        return tuple(_decode(a, v, f"{where}[{i}]") for i, (a, v) in enumerate(zip(args, data)))
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if not isinstance(data, dict):
            raise WireError(f"{where}: an object was expected")
        hints = _hints(tp)
        kwargs = {}
        for f in _fields(tp):
            if f.name in data:
                kwargs[f.name] = _decode(hints[f.name], data[f.name], f"{where}.{f.name}")
            elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise WireError(f"{where}: '{f.name}' is missing")
        return tp(**kwargs)
    if tp is dt.datetime:
        if not isinstance(data, str):
            raise WireError(f"{where}: a date and time was expected")
        try:
            return dt.datetime.fromisoformat(data)
        except ValueError:
            raise WireError(f"{where}: not a date and time") from None
    if tp is float:
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            raise WireError(f"{where}: a number was expected")
        return float(data)
    if tp is int:
        if isinstance(data, bool) or not isinstance(data, int):
            raise WireError(f"{where}: a whole number was expected")
        return data
    if tp in (str, bool):
        if not isinstance(data, tp):
            raise WireError(f"{where}: a {'text' if tp is str else 'true/false'} was expected")
        return data
    raise WireError(f"{where}: cannot read a {tp!r}")


def _plain(data: Any, where: str) -> Any:
    """A free JSON value (a KPI): lists become tuples so views stay immutable."""
    if isinstance(data, list):
        return tuple(_plain(v, where) for v in data)
    if isinstance(data, dict):
        return {str(k): _plain(v, where) for k, v in data.items()}
    if data is None or isinstance(data, (str, int, float, bool)):
        return data
    raise WireError(f"{where}: not a JSON value")
