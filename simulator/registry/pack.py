"""The evidence pack for the ARS and the CaRE programme: which exercises, when, at which level, with
whom, the hash that identifies each record and report, and the improvement items closed in the
period. One self-contained HTML page (printable) or one CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from html import escape

from simulator.i18n import t as tr
from simulator.registry import store
from simulator.registry.db import Registry
from simulator.registry.models import ExerciseRecord, ItemRecord, PackRow
from simulator.report import locale as fmt

CSS = """
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", Verdana, sans-serif; max-width: 1000px; margin: 1.5rem auto; padding: 0 1rem; font-size: 14px; line-height: 1.45; color: #111; overflow-wrap: break-word; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; border-bottom: 2px solid #111; margin-top: 1.6rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { border: 1px solid #ccc; padding: .3rem .45rem; text-align: left; vertical-align: top; }
th { background: #eef2f6; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: .82em; word-break: break-all; }
.muted { color: #555; }
@media (max-width: 720px) {
  table, tbody, tr, td { display: block; width: 100%; } thead { display: none; }
  tr { border: 1px solid #ccc; margin-bottom: .5rem; } td { border: 0; border-bottom: 1px solid #eee; }
  td::before { content: attr(data-label); display: block; font-size: .8em; font-weight: 600; color: #555; }
}
@media print { @page { size: A4; margin: 15mm; } body { margin: 0; max-width: none; font-size: 9.5pt; } tr { break-inside: avoid; } }
"""


def _L(lang: str, key: str, **kw) -> str:
    return tr("registry." + key, lang, **kw)


def _period(reg: Registry, since: dt.date | None, until: dt.date) -> tuple[dt.date, list[ExerciseRecord]]:
    start = since or (until - dt.timedelta(days=365))
    return start, [e for e in store.exercises(reg) if start <= e.played_on <= until]


def _closed(reg: Registry, start: dt.date, until: dt.date) -> list[tuple[ItemRecord, ExerciseRecord]]:
    by_id = {e.id: e for e in store.exercises(reg)}
    return [(i, by_id[i.exercise_id]) for i in store.items(reg, statuses=("done",)) if start <= i.status_on <= until]


def pack_rows(reg: Registry, lang: str, since: dt.date | None, until: dt.date) -> list[PackRow]:
    start, exs = _period(reg, since, until)
    rows = []
    for e in exs:
        people = "; ".join(f"{p.name} ({p.seat(lang)})" for p in store.participants(reg, e.id))
        base = dict(exercise=e.id, played_on=e.played_on, scenario=e.title(lang), level=tr(f"report.level.{e.level}", lang),
                    mode=tr(f"report.mode.{'headless' if e.mode == 'headless' else 'interactive'}", lang), participants=people,
                    journal_head=e.head, report_sha256=e.report_sha256 or "")
        its = store.items(reg, exercise_id=e.id)
        if not its:
            rows.append(PackRow(**base))
        for i in its:
            rows.append(PackRow(**base, item=i.action(lang), owner=i.owner(lang), priority=tr(f"report.priority.{i.priority}", lang),
                                due=i.due.isoformat(), status=tr(f"report.status.{i.status}", lang), status_on=i.status_on.isoformat(), evidence=i.evidence))
    return rows


def pack_csv(reg: Registry, lang: str, since: dt.date | None, until: dt.date) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    fields = list(PackRow.model_fields)
    writer.writerow([_L(lang, f"csv.{f}") for f in fields])
    for row in pack_rows(reg, lang, since, until):
        writer.writerow([getattr(row, f).isoformat() if isinstance(getattr(row, f), dt.date) else getattr(row, f) for f in fields])
    return "\ufeff" + buf.getvalue()


def _table(headers: list[str], rows: list[list[str]], raw: set[int] = frozenset()) -> str:
    out = ["<table><thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in headers) + "</tr></thead><tbody>"]
    for r in rows:
        out.append("<tr>" + "".join(f'<td data-label="{escape(headers[j])}">{c if j in raw else escape(c)}</td>' for j, c in enumerate(r)) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def pack_html(reg: Registry, lang: str, since: dt.date | None, until: dt.date) -> str:
    start, exs = _period(reg, since, until)
    hospital = exs[-1].hospital(lang) if exs else ""
    L = lambda k, **kw: _L(lang, k, **kw)  # noqa: E731
    p = ["<!DOCTYPE html>", f'<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
         f"<title>{escape(L('pack.title'))}</title><style>{CSS}</style></head><body>"]
    p.append(f"<h1>{escape(L('pack.title'))}</h1>")
    p.append(f"<p>{escape(L('pack.intro', hospital=hospital or '—', start=fmt.day(start, lang), end=fmt.day(until, lang), n=fmt.number(len(exs), lang)))}</p>")
    p.append(f"<h2>{escape(L('pack.exercises'))}</h2>")
    rows = []
    for e in exs:
        people = ", ".join(f"{x.name} ({x.seat(lang)})" for x in store.participants(reg, e.id)) or L("pack.no-participants")
        ratings = ", ".join(f"{o.text(lang)} : {o.rating or '—'}" if lang == "fr" else f"{o.text(lang)}: {o.rating or '—'}" for o in store.objectives(reg, e.id))
        proof = f"<code>{escape(e.head)}</code>" + (f"<br>{escape(L('pack.report-hash'))} <code>{escape(e.report_sha256)}</code>" if e.report_sha256 else "")
        rows.append([escape(fmt.day(e.played_on, lang)), escape(e.title(lang)), escape(tr(f"report.level.{e.level}", lang)),
                     escape(tr(f"report.mode.{'headless' if e.mode == 'headless' else 'interactive'}", lang)), escape(people), escape(ratings), proof])
    p.append(_table([L("col.played-on"), L("col.scenario"), L("col.level"), L("col.mode"), L("col.participants"), L("col.ratings"), L("col.proof")],
                    rows, raw=set(range(7))) if rows else f"<p class=\"muted\">{escape(L('pack.none'))}</p>")
    closed = _closed(reg, start, until)
    p.append(f"<h2>{escape(L('pack.closed', n=fmt.number(len(closed), lang)))}</h2>")
    if closed:
        p.append(_table([L("col.item"), L("col.owner"), L("col.exercise"), L("col.closed-on"), L("col.evidence")],
                        [[i.action(lang), i.owner(lang), f"{e.title(lang)} ({fmt.day(e.played_on, lang)})", fmt.day(i.status_on, lang), i.evidence or "—"] for i, e in closed]))
    else:
        p.append(f"<p class=\"muted\">{escape(L('pack.none'))}</p>")
    still = [i for i in store.items(reg, statuses=("open", "in-progress"))]
    p.append(f"<h2>{escape(L('pack.open', n=fmt.number(len(still), lang)))}</h2>")
    if still:
        p.append(_table([L("col.item"), L("col.owner"), L("col.status"), L("col.due")],
                        [[i.action(lang), i.owner(lang), tr(f"report.status.{i.status}", lang), fmt.day(i.due, lang)] for i in still]))
    p.append(f'<p class="muted">{escape(L("pack.how"))}</p></body></html>')
    return "\n".join(p) + "\n"
