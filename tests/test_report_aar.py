"""The after-action report's analysis: ratings from evidence, a real improvement plan, response
times that pair a stimulus with its answer, owners that are seats or people, fully one language."""

from __future__ import annotations

import re

import pytest

from simulator.i18n import catalogue
from simulator.journal.session import RecordedExercise
from simulator.model.documents import load_document
from simulator.report.data import build_report
from simulator.report.locale import MINUS, NBSP, NNBSP
from simulator.report.render import render_html, render_markdown
from tests.report_helpers import FLAGSHIP, submit_as, textbook_flagship, visible_text
from tests.test_report import MINI


@pytest.fixture(scope="module")
def textbook(tmp_path_factory):
    return textbook_flagship(tmp_path_factory.mktemp("textbook"))


@pytest.fixture(scope="module")
def textbook_fr(textbook):
    return build_report(textbook, "fr")


# -- the textbook flagship run ------------------------------------------------------------------


def test_textbook_flagship_is_not_rated_all_p(textbook_fr):
    finals = [o.final for o in textbook_fr.objectives]
    assert any(r not in ("P", None) for r in finals), finals
    # every non-P objective says why, with journal lines
    for o in textbook_fr.objectives:
        if o.final not in ("P", None):
            assert o.improvements and all(f.text for f in o.improvements)
            assert any(f.lines for f in o.improvements)


def test_textbook_plan_is_real(textbook_fr):
    plan = textbook_fr.plan
    assert plan, "the textbook run had encrypted workstations and a slow laboratory: something to improve"
    keys = [i.key for i in plan]
    assert len(keys) == len(set(keys))
    assert len({(i.action, i.owner) for i in plan}) == len(plan)
    assert len({i.issue for i in plan}) == len(plan)
    assert len({i.action for i in plan}) == len(plan), "no boilerplate: each item has its own corrective action"
    for i in plan:
        assert i.lines or i.issue, i
        assert i.due > textbook_fr.run_day


def test_owners_are_seats_or_services_never_ids(textbook_fr):
    sc = load_document(FLAGSHIP).model.scenario
    ids = {r.id for r in sc.roles} | {p.id for p in sc.personas} | {"it", "security", "medical", "dpo", "direction", "crisis-lead", "communication"}
    labels = {r.name.get("fr") for r in sc.roles if r.name} | {v for k, v in catalogue("fr").items() if k.startswith("report.seat.")}
    for item in textbook_fr.plan:
        assert item.owner not in ids
        assert item.owner in labels or any(item.owner.endswith(f"({label})") for label in labels), item.owner


def test_running_clock_is_en_cours_not_missed(textbook_fr):
    clocks = {c.id: c for c in textbook_fr.clocks}
    assert clocks["nis2-1m"].state == "running"
    html = render_html(textbook_fr)
    name = clocks["nis2-1m"].name
    row = re.search(re.escape(name) + r".*?</tr>", html, flags=re.S).group(0)
    assert "en cours" in row and "manquée" not in row
    assert not any(name in i.issue for i in textbook_fr.plan)


def test_french_numbers_and_dates(textbook_fr):
    from simulator.engine.headless import run_headless

    text = visible_text(render_html(textbook_fr))
    ed = run_headless(FLAGSHIP, seed=0, policy="textbook", until="end").kpis["ed_volume_change_week1_pct"]
    shown = f"{abs(ed):.1f}"
    assert f"{MINUS}{shown.replace('.', ',')}{NNBSP}%" in text  # ED activity, week 1, as the engine computes it
    assert f"2{NNBSP}064{NNBSP}000" in text
    assert f"-{shown}" not in text and f"{shown} %" not in text
    assert f"samedi 14{NBSP}mars 2026" in text
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", text), "dates are dates, not ISO strings"


def test_mayor_call_is_not_answered_by_the_ransom_refusal(textbook_fr):
    by_stimulus = {r.stimulus: r for r in textbook_fr.responses if r.kind == "inject"}
    mayor = by_stimulus["Le maire veut savoir quoi dire"]
    assert "rançon" not in mayor.answer.lower()
    samu = by_stimulus["SAMU : on vous envoie encore des patients ?"]
    assert samu.status == "answered" and samu.basis == "decision" and samu.answered == samu.fired
    ars = by_stimulus["L'ARS demande un point de situation"]
    assert ars.status == "before" and "ARS" in ars.answer  # notified at T+1h20, before the call at T+2h30
    noise = by_stimulus["Fuite d'eau au 3e étage"]
    assert noise.status == "none-expected"


# -- ratings from evidence on a cell that is late, absent, or rated by an evaluator -------------


@pytest.fixture(scope="module")
def late_cell(tmp_path_factory):
    path = tmp_path_factory.mktemp("late") / "late.jsonl"
    rec = RecordedExercise.start(MINI, 4, "fr", path, participants=[{"name": "Mme Leroy", "role": "facilitator"}])
    rec.advance(30)
    submit_as(rec, "degraded-mode emergency", "medical", name="Dr Roux", seat="cell:medical")
    rec.advance(300)  # cert-sante was due within 2 h of T+0: now late
    submit_as(rec, "notify cert-sante", "security", name="M. Blanc", seat="cell:security")
    rec.advance(400)
    submit_as(rec, "rate alert crisis-cell M", "evaluator", name="Mme Petit", seat="evaluator")
    rec.advance(4320)
    rec.finish()
    return path


def test_late_is_m_missing_is_u_in_time_is_p(late_cell):
    data = build_report(late_cell, "en")
    tasks = {(o.id, t.task): t for o in data.objectives for t in o.tasks}
    assert tasks[("alert", "cert-sante")].suggested == "M" and "after the limit" in tasks[("alert", "cert-sante")].reason
    assert tasks[("alert", "cnil")].suggested in ("U", "M")
    assert tasks[("care", "ed-paper")].suggested == "P"
    alert = next(o for o in data.objectives if o.id == "alert")
    assert alert.final != "P" and alert.suggested != "P"


def test_evaluator_rating_is_shown_as_theirs(late_cell):
    data = build_report(late_cell, "en")
    cell = next(t for o in data.objectives for t in o.tasks if t.task == "crisis-cell")
    assert cell.evaluator == "M" and cell.evaluator_by == "Mme Petit" and cell.evaluator_line
    html = render_html(data)
    assert "evaluator: Mme Petit" in html


def test_owner_is_the_participant_who_held_the_seat(late_cell):
    data = build_report(late_cell, "fr")
    owners = {i.owner for i in data.plan}
    assert any(o.startswith("M. Blanc (") for o in owners), owners


def test_never_p_when_a_measured_outcome_missed(tmp_path):
    """A cell that does everything but too late: no task with a missed limit is P, no objective either."""
    path = tmp_path / "slow.jsonl"
    rec = RecordedExercise.start(MINI, 2, "en", path)
    rec.advance(3000)
    for text in ("notify cert-sante", "degraded-mode emergency", "notify cnil"):
        rec.submit(text, by_role="it")
    rec.advance(4320)
    rec.finish()
    data = build_report(path, "en")
    for o in data.objectives:
        for task in o.tasks:
            m = task.measured
            if m is not None and m.limit is not None and (m.at is None or m.at > m.limit):
                assert task.suggested != "P", task
        assert o.final != "P"


# -- one language, labels not ids ---------------------------------------------------------------

ENGLISH_WORDS = {
    "the", "and", "of", "to", "by", "with", "records", "record", "unknown", "policy", "missed", "running", "met", "done", "not", "rated",
    "accepted", "refused", "default", "engine", "attacker", "stimulus", "decision", "action", "owner", "due",
    "evidence", "strengths", "improvements", "capability", "summary", "timeline", "hash", "seed", "journal line", "staff",
    "press", "patients", "ground truth", "days", "hours", "minutes", "yes", "no", "none", "high", "medium", "low", "open", "closed",
    "cell", "crisis", "report", "objective", "objectives", "task", "tasks", "rating", "suggested", "evaluator", "clock", "deadline",
}
FRENCH_WORDS = {"patients", "action", "stimulus", "décision", "journal", "objectif", "presse"}  # the same word in both


def _forbidden_ids(scenario_path) -> set[str]:
    loaded = load_document(scenario_path)
    sc = loaded.model.scenario
    net = loaded.context["network"]
    ids: set[str] = {sc.id}
    ids |= {r.id for r in sc.roles} | {p.id for p in sc.personas} | {i.id for i in sc.injects} | {d.id for d in sc.decisions}
    ids |= {o.id for d in sc.decisions for o in d.options} | {o.id for o in sc.objectives}
    ids |= {t.id for o in sc.objectives for t in o.critical_tasks} | {s.id for s in (sc.threat.stages if sc.threat else [])}
    ids |= {z.id for z in net.zones} | {a.id for a in net.assets} | {s.id for s in net.services} | {f.id for f in net.clinical_functions}
    return ids


def _french_vocabulary(scenario_path) -> str:
    """Every French label the scenario, the network and the catalogue hold: an id that is also a
    French word used in them ('urgences', 'patients') is not a leak."""
    loaded = load_document(scenario_path)
    text = loaded.path.read_text(encoding="utf-8") if hasattr(loaded, "path") else ""
    return " ".join(catalogue("fr").values()) + " " + text


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_french_report_has_no_key_no_english_no_raw_id(textbook_fr, fmt):
    page = render_html(textbook_fr) if fmt == "html" else render_markdown(textbook_fr)
    text = visible_text(page) if fmt == "html" else re.sub(r"\(data:image/svg\+xml;base64,[A-Za-z0-9+/=]+\)", "", page)
    keys = [k for k in catalogue("fr") if k in text]
    assert keys == [], keys
    assert "&#" not in text and "&amp;" not in text and "&quot;" not in text, "escaped once, never twice"
    words = set(re.findall(r"[A-Za-zÀ-ÿ]+(?:[ '][A-Za-zÀ-ÿ]+)?", text))
    lowered = {w.lower() for w in re.findall(r"[A-Za-zÀ-ÿ]+", text)}
    english = sorted((ENGLISH_WORDS - FRENCH_WORDS) & (lowered | {w.lower() for w in words}))
    assert english == [], english
    vocabulary = {w.lower() for w in re.findall(r"[A-Za-zÀ-ÿ0-9]+", " ".join(catalogue("fr").values()))}
    leaks = []
    for ident in _forbidden_ids(FLAGSHIP):
        if "-" not in ident and ident.lower() in vocabulary:
            continue  # a plain French word ('urgences') the labels themselves use
        if re.search(rf"(?<![\w-]){re.escape(ident)}(?![\w-])", text):
            leaks.append(ident)
    assert leaks == [], leaks


def test_english_report_has_no_raw_id(textbook):
    text = visible_text(render_html(build_report(textbook, "en")))
    authored = load_document(FLAGSHIP).model.scenario.model_dump_json()  # the author's own words ("crisis-cell lead")
    leaks = [i for i in _forbidden_ids(FLAGSHIP) if "-" in i and re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text)
             and not re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", re.sub(r'"(id|[a-z_]+)":"[^"]*"', "", authored.replace('"en":', 'EN:').replace('"fr":', 'FR:')))]
    assert leaks == [], leaks
    keys = [k for k in catalogue("en") if k in text]
    assert keys == [], keys


def test_refusals_read_in_the_engine_s_own_french_words(textbook_fr):
    """The journal keeps the English reason only; the replay gives its code, said in French with labels."""
    from simulator.i18n import t

    refused = [r.text for r in textbook_fr.rows if " — refusée : " in r.text]
    assert refused
    said = {x.split(" — refusée : ", 1)[1] for x in refused}
    assert t("engine.refused.diverted", "fr") in said or any("déjà" in x for x in said)
    assert not any(re.search(r"\b(already|refused|internet access)\b", x) for x in said)
