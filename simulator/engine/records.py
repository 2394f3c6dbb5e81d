"""Small records the engine keeps about what happened (actions, jobs, clocks, decisions), and
the answer to a command."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Result:
    """What `submit` answers: accepted (with a detail) or refused (with the reason).

    A refusal also carries its `code` and `params` (simulator/engine/refusals.py): the
    `reason` is the English sentence the journal keeps, `refusal_text(code, params, lang,
    namer)` the one a person reads in their language."""

    accepted: bool
    command: str
    reason: str = ""
    detail: str = ""
    code: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return self.accepted


@dataclass
class ActionRecord:
    """An accepted response action: when it was ordered, when its effect landed."""

    t: float
    action: str
    target: str
    source: str
    done_at: float | None = None


@dataclass
class Job:
    id: int
    action: str
    target: str
    staff: int
    source: str
    queued_at: float
    duration: float
    started_at: float | None = None
    finished_at: float | None = None
    outcome: str = ""
    asset: str = ""
    record: ActionRecord | None = None
    supported: bool = False  # outside support already speeds this job (eradication)
    backup: str = ""  # the backup a restore reads from (its parallel streams)
    gen: int = 0  # bumped when the end moves (support arriving mid-way)
    process: object = None  # the SimPy process holding the technicians, if any
    steered: bool = False  # an IT-plan investigation the cell took over (runs at the cell's pace)
    linked: list = field(default_factory=list)  # jobs that end with this one (the cell's takeover of an investigation)

    def progress(self, now: float) -> float:
        if self.finished_at is not None:
            return 1.0
        if self.started_at is None:
            return 0.0
        if self.duration <= 0:
            return 1.0
        return max(0.0, min(1.0, (now - self.started_at) / self.duration))


@dataclass
class ClockState:
    id: str
    authority: str
    nth: int
    basis: str
    started: float | None = None
    deadline: float | None = None
    met_at: float | None = None
    missed_at: float | None = None

    def state(self) -> str:
        if self.started is None:
            return "not-started"
        if self.missed_at is not None:
            return "missed"  # even if notified late
        if self.met_at is not None:
            return "met"
        return "running"


@dataclass
class PendingDecision:
    id: str
    presented_at: float
    deadline: float
    to: tuple[str, ...] = ()
    pause_clock: bool = False


@dataclass
class InboxItem:
    t: float
    kind: str  # inject | alert | decision
    ref: str
    channel: str
    sender: str
    to: tuple[str, ...]
    title: str
    text: str
    noise: bool = False
    contingency: bool = False


@dataclass
class RuleState:
    fired_at: list[float] = field(default_factory=list)
