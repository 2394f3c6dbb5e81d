"""The after-action report as one self-contained HTML file, its Markdown twin, and the CSV timeline.

HTML: inline CSS (screen and print), inline SVG charts, no script, no external resource, so
it opens offline and prints as is. Markdown: the same sections as tables; the charts are
embedded as SVG data URIs so the file stays self-contained.
"""

from __future__ import annotations

import base64
import csv
import io
from html import escape

from simulator.model.duration import format_duration
from simulator.report.data import ReportData, Row
from simulator.report.svg import format_t

CSS = """
:root { --ink: #111; --muted: #555; --line: #ccc; --head: #eef2f6; --bad: #b3261e; --ok: #0b6e4f; }
* { box-sizing: border-box; }
body { font-family: -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink);
       max-width: 1100px; margin: 2rem auto; padding: 0 1rem; line-height: 1.4; font-size: 14px; }
h1 { font-size: 1.7rem; margin-bottom: .2rem; } h2 { border-bottom: 2px solid var(--ink); padding-bottom: .2rem; margin-top: 2rem; }
.subtitle { color: var(--muted); margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1rem; }
th, td { border: 1px solid var(--line); padding: .3rem .45rem; text-align: left; vertical-align: top; }
th { background: var(--head); }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.time { white-space: nowrap; font-variant-numeric: tabular-nums; }
table.kv th { width: 28%; }
.hash { font-family: ui-monospace, "DejaVu Sans Mono", monospace; word-break: break-all; font-size: .85em; }
.ok { color: var(--ok); font-weight: 600; } .bad { color: var(--bad); font-weight: 600; }
.rating { font-weight: 700; text-align: center; }
.rating-P { color: var(--ok); } .rating-S { color: #0072B2; } .rating-M { color: #9a5b00; } .rating-U { color: var(--bad); }
tr.truth td { background: #f6f0f6; font-style: italic; }
tr.missed td { background: #fdecea; } tr.missed td:nth-child(3) { font-weight: 700; }
figure { margin: 1rem 0; page-break-inside: avoid; break-inside: avoid; }
figcaption { font-weight: 600; margin-bottom: .3rem; }
svg.chart { max-width: 100%; height: auto; border: 1px solid var(--line); }
.note { color: var(--muted); font-size: .9em; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  h2 { page-break-after: avoid; break-after: avoid; }
  tr, figure { page-break-inside: avoid; break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""

SECTIONS = ("overview", "integrity", "kpis", "timeline", "charts", "objectives", "clocks", "responses", "plan", "questions")


def _minutes(value: float | None) -> str:
    return format_t(value) if value is not None else "—"


def _delay(start: float, end: float | None) -> str:
    return format_duration(int(round(end - start))) if end is not None else "—"


def _task_label(task) -> str:
    return f"{task.task} — {task.text}" if task.text else task.task


def _rating(data: ReportData, rating: str | None) -> str:
    return rating if rating else data.L("not-rated")


def _table(headers: list[str], rows: list[list[str]], classes: list[str] | None = None, row_classes: list[str] | None = None) -> str:
    out = ["<table>", "<thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in headers) + "</tr></thead>", "<tbody>"]
    for i, row in enumerate(rows):
        rc = f' class="{row_classes[i]}"' if row_classes and row_classes[i] else ""
        cells = []
        for j, cell in enumerate(row):
            names = classes[j] if classes and classes[j] else ""
            if names == "rating" and cell in ("P", "S", "M", "U"):
                names = f"rating rating-{cell}"
            cls = f' class="{names}"' if names else ""
            cells.append(f"<td{cls}>{escape(cell)}</td>")
        out.append(f"<tr{rc}>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def _kv(rows: list[tuple[str, str]], hash_keys: tuple[str, ...] = ()) -> str:
    out = ['<table class="kv"><tbody>']
    for key, value in rows:
        cls = ' class="hash"' if key in hash_keys else ""
        out.append(f"<tr><th>{escape(key)}</th><td{cls}>{escape(value)}</td></tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def _timeline_cells(data: ReportData, r: Row) -> list[str]:
    return [r.sim, r.world, r.wall, data.L("category." + r.category), r.who, r.text]


def render_html(data: ReportData) -> str:
    L = data.L
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{data.lang}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(L('title'))} — {escape(data.title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{escape(L('title'))}</h1>",
        f'<p class="subtitle">{escape(data.title)} — {escape(L("subtitle"))}</p>',
        "</header>",
    ]
    parts.append(f'<section id="overview"><h2>1. {escape(L("section.overview"))}</h2>')
    parts.append(_kv(data.overview))
    parts.append("</section>")

    status_cls = "ok" if data.integrity_ok else "bad"
    parts.append(f'<section id="integrity"><h2>2. {escape(L("section.integrity"))}</h2>')
    parts.append(f'<p class="{status_cls}">{escape(L("integrity.ok" if data.integrity_ok else "integrity.warning"))}</p>')
    parts.append(_kv(data.integrity, hash_keys=(L("integrity.head"), L("integrity.scenario-sha"))))
    parts.append(f'<p class="note">{escape(L("integrity.how"))}</p>')
    parts.append("</section>")

    parts.append(f'<section id="kpis"><h2>3. {escape(L("section.kpis"))}</h2>')
    parts.append(_table([L("col.indicator"), L("col.value")], [[k, v] for k, v in data.kpis], ["", "num"]))
    parts.append("</section>")

    parts.append(f'<section id="timeline"><h2>4. {escape(L("section.timeline"))}</h2>')
    parts.append(f'<p class="note">{escape(L("timeline.note"))}</p>')
    parts.append(
        _table(
            [L("col.sim"), L("col.world"), L("col.wall"), L("col.category"), L("col.who"), L("col.what")],
            [_timeline_cells(data, r) for r in data.rows],
            ["time", "time", "time", "", "", ""],
            ["truth" if r.truth else "" for r in data.rows],
        )
    )
    parts.append("</section>")

    parts.append(f'<section id="charts"><h2>5. {escape(L("section.charts"))}</h2>')
    for title, svg in data.charts:
        parts.append(f"<figure><figcaption>{escape(title)}</figcaption>\n{svg}\n</figure>")
    parts.append("</section>")

    parts.append(f'<section id="objectives"><h2>6. {escape(L("section.objectives"))}</h2>')
    parts.append(f'<p class="note">{escape(L("objectives.note"))}</p>')
    parts.append(
        _table(
            [L("col.objective"), L("col.rating")],
            [[f"{oid} — {text}", _rating(data, rating)] for oid, text, rating in data.objectives],
            ["", "rating"],
        )
    )
    rows = []
    for task in data.tasks:
        rows.append([task.objective, _task_label(task), _rating(data, task.rating), L("rated.auto" if task.automatic else "rated.evaluator")])
    parts.append(_table([L("col.objective"), L("col.task"), L("col.rating"), L("col.rated-by")], rows, ["", "", "rating", ""]))
    parts.append("</section>")

    parts.append(f'<section id="clocks"><h2>7. {escape(L("section.clocks"))}</h2>')
    parts.append(
        _table(
            [L("col.clock"), L("col.authority"), L("col.state"), L("col.started"), L("col.deadline"), L("col.met"), L("col.basis")],
            [[c.id, c.authority, L("clock." + c.state), _minutes(c.started), _minutes(c.deadline), _minutes(c.met_at), c.basis] for c in data.clocks],
            ["", "", "", "time", "time", "time", ""],
            ["" if c.state != "missed" else "missed" for c in data.clocks],
        )
    )
    parts.append("</section>")

    parts.append(f'<section id="responses"><h2>8. {escape(L("section.responses"))}</h2>')
    parts.append(f'<p class="note">{escape(L("responses.note"))}</p>')
    parts.append(
        _table(
            [L("col.stimulus"), L("col.kind"), L("col.fired"), L("col.ack"), L("col.ack-delay"), L("col.first-action"), L("col.action-delay")],
            [
                [r.stimulus, L("stimulus." + r.kind), format_t(r.fired), _minutes(r.acknowledged), _delay(r.fired, r.acknowledged),
                 f"{_minutes(r.first_action)} {r.action}".strip(), _delay(r.fired, r.first_action)]
                for r in data.responses
            ],
            ["", "", "time", "time", "num", "", "num"],
        )
    )
    parts.append("</section>")

    parts.append(f'<section id="plan"><h2>9. {escape(L("section.plan"))}</h2>')
    parts.append(f'<p class="note">{escape(L("plan.note"))}</p>')
    if data.plan:
        parts.append(
            _table(
                [L("col.issue"), L("col.corrective"), L("col.element"), L("col.owner"), L("col.due")],
                [[p.issue, p.action, p.element, p.owner, p.due] for p in data.plan],
            )
        )
    else:
        parts.append(f"<p>{escape(L('plan.empty'))}</p>")
    parts.append("</section>")

    if data.questions:
        parts.append(f'<section id="questions"><h2>10. {escape(L("section.questions"))}</h2><ol>')
        parts.extend(f"<li>{escape(q)}</li>" for q in data.questions)
        parts.append("</ol></section>")
    parts.append(f'<footer><p class="note">{escape(L("footer", file=data.file))}</p></footer>')
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


# ---------------------------------------------------------------------------------------------


def _md_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _md_table(headers: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(_md_cell(h) for h in headers) + " |", "|" + "---|" * len(headers)]
    out.extend("| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows)
    return "\n".join(out)


def render_markdown(data: ReportData) -> str:
    L = data.L
    out = [f"# {L('title')}", "", f"*{data.title} — {L('subtitle')}*", ""]
    out += [f"## 1. {L('section.overview')}", "", _md_table([L("col.item"), L("col.value")], [[k, v] for k, v in data.overview]), ""]
    out += [f"## 2. {L('section.integrity')}", "", f"**{L('integrity.ok' if data.integrity_ok else 'integrity.warning')}**", ""]
    out += [_md_table([L("col.item"), L("col.value")], [[k, f"`{v}`" if len(v) == 64 else v] for k, v in data.integrity]), ""]
    out += [L("integrity.how"), ""]
    out += [f"## 3. {L('section.kpis')}", "", _md_table([L("col.indicator"), L("col.value")], [[k, v] for k, v in data.kpis]), ""]
    out += [f"## 4. {L('section.timeline')}", "", L("timeline.note"), ""]
    out += [
        _md_table(
            [L("col.sim"), L("col.world"), L("col.wall"), L("col.category"), L("col.who"), L("col.what")],
            [_timeline_cells(data, r) for r in data.rows],
        ),
        "",
    ]
    out += [f"## 5. {L('section.charts')}", ""]
    for title, svg in data.charts:
        uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
        out += [f"**{title}**", "", f"![{title}]({uri})", ""]
    out += [f"## 6. {L('section.objectives')}", "", L("objectives.note"), ""]
    out += [_md_table([L("col.objective"), L("col.rating")], [[f"{o} — {t}", _rating(data, r)] for o, t, r in data.objectives]), ""]
    out += [
        _md_table(
            [L("col.objective"), L("col.task"), L("col.rating"), L("col.rated-by")],
            [[t.objective, _task_label(t), _rating(data, t.rating), L("rated.auto" if t.automatic else "rated.evaluator")] for t in data.tasks],
        ),
        "",
    ]
    out += [f"## 7. {L('section.clocks')}", ""]
    out += [
        _md_table(
            [L("col.clock"), L("col.authority"), L("col.state"), L("col.started"), L("col.deadline"), L("col.met"), L("col.basis")],
            [[c.id, c.authority, L("clock." + c.state), _minutes(c.started), _minutes(c.deadline), _minutes(c.met_at), c.basis] for c in data.clocks],
        ),
        "",
    ]
    out += [f"## 8. {L('section.responses')}", "", L("responses.note"), ""]
    out += [
        _md_table(
            [L("col.stimulus"), L("col.kind"), L("col.fired"), L("col.ack"), L("col.ack-delay"), L("col.first-action"), L("col.action-delay")],
            [
                [r.stimulus, L("stimulus." + r.kind), format_t(r.fired), _minutes(r.acknowledged), _delay(r.fired, r.acknowledged),
                 f"{_minutes(r.first_action)} {r.action}".strip(), _delay(r.fired, r.first_action)]
                for r in data.responses
            ],
        ),
        "",
    ]
    out += [f"## 9. {L('section.plan')}", "", L("plan.note"), ""]
    if data.plan:
        out += [
            _md_table(
                [L("col.issue"), L("col.corrective"), L("col.element"), L("col.owner"), L("col.due")],
                [[p.issue, p.action, p.element, p.owner, p.due] for p in data.plan],
            ),
            "",
        ]
    else:
        out += [L("plan.empty"), ""]
    if data.questions:
        out += [f"## 10. {L('section.questions')}", ""]
        out += [f"{i}. {q}" for i, q in enumerate(data.questions, 1)] + [""]
    out += ["---", "", L("footer", file=data.file), ""]
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------


CSV_COLUMNS = ("line", "t_minutes", "sim_time", "exercise_time", "wall_time_utc", "category", "kind", "who", "description", "ground_truth")


def timeline_csv(data: ReportData, *, excel: bool = False) -> str:
    """The timeline for spreadsheets: one row per record shown in the report, RFC 4180 quoting.

    `excel`: a UTF-8 byte-order mark and ';' separators, which is what a French-locale Excel
    needs to open the file with its accents and columns right.
    """
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";" if excel else ",", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in data.rows:
        writer.writerow([r.line, f"{r.t:.3f}", r.sim, r.world, r.wall, r.category, r.kind, r.who, r.text, "yes" if r.truth else "no"])
    return ("\ufeff" if excel else "") + buf.getvalue()
