"""Inline SVG charts for the after-action report: no script, no network, printable.

Colours are the Okabe-Ito colour-blind-safe palette, and no state is told by colour alone:
availability levels also differ by hatching, series by dash pattern and by their label.
Every chart is drawn at two widths: a wide one for screens and paper, a narrow one (labels
above their bars, larger type) for phones; the page shows the one that fits. Labels are
wrapped to the room they have, from a conservative estimate of their width, so none is cut.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Callable

PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
DASHES = ("", "6 3", "2 2", "8 3 2 3", "1 3", "10 4", "4 4", "12 2")
LEVEL_FILL = {"up": "#009E73", "degraded": "#E69F00", "down": "#D55E00"}
_TICK_STEPS = (15, 30, 60, 120, 180, 240, 360, 720, 1440, 2880, 4320, 10080, 20160, 43200)

WIDE = 860
NARROW = 360
RIGHT_PAD = 24
CHAR_W = 0.62  # a generous average glyph width in em for sans-serif text (DejaVu Sans is wide)


def text_width(text: str, size: float) -> float:
    """Estimated rendered width: wide glyphs counted wider, so the estimate errs on the long side."""
    wide = sum(1 for ch in text if ch.isupper() or ch in "mwMW@%")
    return (len(text) + 0.35 * wide) * CHAR_W * size


def wrap(text: str, size: float, width: float, max_lines: int = 3) -> list[str]:
    """Words to lines no wider than `width`; the last line ends with an ellipsis if the text is longer."""
    words = text.split()
    lines: list[str] = []
    line = ""
    for word in words:
        trial = f"{line} {word}".strip()
        if text_width(trial, size) <= width or not line:
            line = trial
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    out = []
    for i, ln in enumerate(lines[:max_lines]):
        last = i == max_lines - 1 and len(lines) > max_lines
        while text_width(ln + ("…" if last else ""), size) > width and len(ln) > 1:
            ln, last = ln[:-1].rstrip(), True
        out.append(ln + ("…" if last else ""))
    return out or [""]


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


@dataclass(frozen=True)
class Bar:
    """One timed task: how long it took from its origin, against its limit."""

    label: str
    value: float | None  # minutes from the origin; None: not done
    limit: float | None
    status: str  # done | late | missing
    value_text: str
    tip: str


class _Canvas:
    def __init__(self, width: int, height: float, uid: str, title: str, size: float):
        self.width = width
        self.parts: list[str] = [
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" id="{escape(uid)}" '
            f'viewBox="0 0 {width} {height:.0f}" width="100%" preserveAspectRatio="xMinYMin meet" '
            f'font-family="DejaVu Sans, Verdana, sans-serif" font-size="{size:g}">',
            f"<title>{escape(title)}</title>",
        ]

    def add(self, text: str) -> None:
        self.parts.append(text)

    def text(self, x: float, y: float, lines: list[str], *, anchor: str = "start", fill: str = "#111", size: float | None = None, dy: float = 0.0) -> None:
        attrs = f' text-anchor="{anchor}"' if anchor != "start" else ""
        attrs += f' font-size="{size:g}"' if size else ""
        if len(lines) == 1:
            self.add(f'<text x="{x:.1f}" y="{y:.1f}"{attrs} fill="{fill}">{escape(lines[0])}</text>')
            return
        spans = "".join(f'<tspan x="{x:.1f}" dy="{0 if i == 0 else dy:.1f}">{escape(ln)}</tspan>' for i, ln in enumerate(lines))
        self.add(f'<text x="{x:.1f}" y="{y:.1f}"{attrs} fill="{fill}">{spans}</text>')

    def done(self) -> str:
        self.add("</svg>")
        return "\n".join(self.parts)


def _defs(uid: str) -> str:
    return (
        "<defs>"
        f'<pattern id="{uid}-hatch-down" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="{LEVEL_FILL["down"]}"/><line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2"/></pattern>'
        f'<pattern id="{uid}-hatch-degraded" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="{LEVEL_FILL["degraded"]}"/><circle cx="3" cy="3" r="1.2" fill="#fff"/></pattern>'
        "</defs>"
    )


def _legend(c: _Canvas, items: list[tuple[str, str]], x0: float, y0: float, width: float, size: float) -> float:
    """Swatches and labels flowed in rows within `width`; returns the y below the legend."""
    x, y = x0, y0
    for swatch, label in items:
        w = 22 + text_width(label, size) + 16
        if x > x0 and x + w > x0 + width:
            x, y = x0, y + size + 8
        c.add(swatch.format(x=x, y=y - size + 2))
        c.text(x + 20, y, [label], size=size)
        x += w
    return y + 8


def gantt(rows: list[GanttRow], t_end: float, *, uid: str, title: str, legend: dict[str, str], fmt_t: Callable[[float], str], narrow: bool = False) -> str:
    """Availability bars: one row per service or function, coloured and hatched by level."""
    size = 13.0 if narrow else 11.0
    width = NARROW if narrow else WIDE
    fills = {"up": LEVEL_FILL["up"], "degraded": f"url(#{uid}-hatch-degraded)", "down": f"url(#{uid}-hatch-down)"}
    if narrow:
        label_w, left = width - 8, 8.0
    else:
        longest = max((text_width(r.label, size) for r in rows), default=60.0)
        label_w = min(max(longest, 80.0), 260.0)
        left = label_w + 14
    plot_w = width - left - RIGHT_PAD
    wrapped = [wrap(r.label, size, label_w, 2 if not narrow else 3) for r in rows]
    row_h = [(len(w) * (size + 2) + 6 + (14 if narrow else 0)) if narrow else max(20.0, len(w) * (size + 2) + 6) for w in wrapped]
    c = _Canvas(width, 0, uid, title, size)
    swatches = [
        (f'<rect x="{{x:.1f}}" y="{{y:.1f}}" width="14" height="10" fill="{fills[lvl]}" stroke="#333" stroke-width="0.5"/>', legend.get(lvl, lvl))
        for lvl in ("up", "degraded", "down")
    ]
    c.add(_defs(uid))
    top = _legend(c, swatches, 8.0, size + 6, width - 16, size) + 6
    y = top
    positions = []
    for h in row_h:
        positions.append(y)
        y += h
    bottom = y
    t_end = max(float(t_end), 1.0)

    def x_of(t: float) -> float:
        return left + plot_w * min(max(t, 0.0), t_end) / t_end

    for t in ticks(t_end, 5 if narrow else 8):
        x = x_of(t)
        c.add(f'<line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{bottom:.1f}" stroke="#bbb" stroke-width="0.5"/>')
        anchor = "start" if t == 0 else ("end" if x > width - RIGHT_PAD - 20 else "middle")
        c.text(x, bottom + size + 4, [fmt_t(t)], anchor=anchor, fill="#333")
    for row, lines, y0, h in zip(rows, wrapped, positions, row_h):
        if narrow:
            c.text(left, y0 + size, lines, dy=size + 2)
            bar_y, bar_h = y0 + len(lines) * (size + 2) + 2, 12.0
        else:
            c.text(left - 8, y0 + (h - len(lines) * (size + 2)) / 2 + size, lines, anchor="end", dy=size + 2)
            bar_y, bar_h = y0 + 4, h - 8
        for start, end, level in row.segments:
            x0, x1 = x_of(start), x_of(end)
            if x1 - x0 < 0.2:
                continue
            tip = f"{row.label} : {legend.get(level, level)} {fmt_t(start)} – {fmt_t(end)}"
            c.add(
                f'<rect x="{x0:.1f}" y="{bar_y:.1f}" width="{x1 - x0:.1f}" height="{bar_h:.1f}" '
                f'fill="{fills.get(level, "#999")}" stroke="#333" stroke-width="0.3"><title>{escape(tip)}</title></rect>'
            )
    height = bottom + size + 14
    c.parts[0] = c.parts[0].replace('viewBox="0 0 %d 0"' % width, f'viewBox="0 0 {width} {height:.0f}"')
    return c.done()


def step_chart(series: list[Series], t_end: float, *, uid: str, title: str, y_label: str, fmt_t: Callable[[float], str], fmt_v: Callable[[float], str], narrow: bool = False) -> str:
    """Values over time as step lines, each with its own colour and dash pattern."""
    size = 13.0 if narrow else 11.0
    width = NARROW if narrow else WIDE
    c = _Canvas(width, 0, uid, title, size)
    swatches = []
    for i, s in enumerate(series):
        colour, dash = PALETTE[i % len(PALETTE)], DASHES[i % len(DASHES)]
        swatches.append((f'<line x1="{{x:.1f}}" y1="{{y:.1f}}" x2="{{x:.1f}}" y2="{{y:.1f}}" stroke="{colour}" stroke-width="2.5"'
                         + (f' stroke-dasharray="{dash}"' if dash else "") + "/>", s.label))
    # a line swatch: from x to x+16 at mid-height
    swatches = [(sw.replace('x2="{x:.1f}"', 'x2="{x_end:.1f}"'), lab) for sw, lab in swatches]
    x, y = 8.0, size + 6
    for sw, lab in swatches:
        w = 22 + text_width(lab, size) + 16
        if x > 8 and x + w > width - 8:
            x, y = 8.0, y + size + 8
        c.add(sw.format(x=x, y=y - size / 2 + 2, x_end=x + 16))
        c.text(x + 20, y, [lab], size=size)
        x += w
    top = y + 14
    plot_h = 170.0 if narrow else 200.0
    y_max = _nice_ceiling(max([v for s in series for _, v in s.points] + [1.0]))
    ticks_v = [y_max * f for f in (0.0, 0.25, 0.5, 0.75, 1.0)]
    label_w = max(text_width(fmt_v(v), size) for v in ticks_v) + 6
    left = 8 + size + 6 + label_w
    plot_w = width - left - RIGHT_PAD
    t_end = max(float(t_end), 1.0)

    def xs(t: float) -> float:
        return left + plot_w * min(max(t, 0.0), t_end) / t_end

    def ys(v: float) -> float:
        return top + plot_h - plot_h * (v / y_max)

    for t in ticks(t_end, 4 if narrow else 8):
        xx = xs(t)
        c.add(f'<line x1="{xx:.1f}" y1="{top:.1f}" x2="{xx:.1f}" y2="{top + plot_h:.1f}" stroke="#bbb" stroke-width="0.5"/>')
        anchor = "start" if t == 0 else ("end" if xx > width - RIGHT_PAD - 20 else "middle")
        c.text(xx, top + plot_h + size + 4, [fmt_t(t)], anchor=anchor, fill="#333")
    for v in ticks_v:
        c.add(f'<line x1="{left:.1f}" y1="{ys(v):.1f}" x2="{width - RIGHT_PAD}" y2="{ys(v):.1f}" stroke="#ddd" stroke-width="0.5"/>')
        c.text(left - 6, ys(v) + size / 3, [fmt_v(v)], anchor="end", fill="#333")
    mid = top + plot_h / 2
    c.add(f'<text x="{8 + size:.1f}" y="{mid:.1f}" transform="rotate(-90 {8 + size:.1f} {mid:.1f})" text-anchor="middle" fill="#333">{escape(y_label)}</text>')
    for i, s in enumerate(series):
        if not s.points:
            continue
        colour, dash = PALETTE[i % len(PALETTE)], DASHES[i % len(DASHES)]
        coords: list[str] = []
        prev_v = None
        for t, v in s.points:
            if prev_v is not None:
                coords.append(f"{xs(t):.1f},{ys(prev_v):.1f}")
            coords.append(f"{xs(t):.1f},{ys(v):.1f}")
            prev_v = v
        coords.append(f"{xs(t_end):.1f},{ys(prev_v):.1f}")
        c.add(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{" ".join(coords)}"'
            + (f' stroke-dasharray="{dash}"' if dash else "")
            + f"><title>{escape(s.label)}</title></polyline>"
        )
    height = top + plot_h + size + 14
    c.parts[0] = c.parts[0].replace('viewBox="0 0 %d 0"' % width, f'viewBox="0 0 {width} {height:.0f}"')
    return c.done()


def bars(items: list[Bar], *, uid: str, title: str, legend: dict[str, str], axis: str, fmt_t: Callable[[float], str], narrow: bool = False) -> str:
    """Timed critical tasks: a bar per task from its origin to when it was done, a mark at its limit."""
    size = 13.0 if narrow else 11.5
    width = NARROW if narrow else WIDE
    colours = {"done": "#009E73", "late": "#D55E00", "missing": "#999999"}
    c = _Canvas(width, 0, uid, title, size)
    c.add(
        "<defs>"
        f'<pattern id="{uid}-late" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="{colours["late"]}"/><line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2"/></pattern>'
        f'<pattern id="{uid}-missing" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="#eee"/><line x1="0" y1="3" x2="6" y2="3" stroke="#777" stroke-width="1"/></pattern>'
        "</defs>"
    )
    fills = {"done": colours["done"], "late": f"url(#{uid}-late)", "missing": f"url(#{uid}-missing)"}
    swatches = [
        (f'<rect x="{{x:.1f}}" y="{{y:.1f}}" width="14" height="10" fill="{fills[k]}" stroke="#333" stroke-width="0.5"/>', legend[k])
        for k in ("done", "late", "missing") if k in legend
    ]
    swatches.append(('<line x1="{x:.1f}" y1="{y:.1f}" x2="{x:.1f}" y2="{y_end:.1f}" stroke="#111" stroke-width="2.5"/>'.replace("x2=\"{x:.1f}\"", 'x2="{x7:.1f}"').replace('x1="{x:.1f}"', 'x1="{x7:.1f}"'), legend["limit"]))
    x, y = 8.0, size + 6
    for sw, lab in swatches:
        w = 22 + text_width(lab, size) + 16
        if x > 8 and x + w > width - 8:
            x, y = 8.0, y + size + 8
        c.add(sw.format(x=x, y=y - size + 2, x7=x + 7, y_end=y))
        c.text(x + 20, y, [lab], size=size)
        x += w
    top = y + 12
    if narrow:
        label_w, left = width - 16, 8.0
    else:
        longest = max((text_width(b.label, size) for b in items), default=80.0)
        label_w = min(max(longest, 100.0), 330.0)
        left = label_w + 16
    value_w = max((text_width(b.value_text, size) for b in items), default=40.0) + 12
    plot_w = width - left - RIGHT_PAD - value_w
    span = max([b.value or 0.0 for b in items] + [b.limit or 0.0 for b in items] + [1.0])
    span *= 1.05

    def xs(v: float) -> float:
        return left + plot_w * min(max(v, 0.0), span) / span

    y = top
    for b in items:
        lines = wrap(b.label, size, label_w, 3)
        if narrow:
            c.text(left, y + size, lines, dy=size + 2)
            bar_y = y + len(lines) * (size + 2) + 2
            h = len(lines) * (size + 2) + 22
        else:
            h = max(22.0, len(lines) * (size + 2) + 8)
            c.text(left - 8, y + (h - len(lines) * (size + 2)) / 2 + size - 1, lines, anchor="end", dy=size + 2)
            bar_y = y + (h - 14) / 2
        end = b.value if b.value is not None else span
        c.add(f'<rect x="{left:.1f}" y="{bar_y:.1f}" width="{max(xs(end) - left, 1.0):.1f}" height="14" fill="{fills[b.status]}" stroke="#333" stroke-width="0.4"><title>{escape(b.tip)}</title></rect>')
        after = xs(end)
        if b.limit is not None:
            lx = xs(b.limit)
            c.add(f'<line x1="{lx:.1f}" y1="{bar_y - 3:.1f}" x2="{lx:.1f}" y2="{bar_y + 17:.1f}" stroke="#111" stroke-width="2.5"/>')
            if lx - 4 <= after + text_width(b.value_text, size) + 8:
                after = max(after, lx)
        tx = min(after + 6, width - 4 - text_width(b.value_text, size))
        c.text(tx, bar_y + 11, [b.value_text], fill="#111")
        y += h
    axis_lines = wrap(axis, size, width - left - 8, 3)
    c.text(left, y + size + 6, axis_lines, fill="#333", dy=size + 2)
    height = y + size + 14 + (len(axis_lines) - 1) * (size + 2)
    c.parts[0] = c.parts[0].replace('viewBox="0 0 %d 0"' % width, f'viewBox="0 0 {width} {height:.0f}"')
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
