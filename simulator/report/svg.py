"""Inline SVG charts for the after-action report: no script, no network, printable.

Colours are the Okabe-Ito colour-blind-safe palette, and no state is told by colour alone:
availability levels also differ by hatching, series by dash pattern and by their label.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
DASHES = ("", "6 3", "2 2", "8 3 2 3", "1 3", "10 4", "4 4", "12 2")
LEVEL_FILL = {"up": "#009E73", "degraded": "#E69F00", "down": "#D55E00"}
_TICK_STEPS = (15, 30, 60, 120, 180, 240, 360, 720, 1440, 2880, 4320, 10080, 20160, 43200)

WIDTH = 860
LABEL_W = 170
RIGHT_PAD = 20


def format_t(minutes: float) -> str:
    """Sim time as the room says it: T+0, T+45m, T+2h, T+1d06h, T-3d."""
    sign = "-" if minutes < 0 else "+"
    m = int(round(abs(minutes)))
    days, rest = divmod(m, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        text = f"{days}d{hours:02d}h" if hours or mins else f"{days}d"
        if mins:
            text += f"{mins:02d}"
    elif hours:
        text = f"{hours}h{mins:02d}" if mins else f"{hours}h"
    else:
        text = f"{mins}m"
    return f"T{sign}{text}" if m else "T+0"


def ticks(t_end: float, wanted: int = 8) -> list[float]:
    """Round tick positions (multiples of 15 min .. 30 days) giving at most ~`wanted` ticks."""
    span = max(t_end, 1.0)
    step = next((s for s in _TICK_STEPS if span / s <= wanted), _TICK_STEPS[-1])
    out, t = [], 0.0
    while t <= span + 1e-9:
        out.append(t)
        t += step
    return out


@dataclass(frozen=True)
class GanttRow:
    label: str
    segments: tuple[tuple[float, float, str], ...]  # (start, end, level) with level up|degraded|down


@dataclass(frozen=True)
class Series:
    label: str
    points: tuple[tuple[float, float], ...]  # (t, value), drawn as a step function


class _Canvas:
    def __init__(self, t_end: float, height: int, uid: str, title: str):
        self.t_end = max(float(t_end), 1.0)
        self.height = height
        self.uid = uid
        self.parts: list[str] = [
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" id="{escape(uid)}" '
            f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
            f'font-family="sans-serif" font-size="11">',
            f"<title>{escape(title)}</title>",
        ]

    def x(self, t: float) -> float:
        t = min(max(t, 0.0), self.t_end)
        return LABEL_W + (WIDTH - LABEL_W - RIGHT_PAD) * t / self.t_end

    def add(self, text: str) -> None:
        self.parts.append(text)

    def time_axis(self, top: float, bottom: float) -> None:
        for t in ticks(self.t_end):
            x = self.x(t)
            self.add(f'<line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{bottom:.1f}" stroke="#bbb" stroke-width="0.5"/>')
            self.add(f'<text x="{x:.1f}" y="{bottom + 13:.1f}" text-anchor="middle" fill="#333">{escape(format_t(t))}</text>')

    def done(self) -> str:
        self.add("</svg>")
        return "\n".join(self.parts)


def gantt(rows: list[GanttRow], t_end: float, *, uid: str, title: str, legend: dict[str, str]) -> str:
    """Availability bars: one row per service or function, coloured and hatched by level."""
    row_h, top = 18, 30
    height = top + row_h * max(len(rows), 1) + 40
    c = _Canvas(t_end, height, uid, title)
    c.add(
        "<defs>"
        f'<pattern id="{uid}-hatch-down" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="{LEVEL_FILL["down"]}"/><line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2"/></pattern>'
        f'<pattern id="{uid}-hatch-degraded" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="{LEVEL_FILL["degraded"]}"/><circle cx="3" cy="3" r="1.2" fill="#fff"/></pattern>'
        "</defs>"
    )
    fills = {"up": LEVEL_FILL["up"], "degraded": f"url(#{uid}-hatch-degraded)", "down": f"url(#{uid}-hatch-down)"}
    x = LABEL_W
    for level in ("up", "degraded", "down"):
        c.add(f'<rect x="{x}" y="6" width="14" height="10" fill="{fills[level]}" stroke="#333" stroke-width="0.5"/>')
        c.add(f'<text x="{x + 18}" y="15" fill="#111">{escape(legend.get(level, level))}</text>')
        x += 150
    bottom = top + row_h * max(len(rows), 1)
    c.time_axis(top, bottom)
    for i, row in enumerate(rows):
        y = top + i * row_h
        c.add(f'<text x="{LABEL_W - 6}" y="{y + 13}" text-anchor="end" fill="#111">{escape(row.label)}</text>')
        for start, end, level in row.segments:
            x0, x1 = c.x(start), c.x(end)
            if x1 - x0 < 0.2:
                continue
            tip = f"{row.label}: {legend.get(level, level)} {format_t(start)} – {format_t(end)}"
            c.add(
                f'<rect x="{x0:.1f}" y="{y + 3}" width="{x1 - x0:.1f}" height="{row_h - 6}" '
                f'fill="{fills.get(level, "#999")}" stroke="#333" stroke-width="0.3"><title>{escape(tip)}</title></rect>'
            )
    return c.done()


def step_chart(series: list[Series], t_end: float, *, uid: str, title: str, y_label: str) -> str:
    """Values over time as step lines, each with its own colour and dash pattern."""
    legend_rows = (len(series) + 2) // 3
    top = 14 + 16 * legend_rows
    plot_h = 200
    height = top + plot_h + 40
    c = _Canvas(t_end, height, uid, title)
    y_max = max([v for s in series for _, v in s.points] + [1.0])
    y_max = _nice_ceiling(y_max)

    def y(v: float) -> float:
        return top + plot_h - plot_h * (v / y_max)

    for i, s in enumerate(series):
        lx = LABEL_W + (i % 3) * 220
        ly = 12 + (i // 3) * 16
        colour, dash = PALETTE[i % len(PALETTE)], DASHES[i % len(DASHES)]
        c.add(
            f'<line x1="{lx}" y1="{ly - 4}" x2="{lx + 24}" y2="{ly - 4}" stroke="{colour}" stroke-width="2.5"'
            + (f' stroke-dasharray="{dash}"' if dash else "")
            + "/>"
        )
        c.add(f'<text x="{lx + 30}" y="{ly}" fill="#111">{escape(s.label)}</text>')
    c.time_axis(top, top + plot_h)
    for frac in (0.0, 0.25, 0.5, 0.75, 1.0):
        v = y_max * frac
        c.add(f'<line x1="{LABEL_W}" y1="{y(v):.1f}" x2="{WIDTH - RIGHT_PAD}" y2="{y(v):.1f}" stroke="#ddd" stroke-width="0.5"/>')
        c.add(f'<text x="{LABEL_W - 6}" y="{y(v) + 4:.1f}" text-anchor="end" fill="#333">{_fmt_value(v)}</text>')
    c.add(
        f'<text x="14" y="{top + plot_h / 2:.1f}" transform="rotate(-90 14 {top + plot_h / 2:.1f})" '
        f'text-anchor="middle" fill="#333">{escape(y_label)}</text>'
    )
    for i, s in enumerate(series):
        if not s.points:
            continue
        colour, dash = PALETTE[i % len(PALETTE)], DASHES[i % len(DASHES)]
        coords: list[str] = []
        prev_v = None
        for t, v in s.points:
            if prev_v is not None:
                coords.append(f"{c.x(t):.1f},{y(prev_v):.1f}")
            coords.append(f"{c.x(t):.1f},{y(v):.1f}")
            prev_v = v
        coords.append(f"{c.x(c.t_end):.1f},{y(prev_v):.1f}")
        c.add(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{" ".join(coords)}"'
            + (f' stroke-dasharray="{dash}"' if dash else "")
            + f"><title>{escape(s.label)}</title></polyline>"
        )
    return c.done()


def _nice_ceiling(v: float) -> float:
    """The smallest 1, 2, 2.5 or 5 x 10^k at least `v`: round axis maxima."""
    step = 1.0
    while step * 10 < v:
        step *= 10
    for mult in (1, 2, 2.5, 5, 10):
        if step * mult >= v:
            return step * mult
    return v


def _fmt_value(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.1f}"
