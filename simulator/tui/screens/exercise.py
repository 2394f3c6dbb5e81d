"""The exercise screen: the situation at a glance, and every input turned into a command.

A client of one seat of a session (`SessionClient`): local (solo play, the clock advanced
from this screen's timer) or remote (a host's room, the clock the facilitator's). New
situations arrive as `SituationUpdated` messages, at most one per tick, and repaint the
panels whose slice changed. What the seat may do is the host's to say: the keys shown
follow the seat's permissions, and a refusal is reported as it comes.
"""

from __future__ import annotations

import inspect

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.containers import Container
from textual.reactive import reactive
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer

from simulator.model.duration import parse_duration
from simulator.room import seats as S
from simulator.room.client import SessionClient
from simulator.room.views import ActionInfo, Notice, Situation
from simulator.tui.messages import NoticeReceived, SessionClosed, SituationUpdated
from simulator.tui.screens.dialogs import Choice, ConfirmDialog, DecisionDialog, MessageDialog, PickDialog, RateDialog, TextDialog
from simulator.tui.text import localise_tree, offset, tr
from simulator.tui.widgets.board import board_panels
from simulator.tui.widgets.clockbar import ClockBar
from simulator.tui.widgets.inbox import InboxPanel
from simulator.tui.widgets.panel import Panel
from simulator.tui.widgets.tasks import TasksPanel
from simulator.tui.widgets.truth import TruthPanel

TICK_SECONDS = 0.25
NARROW_WIDTH = 120
ONE_COLUMN_WIDTH = 60
"""Under this many columns (a phone in a browser) the board is one column of full-width panels."""
NARROW_KEYS = {
    "players": frozenset({"exercise.pause", "exercise.step", "exercise.act", "exercise.decide", "exercise.note"}),
    "facilitator": frozenset({"exercise.pause", "exercise.step", "exercise.fire", "exercise.extend", "exercise.note"}),
    "evaluator": frozenset({"exercise.pause", "exercise.step", "exercise.rate", "exercise.note"}),
    "room": frozenset(),
}
"""The keys a narrow terminal (80 columns) keeps in the footer, per role; every other key still
works and is listed by '?' (the key panel)."""
PERMISSIONS = {
    "toggle_clock": S.CLOCK, "faster": S.CLOCK, "slower": S.CLOCK, "step": S.CLOCK,
    "act": S.ACT, "decide": S.DECIDE, "acknowledge": S.ACK, "note": S.NOTE, "fire": S.FIRE,
    "extend": S.EXTEND, "toggle_truth": S.TRUTH, "rate": S.RATE, "next_module": S.MODULE,
}
"""The seat permission each key needs (the host checks again: a client is never trusted)."""


class ActionCommands(Provider):
    """Command palette: every response action with every target it accepts ('isolate Serveurs')."""

    def _screen(self) -> "ExerciseScreen | None":
        screen = self.screen
        return screen if isinstance(screen, ExerciseScreen) else None

    async def discover(self) -> Hits:
        screen = self._screen()
        if screen is None:
            return
        for info in screen.session.situation.actions:
            yield DiscoveryHit(info.name, lambda i=info: screen.run_worker(screen.pick_target(i)), help=info.description)

    async def search(self, query: str) -> Hits:
        screen = self._screen()
        if screen is None:
            return
        matcher = self.matcher(query)
        session = screen.session
        for info in session.situation.actions:
            for target, label in session.targets(info.id):
                text = f"{info.name} → {label}"
                score = matcher.match(text + f" {info.id} {target}")
                if score > 0:
                    yield Hit(score, matcher.highlight(text), lambda i=info, tg=target: screen.run_worker(screen.confirm_action(i, tg)), help=info.description)


class ExerciseScreen(Screen):
    COMMANDS = Screen.COMMANDS | {ActionCommands}
    BINDINGS = [
        Binding("space", "toggle_clock", "Pause/Resume", id="exercise.pause"),
        Binding("n", "step", "Next event", id="exercise.step"),
        Binding("a", "act", "Act", id="exercise.act"),
        Binding("d", "decide", "Decide", id="exercise.decide"),
        Binding("o", "note", "Note", id="exercise.note"),
        Binding("f", "fire", "Fire inject", id="exercise.fire"),
        Binding("x", "extend", "More time", id="exercise.extend"),
        Binding("r", "rate", "Rate", id="exercise.rate"),
        Binding("m", "next_module", "Next module", id="exercise.module"),
        Binding("e", "end", "End", id="exercise.end"),
        Binding("k", "acknowledge", "Acknowledge", id="exercise.ack"),
        Binding("i", "focus_inbox", "Inbox", id="exercise.inbox"),
        Binding("c", "channel", "Channel", id="exercise.channel"),
        Binding("t", "toggle_truth", "Ground truth", id="exercise.truth"),
        Binding("z", "zoom", "Zoom", id="exercise.zoom"),
        Binding("v", "feed_filter", "Log filter", id="exercise.feed"),
        Binding("plus,equals_sign", "faster", "Faster", id="exercise.faster", key_display="+"),
        Binding("minus", "slower", "Slower", id="exercise.slower", key_display="-"),
        Binding("q,escape", "app.quit", "Quit", id="exercise.quit", show=False),
    ]

    # repaint=False: the panels repaint what changed; a screen-wide repaint per tick would redraw everything
    situation: reactive[Situation | None] = reactive(None, always_update=True, init=False, repaint=False)

    def __init__(self, session: SessionClient, lang: str, autostart: bool = False) -> None:
        super().__init__()
        self.session = session
        self.lang = lang
        self.role = session.role
        self.autostart = autostart
        self.ticks = 0
        self.repaints = 0
        self.show_truth = session.may(S.TRUTH)
        self._was_ended = False

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield ClockBar(id="clockbar")
        side = TruthPanel(id="side") if self.session.may(S.TRUTH) else TasksPanel(id="side") if self.session.may(S.RATE) and self.role == "evaluator" else None
        with Container(id="board"):
            yield from board_panels(side)
        yield Footer()

    def on_mount(self) -> None:
        self.add_class("-role-" + self.role)
        self.set_class(self.role not in ("players", "room"), "-with-side")
        self._localise()
        self.session.listen(self._updated, self._noticed, self._closed)
        self.situation = self.session.situation
        self.query_one(InboxPanel).focus()
        self.timer = self.set_interval(TICK_SECONDS, self._tick, name="engine")
        if self.autostart and self.session.may(S.CLOCK):
            self.run_worker(self.session.clock("resume"), exclusive=False)

    def on_unmount(self) -> None:
        self.session.listen(None)

    def on_resize(self, event) -> None:
        self.set_class(self.size.width < ONE_COLUMN_WIDTH, "-one-column")
        narrow = self.size.width < NARROW_WIDTH
        if narrow != self.has_class("-narrow"):
            self.set_class(narrow, "-narrow")
            self._localise()
            self.refresh_bindings()

    def _localise(self) -> None:
        """Key descriptions in the reader's language; on a narrow terminal, only the keys that
        matter most for this seat stay in the footer (with short names)."""
        narrow = self.size.width and self.size.width < NARROW_WIDTH
        localise_tree(self, self.lang, NARROW_KEYS.get(self.role, frozenset()) if narrow else None)
        footer = self.query(Footer)
        if footer:
            footer.first().show_command_palette = not narrow

    async def set_language(self, lang: str) -> None:
        self.lang = lang
        self._localise()
        self.refresh_bindings()
        await self.session.set_language(lang)

    # -- the session -----------------------------------------------------------------------

    def _updated(self, situation) -> None:
        self.post_message(SituationUpdated(situation))

    def _noticed(self, notice: Notice) -> None:
        self.post_message(NoticeReceived(notice))

    def _closed(self, reason: str) -> None:
        self.post_message(SessionClosed(reason))

    def _tick(self) -> None:
        """A local session's clock advances here, one step per timer tick (a host runs its own)."""
        self.ticks += 1
        self.session.poll()

    def on_situation_updated(self, message: SituationUpdated) -> None:
        self.situation = message.situation

    def on_notice_received(self, message: NoticeReceived) -> None:
        notice = message.notice
        if notice.bell:
            self.app.bell()
        self.notify(notice.text, severity=notice.severity, timeout=8 if notice.severity == "warning" else 5)

    def on_session_closed(self, message: SessionClosed) -> None:
        self.notify(message.reason, severity="error", timeout=30)

    def watch_situation(self, sit: Situation | None) -> None:
        if sit is None:
            return
        self.repaints += 1
        if sit.ended != self._was_ended:
            self._was_ended = sit.ended
            self.refresh_bindings()  # 'end' opens the debrief for every role once the exercise is over
            if sit.ended and sit.end_reason != "facilitator":
                self.notify(tr("notify.ended", self.lang), timeout=10)
        with self.app.batch_update():  # one repaint for every panel that changed
            self.query_one(ClockBar).show(sit, self.lang, self.role)
            self.query_one(InboxPanel).show(sit, self.lang)
            for panel in self.query(Panel):
                if panel.id == "side" and not self.show_truth and self.session.may(S.TRUTH):
                    continue
                panel.show(sit, self.lang)

    # -- role gating -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        needed = PERMISSIONS.get(action)
        if needed is not None and not self.session.may(needed):
            return False
        if action == "end" and not self.session.may(S.END) and not self.session.situation.ended:
            return False
        if action == "next_module" and (self.session.situation.module is None or not self.session.situation.module.next_title):
            return False  # no modules, or the last one: no key in the footer
        return True

    # -- time ----------------------------------------------------------------------------------

    async def action_toggle_clock(self) -> None:
        self._report(await self.session.clock("toggle"), quiet=True)

    async def action_faster(self) -> None:
        self._report(await self.session.clock("faster"), quiet=True)

    async def action_slower(self) -> None:
        self._report(await self.session.clock("slower"), quiet=True)

    async def action_step(self) -> None:
        if self.session.situation.held_by_decision:
            self.notify(tr("clock.held", self.lang), severity="warning", timeout=3)
            return
        self._report(await self.session.clock("step"), quiet=True)

    def action_feed_filter(self) -> None:
        from simulator.tui.widgets.feed import FeedPanel

        self.query_one(FeedPanel).toggle()

    def action_zoom(self) -> None:
        focused = self.focused
        while focused is not None and focused.parent is not None and focused.parent.id != "board":
            focused = focused.parent
        if self.maximized is not None:
            self.minimize()
        elif focused is not None:
            self.maximize(focused)

    # -- dialogs ---------------------------------------------------------------------------------

    def open_dialog(self, dialog, callback) -> None:
        """Show a dialog; in solo play the clock holds while it is open (a room's never does)."""
        self.session.hold("dialog", True)

        async def closed(value) -> None:
            if not any(isinstance(s, ModalScreen) for s in self.app.screen_stack[1:] if s is not dialog):
                self.session.hold("dialog", False)
            result = callback(value)
            if inspect.isawaitable(result):
                await result

        self.app.push_screen(dialog, closed)

    # -- inbox ---------------------------------------------------------------------------------

    def action_focus_inbox(self) -> None:
        self.query_one(InboxPanel).focus()

    def action_channel(self) -> None:
        inbox = self.query_one(InboxPanel)
        inbox.cycle_channel()
        inbox.show(self.session.situation, self.lang)

    async def action_acknowledge(self) -> None:
        item = self.query_one(InboxPanel).current()
        if item is not None and not item.read:
            result = await self.session.acknowledge(item.key)
            if result.accepted:
                self.notify(tr("notify.acknowledged", self.lang), timeout=2)
            else:
                self._report(result)

    def on_inbox_panel_opened(self, message: InboxPanel.Opened) -> None:
        item = message.item

        async def done(ack: bool | None) -> None:
            if ack and not item.read and self.session.may(S.ACK):
                self._report(await self.session.acknowledge(item.key), quiet=True)

        self.open_dialog(MessageDialog(self.lang, item), done)

    # -- response actions ----------------------------------------------------------------------

    def action_act(self) -> None:
        actions = self.session.situation.actions
        choices = []
        for info in actions:
            note = tr("act.cost", self.lang, staff=info.staff, duration=info.duration)
            if info.why:
                note += " — ✗ " + info.why
            choices.append(Choice(info.id, info.name, note, disabled=bool(info.why)))
        infos = {i.id: i for i in actions}

        async def chosen(value: str | None) -> None:
            if value is not None:
                await self.pick_target(infos[value])

        self.open_dialog(PickDialog(self.lang, tr("act.title", self.lang), choices), chosen)

    async def pick_target(self, info: ActionInfo) -> None:
        if info.target == "none":
            await self.confirm_action(info, "")
            return
        targets = self.session.targets(info.id)
        refused = await self.session.refusals(info.id)  # what the engine would refuse now, said before it is chosen

        async def chosen(value: str | None) -> None:
            if value is None:
                return
            if info.target == "function-count":
                self.ask_count(info, value)
            else:
                await self.confirm_action(info, value)

        choices = [Choice(value, label, "✗ " + refused[value] if refused.get(value) else "", disabled=bool(refused.get(value))) for value, label in targets]
        self.open_dialog(PickDialog(self.lang, tr("act.target", self.lang, action=info.name), choices), chosen)

    def ask_count(self, info: ActionInfo, target: str) -> None:
        async def typed(text: str | None) -> None:
            if text is None:
                return
            try:
                count = int(text)
            except ValueError:
                self.notify(tr("notify.not-a-number", self.lang, text=text), severity="error")
                return
            await self.confirm_action(info, target, count)

        self.open_dialog(TextDialog(self.lang, tr("act.count", self.lang, action=info.name), "3"), typed)

    async def confirm_action(self, info: ActionInfo, target: str, count: int = 0) -> None:
        label = dict(self.session.targets(info.id)).get(target, target)
        assessed = await self.session.assess(info.id, target, count)  # the engine's own plan of it, now
        body = Text()
        body.append(f"{info.name}", style="bold")
        if target:
            body.append(f" → {label}")
        if count:
            body.append(f" × {count}")
        body.append("\n" + tr("act.staff", self.lang, staff=info.staff))
        if assessed.detail:
            estimate, _, caveats = assessed.detail.partition("\n")
            body.append("\n" + tr("act.estimate", self.lang, estimate=estimate), style="bold")
            if caveats:
                body.append("\n" + caveats, style="dim italic")
        if info.description:
            body.append("\n" + info.description, style="dim")
        warning = assessed.reason if not assessed.accepted else ""

        async def confirmed(ok: bool | None) -> None:
            if ok:
                await self.take_action(info.id, target, count)

        self.open_dialog(ConfirmDialog(self.lang, tr("act.confirm", self.lang), body, warning), confirmed)

    async def take_action(self, action: str, target: str = "", count: int = 0):
        result = await self.session.act(action, target, count)
        self._report(result)
        return result

    def _report(self, result, quiet: bool = False) -> None:
        """Say what became of a command: accepted (unless `quiet`), or refused with the reason."""
        if result.accepted:
            if not quiet:
                self.notify(tr("notify.accepted", self.lang, command=result.command), timeout=3)
        else:
            self.notify(tr("notify.refused", self.lang, command=result.command, reason=result.reason), severity="warning", timeout=6)

    # -- decisions -----------------------------------------------------------------------------

    def action_decide(self) -> None:
        sit = self.session.situation
        mine = [d for d in sit.decisions if d.can_answer]
        if not mine:
            self.notify(tr("decisions.none", self.lang), timeout=2)
            return
        if len(mine) == 1:
            self._decide(mine[0].id)
            return
        choices = [Choice(d.id, d.prompt, tr("decisions.left", self.lang, left=offset(d.deadline))) for d in mine]
        self.open_dialog(PickDialog(self.lang, tr("panel.decisions", self.lang), choices), lambda v: v and self._decide(v))

    def _decide(self, decision_id: str) -> None:
        sit = self.session.situation
        decision = next((d for d in sit.decisions if d.id == decision_id), None)
        if decision is None:
            return

        async def chosen(value) -> None:
            if value is not None:
                option, justification = value
                self._report(await self.session.decide(decision.id, option, justification))

        self.open_dialog(DecisionDialog(self.lang, decision, sit.t), chosen)

    def action_extend(self) -> None:
        """The facilitator gives a cell more time on an open decision."""
        sit = self.session.situation
        if not sit.decisions:
            self.notify(tr("decisions.none", self.lang), timeout=2)
            return

        def chosen(did: str | None) -> None:
            if did is None:
                return

            async def typed(text: str | None) -> None:
                if text is None:
                    return
                try:
                    minutes = parse_duration(text)
                except ValueError:
                    self.notify(tr("notify.not-a-duration", self.lang, text=text), severity="error")
                    return
                self._report(await self.session.extend(did, minutes))

            self.open_dialog(TextDialog(self.lang, tr("extend.how-long", self.lang), "15m"), typed)

        choices = [Choice(d.id, d.prompt, tr("decisions.left", self.lang, left=offset(d.deadline))) for d in sit.decisions]
        self.open_dialog(PickDialog(self.lang, tr("extend.title", self.lang), choices), chosen)

    # -- notes, injects, ratings, end --------------------------------------------------------

    def action_note(self) -> None:
        key = {"facilitator": "note.facilitator", "evaluator": "note.evaluator"}.get(self.role, "note.players")

        async def typed(text: str | None) -> None:
            if text:
                self._report(await self.session.note(text))

        self.open_dialog(TextDialog(self.lang, tr(key, self.lang)), typed)

    def action_fire(self) -> None:
        choices = []
        for inj in self.session.situation.injects:
            marks = []
            if inj.fired:
                marks.append("✓ " + tr("inject.fired", self.lang))
            if inj.contingency:
                marks.append(tr("inject.contingency", self.lang))
            if inj.noise:
                marks.append(tr("inject.noise", self.lang))
            if inj.at is not None:
                marks.append(offset(inj.at))
            choices.append(Choice(inj.id, inj.title, " · ".join(marks), disabled=inj.fired))

        async def chosen(value: str | None) -> None:
            if value is not None:
                self._report(await self.session.fire(value))

        self.open_dialog(PickDialog(self.lang, tr("inject.title", self.lang), choices), chosen)

    async def action_next_module(self) -> None:
        """Open the next module: its time jump is simulated at once, the whole room is told."""
        self._report(await self.session.next_module())

    def action_toggle_truth(self) -> None:
        self.show_truth = not self.show_truth
        side = self.query_one("#side")
        side.display = self.show_truth
        if self.show_truth:
            side.show(self.session.situation, self.lang)

    def action_rate(self) -> None:
        tasks = [t for t in self.session.situation.tasks if not t.auto]
        if not tasks:
            self.notify(tr("rate.none", self.lang), timeout=3)
            return
        by_key = {f"{t.objective}/{t.task}": t for t in tasks}
        choices = [Choice(k, f"{t.objective_text} — {t.text}", t.rating or "–") for k, t in by_key.items()]

        def chosen(key: str | None) -> None:
            if key is None:
                return
            task = by_key[key]

            async def rated(value) -> None:
                if value is not None:
                    level, comment = value
                    self._report(await self.session.rate(task.objective, task.task, level, comment))

            self.open_dialog(RateDialog(self.lang, task), rated)

        self.open_dialog(PickDialog(self.lang, tr("rate.title", self.lang), choices), chosen)

    async def action_end(self) -> None:
        if self.session.situation.ended:
            await self.app.show_debrief()
            return

        async def confirmed(ok: bool | None) -> None:
            if ok:
                result = await self.session.clock("end")
                if result.accepted:
                    await self.app.show_debrief()
                else:
                    self._report(result)

        self.open_dialog(ConfirmDialog(self.lang, tr("end.title", self.lang), tr("end.body", self.lang)), confirmed)
