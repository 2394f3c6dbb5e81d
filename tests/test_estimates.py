"""Estimates that do not lie, refusals known before the command is given (issue 11 #7, engine side)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.engine.headless import load_exercise, run_exercise
from tests.engine_helpers import exercise, variant

ROOT = Path(__file__).resolve().parent.parent
FLAGSHIP = ROOT / "scenarios" / "ransomware-weekend-night.yaml"

COMMANDS = [
    "declare-crisis", "isolate zone:servers", "reconnect zone:servers", "cut-internet", "restore-internet",
    "disable-remote-access", "enable-remote-access", "reset-credentials krbtgt", "reset-credentials privileged",
    "eradicate", "restore service:ehr", "restore asset:dc1", "rebuild service:ad", "rebuild asset:dc1",
    "degraded-mode all", "normal-mode all", "divert on", "divert off", "cancel-elective all", "transfer emergency 2",
    "notify cert-sante", "request-support pris", "prioritise ehr", "pay-ransom", "take-offline asset:dc1",
    "bring-online asset:dc1", "isolate zone:nowhere", "frobnicate", "module next", "inject printers",
]


def _flagship_commands(ex):
    out = list(COMMANDS)
    out += [f"decide {p.id} {o.id}" for p in ex.pending_decisions() for o in ex.decisions[p.id].options[:2]]
    out += [f"extend {p.id} 30m" for p in ex.pending_decisions()]
    return out


def _run(ask: bool):
    ex = load_exercise(FLAGSHIP, 3, "textbook")
    records = []
    ex.subscribe(lambda e: records.append(json.dumps(e.to_record(), sort_keys=True)))
    t = 0.0
    asked = 0
    while t < ex.duration:
        t += 30
        ex.advance(t)
        if ask:
            for text in _flagship_commands(ex):
                ex.would_refuse(text)
                ex.would_refuse(text, source="policy")
                estimate = ex.estimate(text)
                estimate.text("fr")
                asked += 1
    run_exercise(ex, "end")
    return records, json.dumps(ex.kpis(), sort_keys=True), ex.events_processed, asked


def test_estimates_and_checks_change_nothing_in_the_run():
    plain = _run(False)
    asked = _run(True)
    assert asked[3] > 3000
    assert asked[0] == plain[0]  # every event, byte for byte
    assert asked[1:3] == plain[1:3]


@pytest.mark.parametrize("at", [30.0, 200.0, 900.0, 2400.0])
def test_would_refuse_says_what_submit_will_answer(at):
    commands = COMMANDS + ["decide nope x", "extend nope 10m", "rate alert crisis-cell Z", "note", "note l'équipe"]
    for text in commands:
        ex = exercise(seed=2)
        ex.advance(at)
        predicted = ex.would_refuse(text)
        result = ex.submit(text)
        assert (predicted is None) == result.accepted, (at, text, predicted, result)
        if predicted is not None:
            assert predicted == (result.code, result.params), (at, text)


def _fixed(tmp_path):
    """The fixture scenario with fixed durations and without the IT department's own plan:
    an estimate must then be the engine's schedule exactly."""
    def mutate(sc):
        sc["actions"] = {
            "restore": {"duration": "2h", "staff": 2},
            "rebuild": {"duration": "3h", "staff": 2},
            "eradicate": {"duration": "10h"},
            "isolate": {"duration": "45m", "staff": 1},
        }
        sc["engine"] = {**sc.get("engine", {}), "it_plan_enabled": 0}
    return variant(tmp_path, mutate)


def test_with_fixed_durations_the_estimate_is_the_engine_schedule(tmp_path):
    ex = load_exercise(_fixed(tmp_path), 1, None)
    ex.advance(30)
    assert ex.submit("declare-crisis").accepted
    ex.advance(200)  # the recall is in: technicians on duty
    erad = ex.estimate("eradicate")
    assert erad.refused is None and erad.units[0].work_mean == erad.units[0].work_upper
    assert ex.submit("eradicate").accepted
    expected_eradicated = erad.end_mean
    blocked = ex.estimate("restore service:ehr")
    assert blocked.refused is not None and blocked.refused[0] in ("before-eradication", "eradication-running")
    assert blocked.available_at == pytest.approx(expected_eradicated)
    ex.advance(expected_eradicated + 1)
    assert ex.facts["eradicated"] == pytest.approx(expected_eradicated)
    # queue work ahead so that the restore waits for technicians
    assert ex.submit("isolate zone:clinical", source="policy").accepted
    est = ex.estimate("rebuild service:ehr", source="policy")
    assert est.refused is None and len(est.units) >= 2, est
    assert max(u.start for u in est.units) > ex.now + 60  # some units wait for technicians
    assert ex.submit("rebuild service:ehr", source="policy").accepted
    jobs = [j for j in ex.jobs if j.action == "rebuild"]
    while any(j.finished_at is None for j in jobs):
        ex.advance(ex.now + 30)
    by_asset = {j.asset: j for j in jobs}
    for unit in est.units:
        job = by_asset[unit.asset]
        assert unit.start == pytest.approx(job.started_at), unit
        assert unit.end_mean == pytest.approx(job.finished_at) == pytest.approx(unit.end_upper)
    assert est.end_mean == pytest.approx(max(j.finished_at for j in jobs))


def test_the_flagship_restore_estimate_counts_the_queue_and_the_fixed_hours():
    """'Restore → EHR: ~11h (≤ 1d)' took about 44 h: the action's base delay alone left out the
    machine hours of each asset and the technicians' queue. The estimate is the engine's plan."""
    ex = load_exercise(FLAGSHIP, 0, None)
    ex.advance(120)
    ex.submit("declare-crisis")
    ex.submit("request-support pris")
    ex.advance(300)
    assert ex.submit("eradicate").accepted
    while "eradicated" not in ex.facts:
        ex.advance(ex.now + 60)
    ex.advance(ex.now + 1)
    cell = ex.estimate("restore service:ehr")
    assert cell.refused is not None and cell.refused[0] in ("staff-busy", "staff-busy-until")  # said before it is given
    est = ex.estimate("restore service:ehr", source="policy")
    base = ex.actions["restore"].duration
    assert est.end_mean - ex.now > 2 * base.mean()  # more than the base delay the room used to show
    assert ex.submit("restore service:ehr", source="policy").accepted
    jobs = [j for j in ex.jobs if j.action == "restore" and j.source == "policy"]
    while any(j.finished_at is None for j in jobs):
        ex.advance(ex.now + 60)
    actual = max(j.finished_at for j in jobs)
    assert est.start <= min(j.started_at for j in jobs) + 1e-6
    assert est.start == pytest.approx(min(j.started_at for j in jobs))
    assert 0.8 * (est.end_mean - ex.now) < actual - est.now < 1.2 * (est.end_upper - est.now)
    assert "~" in est.text("fr") and est.leaves_out_text("fr")


def test_refusals_and_estimates_read_in_french():
    ex = load_exercise(FLAGSHIP, 0, None)
    ex.advance(120)
    before = ex.estimate("restore service:ehr")
    assert before.refused[0] == "before-eradication"
    assert before.text("fr").startswith("refusé maintenant : ")
    ad = ex.would_refuse("reset-credentials krbtgt")
    assert ad is not None and ad[0] in ("ad-down", "staff-short", "staff-busy", "staff-busy-until")
    support = ex.estimate("request-support pris")
    assert support.refused is None and support.text("fr").startswith("~")
    paper = ex.estimate("degraded-mode all")
    assert paper.effect_at is not None and paper.text("fr").startswith("effet vers T+")
    assert all(text and "{" not in text for text in paper.leaves_out_text("fr"))
