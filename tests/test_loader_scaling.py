"""Loader work grows with the input, not with its square (timings: bench/loader_limits.py)."""

from __future__ import annotations

from pathlib import Path

from simulator.model import diagnostics
from simulator.model.documents import load_document
from simulator.model.diagnostics import InputError

ROOT = Path(__file__).resolve().parent.parent


def _many_bad_injects(tmp_path, count: int):
    lines = ["scenario:", "  id: many", "  injects:"] + ["    - {a: 1, b: 2}"] * count
    path = tmp_path / "many.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_missing_key_errors_are_deduplicated_in_linear_comparisons(tmp_path, monkeypatch):
    """Regression: each missing-key error was looked for in the list of those already kept
    (`d not in out`): 10,000 `{a: 1, b: 2}` injects ran for minutes. Counted, not timed."""
    calls = 0
    original = diagnostics.Diagnostic.__eq__

    def counting_eq(self, other):
        nonlocal calls
        calls += 1
        return original(self, other)

    path = _many_bad_injects(tmp_path, 600)
    monkeypatch.setattr(diagnostics.Diagnostic, "__eq__", counting_eq)
    try:
        load_document(path)
    except InputError as exc:
        found = exc.diagnostics
    else:
        raise AssertionError("600 injects without their required keys were accepted")
    assert len({(d.line, d.message) for d in found}) == len(found), "a diagnostic is repeated"
    assert any("missing required key" in d.message for d in found)
    assert calls < 20 * 600, f"{calls} comparisons of diagnostics for 600 injects: quadratic"


# ---------------------------------------------------------------- every value counts


def test_every_value_counts_towards_the_limit_not_only_aliased_ones(tmp_path, monkeypatch):
    """Regression (issue 15): the value limit counted only values reached through aliases, so a
    16 MiB flow list of 7.9 million small values took 37 s and 2.35 GB. The limit is lowered
    here so the file stays small; the real figures are in bench/loader_limits.py."""
    from simulator.model import yaml_loader

    monkeypatch.setattr(yaml_loader, "MAX_NODES", 1_000)
    path = tmp_path / "flow.yaml"
    path.write_text("scenario:\n  id: x\n  injects: [" + ",".join(["1"] * 2_000) + "]\n", encoding="utf-8")
    try:
        yaml_loader.load_yaml(path)
    except InputError as exc:
        (d,) = exc.diagnostics
    else:
        raise AssertionError("2,000 values passed a limit of 1,000")
    assert d.line == 3 and d.col > 1_000, d  # at the first value past the limit, not at 1:1
    assert "more than 1,000 values" in d.message and "alias" not in d.message


def test_mappings_and_lists_count_too(tmp_path, monkeypatch):
    from simulator.model import yaml_loader

    monkeypatch.setattr(yaml_loader, "MAX_NODES", 1_000)
    path = tmp_path / "maps.yaml"
    path.write_text("scenario:\n  injects: [" + ",".join(["{}", "[]"] * 600) + "]\n", encoding="utf-8")
    try:
        yaml_loader.load_yaml(path)
    except InputError as exc:
        assert "more than 1,000 values" in exc.diagnostics[0].message
    else:
        raise AssertionError("1,200 empty mappings and lists passed a limit of 1,000")


def test_the_largest_generated_network_stays_under_the_limit():
    """`network generate` at its maximum (60 sites, 60,000 beds) writes about 0.9 million values:
    the limit must leave it loadable. Counted from the generator's data, without YAML."""
    from simulator.hospital.generate import generate_network
    from simulator.model import bounded, yaml_loader

    data = generate_network(sites=60, beds=60_000, seed=0)
    n = bounded.count_values(data, yaml_loader.MAX_NODES)
    assert n < 0.95 * yaml_loader.MAX_NODES, n


# ---------------------------------------------------------------- bounded validation


def _bad_injects(tmp_path, items: list[str]):
    path = tmp_path / "injects.yaml"
    path.write_text("scenario:\n  id: x\n  injects:\n" + "".join(f"    - {i}\n" for i in items), encoding="utf-8")
    return path


def test_a_huge_invalid_document_stops_after_max_errors(tmp_path, monkeypatch):
    """Regression: pydantic made every error of a document at once (about 2 KB each with these
    models): a million empty injects meant gigabytes. Past `bounded.SMALL` values a document is
    checked in pieces, stopping after MAX_ERRORS errors."""
    from simulator.model import bounded

    monkeypatch.setattr(bounded, "SMALL", 300)
    monkeypatch.setattr(bounded, "MAX_ERRORS", 40)
    calls = []
    original = bounded._check

    def counting(annotation, value, loc, out, shift=0):
        calls.append(bounded.count_values(value, 10**9))
        return original(annotation, value, loc, out, shift)

    monkeypatch.setattr(bounded, "_check", counting)
    path = _bad_injects(tmp_path, ["{}"] * 5_000)
    try:
        load_document(path)
    except InputError as exc:
        found = exc.diagnostics
    else:
        raise AssertionError("5,000 empty injects accepted")
    assert len(found) == 41, len(found)
    assert found[-1].message.startswith("stopped after 40 errors")
    assert all(d.line >= 4 for d in found[:-1]) and all("injects[" in d.message for d in found[:-1])
    assert max(calls) <= 300, "one pydantic call saw more values than SMALL"
    assert sum(calls) < 2_000, f"{sum(calls)} values validated before stopping at 40 errors"


def test_piecewise_errors_keep_their_positions(tmp_path, monkeypatch):
    """An error deep in a chunked list is reported at its own line and index."""
    from simulator.model import bounded

    monkeypatch.setattr(bounded, "SMALL", 200)
    good = "{id: i%d, at: 1m, channel: phone, text: T}"
    items = [good % i for i in range(400)]
    items[333] = "{id: bad, at: 1m, channel: pigeon, text: T}"
    path = _bad_injects(tmp_path, items)
    try:
        load_document(path)
    except InputError as exc:
        found = [d for d in exc.diagnostics if "injects[" in d.message]
    else:
        raise AssertionError("an unknown channel was accepted")
    assert [(d.line, d.message.split(":")[0]) for d in found] == [(4 + 333, "scenario.injects[333].channel")]


def test_a_large_valid_document_gives_the_same_model(tmp_path, monkeypatch):
    from simulator.model import bounded
    from simulator.model.network import NetworkFile
    from simulator.model.yaml_loader import load_yaml

    path = ROOT / "scenarios" / "networks" / "ch-reference.yaml"
    data = load_yaml(path).data
    whole = NetworkFile.model_validate(data)
    monkeypatch.setattr(bounded, "SMALL", 50)
    assert bounded.validate(NetworkFile, data) == whole


def test_a_large_mapping_of_unknown_keys_is_reported_piecewise(tmp_path, monkeypatch):
    from simulator.model import bounded

    monkeypatch.setattr(bounded, "SMALL", 100)
    monkeypatch.setattr(bounded, "MAX_ERRORS", 30)
    path = tmp_path / "keys.yaml"
    path.write_text("scenario:\n  id: x\n" + "".join(f"  k{i}: 1\n" for i in range(1_000)), encoding="utf-8")
    try:
        load_document(path)
    except InputError as exc:
        found = exc.diagnostics
    else:
        raise AssertionError("1,000 unknown keys accepted")
    assert len(found) == 31
    assert found[0].message.startswith("unknown key 'k0' in scenario") and found[0].line == 3


# ---------------------------------------------------------------- checks after validation


def test_unknown_references_compare_a_bounded_number_of_candidates(tmp_path, monkeypatch):
    """Regression: each unknown reference was compared with every known id (difflib), sorted
    again each time: 10,000 services needing missing assets among 40,000 took minutes."""
    from simulator.model import validation

    compared = 0
    original = validation.difflib.get_close_matches

    def counting(word, possibilities, n=3, cutoff=0.6):
        nonlocal compared
        compared += len(possibilities)
        return original(word, possibilities, n, cutoff)

    monkeypatch.setattr(validation.difflib, "get_close_matches", counting)
    monkeypatch.setattr(validation, "SUGGEST_BUDGET", 5_000)
    net = (ROOT / "scenarios" / "networks" / "ch-reference.yaml").read_text(encoding="utf-8")
    extra_assets = "".join(f"    - {{id: extra-{i}, name: A, kind: server, zone: servers}}\n" for i in range(1_000))
    bad_services = "".join(f"    - {{id: sv{i}, name: S, category: clinical, needs: [{{asset: extra-{i}x, strength: hard}}]}}\n" for i in range(300))
    net = net.replace("\n  assets:\n", "\n  assets:\n" + extra_assets, 1).replace("\n  services:\n", "\n  services:\n" + bad_services, 1)
    path = tmp_path / "net.yaml"
    path.write_text(net, encoding="utf-8")
    try:
        load_document(path)
    except InputError as exc:
        found = [d.message for d in exc.diagnostics if "depends on a missing asset" in d.message]
    else:
        raise AssertionError("300 missing assets accepted")
    assert len(found) == 300
    assert "did you mean 'extra-0'" in found[0]
    assert not any("did you mean" in m for m in found[-10:])
    assert compared <= 5_000 + 1_200, compared


def test_a_ring_of_injects_is_found_in_linear_work_and_named_briefly(tmp_path, monkeypatch):
    """Regression: a chain of `after` written last-first took one pass over every inject per
    link, and each inject of a ring of N named all N others (N squared names: a 500,000-value
    ring used 800 MB)."""
    from simulator.model import trigger_cycles

    calls = 0
    original = trigger_cycles._reachable

    def counting(*args):
        nonlocal calls
        calls += 1
        return original(*args)

    monkeypatch.setattr(trigger_cycles, "_reachable", counting)
    n = 400
    chain = [trigger_cycles.Stimulus("inject", f"c{i}", ("injects", i), None, None, after=f"c{i + 1}") for i in range(n)]
    chain.append(trigger_cycles.Stimulus("inject", f"c{n}", ("injects", n), 5, None))
    ring = [trigger_cycles.Stimulus("inject", f"r{i}", ("injects", n + 1 + i), None, None, after=f"r{(i + 1) % n}") for i in range(n)]
    dead = trigger_cycles.dead_stimuli(chain + ring, {})
    assert sorted(d.id for d in dead) == sorted(f"r{i}" for i in range(n))
    assert calls < 4 * (2 * n + 1), f"{calls} reachability tests for {2 * n + 1} injects"
    assert all(len(d.message) < 300 for d in dead), dead[0].message
    assert f"and {n - trigger_cycles.RING_NAMES:,} others only fire each other" in dead[0].message
