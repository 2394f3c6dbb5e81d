"""The report's charts, each drawn wide (screen, paper) and narrow (phone): timed tasks against
their limits, availability of services and clinical functions, clinical indicators, machines."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simulator.engine.exercise import Exercise
from simulator.report import locale as fmt
from simulator.report.evidence import Evidence
from simulator.report.findings import ObjectiveResult
from simulator.report.labels import Labels
from simulator.report.svg import Bar, GanttRow, Series, bars, gantt, step_chart


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    wide: str
    narrow: str
    note: str = ""


def task_chart(objectives: list[ObjectiveResult], labels: Labels, end: float) -> Chart | None:
    """How long each timed critical task took from its origin, against its limit (the summary's chart)."""
    lang = labels.lang
    L = labels.L
    items = []
    for obj in objectives:
        for task in obj.tasks:
            m = task.measured
            if m is None or m.limit is None or m.status not in ("done", "late", "missing"):
                continue
            origin = m.anchor if m.anchor is not None else 0.0
            limit = m.limit - origin
            if m.at is not None:
                value = m.at - origin
                status = "done" if m.status == "done" else "late"
                text = fmt.duration(value, lang) if value >= 0.5 else (L("chart.at-origin") if value > -0.5 else L("chart.before-origin", delay=fmt.duration(-value, lang)))
                value = max(value, 0.0)
            else:
                value, status, text = None, "missing", L("chart.not-done")
            tip = f"{task.text} : {text} / {fmt.duration(limit, lang)}"
            items.append(Bar(task.text, value, limit, status, text, tip))
    if not items:
        return None
    # at most 8 bars, the late and missing ones first, then the tightest limits; shown by limit
    rank = {"missing": 0, "late": 1, "done": 2}
    items = sorted(sorted(items, key=lambda b: (rank[b.status], b.limit or 0.0))[:8], key=lambda b: (b.limit or 0.0))
    legend = {"done": L("chart.bar-done"), "late": L("chart.bar-late"), "missing": L("chart.bar-missing"), "limit": L("chart.bar-limit")}
    title = L("chart.tasks")
    kw = dict(uid="chart-tasks", title=title, legend=legend, axis=L("chart.tasks-axis"), fmt_t=lambda t: fmt.offset(t, lang))
    return Chart("tasks", title, bars(items, **kw), bars(items, **{**kw, "uid": "chart-tasks-n"}, narrow=True), L("chart.tasks-note"))


def situation_charts(journal_events: list[tuple[int, dict]], ex: Exercise, ev: Evidence, sampler_points: list[tuple[float, int, int]], labels: Labels, end: float) -> list[Chart]:
    lang = labels.lang
    L = labels.L
    t_fmt = lambda t: fmt.offset(t, lang)  # noqa: E731
    v_fmt = lambda v: fmt.number(v, lang, 0 if float(v).is_integer() else 1)  # noqa: E731
    charts = []
    rows = []
    for node in [*ex.model.functions, *ex.model.services]:
        changes = ev.levels.get(node)
        if not changes:
            continue
        segments = []
        current, since = "up", 0.0
        for t, level, _line in changes:
            if t <= 0:
                current = level
                continue
            if level != current:
                segments.append((since, t, current))
                current, since = level, t
        segments.append((since, max(end, since), current))
        prefix = "⚕ " if node in ex.model.functions else ""
        rows.append(GanttRow(prefix + labels.node(node), tuple(segments)))
    legend = {lvl: L("level-" + lvl) for lvl in ("up", "degraded", "down")}
    title = L("chart.availability")
    if rows:
        charts.append(Chart("availability", title,
                            gantt(rows, max(end, 1.0), uid="chart-availability", title=title, legend=legend, fmt_t=t_fmt),
                            gantt(rows, max(end, 1.0), uid="chart-availability-n", title=title, legend=legend, fmt_t=t_fmt, narrow=True),
                            L("chart.availability-note")))
    series = [row for row in ex.series if row[0] >= 0]
    cols = {"waiting": 3, "diverted": 4, "cancelled": 5}
    clinical = [Series(L("chart.series." + name), tuple((float(r[0]), float(r[i])) for r in series)) for name, i in cols.items()]
    title = L("chart.clinical")
    kw: dict[str, Any] = dict(title=title, y_label=L("chart.patients"), fmt_t=t_fmt, fmt_v=v_fmt)
    charts.append(Chart("clinical", title, step_chart(clinical, max(end, 1.0), uid="chart-clinical", **kw),
                        step_chart(clinical, max(end, 1.0), uid="chart-clinical-n", narrow=True, **kw)))
    pts = sampler_points
    at0 = [p for p in pts if p[0] <= 0]
    first = at0[-1] if at0 else (0.0, 0, 0)
    later = [p for p in pts if p[0] > 0]
    compromised = ((0.0, float(first[1])),) + tuple((p[0], float(p[1])) for p in later)
    encrypted = ((0.0, float(first[2])),) + tuple((p[0], float(p[2])) for p in later)
    title = L("chart.assets")
    assets = [Series(L("chart.series.compromised"), compromised), Series(L("chart.series.encrypted"), encrypted)]
    kw = dict(title=title, y_label=L("machines"), fmt_t=t_fmt, fmt_v=v_fmt)
    charts.append(Chart("assets", title, step_chart(assets, max(end, 1.0), uid="chart-assets", **kw),
                        step_chart(assets, max(end, 1.0), uid="chart-assets-n", narrow=True, **kw)))
    return charts
