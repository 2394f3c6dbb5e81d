"""Policies: textbook beats passive on care outcomes over many seeds; runs reach recovery."""

from __future__ import annotations

import statistics

import pytest

from simulator.engine.headless import run_headless
from tests.conftest import SCENARIOS
from tests.engine_helpers import SCENARIO

FLAGSHIP = SCENARIOS / "ransomware-weekend-night.yaml"


def _means(path, policy, seeds, until="end"):
    runs = [run_headless(path, seed=s, policy=policy, until=until).to_json()["kpis"] for s in seeds]
    return (
        statistics.fmean(r["patients_diverted"] for r in runs),
        statistics.fmean(r["procedures_cancelled"] for r in runs),
    )


@pytest.mark.parametrize("path", [SCENARIO, FLAGSHIP], ids=["fixture", "flagship"])
def test_textbook_beats_passive_over_50_seeds(path):
    assert path.exists(), f"{path} is missing"
    seeds = range(50)
    passive = _means(path, "passive", seeds)
    textbook = _means(path, "textbook", seeds)
    assert textbook[0] < passive[0], (textbook, passive)
    assert textbook[1] < passive[1], (textbook, passive)


def test_textbook_recovers_first_and_passive_recovers_on_its_own():
    """The IT department works its own plan without a cell (engine/recovery.py): passive recovers, later."""
    tb = run_headless(SCENARIO, seed=1, policy="textbook", until="recovery").to_json()
    assert tb["recovered_at"] is not None and not tb["recovery_guard_reached"]
    assert tb["kpis"]["ehr_downtime_minutes"] == pytest.approx(tb["recovered_at"], abs=1e-6) or tb["kpis"]["ehr_downtime_minutes"] <= tb["recovered_at"]
    passive = run_headless(SCENARIO, seed=1, policy="passive", until="recovery").to_json()
    assert passive["recovered_at"] is not None and not passive["recovery_guard_reached"]
    assert passive["recovered_at"] > tb["recovered_at"]


def test_a_run_that_reaches_the_recovery_guard_says_so(tmp_path):
    """Without the IT department's own plan nobody restores anything: the run stops at
    `recovery_max_days` and the result says it reached that guard instead of recovering."""
    from tests.engine_helpers import variant

    path = variant(tmp_path, lambda s: s.setdefault("engine", {}).update(it_plan_enabled=0, recovery_max_days=20))
    data = run_headless(path, seed=1, policy="passive", until="recovery").to_json()
    assert data["recovered_at"] is None
    assert data["recovery_guard_reached"] is True
    assert data["sim_minutes"] == pytest.approx(20 * 1440)


def test_run_result_has_the_promised_keys():
    data = run_headless(SCENARIO, seed=0, policy="scenario-defaults", until="end").to_json()
    for key in ("scenario", "seed", "policy", "sim_minutes", "events", "kpis", "clocks", "objectives"):
        assert key in data
    for k in ("ehr_downtime_minutes", "service_downtime_minutes", "patients_diverted", "procedures_cancelled",
              "ed_volume_change_week1_pct", "lab_turnaround_change_pct", "assets_encrypted", "records_exfiltrated"):
        assert k in data["kpis"]
    assert data["events"] > 100
    assert {c["id"] for c in data["clocks"]} >= {"gdpr-72h", "nis2-24h", "nis2-72h", "nis2-1m", "cert-sante", "police-72h"}
    for c in data["clocks"]:
        assert set(c) >= {"id", "deadline", "met_at"}
    assert [o["id"] for o in data["objectives"]] == ["alert", "care"]
    assert all(o["rating"] in ("P", "S", "M", "U", None) for o in data["objectives"])


def test_until_a_duration():
    data = run_headless(SCENARIO, seed=0, policy="passive", until="6h").to_json()
    assert data["sim_minutes"] == 360


def test_policy_file(tmp_path):
    p = tmp_path / "cell.yaml"
    p.write_text(
        "policy:\n  id: quick-notify\n  name: Quick\n  rules:\n    - id: n\n      on: {fact: awareness}\n      delay: 10m\n      do: [\"notify cert-sante\", \"notify cnil\"]\n",
        encoding="utf-8",
    )
    data = run_headless(SCENARIO, seed=0, policy=str(p)).to_json()
    assert data["policy"] == "quick-notify"
    alert = next(o for o in data["objectives"] if o["id"] == "alert")
    assert {t["id"]: t["rating"] for t in alert["tasks"]}["cert-sante"] == "P"
