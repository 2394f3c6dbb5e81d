"""The condition language: structured data (`all`/`any`/`not` over typed predicates), never code.

A condition is a YAML mapping whose *key* says what it tests:

    {service: ehr, state: down, for: 30m}
    {all: [{time: T+4h}, {not: {action: notify, target: cert-sante}}]}

Scenarios (inject and decision triggers, objectives, end conditions) and
policies (rule triggers) share it. The engine evaluates it against its state;
nothing here is ever evaluated as Python.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import Discriminator, Field, StrictBool, StrictFloat, Tag, model_validator

from simulator.model.base import Duration, Id, Offset, StrictModel
from simulator.model.tagged import register_leading_keys, register_tags

ServiceState = Literal["up", "degraded", "down", "not-up"]
AssetStateName = Literal[
    "up", "down", "compromised", "encrypted", "isolated", "offline", "restoring", "restored", "destroyed", "not-up"
]
ClockStateName = Literal["not-started", "running", "met", "missed"]
DETECTED_PATTERN = r"^([a-z0-9][a-z0-9._-]*|T\d{4}(\.\d{3})?)$"
"""A stage id (lower case) or an ATT&CK technique id (T1486, T1003.001)."""
ClinicalMetric = Literal["waiting", "capacity_pct", "diverted", "cancelled", "transferred", "treated"]


class AllOf(StrictModel):
    """True when every listed condition holds."""

    all: list["Condition"] = Field(min_length=1, description="Conditions that must all hold.")


class AnyOf(StrictModel):
    """True when at least one listed condition holds."""

    any: list["Condition"] = Field(min_length=1, description="Conditions of which one must hold.")


class NotOf(StrictModel):
    """True when the inner condition does not hold."""

    not_: "Condition" = Field(alias="not", description="Condition that must not hold.")


class ServiceIs(StrictModel):
    """An IT service's availability, optionally for at least some time."""

    service: Id = Field(description="Service id from the network.")
    state: ServiceState = Field(default="down", description="State tested: up, degraded, down, or not-up (degraded or down).")
    for_: Duration | None = Field(default=None, alias="for", description="The state has held for at least this long.")


class FunctionIs(StrictModel):
    """A clinical function's status, optionally for at least some time."""

    function: Id = Field(description="Clinical function id from the network.")
    state: ServiceState = Field(default="down", description="State tested: up, degraded, down, or not-up.")
    for_: Duration | None = Field(default=None, alias="for", description="The state has held for at least this long.")


class AssetIs(StrictModel):
    """An asset's state as the engine knows it (ground truth)."""

    asset: Id = Field(description="Asset id from the network.")
    state: AssetStateName = Field(default="down", description="State tested (encrypted, isolated, offline, down, up, restored...).")
    for_: Duration | None = Field(default=None, alias="for", description="The state has held for at least this long.")


class ClinicalThreshold(StrictModel):
    """A clinical indicator above or below a threshold (patients waiting, capacity %...)."""

    clinical: Id = Field(description="Clinical function id from the network.")
    metric: ClinicalMetric = Field(
        default="waiting",
        description="Indicator: waiting (patients), capacity_pct (0-100), diverted, cancelled, transferred, treated (cumulative counts).",
    )
    above: StrictFloat | None = Field(default=None, description="True when the indicator is strictly above this value.")
    below: StrictFloat | None = Field(default=None, description="True when the indicator is strictly below this value.")
    for_: Duration | None = Field(default=None, alias="for", description="The threshold has been crossed for at least this long.")

    @model_validator(mode="after")
    def _one_bound(self) -> "ClinicalThreshold":
        if self.above is None and self.below is None:
            raise ValueError("give 'above' or 'below'")
        return self


class TimeAfter(StrictModel):
    """Sim time has reached an offset from T+0."""

    time: Offset = Field(description="True from this time on (T+6h).")


class DecisionTaken(StrictModel):
    """A decision point was settled (by the cell or by its default), optionally with a given option."""

    decision: Id = Field(description="Decision id.")
    option: Id | None = Field(default=None, description="Option chosen; any option when absent.")


Anchor = Literal["start", "awareness", "detection", "crisis"]


class ActionDone(StrictModel):
    """A response action was taken (accepted), optionally on a target and in time."""

    action: Id = Field(description="Response action id (notify, isolate, cut-internet...).")
    target: str | None = Field(default=None, description="Target as written in commands (cert-sante, zone:servers, asset:dc1); any when absent.")
    within: Duration | None = Field(default=None, description="Taken within this long after `from` (default: T+0).")
    from_: Anchor = Field(
        default="start",
        alias="from",
        description="Origin of `within`: start (T+0), awareness (the hospital knows it is attacked), detection (first alert), crisis (crisis declared).",
    )
    before: Offset | None = Field(default=None, description="Taken before this time.")
    before_clock: Id | None = Field(default=None, description="Taken before this regulatory clock's deadline.")
    done: StrictBool = Field(default=False, description="Require the action's job to be finished, not merely started.")


class ClockIs(StrictModel):
    """A regulatory clock's state."""

    clock: Id = Field(description="Clock id (gdpr-72h, nis2-24h, cert-sante, police-72h...).")
    state: ClockStateName = Field(default="running", description="State tested.")


class InjectFired(StrictModel):
    """An inject was delivered (or not)."""

    inject: Id = Field(description="Inject id.")
    fired: StrictBool = Field(default=True, description="True: the inject was delivered; false: not yet.")


class FlagIs(StrictModel):
    """A scenario flag (set by decision options and injects) has a value."""

    flag: Id = Field(description="Flag name.")
    value: StrictBool = Field(default=True, description="Value tested.")


class StageIs(StrictModel):
    """An attacker stage's progress (ground truth: for facilitator triggers, never shown to players)."""

    stage: Id = Field(description="Attack stage id (or 'initial_access').")
    state: Literal["done", "started", "not-done", "blocked"] = Field(default="done", description="Progress tested.")


class Detected(StrictModel):
    """Defenders have an alert (from detection or symptoms)."""

    detected: str = Field(
        pattern=DETECTED_PATTERN,
        max_length=80,
        description="'any' for any alert, else an attack stage id or an ATT&CK technique id (T1486).",
    )


class FactIs(StrictModel):
    """An engine fact has happened: awareness, crisis-declared, encryption, exfiltration, personal-data-breach, ransom-paid,
    detection (first alert), intrusion (defenders know someone is inside: an alert on an intrusion stage, or encryption
    or exfiltration once aware; not a mere outage such as a denial of service), eradicated, exercise-end."""

    fact: Literal[
        "awareness", "crisis-declared", "encryption", "exfiltration", "personal-data-breach", "ransom-paid", "detection",
        "intrusion", "eradicated", "exercise-end",
    ] = Field(description="Fact name.")
    within: Duration | None = Field(default=None, description="The fact happened within this long after T+0.")


Measure = Literal[
    "internet-cut", "remote-access-disabled", "isolation", "offline", "degraded-mode", "diversion", "elective-cancelled"
]


class InForce(StrictModel):
    """A response measure is in force now (lifted measures no longer count): for recovery rules
    that must undo only what is still in place."""

    in_force: Measure = Field(
        description="internet-cut, remote-access-disabled, isolation (a zone or asset isolated), offline (an asset "
        "shut down), degraded-mode (a function on paper by order), diversion (SAMU diverting), elective-cancelled.",
    )


_KEYS = {
    "all": "all",
    "any": "any",
    "not": "not",
    "service": "service",
    "function": "function",
    "asset": "asset",
    "clinical": "clinical",
    "time": "time",
    "decision": "decision",
    "action": "action",
    "clock": "clock",
    "inject": "inject",
    "flag": "flag",
    "stage": "stage",
    "detected": "detected",
    "fact": "fact",
    "in_force": "in_force",
}

PREDICATE_KEYS = tuple(_KEYS)


def _condition_tag(value: Any) -> str | None:
    if isinstance(value, dict):
        for key in value:
            if key in _KEYS:
                return "~" + _KEYS[key]
        return None
    for name, cls in _CLASSES.items():
        if isinstance(value, cls):
            return "~" + name
    return None


Condition = Annotated[
    Union[
        Annotated[AllOf, Tag("~all")],
        Annotated[AnyOf, Tag("~any")],
        Annotated[NotOf, Tag("~not")],
        Annotated[ServiceIs, Tag("~service")],
        Annotated[FunctionIs, Tag("~function")],
        Annotated[AssetIs, Tag("~asset")],
        Annotated[ClinicalThreshold, Tag("~clinical")],
        Annotated[TimeAfter, Tag("~time")],
        Annotated[DecisionTaken, Tag("~decision")],
        Annotated[ActionDone, Tag("~action")],
        Annotated[ClockIs, Tag("~clock")],
        Annotated[InjectFired, Tag("~inject")],
        Annotated[FlagIs, Tag("~flag")],
        Annotated[StageIs, Tag("~stage")],
        Annotated[Detected, Tag("~detected")],
        Annotated[FactIs, Tag("~fact")],
        Annotated[InForce, Tag("~in_force")],
    ],
    Discriminator(
        _condition_tag,
        custom_error_type="condition",
        custom_error_message="a condition is a mapping starting with one of: " + ", ".join(PREDICATE_KEYS),
    ),
]

_CLASSES: dict[str, type] = {
    "all": AllOf,
    "any": AnyOf,
    "not": NotOf,
    "service": ServiceIs,
    "function": FunctionIs,
    "asset": AssetIs,
    "clinical": ClinicalThreshold,
    "time": TimeAfter,
    "decision": DecisionTaken,
    "action": ActionDone,
    "clock": ClockIs,
    "inject": InjectFired,
    "flag": FlagIs,
    "stage": StageIs,
    "detected": Detected,
    "fact": FactIs,
    "in_force": InForce,
}

for _cls in (AllOf, AnyOf, NotOf):
    _cls.model_rebuild()

register_tags({"~" + name: cls for name, cls in _CLASSES.items()})
register_leading_keys("condition", PREDICATE_KEYS, list(_CLASSES.values()))


def children(cond: Any) -> list[tuple[tuple, Any]]:
    """Sub-conditions with their relative YAML paths (for positioned checks)."""
    if isinstance(cond, AllOf):
        return [(("all", i), c) for i, c in enumerate(cond.all)]
    if isinstance(cond, AnyOf):
        return [(("any", i), c) for i, c in enumerate(cond.any)]
    if isinstance(cond, NotOf):
        return [(("not",), cond.not_)]
    return []


def walk(cond: Any, path: tuple = ()):
    """Every predicate of a condition tree with its YAML path."""
    yield path, cond
    for rel, child in children(cond):
        yield from walk(child, path + rel)
