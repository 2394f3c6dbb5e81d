"""Ground truth for the facilitator: the attacker's real foothold and progress, the MSEL ahead."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text

from simulator.tui.glyphs import PURPLE
from simulator.room.views import Situation
from simulator.tui.text import offset, remaining, tr
from simulator.tui.widgets.panel import Panel

STAGE_GLYPHS = {"done": "✓", "running": "▶", "blocked": "✗", "not-done": "·"}


class TruthPanel(Panel):
    TITLE = "panel.truth"

    def part(self, sit: Situation) -> object:
        return (sit.truth, sit.module)

    def draw(self, sit: Situation, lang: str):
        truth = sit.truth
        if truth is None:
            return Text("")
        out = []
        m = sit.module
        if m is not None:  # the module open now: what to ask, what to look for, what comes next
            head = tr("truth.module", lang, index=m.index, count=m.count, title=m.title, since=offset(m.started_at))
            out.append(Text("▣ " + head, style="bold"))
            for n, q in enumerate(m.questions, start=1):
                out.append(Text(f"  {n}. {q}"))
            for x in m.expected:
                out.append(Text(f"  ✓ {x}", style="dim"))
            if m.next_title:
                out.append(Text(tr("truth.module-next", lang, title=m.next_title, jump=remaining(m.next_jump) if m.next_jump else "—"), style="italic"))
        if truth.actor:
            out.append(Text("◈ " + tr("truth.actor", lang, actor=truth.actor), style=f"bold {PURPLE}"))
        else:
            out.append(Text("◈ " + tr("truth.no-threat", lang), style=f"bold {PURPLE}"))
        out.append(Text(tr("truth.footholds", lang, count=len(truth.footholds)) + " " + ", ".join(truth.footholds)))
        stages = Text()
        for sid, technique, state in truth.stages:
            stages.append(f"{STAGE_GLYPHS.get(state, '?')} {sid} ({technique})  ")
        out.append(stages)
        if truth.flags:
            out.append(Text(tr("truth.flags", lang) + " " + ", ".join(truth.flags), style="dim"))
        out.append(Text(tr("truth.upcoming", lang), style="bold"))
        for at, kind, ident in truth.upcoming:
            out.append(Text(f"  {offset(at):>8} {tr('kind.' + kind, lang)} {ident}"))
        return Group(*out)
