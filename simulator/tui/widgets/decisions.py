"""Pending decisions with their countdown, options and default."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text

from simulator.tui.glyphs import ORANGE, VERMILLION
from simulator.room.views import Situation
from simulator.tui.text import remaining, tr
from simulator.tui.widgets.panel import Panel


class DecisionsPanel(Panel):
    TITLE = "panel.decisions"

    def part(self, sit: Situation) -> object:
        return (sit.decisions, int(sit.t) if sit.decisions else 0)

    def shape(self, sit: Situation) -> object:
        return sit.decisions  # the countdown ticks; the lines stay

    def draw(self, sit: Situation, lang: str):
        if not sit.decisions:
            return Text(tr("decisions.none", lang), style="dim")
        out = []
        for d in sit.decisions:
            left = d.deadline - sit.t
            urgent = left <= 15
            head = Text("⚖ ", style="bold")
            head.append(d.prompt, style="bold")
            out.append(head)
            line = Text("  ⧗ " + tr("decisions.left", lang, left=remaining(left)), style=f"bold {VERMILLION if urgent else ORANGE}")
            if d.pause_clock:
                line.append("  ⏸ " + tr("decisions.holds", lang), style="bold")
            else:
                line.append("  ▶ " + tr("decisions.runs", lang), style="italic")
            if not d.can_answer:
                line.append("  · " + tr("decisions.not-yours", lang, to=", ".join(d.to)), style="dim")
            out.append(line)
            opts = Text("  ")
            for o in d.options:
                opts.append(f"[{o.label}]", style="bold" if o.id != d.default else "")
                if o.id == d.default:
                    opts.append("*", style="dim")
                opts.append(" ")
            out.append(opts)
        out.append(Text("* " + tr("decisions.default", lang), style="dim"))
        return Group(*out)
