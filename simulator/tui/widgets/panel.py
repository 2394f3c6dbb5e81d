"""Base of the exercise panels: repaint only when the panel's slice of the situation changed."""

from __future__ import annotations

from typing import Any

from rich.console import RenderableType
from textual.containers import VerticalScroll
from textual.widgets import Static

from simulator.room.views import Situation
from simulator.tui.text import tr


class Panel(VerticalScroll):
    """A bordered, scrollable panel. Subclasses give `TITLE`, `part()` and `draw()`."""

    TITLE = ""
    ALLOW_MAXIMIZE = True  # 'z' zooms the focused panel to the whole screen (small terminals)
    DEFAULT_CSS = """
    Panel { border: round $panel-lighten-2; height: 1fr; padding: 0 1; }
    Panel:focus-within, Panel:focus { border: round $accent; }
    Panel > Static { width: 1fr; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.body = Static("", markup=False)
        self._last: object = object()
        self._shape: object = object()
        self._sit: Situation | None = None
        self.lang = "fr"

    def compose(self):
        yield self.body

    def on_resize(self, event) -> None:
        """A new width may change the layout of the content: redraw the last picture."""
        if self._sit is not None:
            self.show(self._sit, self.lang)

    def part(self, sit: Situation) -> object:
        """The slice of the situation this panel shows (compared between ticks)."""
        return sit

    def draw(self, sit: Situation, lang: str) -> RenderableType:
        raise NotImplementedError

    def shape(self, sit: Situation) -> object:
        """What decides the content's height: a repaint that keeps it skips the layout pass."""
        return self.part(sit)

    def show(self, sit: Situation, lang: str) -> bool:
        """Repaint when the slice, the language or the width changed; returns whether it repainted."""
        self._sit = sit
        key = (self.part(sit), lang, self.size.width)
        if key == self._last:
            return False
        shape = (self.shape(sit), lang, self.size.width)
        layout, self._shape = shape != self._shape, shape
        self._last = key
        self.lang = lang
        title = tr(self.TITLE, lang)
        if self.border_title != title:
            self.border_title = title
        self.body.update(self.draw(sit, lang), layout=layout)
        return True
