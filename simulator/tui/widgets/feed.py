"""Event feed, newest first (what a seat may read is decided by the session: players never get ground-truth lines)."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text

from simulator.tui.glyphs import PURPLE
from simulator.room.views import Situation
from simulator.tui.text import offset, tr
from simulator.tui.widgets.panel import Panel

SHOWN = 40
BOOKKEEPING = frozenset({"job-started", "staff", "clinical", "availability", "asset-changed"})
"""What the essential view of the log leaves out: how an action is carried out (its job
starting, technicians, each machine's state), not what was decided or what came of it."""


class FeedPanel(Panel):
    TITLE = "panel.feed"
    essential = False

    def lines(self, sit: Situation):
        feed = sit.feed if not self.essential else tuple(l for l in sit.feed if l.kind not in BOOKKEEPING)
        return feed[-SHOWN:]

    def part(self, sit: Situation) -> object:
        return (self.lines(sit), self.essential)

    def toggle(self) -> None:
        self.essential = not self.essential
        if self._sit is not None:
            self.show(self._sit, self.lang)

    def draw(self, sit: Situation, lang: str):
        self.border_subtitle = tr("feed.essential" if self.essential else "feed.everything", lang)
        lines = []
        for line in reversed(self.lines(sit)):
            text = Text(f"{offset(line.t):>8} ", style="dim")
            if line.truth:
                text.append("◈ ", style=f"bold {PURPLE}")
            text.append(line.text)
            lines.append(text)
        return Group(*lines)
