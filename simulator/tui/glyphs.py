"""Glyph and colour for every state: state is never shown by colour alone.

Colours come from the Okabe-Ito palette (readable with the common colour-vision
deficiencies); each state also has its own glyph, so a monochrome projector or a
colour-blind reader loses nothing.
"""

from __future__ import annotations

from rich.text import Text

# Okabe-Ito
GREEN = "#009E73"
SKY = "#56B4E9"
ORANGE = "#E69F00"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
GREY = "#8a8a8a"

ASSET_STATES: dict[str, tuple[str, str]] = {
    "healthy": ("○", GREEN),
    "suspicious": ("◇", YELLOW),
    "compromised": ("◆", ORANGE),
    "encrypted": ("●", VERMILLION),
    "isolated": ("▣", BLUE),
    "offline": ("□", GREY),
    "restoring": ("↻", SKY),
}
"""Asset states, in the order of the legend (least to most severe is not the point: identity is)."""

SERVICE_LEVELS: dict[str, tuple[str, str]] = {
    "up": ("✓", GREEN),
    "degraded": ("◐", ORANGE),
    "down": ("✗", VERMILLION),
}

CLOCK_STATES: dict[str, tuple[str, str]] = {
    "not-started": ("·", GREY),
    "running": ("⧗", YELLOW),
    "met": ("✓", GREEN),
    "missed": ("✗", VERMILLION),
}

RATINGS: dict[str, tuple[str, str]] = {
    "P": ("P", GREEN),
    "S": ("S", SKY),
    "M": ("M", ORANGE),
    "U": ("U", VERMILLION),
    "": ("–", GREY),
}

SPARK = "▁▂▃▄▅▆▇█"


def glyph(table: dict[str, tuple[str, str]], state: str) -> Text:
    """The glyph of `state` in its colour (a '?' when the state is unknown)."""
    char, colour = table.get(state, ("?", PURPLE))
    return Text(char, style=f"bold {colour}")


def colour(table: dict[str, tuple[str, str]], state: str) -> str:
    return table.get(state, ("?", PURPLE))[1]


def sparkline(values: tuple[float, ...] | list[float], width: int = 12, top: float | None = None) -> str:
    """A one-line sparkline of the last `width` values, scaled to `top` (default: their max)."""
    vals = list(values)[-width:]
    if not vals:
        return ""
    hi = top if top is not None else max(vals)
    if hi <= 0:
        return SPARK[0] * len(vals)
    out = []
    for v in vals:
        i = int(round(max(0.0, min(1.0, v / hi)) * (len(SPARK) - 1)))
        out.append(SPARK[i])
    return "".join(out)


def bar(fraction: float, width: int = 10) -> str:
    """A progress bar in block characters (readable without colour)."""
    fraction = max(0.0, min(1.0, fraction))
    full = int(fraction * width)
    return "█" * full + "░" * (width - full)
