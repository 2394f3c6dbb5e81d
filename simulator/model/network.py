"""The network file: a hospital information system (SIH) as zones, flows, assets, services and care.

One file describes one establishment (or a GHT of several sites). Scenarios
reference it and may override parts of it (controls, backups) without copying it.
"""

from __future__ import annotations

from enum import Enum
from typing import Literal

from pydantic import Field, StrictBool, StrictFloat, StrictInt, model_validator

from simulator.model.base import Duration, Id, LocalizedText, StrictModel


class ZoneKind(str, Enum):
    core = "core"
    datacenter = "datacenter"
    dmz = "dmz"
    admin = "admin"
    clinical = "clinical"
    medical_devices = "medical-devices"
    imaging = "imaging"
    laboratory = "laboratory"
    management = "management"
    backup = "backup"
    telephony = "telephony"
    building = "building"
    guest = "guest"
    external = "external"


class AssetKind(str, Enum):
    domain_controller = "domain-controller"
    server = "server"
    database = "database"
    hypervisor = "hypervisor"
    storage = "storage"
    backup = "backup"
    workstations = "workstations"
    medical_device = "medical-device"
    network_device = "network-device"
    firewall = "firewall"
    remote_access = "remote-access"
    printers = "printers"
    phones = "phones"
    appliance = "appliance"
    iot = "iot"
    third_party_link = "third-party-link"


class Strength(str, Enum):
    hard = "hard"
    soft = "soft"


class Site(StrictModel):
    id: Id = Field(description="Site identifier, referenced by zones, assets and clinical functions.")
    name: LocalizedText = Field(description="Site name as staff say it.")
    beds: StrictInt = Field(ge=0, description="Beds on this site (count).")
    role: Literal["support", "member"] = Field(
        default="member",
        description="'support' for the GHT support establishment (établissement support), else 'member'.",
    )


class Zone(StrictModel):
    id: Id = Field(description="Zone identifier (a network segment / VLAN family).")
    name: LocalizedText = Field(description="Zone name.")
    kind: ZoneKind = Field(description="What the zone is for; guides default target selectors and display.")
    site: Id | None = Field(default=None, description="Site the zone belongs to (multi-site networks); none means shared.")
    internet_exposed: StrictBool = Field(
        default=False, description="Reachable from the internet (DMZ, remote-access portals)."
    )
    description: LocalizedText | None = Field(default=None, description="Free text for the facilitator.")


class Flow(StrictModel):
    """A network flow the segmentation allows: lateral movement can follow it."""

    from_zone: Id = Field(alias="from", description="Zone the connection starts from.")
    to_zone: Id = Field(alias="to", description="Zone the connection reaches.")
    protocols: list[str] = Field(
        min_length=1,
        description="Protocols allowed (rdp, smb, https, ldap, kerberos, hl7, dicom, sql, ssh, sip...). Informational, shown in exports.",
    )
    bidirectional: StrictBool = Field(default=False, description="Also allow the reverse direction.")
    description: LocalizedText | None = Field(default=None, description="Why this flow exists.")


class AssetControls(StrictModel):
    """Security controls on one asset; unset values take the network-wide default."""

    edr: StrictBool | None = Field(default=None, description="An EDR agent runs here. Default: network controls.edr_coverage decides.")
    mfa: StrictBool | None = Field(default=None, description="Logins here require multi-factor authentication (remote access portals, admin consoles).")
    patched: StrictBool | None = Field(default=None, description="Known exploitable vulnerabilities are patched. Default: true.")


class BackupSpec(StrictModel):
    """What a backup asset protects and how it resists an attacker."""

    offline: StrictBool = Field(description="Offline or immutable copy (tape, air-gapped, WORM): an attacker with domain rights cannot destroy it.")
    protects: list[Id] = Field(
        default_factory=list,
        description="Assets whose data this backup can restore. Empty means every server, database and storage asset.",
    )
    restore_hours_per_asset: StrictFloat = Field(
        default=6.0,
        gt=0,
        description="Hours of technician work to restore one asset from this backup (hours). Default 6 h.",
    )
    age_hours: StrictFloat = Field(
        default=24.0, ge=0, description="Age of the newest copy at T+0 (hours): data entered since is lost on restore."
    )
    parallel_restores: StrictInt = Field(
        default=4,
        ge=1,
        le=1000,
        description="Restores this backup can feed at once (tape drives, network and disk throughput): the pace of a recovery from it. Default 4.",
    )


class Asset(StrictModel):
    id: Id = Field(description="Asset identifier, unique in the network.")
    name: LocalizedText = Field(description="Name staff use for it.")
    kind: AssetKind = Field(description="What the asset is; attack stages select targets by kind.")
    zone: Id = Field(description="Zone the asset sits in.")
    count: StrictInt = Field(
        default=1,
        ge=1,
        description="Number of identical machines this node stands for (a group such as 1,500 workstations). Default 1.",
    )
    os: str | None = Field(default=None, description="Operating system family (windows-server-2019, windows-10, linux, embedded...).")
    domain_joined: StrictBool = Field(default=False, description="Joined to the Active Directory domain: falls with domain admin rights.")
    internet_facing: StrictBool = Field(default=False, description="Exposed to the internet: an initial access point.")
    tier: Literal[0, 1, 2] = Field(
        default=2,
        description="Administration tier (ANSSI AD tiering): 0 identity/infrastructure, 1 servers/applications, 2 workstations/devices.",
    )
    runs_on: list[Id] = Field(
        default_factory=list,
        description="Assets this one cannot run without (a VM on its hypervisor cluster and SAN). Hard dependencies.",
    )
    controls: AssetControls = Field(default_factory=AssetControls, description="Security controls on this asset.")
    backup: BackupSpec | None = Field(default=None, description="For kind 'backup' only: what it protects and how.")
    records: StrictInt = Field(
        default=0, ge=0, description="Patient or staff records held here (count); drives exfiltration and GDPR impact."
    )
    site: Id | None = Field(default=None, description="Site (multi-site networks); default: the zone's site.")
    description: LocalizedText | None = Field(default=None, description="Free text for the facilitator.")

    @model_validator(mode="after")
    def _backup_only_on_backup(self) -> "Asset":
        if self.backup is not None and self.kind != AssetKind.backup:
            raise ValueError("'backup' is only allowed on assets of kind 'backup'")
        if self.kind == AssetKind.backup and self.backup is None:
            raise ValueError("an asset of kind 'backup' needs a 'backup' section (offline, protects)")
        return self


class Need(StrictModel):
    """One dependency: exactly one of `asset` or `service`."""

    asset: Id | None = Field(default=None, description="Asset needed.")
    service: Id | None = Field(default=None, description="Service needed.")
    strength: Strength = Field(
        default=Strength.hard,
        description="'hard': down when the dependency is down; 'soft': degraded when it is down.",
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> "Need":
        if (self.asset is None) == (self.service is None):
            raise ValueError("give exactly one of 'asset' or 'service'")
        return self

    @property
    def target(self) -> str:
        return self.asset or self.service or ""


class ServiceCategory(str, Enum):
    infrastructure = "infrastructure"
    clinical = "clinical"
    administrative = "administrative"
    communication = "communication"
    external = "external"


class Service(StrictModel):
    id: Id = Field(description="Service identifier (ehr, lis, pacs...).")
    name: LocalizedText = Field(description="Name of the application or service.")
    category: ServiceCategory = Field(description="Family of the service, used for boards and reports.")
    needs: list[Need] = Field(min_length=1, description="Assets and services it needs, hard or soft.")
    restore_priority: StrictInt = Field(
        default=5,
        ge=1,
        le=9,
        description="Order in the recovery plan (PCRI): 1 first. Grounded in real restore orders (ICU, ED, biology, imaging first).",
    )
    rebuild_hours: StrictFloat = Field(
        default=16.0,
        gt=0,
        description="Technician hours to rebuild the service from scratch when no backup can be used (hours).",
    )
    site: Id | None = Field(default=None, description="Site (multi-site networks); none means shared.")
    description: LocalizedText | None = Field(default=None, description="Free text for the facilitator.")


class ServiceNeed(StrictModel):
    service: Id = Field(description="Service the clinical function relies on.")
    strength: Strength = Field(
        default=Strength.hard,
        description="'hard': the function stops without it (until degraded mode is active); 'soft': it slows down.",
    )


class DegradedMode(StrictModel):
    """Paper procedures (mode dégradé): part of the capacity comes back after an activation delay."""

    capacity_factor: StrictFloat = Field(
        ge=0, le=1, description="Share of normal capacity kept on paper procedures (0..1)."
    )
    activation_delay: Duration = Field(description="Time from the decision to activate until paper procedures run.")
    turnaround_factor: StrictFloat = Field(
        default=1.0,
        ge=1.0,
        description="Multiplier on turnaround time in degraded mode (1.62 = +62 %, the lab figure from US downtime studies).",
    )
    start_efficiency: StrictFloat | None = Field(
        default=None,
        ge=0.05,
        le=1,
        description="Share of the paper capacity reached on the first hour of paper procedures; practice brings the rest (0..1). Default: the engine's paper_start_efficiency.",
    )
    learning: Duration | None = Field(
        default=None,
        description="Time constant of the practice curve: about two thirds of the gap to full paper capacity is closed after this long. Default: the engine's paper_learning_hours.",
    )
    reentry_factor: StrictFloat | None = Field(
        default=None,
        ge=0,
        le=2,
        description="Work to re-enter one unit handled on paper once the IT is back (records typed in, results reconciled), as a share of the work of handling it. Default: the engine's reentry_factor.",
    )


class WaitsOn(StrictModel):
    """Patients of a function who wait on another function's result before they can move on."""

    function: Id = Field(description="Clinical function waited on (laboratory, imaging, pharmacy, transfusion...).")
    share: StrictFloat = Field(ge=0, le=1, description="Share of this function's patients who need it (0..1).")
    max_wait: Duration = Field(
        default=360,
        description="Longest the care team waits before going on without it (clinical judgement, O-negative blood): caps the slowdown it causes. Default 6h.",
    )


class MutualAid(StrictModel):
    """Capacity lent by other establishments (samples sent to another laboratory, patients to another scanner...)."""

    share: StrictFloat = Field(gt=0, le=1, description="Capacity lent at full ramp, as a share of this function's normal capacity (0..1).")
    delay: Duration = Field(default=1440, description="From the request until the first help arrives. Default 1d.")
    ramp: Duration = Field(default=10080, description="From the first help to the full share (transport, accounts, agreements). Default 7d.")


class ArrivalPattern(str, Enum):
    emergency = "emergency"
    business_hours = "business-hours"
    flat = "flat"


class ClinicalFunction(StrictModel):
    id: Id = Field(description="Clinical function identifier (emergency, surgery, icu...).")
    name: LocalizedText = Field(description="Name of the clinical function.")
    unit: Literal["patients", "procedures", "tests", "exams", "doses", "sessions", "births", "sets"] = Field(
        default="patients", description="What is counted in arrivals and capacity."
    )
    arrivals_per_day: StrictFloat = Field(ge=0, description="Mean demand per day (count of units) in normal weeks.")
    pattern: ArrivalPattern = Field(
        default=ArrivalPattern.flat,
        description="Shape of arrivals over the day and week: 'emergency' (evening peak, every day), 'business-hours' (weekdays 8-18 h), 'flat'.",
    )
    capacity_per_hour: StrictFloat = Field(gt=0, description="Units treated per hour with all IT available.")
    elective: StrictBool = Field(
        default=False, description="Scheduled activity that the cell can cancel (deprogrammation)."
    )
    diversion_possible: StrictBool = Field(
        default=False, description="Arrivals can be diverted by SAMU-Centre 15 to neighbouring hospitals."
    )
    needs: list[ServiceNeed] = Field(default_factory=list, description="IT services the function relies on.")
    soft_loss_factor: StrictFloat = Field(
        default=0.8, ge=0, le=1, description="Capacity factor while a soft dependency is down (0..1)."
    )
    degraded_mode: DegradedMode = Field(description="Paper procedures available for this function.")
    turnaround_minutes: StrictFloat = Field(
        default=60, gt=0, description="Normal turnaround from arrival to result or discharge (minutes); drives lab turnaround KPI."
    )
    waits_on: list[WaitsOn] = Field(
        default_factory=list,
        description="Other functions whose results this one's patients wait on: a slow laboratory or imaging lengthens its stays and lowers its throughput.",
    )
    routine_share: StrictFloat = Field(
        default=0.0,
        ge=0,
        le=1,
        description="For a function that is not elective: share of its demand that is postponed (rationed) once it falls behind (routine tests from GPs and outpatients...). 0..1.",
    )
    on_call_capacity: StrictFloat | None = Field(
        default=None,
        ge=0,
        le=1,
        description="Share of the capacity outside staffed hours for 'business-hours' functions (on-call teams). Default: the engine's on_call_capacity_factor; functions open all day ignore it.",
    )
    mutual_aid: MutualAid | None = Field(
        default=None,
        description="Capacity other establishments can lend once the cell asks (or the region steps in): outsourcing ramps up over days.",
    )
    site: Id | None = Field(default=None, description="Site (multi-site networks).")


MAX_TECHNICIANS = 2000  # a GHT of 60,000 beds has a few hundred; the engine holds one SimPy unit per technician


class ItStaff(StrictModel):
    """IT technicians available to the cell by shift (the on-call reality of a night or a weekend)."""

    weekday_day: StrictInt = Field(ge=0, le=MAX_TECHNICIANS, description="Technicians on weekdays during the day shift (count).")
    weekday_night: StrictInt = Field(ge=0, le=MAX_TECHNICIANS, description="Technicians on call on weekday nights (count).")
    weekend_day: StrictInt = Field(ge=0, le=MAX_TECHNICIANS, description="Technicians on weekend days (count).")
    weekend_night: StrictInt = Field(ge=0, le=MAX_TECHNICIANS, description="Technicians on call on weekend nights (count).")
    day_start_hour: StrictInt = Field(default=8, ge=0, le=23, description="Hour the day shift starts (0-23).")
    day_end_hour: StrictInt = Field(default=18, ge=1, le=24, description="Hour the day shift ends (1-24).")
    recall_delay: Duration = Field(
        default=120,
        description="Time to recall off-duty technicians once the crisis is declared.",
    )
    recall_total: StrictInt = Field(
        default=0, ge=0, le=MAX_TECHNICIANS, description="Technicians available once everyone is recalled (count); 0 means weekday_day."
    )


class SiemHours(str, Enum):
    none = "none"
    business_hours = "business-hours"
    extended = "extended"
    always = "24x7"


class Controls(StrictModel):
    """Network-wide security controls: what detection and attacker progress depend on."""

    edr_coverage: StrictFloat = Field(
        default=0.0, ge=0, le=1, description="Share of servers and workstations with an EDR agent (0..1)."
    )
    av_blocking: StrictBool = Field(
        default=True,
        description="Antivirus blocks what it detects; false models 'monitor mode' (HSE Ireland 2021: detections without blocking).",
    )
    mfa_remote_access: StrictBool = Field(default=False, description="MFA on VPN and remote access portals.")
    mfa_privileged: StrictBool = Field(default=False, description="MFA for privileged (admin) accounts.")
    siem_hours: SiemHours = Field(
        default=SiemHours.business_hours, description="When someone watches security alerts."
    )
    tiered_admin: StrictBool = Field(
        default=False, description="AD tiering enforced: tier-0 credentials never touch lower tiers."
    )
    email_filtering: StrictBool = Field(default=True, description="Attachment sandboxing and link rewriting on email.")


Pathway = Literal["stroke", "stemi", "trauma"]


class TimeCritical(StrictModel):
    """A time-critical pathway of the hospital's catchment: its patients, and what treating them here needs."""

    pathway: Pathway = Field(description="stroke (thrombolysis, thrombectomy), stemi (coronary angioplasty) or trauma (major trauma).")
    per_day: StrictFloat = Field(ge=0, description="Patients a day in the hospital's catchment (mean; Poisson arrivals).")
    local: StrictBool = Field(default=True, description="Normally treated here; false: taken to a neighbour anyway (no cath lab here...).")
    needs: list[Id] = Field(
        default_factory=list,
        description="Clinical functions that must run (at least at half capacity, not diverting) to treat it here: the door, imaging for a stroke CT, theatres for trauma.",
    )
    delay_threshold: Duration = Field(
        default=30,
        description="Extra time to treatment beyond which a patient counts as delayed (minutes). Default 30m.",
    )


class Neighbour(StrictModel):
    """A hospital around this one: where SAMU diverts and where patients go by themselves."""

    id: Id = Field(description="Identifier of the neighbouring establishment.")
    name: LocalizedText = Field(description="Its name.")
    travel: Duration = Field(description="Ambulance travel time from this hospital's catchment to it.")
    ed_capacity_per_hour: StrictFloat = Field(gt=0, description="Emergency patients it can see per hour.")
    ed_arrivals_per_day: StrictFloat = Field(ge=0, description="Its own emergency demand on a normal day (same daily shape as this hospital's).")
    surge: StrictFloat = Field(
        default=0.15, ge=0, le=2, description="Extra capacity it opens once the ARS organises regional support (plan blanc), as a share. Default 0.15."
    )
    refuse_after: Duration = Field(
        default=120,
        description="It refuses diverted ambulances while its waiting room holds more than this much of its own capacity (saturation). Default 2h.",
    )
    pathways: list[Pathway] = Field(default_factory=list, description="Time-critical pathways it takes (stroke unit, cath lab, trauma centre).")


class Region(StrictModel):
    """The hospitals around and the time-critical patients of the catchment (engine/region.py)."""

    neighbours: list[Neighbour] = Field(default_factory=list, description="Neighbouring establishments, any order.")
    time_critical: list[TimeCritical] = Field(default_factory=list, description="Time-critical pathways of the catchment.")


class NetworkBody(StrictModel):
    id: Id = Field(description="Network identifier.")
    name: LocalizedText = Field(description="Establishment or GHT name.")
    description: LocalizedText | None = Field(default=None, description="What this network models.")
    beds: StrictInt = Field(ge=0, description="Total beds (count).")
    sites: list[Site] = Field(default_factory=list, description="Sites of a multi-site establishment or GHT. Empty for a single site.")
    include: list[str] = Field(
        default_factory=list,
        description="Relative paths of fragment files (top-level 'network:' with lists only) merged into this one. Paths must stay inside this file's folder tree.",
    )
    zones: list[Zone] = Field(default_factory=list, description="Network segments.")
    flows: list[Flow] = Field(default_factory=list, description="Allowed flows between zones. Within a zone, every asset reaches every other.")
    assets: list[Asset] = Field(default_factory=list, description="Machines and groups of machines.")
    services: list[Service] = Field(default_factory=list, description="IT services (applications, infrastructure).")
    clinical_functions: list[ClinicalFunction] = Field(default_factory=list, description="Care activities and their IT dependencies.")
    it_staff: ItStaff | None = Field(default=None, description="IT technicians by shift.")
    controls: Controls = Field(default_factory=Controls, description="Network-wide security controls.")
    region: Region | None = Field(
        default=None,
        description="Neighbouring hospitals and time-critical pathways. Default: a ring scaled on this hospital's emergency department (simulator/data/region.yaml).",
    )


class NetworkFragment(StrictModel):
    """An included file: lists to merge into the including network."""

    zones: list[Zone] = Field(default_factory=list, description="Network segments.")
    flows: list[Flow] = Field(default_factory=list, description="Allowed flows between zones.")
    assets: list[Asset] = Field(default_factory=list, description="Machines and groups of machines.")
    services: list[Service] = Field(default_factory=list, description="IT services.")
    clinical_functions: list[ClinicalFunction] = Field(default_factory=list, description="Care activities.")
    include: list[str] = Field(default_factory=list, description="Further fragments, relative to this file.")


class NetworkFile(StrictModel):
    """Top level of a network file."""

    network: NetworkBody = Field(description="The hospital information system.")


class NetworkFragmentFile(StrictModel):
    """Top level of a fragment file included by a network."""

    network_fragment: NetworkFragment = Field(description="Lists merged into the including network.")
