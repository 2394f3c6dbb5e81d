"""Inbox of injects, alerts and decisions by channel, with unread marks; Enter opens and acknowledges."""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from simulator.tui.glyphs import ORANGE
from simulator.room.views import InboxView, Situation
from simulator.tui.text import offset, tr

CHANNEL_GLYPHS = {
    "email": "✉", "phone": "☎", "sms": "✆", "press": "▤", "tv": "▭", "social": "#", "siem-alert": "⚠",
    "ticket": "▦", "in-person": "☺", "decision": "⚖",
}


class InboxPanel(OptionList):
    """Newest first. Unread items carry a bold '●' (not only a colour)."""

    DEFAULT_CSS = """
    InboxPanel { border: round $panel-lighten-2; height: 1fr; }
    InboxPanel:focus { border: round $accent; }
    """

    class Opened(Message):
        def __init__(self, item: InboxView) -> None:
            super().__init__()
            self.item = item

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._last: object = None
        self.items: tuple[InboxView, ...] = ()
        self.lang = "fr"
        self.channel: str | None = None  # show one channel only (None: all)
        self._all: tuple[InboxView, ...] = ()

    def cycle_channel(self) -> str | None:
        """Next channel among those received (then all again); returns the one shown."""
        channels = sorted({i.channel for i in self._all})
        options: list[str | None] = [None, *channels]
        index = options.index(self.channel) if self.channel in options else 0
        self.channel = options[(index + 1) % len(options)]
        self._last = None
        return self.channel

    def show(self, sit: Situation, lang: str) -> bool:
        key = (sit.inbox, lang, self.channel)
        if key == self._last:
            return False
        self._last = key
        self.lang = lang
        self._all = sit.inbox
        self.items = tuple(i for i in reversed(sit.inbox) if self.channel is None or i.channel == self.channel)
        unread = sit.unread
        self.border_title = tr("panel.inbox", lang) + (f" ● {unread}" if unread else "")
        if self.channel is not None:
            self.border_title += f" [{CHANNEL_GLYPHS.get(self.channel, '·')} {tr('channel.' + self.channel, lang)}]"
        highlighted = self.highlighted
        self.clear_options()
        self.add_options([Option(self._line(item, lang), id=f"inbox-{item.key}") for item in self.items])
        if self.items:
            self.highlighted = min(highlighted if highlighted is not None else 0, len(self.items) - 1)
        return True

    def _line(self, item: InboxView, lang: str) -> Text:
        line = Text()
        line.append("● " if not item.read else "  ", style=f"bold {ORANGE}")
        line.append(f"{offset(item.t):>8} ", style="dim")
        line.append(CHANNEL_GLYPHS.get(item.channel, "·") + " ")
        line.append(tr("channel." + item.channel, lang) + " ", style="italic")
        if item.sender:
            line.append(item.sender + ": ", style="bold" if not item.read else "")
        line.append(item.title or item.text, style="bold" if not item.read else "")
        return line

    def current(self) -> InboxView | None:
        if self.highlighted is None or not 0 <= self.highlighted < len(self.items):
            return None
        return self.items[self.highlighted]

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        item = self.current()
        if item is not None:
            self.post_message(self.Opened(item))
