"""Top line: T+ time, the simulated date and hour (night, weekend), speed, next event, unread."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from simulator.tui.glyphs import ORANGE, SKY, VERMILLION
from simulator.room.views import Situation
from simulator.tui.text import offset, remaining, tr


class ClockBar(Static):
    DEFAULT_CSS = """
    ClockBar { height: 1; background: $panel; padding: 0 1; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__("", markup=False, **kwargs)
        self._last: object = None

    def show(self, sit: Situation, lang: str, role: str) -> bool:
        key = (int(sit.t), sit.running, sit.speed, sit.held_by_decision, sit.ended, sit.next_event_in is None, sit.unread, lang, role, sit.night, sit.weekend, sit.seat_label, sit.held_by)
        if key == self._last:
            return False
        self._last = key
        self.update(self.line(sit, lang, role), layout=False)  # always one line
        return True

    def line(self, sit: Situation, lang: str, role: str) -> Text:
        out = Text()
        out.append(f" {offset(sit.t)} ", style="bold reverse")
        day = tr("day." + str(sit.wall.weekday()), lang)
        out.append(f" {day} {sit.wall:%d/%m %H:%M} ", style="bold")
        if sit.night:
            out.append("☾ " + tr("clock.night", lang) + " ", style=f"bold {SKY}")
        if sit.weekend:
            out.append("◧ " + tr("clock.weekend", lang) + " ", style=f"bold {ORANGE}")
        out.append("│ ")
        if sit.ended:
            out.append("■ " + tr("clock.ended", lang), style=f"bold {VERMILLION}")
        elif sit.held_by:
            out.append("⏸ " + sit.held_by, style=f"bold {ORANGE}")
        elif sit.running:
            out.append(f"▶ {sit.speed:g}x", style="bold")
        else:
            out.append(f"⏸ {tr('clock.paused', lang)} ({sit.speed:g}x)", style="bold")
        if role == "facilitator" and sit.next_event_in is not None and not sit.ended:
            out.append(" │ " + tr("clock.next", lang, left=remaining(sit.next_event_in)))
        if sit.unread:
            out.append(f" │ ● {tr('clock.unread', lang, count=sit.unread)}", style=f"bold {ORANGE}")
        out.append(f" │ {sit.seat_label or tr('role.' + role, lang)}", style="italic")
        return out
