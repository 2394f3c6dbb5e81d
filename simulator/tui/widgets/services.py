"""Services board: up / degraded / down, and since when."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from simulator.tui.glyphs import SERVICE_LEVELS, glyph
from simulator.room.views import Situation
from simulator.tui.text import offset, tr
from simulator.tui.widgets.panel import Panel

ORDER = {"down": 0, "degraded": 1, "up": 2}


class ServicesPanel(Panel):
    TITLE = "panel.services"

    def part(self, sit: Situation) -> object:
        return sit.services

    def draw(self, sit: Situation, lang: str):
        table = Table.grid(padding=(0, 1), expand=True)
        table.add_column(width=1)
        table.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        table.add_column(no_wrap=True, justify="right")
        counts = {level: 0 for level in ORDER}
        for s in sit.services:
            counts[s.level] = counts.get(s.level, 0) + 1
        for s in sorted(sit.services, key=lambda s: (ORDER.get(s.level, 3), s.name)):
            since = "" if s.level == "up" or s.since is None else tr("services.since", lang, t=offset(s.since))
            table.add_row(glyph(SERVICE_LEVELS, s.level), s.name, Text(since, style="dim"))
        summary = Text()
        for level in ("up", "degraded", "down"):
            summary.append_text(glyph(SERVICE_LEVELS, level))
            summary.append(f"{counts[level]} {tr('state.' + level, lang)}  ")
        return Group(summary, table)
