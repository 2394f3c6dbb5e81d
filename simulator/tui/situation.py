"""The immutable picture the widgets render: one `Situation` per timer tick.

Built by `bridge` from the engine; every name is already in the display language
and every collection is a tuple, so a widget can compare its slice with the
previous one and skip the repaint when nothing changed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class AssetView:
    id: str
    name: str
    kind: str
    count: int
    state: str  # the most severe display state
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
    to: tuple[str, ...]
    title: str
    text: str
    read: bool
    noise: bool = False


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
    to: tuple[str, ...]
    pause_clock: bool


@dataclass(frozen=True)
class ClockView:
    id: str
    authority: str
    state: str  # not-started | running | met | missed
    started: float | None
    deadline: float | None
    met_at: float | None


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
    record: tuple[tuple[str, object], ...]  # the event's record, frozen
    truth: bool
    text: str = ""  # in the UI language

    def get(self, key: str, default: object = "") -> object:
        for k, v in self.record:
            if k == key:
                return v
        return default


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

    @property
    def unread(self) -> int:
        return sum(1 for i in self.inbox if not i.read)
