"""Response actions: refusals with reasons (never a crash), containment that works, recovery rules."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.engine.commands import Act, Command, Decide, FireInject, NoteCmd, Rate, parse_command
from simulator.model.command_text import CommandSyntaxError
from tests.engine_helpers import SCENARIO, exercise, fixture_data, variant, write_variant
from tests.test_scenario_model import FIXTURE_PATHS, _set


def test_asset_isolated_before_the_attacker_reaches_it_is_never_encrypted(tmp_path):
    path = variant(tmp_path, lambda s: s["threat"]["stages"][-1].update(at="T+3h"))
    for seed in range(8):
        ex = exercise(path, seed)
        ex.advance(0)
        assert ex.submit(parse_command("isolate ehr-db", ex.index)).accepted
        ex.advance(ex.duration)
        assert ex.attacker.stage_state("encryption") == "done"
        assert "ehr-db" not in ex.encrypted_ever
        assert "ehr-app" in ex.encrypted_ever  # its neighbour, not isolated, falls


def test_isolating_a_zone_protects_all_of_it(tmp_path):
    path = variant(tmp_path, lambda s: s["threat"]["stages"][-1].update(at="T+3h"))
    ex = exercise(path, 1)
    ex.advance(0)
    assert ex.submit("isolate zone:servers")
    ex.advance(ex.duration)
    servers = set(ex.model.zone_assets["servers"])
    assert not servers & ex.encrypted_ever


def test_restore_without_intact_backup_is_refused_with_the_reason(tmp_path):
    def no_tape(s):
        s["overrides"].append({"asset": "backup-tape", "remove": True})
        s["actions"] = {"restore": {"params": {"requires_eradication": 0}}}

    ex = exercise(variant(tmp_path, no_tape), 2)
    ex.advance(120)
    assert "backup-online" in ex.destroyed_backups
    res = ex.submit("restore ehr-db")
    assert not res.accepted
    assert "restore impossible" in res.reason and "no intact backup" in res.reason
    assert "online backups destroyed at T-" in res.reason


def test_restore_waits_for_eradication_and_then_brings_services_back():
    ex = exercise(SCENARIO, 3)
    ex.advance(60)
    res = ex.submit("restore ehr-db")
    assert not res.accepted and "eradicat" in res.reason
    assert ex.submit("declare-crisis")
    ex.advance(60 * 4)
    assert ex.submit("eradicate")
    ex.advance(60 * 24 * 30)
    assert ex.eradicated
    for cmd in ("restore service:ehr", "restore service:virtualization", "rebuild service:ad"):
        ex.submit(cmd)
    ex.advance(ex.now + 60 * 24 * 20)
    assert ex.state.available("ehr") == "up"


def test_staff_busy_at_night_until_the_crisis_is_declared():
    ex = exercise(SCENARIO, 0)
    ex.advance(30)  # Saturday 1:30 a.m.: one technician on call
    res = ex.submit("eradicate")
    assert not res.accepted and res.reason.startswith("staff busy") and "declare the crisis" in res.reason
    assert ex.submit("declare-crisis").accepted
    assert ex.submit("eradicate").accepted  # queued for the recalled staff
    ex.advance(30 + 125)
    assert ex.snapshot().staff.on_duty > 1


def test_repeated_and_impossible_commands_are_refused():
    ex = exercise(SCENARIO, 0)
    ex.advance(10)
    assert ex.submit("declare-crisis")
    assert not ex.submit("declare-crisis").accepted
    assert ex.submit("cut-internet")
    ex.advance(200)
    assert "already cut" in ex.submit("cut-internet").reason
    assert "not isolated" in ex.submit("reconnect zone:servers").reason
    assert "not offline" in ex.submit("bring-online dc1").reason
    assert "no elective" in ex.submit("cancel-elective emergency").reason
    assert "already taken" in ex.submit(Decide("cut-internet", "maybe")).reason
    assert "not been put" in ex.submit(Decide("ransom", "pay")).reason
    assert "unknown decision" in ex.submit(Decide("nope", "x")).reason
    assert "unknown inject" in ex.submit(FireInject("nope")).reason
    assert "already delivered" in ex.submit(FireInject("printers")).reason
    assert "checked automatically" in ex.submit(Rate("alert", "cert-sante", "P")).reason
    assert ex.submit(Rate("alert", "crisis-cell", "S")).accepted
    assert ex.submit(NoteCmd("the director arrived")).accepted
    assert "unknown asset" in ex.submit(Act("isolate", "asset:nope")).reason
    assert not ex.submit("frobnicate everything").accepted


def test_commands_before_t0_are_refused():
    ex = exercise(SCENARIO, 0)
    ex.advance(-600)
    assert "starts at T+0" in ex.submit("declare-crisis").reason


def test_decision_default_applies_at_the_deadline():
    ex = exercise(SCENARIO, 0)
    seen = []
    ex.subscribe(lambda e: seen.append(e) if e.kind == "decision-made" else None)
    ex.advance(60)
    assert [p.id for p in ex.pending_decisions()] == ["cut-internet"]
    ex.advance(60 + 30)
    assert seen and seen[0].option == "wait" and seen[0].by == "default" and seen[0].t == 90
    assert ex.flags["internet-kept"] is True
    assert not ex.pending_decisions()


def test_decision_options_take_effect():
    ex = exercise(SCENARIO, 0)
    ex.advance(61)
    assert "no option" in ex.submit(Decide("cut-internet", "maybe")).reason
    assert ex.submit("decide cut-internet cut")
    ex.advance(200)
    assert ex.state.internet_cut and ex.remote_access_disabled
    assert ex.state.available("internet") == "down"


def test_regulatory_clocks_start_on_awareness_and_are_met_or_missed():
    ex = exercise(SCENARIO, 0)
    ex.advance(60)
    assert "awareness" in ex.facts
    assert ex.clocks["cert-sante"].state() == "running"
    ex.submit("notify cert-sante")
    ex.advance(ex.duration)
    assert ex.clocks["cert-sante"].state() == "met"
    assert ex.clocks["gdpr-72h"].state() == "missed"
    assert ex.clocks["nis2-1m"].state() == "running"


def test_pay_ransom_is_allowed_and_recorded():
    ex = exercise(SCENARIO, 0)
    ex.advance(100)
    assert ex.submit("pay-ransom").accepted
    assert "already" in ex.submit("pay-ransom").reason
    ex.advance(100 + 6 * 1440)  # negotiation takes days
    assert "ransom-paid" in ex.facts and ex.kpis()["ransom_paid"] is True


def test_transfer_moves_waiting_patients():
    ex = exercise(SCENARIO, 0)
    ex.advance(12 * 60)
    waiting = ex.clinical.flows["emergency"].waiting
    assert waiting > 3
    assert ex.submit("transfer emergency 3").accepted
    ex.advance(ex.now + 5 * 60)
    assert 0 < ex.clinical.flows["emergency"].transferred <= 3


TEXTS = [
    "isolate zone:servers", "isolate dc1", "reconnect zone:servers", "cut-internet", "restore-internet",
    "disable-remote-access", "enable-remote-access", "reset-credentials krbtgt", "reset-credentials users",
    "take-offline mail", "bring-online mail", "eradicate", "restore ehr-db", "rebuild service:ad", "restore service:ehr",
    "degraded-mode all", "normal-mode emergency", "divert on", "divert off", "cancel-elective all", "resume-elective surgery",
    "transfer emergency 2", "notify cnil", "notify anssi", "communicate press", "request-support anssi", "pay-ransom",
    "declare-crisis", "decide cut-internet cut", "decide ransom pay", "inject toilets", "rate alert crisis-cell M",
    "note hello", "isolate nowhere", "transfer emergency 0", "notify", "restore", "decide", "rate a b Z", "divert maybe",
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(min_value=0, max_value=1000),
    script=st.lists(st.tuples(st.integers(min_value=-60, max_value=6000), st.sampled_from(TEXTS)), max_size=25),
)
def test_property_any_command_script_never_crashes_and_conserves_patients(seed, script):
    ex = exercise(SCENARIO, seed)
    for t, text in sorted(script, key=lambda x: x[0]):
        ex.advance(max(t, ex.now))
        try:
            cmd: Command | str = parse_command(text, ex.index)
        except CommandSyntaxError:
            cmd = text
        res = ex.submit(cmd)
        assert res.accepted or res.reason
    ex.advance(max(ex.now, 6000))
    for fl in ex.clinical.flows.values():
        assert abs(fl.arrivals - (fl.treated + fl.waiting + fl.diverted + fl.transferred + fl.left)) < 1e-6 * max(1.0, fl.arrivals)
    ex.snapshot()


VALIDISH = ["T+1h", "T+0m", "2h", "0m", "it", "cut", "wait", "printers", "encryption", "cert-sante", "surgery",
            "emergency", "dc1", "zone:servers", 1, 0.5, "1d", True, False, None, [], "T+3d"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_property_any_valid_scenario_variant_runs(tmp_path, data):
    """Odd but valid scenarios (found by editing the fixture at random) run to recovery without a crash."""
    import copy

    from simulator.engine.exercise import Exercise
    from simulator.engine.headless import run_exercise
    from simulator.model.diagnostics import InputError
    from simulator.model.documents import load_document
    from simulator.model.policy import builtin_policy
    scenario = copy.deepcopy(fixture_data())
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(FIXTURE_PATHS))
        try:
            _set(scenario["scenario"], path, copy.deepcopy(data.draw(st.sampled_from(VALIDISH))))
        except (KeyError, IndexError, TypeError):
            pass
    path = write_variant(tmp_path, scenario)
    try:
        loaded = load_document(path)
    except InputError:
        return
    ex = Exercise(loaded.model.scenario, loaded.context["network"], seed=data.draw(st.integers(0, 99)),
                  policy=builtin_policy(data.draw(st.sampled_from(["passive", "textbook"]))))
    run_exercise(ex, "recovery")
    ex.snapshot()
    for fl in ex.clinical.flows.values():
        assert abs(fl.arrivals - (fl.treated + fl.waiting + fl.diverted + fl.transferred + fl.left)) < 1e-6 * max(1.0, fl.arrivals)
