"""The CyberDrill crisis-room app: home -> briefing -> exercise -> debrief, and the replay view.

The app is a client of one seat of an exercise session (`SessionClient`): a local session it
owns (solo play: the exercise screen's timer drives the clock) or a seat of a host's room
(`cyberdrill join`, a browser). Quitting never loses an input: commands are fsynced as they
are given, and an unsealed journal is offered for resume on the next start.
"""

from __future__ import annotations

import datetime as dt
import gc
import time
from pathlib import Path
from typing import Callable

from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive

from simulator.i18n import LANGUAGES
from simulator.model.diagnostics import InputError
from simulator.journal.inputs import Inputs, load_inputs
from simulator.journal.session import RecordedExercise
from simulator.room.client import LocalClient, SessionClient
from simulator.room.local import resume_recorded, solo_client, start_recorded
from simulator.room.replay import JournalReplay
from simulator.room.session import DEFAULT_SPEED
from simulator.tui.journals import JOURNAL_SUFFIX, list_interrupted
from simulator.tui.catalog import default_journal_dir, list_scenarios
from simulator.tui.screens.briefing import BriefingScreen
from simulator.tui.screens.dialogs import ConfirmDialog
from simulator.tui.screens.debrief import DebriefScreen
from simulator.tui.screens.exercise import ExerciseScreen
from simulator.tui.screens.home import HomeScreen
from simulator.tui.screens.join import JoinScreen
from simulator.tui.screens.replay import ReplayScreen
from simulator.tui.text import localise_bindings, tr

ROLES = ("players", "facilitator", "evaluator")
"""Who sits at a solo screen (a room's seats come from its host)."""
SEAT_ROLES = ROLES + ("room",)
TUNED_GC = (20_000, 20, 20)
"""Collector thresholds while an exercise runs: fewer, shorter passes (the UI allocates in bursts)."""


class CyberDrillApp(App[Path | None]):
    """Returns the journal path of the exercise played (None when none was started)."""

    CSS_PATH = "cyberdrill.tcss"
    TITLE = "CyberDrill"
    BINDINGS = [
        Binding("l", "switch_language", "FR/EN", id="app.language"),
        Binding("question_mark,f1", "toggle_keys", "Keys", id="app.keys", key_display="?"),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
        Binding("ctrl+c", "quit", "Quit", id="app.interrupt", show=False, priority=True),
    ]

    lang: reactive[str] = reactive("fr")
    role: reactive[str] = reactive("players")

    def __init__(
        self,
        *,
        lang: str = "fr",
        role: str | None = None,
        seed: int = 1,
        speed: float = DEFAULT_SPEED,
        scenario: Path | Inputs | None = None,
        resume: Path | RecordedExercise | None = None,
        replay: Path | JournalReplay | None = None,
        client: SessionClient | None = None,
        join: tuple[str, str, str] | None = None,
        sign_key: object = None,
        log_path: Path | None = None,
        journal_dir: Path | None = None,
        scenarios_dir: Path | None = None,
        autostart: bool = False,
        monotonic: Callable[[], float] = time.monotonic,
        now: Callable[[], dt.datetime] | None = None,
    ) -> None:
        super().__init__()
        self.set_reactive(CyberDrillApp.lang, lang if lang in LANGUAGES else "fr")
        self.set_reactive(CyberDrillApp.role, role if role in SEAT_ROLES else "players")
        self.role_given = role in ROLES  # else a resumed exercise keeps the role its journal names
        self.seed = seed
        self.speed = speed
        self.scenario_path = scenario
        self.resume_path = resume
        self.replay_path = replay
        self.log_path = log_path
        self.journal_dir = journal_dir or default_journal_dir()
        self.scenarios_dir = scenarios_dir
        self.autostart = autostart
        self.monotonic = monotonic
        self.now = now or (lambda: dt.datetime.now(dt.timezone.utc))
        self.sign_key = sign_key
        self.session: SessionClient | None = client
        self.join = join  # (host URL, seat code, participant name): a seat of a host's room
        self.join_error = ""
        self.replay: JournalReplay | None = None
        self.played: Path | None = None
        self._gc_before: tuple[int, ...] | None = None
        self._asking_quit = False

    # -- start --------------------------------------------------------------------------------

    def on_mount(self) -> None:
        self._localise()
        try:
            if self.session is not None:  # a seat of a host's room, already taken
                self._seated(self.session)
            elif self.join is not None:
                url, _code, name = self.join
                if name:
                    self.call_later(self.join_room, name)
                else:
                    self.push_screen(JoinScreen(self.lang, url))
            elif self.replay_path is not None:
                replay = self.replay_path
                self.replay = replay if isinstance(replay, JournalReplay) else JournalReplay(replay, self.lang)
                self.push_screen(ReplayScreen(self.lang, self.replay))
            elif self.resume_path is not None:
                resume = self.resume_path
                self._play(resume if isinstance(resume, RecordedExercise) else resume_recorded(resume))
            elif self.scenario_path is not None:
                scenario = self.scenario_path
                inputs = scenario if isinstance(scenario, Inputs) else load_inputs(scenario)
                self.push_screen(BriefingScreen(self.lang, self.role, inputs))
            else:
                self.show_home()
        except InputError as exc:
            self.exit(message="\n".join(d.format() for d in exc.diagnostics), return_code=2)

    # -- a room's seat ------------------------------------------------------------------------

    async def join_room(self, name: str) -> None:
        """Take the seat the code opens, as `name`; a refusal ends the app with its reason."""
        from simulator.room.remote import JoinRefused, RemoteClient

        assert self.join is not None
        url, code, _name = self.join
        client = RemoteClient(url, code, name, self.lang)
        try:
            await client.connect()
        except JoinRefused as exc:
            await client.aclose()
            self.join_error = str(exc)
            self.exit(None, return_code=2)
            return
        self._seated(client)

    def _seated(self, client: SessionClient) -> None:
        self.session = client
        self.set_reactive(CyberDrillApp.role, client.role)
        self.title = f"CyberDrill — {client.title}"
        self._replace(ExerciseScreen(client, self.lang, autostart=False))

    def show_home(self) -> None:
        self._close_session()
        screen = HomeScreen(self.lang, list_scenarios(self.scenarios_dir), list_interrupted(self.journal_dir), self.journal_dir)
        self._replace(screen)

    def _replace(self, screen) -> None:
        """Show `screen` alone above the default screen (no way back into a finished step)."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(screen)

    def open_scenario(self, path: Path) -> None:
        try:
            inputs = load_inputs(path)
        except InputError as exc:
            self.notify(exc.diagnostics[0].format(), severity="error", timeout=10)
            return
        self._replace(BriefingScreen(self.lang, self.role, inputs))

    def _new_log_path(self, scenario_id: str) -> Path:
        if self.log_path is not None:
            return self.log_path
        stamp = self.now().astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        stem = f"{scenario_id}-{stamp}-s{self.seed}"
        path, n = self.journal_dir / f"{stem}{JOURNAL_SUFFIX}", 1
        while path.exists():  # two exercises started in the same second
            n += 1
            path = self.journal_dir / f"{stem}-{n}{JOURNAL_SUFFIX}"
        return path

    def start_exercise(self, inputs) -> None:
        try:
            self.journal_dir.mkdir(parents=True, exist_ok=True)
            rec = start_recorded(inputs, self.seed, self.lang, self._new_log_path(inputs.scenario.id), self.role, self.speed)
        except InputError as exc:
            self.notify(exc.diagnostics[0].format(), severity="error", timeout=10)
            return
        self._play(rec)

    def resume_journal(self, path: Path) -> None:
        try:
            self._resume(path)
        except InputError as exc:
            self.notify(exc.diagnostics[0].format(), severity="error", timeout=10)

    def _resume(self, path: Path) -> None:
        self._play(resume_recorded(path))

    def _play(self, rec) -> None:
        if rec.resumed_from is not None and not self.role_given and rec.role in ROLES:
            self.role = rec.role
        self.session = solo_client(rec, self.lang, self.role, self.speed, self.monotonic)
        self.played = rec.log_path
        # The models, the hospital graph and the widgets live as long as the exercise: moved out
        # of the cyclic collector's reach, full passes scan only what the run allocates since.
        if self._gc_before is None:
            self._gc_before = gc.get_threshold()
            gc.collect()
            gc.freeze()
            gc.set_threshold(*TUNED_GC)
        self._replace(ExerciseScreen(self.session, self.lang, autostart=self.autostart))

    # -- end ----------------------------------------------------------------------------------

    async def show_debrief(self) -> None:
        session = self.session
        if session is None:
            return
        await session.finish(self.sign_key)  # a local session seals its journal; a host seals its own
        debrief = await session.debrief()
        self._replace(DebriefScreen(self.lang, debrief, session))

    def export_debrief(self, fmt: str) -> Path | None:
        """The after-action report (`simulator.report`, from the sealed journal) next to the journal
        (a local session only: a remote seat never makes the host write a file)."""
        from simulator.cli.output import write_atomic
        from simulator.report.data import build_report
        from simulator.report.render import render_html, render_markdown

        session = self.session
        if not isinstance(session, LocalClient):
            return None
        log = Path(session.log_path)
        try:
            data = build_report(log, self.lang)
        except InputError as exc:
            self.notify(exc.diagnostics[0].format(), severity="error", timeout=10)
            return None
        out = log.with_suffix(".md" if fmt == "md" else ".html")
        write_atomic(out, render_markdown(data) if fmt == "md" else render_html(data))
        return out

    def _close_session(self) -> None:
        if self.session is not None:
            self.session.close()
            self.session = None
        if self._gc_before is not None:  # give the collector back as it was
            gc.unfreeze()
            gc.set_threshold(*self._gc_before)
            self._gc_before = None

    def on_unmount(self) -> None:
        self._close_session()

    async def action_quit(self) -> None:
        """Quit; in the middle of an exercise, ask first and say how to come back."""
        exercise = next((s for s in reversed(self.screen_stack) if isinstance(s, ExerciseScreen)), None)
        session = self.session
        if exercise is None or session is None or session.situation.ended or self._asking_quit:
            self._close_session()
            self.exit(self.played)
            return
        if session.remote:
            body = tr("quit.body-room", self.lang)
        else:
            body = tr("quit.body-solo", self.lang, log=str(getattr(session, "log_path", "")))
        self._asking_quit = True

        def answered(ok: bool | None) -> None:
            self._asking_quit = False
            if ok:
                self._close_session()
                self.exit(self.played)

        self.push_screen(ConfirmDialog(self.lang, tr("quit.title", self.lang), body), answered)

    def action_toggle_keys(self) -> None:
        """Every key of the current screen in a side panel (the footer cannot hold them all at 80 columns)."""
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    # -- language -----------------------------------------------------------------------------

    def action_switch_language(self) -> None:
        self.lang = LANGUAGES[(LANGUAGES.index(self.lang) + 1) % len(LANGUAGES)]

    def _localise(self) -> None:
        """The app's keys in the UI language; a narrow terminal keeps only '?' and quit in the footer."""
        narrow = bool(self.size.width) and self.size.width < 120
        localise_bindings(self, self.lang, frozenset({"app.keys", "app.quit"}) if narrow else None)

    def on_resize(self, event) -> None:
        self._localise()
        self.refresh_bindings()

    def get_key_display(self, binding) -> str:
        """Key names as the keyboard prints them in the UI language (Maj, not shift, in French)."""
        shown = super().get_key_display(binding)
        if self.lang == "fr":
            for english, french in (("shift+", "Maj+"), ("super+", "Cmd+"), ("space", "espace"), ("escape", "Échap"), ("enter", "Entrée")):
                shown = shown.replace(english, french)
        return shown

    async def watch_lang(self, lang: str) -> None:
        self._localise()
        for screen in self.screen_stack:
            setter = getattr(screen, "set_language", None)
            if setter is not None:
                result = setter(lang)
                if result is not None and hasattr(result, "__await__"):
                    await result
        self.refresh_bindings()
        self.notify(tr("notify.language", lang), timeout=2)


def resume_exercise(log_path: str | Path, sign_key: object = None) -> Path | None:
    """`cyberdrill resume LOG` for an interactive exercise: rebuilt first (errors before any screen), then played on."""
    rec = resume_recorded(log_path)
    lang = str(rec.header.get("language", "fr"))
    app = CyberDrillApp(lang=lang if lang in LANGUAGES else "fr", role=rec.role, resume=rec, sign_key=sign_key)
    return app.run()
