"""The debrief as a file (Markdown or HTML): what the screen shows, for the hot debrief's minutes.

The full after-action report is built from the journal by `simulator.report` when it is
installed; this renders the debrief view itself, with the journal path and head hash that
let an auditor tie it to the record.
"""

from __future__ import annotations

import html
from pathlib import Path

from simulator.tui.bridge import Debrief
from simulator.tui.text import offset, tr


def _kpi_value(value: object) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items()) or "–"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    return str(value)


def markdown(d: Debrief, title: str, lang: str) -> str:
    out = [f"# {tr('debrief.title', lang)}: {title}", ""]
    out.append(f"- {tr('debrief.ended-at', lang, t=offset(d.t), reason=tr('end.' + (d.end_reason or 'duration'), lang))}")
    out.append(f"- {tr('debrief.journal', lang)}: `{d.log_path}`")
    out.append(f"- {tr('debrief.head', lang)}: `{d.head_hash}`")
    out += ["", f"## {tr('debrief.kpis', lang)}", "", f"| {tr('debrief.kpi', lang)} | {tr('debrief.value', lang)} |", "|---|---|"]
    for key, value in d.kpis:
        out.append(f"| {tr('kpi.' + key, lang)} | {_kpi_value(value)} |")
    out += ["", f"## {tr('debrief.objectives', lang)}", ""]
    for _oid, text, rating, tasks in d.objectives:
        out.append(f"- **{rating or '–'}** {text}")
        for task in tasks:
            how = tr("tasks.auto" if task.auto else "tasks.evaluator", lang)
            out.append(f"  - {task.rating or '–'} {task.text} ({how})")
    out += ["", f"## {tr('debrief.clocks', lang)}", ""]
    for c in d.clocks:
        out.append(f"- {tr('regclock.' + c.id, lang)}: {tr('clockstate.' + c.state, lang)}" + (f" ({offset(c.met_at)})" if c.met_at is not None else ""))
    out += ["", f"## {tr('debrief.timeline', lang)}", ""]
    for line in d.timeline:
        out.append(f"- `{offset(line.t)}` {'◈ ' if line.truth else ''}{line.text}")
    return "\n".join(out) + "\n"


def html_page(d: Debrief, title: str, lang: str) -> str:
    esc = html.escape
    rows = "".join(f"<tr><td>{esc(tr('kpi.' + k, lang))}</td><td>{esc(_kpi_value(v))}</td></tr>" for k, v in d.kpis)
    objectives = ""
    for _oid, text, rating, tasks in d.objectives:
        items = "".join(f"<li><b>{esc(t.rating or '–')}</b> {esc(t.text)}</li>" for t in tasks)
        objectives += f"<li><b>{esc(rating or '–')}</b> {esc(text)}<ul>{items}</ul></li>"
    clocks = "".join(f"<li>{esc(tr('regclock.' + c.id, lang))}: {esc(tr('clockstate.' + c.state, lang))}</li>" for c in d.clocks)
    timeline = "".join(f"<li><code>{esc(offset(x.t))}</code> {'◈ ' if x.truth else ''}{esc(x.text)}</li>" for x in d.timeline)
    return (
        f"<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{esc(title)}</title></head><body>"
        f"<h1>{esc(tr('debrief.title', lang))}: {esc(title)}</h1>"
        f"<p>{esc(tr('debrief.journal', lang))}: <code>{esc(d.log_path)}</code><br>{esc(tr('debrief.head', lang))}: <code>{esc(d.head_hash)}</code></p>"
        f"<h2>{esc(tr('debrief.kpis', lang))}</h2><table>{rows}</table>"
        f"<h2>{esc(tr('debrief.objectives', lang))}</h2><ul>{objectives}</ul>"
        f"<h2>{esc(tr('debrief.clocks', lang))}</h2><ul>{clocks}</ul>"
        f"<h2>{esc(tr('debrief.timeline', lang))}</h2><ul>{timeline}</ul></body></html>\n"
    )


def export(d: Debrief, title: str, lang: str, fmt: str, path: Path) -> Path:
    """Write the debrief next to the journal (atomically); returns the file written."""
    from simulator.cli.output import write_atomic

    text = markdown(d, title, lang) if fmt == "md" else html_page(d, title, lang)
    write_atomic(path, text)
    return path
