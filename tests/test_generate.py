"""The GHT generator: reproducible bytes, valid networks, shared IS used everywhere, atomic writes."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from simulator.hospital.generate import SCHEMA_URL, generate_network, write_network
from simulator.model.diagnostics import InputError
from simulator.model.documents import load_document

SHARED_SERVICES = ("ad", "virtualization", "storage", "backup", "network-core", "internet", "ehr", "adt", "eai", "lis",
                   "pacs", "email", "remote-access")


def _load(tmp_path: Path, data: dict, name: str = "ght.yaml"):
    path = tmp_path / name
    write_network(data, path)
    return load_document(path)


def _closure(net, start: str) -> set[str]:
    """Every service a clinical function relies on, directly or through other services."""
    needs = {s.id: [n.service for n in s.needs if n.service] for s in net.services}
    func = next(f for f in net.clinical_functions if f.id == start)
    todo = [n.service for n in func.needs]
    seen: set[str] = set()
    while todo:
        sid = todo.pop()
        if sid not in seen:
            seen.add(sid)
            todo.extend(needs.get(sid, []))
    return seen


@pytest.fixture(scope="module")
def nine_sites(tmp_path_factory):
    """The 9-site, 4,000-bed GHT, written and loaded once for the module (a few seconds)."""
    folder = tmp_path_factory.mktemp("ght9")
    path = folder / "ght9.yaml"
    write_network(generate_network(9, 4000, 42), path)
    start = time.perf_counter()
    loaded = load_document(path)
    return loaded, time.perf_counter() - start


def test_same_seed_gives_identical_bytes(tmp_path):
    write_network(generate_network(3, 900, 7), tmp_path / "a.yaml")
    write_network(generate_network(3, 900, 7), tmp_path / "b.yaml")
    assert (tmp_path / "a.yaml").read_bytes() == (tmp_path / "b.yaml").read_bytes()


def test_different_seeds_give_different_networks():
    a, b = generate_network(3, 900, 1), generate_network(3, 900, 2)
    assert a != b
    beds = lambda d: [s["beds"] for s in d["network"]["sites"]]  # noqa: E731
    assert beds(a) != beds(b)


@pytest.mark.parametrize("sites,beds", [(1, 300), (3, 1200)])
def test_small_networks_validate(tmp_path, sites, beds):
    loaded = _load(tmp_path, generate_network(sites, beds, 11))
    net = loaded.body
    assert len(net.sites) == sites
    assert sum(s.beds for s in net.sites) == net.beds == beds
    assert [s.role for s in net.sites].count("support") == 1
    assert {s.id for s in net.services} >= set(SHARED_SERVICES)


def test_nine_sites_validate_with_thousands_of_assets(nine_sites):
    loaded, seconds = nine_sites
    net = loaded.body
    assert len(net.sites) == 9
    assert len(net.assets) > 2000
    assert seconds < 20, f"loading the 9-site GHT took {seconds:.1f}s"
    kinds = {z.id: z.kind.value for z in net.zones}
    assert kinds["ght-core"] == "datacenter" and kinds["internet-zone"] == "external"


def test_beds_split_unevenly_support_biggest(nine_sites):
    net = nine_sites[0].body
    beds = [s.beds for s in net.sites]
    support = next(s for s in net.sites if s.role == "support")
    assert sum(beds) == 4000
    assert support.beds == max(beds) and beds.count(support.beds) == 1
    assert len(set(beds)) > 3


def test_shared_ad_and_ehr_used_by_every_site(nine_sites):
    net = nine_sites[0].body
    for site in net.sites:
        used: set[str] = set()
        for func in net.clinical_functions:
            if func.site == site.id:
                used |= _closure(net, func.id)
        assert {"ad", "ehr"} <= used, site.id


def test_shared_services_sit_in_the_ght_datacenter(nine_sites):
    net = nine_sites[0].body
    services = {s.id: s for s in net.services}
    zones = {z.id: z for z in net.zones}
    assets = {a.id: a for a in net.assets}
    for sid in SHARED_SERVICES:
        assert services[sid].site is None
        for need in services[sid].needs:
            if need.asset:
                assert zones[assets[need.asset].zone].site is None, (sid, need.asset)


def test_every_site_reaches_the_core_and_the_other_sites(nine_sites):
    net = nine_sites[0].body
    pairs = {(f.from_zone, f.to_zone) for f in net.flows} | {(f.to_zone, f.from_zone) for f in net.flows if f.bidirectional}
    site_zones = [z for z in net.zones if z.site is not None]
    for zone in site_zones:
        assert (zone.id, "ght-core") in pairs, zone.id
    ids = [s.id for s in net.sites]
    for a in ids:
        for b in ids:
            if a != b:
                assert (f"{a}-net-servers", f"{b}-net-servers") in pairs


def test_workstations_about_two_and_a_half_per_bed(nine_sites):
    net = nine_sites[0].body
    zone_site = {z.id: z.site for z in net.zones}
    for site in net.sites:
        ws = sum(a.count for a in net.assets if a.kind.value == "workstations" and zone_site[a.zone] == site.id)
        assert 2.0 * site.beds <= ws <= 3.3 * site.beds, (site.id, ws, site.beds)


def test_capacity_leaves_headroom_over_demand(nine_sites):
    net = nine_sites[0].body
    for func in net.clinical_functions:
        hours = 24.0 if func.pattern.value != "business-hours" else 10.0 * 5 / 7
        assert func.capacity_per_hour * hours >= 1.4 * func.arrivals_per_day, func.id


def test_header_names_schema_and_parameters(tmp_path):
    path = tmp_path / "ght.yaml"
    write_network(generate_network(2, 200, 5), path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == f"# yaml-language-server: $schema={SCHEMA_URL}"
    assert "--sites 2 --beds 200 --seed 5" in lines[1]


def test_header_points_to_checkout_schema(tmp_path):
    (tmp_path / "schemas").mkdir()
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    out = tmp_path / "scenarios" / "networks"
    out.mkdir(parents=True)
    write_network(generate_network(1, 100, 5), out / "g.yaml")
    first = (out / "g.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../schemas/network.schema.json"


def test_missing_folder_raises_and_writes_nothing(tmp_path):
    target = tmp_path / "missing" / "ght.yaml"
    with pytest.raises(InputError) as info:
        write_network(generate_network(1, 100, 1), target)
    assert "does not exist" in str(info.value)
    assert not target.exists() and not (tmp_path / "missing").exists()


def test_write_failure_leaves_no_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "ght.yaml"
    target.write_text("previous content\n", encoding="utf-8")

    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(InputError) as info:
        write_network(generate_network(1, 100, 1), target)
    assert "No space left" in str(info.value)
    assert target.read_text(encoding="utf-8") == "previous content\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ght.yaml"]


@pytest.mark.parametrize("args", [(0, 100, 1), (100, 10_000, 1), (3, 30, 1), (2, "400", 1), (True, 100, 1)])
def test_bad_parameters_are_input_errors(args):
    with pytest.raises(InputError):
        generate_network(*args)
