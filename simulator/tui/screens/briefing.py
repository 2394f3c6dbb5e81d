"""Briefing before T+0: context, objectives, roles and the rules of the exercise."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from simulator.journal.inputs import Inputs
from simulator.tui.text import localise_tree, tr


class BriefingScreen(Screen):
    BINDINGS = [
        Binding("enter,s", "start", "Start T+0", id="briefing.start"),
        Binding("escape,b", "back", "Back", id="briefing.back"),
    ]

    def __init__(self, lang: str, role: str, inputs: Inputs) -> None:
        super().__init__()
        self.lang = lang
        self.role = role
        self.inputs = inputs

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="briefing"):
            yield Static(id="brief", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.set_language(self.lang)
        self.query_one("#briefing").focus()

    def set_language(self, lang: str) -> None:
        self.lang = lang
        localise_tree(self, lang)
        self.refresh_bindings()
        self.query_one("#brief", Static).update(self.render_brief(lang))

    def render_brief(self, lang: str) -> Group:
        sc = self.inputs.scenario
        net = self.inputs.network
        out = [Text(sc.title.get(lang), style="bold underline")]
        start = sc.start
        out.append(
            Text(
                tr("briefing.context-line", lang, hospital=net.name.get(lang), beds=net.beds,
                   day=tr("day." + str(start.weekday()), lang), start=f"{start:%d/%m/%Y %H:%M}", duration=_hours(sc.duration)),
                style="dim",
            )
        )
        out.append(Text(""))
        out.append(Text(tr("briefing.context", lang), style="bold"))
        if self.role == "players":  # the summary is the author's synopsis: it gives the attack away
            out.append(Text(tr("briefing.player-context", lang, hospital=net.name.get(lang), beds=net.beds,
                               day=tr("day." + str(start.weekday()), lang), start=f"{start:%d/%m/%Y %H:%M}")))
        else:
            out.append(Text(sc.summary.get(lang)))
        out.append(Text(""))
        out.append(Text(tr("briefing.objectives", lang), style="bold"))
        for obj in sc.objectives:
            out.append(Text(f" • {obj.text.get(lang)}"))
        out.append(Text(""))
        out.append(Text(tr("briefing.roles", lang), style="bold"))
        for role in sc.roles:
            name = role.name.get(lang) if role.name else tr("seat." + role.id, lang)
            line = Text(f" • {name}")
            if role.description:
                line.append(f": {role.description.get(lang)}", style="dim")
            out.append(line)
        out.append(Text(""))
        out.append(Text(tr("briefing.rules", lang), style="bold"))
        for i in range(1, 6):
            out.append(Text(" • " + tr(f"briefing.rule{i}", lang)))
        if self.role == "facilitator" and sc.facilitator.notes is not None:
            out.append(Text(""))
            out.append(Text("◈ " + tr("briefing.facilitator", lang), style="bold"))
            out.append(Text(sc.facilitator.notes.get(lang)))
        out.append(Text(""))
        out.append(Text(tr("briefing.start-help", lang), style="bold reverse"))
        return Group(*out)

    def action_start(self) -> None:
        self.app.start_exercise(self.inputs)

    def action_back(self) -> None:
        self.app.show_home()


def _hours(minutes: int) -> str:
    return f"{minutes // 60} h" if minutes % 60 == 0 else f"{minutes // 60} h {minutes % 60:02d}"
