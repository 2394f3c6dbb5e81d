"""Clinical board: capacity (with its sparkline), waiting, diverted, cancelled, lab turnaround."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from simulator.tui.glyphs import SERVICE_LEVELS, glyph, sparkline
from simulator.room.views import Situation
from simulator.tui.text import tr
from simulator.tui.widgets.panel import Panel


WIDE = 58
"""Below this width the board drops the trend and cancelled columns (80x24 terminals)."""


class ClinicalPanel(Panel):
    TITLE = "panel.clinical"

    def part(self, sit: Situation) -> object:
        return sit.functions

    def draw(self, sit: Situation, lang: str):
        wide = self.size.width == 0 or self.size.width >= WIDE
        table = Table(box=None, padding=(0, 1), expand=True, show_edge=False, header_style="bold")
        table.add_column("", width=1, no_wrap=True)
        table.add_column(tr("clinical.function", lang), ratio=1, min_width=10, no_wrap=True, overflow="ellipsis")
        table.add_column(tr("clinical.capacity", lang), justify="right", no_wrap=True)
        if wide:
            table.add_column(tr("clinical.trend", lang), no_wrap=True)
        table.add_column(tr("clinical.waiting", lang), justify="right", no_wrap=True)
        table.add_column(tr("clinical.diverted", lang), justify="right", no_wrap=True)
        if wide:
            table.add_column(tr("clinical.cancelled", lang), justify="right", no_wrap=True)
        notes = []
        for f in sit.functions:
            name = Text(f.name)
            if f.paper:
                name.append(" ✎", style="bold")
            # the glyph says what the capacity says: paper procedures make a function without its
            # IT degraded, not down
            shown = "down" if f.capacity_pct <= 0 else "up" if f.capacity_pct >= 99.5 else "degraded"
            cells = [glyph(SERVICE_LEVELS, shown), name, f"{f.capacity_pct:.0f}%"]
            if wide:
                cells.append(sparkline(f.history, 12, 100.0))
            cells += [f"{f.waiting:.0f}", f"{f.diverted:.0f}"]
            if wide:
                cells.append(f"{f.cancelled:.0f}")
            table.add_row(*cells)
            if f.turnaround is not None:
                if f.capacity_pct <= 0 and f.waiting >= 1:
                    notes.append(Text(tr("clinical.no-results", lang, name=f.name, waiting=f"{f.waiting:.0f}"), style="bold"))
                else:
                    notes.append(Text(tr("clinical.turnaround", lang, name=f.name, change=f"{f.turnaround:+.0f}"), style="bold"))
        if any(f.paper for f in sit.functions):
            notes.append(Text("✎ " + tr("clinical.paper", lang), style="dim"))
        return Group(table, *notes)
