"""Home: the shipped scenarios, another file to open, interrupted exercises to resume."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from simulator.tui.journals import JournalEntry
from simulator.tui.catalog import ScenarioEntry
from simulator.tui.screens.dialogs import TextDialog
from simulator.tui.text import localise_tree, offset, tr


class HomeScreen(Screen):
    BINDINGS = [
        Binding("enter", "open", "Open", id="home.open", show=True),
        Binding("f", "open_file", "Open a file", id="home.file"),
        Binding("r", "resume", "Resume", id="home.resume"),
        Binding("p", "cycle_role", "Role", id="home.role"),
        Binding("tab", "app.focus_next", show=False, id="home.next"),
    ]

    def __init__(self, lang: str, scenarios: list[ScenarioEntry], journals: list[JournalEntry], journal_dir: Path) -> None:
        super().__init__()
        self.lang = lang
        self.scenarios = scenarios
        self.journals = journals
        self.journal_dir = journal_dir

    def compose(self) -> ComposeResult:
        # Interrupted exercises right under the scenarios, before the long summary: after a crash
        # they are what the room looks for, and on 80x24 the summary alone fills the screen.
        # The whole home scrolls so the rest of the summary stays readable on a small terminal.
        with VerticalScroll(id="home"):
            yield Static(id="home-title", markup=False)
            yield DataTable(id="scenarios", cursor_type="row", zebra_stripes=True)
            yield Static(id="resume-title", markup=False)
            yield DataTable(id="journals", cursor_type="row")
            yield Static(id="summary", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.set_language(self.lang)
        self.query_one("#scenarios", DataTable).focus()

    def set_language(self, lang: str) -> None:
        self.lang = lang
        localise_tree(self, lang)
        self.refresh_bindings()
        role = tr("role." + self.app.role, lang)
        title = Text("CyberDrill", style="bold")
        title.append(" — " + tr("home.title", lang))
        title.append(f"   [{tr('home.role', lang, role=role)}]", style="italic")
        self.query_one("#home-title", Static).update(title)
        table = self.query_one("#scenarios", DataTable)
        cursor = table.cursor_row
        table.clear(columns=True)
        table.add_columns(tr("home.col.title", lang), tr("home.col.level", lang), tr("home.col.duration", lang), tr("home.col.languages", lang))
        for s in self.scenarios:
            table.add_row(s.text(s.title, lang), tr("level." + s.level, lang), s.duration, " ".join(s.languages), key=str(s.path))
        if self.scenarios:
            table.move_cursor(row=min(cursor, len(self.scenarios) - 1))
        else:
            self.query_one("#summary", Static).update(tr("home.no-scenarios", lang))
        self._show_summary()
        self.query_one("#resume-title", Static).update(
            Text(tr("home.resume-title", lang, folder=str(self.journal_dir)), style="bold")
        )
        jt = self.query_one("#journals", DataTable)
        jt.clear(columns=True)
        jt.add_columns(tr("home.col.scenario", lang), tr("home.col.seed", lang), tr("home.col.role", lang), tr("home.col.reached", lang), tr("home.col.file", lang))
        for j in self.journals:
            jt.add_row(j.scenario_id, str(j.seed), tr("role." + j.role, lang) if j.role else "", offset(j.last_t), j.path.name, key=str(j.path))
        jt.display = bool(self.journals)
        if not self.journals:
            self.query_one("#resume-title", Static).update(Text(tr("home.no-journals", lang), style="dim"))

    def _selected(self) -> ScenarioEntry | None:
        table = self.query_one("#scenarios", DataTable)
        if not self.scenarios or table.cursor_row is None:
            return None
        return self.scenarios[min(table.cursor_row, len(self.scenarios) - 1)]

    def _show_summary(self) -> None:
        s = self._selected()
        if s is None:
            return
        text = Text(s.text(s.title, self.lang), style="bold")
        text.append(f"\n{tr('home.start', self.lang, start=s.start)} · {tr('level.' + s.level, self.lang)} · {s.duration}\n", style="dim")
        text.append(s.text(s.summary, self.lang))
        for title, url in s.sources:
            text.append(f"\n{tr('home.source', self.lang, title=s.text(title, self.lang))} ", style="italic")
            text.append(url, style="dim underline")
        self.query_one("#summary", Static).update(text)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "scenarios":
            self._show_summary()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "scenarios":
            self.action_open()
        else:
            self.action_resume()

    def action_open(self) -> None:
        focused = self.focused
        if isinstance(focused, DataTable) and focused.id == "journals":
            self.action_resume()
            return
        s = self._selected()
        if s is not None:
            self.app.open_scenario(s.path)

    def action_open_file(self) -> None:
        def typed(path: str | None) -> None:
            if path:
                self.app.open_scenario(Path(path).expanduser())

        self.app.push_screen(TextDialog(self.lang, tr("home.file-title", self.lang), "scenarios/my-scenario.yaml"), typed)

    def action_resume(self) -> None:
        table = self.query_one("#journals", DataTable)
        if not self.journals or table.cursor_row is None:
            self.notify(tr("home.no-journals", self.lang), timeout=3)
            return
        self.app.resume_journal(self.journals[min(table.cursor_row, len(self.journals) - 1)].path)

    def action_cycle_role(self) -> None:
        roles = ("players", "facilitator", "evaluator")
        self.app.role = roles[(roles.index(self.app.role) + 1) % len(roles)]
        self.app.role_given = True
        self.set_language(self.lang)
