"""Typed engine events: frozen dataclasses with a stable `kind` and a JSON-safe record.

`truth = True` marks ground truth (what the attacker really did): shown to the
facilitator and in the debrief, never to the players during the run.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, ClassVar


def _plain(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in sorted(value.items())}
    return value


@dataclass(frozen=True)
class Event:
    kind: ClassVar[str] = "event"
    truth: ClassVar[bool] = False
    t: float

    def to_record(self) -> dict:
        out: dict[str, Any] = {"kind": self.kind, "t": round(float(self.t), 3)}
        names = _FIELD_NAMES.get(type(self))
        if names is None:
            names = _FIELD_NAMES[type(self)] = tuple(f.name for f in fields(self) if f.name != "t" and f.metadata.get("record", True))
        for name in names:
            out[name] = _plain(getattr(self, name))
        if self.truth:
            out["truth"] = True
        return out


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}  # per event class, computed once: records are built on every event journaled


@dataclass(frozen=True)
class StageStarted(Event):
    kind: ClassVar[str] = "stage-started"
    truth: ClassVar[bool] = True
    stage: str
    technique: str


@dataclass(frozen=True)
class StageDone(Event):
    kind: ClassVar[str] = "stage-done"
    truth: ClassVar[bool] = True
    stage: str
    technique: str
    effect: str
    targets: tuple[str, ...] = ()


@dataclass(frozen=True)
class StageBlocked(Event):
    kind: ClassVar[str] = "stage-blocked"
    truth: ClassVar[bool] = True
    stage: str
    reason: str


@dataclass(frozen=True)
class AttackerEvicted(Event):
    kind: ClassVar[str] = "attacker-evicted"
    truth: ClassVar[bool] = True
    reason: str


@dataclass(frozen=True)
class AlertRaised(Event):
    """A security tool logged something (ground truth: nobody may be watching)."""

    kind: ClassVar[str] = "alert-raised"
    truth: ClassVar[bool] = True
    alert: str
    stage: str
    technique: str
    asset: str


@dataclass(frozen=True)
class AlertNoticed(Event):
    """Someone saw the alert: knowledge reaches the defenders."""

    kind: ClassVar[str] = "alert-noticed"
    alert: str
    technique: str
    asset: str
    false_positive_hint: str = ""


@dataclass(frozen=True)
class AssetChanged(Event):
    kind: ClassVar[str] = "asset-changed"
    asset: str
    state: str
    cause: str


@dataclass(frozen=True)
class AvailabilityChanged(Event):
    kind: ClassVar[str] = "availability"
    node: str
    node_type: str
    level: str


@dataclass(frozen=True)
class Fact(Event):
    kind: ClassVar[str] = "fact"
    fact: str
    detail: str = ""


@dataclass(frozen=True)
class InjectFired(Event):
    kind: ClassVar[str] = "inject"
    inject: str
    channel: str
    sender: str
    to: tuple[str, ...]
    trigger: str


@dataclass(frozen=True)
class DecisionPresented(Event):
    kind: ClassVar[str] = "decision-presented"
    decision: str
    deadline: float


@dataclass(frozen=True)
class DecisionExtended(Event):
    """The facilitator gave the cell more time: the default now applies at `deadline`."""

    kind: ClassVar[str] = "decision-extended"
    decision: str
    deadline: float
    by: str


@dataclass(frozen=True)
class DecisionMade(Event):
    kind: ClassVar[str] = "decision-made"
    decision: str
    option: str
    by: str


@dataclass(frozen=True)
class CommandAccepted(Event):
    kind: ClassVar[str] = "command-accepted"
    command: str
    source: str
    detail: str = ""


@dataclass(frozen=True)
class CommandRefused(Event):
    """`reason` is the English sentence the journal keeps; `code` and `params` (not journaled,
    so journals stay as they were) let a subscriber say it in the room's language."""

    kind: ClassVar[str] = "command-refused"
    command: str
    source: str
    reason: str
    code: str = field(default="", compare=False, metadata={"record": False})
    params: dict = field(default_factory=dict, compare=False, hash=False, metadata={"record": False})


@dataclass(frozen=True)
class JobStarted(Event):
    kind: ClassVar[str] = "job-started"
    job: int
    action: str
    target: str
    staff: int
    expected_end: float


@dataclass(frozen=True)
class JobFinished(Event):
    kind: ClassVar[str] = "job-finished"
    job: int
    action: str
    target: str
    outcome: str


@dataclass(frozen=True)
class ClockStarted(Event):
    kind: ClassVar[str] = "clock-started"
    clock: str
    deadline: float


@dataclass(frozen=True)
class ClockMet(Event):
    kind: ClassVar[str] = "clock-met"
    clock: str


@dataclass(frozen=True)
class ClockMissed(Event):
    """A regulatory deadline passed: escalation."""

    kind: ClassVar[str] = "clock-missed"
    clock: str


@dataclass(frozen=True)
class StaffChanged(Event):
    kind: ClassVar[str] = "staff"
    on_duty: int
    reason: str


@dataclass(frozen=True)
class ClinicalChanged(Event):
    kind: ClassVar[str] = "clinical"
    function: str
    change: str


@dataclass(frozen=True)
class FlagSet(Event):
    kind: ClassVar[str] = "flag"
    flag: str
    value: bool


@dataclass(frozen=True)
class Rated(Event):
    kind: ClassVar[str] = "rating"
    objective: str
    task: str
    rating: str


@dataclass(frozen=True)
class Note(Event):
    kind: ClassVar[str] = "note"
    text: str


@dataclass(frozen=True)
class ExerciseEnded(Event):
    kind: ClassVar[str] = "exercise-end"
    reason: str


@dataclass(frozen=True)
class Recovered(Event):
    kind: ClassVar[str] = "recovered"
    services: tuple[str, ...]


@dataclass(frozen=True)
class RecoveryStep(Event):
    """The IT department's own recovery plan moves on (engine/recovery.py): start, ..."""

    kind: ClassVar[str] = "it-plan"
    step: str
    detail: str = ""


@dataclass(frozen=True)
class ModuleStarted(Event):
    """The exercise opened a module (a phase); `jumped`: minutes the engine skipped through first."""

    kind: ClassVar[str] = "module-started"
    module: str
    index: int
    jumped: float = 0.0
