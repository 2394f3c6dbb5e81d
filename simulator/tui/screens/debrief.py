"""Debrief: KPIs, objectives and ratings, regulatory clocks, the timeline; export and journal proof."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from simulator.room.client import LocalClient, SessionClient
from simulator.room.views import Debrief
from simulator.tui.glyphs import CLOCK_STATES, glyph
from simulator.tui.text import format_duration, localise_tree, offset, tr
from simulator.tui.widgets.tasks import task_lines


def _number(value: float, lang: str, decimals: int = 0) -> str:
    """A number as the reader writes it: 2 064 000 and 14,6 in French, 2,064,000 and 14.6 in English."""
    text = f"{value:,.{decimals}f}"
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text.replace("-", "−")


def _kpi_value(key: str, value: object, lang: str) -> str:
    if isinstance(value, bool):
        return tr("debrief.yes" if value else "debrief.no", lang)
    if isinstance(value, (int, float)):
        if key.endswith("_minutes"):
            return format_duration(int(round(value))) if value else "0"
        if key.endswith("_pct"):
            return ("+" if value > 0 else "") + _number(value, lang, 1) + "\u00a0%"
        return _number(value, lang, 0 if float(value).is_integer() or abs(value) >= 100 else 1)
    return str(value)


def kpi_rows(kpis, lang: str) -> list[tuple[str, str, bool]]:
    """(label, value, indented) rows: a KPI per service or function becomes one row each,
    longest first, under its own heading (a table, not a comma-separated string)."""
    rows = []
    for key, value in kpis:
        label = tr("kpi." + key, lang)
        if isinstance(value, dict):
            rows.append((label, "" if value else tr("debrief.none", lang), False))
            for name, sub in sorted(value.items(), key=lambda kv: (-kv[1] if isinstance(kv[1], (int, float)) else 0, kv[0])):
                rows.append((name, _kpi_value(key, sub, lang), True))
        else:
            rows.append((label, _kpi_value(key, value, lang), False))
    return rows


class DebriefScreen(Screen):
    BINDINGS = [
        Binding("m", "export('md')", "Export Markdown", id="debrief.markdown"),
        Binding("h", "export('html')", "Export HTML", id="debrief.html"),
        Binding("b", "home", "Home", id="debrief.home"),
    ]

    def __init__(self, lang: str, debrief: Debrief, session: SessionClient | None = None) -> None:
        super().__init__()
        self.lang = lang
        self.debrief = debrief
        self.session = session  # the scenario's texts in another language come from there
        self.exported: list[Path] = []

    def compose(self) -> ComposeResult:
        yield Static(id="debrief-head", markup=False)
        with Horizontal(id="debrief-top"):
            yield VerticalScroll(Static(id="kpis", markup=False), id="kpis-box")
            yield VerticalScroll(Static(id="objectives", markup=False), id="objectives-box")
        with Horizontal(id="debrief-bottom"):
            yield VerticalScroll(Static(id="clocks", markup=False), id="clocks-box")
            yield VerticalScroll(Static(id="timeline", markup=False), id="timeline-box")
        yield Footer()

    def on_mount(self) -> None:
        self.show(self.lang)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "export" and not isinstance(self.session, LocalClient):
            return False  # a remote seat never makes the host write a file: `cyberdrill log report` does
        return True

    async def set_language(self, lang: str) -> None:
        if self.session is not None and self.session.lang != lang:
            await self._translate(self.session, lang)
        self.show(lang)

    def show(self, lang: str) -> None:
        self.lang = lang
        localise_tree(self, lang)
        self.refresh_bindings()
        d = self.debrief
        head = Text(f"{tr('debrief.title', lang)}: {d.title}", style="bold")
        head.append("  " + tr("debrief.ended-at", lang, t=offset(d.t), reason=tr("end." + (d.end_reason or "duration"), lang)))
        head.append(f"\n{tr('debrief.journal', lang)}: {d.log_path}", style="dim")
        proof = ""
        if d.sealed:
            proof = "✓ " + tr("debrief.signed" if d.signed else "debrief.sealed-unsigned", lang)
        head.append(f"\n{tr('debrief.head', lang)}: {d.head_hash} {proof}", style="dim")
        self.query_one("#debrief-head", Static).update(head)
        kpis = Table(box=None, show_header=False, expand=True, padding=(0, 1))
        kpis.add_column(ratio=2)
        kpis.add_column(justify="right", ratio=1)
        for label, value, indented in kpi_rows(d.kpis, lang):
            kpis.add_row(Text("  " + label, style="dim") if indented else Text(label), value)
        self.query_one("#kpis", Static).update(kpis)
        self.query_one("#kpis-box").border_title = tr("debrief.kpis", lang)
        lines = []
        for _oid, _text, rating, tasks in d.objectives:
            objective = task_lines(tasks, lang)
            if objective:
                objective[0] = Text(f"[{rating or '–'}] ", style="bold") + objective[0]
            lines += objective
        self.query_one("#objectives", Static).update(Group(*lines))
        self.query_one("#objectives-box").border_title = tr("debrief.objectives", lang)
        clocks = Table.grid(padding=(0, 1), expand=True)
        for c in d.clocks:
            clocks.add_row(glyph(CLOCK_STATES, c.state), tr("regclock." + c.id, lang), tr("clockstate." + c.state, lang), offset(c.met_at) if c.met_at is not None else "")
        self.query_one("#clocks", Static).update(clocks)
        self.query_one("#clocks-box").border_title = tr("debrief.clocks", lang)
        timeline = [Text(f"{offset(x.t):>9} " + ("◈ " if x.truth else "") + x.text) for x in d.timeline]
        self.query_one("#timeline", Static).update(Group(*timeline))
        self.query_one("#timeline-box").border_title = tr("debrief.timeline", lang)

    async def _translate(self, session: SessionClient, lang: str) -> None:
        """The scenario's own texts (title, objectives, tasks, timeline, names) in `lang`; the
        journal proof (path, head hash, seal) does not depend on the language and is kept."""
        await session.set_language(lang)
        fresh = await session.debrief()
        self.debrief = replace(
            self.debrief, kpis=fresh.kpis, objectives=fresh.objectives, clocks=fresh.clocks, timeline=fresh.timeline, title=fresh.title
        )

    def action_export(self, fmt: str) -> None:
        path = self.app.export_debrief(fmt)
        if path is not None:
            self.exported.append(path)
            self.notify(tr("debrief.exported", self.lang, path=str(path)), timeout=6)

    def action_home(self) -> None:
        self.app.show_home()
