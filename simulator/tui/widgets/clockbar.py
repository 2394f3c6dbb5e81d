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
        self._shown: tuple | None = None  # (situation, lang, role) last drawn: redrawn at a new width

    def show(self, sit: Situation, lang: str, role: str) -> bool:
        key = (
            int(sit.t), sit.running, sit.speed, sit.held_by_decision, sit.ended, sit.next_event_in is None, sit.unread, lang,
            role, sit.night, sit.weekend, sit.seat_label, sit.held_by, sit.conditional_pending, self.size.width, sit.module.id if sit.module else "",
        )
        self._shown = (sit, lang, role)
        if key == self._last:
            return False
        self._last = key
        self.update(self.line(sit, lang, role, self.size.width), layout=False)  # always one line
        return True

    def on_resize(self, event) -> None:
        """A paused exercise sends no new situation: the line is fitted to the new width now
        (a browser seat's first size arrives after the first draw)."""
        self._last = None
        if self._shown is not None:
            self.show(*self._shown)

    def line(self, sit: Situation, lang: str, role: str, width: int = 0) -> Text:
        """The whole line, or (when it would not fit) a compact one that keeps the clock's
        state, the unread count and the seat: 80 columns always show all three."""
        full = self._line(sit, lang, role, compact=False)
        if not width or full.cell_len <= width - 2:
            return full
        short = self._line(sit, lang, role, compact=True)
        if short.cell_len > width - 2:  # a phone: the hospital's clock goes before the seat's name
            short = self._line(sit, lang, role, compact=True, wall=False)
        if short.cell_len > width - 2:
            short.truncate(width - 3, overflow="ellipsis")
        return short

    def _line(self, sit: Situation, lang: str, role: str, compact: bool, wall: bool = True) -> Text:
        out = Text()
        out.append(f" {offset(sit.t)} ", style="bold reverse")
        if wall:
            day = tr("day." + str(sit.wall.weekday()), lang)
            out.append(f" {day} {sit.wall:%H:%M} " if compact else f" {day} {sit.wall:%d/%m %H:%M} ", style="bold")
            if sit.night:
                out.append("☾" if compact else "☾ " + tr("clock.night", lang) + " ", style=f"bold {SKY}")
            if sit.weekend:
                out.append("◧" if compact else "◧ " + tr("clock.weekend", lang) + " ", style=f"bold {ORANGE}")
        sep = "│" if compact else " │ "
        out.append(sep if compact else "│ ")
        if sit.ended:
            out.append("■ " + tr("clock.ended", lang), style=f"bold {VERMILLION}")
        elif sit.held_by:
            out.append("⏸ " + (tr("clock.held-short", lang) if compact else sit.held_by), style=f"bold {ORANGE}")
        elif sit.running:
            out.append(f"▶ {sit.speed:g}x", style="bold")
        else:
            out.append(f"⏸ {sit.speed:g}x" if compact else f"⏸ {tr('clock.paused', lang)} ({sit.speed:g}x)", style="bold")
        if role == "facilitator" and not sit.ended and not compact:
            if sit.next_event_in is not None:
                out.append(sep + tr("clock.next", lang, left=remaining(sit.next_event_in)))
            if sit.conditional_pending:
                out.append(" " + tr("clock.conditional", lang, count=sit.conditional_pending), style="dim")
        if sit.module is not None:
            out.append(sep + f"▣ {sit.module.index}/{sit.module.count}" + ("" if compact else f" {sit.module.title}"), style="bold")
        if sit.unread:
            out.append(f"{sep}● {sit.unread}" if compact else f"{sep}● {tr('clock.unread', lang, count=sit.unread)}", style=f"bold {ORANGE}")
        out.append(f"{sep}{sit.seat_label or tr('role.' + role, lang)}", style="italic")
        return out
