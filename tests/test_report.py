"""`cyberdrill log report` and `log export`: a self-contained, printable AAR in both languages, from the journal."""

from __future__ import annotations

import base64
import csv
import io
import json
import shutil
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from simulator.i18n import t
from simulator.journal.session import RecordedExercise
from simulator.report.data import build_report
from simulator.report.render import CSV_COLUMNS, render_html, render_markdown, timeline_csv

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini-scenario.yaml"


@pytest.fixture(scope="module")
def journal(tmp_path_factory):
    """A cell that acknowledges, acts, rates a task, misses clocks, and is evaluated."""
    path = tmp_path_factory.mktemp("report") / "exercise.jsonl"
    rec = RecordedExercise.start(MINI, 9, "fr", path, participants=["Dr Martin:direction", "Mme Leroy:facilitator", "M. Petit:evaluator"])
    rec.advance(15)
    rec.record_ui("ack", ref="printers")
    rec.advance(25)
    rec.submit("declare-crisis", by_role="direction")
    rec.advance(70)
    rec.submit("decide cut-internet cut", by_role="direction")
    rec.submit("degraded-mode emergency", by_role="medical")
    rec.record_ui("observation", by_role="evaluator", text="hésitation sur la coupure Internet")
    rec.advance(600)
    rec.submit("rate alert crisis-cell S", by_role="evaluator")
    rec.submit("note <script>alert('x')</script> & co", by_role="evaluator")
    rec.advance(4320)
    rec.finish()
    return path


class Collector(HTMLParser):
    """Counts tags and collects text; raises on nothing (html.parser is lenient) so we check structure."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, int] = {}
        self.stack: list[str] = []
        self.sections: list[str] = []
        self.timeline_rows = 0
        self.text: list[str] = []
        self.external: list[str] = []

    VOID = {"meta", "br", "img", "line", "rect", "circle", "polyline", "link", "input", "hr"}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if tag == "section":
            self.sections.append(attrs.get("id", ""))
        if tag == "tr" and "timeline" in self.stack_sections() and "tbody" in self.stack:
            self.timeline_rows += 1
        for key in ("src", "href"):
            if attrs.get(key):
                self.external.append(attrs[key])
        if tag not in self.VOID:
            self.stack.append(tag if tag != "section" else f"section:{attrs.get('id', '')}")

    def handle_startendtag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        for i in range(len(self.stack) - 1, -1, -1):
            name = self.stack[i].split(":")[0]
            if name == tag:
                del self.stack[i:]
                return
        raise AssertionError(f"unbalanced </{tag}>")

    def handle_data(self, data):
        self.text.append(data)

    def stack_sections(self) -> str:
        return " ".join(s for s in self.stack if s.startswith("section:"))


def parse(html: str) -> Collector:
    c = Collector()
    c.feed(html)
    c.close()
    assert c.stack == [], f"unclosed tags: {c.stack}"
    return c


SECTIONS = ["summary", "objectives", "clocks", "responses", "situation", "plan", "questions", "appendices"]
SVG_PER_REPORT = 8  # 4 charts (task timings, availability, clinical, machines), each drawn wide and narrow


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_html_report_parses_and_has_every_section(journal, lang):
    data = build_report(journal, lang)
    html = render_html(data)
    doc = parse(html)
    assert f'<html lang="{lang}">' in html
    assert doc.sections == SECTIONS
    assert doc.tags["svg"] == SVG_PER_REPORT and doc.tags.get("script", 0) == 0
    assert [x for x in doc.external if not x.startswith("#")] == [], "self-contained: nothing to fetch (only links within the page)"
    text = " ".join(doc.text)
    assert t("report.title", lang) in text and t("report.section.plan", lang) in text and t("report.section.summary", lang) in text
    assert data.head in text  # the head hash
    assert "Dr Martin" in text and "@media print" in html and "@page" in html and "size: A4" in html
    assert t("report.timeline.full", lang, n=len(data.rows)).split("(")[0] in text and "<details>" in html


def test_languages_differ_and_are_complete(journal):
    fr, en = render_html(build_report(journal, "fr")), render_html(build_report(journal, "en"))
    assert "Chronologie" in fr and "Timeline" in en and "Timeline" not in fr
    assert "report." not in fr and "report." not in en  # no missing catalogue key shown raw


def test_timeline_has_injects_decisions_actions_acks_and_ground_truth(journal):
    data = build_report(journal, "en")
    cats = {r.category for r in data.rows}
    assert {"inject", "decision", "action", "ui", "clock", "event", "evaluation"} <= cats
    texts = [r.text for r in data.rows]
    assert any(x.startswith("Declare the crisis") and x.endswith("— accepted") for x in texts)
    assert any(r.truth and r.text.startswith("Ground truth — ") for r in data.rows)
    assert any(x.startswith("Acknowledged: ") for x in texts)
    assert any(x.startswith("Observation:") for x in texts)
    assert any(x.startswith("Rating of ") and ": S — accepted" in x for x in texts)
    assert any(x.startswith("Note: <script>") for x in texts)
    assert [r.t for r in data.rows] == sorted(r.t for r in data.rows)
    first = next(r for r in data.rows if r.t >= 0)
    assert first.world.startswith("Sat 14/03")
    assert all(r.line > 1 for r in data.rows)


def test_objectives_clocks_responses_and_plan(journal):
    data = build_report(journal, "en")
    tasks = {(o.id, t.task): t for o in data.objectives for t in o.tasks}
    cell = tasks[("alert", "crisis-cell")]
    assert cell.final == "S" and cell.evaluator == "S" and not cell.automatic and cell.evaluator_by
    cert = tasks[("alert", "cert-sante")]
    assert cert.automatic and cert.final == "U" and "Never done" in cert.reason
    clocks = {c.id: c for c in data.clocks}
    assert clocks["cert-sante"].state in ("missed", "running")
    decision = next(r for r in data.responses if r.kind == "decision")
    assert decision.status == "answered" and decision.answered == 70.0
    issues = " ".join(p.issue for p in data.plan)
    assert "CERT Santé" in issues
    assert all(p.due and p.owner and p.element and p.care for p in data.plan)


def test_markup_in_the_journal_is_escaped(journal):
    html = render_html(build_report(journal, "en"))
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html


def test_markdown_twin(journal):
    md = render_markdown(build_report(journal, "fr"))
    assert md.startswith("# Rapport de fin d'exercice")
    for n in range(1, 6):
        assert f"\n## {n}. " in md
    uris = [line for line in md.splitlines() if line.startswith("![")]
    assert len(uris) == 4
    svg = base64.b64decode(uris[0].split("base64,", 1)[1].rstrip(")")).decode()
    assert svg.startswith("<svg") and svg.endswith("</svg>")


def test_cli_writes_html_md_and_csv(run_cli, journal, tmp_path):
    for fmt, lang in (("html", "fr"), ("md", "en")):
        out = tmp_path / f"aar.{fmt}"
        code, _out, err = run_cli("log", "report", str(journal), "--format", fmt, "--lang", lang, "-o", str(out))
        assert code == 0, err
        assert out.stat().st_size > 5000
    assert parse((tmp_path / "aar.html").read_text(encoding="utf-8")).tags["svg"] == SVG_PER_REPORT
    out = tmp_path / "timeline.csv"
    code, _out, err = run_cli("log", "export", str(journal), "--format", "csv", "-o", str(out))
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) - 1 == len(build_report(journal, "fr").rows)
    assert any(r[7].startswith("Note : <script>") for r in rows[1:])


def test_csv_quotes_commas_and_quotes(journal):
    text = timeline_csv(build_report(journal, "en"))
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    assert all(len(r) == len(CSV_COLUMNS) for r in parsed)


def test_csv_for_excel(run_cli, journal, tmp_path):
    """French Excel: ';', decimal commas, dates as dd/mm/yyyy hh:mm:ss, column names in French."""
    out = tmp_path / "excel.csv"
    code, _out, err = run_cli("log", "export", str(journal), "--excel", "-o", str(out))
    assert code == 0, err
    raw = out.read_bytes()
    assert raw.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0][0] == "Ligne du journal" and all(len(r) == len(CSV_COLUMNS) for r in rows)
    body = rows[1:]
    assert any("," in r[1] for r in body) and not any("." in r[1] for r in body), "minutes with a decimal comma"
    for r in body:
        datetime.strptime(r[3], "%d/%m/%Y %H:%M:%S")  # the exercise time: a date Excel reads
        datetime.strptime(r[4], "%d/%m/%Y %H:%M:%S")
    assert {r[5] for r in body} <= {t(f"report.category.{c}", "fr") for c in ("action", "clock", "decision", "evaluation", "event", "inject", "ui")}
    assert any("é" in cell for row in rows for cell in row)


def test_csv_for_excel_in_english(journal):
    text = timeline_csv(build_report(journal, "en"), excel=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    assert rows[0][0] == "Journal line"
    for r in rows[1:]:
        datetime.strptime(r[3], "%Y-%m-%d %H:%M:%S")
        float(r[1])


def test_unsealed_journal_is_reported_with_a_warning(run_cli, journal, tmp_path):
    cut = tmp_path / "cut.jsonl"
    lines = journal.read_bytes().splitlines(keepends=True)
    cut.write_bytes(b"".join(lines[: len(lines) // 2]))
    out = tmp_path / "cut.html"
    code, _out, err = run_cli("log", "report", str(cut), "-o", str(out), "--lang", "en")
    assert code == 0, err
    assert "not sealed" in out.read_text(encoding="utf-8")


def test_tampered_journal_gets_no_report(run_cli, journal, tmp_path):
    bad = tmp_path / "bad.jsonl"
    body = journal.read_bytes().replace(b'"declare-crisis"', b'"declare-crisiz"', 1)
    bad.write_bytes(body)
    out = tmp_path / "bad.html"
    code, _out, err = run_cli("log", "report", str(bad), "-o", str(out))
    assert code == 1 and not out.exists() and len(err.strip().splitlines()) == 1


def test_report_finds_a_moved_scenario_or_says_how(run_cli, journal, tmp_path):
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    shutil.copy(journal, folder / "exercise.jsonl")
    header = json.loads((folder / "exercise.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert header["data"]["config"]["paths"]["scenario"] == str(MINI.resolve())
    code, _out, err = run_cli("log", "report", str(folder / "exercise.jsonl"), "-o", str(folder / "r.html"), "--scenario", str(MINI))
    assert code == 0, err


def test_unwritable_output_is_bad_input(run_cli, journal, tmp_path):
    code, _out, err = run_cli("log", "report", str(journal), "-o", str(tmp_path / "no" / "such" / "r.html"))
    assert code == 2 and "does not exist" in err


def test_headless_signed_run_report(run_cli, tmp_path):
    from simulator.journal import generate_keypair, key_fingerprint, load_private_key

    private, _public = generate_keypair(tmp_path / "keys")
    log = tmp_path / "run.jsonl"
    code, _out, err = run_cli("run", str(MINI), "--policy", "textbook", "--until", "recovery", "--log", str(log), "--sign-key", str(private))
    assert code == 0, err
    data = build_report(log, "en")
    html = render_html(data)
    assert key_fingerprint(load_private_key(private).public_key()) in html
    assert "headless" in html and "Textbook (ANSSI / CERT Santé)" in html
    assert any(r.who == "simulated cell" for r in data.rows)
    assert parse(html).tags["svg"] == SVG_PER_REPORT
