"""Event feed, newest first (players never see ground-truth lines: the bridge filters them)."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text

from simulator.tui.glyphs import PURPLE
from simulator.room.views import Situation
from simulator.tui.text import offset
from simulator.tui.widgets.panel import Panel

SHOWN = 40


class FeedPanel(Panel):
    TITLE = "panel.feed"

    def part(self, sit: Situation) -> object:
        return sit.feed[-SHOWN:]

    def draw(self, sit: Situation, lang: str):
        lines = []
        for line in reversed(sit.feed[-SHOWN:]):
            text = Text(f"{offset(line.t):>8} ", style="dim")
            if line.truth:
                text.append("◈ ", style=f"bold {PURPLE}")
            text.append(line.text)
            lines.append(text)
        return Group(*lines)
