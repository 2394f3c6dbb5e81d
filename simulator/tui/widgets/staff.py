"""IT staff busy / free and the running jobs with their progress."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text

from simulator.tui.glyphs import bar
from simulator.room.views import Situation
from simulator.tui.text import offset, tr
from simulator.tui.widgets.panel import Panel


class StaffPanel(Panel):
    TITLE = "panel.staff"

    def part(self, sit: Situation) -> object:
        return (sit.staff, sit.jobs)

    def shape(self, sit: Situation) -> object:
        return (sit.staff, tuple((j.id, j.state) for j in sit.jobs))  # progress moves inside fixed-width bars

    def draw(self, sit: Situation, lang: str):
        out = []
        if sit.staff is not None:
            s = sit.staff
            line = Text()
            line.append("■" * s.busy, style="bold")
            line.append("□" * s.free)
            line.append(" " + tr("staff.summary", lang, on_duty=s.on_duty, busy=s.busy, free=s.free, queued=s.queued))
            out.append(line)
        if not sit.jobs:
            out.append(Text(tr("staff.no-jobs", lang), style="dim"))
        for j in sit.jobs:
            line = Text(f"#{j.id} ")
            line.append(f"{j.action} {j.target}", style="bold")
            if j.state == "queued":
                line.append("  … " + tr("staff.queued", lang), style="dim")
            else:
                line.append(f"  {bar(j.progress, 8)} {j.progress * 100:3.0f}%")
                if j.expected_end is not None:
                    line.append(" → " + offset(j.expected_end), style="dim")
            out.append(line)
        return Group(*out)
