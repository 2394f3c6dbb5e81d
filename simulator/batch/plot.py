"""Histograms of a batch as hand-written SVG, alone or in a self-contained HTML summary.

No plotting library: bars are rectangles, so a few lines of SVG do, and the
`cluster` extra stays the only optional dependency. Colours are Okabe-Ito
(colour-blind safe); arms are also told apart by outline style and a legend,
never by colour alone.
"""

from __future__ import annotations

import html
import math
from typing import Mapping, Sequence

from simulator.batch.display import axis_unit, fmt, in_days, label, order, scale
from simulator.batch.stats import Summary

COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7")
DASHES = ("", "4 2", "1 2", "6 2 1 2")
W, H = 340, 200
PAD_L, PAD_R, PAD_T, PAD_B = 44, 12, 28, 36


def _esc(text: str) -> str:
    return html.escape(str(text), quote=True)


def _num(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def bins_for(values: Sequence[float], max_bins: int = 24) -> tuple[float, float, int]:
    """(low, width, count): square-root rule, capped, one bin when every value is the same."""
    lo, hi = min(values), max(values)
    if hi <= lo:
        return lo - 0.5, 1.0, 1
    n = max(1, min(max_bins, int(math.ceil(math.sqrt(len(values))))))
    return lo, (hi - lo) / n, n


def counts(values: Sequence[float], lo: float, width: float, n: int) -> list[int]:
    out = [0] * n
    for v in values:
        i = int((v - lo) / width) if width > 0 else 0
        out[min(max(i, 0), n - 1)] += 1
    return out


def histogram(name: str, series: Mapping[str, Sequence[float]], x: float = 0, y: float = 0) -> str:
    """One histogram panel (an <svg> element) of a metric, one outlined bar set per arm."""
    shown = {arm: [scale(name, v) for v in vals] for arm, vals in series.items() if vals}
    parts = [f'<svg x="{_num(x)}" y="{_num(y)}" width="{W}" height="{H}" viewBox="0 0 {W} {H}">']
    parts.append(f'<text x="{W / 2:.0f}" y="16" text-anchor="middle" font-size="13" font-weight="bold">{_esc(label(name))}</text>')
    if not shown:
        parts.append(f'<text x="{W / 2:.0f}" y="{H / 2:.0f}" text-anchor="middle" font-size="12">no values</text></svg>')
        return "".join(parts)
    everything = [v for vals in shown.values() for v in vals]
    lo, width, n = bins_for(everything)
    per_arm = {arm: counts(vals, lo, width, n) for arm, vals in shown.items()}
    top = max(max(c) for c in per_arm.values()) or 1
    pw, ph = W - PAD_L - PAD_R, H - PAD_T - PAD_B
    bw = pw / n
    for k, (arm, cnt) in enumerate(per_arm.items()):
        colour, dash = COLOURS[k % len(COLOURS)], DASHES[k % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        for i, c in enumerate(cnt):
            if c == 0:
                continue
            h = ph * c / top
            parts.append(
                f'<rect x="{PAD_L + i * bw:.1f}" y="{PAD_T + ph - h:.1f}" width="{max(bw - 1, 0.5):.1f}" height="{h:.1f}" '
                f'fill="{colour}" fill-opacity="0.45" stroke="{colour}" stroke-width="1.2"{dash_attr}><title>{_esc(arm)}: {c}</title></rect>'
            )
    axis_y = PAD_T + ph
    parts.append(f'<line x1="{PAD_L}" y1="{axis_y}" x2="{W - PAD_R}" y2="{axis_y}" stroke="#333"/>')
    parts.append(f'<line x1="{PAD_L}" y1="{PAD_T}" x2="{PAD_L}" y2="{axis_y}" stroke="#333"/>')
    parts.append(f'<text x="{PAD_L - 4}" y="{PAD_T + 4}" text-anchor="end" font-size="10">{top}</text>')
    parts.append(f'<text x="{PAD_L - 4}" y="{axis_y}" text-anchor="end" font-size="10">0</text>')
    parts.append(f'<text x="{PAD_L}" y="{axis_y + 13}" text-anchor="start" font-size="10">{_esc(_num(lo))}</text>')
    parts.append(f'<text x="{W - PAD_R}" y="{axis_y + 13}" text-anchor="end" font-size="10">{_esc(_num(lo + width * n))}</text>')
    unit = axis_unit(name)
    parts.append(f'<text x="{PAD_L + pw / 2:.0f}" y="{axis_y + 26}" text-anchor="middle" font-size="10">{_esc(unit or "value")} (runs per bin)</text>')
    if len(per_arm) > 1:
        for k, arm in enumerate(per_arm):
            colour, dash = COLOURS[k % len(COLOURS)], DASHES[k % len(DASHES)]
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            ly = PAD_T + 4 + 14 * k
            parts.append(f'<rect x="{W - PAD_R - 96}" y="{ly}" width="10" height="10" fill="{colour}" fill-opacity="0.45" stroke="{colour}"{dash_attr}/>')
            parts.append(f'<text x="{W - PAD_R - 82}" y="{ly + 9}" font-size="10">{_esc(arm)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def plotted_metrics(names: Sequence[str], series_of) -> list[str]:
    """Metrics worth a histogram: not clocks (shares, in the table), not constant in every arm."""
    out = []
    for name in order(list(names)):
        if name.startswith("clock."):
            continue
        values = [v for vals in series_of(name).values() for v in vals]
        if values and max(values) > min(values):
            out.append(name)
    return out


def histograms_svg(names: Sequence[str], series_of, title: str, columns: int = 3, footer: str = "", footer_height: int = 0) -> str:
    """A standalone SVG document: a grid of histogram panels (and `footer`, an <svg> drawn below them)."""
    rows = max(1, math.ceil(len(names) / columns))
    width, grid = W * columns, 36 + H * rows
    height = grid + footer_height
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="12" y="22" font-size="15" font-weight="bold">{_esc(title)}</text>',
    ]
    if not names:
        parts.append(f'<text x="12" y="{36 + H / 2:.0f}" font-size="12">every metric took the same value in every run: nothing to plot</text>')
    for i, name in enumerate(names):
        parts.append(histogram(name, series_of(name), x=W * (i % columns), y=36 + H * (i // columns)))
    if footer:
        parts.append(f'<g transform="translate(0,{grid})">{footer}</g>')
    parts.append("</svg>\n")
    return "".join(parts)


def weekly_svg(weekly: Mapping[str, Sequence[float]], title: str, standalone: bool = True) -> str:
    """Median capacity (%) of each clinical function, weeks 1..n: one line each, labelled at its end
    and drawn with its own dash pattern, so no line is told apart by colour alone."""
    weeks = max((len(v) for v in weekly.values()), default=0)
    width, height, left, right, top, bottom = 640, 320, 44, 150, 30, 36
    head = '<svg xmlns="http://www.w3.org/2000/svg" ' if standalone else "<svg "
    parts = [f'{head}width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif">']
    parts.append(f'<rect width="{width}" height="{height}" fill="white"/>')
    parts.append(f'<text x="12" y="18" font-size="13" font-weight="bold">{_esc(title)}</text>')
    plot_w, plot_h = width - left - right, height - top - bottom
    if weeks == 0:
        parts.append(f'<text x="{left}" y="{top + plot_h / 2:.0f}" font-size="12">no weekly figures (runs shorter than a week?)</text></svg>')
        return "".join(parts)
    top_value = max(100.0, max(max(v) for v in weekly.values() if v))
    x_of = (lambda i: left + (plot_w * i / (weeks - 1) if weeks > 1 else plot_w / 2))
    y_of = (lambda v: top + plot_h * (1 - v / top_value))
    for tick in range(0, int(top_value) + 1, 25):
        y = y_of(tick)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="10">{tick} %</text>')
    for i in range(weeks):
        parts.append(f'<text x="{x_of(i):.1f}" y="{height - bottom + 16}" text-anchor="middle" font-size="11">week {i + 1}</text>')
    placed: list[float] = []
    for k, (fid, values) in enumerate(weekly.items()):
        colour, dash = COLOURS[k % len(COLOURS)], DASHES[(k // len(COLOURS)) % len(DASHES)]
        points = " ".join(f"{x_of(i):.1f},{y_of(v):.1f}" for i, v in enumerate(values))
        style = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"{style}/>')
        y_end = y_of(values[-1])
        while any(abs(y_end - p) < 11 for p in placed):
            y_end += 11
        placed.append(y_end)
        parts.append(f'<text x="{left + plot_w + 6}" y="{y_end + 4:.1f}" font-size="10" fill="{colour}">{_esc(fid)} {values[-1]:.0f} %</text>')
    parts.append("</svg>\n" if standalone else "</svg>")
    return "".join(parts)


def summary_html(
    title: str,
    facts: Sequence[tuple[str, str]],
    table: Sequence[tuple[str, Summary]],
    differences: Sequence[tuple[str, Summary]],
    plotted: Sequence[str],
    series_of,
    variant_label: str | None = None,
    weekly: Mapping[str, Sequence[float]] | None = None,
) -> str:
    """One self-contained HTML page: what was run, the KPI table, paired differences, weekly
    capacity of each clinical function, histograms."""
    css = (
        "body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}"
        "th,td{border:1px solid #bbb;padding:4px 8px;text-align:right}th:first-child,td:first-child{text-align:left}"
        "figure{display:inline-block;margin:0}dt{font-weight:bold;float:left;clear:left;width:12em}dd{margin-left:12em}"
    )
    out = [
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">",
        f"<title>{_esc(title)}</title><style>{css}</style></head><body>",
        f"<h1>{_esc(title)}</h1><dl>",
    ]
    out.extend(f"<dt>{_esc(k)}</dt><dd>{_esc(v)}</dd>" for k, v in facts)
    out.append("</dl><h2>Indicators (baseline)</h2>")
    days = {name: in_days(name, s.median) for name, s in table}
    out.append(_table(table, signed=False, days=days))
    if differences:
        out.append(f"<h2>Paired differences: {_esc(variant_label or 'variant')} minus baseline (same seeds)</h2>")
        out.append(_table(differences, signed=True, days=days))
    out.append("<p>CI: 95 % Student t interval of the mean. p5/p95: 5th and 95th percentiles.</p>")
    if weekly:
        out.append("<h2>Capacity of each clinical function by week (median of the runs)</h2>")
        out.append(_weekly_table(weekly))
        out.append(f"<figure>{weekly_svg(weekly, 'Median capacity by week', standalone=False)}</figure>")
    out.append("<h2>Distributions</h2>")
    for name in plotted:
        svg = histogram(name, series_of(name)).replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
        out.append(f"<figure>{svg}</figure>")
    if not plotted:
        out.append("<p>Every metric took the same value in every run: nothing to plot.</p>")
    out.append("</body></html>\n")
    return "".join(out)


def _table(rows: Sequence[tuple[str, Summary]], signed: bool, days: Mapping[str, bool]) -> str:
    head = "<tr><th>indicator</th><th>mean</th><th>95 % CI</th><th>median</th><th>p5</th><th>p95</th><th>runs</th></tr>"
    body = []
    for name, s in rows:
        d = days.get(name, False)
        cell = lambda v: _esc(fmt(name, v, signed, d))  # noqa: E731
        body.append(
            f"<tr><td>{_esc(label(name))}</td><td>{cell(s.mean)}</td><td>{cell(s.ci_low)} .. {cell(s.ci_high)}</td>"
            f"<td>{cell(s.median)}</td><td>{cell(s.p5)}</td><td>{cell(s.p95)}</td><td>{s.n}</td></tr>"
        )
    return f"<table>{head}{''.join(body)}</table>"


def _weekly_table(weekly: Mapping[str, Sequence[float]]) -> str:
    weeks = max((len(v) for v in weekly.values()), default=0)
    head = "<tr><th>function</th>" + "".join(f"<th>week {i + 1}</th>" for i in range(weeks)) + "</tr>"
    body = "".join(
        f"<tr><td>{_esc(fid)}</td>" + "".join(f"<td>{v:.0f} %</td>" for v in values) + "</tr>" for fid, values in weekly.items()
    )
    return f"<table>{head}{body}</table>"
