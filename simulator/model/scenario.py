"""The scenario file: one document that is both the chronogramme (MSEL) and the engine's input.

It names a network file and overrides parts of it, the crisis-cell roles and
the personas who send injects, the threat (stages tagged with ATT&CK ids,
random delays, target selectors, detection chances), the injects, decision
points, objectives, end conditions and facilitator material. Cross-references
are checked in `scenario_checks`. Format documented in docs/scenario-format.md.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Annotated, Any, Literal, Union

from pydantic import BeforeValidator, Field, StrictBool, StrictFloat, StrictInt, field_validator, model_validator

from simulator.model.actions import ActionOverride
from simulator.model.base import Duration, Id, LocalizedText, Offset, StrictModel
from simulator.model.conditions import Condition
from simulator.model.distributions import Delay
from simulator.model.jurisdiction import JurisdictionEntry
from simulator.model.network import AssetKind, Flow, SiemHours
from simulator.model.tagged import TagStrippingModel

Level = Literal["beginner", "intermediate", "confirmed"]
Capability = Literal[
    "planning", "operational-coordination", "information-sharing", "public-information", "cybersecurity",
    "healthcare", "infrastructure", "forensics", "situational-assessment", "logistics",
]
"""HSEEP core capabilities an exercise of a hospital's cyber crisis tests (FEMA National Preparedness Goal names)."""
CapabilityElement = Literal["planning", "organisation", "equipment", "training", "exercise"]
"""HSEEP improvement-plan capability elements: where a corrective action acts."""
CareAxis = Literal["governance", "resources", "awareness", "operational-security"]
"""Axes of the ANS CaRE programme: gouvernance et résilience, ressources et mutualisation, sensibilisation, sécurité opérationnelle."""
Channel = Literal["email", "phone", "sms", "press", "tv", "social", "siem-alert", "ticket", "in-person"]
TECHNIQUE_PATTERN = r"^T\d{4}(\.\d{3})?$"
TechniqueId = Annotated[str, Field(pattern=TECHNIQUE_PATTERN, description="MITRE ATT&CK technique id (T1486, T1003.001).")]


def _id_or_mapping(value: Any) -> Any:
    """Roles may be written as a bare id: `it` means `{id: it}`."""
    if isinstance(value, str):
        return {"id": value}
    return value


# ---------------------------------------------------------------- overrides


class ControlsPatch(StrictModel):
    """Network-wide controls to change (only the given keys)."""

    edr_coverage: StrictFloat | None = Field(default=None, ge=0, le=1, description="Share of machines with EDR (0..1).")
    av_blocking: StrictBool | None = Field(default=None, description="Antivirus blocks what it detects.")
    mfa_remote_access: StrictBool | None = Field(default=None, description="MFA on VPN and remote access portals.")
    mfa_privileged: StrictBool | None = Field(default=None, description="MFA for privileged accounts.")
    siem_hours: SiemHours | None = Field(default=None, description="When someone watches security alerts.")
    tiered_admin: StrictBool | None = Field(default=None, description="AD tiering enforced.")
    email_filtering: StrictBool | None = Field(default=None, description="Attachment sandboxing and link rewriting.")
    edr: StrictBool | None = Field(default=None, description="With `asset`: an EDR agent runs on it.")
    mfa: StrictBool | None = Field(default=None, description="With `asset`: logins on it need MFA.")
    patched: StrictBool | None = Field(default=None, description="With `asset`: its known vulnerabilities are patched.")


class BackupPatch(StrictModel):
    """Backup properties to change on one backup asset."""

    offline: StrictBool | None = Field(default=None, description="Offline or immutable copy.")
    restore_hours_per_asset: StrictFloat | None = Field(default=None, gt=0, description="Technician hours to restore one asset (hours).")
    age_hours: StrictFloat | None = Field(default=None, ge=0, description="Age of the newest copy at T+0 (hours).")


class StaffPatch(StrictModel):
    """IT staffing to change (only the given keys)."""

    weekday_day: StrictInt | None = Field(default=None, ge=0, description="Technicians on weekday days.")
    weekday_night: StrictInt | None = Field(default=None, ge=0, description="Technicians on weekday nights.")
    weekend_day: StrictInt | None = Field(default=None, ge=0, description="Technicians on weekend days.")
    weekend_night: StrictInt | None = Field(default=None, ge=0, description="Technicians on weekend nights.")
    recall_delay: Duration | None = Field(default=None, description="Time to recall off-duty technicians.")
    recall_total: StrictInt | None = Field(default=None, ge=0, description="Technicians once everyone is recalled.")


class FlowRef(StrictModel):
    """A flow named by its two zones."""

    from_zone: Id = Field(alias="from", description="Zone the flow starts from.")
    to_zone: Id = Field(alias="to", description="Zone the flow reaches.")


class Override(StrictModel):
    """One change to the network for this scenario. Give exactly one of the keys below.

    - `{controls: {mfa_remote_access: false}}`
    - `{asset: vpn-portal, controls: {mfa: true}}`
    - `{asset: backup-tape, backup: {offline: false}}`   ("no offline backup")
    - `{asset: backup-tape, remove: true}`
    - `{it_staff: {weekend_night: 1}}`
    - `{add_flow: {from: guest, to: servers, protocols: [rdp]}}`
    - `{remove_flow: {from: clinical, to: servers}}`
    """

    controls: ControlsPatch | None = Field(default=None, description="Network-wide controls (with no `asset`) or asset controls (with `asset`).")
    asset: Id | None = Field(default=None, description="Asset changed by `controls`, `backup` or `remove`.")
    backup: BackupPatch | None = Field(default=None, description="Backup properties of `asset`.")
    remove: StrictBool = Field(default=False, description="Remove `asset` from the network (with its flows of dependencies).")
    it_staff: StaffPatch | None = Field(default=None, description="IT staffing changes.")
    add_flow: Flow | None = Field(default=None, description="A flow added to the segmentation.")
    remove_flow: FlowRef | None = Field(default=None, description="A flow removed from the segmentation (both directions).")
    note: LocalizedText | None = Field(default=None, description="Why this override (shown to the facilitator).")

    @model_validator(mode="after")
    def _coherent(self) -> "Override":
        asset_ops = [k for k in ("backup",) if getattr(self, k) is not None] + (["remove"] if self.remove else [])
        others = [k for k in ("it_staff", "add_flow", "remove_flow") if getattr(self, k) is not None]
        if self.asset is None and asset_ops:
            raise ValueError(f"'{asset_ops[0]}' needs 'asset'")
        if self.asset is not None and not (asset_ops or self.controls is not None):
            raise ValueError("an override on 'asset' needs 'controls', 'backup' or 'remove: true'")
        n = len(others) + (1 if (self.asset is not None or self.controls is not None) else 0)
        if n == 0:
            raise ValueError("an override needs one of: controls, asset, it_staff, add_flow, remove_flow")
        if n > 1:
            raise ValueError("give one change per override entry")
        if self.controls is not None:
            given = set(self.controls.model_dump(exclude_none=True))
            per_asset = {"edr", "mfa", "patched"}
            if self.asset is not None and given - per_asset:
                raise ValueError("asset controls take only edr, mfa, patched (use 'controls' without 'asset' for network-wide controls)")
            if self.asset is None and given & per_asset:
                raise ValueError("edr, mfa and patched are asset controls: add 'asset'")
        return self




# ---------------------------------------------------------------- people


class Role(StrictModel):
    """A seat in the crisis cell: direction, it, security, medical, communication, dpo, legal..."""

    id: Id = Field(description="Role id, referenced by injects and decisions (`to`).")
    name: LocalizedText | None = Field(default=None, description="Name shown in the room.")
    description: LocalizedText | None = Field(default=None, description="What this seat is responsible for.")


RoleEntry = Annotated[Role, BeforeValidator(_id_or_mapping, json_schema_input_type=Union[Id, Role])]


class Persona(StrictModel):
    """Someone outside the cell who sends injects (played by the animation cell)."""

    id: Id = Field(description="Persona id, referenced by injects (`from`).")
    name: LocalizedText = Field(description="Who they are.")
    role_hint: Id | None = Field(default=None, description="The role they usually talk to.")
    description: LocalizedText | None = Field(default=None, description="How to play them.")


# ---------------------------------------------------------------- threat


class Actor(StrictModel):
    name: str = Field(description="Attacker name as shown in the debrief (never to players during the run).")
    motivation: Literal["extortion", "espionage", "sabotage", "hacktivism"] = Field(default="extortion", description="What drives the attacker.")
    ransom: StrictInt | None = Field(default=None, ge=0, description="Ransom demanded, in the jurisdiction's currency (1200000).")
    ransom_eur: StrictInt | None = Field(default=None, ge=0, description="Ransom demanded in euros (the same as `ransom` where the currency is the euro).")

    @model_validator(mode="after")
    def _one_amount(self) -> "Actor":
        if self.ransom is not None and self.ransom_eur is not None:
            raise ValueError("give 'ransom' or 'ransom_eur', not both")
        return self

    @property
    def ransom_amount(self) -> int:
        return self.ransom if self.ransom is not None else (self.ransom_eur or 0)


class Detect(StrictModel):
    """Chance that a stage raises an alert: `base`, raised by each control present."""

    base: StrictFloat = Field(default=0.05, ge=0, le=1, description="Chance with no control (0..1).")
    with_: dict[Literal["edr", "siem", "mfa", "av"], StrictFloat] = Field(
        default_factory=dict,
        alias="with",
        description="Extra chance contributed by each control when present (0..1): edr, siem, mfa, av.",
    )

    @field_validator("with_")
    @classmethod
    def _probabilities(cls, value: dict) -> dict:
        for k, p in value.items():
            if not 0 <= p <= 1:
                raise ValueError(f"detection chance for '{k}' must be between 0 and 1")
        return value


class Selector(StrictModel):
    """Which assets a stage acts on, chosen on the hospital graph."""

    assets: list[Id] = Field(default_factory=list, description="Named assets.")
    kind: list[AssetKind] | AssetKind | None = Field(default=None, description="Asset kinds (server, domain-controller, backup...).")
    zones: list[Id] = Field(default_factory=list, description="Zones.")
    sites: list[Id] = Field(default_factory=list, description="Sites.")
    services: list[Id] = Field(default_factory=list, description="Assets that services run on.")
    domain_joined: StrictBool | None = Field(default=None, description="Only domain-joined (true) or non-joined (false) assets.")
    online: StrictBool | None = Field(default=None, description="For backups: only online (true) or offline (false) copies.")
    reachable_only: StrictBool = Field(default=True, description="Only assets the attacker can reach from its footholds now.")
    max: StrictInt | None = Field(default=None, ge=1, description="At most this many targets (picked at random).")


class After(StrictModel):
    stage: Id = Field(description="Stage this one follows ('initial_access' for the first).")
    delay: Delay = Field(default="0m", validate_default=True, description="Delay after that stage completes.")


Effect = Literal[
    "initial-access", "discovery", "credentials", "privilege", "persistence", "lateral", "evasion",
    "collection", "exfiltration", "encryption", "backup-destruction", "service-stop", "destruction",
    "defacement", "none",
]


class InitialAccess(StrictModel):
    technique: TechniqueId = Field(description="ATT&CK technique of the way in (T1133, T1566.001, T1190...).")
    target: Id = Field(description="Asset where the attacker lands (vpn-portal, a workstation group...).")
    at: Offset = Field(default=0, description="When (may be before T+0 to model dwell time: -5d).")
    detect: Detect | None = Field(default=None, description="Chance the way in raises an alert.")


class Stage(StrictModel):
    id: Id = Field(description="Stage id, referenced by `after` and conditions.")
    name: LocalizedText | None = Field(default=None, description="What the stage is, for the debrief.")
    technique: TechniqueId = Field(description="ATT&CK technique id; validated against the shipped table.")
    effect: Effect | None = Field(default=None, description="What the stage does in the simulation; default: from the technique.")
    after: After | None = Field(default=None, description="Follows this stage after a delay. Default: the previous stage, no delay.")
    at: Offset | None = Field(default=None, description="Not before this time (T+0 for a detonation opening the exercise).")
    targets: Selector | None = Field(default=None, description="Assets acted on (encryption, exfiltration, lateral...).")
    detect: Detect | None = Field(default=None, description="Chance the stage raises an alert; default from the engine table.")
    when: Condition | None = Field(default=None, description="Only runs if this condition holds when due (else waits for it).")
    also: dict[str, StrictBool] = Field(default_factory=dict, description="Side facts: print_ransom_note.")


class Threat(StrictModel):
    actor: Actor = Field(description="Who attacks.")
    initial_access: InitialAccess = Field(description="How and where the attacker gets in.")
    stages: list[Stage] = Field(default_factory=list, description="What the attacker does next, in order.")
    hurry_when_detected: StrictBool = Field(default=True, description="Remaining delays shrink once the attacker sees defenders react.")


# ---------------------------------------------------------------- injects and decisions


class OptionEffect(StrictModel):
    """What choosing an option (or an inject) does: a response action, a flag, a follow-up inject or a fact told (exactly one)."""

    action: Id | None = Field(default=None, description="Response action taken (isolate, notify, cut-internet...).")
    target: str | None = Field(default=None, description="Target of the action as in commands (zone:dmz, cert-sante).")
    count: StrictInt | None = Field(default=None, ge=1, description="Count for actions that take one (transfer).")
    flag: Id | None = Field(default=None, description="Scenario flag set.")
    value: StrictBool = Field(default=True, description="Value given to `flag`.")
    inject: Id | None = Field(default=None, description="Inject fired now.")
    fact: Literal["awareness", "personal-data-breach"] | None = Field(
        default=None,
        description="What the hospital now knows (starts the regulatory clocks that fact starts): awareness (an attack is under way) or personal-data-breach (implies awareness). For exercises whose incident is told, not simulated.",
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> "OptionEffect":
        n = sum(x is not None for x in (self.action, self.flag, self.inject, self.fact))
        if n != 1:
            raise ValueError("an effect has exactly one of 'action', 'flag', 'inject' or 'fact'")
        if self.action is None and (self.target is not None or self.count is not None):
            raise ValueError("'target' and 'count' go with 'action'")
        return self


class Answer(StrictModel):
    """An action or a decision that answers an inject: the report's response time stops at the first one after it."""

    action: Id | None = Field(default=None, description="Response action that answers the inject (notify, degraded-mode...).")
    target: str | None = Field(default=None, description="Its target as in commands (ars, emergency, zone:servers); any when absent.")
    decision: Id | None = Field(default=None, description="Decision whose settling by the cell answers the inject.")

    @model_validator(mode="after")
    def _one_kind(self) -> "Answer":
        if (self.action is None) == (self.decision is None):
            raise ValueError("an answer names exactly one of 'action' or 'decision'")
        if self.target is not None and self.action is None:
            raise ValueError("'target' goes with 'action'")
        return self


class InjectAfter(StrictModel):
    """Relative timing: fire a delay after another inject fired (whenever that was)."""

    inject: Id = Field(description="The inject this one follows.")
    delay: Duration = Field(default=0, description="Time after that inject fired (20m).")


class Attachment(StrictModel):
    """A file handed out with an inject: an image (PNG, JPEG, GIF), a PDF or a UTF-8 text file next to the scenario."""

    file: str = Field(min_length=1, max_length=300, description="Path relative to the scenario file, inside its folder tree (cards/ransom-note.png).")
    title: LocalizedText | None = Field(default=None, description="What it is, as the kit lists it.")


class Inject(StrictModel):
    """A message that reaches the cell (MSEL line)."""

    id: Id = Field(description="Inject id.")
    at: Offset | None = Field(default=None, description="Fires at this time (in a module: counted from the module's start).")
    when: Condition | None = Field(default=None, description="Fires the first time this condition holds.")
    after: InjectAfter | None = Field(default=None, description="Fires a delay after another inject fired: {inject: ID, delay: 20m}.")
    from_: Id | None = Field(default=None, alias="from", description="Persona sending it.")
    to: list[Id] = Field(default_factory=list, description="Roles receiving it (all when empty).")
    channel: Channel = Field(description="How it arrives.")
    title: LocalizedText | None = Field(default=None, description="Short subject line.")
    text: LocalizedText = Field(description="What the recipients read or hear.")
    expected: list[LocalizedText] = Field(default_factory=list, description="Actions the cell is expected to take.")
    answered_by: list[Answer] = Field(
        default_factory=list,
        description="The actions or decisions that answer it, for response times (default: derived from its decisions, contingency trigger and objectives).",
    )
    objectives: list[Id] = Field(default_factory=list, description="Objectives this inject serves.")
    contingency: StrictBool = Field(default=False, description="Played only if needed (a nudge); its trigger usually tests what the cell did not do.")
    noise: StrictBool = Field(default=False, description="A distractor: not related to the attack.")
    effects: list[OptionEffect] = Field(default_factory=list, description="Flags set or injects chained when it fires.")
    facilitator_note: LocalizedText | None = Field(default=None, description="For the animation cell only.")
    questions: list[LocalizedText] = Field(default_factory=list, description="Discussion questions the facilitator asks once it is delivered.")
    card: StrictBool = Field(default=False, description="Also printed as a card in the player kit of each cell it is addressed to (all cells when `to` is empty), to be opened at its time.")
    attachments: list[Attachment] = Field(default_factory=list, description="Files handed out with it (images, PDF, text), shown to the cells it is addressed to and copied into their kits.")
    states: list[Condition] = Field(
        default_factory=list,
        description="Facts its text asserts about the hospital when it fires ({service: remote-access, state: up}, {action: notify, target: cert-sante, done: true}): `lint` checks them on seeded runs.",
    )

    @model_validator(mode="after")
    def _one_trigger(self) -> "Inject":
        given = [k for k in ("at", "when", "after") if getattr(self, k) is not None]
        if len(given) > 1:
            raise ValueError(f"give one of 'at', 'when' or 'after', not {' and '.join(repr(k) for k in given)} (use {{all: [{{time: ...}}, ...]}} to combine a time and a condition)")
        return self


class Option(StrictModel):
    id: Id = Field(description="Option id.")
    label: LocalizedText | None = Field(default=None, description="Text of the option.")
    effects: list[OptionEffect] = Field(default_factory=list, description="What choosing it does.")
    recommended: StrictBool = Field(
        default=False,
        description="Good practice (ANSSI, CERT Santé, French public policy: e.g. never pay the ransom); the textbook policy picks it.",
    )


class Decision(StrictModel):
    """A decision point put to the cell, with a deadline and a default."""

    id: Id = Field(description="Decision id.")
    at: Offset | None = Field(default=None, description="Put to the cell at this time.")
    when: Condition | None = Field(default=None, description="Put to the cell the first time this condition holds.")
    to: list[Id] = Field(default_factory=list, description="Roles deciding.")
    prompt: LocalizedText = Field(description="The question.")
    options: list[Option] = Field(min_length=2, description="Choices.")
    deadline: Duration = Field(description="Time the cell has to decide.")
    default: Id = Field(description="Option applied when the deadline passes.")
    pause_clock: StrictBool = Field(default=False, description="The facilitator's clock stops while the decision is pending (interactive play).")
    objectives: list[Id] = Field(default_factory=list, description="Objectives this decision serves.")

    @model_validator(mode="after")
    def _one_trigger(self) -> "Decision":
        if self.at is not None and self.when is not None:
            raise ValueError("give 'at' or 'when', not both")
        if self.at is None and self.when is None:
            raise ValueError("a decision needs 'at' or 'when'")
        recommended = [o.id for o in self.options if o.recommended]
        if len(recommended) > 1:
            raise ValueError(f"at most one recommended option per decision (here: {', '.join(recommended)})")
        return self

    @property
    def recommended(self) -> str | None:
        """The option marked `recommended: true`, if any."""
        return next((o.id for o in self.options if o.recommended), None)


# ---------------------------------------------------------------- objectives and end


class Improvement(StrictModel):
    """What the improvement plan proposes when a critical task is missed, late or rated S, M or U."""

    action: LocalizedText = Field(description="The corrective action (HSEEP improvement plan, ANSSI plan d'action).")
    owner: Id | None = Field(default=None, description="Role (seat) that owns it; default: the seat whose job the task is.")
    element: CapabilityElement | None = Field(
        default=None, description="Capability element it acts on: planning, organisation, equipment, training, exercise."
    )
    care_axis: CareAxis | None = Field(
        default=None, description="ANS CaRE axis: governance, resources, awareness, operational-security; default: from the capability."
    )


class CriticalTask(StrictModel):
    id: Id = Field(description="Task id.")
    text: LocalizedText | None = Field(default=None, description="What is expected.")
    check: Condition | None = Field(default=None, description="Checked automatically at the end: true -> P, false -> U.")
    rate: Literal["evaluator"] | None = Field(default=None, description="'evaluator': rated P/S/M/U by an evaluator.")
    improvement: Improvement | None = Field(default=None, description="The corrective action the improvement plan proposes when the task falls short.")

    @model_validator(mode="after")
    def _one_way(self) -> "CriticalTask":
        if (self.check is None) == (self.rate is None):
            raise ValueError("a critical task needs exactly one of 'check' or 'rate: evaluator'")
        return self


class Objective(StrictModel):
    id: Id = Field(description="Objective id.")
    text: LocalizedText = Field(description="The objective (HSEEP: specific, measurable).")
    capability: Capability | None = Field(default=None, description="HSEEP core capability it tests; default: from its tasks' actions.")
    critical_tasks: list[CriticalTask] = Field(min_length=1, description="Tasks that show the objective was met.")


class EndSpec(StrictModel):
    when: Condition | None = Field(default=None, description="Ends the exercise early when this holds.")
    recovery_services: list[Id] = Field(
        default_factory=list,
        description="Services that must be up for `run --until recovery` to stop. Default: services with restore_priority <= the engine's recovery_priority_max.",
    )


class IncidentSource(StrictModel):
    """A documented incident the scenario draws on, with its public source (exercises should be plausible)."""

    title: LocalizedText = Field(description="The incident, named: 'CH Sud Francilien, Corbeil-Essonnes — LockBit 3.0'.")
    url: str = Field(pattern=r"^https?://[^\s]+$", max_length=500, description="Public source (press article, official report).")
    date: dt.date | None = Field(default=None, description="When the incident happened (2022-08-21).")


class Facilitator(StrictModel):
    notes: LocalizedText | None = Field(default=None, description="Notes for the animation cell.")
    debrief_questions: list[LocalizedText] = Field(default_factory=list, description="Questions for the hot debrief (RETEX).")


# ---------------------------------------------------------------- top level


class Module(StrictModel):
    """A phase of the exercise (CISA's modules, rounds): its own stimuli and questions, after an optional time jump.

    The facilitator moves to the next module (`module next`); headless runs move on when
    its `duration` has passed. A `jump` makes the engine simulate the gap at once: the
    room then reads "six hours later". Inside a module, `at` counts from its start."""

    id: Id = Field(description="Module id.")
    title: LocalizedText = Field(description="Title (Module 2 — Six hours later).")
    jump: Duration | None = Field(default=None, description="Time skipped when the module opens (6h): the engine simulates it at once. Not on the first module.")
    narrative: LocalizedText | None = Field(default=None, description="The situation update read to the room when the module opens.")
    duration: Duration | None = Field(default=None, description="Planned length: headless runs move on after it; required on every module but the last.")
    injects: list[Inject] = Field(default_factory=list, description="The module's injects (`at` counted from the module's start).")
    decisions: list[Decision] = Field(default_factory=list, description="The module's decisions (`at` counted from the module's start).")
    questions: list[LocalizedText] = Field(default_factory=list, description="Discussion questions for the module.")
    expected: list[LocalizedText] = Field(default_factory=list, description="Expected outcomes of the module's discussion.")

    @field_validator("duration")
    @classmethod
    def _positive(cls, v: int | None) -> int | None:
        if v is not None and v <= 0:
            raise ValueError("a module's duration must be longer than 0m")
        return v


class ScenarioBody(StrictModel):
    id: Id = Field(description="Scenario id.")
    title: LocalizedText = Field(description="Title.")
    summary: LocalizedText = Field(description="A few lines for the facilitator's menu.")
    level: Level = Field(description="ANS kit level: beginner, intermediate or confirmed.")
    sources: list[IncidentSource] = Field(default_factory=list, description="Documented incidents the scenario draws on, with their public sources.")
    languages: list[Literal["fr", "en"]] = Field(default_factory=lambda: ["fr", "en"], min_length=1, description="Languages the texts are written in.")
    start: dt.datetime = Field(description="Wall-clock date and time of T+0 (weekday and hour set staffing and patient arrivals): 2026-03-14T01:00. Years 1970 to 2199.")
    duration: Duration = Field(description="Exercise window (72h); `run --until recovery` goes beyond.")
    network: str = Field(description="Network file, relative to this file.")
    jurisdiction: JurisdictionEntry | None = Field(
        default=None,
        description="Where the hospital is: a shipped pack (fr, the default; eu; us; uk) or {pack: ID, authorities, support, clocks, without_clocks, currency} extending it. Sets the authorities, regulatory clocks and currency.",
    )
    overrides: list[Override] = Field(default_factory=list, description="Changes to the network for this scenario.")
    roles: list[RoleEntry] = Field(default_factory=list, description="Seats of the crisis cell.")
    personas: list[Persona] = Field(default_factory=list, description="People who send injects.")
    threat: Threat | None = Field(default=None, description="The attack. Omit it for a discussion-only exercise: the hospital, injects, decisions, clocks and objectives still run.")
    injects: list[Inject] = Field(default_factory=list, description="The MSEL.")
    decisions: list[Decision] = Field(default_factory=list, description="Decision points.")
    modules: list[Module] = Field(default_factory=list, description="Phases of the exercise, each with its own injects, decisions and discussion questions, moved through by the facilitator.")
    objectives: list[Objective] = Field(default_factory=list, description="Exercise objectives.")
    end: EndSpec = Field(default_factory=EndSpec, description="End and recovery conditions.")
    actions: dict[Id, ActionOverride] = Field(default_factory=dict, description="Changes to the response-action catalogue (staff, duration, params).")
    engine: dict[str, StrictFloat] = Field(default_factory=dict, description="Changes to engine calibration numbers (see simulator/data/actions.yaml).")
    facilitator: Facilitator = Field(default_factory=Facilitator, description="Material for the animation cell.")


    # ---------------------------------------------------------------- every stimulus, modules included

    @cached_property
    def module_starts(self) -> dict[str, int]:
        """Each module's planned start (minutes from T+0): previous durations and jumps, in order."""
        out: dict[str, int] = {}
        t = 0
        for i, m in enumerate(self.modules):
            if i:
                t += m.jump or 0
            out.setdefault(m.id, t)
            t += m.duration or 0
        return out

    @cached_property
    def module_of(self) -> dict[str, str]:
        """Module id of each module inject and decision (by stimulus id)."""
        return {x.id: m.id for m in self.modules for x in (*m.injects, *m.decisions)}

    @cached_property
    def inject_entries(self) -> tuple[tuple[tuple, "Inject"], ...]:
        """(YAML path under `scenario:`, inject) for every inject, top level first, then each module's."""
        out = [(("injects", i), inj) for i, inj in enumerate(self.injects)]
        out += [(("modules", k, "injects", j), inj) for k, m in enumerate(self.modules) for j, inj in enumerate(m.injects)]
        return tuple(out)

    @cached_property
    def decision_entries(self) -> tuple[tuple[tuple, "Decision"], ...]:
        out = [(("decisions", i), d) for i, d in enumerate(self.decisions)]
        out += [(("modules", k, "decisions", j), d) for k, m in enumerate(self.modules) for j, d in enumerate(m.decisions)]
        return tuple(out)

    @cached_property
    def all_injects(self) -> tuple["Inject", ...]:
        """Every inject; a module's with `at` made absolute on the planned schedule (module start + at)."""
        starts = self.module_starts
        out = list(self.injects)
        for m in self.modules:
            out += [i.model_copy(update={"at": starts[m.id] + i.at}) if i.at is not None else i for i in m.injects]
        return tuple(out)

    @cached_property
    def all_decisions(self) -> tuple["Decision", ...]:
        starts = self.module_starts
        out = list(self.decisions)
        for m in self.modules:
            out += [d.model_copy(update={"at": starts[m.id] + d.at}) if d.at is not None else d for d in m.decisions]
        return tuple(out)

    def planned_time(self, inject_id: str) -> int | None:
        """When an inject fires on the planned schedule: its `at`, or the planned time of the inject
        it follows plus the delay (None for conditional, chained and facilitator-fired ones)."""
        by_id = {i.id: i for i in self.all_injects}
        seen: set[str] = set()
        total = 0
        inj = by_id.get(inject_id)
        while inj is not None and inj.id not in seen:
            seen.add(inj.id)
            if inj.at is not None:
                return inj.at + total
            if inj.after is None:
                return None
            total += inj.after.delay
            inj = by_id.get(inj.after.inject)
        return None

    @field_validator("duration")
    @classmethod
    def _some_duration(cls, v: int) -> int:
        if v <= 0:
            raise ValueError("the exercise window must be longer than 0m (e.g. 4h or 72h)")
        return v

    @field_validator("start")
    @classmethod
    def _start_in_range(cls, v: dt.datetime) -> dt.datetime:
        # the calendar, kits and reports add offsets of up to years to it: keep far from datetime's limits
        if not 1970 <= v.year <= 2199:
            raise ValueError(f"start {v.isoformat(timespec='minutes')} is out of range: give a date between 1970 and 2199")
        return v
    @field_validator("start")
    @classmethod
    def _naive_local(cls, value: dt.datetime) -> dt.datetime:
        if value.tzinfo is not None:
            raise ValueError("give the start as local hospital time without a time zone (2026-03-14T01:00)")
        return value


class ScenarioFile(StrictModel, TagStrippingModel):
    """Top level of a scenario file."""

    scenario: ScenarioBody = Field(description="The exercise.")
