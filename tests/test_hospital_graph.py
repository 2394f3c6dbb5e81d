"""The hospital graph layer: reachability, dependency impact, incremental state, exports."""

from __future__ import annotations

import json
import os
import random
from types import MappingProxyType

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st_

from simulator.hospital import AssetState, HospitalModel, HospitalState, Impact
from simulator.hospital import export
from simulator.model.diagnostics import InputError
from simulator.model.network import NetworkBody

# --------------------------------------------------------------------------- fixtures


def small_network() -> dict:
    """A small hospital: vendor link, DMZ, servers, clinical, biomed behind an empty transit zone, backups."""
    return {
        "id": "ch-test",
        "name": {"fr": "CH de test", "en": "Test hospital"},
        "beds": 300,
        "zones": [
            {"id": "ext", "name": "Éditeur", "kind": "external"},
            {"id": "dmz", "name": "DMZ", "kind": "dmz", "internet_exposed": True},
            {"id": "servers", "name": "Serveurs", "kind": "datacenter"},
            {"id": "clinical", "name": "Postes cliniques", "kind": "clinical"},
            {"id": "transit", "name": "Coeur vide", "kind": "core"},
            {"id": "biomed", "name": "Biomédical", "kind": "medical-devices"},
            {"id": "backup", "name": "Sauvegardes", "kind": "backup"},
        ],
        "flows": [
            {"from": "ext", "to": "dmz", "protocols": ["https"]},
            {"from": "dmz", "to": "servers", "protocols": ["rdp"]},
            {"from": "clinical", "to": "servers", "protocols": ["smb", "https"], "bidirectional": True},
            {"from": "servers", "to": "clinical", "protocols": ["rdp"]},
            {"from": "servers", "to": "backup", "protocols": ["smb"]},
            {"from": "clinical", "to": "transit", "protocols": ["https"]},
            {"from": "transit", "to": "biomed", "protocols": ["hl7"]},
        ],
        "assets": [
            {"id": "vendor-link", "name": "Télémaintenance", "kind": "third-party-link", "zone": "ext"},
            {"id": "vpn", "name": "VPN", "kind": "remote-access", "zone": "dmz", "internet_facing": True},
            {"id": "web", "name": "Site web", "kind": "server", "zone": "dmz"},
            {"id": "dc1", "name": "DC", "kind": "domain-controller", "zone": "servers", "domain_joined": True, "tier": 0},
            {"id": "hv1", "name": "Hyperviseur", "kind": "hypervisor", "zone": "servers"},
            {"id": "san", "name": "Baie SAN", "kind": "storage", "zone": "servers"},
            {"id": "ehr-db", "name": "Base DPI", "kind": "database", "zone": "servers", "runs_on": ["hv1", "san"], "domain_joined": True},
            {"id": "ehr-app", "name": "Serveur DPI", "kind": "server", "zone": "servers", "runs_on": ["hv1"], "domain_joined": True},
            {"id": "lis-srv", "name": "Serveur SIL", "kind": "server", "zone": "servers", "runs_on": ["hv1"]},
            {"id": "ws", "name": "Postes", "kind": "workstations", "zone": "clinical", "count": 500, "domain_joined": True},
            {"id": "monitors", "name": "Moniteurs", "kind": "medical-device", "zone": "biomed", "count": 40},
            {"id": "bk-online", "name": "Sauvegarde disque", "kind": "backup", "zone": "backup",
             "backup": {"offline": False}},
            {"id": "bk-tape", "name": "Bandes", "kind": "backup", "zone": "backup",
             "backup": {"offline": True, "protects": ["ehr-db"]}},
        ],
        "services": [
            {"id": "ad", "name": "Active Directory", "category": "infrastructure", "needs": [{"asset": "dc1"}]},
            {"id": "ehr", "name": "DPI", "category": "clinical",
             "needs": [{"asset": "ehr-db"}, {"asset": "ehr-app"}, {"service": "ad", "strength": "soft"}]},
            {"id": "lis", "name": "SIL", "category": "clinical",
             "needs": [{"asset": "lis-srv"}, {"service": "ehr", "strength": "soft"}]},
            {"id": "central-monitoring", "name": "Centrale", "category": "clinical",
             "needs": [{"asset": "monitors"}, {"asset": "ws", "strength": "soft"}]},
        ],
        "clinical_functions": [
            {"id": "emergency", "name": "Urgences", "arrivals_per_day": 120, "capacity_per_hour": 8,
             "needs": [{"service": "ehr"}, {"service": "lis", "strength": "soft"}],
             "degraded_mode": {"capacity_factor": 0.6, "activation_delay": "1h"}},
            {"id": "laboratory", "name": "Laboratoire", "unit": "tests", "arrivals_per_day": 900, "capacity_per_hour": 60,
             "needs": [{"service": "lis"}], "degraded_mode": {"capacity_factor": 0.4, "activation_delay": "2h"}},
            {"id": "icu", "name": "Réanimation", "arrivals_per_day": 4, "capacity_per_hour": 1,
             "needs": [{"service": "ehr", "strength": "soft"}, {"service": "central-monitoring"}],
             "degraded_mode": {"capacity_factor": 0.8, "activation_delay": "30m"}},
        ],
    }


@pytest.fixture
def model() -> HospitalModel:
    return HospitalModel.build(NetworkBody.model_validate(small_network()))


# --------------------------------------------------------------------------- build


def test_graphs_have_the_expected_shape(model):
    fg, dg = model.flow_graph, model.dep_graph
    assert fg.nodes["servers"]["type"] == "zone" and fg.nodes["hv1"]["type"] == "asset"
    assert fg.edges["clinical", "servers"]["protocols"] == ("smb", "https")
    # the explicit servers->clinical rdp flow merges with the bidirectional one
    assert fg.edges["servers", "clinical"]["protocols"] == ("smb", "https", "rdp")
    assert fg.edges["hv1", "servers"]["edge"] == "member" and fg.edges["servers", "hv1"]["edge"] == "member"
    assert dg.edges["hv1", "ehr-db"] == {"strength": "hard", "relation": "runs_on"}
    assert dg.edges["ad", "ehr"]["strength"] == "soft"
    assert dg.edges["lis", "emergency"]["strength"] == "soft"
    assert {dg.nodes[n]["type"] for n in dg} == {"asset", "service", "function"}
    order = model.topo_order
    assert order.index("hv1") < order.index("ehr-db") < order.index("ehr") < order.index("emergency")
    with pytest.raises(nx.NetworkXError):
        fg.add_node("intruder")  # frozen


def test_static_lookups(model):
    assert model.internet_facing == {"vpn", "web"}  # flag, or sitting in an internet-exposed zone
    assert model.domain_joined == {"dc1", "ehr-db", "ehr-app", "ws"}
    assert model.backups["bk-online"].protects == {"hv1", "san", "ehr-db", "ehr-app", "lis-srv", "web"}
    assert model.backups["bk-tape"].protects == {"ehr-db"} and model.backups["bk-tape"].offline
    assert model.backups_for("ehr-db") == ("bk-online", "bk-tape")
    assert model.backups_for("dc1") == ()
    assert model.backup_assets(offline=True) == ["bk-tape"]
    assert model.node_type("ehr") == "service" and model.node_type("transit") == "zone"
    assert model.node_type("nope") is None
    counts = model.counts()
    assert (counts.assets, counts.machines, counts.zones, counts.flows) == (13, 11 + 500 + 40, 7, 7)
    assert (counts.services, counts.clinical_functions, counts.sites) == (4, 3, 0)
    assert model.assets_by_zone()["servers"] == ("dc1", "hv1", "san", "ehr-db", "ehr-app", "lis-srv")
    assert model.assets_by_zone()["transit"] == ()
    assert model.kind_assets["server"] == ("web", "ehr-app", "lis-srv")
    assert model.site_assets == {None: tuple(model.assets)}


def test_broken_references_raise_input_error():
    data = small_network()
    data["assets"][2]["zone"] = "nowhere"
    data["services"][0]["needs"] = [{"asset": "ghost"}]
    with pytest.raises(InputError) as info:
        HospitalModel.build(NetworkBody.model_validate(data), source="net.yaml")
    messages = [d.format() for d in info.value.diagnostics]
    assert "net.yaml:1:1: error: asset 'web' is in unknown zone 'nowhere'" in messages
    assert any("unknown asset 'ghost'" in m for m in messages)


def test_dependency_cycles_are_refused():
    data = small_network()
    data["assets"][4]["runs_on"] = ["ehr-app"]  # hv1 on ehr-app, which runs on hv1
    with pytest.raises(InputError) as info:
        HospitalModel.build(NetworkBody.model_validate(data))
    assert "dependency cycle" in info.value.diagnostics[0].message
    data = small_network()
    data["services"][0]["needs"].append({"service": "lis"})  # ad -> lis -> ehr -> ad
    with pytest.raises(InputError):
        HospitalModel.build(NetworkBody.model_validate(data))


# --------------------------------------------------------------------------- reachability

SERVERS = {"dc1", "hv1", "san", "ehr-db", "ehr-app", "lis-srv"}


def test_reachability_follows_flows_transitively(model):
    from_vpn = model.reachable_assets(["vpn"])
    assert from_vpn == {"vpn", "web"} | SERVERS | {"ws", "bk-online", "bk-tape"}
    # the transit zone holds no asset, so the attacker cannot stand there to reach biomed
    assert "monitors" not in from_vpn
    # flows are directed: nothing flows into the vendor zone
    assert "vendor-link" not in from_vpn
    assert model.reachable_assets(["vendor-link"]) == from_vpn | {"vendor-link"}
    assert model.reachable_assets(["monitors"]) == {"monitors"}
    assert model.reachable_assets([]) == frozenset()
    assert model.zone_closure["dmz"] == {"dmz", "servers", "clinical", "backup", "transit"}


def test_reachability_under_isolation(model):
    # an isolated zone keeps its inside but loses every flow in and out
    assert model.reachable_assets(["vpn"], isolated_zones=frozenset({"servers"})) == {"vpn", "web"}
    assert model.reachable_assets(["ehr-app"], isolated_zones=frozenset({"servers"})) == SERVERS
    # isolated assets are not reached, and cannot serve as stepping stones
    got = model.reachable_assets(["ws"], isolated_assets=frozenset({"ehr-app", "bk-tape"}))
    assert "ehr-app" not in got and "bk-tape" not in got and {"bk-online", "dc1"} <= got
    assert model.reachable_assets(["ws"], isolated_assets=frozenset({"ws"})) == frozenset()
    # every server isolated: the servers zone can no longer relay the attacker
    assert model.reachable_assets(["vpn"], isolated_assets=frozenset(SERVERS)) == {"vpn", "web"}
    # a foothold inside the zone still works when only some of its assets are isolated
    assert model.reachable_assets(["vpn", "dc1"], isolated_assets=frozenset({"vpn"})) >= {"ws", "bk-online"}


def test_internet_cut_drops_flows_of_external_zones(model):
    assert model.reachable_assets(["vendor-link"], internet_cut=True) == {"vendor-link"}
    # internal movement is untouched
    assert model.reachable_assets(["vpn"], internet_cut=True) == model.reachable_assets(["vpn"])
    with pytest.raises(KeyError):
        model.reachable_assets(["no-such-asset"])


def naive_reachable(model: HospitalModel, footholds, isolated_assets, isolated_zones, internet_cut):
    """Reference: asset-level fixpoint straight from the flow graph (slow, obviously right)."""
    fg = model.flow_graph
    held = {a for a in footholds if a not in isolated_assets}
    reached = set(held)
    frontier = list(held)
    while frontier:
        a = frontier.pop()
        zone = model.asset_zone[a]
        zones = [zone]
        if zone not in isolated_zones:
            for v in fg.successors(zone):
                if fg.edges[zone, v]["edge"] != "flow" or v in isolated_zones:
                    continue
                kinds = {fg.nodes[zone]["kind"], fg.nodes[v]["kind"]}
                if internet_cut and "external" in kinds:
                    continue
                zones.append(v)
        for z in zones:
            for b in model.zone_assets[z]:
                if b not in isolated_assets and b not in reached:
                    reached.add(b)
                    frontier.append(b)
    return frozenset(reached)


def test_zone_level_reachability_matches_asset_level_reference():
    rng = random.Random(20260101)
    for _ in range(60):
        m = HospitalModel.build(NetworkBody.model_validate(random_network(rng)))
        assets = list(m.assets)
        if not assets:
            continue
        for _ in range(15):
            footholds = rng.sample(assets, rng.randint(1, min(3, len(assets))))
            iso_a = frozenset(rng.sample(assets, rng.randint(0, len(assets) // 2)))
            iso_z = frozenset(rng.sample(list(m.zones), rng.randint(0, min(2, len(m.zones)))))
            cut = rng.random() < 0.3
            assert m.reachable_assets(footholds, iso_a, iso_z, cut) == naive_reachable(m, footholds, iso_a, iso_z, cut)


@settings(derandomize=True, max_examples=60, deadline=None)
@given(seed=st_.integers(0, 2**32), cut_seed=st_.integers(0, 2**32))
def test_more_isolation_never_reaches_more(seed, cut_seed):
    m = HospitalModel.build(NetworkBody.model_validate(random_network(random.Random(seed))))
    assets = list(m.assets)
    if not assets:
        return
    rng = random.Random(cut_seed)
    footholds = rng.sample(assets, rng.randint(1, len(assets)))
    iso = frozenset(rng.sample(assets, rng.randint(0, len(assets))))
    more = iso | frozenset(rng.sample(assets, rng.randint(0, len(assets))))
    zones = frozenset(rng.sample(list(m.zones), rng.randint(0, len(m.zones))))
    open_reach = m.reachable_assets(footholds)
    assert m.reachable_assets(footholds, iso) <= open_reach
    assert m.reachable_assets(footholds, more, zones, True) <= m.reachable_assets(footholds, iso, zones)
    assert m.reachable_assets(footholds, iso).isdisjoint(iso)


# --------------------------------------------------------------------------- impact


def test_hard_loss_stops_and_soft_loss_degrades(model):
    hv = model.impact(["hv1"])
    assert hv.assets_down == {"hv1", "ehr-db", "ehr-app", "lis-srv"}
    assert hv.services_down == {"ehr", "lis"}
    assert hv.functions_down == {"emergency", "laboratory"}
    assert hv.functions_degraded == {"icu"}  # soft on ehr
    dc = model.impact(["dc1"])
    assert dc.services_down == {"ad"}
    assert dc.services_degraded == {"ehr", "lis"}  # ehr soft on ad; lis soft on a degraded ehr
    assert dc.functions_down == frozenset()
    assert dc.functions_degraded == {"emergency", "laboratory", "icu"}  # hard on a degraded service
    assert model.blast_radius("hv1") == hv
    assert model.blast_radius("bk-tape") == Impact(assets_down=frozenset({"bk-tape"}))
    assert model.impact([]).is_empty


def test_impact_with_degraded_inputs_and_service_nodes(model):
    imp = model.impact(down=["lis"], degraded=["ws"])
    assert imp.assets_degraded == {"ws"}
    assert imp.services_down == {"lis"} and imp.services_degraded == {"central-monitoring"}
    assert imp.functions_down == {"laboratory"}
    assert imp.functions_degraded == {"emergency", "icu"}
    # down wins over degraded for the same node
    assert model.impact(down=["ws"], degraded=["ws"]).assets_down == {"ws"}
    with pytest.raises(KeyError):
        model.impact(["servers"])  # a zone is not a dependency node


def test_targets_and_critical_dependencies(model):
    assert model.targets(kind="server") == ["web", "ehr-app", "lis-srv"]
    assert model.targets(kind=["server", "database"], zones=["servers"]) == ["ehr-db", "ehr-app", "lis-srv"]
    assert model.targets(domain_joined=True) == ["dc1", "ehr-db", "ehr-app", "ws"]
    assert model.targets(services=["ehr"]) == ["hv1", "san", "ehr-db", "ehr-app"]  # AD is soft
    assert model.targets(services=["lis"], kind="hypervisor") == ["hv1"]
    assert model.targets(zones=["transit"]) == []
    assert model.targets() == list(model.assets)
    for bad in ({"kind": "toaster"}, {"zones": ["nowhere"]}, {"services": ["nope"]}, {"sites": ["x"]}):
        with pytest.raises(KeyError):
            model.targets(**bad)
    crit = model.critical_dependencies()
    assert crit == {
        "emergency": ("hv1", "san", "ehr-db", "ehr-app"),
        "laboratory": ("hv1", "lis-srv"),
        "icu": ("monitors",),
    }
    for func, assets in crit.items():
        for a in assets:
            assert func in model.blast_radius(a).functions_down


def test_sites_select_by_zone_site_unless_asset_overrides():
    data = small_network()
    data["sites"] = [{"id": "north", "name": "Nord", "beds": 200}, {"id": "south", "name": "Sud", "beds": 100}]
    for z in data["zones"]:
        z["site"] = "north"
    data["assets"][2]["site"] = "south"
    m = HospitalModel.build(NetworkBody.model_validate(data))
    assert m.targets(sites=["south"]) == ["web"]
    assert len(m.targets(sites="north")) == 12
    assert m.site_assets["south"] == ("web",)


# --------------------------------------------------------------------------- state


def test_state_follows_asset_events(model):
    st = HospitalState(model)
    assert st.services_status() == {"ad": "up", "ehr": "up", "lis": "up", "central-monitoring": "up"}
    changes = st.encrypt("hv1")
    assert dict(changes) == {
        "hv1": "down", "ehr-db": "down", "ehr-app": "down", "lis-srv": "down",
        "ehr": "down", "lis": "down", "emergency": "down", "laboratory": "down", "icu": "degraded",
    }
    assert isinstance(changes, MappingProxyType)
    assert st.display_state("hv1") is AssetState.encrypted
    assert st.status("hv1").compromised == 1  # encrypted implies compromised
    # isolation is a separate flag: encrypted and isolated at once
    assert st.isolate("hv1") == {}
    assert st.status("hv1").states() == (AssetState.encrypted, AssetState.isolated, AssetState.compromised)
    assert st.isolated_assets == {"hv1"}
    st.start_restore("hv1")
    assert st.display_state("hv1") is AssetState.restoring
    st.finish_restore("hv1")
    assert st.display_state("hv1") is AssetState.isolated  # still cut off until reconnected
    assert st.available("ehr") == "down"
    changes = st.isolate("hv1", on=False)
    assert changes["emergency"] == "up" and st.functions_status()["icu"] == "up"
    assert st.display_state("hv1") is AssetState.healthy and st.unavailable() == {}


def test_groups_degrade_then_fall(model):
    st = HospitalState(model, group_down_fraction=0.5)
    st.compromise("ws", machines=300)
    assert st.status("ws").compromised_fraction == 0.6 and st.available("ws") == "up"
    st.encrypt("ws", machines=100)
    assert st.status("ws").encrypted_fraction == 0.2
    assert st.available("ws") == "degraded" and st.available("central-monitoring") == "degraded"
    st.encrypt("ws", machines=50)  # never goes backwards
    assert st.status("ws").encrypted == 100
    st.encrypt("ws", machines=250)
    assert st.available("ws") == "down"
    assert st.available("central-monitoring") == "degraded"  # soft need
    assert st.assets_in(AssetState.encrypted) == ["ws"]
    with pytest.raises(ValueError):
        st.update("ws", encrypted=501)


def test_forced_levels_combine_with_asset_facts(model):
    st = HospitalState(model)
    st.set_down("ehr")  # precautionary shutdown of the application
    assert st.available("emergency") == "down" and st.available("ehr-app") == "up"
    st.encrypt("ehr-app")
    assert st.set_down("ehr", down=False) == {}  # still down: its server is encrypted
    st.set_degraded("ad")
    assert st.available("ad") == "degraded"
    st.set_down("dc1")
    st.finish_restore("ehr-app")
    assert st.available("ehr") == "degraded" and st.available("dc1") == "down"
    with pytest.raises(KeyError):
        st.set_down("servers")


def test_copy_and_snapshot_are_independent(model):
    st = HospitalState(model)
    st.encrypt("lis-srv")
    st.isolate_zone("dmz")
    other = st.copy()
    snap = st.snapshot()
    st.finish_restore("lis-srv")
    st.isolate_zone("dmz", on=False)
    assert other.available("lis") == "down" and st.available("lis") == "up"
    assert snap.available("laboratory") == "down" and snap.services["lis"] == "down"
    assert snap.display_state("lis-srv") is AssetState.encrypted
    assert snap.isolated_zones == {"dmz"} and other.isolated_zones == {"dmz"} and st.isolated_zones == frozenset()
    with pytest.raises(TypeError):
        snap.services["lis"] = "up"  # type: ignore[index]
    other.set_internet_cut()
    assert other.reachable(["vpn"]) == {"vpn", "web"}
    assert st.reachable(["vpn"]) == model.reachable_assets(["vpn"])


def random_network(rng: random.Random, n_assets: int | None = None) -> dict:
    """A random valid network: acyclic by construction (dependencies point to earlier items)."""
    kinds_z = ["datacenter", "clinical", "external", "dmz", "core"]
    zones = [{"id": f"z{i}", "name": f"Zone {i}", "kind": rng.choice(kinds_z)} for i in range(rng.randint(1, 7))]
    flows = []
    for _ in range(rng.randint(0, 2 * len(zones))):
        a, b = rng.choice(zones)["id"], rng.choice(zones)["id"]
        if a != b:
            flows.append({"from": a, "to": b, "protocols": ["smb"], "bidirectional": rng.random() < 0.3})
    assets = []
    kinds_a = ["server", "database", "hypervisor", "storage", "workstations", "medical-device"]
    for i in range(n_assets if n_assets is not None else rng.randint(0, 25)):
        kind = rng.choice(kinds_a)
        count = rng.choice([1, 1, 10, 200]) if kind in ("workstations", "medical-device") else 1
        runs_on = sorted({f"a{rng.randrange(i)}" for _ in range(rng.randint(0, 2))}) if i and rng.random() < 0.4 else []
        assets.append({"id": f"a{i}", "name": f"Asset {i}", "kind": kind, "zone": rng.choice(zones)["id"],
                       "count": count, "runs_on": runs_on})
    services = []
    for i in range(rng.randint(1, 10)):
        needs = []
        for _ in range(rng.randint(1, 3)):
            strength = rng.choice(["hard", "soft"])
            if assets and (i == 0 or rng.random() < 0.6):
                needs.append({"asset": rng.choice(assets)["id"], "strength": strength})
            elif i:
                needs.append({"service": f"s{rng.randrange(i)}", "strength": strength})
        if not needs:
            needs.append({"service": "s0"} if i else {"asset": assets[0]["id"]} if assets else None)
        if needs == [None]:
            break
        services.append({"id": f"s{i}", "name": f"Service {i}", "category": "clinical", "needs": needs})
    functions = []
    for i in range(rng.randint(0, 5)):
        if not services:
            break
        needs = [{"service": rng.choice(services)["id"], "strength": rng.choice(["hard", "soft"])}
                 for _ in range(rng.randint(1, 3))]
        functions.append({"id": f"f{i}", "name": f"Function {i}", "arrivals_per_day": 10, "capacity_per_hour": 1,
                          "needs": needs, "degraded_mode": {"capacity_factor": 0.5, "activation_delay": "1h"}})
    return {"id": "random", "name": "Random", "beds": 1, "zones": zones, "flows": flows, "assets": assets,
            "services": services, "clinical_functions": functions}


def random_operation(rng: random.Random, st: HospitalState) -> None:
    m = st.model
    assets = list(m.assets)
    nodes = list(m.topo_order)
    op = rng.randrange(9)
    if not nodes:
        return
    if op == 7 or not assets:
        node = rng.choice(nodes)
        (st.set_down if rng.random() < 0.5 else st.set_degraded)(node, rng.random() < 0.6)
        return
    a = rng.choice(assets)
    count = m.assets[a].count
    if op == 0:
        st.encrypt(a, machines=rng.randint(1, count))
    elif op == 1:
        st.isolate(a, rng.random() < 0.6)
    elif op == 2:
        st.set_offline(a, rng.random() < 0.5)
    elif op == 3:
        st.start_restore(a)
    elif op == 4:
        st.finish_restore(a)
    elif op == 5:
        st.update(a, encrypted=rng.randint(0, count))
    elif op == 6:
        st.compromise(a)
    else:
        st.mark_suspicious(a)


def assert_matches_full_recomputation(st: HospitalState) -> None:
    own = st.own_levels()
    full = st.model.impact(down=[n for n, lv in own.items() if lv == 2], degraded=[n for n, lv in own.items() if lv == 1])
    un = st.unavailable()
    types = {n: st.model.dep_graph.nodes[n]["type"] for n in un}

    def pick(kind: str, level: str) -> frozenset[str]:
        return frozenset(n for n, lv in un.items() if lv == level and types[n] == kind)

    assert full == Impact(
        assets_down=pick("asset", "down"), assets_degraded=pick("asset", "degraded"),
        services_down=pick("service", "down"), services_degraded=pick("service", "degraded"),
        functions_down=pick("function", "down"), functions_degraded=pick("function", "degraded"),
    )
    services = st.services_status()
    assert {s for s, v in services.items() if v == "down"} == full.services_down
    assert {f for f, v in st.functions_status().items() if v == "degraded"} == full.functions_degraded


def test_incremental_availability_equals_full_recomputation():
    rng = random.Random(1789)
    for _ in range(80):
        m = HospitalModel.build(NetworkBody.model_validate(random_network(rng)))
        st = HospitalState(m, group_down_fraction=rng.choice([0.25, 0.5, 1.0]))
        for _ in range(60):
            random_operation(rng, st)
            assert_matches_full_recomputation(st)


def test_changes_report_exactly_what_moved():
    rng = random.Random(42)
    m = HospitalModel.build(NetworkBody.model_validate(random_network(rng, n_assets=20)))
    st = HospitalState(m)
    for _ in range(300):
        before = {n: st.available(n) for n in m.topo_order}
        a = rng.choice(list(m.assets))
        changes = rng.choice([st.encrypt, st.finish_restore, st.isolate])(a)
        after = {n: st.available(n) for n in m.topo_order}
        assert dict(changes) == {n: after[n] for n in after if after[n] != before[n]}


# --------------------------------------------------------------------------- exports


def test_graphml_round_trip(model, tmp_path):
    path = tmp_path / "ch.graphml"
    export.to_graphml(model, path)
    g = nx.read_graphml(path)
    assert set(g.nodes) == set(model.zones) | set(model.assets) | set(model.services) | set(model.functions)
    assert g.nodes["ws"]["count"] == 500 and g.nodes["ws"]["domain_joined"] is True
    assert g.nodes["ws"]["zone"] == "clinical" and g.nodes["ws"]["name"] == "Postes"
    assert g.nodes["emergency"]["type"] == "function"
    assert g.edges["clinical", "servers"] == {"edge": "flow", "protocols": "smb,https", "bidirectional": True}
    assert g.edges["ws", "clinical"]["edge"] == "member"
    assert g.edges["ad", "ehr"] == {"edge": "dependency", "strength": "soft", "relation": "needs"}
    kinds = [d["edge"] for _u, _v, d in g.edges(data=True)]
    assert kinds.count("member") == len(model.assets)
    assert kinds.count("dependency") == model.dep_graph.number_of_edges()
    assert kinds.count("flow") == 7  # 7 declared, +1 reverse of a bidirectional one, -1 merged into it
    assert [p.name for p in tmp_path.iterdir()] == ["ch.graphml"]


def test_failed_export_leaves_previous_file_intact(model, tmp_path, monkeypatch):
    path = tmp_path / "ch.graphml"
    path.write_text("previous")

    def broken(graph, fh, **kwargs):
        fh.write(b"<?xml half")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(export.nx, "write_graphml", broken)
    with pytest.raises(RuntimeError):
        export.to_graphml(model, path)
    assert path.read_text() == "previous"
    assert os.listdir(tmp_path) == ["ch.graphml"]
    with pytest.raises(InputError) as info:
        export.write_json(model, tmp_path / "missing-dir" / "x.json")
    assert "cannot write" in info.value.diagnostics[0].message and "missing-dir" in info.value.diagnostics[0].message


def test_json_and_dot(model, tmp_path):
    data = export.to_json(model)
    assert data["format"] == "cyberdrill-graph" and data["network"] == "ch-test"
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["monitors"] == {"id": "monitors", "type": "asset", "kind": "medical-device", "name": "Moniteurs",
                                 "name_fr": "Moniteurs", "zone": "biomed", "count": 40, "tier": 2,
                                 "domain_joined": False, "internet_facing": False}
    assert {e["edge"] for e in data["edges"]} == {"flow", "member", "dependency"}
    flow = next(e for e in data["edges"] if e["edge"] == "flow" and e["source"] == "servers" and e["target"] == "clinical")
    assert flow["protocols"] == ["smb", "https", "rdp"]
    written = export.write_json(model, tmp_path / "g.json")
    assert json.loads(written.read_text(encoding="utf-8")) == data

    data_net = small_network()
    data_net["assets"][0]["name"] = 'Lien "éditeur" \\ VPN'
    dot = export.to_dot(HospitalModel.build(NetworkBody.model_validate(data_net)))
    assert dot.startswith('digraph "ch-test" {') and dot.rstrip().endswith("}")
    assert 'label="Lien \\"éditeur\\" \\\\ VPN"' in dot
    assert dot.count("subgraph") == 7
    assert '"ws" [label="Postes\\n× 500", shape=box];' in dot
    assert '"ad" -> "ehr" [style=dashed];' in dot
    assert '"clinical" -> "servers" [label="smb,https", penwidth=2];' in dot


# --------------------------------------------------------------------------- scale


def big_network(n_zones: int = 100, per_zone: int = 50) -> dict:
    rng = random.Random(5000)
    zones = [{"id": f"z{i}", "name": f"Zone {i}", "kind": "external" if i == 0 else "datacenter"} for i in range(n_zones)]
    flows = [{"from": f"z{i}", "to": f"z{i + 1}", "protocols": ["smb"], "bidirectional": i % 3 == 0}
             for i in range(n_zones - 1)]
    flows += [{"from": f"z{rng.randrange(n_zones)}", "to": f"z{rng.randrange(n_zones)}", "protocols": ["rdp"]}
              for _ in range(n_zones)]
    flows = [f for f in flows if f["from"] != f["to"]]
    assets = []
    for z in range(n_zones):
        hv = f"hv{z}"
        assets.append({"id": hv, "name": hv, "kind": "hypervisor", "zone": f"z{z}"})
        for j in range(per_zone - 1):
            assets.append({"id": f"vm{z}-{j}", "name": "vm", "kind": "server", "zone": f"z{z}", "runs_on": [hv],
                           "count": 30 if j == 0 else 1})
    services = []
    for i in range(300):
        needs = [{"asset": f"vm{rng.randrange(n_zones)}-{rng.randrange(per_zone - 1)}"} for _ in range(3)]
        if i:
            needs.append({"service": f"s{rng.randrange(i)}", "strength": rng.choice(["hard", "soft"])})
        services.append({"id": f"s{i}", "name": f"s{i}", "category": "clinical", "needs": needs})
    functions = [{"id": f"f{i}", "name": f"f{i}", "arrivals_per_day": 10, "capacity_per_hour": 1,
                  "needs": [{"service": f"s{rng.randrange(300)}", "strength": rng.choice(["hard", "soft"])}
                            for _ in range(4)],
                  "degraded_mode": {"capacity_factor": 0.5, "activation_delay": "1h"}} for i in range(15)]
    return {"id": "big", "name": "Big GHT", "beds": 3000, "zones": zones, "flows": flows, "assets": assets,
            "services": services, "clinical_functions": functions}


def test_five_thousand_assets_stay_cheap_per_event():
    m = HospitalModel.build(NetworkBody.model_validate(big_network()))
    assert m.counts().assets == 5000
    rng = random.Random(7)
    assets = list(m.assets)
    st = HospitalState(m)
    footholds = {"vm50-3"}
    for step in range(600):
        a = rng.choice(assets)
        if step % 4 == 0:
            st.isolate(a)
        else:
            st.encrypt(a)
        if step % 20 == 0:
            st.isolate_zone(f"z{rng.randrange(100)}")
        reach = st.reachable(footholds)
        if reach:
            footholds.add(rng.choice(sorted(reach)))
        m.impact([a])
    assert_matches_full_recomputation(st)
    assert m.reachable_assets(["vm0-1"], internet_cut=True) <= set(m.zone_assets["z0"])
    assert m.blast_radius("hv10").assets_down >= {f"vm10-{j}" for j in range(49)}


# --------------------------------------------------------------------------- reference network

REFERENCE = os.path.join(os.path.dirname(__file__), "..", "scenarios", "networks", "ch-reference.yaml")


@pytest.fixture(scope="module")
def reference() -> HospitalModel:
    assert os.path.exists(REFERENCE), "scenarios/networks/ch-reference.yaml is missing"
    from simulator.model.documents import load_document

    loaded = load_document(REFERENCE)
    return HospitalModel.build(loaded.body, source=str(loaded.path))


def test_reference_network_builds_and_is_consistent(reference, tmp_path):
    m = reference
    net = m.network
    counts = m.counts()
    assert (counts.assets, counts.services, counts.clinical_functions) == (
        len(net.assets), len(net.services), len(net.clinical_functions))
    assert set(m.topo_order) == set(m.assets) | set(m.services) | set(m.functions)
    assert m.internet_facing, "a hospital always has an internet-facing entry point"
    crit = m.critical_dependencies()
    assert set(crit) == set(m.functions)
    for func, assets in crit.items():
        for a in assets:
            assert func in m.blast_radius(a).functions_down
    for entry in sorted(m.internet_facing):
        open_reach = m.reachable_assets([entry])
        assert entry in open_reach
        assert m.reachable_assets([entry], internet_cut=True) <= open_reach
        assert m.reachable_assets([entry], isolated_zones=frozenset(m.zones)) <= set(m.zone_assets[m.asset_zone[entry]])
    g = nx.read_graphml(export.to_graphml(m, tmp_path / "ref.graphml"))
    assert g.number_of_nodes() == len(m.zones) + len(m.topo_order)


def test_reference_network_incremental_state(reference):
    rng = random.Random(600)
    st = HospitalState(reference)
    for _ in range(400):
        random_operation(rng, st)
        assert_matches_full_recomputation(st)
