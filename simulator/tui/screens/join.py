"""Joining a room: who is taking the seat (the name the journal records with every command)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from simulator.room.protocol import MAX_NAME
from simulator.tui.text import localise_tree, tr


class JoinScreen(Screen):
    """Ask the participant's name, then take the seat."""

    DEFAULT_CSS = """
    JoinScreen { align: center middle; }
    JoinScreen > #join { width: 70; max-width: 95%; height: auto; border: thick $accent; padding: 1 2; }
    JoinScreen #join-title { text-style: bold; margin-bottom: 1; }
    JoinScreen #join-status { color: $text-muted; margin-top: 1; }
    """

    def __init__(self, lang: str, host: str, status: str = "") -> None:
        super().__init__()
        self.lang = lang
        self.host = host
        self.status = status

    def compose(self) -> ComposeResult:
        with Vertical(id="join"):
            yield Static(id="join-title", markup=False)
            yield Input(id="name", max_length=MAX_NAME)
            yield Static(id="join-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.set_language(self.lang)
        self.query_one("#name", Input).focus()

    def set_language(self, lang: str) -> None:
        self.lang = lang
        localise_tree(self, lang)
        title = Text(tr("join.title", lang), style="bold")
        title.append("\n" + tr("join.host", lang, host=self.host), style="dim")
        self.query_one("#join-title", Static).update(title)
        self.query_one("#name", Input).placeholder = tr("join.placeholder", lang)
        self.query_one("#join-status", Static).update(self.status or tr("join.help", lang))

    def show_status(self, text: str) -> None:
        self.status = text
        self.query_one("#join-status", Static).update(text)

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        name = " ".join(event.value.split())
        if not name or not name.isprintable():
            self.show_status(tr("join.need-name", self.lang))
            return
        self.show_status(tr("join.connecting", self.lang))
        await self.app.join_room(name)
