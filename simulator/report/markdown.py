"""The report's Markdown twin: the same sections and words as the HTML, charts as SVG data URIs."""

from __future__ import annotations

import base64

from simulator.markdown_safe import safe_markdown
from simulator.report import locale as fmt
from simulator.report.data import ReportData
from simulator.report.findings import Finding


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(headers: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(_cell(h) for h in headers) + " |", "|" + "---|" * len(headers)]
    out.extend("| " + " | ".join(_cell(c) for c in row) + " |" for row in rows)
    return "\n".join(out)


def _lines(data: ReportData, lines) -> str:
    return f" ({data.L('journal-lines')} {', '.join(str(n) for n in lines)})" if lines else ""


def _findings(data: ReportData, findings: list[Finding]) -> list[str]:
    if not findings:
        return [f"- {data.L('none-found')}"]
    return [f"- {(f.rating + ' — ') if f.rating else ''}{f.text}{_lines(data, f.lines)}" for f in findings]


def _rating(data: ReportData, r: str | None) -> str:
    return r if r else data.L("not-rated")


def _svg(title: str, svg: str) -> list[str]:
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return [f"**{title}**", "", f"![{title}]({uri})", ""]


def render_markdown(data: ReportData) -> str:
    L = data.L
    lang = data.lang
    s = data.summary
    out = [f"# {L('title')}", "", f"*{data.title} — {L('subtitle')}*", ""]
    out += [f"**{L('integrity.ok') if data.integrity_ok else L('integrity.warning')}** {L('integrity.head-short')} `{data.head_short}…`", ""]
    out += [f"## {L('section.summary')}", ""]
    for par in s.paragraphs:
        out += [par, ""]
    out += [_table([L("col.indicator"), L("col.value")], [[t.label, t.value + (f" ({t.note})" if t.note else "")] for t in s.tiles]), ""]
    if data.task_chart is not None:
        out += _svg(data.task_chart.title, data.task_chart.wide)
    out += [f"### {L('summary.strengths')}", "", *_findings(data, s.strengths), ""]
    out += [f"### {L('summary.improvements')}", "", *_findings(data, s.improvements), ""]

    out += [f"## 1. {L('section.objectives')}", "", L("objectives.note"), ""]
    out += [_table([L("col.objective"), L("col.capability"), L("col.rating"), L("col.suggested")],
                   [[o.text, data.labels.capability(o.capability), _rating(data, o.final), f"{_rating(data, o.suggested)} — {o.reason}"] for o in data.objectives]), ""]
    for o in data.objectives:
        out += [f"### {o.index + 1}. {o.text} — {_rating(data, o.final)}", ""]
        rows = []
        for t in o.tasks:
            by = L("rated.evaluator-named", who=t.evaluator_by) if t.evaluator else (L("rated.suggested") if t.suggested else "—")
            rows.append([t.text, _rating(data, t.final), by, t.reason + _lines(data, t.lines)])
        out += [_table([L("col.task"), L("col.rating"), L("col.rated-by"), L("col.evidence")], rows), ""]
        out += [f"**{L('strengths')}**", "", *_findings(data, o.strengths), ""]
        out += [f"**{L('improvements')}**", "", *_findings(data, o.improvements), ""]
    goods, bads = data.exercise_findings
    if goods or bads:
        out += [f"### {L('section.other-findings')}", "", *_findings(data, goods), "", *_findings(data, bads), ""]

    when = lambda t: fmt.offset(t, lang) if t is not None else "—"  # noqa: E731
    out += [f"## 2. {L('section.clocks')}", "", L("clocks.note"), ""]
    out += [_table([L("col.clock"), L("col.authority"), L("col.state"), L("col.started"), L("col.deadline"), L("col.met"), L("col.margin"), L("col.basis")],
                   [[c.name, c.authority, L(f"clock.{c.state}"), when(c.started), when(c.deadline), when(c.met_at), c.margin or "—", c.basis] for c in data.clocks]), ""]
    out += [f"## 3. {L('section.responses')}", "", L("responses.note"), ""]
    rows = []
    for r in data.responses:
        ack = fmt.duration(r.acknowledged - r.fired, lang) if r.acknowledged is not None else "—"
        delay = fmt.duration(r.answered - r.fired, lang) if r.answered is not None and r.status in ("answered", "default") else "—"
        rows.append([r.stimulus, L(f"stimulus.{r.kind}"), fmt.offset(r.fired, lang), ack,
                     L(f"answer.status.{r.status}", answer=r.answer, at=fmt.offset(r.answered or 0, lang)), delay])
    out += [_table([L("col.stimulus"), L("col.kind"), L("col.fired"), L("col.ack-delay"), L("col.answer"), L("col.answer-delay")], rows), ""]
    out += [f"## 4. {L('section.situation')}", ""]
    for c in data.charts:
        out += _svg(c.title, c.wide)
    out += [_table([L("col.indicator"), L("col.value")], [[k, v] for k, v in data.kpis]), ""]
    out += [f"## 5. {L('section.plan')}", "", L("plan.note"), ""]
    if data.plan:
        out += [_table([L("col.n"), L("col.issue"), L("col.corrective"), L("col.capability-element"), L("col.owner"), L("col.priority"), L("col.due")],
                       [[str(n), i.issue + _lines(data, i.lines), i.action,
                         f"{data.labels.capability(i.capability)} · {data.labels.element(i.element)} · {data.labels.care(i.care)}",
                         i.owner, L(f"priority.{i.priority}"), fmt.day(i.due, lang)] for n, i in enumerate(data.plan, 1)]), ""]
    else:
        out += [L("plan.empty"), ""]
    section = 6
    if data.followup is not None:
        fu = data.followup
        out += [f"## {section}. {L('section.followup')}", "",
                L("followup.intro", exercise=fu.exercise, closed=fmt.number(len(fu.closed), lang), total=fmt.number(len(fu.items), lang)), ""]
        out += [_table([L("col.corrective"), L("col.owner"), L("col.status"), L("col.closed"), L("col.closure")],
                       [[i.action, i.owner, L(f"status.{i.status}"), fmt.day(i.closed, lang) if i.closed else "—",
                         (i.evidence or "—") + (f" — {L('followup.again')}" if i.again else "")] for i in fu.items]), ""]
        section += 1
    if data.questions:
        out += [f"## {section}. {L('section.questions')}", ""] + [f"{i}. {q}" for i, q in enumerate(data.questions, 1)] + [""]
    out += [f"## {L('section.appendices')}", "", f"### A. {L('section.timeline')}", "", L("timeline.note"), ""]
    out += [_table([L("col.line"), L("col.sim"), L("col.world"), L("col.category"), L("col.who"), L("col.what")],
                   [[str(r.line), r.sim, r.world, L("category." + r.category), r.who, r.text] for r in data.rows if r.key]), ""]
    out += [f"### B. {L('section.participants')}", ""]
    out += [_table([L("col.name"), L("col.seat")], [[n, s] for n, s in data.participants]) if data.participants else L("participants.none"), ""]
    out += [f"### C. {L('section.integrity')}", "", f"**{L('integrity.ok') if data.integrity_ok else L('integrity.warning')}**", ""]
    out += [_table([L("col.item"), L("col.value")], [[k, f"`{v}`" if h else v] for k, v, h in data.integrity]), "", L("integrity.how"), ""]
    out += [f"### D. {L('section.overview')}", "", _table([L("col.item"), L("col.value")], [[k, v] for k, v in data.overview]), ""]
    out += ["---", "", L("footer"), ""]
    return safe_markdown("\n".join(out))  # the scenario's and the room's text, never HTML
