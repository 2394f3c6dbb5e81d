"""Regulatory clocks (CERT Santé, GDPR, NIS2, police) with their countdowns."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from simulator.tui.glyphs import CLOCK_STATES, glyph
from simulator.room.views import Situation
from simulator.tui.text import offset, remaining, tr
from simulator.tui.widgets.panel import Panel


class ClocksPanel(Panel):
    TITLE = "panel.clocks"

    def part(self, sit: Situation) -> object:
        running = any(c.state == "running" for c in sit.clocks)
        return (sit.clocks, int(sit.t) if running else 0)

    def shape(self, sit: Situation) -> object:
        return sit.clocks  # one row each, whatever the countdown reads

    def draw(self, sit: Situation, lang: str):
        table = Table.grid(padding=(0, 1), expand=True)
        table.add_column(width=1)
        table.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        table.add_column(no_wrap=True, justify="right")
        for c in sit.clocks:
            if c.state == "running" and c.deadline is not None:
                status = Text(tr("clocks.left", lang, left=remaining(c.deadline - sit.t)), style="bold")
            elif c.state == "met":
                status = Text(tr("clocks.met", lang, t=offset(c.met_at)))
            elif c.state == "missed":
                status = Text(tr("clocks.missed", lang), style="bold")
            else:
                status = Text(tr("clocks.idle", lang), style="dim")
            table.add_row(glyph(CLOCK_STATES, c.state), c.name or tr("regclock." + c.id, lang), status)
        return table
