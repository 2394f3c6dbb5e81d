"""Modal dialogs: pick from a filterable list, confirm, type a text, decide, rate, read a message."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from simulator.tui.glyphs import RATINGS, glyph
from simulator.room.views import DecisionView, InboxView, TaskView
from simulator.tui.text import localise_tree, offset, tr


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    note: str = ""  # shown dimmed after the label (cost, why unavailable...)
    disabled: bool = False


class Dialog(ModalScreen):
    """Base: a centred box; Escape closes without a result.

    Text a person typed is never dropped silently: Escape over typed text only warns, a
    second Escape gives it up."""

    DEFAULT_CSS = """
    Dialog { align: center middle; }
    Dialog > #dialog { width: 90%; max-width: 100; height: auto; max-height: 90%; border: thick $accent; background: $surface; padding: 0 1; }
    Dialog #title { text-style: bold; margin-bottom: 1; }
    Dialog OptionList { height: auto; max-height: 16; }
    Dialog #help { color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "close", "Close", id="dialog.close")]

    TYPED = ("text", "justification", "comment")
    """Ids of the inputs whose text is the person's words (a filter is not)."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang
        self._warned = False

    def on_mount(self) -> None:
        localise_tree(self, self.lang)

    def typed(self) -> str:
        for input_id in self.TYPED:
            found = self.query(f"#{input_id}")
            if found and isinstance(found.first(), Input) and found.first().value.strip():
                return found.first().value
        return ""

    def action_close(self) -> None:
        if self.typed() and not self._warned:
            self._warned = True
            self.notify(tr("dialog.discard-warning", self.lang), severity="warning", timeout=4)
            return
        self.dismiss(None)


class PickDialog(Dialog):
    """Filter as you type; Up/Down to move; Enter to choose."""

    BINDINGS = [
        Binding("down", "move(1)", show=False, id="dialog.down"),
        Binding("up", "move(-1)", show=False, id="dialog.up"),
    ]

    def __init__(self, lang: str, title: str, choices: list[Choice], help: str = "", filter: bool = True) -> None:
        super().__init__(lang)
        self.title_text = title
        self.choices = choices
        self.help_text = help
        self.with_filter = filter
        self.shown: list[Choice] = list(choices)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.title_text, id="title", markup=False)
            if self.with_filter:
                yield Input(placeholder=tr("dialog.filter", self.lang), id="filter")
            yield OptionList(id="choices")
            yield Static(self.help_text or tr("dialog.pick-help", self.lang), id="help", markup=False)

    def on_mount(self) -> None:
        super().on_mount()
        self._fill("")
        if self.with_filter:
            self.query_one("#filter", Input).focus()
        else:
            self.query_one("#choices", OptionList).focus()

    def _fill(self, query: str) -> None:
        q = query.strip().lower()
        self.shown = [c for c in self.choices if not q or q in c.label.lower() or q in c.value.lower() or q in c.note.lower()]
        ol = self.query_one("#choices", OptionList)
        ol.clear_options()
        options = []
        for c in self.shown:
            label = Text(c.label, style="dim" if c.disabled else "")
            if c.note:
                label.append("  " + c.note, style="dim italic")
            options.append(Option(label))
        ol.add_options(options)
        if self.shown:
            ol.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._choose(self.query_one("#choices", OptionList).highlighted)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose(event.option_index)

    def action_move(self, delta: int) -> None:
        ol = self.query_one("#choices", OptionList)
        if not self.shown:
            return
        current = ol.highlighted if ol.highlighted is not None else 0
        ol.highlighted = max(0, min(len(self.shown) - 1, current + delta))

    def _choose(self, index: int | None) -> None:
        if index is None or not 0 <= index < len(self.shown):
            return
        choice = self.shown[index]
        if choice.disabled:  # said why in its note: choosing it would only be refused
            self.notify(choice.note.lstrip("✗ ") or tr("dialog.unavailable", self.lang), severity="warning", timeout=5)
            return
        self.dismiss(choice.value)


class ConfirmDialog(Dialog):
    """A question with its details; Enter or y confirms."""

    BINDINGS = [
        Binding("enter,y,o", "confirm", "Confirm", id="dialog.confirm"),
        Binding("n", "close", "Cancel", id="dialog.cancel"),
    ]

    def __init__(self, lang: str, title: str, body: Text | str, warning: str = "") -> None:
        super().__init__(lang)
        self.title_text = title
        self.body = body
        self.warning = warning

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.title_text, id="title", markup=False)
            yield Static(self.body, id="body", markup=False)
            if self.warning:
                yield Static(Text("⚠ " + self.warning, style="bold"), id="warning")
            yield Static(tr("dialog.confirm-help", self.lang), id="help", markup=False)

    def action_confirm(self) -> None:
        self.dismiss(True)


class TextDialog(Dialog):
    """One line of text (a note, an observation); Enter saves, empty text cancels."""

    def __init__(self, lang: str, title: str, placeholder: str = "") -> None:
        super().__init__(lang)
        self.title_text = title
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.title_text, id="title", markup=False)
            yield Input(placeholder=self.placeholder, id="text")
            yield Static(tr("dialog.text-help", self.lang), id="help", markup=False)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#text", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)


class _ChoiceWithComment(Dialog):
    """One of a few values (Up/Down, Enter) with an optional line of text: dismissed with
    (value, text). Subclasses name their option list and input, and give the values."""

    BINDINGS = [
        Binding("down", "move(1)", show=False, id="dialog.down"),
        Binding("up", "move(-1)", show=False, id="dialog.up"),
    ]
    LIST_ID = ""
    TEXT_ID = ""
    values: list[str]  # what each line of the list stands for, set by the subclass

    def on_mount(self) -> None:
        super().on_mount()
        # The list answers Up/Down (the dialog's keys) and the mouse, never the keyboard focus:
        # what a person types always lands in the text line, never in a list that drops it.
        self.query_one(f"#{self.LIST_ID}", OptionList).can_focus = False
        self.query_one(f"#{self.TEXT_ID}", Input).focus()

    def action_move(self, delta: int) -> None:
        ol = self.query_one(f"#{self.LIST_ID}", OptionList)
        ol.highlighted = max(0, min(len(self.values) - 1, (ol.highlighted or 0) + delta))

    def _done(self) -> None:
        value = self.values[self.query_one(f"#{self.LIST_ID}", OptionList).highlighted or 0]
        self.dismiss((value, self.query_one(f"#{self.TEXT_ID}", Input).value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._done()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._done()


class DecisionDialog(_ChoiceWithComment):
    """Choose an option (Up/Down, Enter); the justification line is optional."""

    LIST_ID = "options"
    TEXT_ID = "justification"

    def __init__(self, lang: str, decision: DecisionView, now: float) -> None:
        super().__init__(lang)
        self.decision = decision
        self.now = now
        self.values = [o.id for o in decision.options]

    def compose(self) -> ComposeResult:
        d = self.decision
        with Vertical(id="dialog"):
            yield Static(Text("⚖ " + d.prompt, style="bold"), id="title")
            default = next((o.label for o in d.options if o.id == d.default), d.default)  # the room reads labels, not ids
            yield Static(tr("decision.deadline", self.lang, t=offset(d.deadline), default=default), id="deadline", markup=False)
            yield OptionList(*[Option(o.label + ("  *" if o.id == d.default else "")) for o in d.options], id="options")
            yield Input(placeholder=tr("decision.justification", self.lang), id="justification")
            yield Static(tr("decision.help", self.lang), id="help", markup=False)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#options", OptionList).highlighted = 0


class RateDialog(_ChoiceWithComment):
    """P, S, M or U for one critical task, with an optional comment."""

    LIST_ID = "levels"
    TEXT_ID = "comment"
    LEVELS = ("P", "S", "M", "U")

    def __init__(self, lang: str, task: TaskView) -> None:
        super().__init__(lang)
        self.critical = task
        self.values = list(self.LEVELS)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Text(f"{self.critical.objective_text} — {self.critical.text}", style="bold"), id="title")
            options = []
            for level in self.LEVELS:
                line = glyph(RATINGS, level)
                line.append(" " + tr("rating." + level, self.lang))
                options.append(Option(line))
            yield OptionList(*options, id="levels")
            yield Input(placeholder=tr("rate.comment", self.lang), id="comment")
            yield Static(tr("decision.help", self.lang), id="help", markup=False)

    def on_mount(self) -> None:
        super().on_mount()
        levels = self.query_one("#levels", OptionList)
        levels.highlighted = self.LEVELS.index(self.critical.rating) if self.critical.rating in self.LEVELS else 0



class MessageDialog(Dialog):
    """An inbox item in full; Enter (or k) acknowledges it."""

    BINDINGS = [Binding("enter,k", "acknowledge", "Acknowledge", id="dialog.ack")]

    def __init__(self, lang: str, item: InboxView) -> None:
        super().__init__(lang)
        self.item = item

    def compose(self) -> ComposeResult:
        item = self.item
        head = f"{offset(item.t)} · {tr('channel.' + item.channel, self.lang)}"
        if item.sender:
            head += f" · {item.sender}"
        if item.to:
            head += " → " + ", ".join(item.to)
        with Vertical(id="dialog"):
            yield Static(Text(head, style="bold"), id="title")
            if item.title:
                yield Static(Text(item.title, style="bold"))
            yield Static(item.text, id="body", markup=False)
            for att in item.attachments:  # only the cells it is addressed to read this item
                yield Static(Text(f"📎 {att.title} ({tr('attachment.' + att.kind, self.lang)}: {att.file})"), classes="attachment")
                if att.text:
                    yield Static(Text(att.text, style="dim"), markup=False)
            if item.questions:
                yield Static(Text(tr("message.questions", self.lang), style="bold"))
                for n, q in enumerate(item.questions, start=1):
                    yield Static(Text(f"{n}. {q}"), markup=False)
            yield Static(tr("message.help", self.lang), id="help", markup=False)

    def action_acknowledge(self) -> None:
        self.dismiss(True)
