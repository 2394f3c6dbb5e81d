"""The after-action report as one self-contained HTML file a director can read, sign and print.

Inline CSS (screen, phone and A4 print: page breaks, a running header with the scenario and the
journal's head hash, page numbers), inline SVG charts drawn at two widths, no script, nothing
fetched. Tables turn into labelled cards on narrow screens, so nothing is wider than a phone.
"""

from __future__ import annotations

from html import escape

from simulator.report import locale as fmt
from simulator.report.charts import Chart
from simulator.report.data import ReportData
from simulator.report.findings import Finding

CSS = """
:root { --ink: #111; --muted: #555; --line: #c8c8c8; --head: #eef2f6; --bad: #b3261e; --ok: #0b6e4f; --warn: #8a5300; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { font-family: "DejaVu Sans", Verdana, "Segoe UI", sans-serif; color: var(--ink); max-width: 1100px;
       margin: 1.5rem auto; padding: 0 1rem; line-height: 1.45; font-size: 15px; overflow-wrap: break-word; }
h1 { font-size: 1.6rem; margin: 0 0 .2rem; } h2 { font-size: 1.3rem; border-bottom: 2px solid var(--ink); padding-bottom: .2rem; margin-top: 2rem; }
h3 { font-size: 1.08rem; margin: 1.4rem 0 .4rem; }
p { margin: .45rem 0; }
.subtitle { color: var(--muted); margin: 0 0 .6rem; }
.print-only { display: none; }
.badge { display: inline-block; padding: .15rem .5rem; border-radius: 3px; font-weight: 600; }
.badge.ok { background: #e3f4ec; color: var(--ok); } .badge.bad { background: #fdecea; color: var(--bad); }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .93em; }
th, td { border: 1px solid var(--line); padding: .3rem .45rem; text-align: left; vertical-align: top; }
th { background: var(--head); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.time { white-space: nowrap; font-variant-numeric: tabular-nums; }
.hash, code { font-family: "DejaVu Sans Mono", ui-monospace, monospace; font-size: .85em; overflow-wrap: anywhere; word-break: break-all; }
.rating { display: inline-block; min-width: 1.7em; text-align: center; font-weight: 700; border: 1.5px solid currentColor; border-radius: 3px; padding: 0 .2em; }
.rating-P { color: var(--ok); } .rating-S { color: #0059a0; } .rating-M { color: var(--warn); } .rating-U { color: var(--bad); } .rating-none { color: var(--muted); }
.muted, .note { color: var(--muted); font-size: .9em; }
.lines a { color: inherit; }
tr.truth td { background: #f6f0f6; font-style: italic; }
tr.missed td { background: #fdecea; }
figure { margin: .8rem 0; break-inside: avoid; }
figcaption { font-weight: 600; margin-bottom: .3rem; }
svg.chart { display: block; width: 100%; height: auto; border: 1px solid var(--line); background: #fff; }
.chart-narrow { display: none; }
.tiles { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: .5rem; margin: .6rem 0; }
.tile { border: 1px solid var(--line); border-left: 4px solid var(--ok); padding: .35rem .55rem; }
.tile.bad { border-left-color: var(--bad); }
.tile .value { font-size: 1.25rem; font-weight: 700; display: block; }
.tile .label { font-size: .85em; color: var(--muted); display: block; }
.two { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
.two h3 { margin-top: .4rem; }
ul.findings { padding-left: 1.2rem; margin: .3rem 0; } ul.findings li { margin: .25rem 0; }
.objective { border-top: 1px solid var(--line); margin-top: 1rem; }
details { margin: .6rem 0; } summary { cursor: pointer; font-weight: 600; }
dl.kv { display: grid; grid-template-columns: minmax(8rem, 30%) 1fr; gap: .2rem .8rem; margin: .5rem 0; }
dl.kv dt { font-weight: 600; } dl.kv dd { margin: 0; }
@media (max-width: 720px) {
  body { font-size: 16px; padding: 0 .6rem; margin: .8rem auto; }
  h1 { font-size: 1.35rem; }
  .tiles { grid-template-columns: 1fr 1fr; }
  .two, dl.kv { grid-template-columns: 1fr; }
  .chart-wide { display: none; } .chart-narrow { display: block; }
  table.cards, table.cards tbody, table.cards tr, table.cards td { display: block; width: 100%; }
  table.cards thead { display: none; }
  table.cards tr { border: 1px solid var(--line); margin: 0 0 .6rem; }
  table.cards td { border: 0; border-bottom: 1px solid #eee; white-space: normal; text-align: left; }
  table.cards td::before { content: attr(data-label); display: block; font-size: .8em; font-weight: 600; color: var(--muted); }
  td.time { white-space: normal; }
}
@media print {
  body { margin: 0; max-width: none; font-size: 9.5pt; padding: 0; }
  .print-only { display: block; }
  h2 { break-after: avoid; margin-top: 1rem; } h3 { break-after: avoid; }
  section.page { break-before: page; }
  #summary { font-size: 8.6pt; }
  #summary h1 { font-size: 15pt; } #summary h2 { margin-top: .2rem; font-size: 11.5pt; } #summary h3 { font-size: 10pt; margin: .3rem 0 .2rem; }
  #summary p { margin: .2rem 0; }
  #summary figure { margin: .3rem 0; } #summary figure svg { max-height: 78mm; width: auto; max-width: 100%; }
  #summary .tile { padding: .2rem .35rem; } #summary .tile .label { font-size: 7.5pt; }
  #summary ul.findings li { margin: .1rem 0; }
  .tiles { grid-template-columns: repeat(6, minmax(0, 1fr)); gap: .3rem; }
  .tile .value { font-size: 11pt; }
  tr, figure, .tile, li { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  .chart-narrow { display: none !important; } .chart-wide { display: block !important; }
}
"""


def _css_string(text: str) -> str:
    """Text as a CSS string literal that cannot close the string nor the <style> element."""
    out = []
    for ch in text:
        if ch in '"\\<>&' or ord(ch) < 0x20:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _page_css(data: ReportData) -> str:
    head = data.L("print.head", hash=data.head_short)
    return (
        "@page { size: A4; margin: 17mm 13mm 15mm 13mm;"
        f" @top-left {{ content: {_css_string(data.title)}; font-size: 8pt; color: #555; }}"
        f" @top-right {{ content: {_css_string(head)}; font-size: 8pt; color: #555; font-family: monospace; }}"
        f" @bottom-right {{ content: {_css_string(data.L('print.page'))} counter(page) \" / \" counter(pages); font-size: 8pt; color: #555; }}"
        f" @bottom-left {{ content: {_css_string(data.L('title'))}; font-size: 8pt; color: #555; }} }}"
    )


def rating_html(data: ReportData, rating: str | None) -> str:
    if rating is None:
        return f'<span class="rating rating-none">{escape(data.L("not-rated"))}</span>'
    return f'<span class="rating rating-{rating}" title="{escape(data.L(f"rating.{rating}"))}">{rating}</span>'


def lines_html(data: ReportData, lines: tuple[int, ...] | list[int], key_lines: set[int]) -> str:
    if not lines:
        return ""
    links = ", ".join(f'<a href="#{"l" if n in key_lines else "f"}{n}">{n}</a>' for n in lines)
    return f' <span class="lines muted">({escape(data.L("journal-lines"))} {links})</span>'


def _table(headers: list[str], rows: list[list[str]], *, raw: set[int] | frozenset[int] = frozenset(), classes: list[str] | None = None,
           row_attrs: list[str] | None = None, cards: bool = True) -> str:
    """A table; cells in `raw` are already HTML, the others are escaped. Every cell carries its header for the phone layout."""
    cls = ' class="cards"' if cards else ""
    out = [f"<table{cls}>", "<thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in headers) + "</tr></thead>", "<tbody>"]
    for i, row in enumerate(rows):
        attrs = row_attrs[i] if row_attrs else ""
        cells = []
        for j, cell in enumerate(row):
            cls = f' class="{classes[j]}"' if classes and classes[j] else ""
            body = cell if j in raw else escape(cell)
            cells.append(f'<td data-label="{escape(headers[j])}"{cls}>{body}</td>')
        out.append(f"<tr{attrs}>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def _findings(data: ReportData, findings: list[Finding], key_lines: set[int], *, rated: bool = False) -> str:
    if not findings:
        return f'<p class="muted">{escape(data.L("none-found"))}</p>'
    items = []
    for f in findings:
        badge = rating_html(data, f.rating) + " " if rated and f.rating else ""
        items.append(f"<li>{badge}{escape(f.text)}{lines_html(data, f.lines, key_lines)}</li>")
    return '<ul class="findings">' + "".join(items) + "</ul>"


STRENGTHS_SHOWN = 4


def _more(data: ReportData, n: int) -> str:
    return f'<p class="muted">{escape(data.L("more-in-table", n=fmt.number(n, data.lang)))}</p>' if n > 0 else ""


def _chart(c: Chart) -> str:
    note = f'<p class="note">{escape(c.note)}</p>' if c.note else ""
    return (f'<figure id="fig-{c.id}"><figcaption>{escape(c.title)}</figcaption>'
            f'<div class="chart-wide">{c.wide}</div><div class="chart-narrow">{c.narrow}</div>{note}</figure>')


def render_html(data: ReportData) -> str:
    L = data.L
    lang = data.lang
    key_lines = {r.line for r in data.rows if r.key}
    p: list[str] = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(L('title'))} — {escape(data.title)}</title>",
        f"<style>{CSS}\n{_page_css(data)}</style>",
        "</head>",
        "<body>",
    ]
    # -- page 1: executive summary -------------------------------------------------------------
    s = data.summary
    seal = L("integrity.ok") if data.integrity_ok else L("integrity.warning")
    p.append('<section id="summary">')
    p.append(f"<h1>{escape(L('title'))}</h1>")
    p.append(f'<p class="subtitle">{escape(data.title)} — {escape(L("subtitle"))}</p>')
    p.append(f'<p><span class="badge {"ok" if data.integrity_ok else "bad"}">{escape(seal)}</span> '
             f'<span class="muted">{escape(L("integrity.head-short"))} <code>{escape(data.head_short)}…</code></span></p>')
    p.append(f"<h2>{escape(L('section.summary'))}</h2>")
    p.extend(f"<p>{escape(x)}</p>" for x in s.paragraphs)
    p.append('<div class="tiles">')
    for tile in s.tiles:
        note = f'<span class="label">{escape(tile.note)}</span>' if tile.note else ""
        p.append(f'<div class="tile{" bad" if tile.bad else ""}"><span class="label">{escape(tile.label)}</span><span class="value">{escape(tile.value)}</span>{note}</div>')
    p.append("</div>")
    if data.task_chart is not None:
        p.append(_chart(data.task_chart))
    p.append('<div class="two">')
    p.append(f"<div><h3>{escape(L('summary.strengths'))}</h3>{_findings(data, s.strengths, key_lines)}</div>")
    p.append(f"<div><h3>{escape(L('summary.improvements'))}</h3>{_findings(data, s.improvements, key_lines, rated=True)}</div>")
    p.append("</div></section>")

    # -- 1. objectives and capabilities ----------------------------------------------------------
    p.append(f'<section id="objectives" class="page"><h2>1. {escape(L("section.objectives"))}</h2>')
    p.append(f'<p class="note">{escape(L("objectives.note"))}</p>')
    rows = []
    for o in data.objectives:
        evaluators = L("yes") if o.rated_by_evaluator else L("no")
        rows.append([escape(o.text), escape(data.labels.capability(o.capability)), rating_html(data, o.final),
                     rating_html(data, o.suggested) + " " + escape(o.reason), escape(evaluators)])
    p.append(_table([L("col.objective"), L("col.capability"), L("col.rating"), L("col.suggested"), L("col.evaluator-rated")], rows, raw={0, 1, 2, 3, 4}))
    for o in data.objectives:
        p.append(f'<div class="objective" id="obj-{o.index + 1}"><h3>{o.index + 1}. {escape(o.text)} {rating_html(data, o.final)}</h3>')
        p.append(f'<p class="muted">{escape(L("col.capability"))} : {escape(data.labels.capability(o.capability))}</p>' if lang == "fr"
                 else f'<p class="muted">{escape(L("col.capability"))}: {escape(data.labels.capability(o.capability))}</p>')
        trows = []
        for t in o.tasks:
            by = L("rated.evaluator-named", who=t.evaluator_by) if t.evaluator else (L("rated.suggested") if t.suggested else "—")
            reason = escape(t.reason) + lines_html(data, t.lines + ((t.evaluator_line,) if t.evaluator_line else ()), key_lines)
            sugg = "" if not t.evaluator or not t.suggested else f' <span class="muted">({escape(L("rated.suggested"))} {t.suggested})</span>'
            trows.append([escape(t.text), rating_html(data, t.final) + sugg, escape(by), reason])
        p.append(_table([L("col.task"), L("col.rating"), L("col.rated-by"), L("col.evidence")], trows, raw={0, 1, 2, 3}))
        p.append('<div class="two">')
        p.append(f"<div><h4>{escape(L('strengths'))}</h4>{_findings(data, o.strengths[:STRENGTHS_SHOWN], key_lines)}{_more(data, len(o.strengths) - STRENGTHS_SHOWN)}</div>")
        p.append(f"<div><h4>{escape(L('improvements'))}</h4>{_findings(data, o.improvements, key_lines, rated=True)}</div>")
        p.append("</div></div>")
    goods, bads = data.exercise_findings
    if goods or bads:
        p.append(f"<h3>{escape(L('section.other-findings'))}</h3>")
        p.append('<div class="two">')
        p.append(f"<div><h4>{escape(L('strengths'))}</h4>{_findings(data, goods, key_lines)}</div>")
        p.append(f"<div><h4>{escape(L('improvements'))}</h4>{_findings(data, bads, key_lines, rated=True)}</div></div>")
    p.append("</section>")

    # -- 2. regulatory clocks ---------------------------------------------------------------------
    p.append(f'<section id="clocks"><h2>2. {escape(L("section.clocks"))}</h2>')
    p.append(f'<p class="note">{escape(L("clocks.note"))}</p>')
    crows, cattrs = [], []
    for c in data.clocks:
        state = L(f"clock.{c.state}")
        when = lambda t: fmt.offset(t, lang) if t is not None else "—"  # noqa: E731
        crows.append([escape(c.name), escape(c.authority), f"<strong>{escape(state)}</strong>", escape(when(c.started)), escape(when(c.deadline)),
                      escape(when(c.met_at)), escape(c.margin or "—"), escape(c.basis) + lines_html(data, c.lines, key_lines)])
        cattrs.append(' class="missed"' if c.state == "missed" else "")
    p.append(_table([L("col.clock"), L("col.authority"), L("col.state"), L("col.started"), L("col.deadline"), L("col.met"), L("col.margin"), L("col.basis")],
                    crows, raw=set(range(8)), classes=["", "", "", "time", "time", "time", "", ""], row_attrs=cattrs))
    p.append("</section>")

    # -- 3. response times ------------------------------------------------------------------------
    p.append(f'<section id="responses"><h2>3. {escape(L("section.responses"))}</h2>')
    p.append(f'<p class="note">{escape(L("responses.note"))}</p>')
    rrows = []
    for r in data.responses:
        ack = fmt.duration(r.acknowledged - r.fired, lang) if r.acknowledged is not None else "—"
        delay = fmt.duration(r.answered - r.fired, lang) if r.answered is not None and r.status in ("answered", "default") else "—"
        answer = escape(L(f"answer.status.{r.status}", answer=r.answer, at=fmt.offset(r.answered or 0, lang)))
        if r.answer_line:
            answer += lines_html(data, (r.answer_line,), key_lines)
        stim = escape(r.stimulus) + lines_html(data, (r.line,), key_lines)
        rrows.append([stim, escape(L(f"stimulus.{r.kind}")), escape(fmt.offset(r.fired, lang)), escape(ack), answer, escape(delay)])
    p.append(_table([L("col.stimulus"), L("col.kind"), L("col.fired"), L("col.ack-delay"), L("col.answer"), L("col.answer-delay")], rrows,
                    raw={0, 1, 2, 3, 4, 5}, classes=["", "", "time", "num", "", "num"]))
    p.append("</section>")

    # -- 4. the situation over time ---------------------------------------------------------------
    p.append(f'<section id="situation" class="page"><h2>4. {escape(L("section.situation"))}</h2>')
    for c in data.charts:
        p.append(_chart(c))
    p.append(f"<h3>{escape(L('section.kpis'))}</h3>")
    p.append(_table([L("col.indicator"), L("col.value")], [[k, v] for k, v in data.kpis], classes=["", "num"]))
    p.append("</section>")

    # -- 5. improvement plan ----------------------------------------------------------------------
    p.append(f'<section id="plan" class="page"><h2>5. {escape(L("section.plan"))}</h2>')
    p.append(f'<p class="note">{escape(L("plan.note"))}</p>')
    if data.plan:
        prow = []
        for n, item in enumerate(data.plan, 1):
            cap = f"{data.labels.capability(item.capability)} · {data.labels.element(item.element)} · {data.labels.care(item.care)}"
            prow.append([str(n), escape(item.issue) + lines_html(data, item.lines, key_lines), item.action, cap, item.owner,
                         L(f"priority.{item.priority}"), fmt.day(item.due, lang)])
        p.append(_table([L("col.n"), L("col.issue"), L("col.corrective"), L("col.capability-element"), L("col.owner"), L("col.priority"), L("col.due")],
                        prow, raw={1}, classes=["num", "", "", "", "", "", "time"]))
    else:
        p.append(f"<p>{escape(L('plan.empty'))}</p>")
    p.append("</section>")

    section = 6
    if data.followup is not None:
        fu = data.followup
        p.append(f'<section id="followup"><h2>{section}. {escape(L("section.followup"))}</h2>')
        p.append(f"<p>{escape(L('followup.intro', exercise=fu.exercise, closed=fmt.number(len(fu.closed), lang), total=fmt.number(len(fu.items), lang)))}</p>")
        frows = []
        for it in fu.items:
            closed = fmt.day(it.closed, lang) if it.closed else "—"
            again = L("followup.again") if it.again else ""
            frows.append([it.action, it.owner, L(f"status.{it.status}"), closed, (it.evidence or "—") + (f" — {again}" if again else "")])
        p.append(_table([L("col.corrective"), L("col.owner"), L("col.status"), L("col.closed"), L("col.closure")], frows))
        p.append("</section>")
        section += 1
    if data.questions:
        p.append(f'<section id="questions"><h2>{section}. {escape(L("section.questions"))}</h2><ol>')
        p.extend(f"<li>{escape(q)}</li>" for q in data.questions)
        p.append("</ol></section>")

    # -- appendices -------------------------------------------------------------------------------
    p.append(f'<section id="appendices" class="page"><h2>{escape(L("section.appendices"))}</h2>')
    p.append(f'<h3 id="timeline">A. {escape(L("section.timeline"))}</h3>')
    p.append(f'<p class="note">{escape(L("timeline.note"))}</p>')
    headers = [L("col.line"), L("col.sim"), L("col.world"), L("col.category"), L("col.who"), L("col.what")]
    key_rows = [r for r in data.rows if r.key]
    p.append(_timeline(data, key_rows, headers, "l"))
    p.append(f"<details><summary>{escape(L('timeline.full', n=fmt.number(len(data.rows), lang)))}</summary>")
    p.append(_timeline(data, data.rows, headers + [L("col.wall")], "f", wall=True))
    p.append("</details>")
    p.append(f'<h3 id="participants">B. {escape(L("section.participants"))}</h3>')
    if data.participants:
        p.append(_table([L("col.name"), L("col.seat")], [[n, s] for n, s in data.participants]))
    else:
        p.append(f'<p class="muted">{escape(L("participants.none"))}</p>')
    if data.observations:
        p.append(_table([L("col.sim"), L("col.who"), L("col.observation")], [[t, w, x] for t, w, x, _l in data.observations]))
    p.append(f'<h3 id="integrity">C. {escape(L("section.integrity"))}</h3>')
    p.append(f'<p><span class="badge {"ok" if data.integrity_ok else "bad"}">{escape(seal)}</span></p>')
    p.append('<dl class="kv">')
    for key, value, is_hash in data.integrity:
        p.append(f"<dt>{escape(key)}</dt><dd>{'<code>' + escape(value) + '</code>' if is_hash else escape(value)}</dd>")
    p.append("</dl>")
    p.append(f'<p class="note">{escape(L("integrity.how"))}</p>')
    p.append(f'<h3 id="overview">D. {escape(L("section.overview"))}</h3><dl class="kv">')
    for key, value in data.overview:
        p.append(f"<dt>{escape(key)}</dt><dd>{escape(value)}</dd>")
    p.append("</dl></section>")
    p.append(f'<footer><p class="note">{escape(L("footer"))}</p></footer>')
    p.append("</body></html>")
    return "\n".join(p) + "\n"


def _timeline(data: ReportData, rows, headers: list[str], prefix: str, wall: bool = False) -> str:
    out_rows, attrs = [], []
    for r in rows:
        cells = [str(r.line), r.sim, r.world, data.L("category." + r.category), r.who, r.text]
        if wall:
            cells.append(r.wall)
        out_rows.append(cells)
        attrs.append(f' id="{prefix}{r.line}"' + (' class="truth"' if r.truth else ""))
    classes = ["num", "time", "time", "", "", ""] + (["time"] if wall else [])
    return _table(headers, out_rows, classes=classes, row_attrs=attrs)
