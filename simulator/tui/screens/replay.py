"""Replay: scrub through a journal and see the situation at any recorded moment."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.screen import Screen
from textual.widgets import Footer, Static

from simulator.room.replay import JournalReplay
from simulator.room.views import Situation
from simulator.tui.text import localise_tree, offset, tr
from simulator.tui.widgets.board import board_panels
from simulator.tui.widgets.clockbar import ClockBar
from simulator.tui.widgets.inbox import InboxPanel
from simulator.tui.widgets.panel import Panel
from simulator.tui.widgets.truth import TruthPanel

HOUR = 60.0


class ReplayScreen(Screen):
    BINDINGS = [
        Binding("right", "mark(1)", "Next", id="replay.next", key_display="→", priority=True),
        Binding("left", "mark(-1)", "Previous", id="replay.previous", key_display="←", priority=True),
        Binding("bracketright", "jump(1)", "+1h", id="replay.forward", key_display="]"),
        Binding("bracketleft", "jump(-1)", "-1h", id="replay.back", key_display="["),
        Binding("home", "edge(0)", "Start", id="replay.start", priority=True),
        Binding("end", "edge(1)", "End", id="replay.end", priority=True),
    ]

    def __init__(self, lang: str, replay: JournalReplay) -> None:
        super().__init__()
        self.lang = lang
        self.replay = replay

    def compose(self) -> ComposeResult:
        yield ClockBar(id="clockbar")
        yield Static(id="scrub", markup=False)
        with Container(id="board"):
            yield from board_panels(TruthPanel(id="side"))
        yield Footer()

    def on_mount(self) -> None:
        self.add_class("-with-side")
        self.set_language(self.lang)

    def on_resize(self, event) -> None:
        self.set_class(self.size.width < 120, "-narrow")

    def set_language(self, lang: str) -> None:
        self.lang = lang
        self.replay.set_language(lang)
        localise_tree(self, lang)
        self.refresh_bindings()
        self.show(self.replay.seek(self.replay.t))

    def show(self, sit: Situation) -> None:
        lang = self.lang
        self.query_one(ClockBar).show(sit, lang, "facilitator")
        self.query_one(InboxPanel).show(sit, lang)
        for panel in self.query(Panel):
            panel.show(sit, lang)
        end = self.replay.end
        width = 30
        pos = int(round(width * (sit.t / end))) if end > 0 else width
        index = sum(1 for m in self.replay.marks if m <= sit.t + 1e-9)
        bar = Text(f"{offset(sit.t)} / {offset(end)} ", style="bold")
        bar.append("━" * pos + "●" + "─" * (width - pos))
        bar.append(" " + tr("replay.mark", lang, n=index, total=len(self.replay.marks)) + "  ", style="dim")
        bar.append(tr("replay.title", lang, title=self.replay.title), style="italic")
        self.query_one("#scrub", Static).update(bar)

    def action_mark(self, direction: int) -> None:
        self.show(self.replay.next_mark(direction))

    def action_jump(self, direction: int) -> None:
        self.show(self.replay.seek(self.replay.t + direction * HOUR))

    def action_edge(self, which: int) -> None:
        self.show(self.replay.seek(self.replay.end if which else 0.0))
