"""The shipped reference hospital: the network every default scenario plays on.

These tests pin what the scenarios and the engine rely on: the ids they name,
the two kinds of backup, the weak points the attack chains use, and care that
copes in normal times.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from simulator.model.documents import load_document
from simulator.model.network import ArrivalPattern, AssetKind, Strength

REFERENCE_NETWORK = Path(__file__).resolve().parent.parent / "scenarios" / "networks" / "ch-reference.yaml"

REQUIRED_SERVICES = {
    "ad", "virtualization", "storage", "backup", "network-core", "internet", "ehr", "adt", "eai",
    "lis", "ris", "pacs", "chemo", "blood-bank", "icu-monitoring", "infusion", "telephony",
    "email", "remote-access", "mssante", "dmp-insi", "pro-sante-connect", "ght-link",
    "external-lab", "biomed-maintenance", "ncpeh", "eds", "printing", "bms", "guest-wifi",
    "file-shares",
    # `pharmacy` and `sterilisation` are clinical-function ids; ids share one namespace.
    "pharmacy-system", "sterilisation-tracking",
}

REQUIRED_FUNCTIONS = {
    "emergency", "surgery", "icu", "maternity", "oncology", "radiotherapy", "laboratory",
    "imaging", "pharmacy", "sterilisation", "outpatients", "inpatient-wards", "transfusion",
}

# Business-hours demand falls on weekdays 8-18 h: 5 days x 10 hours a week.
BUSINESS_HOURS_PER_WEEK = 50
# The emergency department must absorb its evening peak, not only its mean.
EMERGENCY_PEAK_FACTOR = 1.5


@pytest.fixture(scope="module")
def loaded():
    return load_document(REFERENCE_NETWORK)


@pytest.fixture(scope="module")
def net(loaded):
    return loaded.body


@pytest.fixture(scope="module")
def assets(net):
    return {a.id: a for a in net.assets}


def mean_hourly_demand(func) -> float:
    """Arrivals per hour during the hours the pattern puts them in."""
    if func.pattern == ArrivalPattern.business_hours:
        return func.arrivals_per_day * 7 / BUSINESS_HOURS_PER_WEEK
    return func.arrivals_per_day / 24


def test_first_line_points_editors_at_the_schema():
    first = REFERENCE_NETWORK.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../schemas/network.schema.json"


def test_loads_cleanly_without_warnings(loaded):
    assert loaded.kind == "network"
    assert loaded.warnings == []


def test_sizes(net):
    assert len(net.assets) >= 120
    assert len(net.zones) >= 8
    assert len(net.services) >= 20
    assert len(net.clinical_functions) >= 10
    assert 550 <= net.beds <= 650
    assert net.it_staff is not None


def test_required_service_and_function_ids(net):
    assert REQUIRED_SERVICES <= {s.id for s in net.services}
    assert {f.id for f in net.clinical_functions} == REQUIRED_FUNCTIONS


def test_every_name_is_bilingual(net):
    named = [net, *net.zones, *net.assets, *net.services, *net.clinical_functions]
    missing = [getattr(item, "id", "network") for item in named if item.name.plain or item.name.missing()]
    assert missing == []


def test_workstations_about_fifteen_hundred_all_domain_joined(net):
    groups = [a for a in net.assets if a.kind == AssetKind.workstations]
    assert len(groups) >= 4
    assert all(a.domain_joined for a in groups)
    assert 1300 <= sum(a.count for a in groups) <= 1700
    zones = {a.zone for a in groups}
    assert {"clinical-workstations", "admin-workstations"} <= zones


@pytest.mark.parametrize(
    "kind, at_least",
    [
        (AssetKind.domain_controller, 2),
        (AssetKind.hypervisor, 1),
        (AssetKind.storage, 1),
        (AssetKind.database, 5),
        (AssetKind.printers, 2),
        (AssetKind.phones, 1),
        (AssetKind.firewall, 1),
        (AssetKind.remote_access, 1),
        (AssetKind.third_party_link, 8),
        (AssetKind.iot, 1),
    ],
)
def test_asset_kinds_present(net, kind, at_least):
    assert sum(1 for a in net.assets if a.kind == kind) >= at_least


def test_domain_controllers_are_tier_zero(net):
    dcs = [a for a in net.assets if a.kind == AssetKind.domain_controller]
    assert len(dcs) >= 2
    assert all(a.tier == 0 and a.domain_joined for a in dcs)


def test_vcenter_is_tier_zero_and_joined_to_the_domain(assets):
    vcenter = assets["vcenter"]
    assert vcenter.tier == 0 and vcenter.domain_joined


def test_the_ad_takeover_matters(net):
    servers = [a for a in net.assets if a.kind in (AssetKind.server, AssetKind.database)]
    joined = sum(a.count for a in servers if a.domain_joined)
    assert joined / sum(a.count for a in servers) > 0.8


def test_virtual_machines_run_on_the_cluster_and_the_san(net, assets):
    vms = [a for a in net.assets if a.runs_on]
    assert len(vms) >= 40
    for vm in vms:
        assert set(vm.runs_on) == {"esx-cluster", "san"}, vm.id
    assert assets["esx-cluster"].kind == AssetKind.hypervisor and assets["esx-cluster"].count > 1
    assert assets["san"].kind == AssetKind.storage


def test_online_backup_joined_to_the_domain_and_offline_copy(net):
    backups = [a for a in net.assets if a.kind == AssetKind.backup]
    online = [a for a in backups if not a.backup.offline]
    offline = [a for a in backups if a.backup.offline]
    assert online and offline
    console = online[0]
    assert console.domain_joined and console.tier == 0
    assert all(not a.domain_joined for a in offline)
    # The offline copy is older than the nightly online one: restoring from it loses more data.
    assert offline[0].backup.age_hours > console.backup.age_hours
    assert "ehr-db" in offline[0].backup.protects


def test_vpn_portal_is_the_open_door(assets):
    vpn = assets["vpn-portal"]
    assert vpn.kind == AssetKind.remote_access
    assert vpn.internet_facing
    # no MFA, through the network-wide switch a scenario or a variant can turn on
    assert vpn.controls.mfa is None


def test_databases_hold_records(assets):
    assert assets["ehr-db"].records == 800_000
    assert assets["eds-db"].records == 1_200_000
    assert assets["hr-db"].records == 4_000
    for db in ("adt-db", "lis-db", "pacs-db", "pharmacy-db", "blood-bank-db", "chemo-db"):
        assert assets[db].records > 0, db


def test_medical_devices_and_modalities(assets):
    for group in ("ct-scanners", "mri-scanners", "xray-rooms", "infusion-pumps", "monitors-icu",
                  "analysers-biochemistry", "analysers-haematology"):
        assert assets[group].kind == AssetKind.medical_device, group
    assert assets["ct-scanners"].zone == "imaging-modalities"
    assert assets["analysers-haematology"].zone == "lab-analysers"
    assert assets["infusion-pumps"].count >= 500


def test_required_zones_and_guest_isolation(net):
    kinds = {z.kind.value for z in net.zones}
    for kind in ("external", "dmz", "datacenter", "management", "backup", "clinical", "admin",
                 "medical-devices", "imaging", "laboratory", "telephony", "building", "guest"):
        assert kind in kinds, kind
    guest = {z.id for z in net.zones if z.kind.value == "guest"}
    outside = {z.id for z in net.zones if z.kind.value == "external"}
    guest_flows = [f for f in net.flows if f.from_zone in guest or (f.bidirectional and f.to_zone in guest)]
    assert guest_flows
    assert all(f.to_zone in outside and not f.bidirectional for f in guest_flows)
    assert not [f for f in net.flows if f.to_zone in guest]


def test_management_zone_reaches_every_internal_zone(net):
    internal = {z.id for z in net.zones if z.kind.value not in ("external", "guest", "management")}
    reached = {f.to_zone for f in net.flows if f.from_zone == "it-management"}
    assert internal <= reached


def test_segmentation_is_partial(net):
    """Neither flat (every pair allowed) nor strict (servers unreachable from users)."""
    pairs = {(f.from_zone, f.to_zone) for f in net.flows}
    pairs |= {(f.to_zone, f.from_zone) for f in net.flows if f.bidirectional}
    zones = [z.id for z in net.zones]
    assert len(pairs) < len(zones) * (len(zones) - 1) / 3
    assert ("clinical-workstations", "servers") in pairs
    assert ("medical-devices", "servers") in pairs
    assert ("lab-analysers", "servers") in pairs
    assert ("imaging-modalities", "servers") in pairs
    assert ("dmz", "servers") in pairs


def test_service_dependencies_follow_the_domain_facts(net):
    needs = {s.id: {(n.target, n.strength) for n in s.needs} for s in net.services}
    assert ("ad", Strength.hard) in needs["ehr"]
    assert {"ehr-app", "ehr-db", "eai"} <= {t for t, _ in needs["ehr"]}
    assert ("eai", Strength.hard) in needs["lis"]
    assert any(t.startswith("analysers-") and s == Strength.soft for t, s in needs["lis"])
    assert ("storage", Strength.hard) in needs["pacs"]
    assert ("lis", Strength.hard) in needs["blood-bank"]
    assert ("ad", Strength.hard) in needs["remote-access"]
    assert ("vpn-portal", Strength.hard) in needs["remote-access"]
    assert ("esx-cluster", Strength.hard) in needs["virtualization"]


def test_restore_order_puts_acute_care_before_email(net):
    priority = {s.id: s.restore_priority for s in net.services}
    for first in ("icu-monitoring", "ehr", "lis", "adt"):
        assert priority[first] <= 2, first
    for acute in ("pacs", "chemo", "rt-planning"):
        assert priority[acute] <= 3, acute
    assert priority["email"] > priority["pacs"]
    assert priority["remote-access"] > priority["email"]
    assert priority["eds"] == 9


@pytest.mark.parametrize("fid", sorted(REQUIRED_FUNCTIONS))
def test_capacity_exceeds_normal_demand(net, fid):
    func = next(f for f in net.clinical_functions if f.id == fid)
    demand = mean_hourly_demand(func)
    factor = EMERGENCY_PEAK_FACTOR if func.pattern == ArrivalPattern.emergency else 1.2
    assert func.capacity_per_hour >= demand * factor, (fid, func.capacity_per_hour, demand)
    assert func.capacity_per_hour <= demand * 2.7, (fid, "capacity far above demand")


def test_clinical_function_settings(net):
    funcs = {f.id: f for f in net.clinical_functions}
    assert funcs["emergency"].diversion_possible and funcs["emergency"].pattern == ArrivalPattern.emergency
    assert 120 <= funcs["emergency"].arrivals_per_day <= 150
    assert not funcs["maternity"].diversion_possible
    assert funcs["surgery"].elective and not funcs["emergency"].elective
    assert funcs["laboratory"].degraded_mode.turnaround_factor == pytest.approx(1.62)
    assert funcs["surgery"].degraded_mode.capacity_factor == pytest.approx(0.65, abs=0.05)
    for func in funcs.values():
        assert func.needs, func.id
        assert 0 < func.degraded_mode.capacity_factor < 1, func.id
        assert func.degraded_mode.activation_delay > 0, func.id


def test_it_staff_and_controls_before_care(net):
    staff = net.it_staff
    assert (staff.weekday_day, staff.weekday_night, staff.weekend_day, staff.weekend_night) == (12, 1, 2, 1)
    assert staff.recall_total > staff.weekday_day
    c = net.controls
    assert c.edr_coverage == pytest.approx(0.3)
    assert c.av_blocking and c.email_filtering
    assert not (c.mfa_remote_access or c.mfa_privileged or c.tiered_admin)
    assert c.siem_hours.value == "business-hours"


def test_required_elements_by_id(assets):
    expected_kinds = {
        "backup-server": AssetKind.backup,
        "tape-library": AssetKind.backup,
        "ehr-app": AssetKind.server,
        "ehr-db": AssetKind.database,
        "adt-app": AssetKind.server,
        "eai-server": AssetKind.server,
        "lis-app": AssetKind.server,
        "ris-app": AssetKind.server,
        "pacs-server": AssetKind.server,
        "pharmacy-app": AssetKind.server,
        "chemo-app": AssetKind.server,
        "blood-bank-app": AssetKind.server,
        "icu-central": AssetKind.server,
        "infusion-server": AssetKind.server,
        "steri-app": AssetKind.server,
        "ipbx": AssetKind.server,
        "ip-phones": AssetKind.phones,
        "exchange": AssetKind.server,
        "fw-perimeter": AssetKind.firewall,
        "guest-portal": AssetKind.appliance,
        "printers-clinical": AssetKind.printers,
        "bms-server": AssetKind.server,
        "mssante-connector": AssetKind.server,
        "link-ans-teleservices": AssetKind.third_party_link,
        "link-pro-sante-connect": AssetKind.third_party_link,
        "link-ght": AssetKind.third_party_link,
        "link-external-lab": AssetKind.third_party_link,
        "link-biomed-vendors": AssetKind.third_party_link,
        "link-ncpeh": AssetKind.third_party_link,
        "eds-db": AssetKind.database,
        "vcenter": AssetKind.server,
    }
    wrong = {aid: (assets[aid].kind if aid in assets else None) for aid, kind in expected_kinds.items()
             if aid not in assets or assets[aid].kind != kind}
    assert wrong == {}


def test_grouped_nodes_stand_for_many_machines(net):
    machines = Counter()
    for a in net.assets:
        machines[a.kind] += a.count
    # Cannes 2024: ~350 servers for 1,500 workstations.
    servers = machines[AssetKind.server] + machines[AssetKind.database] + machines[AssetKind.domain_controller]
    assert 300 <= servers <= 400
    assert machines[AssetKind.printers] >= 300


def test_reachability_under_the_initial_segmentation(net):
    """The VPN portal opens the whole internal network; guests stay on their own."""
    from simulator.hospital.graph import HospitalModel

    model = HospitalModel.build(net)
    from_vpn = model.reachable_zones(["vpn-portal"])
    assert {"servers", "infra", "backup-net", "clinical-workstations", "medical-devices"} <= from_vpn
    assert "guest-wlan" not in from_vpn
    assert model.reachable_zones(["guest-portal"]) == frozenset({"guest-wlan"})
    # Cutting the internet does not cut an attacker already inside.
    assert "servers" in model.reachable_zones(["ws-wards"], internet_cut=True)


def test_key_single_points_of_failure(net):
    from simulator.hospital.graph import HospitalModel

    model = HospitalModel.build(net)
    assert "icu" in model.blast_radius("icu-central").functions_down
    assert "surgery" in model.blast_radius("steri-app").functions_down
    assert "emergency" in model.blast_radius("dc01").functions_down
    assert "maternity" not in model.blast_radius("esx-cluster").functions_down
