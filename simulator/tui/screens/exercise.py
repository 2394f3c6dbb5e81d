"""The exercise screen: the situation at a glance, and every input turned into a command.

The engine is advanced only here, from a `set_interval` timer on the event loop; the
bridge answers with one `SituationUpdated` per tick, which repaints the panels whose
slice changed.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.containers import Container
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer

from simulator.tui.bridge import ActionInfo, ExerciseBridge, SituationUpdated
from simulator.tui.screens.dialogs import Choice, ConfirmDialog, DecisionDialog, MessageDialog, PickDialog, RateDialog, TextDialog
from simulator.tui.situation import Situation
from simulator.tui.text import localise_bindings, offset, tr
from simulator.tui.widgets.board import board_panels
from simulator.tui.widgets.clockbar import ClockBar
from simulator.tui.widgets.inbox import InboxPanel
from simulator.tui.widgets.panel import Panel
from simulator.tui.widgets.tasks import TasksPanel
from simulator.tui.widgets.truth import TruthPanel

TICK_SECONDS = 0.25
NARROW_WIDTH = 120
FACILITATOR_ONLY = {"fire", "toggle_truth"}
EVALUATOR_ONLY = {"rate"}


class ActionCommands(Provider):
    """Command palette: every response action with every target it accepts ('isolate Serveurs')."""

    def _screen(self) -> "ExerciseScreen | None":
        screen = self.screen
        return screen if isinstance(screen, ExerciseScreen) else None

    async def discover(self) -> Hits:
        screen = self._screen()
        if screen is None:
            return
        for info in screen.bridge.actions():
            yield DiscoveryHit(f"{info.name} ({info.id})", lambda i=info: screen.pick_target(i), help=info.description)

    async def search(self, query: str) -> Hits:
        screen = self._screen()
        if screen is None:
            return
        matcher = self.matcher(query)
        bridge = screen.bridge
        for info in bridge.actions():
            for target, label in bridge.targets(info.id):
                text = f"{info.name} → {label}"
                score = matcher.match(text + f" {info.id} {target}")
                if score > 0:
                    yield Hit(score, matcher.highlight(text), lambda i=info, tg=target: screen.confirm_action(i, tg), help=f"{info.id} {target}".strip())


class ExerciseScreen(Screen):
    COMMANDS = Screen.COMMANDS | {ActionCommands}
    BINDINGS = [
        Binding("space", "toggle_clock", "Pause/Resume", id="exercise.pause"),
        Binding("plus,equals_sign", "faster", "Faster", id="exercise.faster", key_display="+"),
        Binding("minus", "slower", "Slower", id="exercise.slower", key_display="-"),
        Binding("n", "step", "Next event", id="exercise.step"),
        Binding("a", "act", "Act", id="exercise.act"),
        Binding("d", "decide", "Decide", id="exercise.decide"),
        Binding("i", "focus_inbox", "Inbox", id="exercise.inbox"),
        Binding("k", "acknowledge", "Acknowledge", id="exercise.ack"),
        Binding("c", "channel", "Channel", id="exercise.channel"),
        Binding("o", "note", "Note", id="exercise.note"),
        Binding("f", "fire", "Fire inject", id="exercise.fire"),
        Binding("t", "toggle_truth", "Ground truth", id="exercise.truth"),
        Binding("r", "rate", "Rate", id="exercise.rate"),
        Binding("e", "end", "End", id="exercise.end"),
        Binding("z", "zoom", "Zoom", id="exercise.zoom"),
    ]

    # repaint=False: the panels repaint what changed; a screen-wide repaint per tick would redraw everything
    situation: reactive[Situation | None] = reactive(None, always_update=True, init=False, repaint=False)

    def __init__(self, bridge: ExerciseBridge, lang: str, role: str, autostart: bool = False) -> None:
        super().__init__()
        self.bridge = bridge
        self.lang = lang
        self.role = role
        self.autostart = autostart
        self.ticks = 0
        self.repaints = 0
        self.show_truth = role == "facilitator"
        self._was_ended = False

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield ClockBar(id="clockbar")
        side = TruthPanel(id="side") if self.role == "facilitator" else TasksPanel(id="side") if self.role == "evaluator" else None
        with Container(id="board"):
            yield from board_panels(side)
        yield Footer()

    def on_mount(self) -> None:
        self.add_class("-role-" + self.role)
        self.set_class(self.role != "players", "-with-side")
        localise_bindings(self, self.lang)
        self.bridge.attach(self)
        self.situation = self.bridge.situation
        self.query_one(InboxPanel).focus()
        self.timer = self.set_interval(TICK_SECONDS, self._tick, name="engine")
        if self.autostart:
            self.bridge.resume()

    def on_resize(self, event) -> None:
        narrow = self.size.width < NARROW_WIDTH
        if narrow != self.has_class("-narrow"):
            self.set_class(narrow, "-narrow")

    def set_language(self, lang: str) -> None:
        self.lang = lang
        self.bridge.set_language(lang)
        localise_bindings(self, lang)
        self.refresh_bindings()
        self.bridge.publish()

    # -- the clock ---------------------------------------------------------------------------

    def _tick(self) -> None:
        """The only place the engine advances on its own: one step per timer tick."""
        self.ticks += 1
        self.bridge.tick()

    def on_situation_updated(self, message: SituationUpdated) -> None:
        self.situation = message.situation

    def watch_situation(self, sit: Situation | None) -> None:
        if sit is None:
            return
        self.repaints += 1
        if sit.ended != self._was_ended:
            self._was_ended = sit.ended
            self.refresh_bindings()  # 'end' opens the debrief for every role once the exercise is over
            if sit.ended and not self.bridge.closed:
                self.notify(tr("notify.ended", self.lang), timeout=10)
        with self.app.batch_update():  # one repaint for every panel that changed
            self.query_one(ClockBar).show(sit, self.lang, self.role)
            self.query_one(InboxPanel).show(sit, self.lang)
            for panel in self.query(Panel):
                if panel.id == "side" and not self.show_truth and self.role == "facilitator":
                    continue
                panel.show(sit, self.lang)

    # -- role gating -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in FACILITATOR_ONLY and self.role != "facilitator":
            return False
        if action in EVALUATOR_ONLY and self.role != "evaluator":
            return False
        if action == "end" and self.role != "facilitator" and not self.bridge.ended:
            return False
        return True

    # -- time ----------------------------------------------------------------------------------

    def action_toggle_clock(self) -> None:
        self.bridge.toggle()

    def action_faster(self) -> None:
        self.bridge.faster()

    def action_slower(self) -> None:
        self.bridge.slower()

    def action_step(self) -> None:
        if self.bridge.held_by_decision():
            self.notify(tr("clock.held", self.lang), severity="warning", timeout=3)
            return
        self.bridge.step()

    def action_zoom(self) -> None:
        focused = self.focused
        while focused is not None and focused.parent is not None and focused.parent.id != "board":
            focused = focused.parent
        if self.maximized is not None:
            self.minimize()
        elif focused is not None:
            self.maximize(focused)

    # -- inbox ---------------------------------------------------------------------------------

    def action_focus_inbox(self) -> None:
        self.query_one(InboxPanel).focus()

    def action_channel(self) -> None:
        inbox = self.query_one(InboxPanel)
        inbox.cycle_channel()
        inbox.show(self.bridge.situation, self.lang)

    def action_acknowledge(self) -> None:
        item = self.query_one(InboxPanel).current()
        if item is not None and self.bridge.acknowledge(item.key):
            self.notify(tr("notify.acknowledged", self.lang), timeout=2)

    def on_inbox_panel_opened(self, message: InboxPanel.Opened) -> None:
        item = message.item

        def done(ack: bool | None) -> None:
            if ack:
                self.bridge.acknowledge(item.key)

        self.app.push_screen(MessageDialog(self.lang, item), done)

    # -- response actions ----------------------------------------------------------------------

    def action_act(self) -> None:
        bridge = self.bridge
        choices = []
        for info in bridge.actions():
            why = bridge.unavailable(info.id)
            note = tr("act.cost", self.lang, staff=info.staff, duration=info.duration)
            if why:
                note += " — ✗ " + why
            choices.append(Choice(info.id, f"{info.name} ({info.id})", note, disabled=why is not None))
        infos = {i.id: i for i in bridge.actions()}

        def chosen(value: str | None) -> None:
            if value is not None:
                self.pick_target(infos[value])

        self.app.push_screen(PickDialog(self.lang, tr("act.title", self.lang), choices), chosen)

    def pick_target(self, info: ActionInfo) -> None:
        targets = self.bridge.targets(info.id)
        if info.target == "none":
            self.confirm_action(info, "")
            return

        def chosen(value: str | None) -> None:
            if value is None:
                return
            if info.target == "function-count":
                self.ask_count(info, value)
            else:
                self.confirm_action(info, value)

        choices = [Choice(value, label) for value, label in targets]
        self.app.push_screen(PickDialog(self.lang, tr("act.target", self.lang, action=info.name), choices), chosen)

    def ask_count(self, info: ActionInfo, target: str) -> None:
        def typed(text: str | None) -> None:
            if text is None:
                return
            try:
                count = int(text)
            except ValueError:
                self.notify(tr("notify.not-a-number", self.lang, text=text), severity="error")
                return
            self.confirm_action(info, target, count)

        self.app.push_screen(TextDialog(self.lang, tr("act.count", self.lang, action=info.name), "3"), typed)

    def confirm_action(self, info: ActionInfo, target: str, count: int = 0) -> None:
        label = dict(self.bridge.targets(info.id)).get(target, target)
        body = Text()
        body.append(f"{info.name}", style="bold")
        if target:
            body.append(f" → {label}")
        if count:
            body.append(f" × {count}")
        body.append("\n" + tr("act.cost", self.lang, staff=info.staff, duration=info.duration))
        if info.description:
            body.append("\n" + info.description, style="dim")
        why = self.bridge.unavailable(info.id) or ""

        def confirmed(ok: bool | None) -> None:
            if ok:
                self.take_action(info.id, target, count)

        self.app.push_screen(ConfirmDialog(self.lang, tr("act.confirm", self.lang), body, why), confirmed)

    def take_action(self, action: str, target: str = "", count: int = 0):
        result = self.bridge.act(action, target, count)
        self._report(result)
        return result

    def _report(self, result) -> None:
        if result.accepted:
            self.notify(tr("notify.accepted", self.lang, command=result.command), timeout=3)
        else:
            self.notify(tr("notify.refused", self.lang, command=result.command, reason=result.reason), severity="warning", timeout=6)

    # -- decisions -----------------------------------------------------------------------------

    def action_decide(self) -> None:
        sit = self.bridge.situation
        if not sit.decisions:
            self.notify(tr("decisions.none", self.lang), timeout=2)
            return
        if len(sit.decisions) == 1:
            self._decide(sit.decisions[0].id)
            return
        choices = [Choice(d.id, d.prompt, tr("decisions.left", self.lang, left=offset(d.deadline))) for d in sit.decisions]
        self.app.push_screen(PickDialog(self.lang, tr("panel.decisions", self.lang), choices), lambda v: v and self._decide(v))

    def _decide(self, decision_id: str) -> None:
        sit = self.bridge.situation
        decision = next((d for d in sit.decisions if d.id == decision_id), None)
        if decision is None:
            return

        def chosen(value) -> None:
            if value is not None:
                option, justification = value
                self._report(self.bridge.decide(decision.id, option, justification))

        self.app.push_screen(DecisionDialog(self.lang, decision, sit.t), chosen)

    # -- notes, injects, ratings, end --------------------------------------------------------

    def action_note(self) -> None:
        key = {"facilitator": "note.facilitator", "evaluator": "note.evaluator"}.get(self.role, "note.players")

        def typed(text: str | None) -> None:
            if text:
                self._report(self.bridge.note(text))

        self.app.push_screen(TextDialog(self.lang, tr(key, self.lang)), typed)

    def action_fire(self) -> None:
        choices = []
        for inj in self.bridge.injects():
            marks = []
            if inj.fired:
                marks.append("✓ " + tr("inject.fired", self.lang))
            if inj.contingency:
                marks.append(tr("inject.contingency", self.lang))
            if inj.noise:
                marks.append(tr("inject.noise", self.lang))
            if inj.at is not None:
                marks.append(offset(inj.at))
            choices.append(Choice(inj.id, f"{inj.id}: {inj.title}", " · ".join(marks), disabled=inj.fired))

        def chosen(value: str | None) -> None:
            if value is not None:
                self._report(self.bridge.fire(value))

        self.app.push_screen(PickDialog(self.lang, tr("inject.title", self.lang), choices), chosen)

    def action_toggle_truth(self) -> None:
        self.show_truth = not self.show_truth
        side = self.query_one("#side")
        side.display = self.show_truth
        self.bridge.publish()

    def action_rate(self) -> None:
        tasks = [t for t in self.bridge.tasks() if not t.auto]
        if not tasks:
            self.notify(tr("rate.none", self.lang), timeout=3)
            return
        by_key = {f"{t.objective}/{t.task}": t for t in tasks}
        choices = [Choice(k, f"{t.objective_text} — {t.text}", t.rating or "–") for k, t in by_key.items()]

        def chosen(key: str | None) -> None:
            if key is None:
                return
            task = by_key[key]

            def rated(value) -> None:
                if value is not None:
                    level, comment = value
                    self._report(self.bridge.rate(task.objective, task.task, level, comment))

            self.app.push_screen(RateDialog(self.lang, task), rated)

        self.app.push_screen(PickDialog(self.lang, tr("rate.title", self.lang), choices), chosen)

    def action_end(self) -> None:
        if self.bridge.ended:
            self.app.show_debrief()
            return

        def confirmed(ok: bool | None) -> None:
            if ok:
                self.bridge.end()
                self.app.show_debrief()

        self.app.push_screen(ConfirmDialog(self.lang, tr("end.title", self.lang), tr("end.body", self.lang)), confirmed)
