"""The information system by zone: every asset or group with its state, by glyph and colour."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text

from simulator.tui.glyphs import ASSET_STATES, BLUE, glyph
from simulator.room.views import Situation
from simulator.tui.text import tr
from simulator.tui.widgets.panel import Panel


def legend(lang: str) -> Text:
    out = Text()
    for state in ASSET_STATES:
        out.append_text(glyph(ASSET_STATES, state))
        out.append(f"{tr('state.' + state, lang)} ")
    return out


class ZonesPanel(Panel):
    TITLE = "panel.zones"

    def part(self, sit: Situation) -> object:
        return sit.zones

    def draw(self, sit: Situation, lang: str):
        lines: list[Text] = [legend(lang)]
        for zone in sit.zones:
            head = Text(zone.name, style="bold")
            if zone.isolated:
                head.append(" ▣ " + tr("state.isolated", lang), style=f"bold {BLUE}")
            counts: dict[str, int] = {}
            for asset in zone.assets:
                counts[asset.state] = counts.get(asset.state, 0) + 1
            for state in ASSET_STATES:  # the zone at a glance: how many of each state
                if counts.get(state):
                    head.append(" ")
                    head.append_text(glyph(ASSET_STATES, state))
                    head.append(str(counts[state]))
            lines.append(head)
            row = Text("  ")
            for asset in zone.assets:
                row.append_text(glyph(ASSET_STATES, asset.state))
                row.append(asset.name)
                if asset.count > 1:
                    row.append(f"×{asset.count}", style="dim")
                row.append("  ")
            lines.append(row)
        return Group(*lines)
