"""Regressions in the scenario and policy models (one test per fixed bug)."""

from __future__ import annotations

import pytest

from simulator.model.distributions import Fixed
from simulator.model.scenario import After
from tests.engine_helpers import exercise, variant


def test_after_without_delay_is_a_validated_zero_delay():
    after = After(stage="discovery")
    assert after.delay == Fixed(fixed="0m")


def test_stage_after_without_delay_runs(tmp_path):
    def mutate(s):
        s["threat"]["stages"][1]["after"] = {"stage": "discovery"}

    ex = exercise(variant(tmp_path, mutate), seed=3)
    ex.advance(ex.duration)
    assert ex.now == ex.duration


# ------------------------------------------------------------ strict scalars


def _load_error(tmp_path, mutate) -> str:
    from simulator.model.diagnostics import InputError
    from simulator.model.documents import load_document

    path = variant(tmp_path, mutate)
    with pytest.raises(InputError) as info:
        load_document(path, expect="scenario")
    return str(info.value) + " ".join(str(d) for d in getattr(info.value, "diagnostics", []))


@pytest.mark.parametrize(
    "mutate",
    [
        lambda s: s["threat"].__setitem__("hurry_when_detected", "yes"),
        lambda s: s["threat"]["actor"].__setitem__("ransom_eur", "3"),
        lambda s: s["threat"]["actor"].__setitem__("ransom_eur", 2.5),
        lambda s: s["threat"]["stages"][1].__setitem__("detect", {"base": "0.5"}),
        lambda s: s["threat"]["stages"][1].__setitem__("detect", {"base": True}),
        lambda s: s["decisions"][0].__setitem__("pause_clock", "true"),
        lambda s: s.__setitem__("engine", {"avoidance_fraction": "0.2"}),
        lambda s: s.__setitem__("actions", {"restore": {"staff": "2"}}),
        lambda s: s["injects"][0].__setitem__("noise", 1),
    ],
)
def test_scenario_scalars_are_not_coerced(tmp_path, mutate):
    assert _load_error(tmp_path, mutate)


def test_condition_scalars_are_not_coerced():
    from pydantic import TypeAdapter, ValidationError

    from simulator.model.conditions import Condition

    adapter = TypeAdapter(Condition)
    for bad in ({"flag": "x", "value": "no"}, {"inject": "x", "fired": 0}, {"clinical": "ed", "above": "3"},
                {"action": "eradicate", "done": "yes"}):
        with pytest.raises(ValidationError):
            adapter.validate_python(bad)
    assert adapter.validate_python({"clinical": "ed", "above": 3}).above == 3.0


def test_integer_numbers_still_fill_float_fields(tmp_path):
    from simulator.model.documents import load_document

    def mutate(s):
        s["engine"] = {"avoidance_fraction": 0}
        s["threat"]["stages"][1]["detect"] = {"base": 1}

    load_document(variant(tmp_path, mutate), expect="scenario")


# ------------------------------------------------------------ detected: technique ids


def test_detected_accepts_a_technique_id(tmp_path):
    from simulator.model.documents import load_document

    def mutate(s):
        s["injects"].append({"id": "edr-ransom", "when": {"detected": "T1486"}, "channel": "siem-alert", "text": "EDR: ransomware"})
        s["injects"].append({"id": "edr-creds", "when": {"detected": "T1003.001"}, "channel": "siem-alert", "text": "EDR: LSASS"})

    path = variant(tmp_path, mutate)
    load_document(path, expect="scenario")
    ex = exercise(path, seed=1)
    cond = next(i.when for i in ex.scenario.injects if i.id == "edr-ransom")
    assert not ex.evaluate(cond)
    ex.alert_noticed("ransomware behaviour", "encryption", "T1486", "")
    assert ex.evaluate(cond)


@pytest.mark.parametrize("bad", ["T148", "T1486.1", "Encryption"])
def test_detected_rejects_malformed_names(bad):
    from pydantic import TypeAdapter, ValidationError

    from simulator.model.conditions import Condition

    with pytest.raises(ValidationError):
        TypeAdapter(Condition).validate_python({"detected": bad})


# ------------------------------------------------------------ sources


def test_sources_are_validated_and_shown_in_the_facilitator_kit(tmp_path):
    from simulator.guide import FILE_NAMES, build_kit, load_source
    from simulator.model.diagnostics import InputError
    from simulator.model.documents import load_document

    def good(s):
        s["sources"] = [{"title": {"fr": "CH Exemple, rançongiciel", "en": "CH Example, ransomware"},
                         "url": "https://example.org/ch-exemple", "date": "2022-08-21"}]

    path = variant(tmp_path, good)
    sc = load_document(path, expect="scenario").model.scenario
    assert sc.sources[0].date.isoformat() == "2022-08-21"
    for lang, title in (("fr", "CH Exemple, rançongiciel"), ("en", "CH Example, ransomware")):
        kit = build_kit(load_source(path), lang)
        fac = kit[FILE_NAMES[lang]["facilitator"]].decode("utf-8")
        assert f"{title} (2022-08-21) — [https://example.org/ch-exemple](https://example.org/ch-exemple)" in fac
        assert "example.org" not in kit[FILE_NAMES[lang]["player"]].decode("utf-8")

    for bad in ({"title": "x", "url": "example.org"}, {"title": "x"}, {"title": "x", "url": "https://a.b", "date": "août 2022"}):
        with pytest.raises(InputError):
            load_document(variant(tmp_path, lambda s, bad=bad: s.__setitem__("sources", [bad])), expect="scenario")


def test_every_shipped_scenario_names_its_sources():
    from pathlib import Path

    from simulator.model.documents import load_document

    for path in sorted((Path(__file__).resolve().parent.parent / "scenarios").glob("*.yaml")):
        sc = load_document(path, expect="scenario").model.scenario
        assert sc.sources, path.name
        assert all(s.url.startswith("https://") for s in sc.sources)


# ------------------------------------------------------------ recommended options


def _mark_recommended(s, decision="cut-internet", option="cut"):
    d = next(d for d in s["decisions"] if d["id"] == decision)
    next(o for o in d["options"] if o["id"] == option)["recommended"] = True


def test_at_most_one_recommended_option_per_decision(tmp_path):
    from simulator.model.diagnostics import InputError
    from simulator.model.documents import load_document

    def two(s):
        _mark_recommended(s, "cut-internet", "cut")
        _mark_recommended(s, "cut-internet", "wait")

    with pytest.raises(InputError) as info:
        load_document(variant(tmp_path, two), expect="scenario")
    assert "at most one recommended option" in str(info.value) + "".join(str(d) for d in info.value.diagnostics)


def test_textbook_follows_recommended_options_and_defaults_keep_defaults(tmp_path):
    from simulator.model.policy import builtin_policy

    def mutate(s):
        _mark_recommended(s, "ransom", "pay")  # a perverse mark, to see who follows it

    path = variant(tmp_path, mutate)
    assert builtin_policy("textbook").follow_recommended
    chosen = {}
    for policy in ("textbook", "scenario-defaults", "passive"):
        ex = exercise(path, seed=2, policy=policy)
        ex.advance(ex.duration)
        chosen[policy] = ex.decisions_made.get("ransom", (None,))[0]
    assert chosen["textbook"] == "pay"
    assert chosen["scenario-defaults"] in (None, "refuse") and chosen["passive"] in (None, "refuse")
    assert chosen["scenario-defaults"] == chosen["passive"]


def test_explicit_policy_decisions_win_over_recommended(tmp_path):
    def mutate(s):
        _mark_recommended(s, "cut-internet", "wait")

    ex = exercise(variant(tmp_path, mutate), seed=2, policy="textbook")  # textbook lists cut-internet: cut
    ex.advance(ex.duration)
    assert ex.decisions_made["cut-internet"][0] == "cut"


def test_shipped_scenarios_mark_good_practice():
    from pathlib import Path

    from simulator.model.documents import load_document

    root = Path(__file__).resolve().parent.parent / "scenarios"
    flagship = load_document(root / "ransomware-weekend-night.yaml", expect="scenario").model.scenario
    rec = {d.id: d.recommended for d in flagship.decisions}
    assert rec["ransom"] == "refuse" and rec["ght-link"] == "cut" and rec["divert-ed"] == "divert"
    assert rec["call-pris"] == "pris" and rec["public-comms"] == "proactive" and rec["monday-elective"] == "targeted"
    for path in sorted(root.glob("*.yaml")):
        sc = load_document(path, expect="scenario").model.scenario
        marked = [d for d in sc.decisions if d.recommended]
        assert len(marked) >= len(sc.decisions) - 1, path.name
        for d in sc.decisions:
            if d.id == "ransom" or "ransom" in d.prompt.get("en").lower():
                assert d.recommended and d.recommended.startswith("refuse"), path.name
