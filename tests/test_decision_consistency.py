"""A decision's default that contradicts what the cell already did is not applied silently (issue 11 #4)."""

from __future__ import annotations

from pathlib import Path

from simulator.engine.consistency import CONSISTENT, consistent_option
from simulator.engine.headless import load_exercise, run_exercise
from simulator.i18n import t

ROOT = Path(__file__).resolve().parent.parent
FLAGSHIP = ROOT / "scenarios" / "ransomware-weekend-night.yaml"
DATA_THEFT = ROOT / "scenarios" / "data-theft-extortion.yaml"


def _made(ex):
    made = {}
    ex.subscribe(lambda e: made.__setitem__(e.decision, (e.option, e.by)) if e.kind == "decision-made" else None)
    return made


def _until_pending(ex, did, limit=72 * 60):
    t = max(ex.now, 0.0)
    while did not in ex.pending and t < limit:
        t += 5
        ex.advance(t)
    assert did in ex.pending, f"{did} never put to the cell"


def test_asking_the_pris_for_help_is_not_overruled_by_the_default_internal():
    ex = load_exercise(FLAGSHIP, 0, None)
    made = _made(ex)
    _until_pending(ex, "call-pris")
    assert ex.submit("request-support pris").accepted
    deadline = ex.pending["call-pris"].deadline
    ex.advance(deadline + 1)
    assert made["call-pris"] == ("pris", CONSISTENT)  # not ("internal", "default")
    assert ex.flags.get("it-alone") is None  # the default's flag ("the IT team alone") is not set
    requests = [r.source for r in ex.actions_taken["request-support"]]
    assert requests == ["cell"]  # the engine did not order the rest of the option for the cell
    assert "notify" not in ex.actions_taken or all(not r.source.startswith("decision:") for r in ex.actions_taken["notify"])


def test_the_default_stands_when_the_cell_did_nothing_of_another_option():
    ex = load_exercise(FLAGSHIP, 0, None)
    made = _made(ex)
    _until_pending(ex, "call-pris")
    ex.advance(ex.pending["call-pris"].deadline + 1)
    assert made["call-pris"] == ("internal", "default")


def test_an_action_several_options_share_is_no_evidence():
    """CERT Santé is asked in both 'PRIS' and 'State': neither is the cell's choice."""
    ex = load_exercise(FLAGSHIP, 0, None)
    _until_pending(ex, "call-pris")
    assert ex.submit("request-support cert-sante").accepted
    assert consistent_option(ex, "call-pris") is None
    assert ex.submit("request-support anssi").accepted
    assert consistent_option(ex, "call-pris") == "state"


def test_declaring_the_crisis_does_not_make_the_cell_have_cut_the_internet():
    """data-theft-extortion's 'cut' option bundles declare-crisis with the cut: declaring is no cut."""
    ex = load_exercise(DATA_THEFT, 0, None)
    made = _made(ex)
    _until_pending(ex, "cut-internet")
    assert ex.submit("declare-crisis").accepted
    assert consistent_option(ex, "cut-internet") is None
    assert ex.submit("cut-internet").accepted
    assert consistent_option(ex, "cut-internet") == "cut"
    ex.advance(ex.pending["cut-internet"].deadline + 1)
    assert made["cut-internet"] == ("cut", CONSISTENT)
    assert ex.flags.get("internet-kept") is None


def test_a_decision_the_cell_takes_is_never_rewritten():
    ex = load_exercise(FLAGSHIP, 0, None)
    made = _made(ex)
    _until_pending(ex, "call-pris")
    assert ex.submit("request-support pris").accepted
    assert ex.submit("decide call-pris internal").accepted
    assert made["call-pris"] == ("internal", "cell")


def test_passive_runs_never_apply_a_consistent_option():
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        ex = load_exercise(path, 0, "passive")
        made = _made(ex)
        run_exercise(ex, "end")
        assert all(by != CONSISTENT for _o, by in made.values()), path.name


def test_the_room_can_say_why():
    assert t("engine.decision.by.consistent", "fr") == "appliquée selon ce que la cellule a déjà fait"
    assert t("engine.decision.by.consistent", "en") == "applied as the cell had already acted"
