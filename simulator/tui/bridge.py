"""The one place the UI touches the engine and the journal.

`ExerciseBridge` drives one `RecordedExercise` (the journal layer's engine + journal glue:
every command fsynced before it applies, every event journaled) for the screens: time,
commands, acknowledgements, and one immutable `Situation` per timer tick.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections import deque
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable

from textual.message import Message
from textual.message_pump import MessagePump

from simulator.engine.commands import Act, Decide, FireInject, NoteCmd, Rate
from simulator.engine.exercise import Result
from simulator.i18n import has as _i18n_has
from simulator.i18n import t as tr
from simulator.model.diagnostics import InputError
from simulator.journal.commands import UI_KIND, advance_exact
from simulator.journal.inputs import Inputs, load_inputs, locate_inputs
from simulator.journal.reader import read_header
from simulator.journal.replay import Replayer, build_exercise, load_journal
from simulator.journal.session import RecordedExercise
from simulator.model.duration import format_duration, format_offset
from simulator.tui.situation import (
    AssetView,
    ClockView,
    DecisionView,
    FeedLine,
    FunctionView,
    InboxView,
    JobView,
    OptionView,
    ServiceView,
    Situation,
    StaffView,
    TaskView,
    TruthView,
    ZoneView,
)

__all__ = [
    "ExerciseBridge", "Inputs", "JournalReplay", "RecordedExercise", "SituationUpdated",
    "JournalEntry", "list_interrupted", "load_inputs", "resume_recorded", "start_recorded",
]


def start_recorded(inputs: Inputs, seed: int, lang: str, log_path: str | os.PathLike, role: str, speed: float | None = None) -> RecordedExercise:
    """A new journaled exercise at its first instant (the header pins inputs, seed, language, role
    and the clock's speed, which a resume takes up again)."""
    return RecordedExercise.start(
        inputs.scenario_path, seed, lang, log_path, participants=[{"name": role, "role": role}], role=role, inputs=inputs,
        config={"speed": float(speed)} if speed is not None else None,
    )


def resume_recorded(log_path: str | os.PathLike) -> RecordedExercise:
    """An interrupted exercise rebuilt from its journal (every recorded event checked)."""
    return RecordedExercise.resume(log_path)


# ====================================================================== the UI controller

SPEEDS = (1.0, 10.0, 30.0, 60.0, 120.0, 600.0)
"""Sim minutes per real minute. 10x: one real minute is ten simulated minutes (a tabletop pace)."""
DEFAULT_SPEED = 10.0
FEED_LINES = 200
HISTORY_POINTS = 24
HISTORY_STEP = 60.0  # one sparkline point per simulated hour
STEP_HORIZON = 24 * 60.0
MAX_TICK_MINUTES = 60.0
"""At most this much simulated time per timer tick: after a stall of the event loop (a laptop
asleep, a busy machine) the clock resumes rather than replaying hours of crisis in one go."""
QUIET_KINDS = frozenset({"clinical"})  # frequent and shown on the clinical board anyway


class SituationUpdated(Message):
    """A new picture of the exercise: at most one per timer tick."""

    def __init__(self, situation: Situation) -> None:
        super().__init__()
        self.situation = situation


@dataclass(frozen=True)
class ActionInfo:
    id: str
    name: str
    description: str
    target: str  # the catalogue's target type
    staff: int
    duration: str


@dataclass(frozen=True)
class InjectInfo:
    id: str
    title: str
    at: float | None
    fired: bool
    contingency: bool
    noise: bool


@dataclass(frozen=True)
class Debrief:
    t: float
    end_reason: str
    kpis: tuple[tuple[str, object], ...]
    objectives: tuple[tuple[str, str, str, tuple[TaskView, ...]], ...]  # (id, text, rating, tasks)
    clocks: tuple[ClockView, ...]
    timeline: tuple[FeedLine, ...]
    log_path: str
    head_hash: str
    sealed: bool


def _delay_text(delay: Any) -> str:
    """How long an action takes, as the room reads it: '~20m (up to 1h)', '15m'."""
    mean, upper = getattr(delay, "mean", None), getattr(delay, "upper", None)
    if not callable(mean) or not callable(upper):
        return "?"
    low, high = _rounded(mean()), _rounded(upper())
    if high <= low:
        return format_duration(low)
    return f"~{format_duration(low)} (≤ {format_duration(high)})"


def _rounded(minutes: float) -> int:
    """Estimates, not promises: minutes under 2 h, hours under 2 days, half-days beyond."""
    step = 1 if minutes < 120 else 60 if minutes < 2880 else 720
    return int(round(minutes / step) * step)


class ExerciseBridge:
    """Drives one exercise for the UI: time, commands, acknowledgements, snapshots.

    Called only from the Textual event loop (a `set_interval` timer and key handlers):
    the engine never runs on another thread. Engine events are collected as they come
    and turned into one `Situation` per tick.
    """

    def __init__(
        self,
        recorded: RecordedExercise,
        lang: str,
        role: str = "players",
        speed: float = DEFAULT_SPEED,
        monotonic: Callable[[], float] = time.monotonic,
    ):
        self.rec = recorded
        self.ex = recorded.exercise
        self.role = role
        self.speed = float(speed)
        self.running = False
        self.closed = False  # ended by the facilitator (the engine itself would run on to its own end)
        self._monotonic = monotonic
        self._last_real: float | None = None
        self._target: MessagePump | None = None
        self._timeline: list[dict] = []  # event records, oldest first
        self._visible = 0
        self._history: dict[str, deque[float]] = {}
        self._history_bucket: int | None = None
        self.acked: set[int] = set()
        self._dirty = True
        self._bucket = -1
        self._clinical_step = float(self.ex.params.get("clinical_tick_minutes", 15.0)) or 15.0
        self._engine_end = ""
        if recorded.resumed_from is not None:
            self._restore(recorded.log_path)
        self.ex.subscribe(self._on_event)
        self.lang = lang
        self._names: dict[str, str] = {}
        self._feed: deque[FeedLine] = deque(maxlen=FEED_LINES)
        self.set_language(lang)
        if self.ex.now < 0:
            self.rec.advance(0.0)
        self.situation = self.build()

    def _restore(self, path: Path) -> None:
        """After a resume: the feed, acknowledgements and speed the journal already holds."""
        journal = load_journal(path)
        speed = (journal.config or {}).get("speed")
        if isinstance(speed, (int, float)) and not isinstance(speed, bool) and 0 < speed < float("inf"):
            self.speed = float(speed)  # the pace the exercise was started at; later changes are below
        self._timeline = [rec["data"] for _line, rec in journal.events()]
        for data in self._timeline:
            if data.get("kind") == "exercise-end":
                self._engine_end = str(data.get("reason", ""))
        for _line, rec in journal.commands():
            data = rec["data"]
            if data.get("kind") != UI_KIND:
                continue
            if data.get("ui") == "ack" and isinstance(data.get("key"), int):
                self.acked.add(data["key"])
            elif data.get("ui") == "speed" and isinstance(data.get("speed"), (int, float)):
                self.speed = float(data["speed"])
            elif data.get("ui") == "end":
                self.closed = True

    # -- wiring --------------------------------------------------------------------------

    def attach(self, target: MessagePump | None) -> None:
        """Where `SituationUpdated` messages go (the exercise screen)."""
        self._target = target

    def set_language(self, lang: str) -> None:
        self.lang = lang
        model = self.ex.model
        names: dict[str, str] = {}
        for table in (model.zones, model.assets, model.services, model.functions):
            for key, spec in table.items():
                names[key] = spec.name.get(lang)
        self._names = names
        # the engine's inbox names a sender in the scenario's first language: the room reads
        # the persona in its own language, looked up by the id the inject carries
        self._personas = {p.id: p.name.get(lang) for p in self.ex.scenario.personas}
        self._dirty = True
        self._feed = deque((self._line(r) for r in self._timeline[-FEED_LINES:]), maxlen=FEED_LINES)

    def name(self, key: str) -> str:
        return self._names.get(key, key)

    def persona(self, key: str) -> str:
        """A persona's name in the UI language (its id when the scenario does not declare it)."""
        return self._personas.get(key, key)

    def _on_event(self, event) -> None:
        record = event.to_record()
        self._dirty = True
        if event.kind == "exercise-end":
            self._engine_end = str(record.get("reason", ""))
        self._timeline.append(record)
        if not event.truth and event.kind not in QUIET_KINDS:
            self._visible += 1
        self._feed.append(self._line(record))

    # -- time ------------------------------------------------------------------------------

    @property
    def now(self) -> float:
        return self.ex.now

    @property
    def ended(self) -> bool:
        return self.ex.ended or self.closed

    def held_by_decision(self) -> bool:
        return any(p.pause_clock for p in self.ex.pending_decisions())

    def tick(self) -> Situation | None:
        """One timer tick: advance by elapsed real time x speed, then publish one snapshot."""
        real = self._monotonic()
        last, self._last_real = self._last_real, real
        if not self.running or self.ended or last is None or self.held_by_decision():
            return None
        minutes = min((real - last) * self.speed / 60.0, MAX_TICK_MINUTES)
        if minutes <= 0:
            return None
        self._advance_until_held(min(self.now + minutes, self.ex.duration))
        return self.publish()

    def _advance_until_held(self, until: float) -> None:
        """Advance to `until`, one event time at a time, stopping where a decision that pauses
        the clock is presented (at its time, on a condition or by an option alike): the engine's
        own `advance` would run through it and on to its deadline."""
        ex = self.ex
        while self.now < until:
            before = self.now
            target = min(max(ex.env.peek(), before), until)
            self.rec.advance(target)
            if self.held_by_decision():
                return
            if self.now <= before and (target > before or ex.env.peek() <= before):
                return  # the engine halted (its end): nothing more will run

    def pause(self) -> None:
        if self.running:
            self.running = False
            self.rec.record_ui("pause", self.role)
            self.publish()

    def resume(self) -> None:
        if not self.running and not self.ended:
            self.running = True
            self._last_real = self._monotonic()
            self.rec.record_ui("resume", self.role)
            self.publish()

    def toggle(self) -> None:
        self.pause() if self.running else self.resume()

    def set_speed(self, speed: float) -> None:
        if speed != self.speed:
            self.speed = float(speed)
            self.rec.record_ui("speed", self.role, speed=self.speed)
            self.publish()

    def faster(self) -> None:
        bigger = [s for s in SPEEDS if s > self.speed]
        if bigger:
            self.set_speed(bigger[0])

    def slower(self) -> None:
        smaller = [s for s in SPEEDS if s < self.speed]
        if smaller:
            self.set_speed(smaller[-1])

    def step(self) -> float:
        """Advance to the next thing the room would see (at most a day ahead); returns the new time."""
        ex = self.ex
        if self.ended or self.held_by_decision():
            return self.now
        seen = self._visible
        horizon = min(ex.duration, self.now + STEP_HORIZON)
        while not ex.ended and self._visible == seen and not self.held_by_decision():
            nxt = ex.env.peek()
            if nxt > horizon:
                self.rec.advance(horizon)
                break
            self.rec.advance(max(nxt, self.now))
            if self.now >= horizon:
                break
        self.publish()
        return self.now

    # -- commands ------------------------------------------------------------------------

    def _submit(self, command, source: str | None = None) -> Result:
        result = self.rec.submit(command, source or self.role)
        self.publish()
        return result

    def act(self, action: str, target: str = "", count: int = 0) -> Result:
        return self._submit(Act(action, target, count))

    def decide(self, decision: str, option: str, justification: str = "") -> Result:
        result = self.rec.submit(Decide(decision, option), self.role)
        if result.accepted and justification.strip():
            self.rec.submit(NoteCmd(f"{decision}/{option}: {justification.strip()}"), self.role)
        self.publish()
        return result

    def fire(self, inject: str) -> Result:
        return self._submit(FireInject(inject), "facilitator")

    def rate(self, objective: str, task: str, rating: str, comment: str = "") -> Result:
        result = self.rec.submit(Rate(objective, task, rating), "evaluator")
        if result.accepted and comment.strip():
            self.rec.submit(NoteCmd(f"{objective}/{task} {rating}: {comment.strip()}"), "evaluator")
        self.publish()
        return result

    def note(self, text: str) -> Result:
        return self._submit(NoteCmd(text.strip()))

    def acknowledge(self, key: int) -> bool:
        if key in self.acked or not 0 <= key < len(self.ex.inbox):
            return False
        self.acked.add(key)
        self._dirty = True
        self.rec.record_ui("ack", self.role, key=key, ref=self.ex.inbox[key].ref)
        self.publish()
        return True

    def end(self) -> None:
        """The facilitator ends the exercise now: the clock stops and the journal is sealed here.

        Not an engine command: the engine is left as it is, so a replay of the journal up to
        its seal gives the same state.
        """
        if not self.ended:
            self.running = False
            self.closed = True
            self.rec.record_ui("end", self.role)
            self.publish()

    def finish(self, sign_key: Any = None) -> dict | None:
        """Seal the journal once (signed when a key is given)."""
        if self.rec.sealed:
            return None
        return self.rec.finish(sign_key)

    def close(self) -> None:
        if not self.rec.sealed:
            self.rec.close()

    # -- what can be done ------------------------------------------------------------------

    def actions(self) -> list[ActionInfo]:
        out = []
        for aid, spec in sorted(self.ex.actions.items()):
            out.append(
                ActionInfo(
                    aid,
                    spec.name.get(self.lang),
                    spec.description.get(self.lang) if spec.description else "",
                    spec.target,
                    spec.staff,
                    _delay_text(spec.duration),
                )
            )
        return out

    def targets(self, action: str) -> list[tuple[str, str]]:
        """(command target, label) pairs the action accepts."""
        spec = self.ex.actions[action]
        kind = spec.target
        if kind == "none":
            return [("", tr("tui.action.no-target", self.lang))]
        if kind == "choice":
            return [(c, tr("tui.choice." + c, self.lang) if _has("tui.choice." + c) else c) for c in spec.choices]
        idx = self.ex.index
        prefixes = {
            "asset": ("asset",), "zone": ("zone",), "asset-or-zone": ("zone", "asset"), "asset-or-service": ("service", "asset"),
            "function": ("function",), "function-or-all": ("function",), "function-count": ("function",),
        }[kind]
        out = [("all", tr("tui.action.all", self.lang))] if kind == "function-or-all" else []
        for prefix in prefixes:
            for ident in idx.ids(prefix):
                out.append((f"{prefix}:{ident}", f"{self.name(ident)} ({tr('tui.kind.' + prefix, self.lang)})"))
        return out

    def unavailable(self, action: str) -> str | None:
        """Why the action cannot be taken now (None when it can): checked before asking the engine."""
        if self.ended:
            return tr("tui.why.ended", self.lang)
        spec = self.ex.actions[action]
        staff = self.ex.staff
        if spec.staff and staff is not None and spec.staff > staff.on_duty:
            return tr("tui.why.staff", self.lang, need=spec.staff, on_duty=staff.on_duty)
        return None

    def injects(self) -> list[InjectInfo]:
        out = []
        for inj in self.ex.scenario.injects:
            title = inj.title.get(self.lang) if inj.title else inj.text.get(self.lang)
            out.append(InjectInfo(inj.id, title, float(inj.at) if inj.at is not None else None, inj.id in self.ex.fired, inj.contingency, inj.noise))
        return out

    def tasks(self) -> tuple[TaskView, ...]:
        ex = self.ex
        results = {}
        if ex.objective_results is not None:
            for obj in ex.objective_results:
                for task in obj["tasks"]:
                    results[(obj["id"], task["id"])] = task["rating"] or ""
        out = []
        for obj in ex.scenario.objectives:
            for task in obj.critical_tasks:
                rating = ex.ratings.get((obj.id, task.id)) or results.get((obj.id, task.id), "")
                out.append(
                    TaskView(obj.id, obj.text.get(self.lang), task.id, task.text.get(self.lang) if task.text else task.id, rating or "", task.check is not None)
                )
        return tuple(out)

    # -- snapshots -------------------------------------------------------------------------

    def publish(self) -> Situation:
        self.situation = self.build()
        if self._target is not None:
            self._target.post_message(SituationUpdated(self.situation))
        return self.situation

    def build(self) -> Situation:
        """The situation now. Between engine events only the clock moves: the last picture is
        reused with its time-dependent fields renewed, so a quiet tick allocates almost nothing."""
        ex = self.ex
        now = ex.now
        bucket = int(now // self._clinical_step)
        previous = getattr(self, "situation", None)
        if not self._dirty and bucket == self._bucket and previous is not None:
            wall = ex.calendar.wall(now)
            return replace(
                previous, t=now, wall=wall, night=wall.hour < 7 or wall.hour >= 21, weekend=wall.weekday() >= 5,
                running=self.running, speed=self.speed, held_by_decision=self.held_by_decision(),
                next_event_in=self._next_event_in(), ended=self.ended, end_reason=self._end_reason(), jobs=self._jobs(),
            )
        self._dirty = False
        self._bucket = bucket
        snap = ex.snapshot()
        lang = self.lang
        wall = ex.calendar.wall(now)
        hour = wall.hour
        zones = tuple(
            ZoneView(
                z.id, self.name(z.id), z.isolated,
                tuple(AssetView(a.id, self.name(a.id), a.kind, a.count, a.display, a.states) for a in z.assets),
            )
            for z in snap.zones
        )
        since = ex.level_since
        services = tuple(ServiceView(s, self.name(s), level, since.get(s)) for s, level in snap.services.items())
        self._sample_history(snap.functions, now)
        turnaround = ex.clinical.lab_turnaround_change_pct()
        lab = getattr(ex.clinical, "lab_id", None)
        functions = tuple(
            FunctionView(
                f.id, self.name(f.id), f.status, f.capacity_pct, f.waiting, f.diverted, f.cancelled,
                turnaround if f.id == lab else None, f.paper_mode, tuple(self._history.get(f.id, ())),
            )
            for f in snap.functions
        )
        inbox = tuple(self._inbox_view(i, item) for i, item in enumerate(ex.inbox))
        decisions = tuple(
            DecisionView(
                d.id, ex.decisions[d.id].prompt.get(lang),
                tuple(OptionView(o.id, o.label.get(lang) if o.label else o.id) for o in ex.decisions[d.id].options),
                d.default, d.presented_at, d.deadline, tuple(ex.decisions[d.id].to), d.pause_clock,
            )
            for d in snap.pending_decisions
        )
        clocks = tuple(ClockView(c.id, ex.clocks[c.id].authority, c.state, c.started, c.deadline, c.met_at) for c in snap.clocks)
        st = snap.staff
        staff = StaffView(st.on_duty, st.busy, st.free, st.queued_jobs) if ex.staff is not None else None
        jobs = self._jobs()
        truth_visible = self.role == "facilitator"
        feed = tuple(line for line in self._feed if truth_visible or not line.truth)
        return Situation(
            t=now,
            wall=wall,
            night=hour < 7 or hour >= 21,
            weekend=wall.weekday() >= 5,
            running=self.running,
            speed=self.speed,
            held_by_decision=bool(snap.paused_by),
            next_event_in=self._next_event_in(),
            ended=self.ended,
            end_reason=self._end_reason(),
            zones=zones,
            services=services,
            functions=functions,
            inbox=inbox,
            decisions=decisions,
            clocks=clocks,
            staff=staff,
            jobs=jobs,
            feed=feed,
            truth=self._truth(snap) if truth_visible else None,
            tasks=self.tasks(),
        )

    def _end_reason(self) -> str:
        return "facilitator" if self.closed else self._engine_end

    def _jobs(self) -> tuple[JobView, ...]:
        now = self.ex.now
        return tuple(
            JobView(
                j.id, j.action, j.asset or j.target, j.staff, "running" if j.started_at is not None else "queued",
                round(j.progress(now), 3), (j.started_at + j.duration) if j.started_at is not None else None,
            )
            for j in self.ex.jobs
            if j.finished_at is None
        )

    def _sample_history(self, functions, now: float) -> None:
        bucket = int(now // HISTORY_STEP)
        if self._history_bucket is not None and bucket <= self._history_bucket:
            return
        self._history_bucket = bucket
        for f in functions:
            self._history.setdefault(f.id, deque(maxlen=HISTORY_POINTS)).append(f.capacity_pct)

    def _inbox_view(self, key: int, item) -> InboxView:
        lang = self.lang
        title, text, sender = item.title, item.text, item.sender
        if item.kind == "inject" and item.ref in self.ex.injects:
            inj = self.ex.injects[item.ref]
            title = inj.title.get(lang) if inj.title else ""
            text = inj.text.get(lang)
            if inj.from_ is not None:
                sender = self.persona(inj.from_)
        elif item.kind == "decision" and item.ref in self.ex.decisions:
            text = self.ex.decisions[item.ref].prompt.get(lang)
            title = ""
        elif item.kind == "alert":
            title = tr("tui.inbox.alert", lang, technique=item.title)
            text = self.name(item.text) if item.text else ""
        return InboxView(key, item.t, item.kind, item.ref, item.channel, sender, item.to, title, text, key in self.acked, item.noise)

    def _next_event_in(self) -> float | None:
        upcoming = self._upcoming()
        return (upcoming[0][0] - self.now) if upcoming else None

    def _upcoming(self) -> list[tuple[float, str, str]]:
        ex = self.ex
        now = ex.now
        out = [(float(i.at), "inject", i.id) for i in ex.scenario.injects if i.at is not None and i.at > now and i.id not in ex.fired]
        out += [
            (float(d.at), "decision", d.id)
            for d in ex.scenario.decisions
            if d.at is not None and d.at > now and d.id not in ex.pending and d.id not in ex.decisions_made
        ]
        return sorted(out)

    def _truth(self, snap) -> TruthView:
        ex = self.ex
        stages = tuple((s.id, s.technique, snap.truth.stages.get(s.id, "not-done")) for s in ex.scenario.threat.stages)
        flags = tuple(sorted(k for k, v in ex.flags.items() if v))
        return TruthView(
            ex.scenario.threat.actor.name,
            tuple(self.name(a) for a in snap.truth.footholds),
            stages,
            tuple(self._upcoming()[:8]),
            flags + (("domain-admin",) if snap.truth.domain_admin else ()) + (("evicted",) if snap.truth.evicted else ()),
        )

    # -- the feed ----------------------------------------------------------------------------

    def _line(self, record: dict) -> FeedLine:
        return FeedLine(
            float(record.get("t", 0.0)), str(record.get("kind")), tuple(sorted((k, _frozen(v)) for k, v in record.items())),
            bool(record.get("truth")), self.describe(record),
        )

    def describe(self, record: dict) -> str:
        """One feed line for an event record, in the UI language, with names instead of ids."""
        lang = self.lang
        fields = {}
        for key, value in record.items():
            if isinstance(value, list):
                fields[key] = ", ".join(self.name(str(v)) for v in value)
            elif key in ("asset", "node", "function") and isinstance(value, str):
                fields[key] = self.name(value)
            elif key in ("state", "level") and isinstance(value, str):
                fields[key] = _local("tui.state." + value, lang, value)
            elif key == "deadline" and isinstance(value, (int, float)):
                fields[key] = format_offset(value)
            elif key == "clock" and isinstance(value, str):
                fields[key] = _local("tui.regclock." + value, lang, value)
            elif key == "channel" and isinstance(value, str):
                fields[key] = _local("tui.channel." + value, lang, value)
            elif key == "fact" and isinstance(value, str):
                fields[key] = _local("tui.fact." + value, lang, value)
            elif key == "sender" and isinstance(value, str):
                fields[key] = self.persona(value)
            elif key in ("source", "by") and isinstance(value, str):
                fields[key] = _local("tui.role." + value, lang, value)
            elif key == "inject" and isinstance(value, str) and value in self.ex.injects:
                inj = self.ex.injects[value]
                fields[key] = _short((inj.title or inj.text).get(lang))
            elif key == "decision" and isinstance(value, str) and value in self.ex.decisions:
                fields[key] = _short(self.ex.decisions[value].prompt.get(lang))
            else:
                fields[key] = value
        key = "tui.feed." + str(record.get("kind"))
        if not _has(key):
            return str(record.get("kind"))
        try:
            return tr(key, lang, **fields)
        except (KeyError, IndexError, ValueError):
            return str(record.get("kind"))

    def debrief(self) -> Debrief:
        ex = self.ex
        results = ex.objective_results if ex.objective_results is not None else ex.rate_objectives()
        tasks = self.tasks()
        objectives = []
        for obj, res in zip(ex.scenario.objectives, results):
            obj_tasks = tuple(
                TaskView(tv.objective, tv.objective_text, tv.task, tv.text,
                         next((x["rating"] or "" for x in res["tasks"] if x["id"] == tv.task), tv.rating), tv.auto)
                for tv in tasks if tv.objective == obj.id
            )
            objectives.append((obj.id, obj.text.get(self.lang), res["rating"] or "", obj_tasks))
        timeline = tuple(self._line(r) for r in self._timeline if r.get("kind") not in QUIET_KINDS)
        return Debrief(
            t=ex.now,
            end_reason=self._end_reason(),
            kpis=tuple(
                (key, {self.name(k): v for k, v in value.items()} if isinstance(value, dict) else value)
                for key, value in ex.kpis().items()
            ),
            objectives=tuple(objectives),
            clocks=self.situation.clocks,
            timeline=timeline,
            log_path=str(self.rec.log_path),
            head_hash=self.rec.head_hash,
            sealed=self.rec.sealed,
        )


def _frozen(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    return value


def _short(text: str, width: int = 48) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _local(key: str, lang: str, fallback: str) -> str:
    return tr(key, lang) if _has(key) else fallback


def _has(key: str) -> bool:
    return _i18n_has(key, "en")


# ====================================================================== replay (read-only)


class _Replayed:
    """What `ExerciseBridge` needs from a recorded exercise, for a journal read back: no writing."""

    resumed_from = None

    def __init__(self, exercise, journal) -> None:
        self.exercise = exercise
        self.log_path = journal.path
        self.head_hash = journal.head or ""
        self.sealed = journal.sealed

    def advance(self, until: float) -> int:
        return advance_exact(self.exercise, until)


class JournalReplay:
    """The situation at any moment of a recorded exercise: its commands fed back up to that time.

    Going back rebuilds the run from T-start (the engine only runs forward).
    """

    def __init__(self, path: str | os.PathLike, lang: str) -> None:
        self.journal = load_journal(path)
        self.inputs = locate_inputs(self.journal.header, path)
        self.lang = lang
        self.end = float(self.journal.last_t)
        marks = {0.0, self.end}
        for _line, rec in self.journal.body:
            t = float(rec["t"])
            data = rec["data"]
            if t >= 0 and (rec["type"] == "command" or (not data.get("truth") and data.get("kind") not in QUIET_KINDS)):
                marks.add(t)
        self.marks = sorted(m for m in marks if 0 <= m <= self.end)
        self.bridge: ExerciseBridge | None = None
        self._replayer: Replayer | None = None
        self.t = -1.0
        self.seek(0.0)

    @property
    def title(self) -> str:
        return self.inputs.scenario.title.get(self.lang)

    def _fresh(self) -> None:
        ex = build_exercise(self.inputs, self.journal)
        self._replayer = Replayer(ex, self.journal, check=False)
        self.bridge = ExerciseBridge(_Replayed(ex, self.journal), self.lang, "facilitator")  # type: ignore[arg-type]

    def seek(self, t: float) -> Situation:
        t = max(0.0, min(self.end, float(t)))
        if self.bridge is None or t < self.t:
            self._fresh()
        assert self.bridge is not None and self._replayer is not None
        self._replayer.run_commands(before=t + 1e-9)
        advance_exact(self.bridge.ex, t)
        self.t = t
        bridge = self.bridge
        bridge.acked = {
            rec["data"]["key"] for _line, rec in self.journal.commands()
            if rec["data"].get("kind") == UI_KIND and rec["data"].get("ui") == "ack" and float(rec["t"]) <= t
            and isinstance(rec["data"].get("key"), int)
        }
        bridge.closed = t >= self.end and self.journal.sealed and not bridge.ex.ended
        return bridge.publish()

    def next_mark(self, direction: int) -> Situation:
        if direction > 0:
            later = [m for m in self.marks if m > self.t + 1e-9]
            return self.seek(later[0] if later else self.end)
        earlier = [m for m in self.marks if m < self.t - 1e-9]
        return self.seek(earlier[-1] if earlier else 0.0)

    def set_language(self, lang: str) -> None:
        self.lang = lang
        if self.bridge is not None:
            self.bridge.set_language(lang)


# ====================================================================== interrupted exercises

JOURNAL_SUFFIX = ".jsonl"


@dataclass(frozen=True)
class JournalEntry:
    path: Path
    scenario_id: str
    scenario_file: str
    seed: int
    language: str
    role: str
    last_t: float
    modified: dt.datetime


def _last_line(path: Path) -> bytes:
    with open(path, "rb") as fh:
        fh.seek(0, os.SEEK_END)
        size = fh.tell()
        fh.seek(max(0, size - 65536))
        tail = fh.read()
    lines = [ln for ln in tail.split(b"\n") if ln.strip()]
    return lines[-1] if lines else b""


def read_journal_entry(path: Path) -> JournalEntry | None:
    """An unsealed journal (an interrupted exercise), or None when sealed or unreadable."""
    try:
        header = read_header(path)
        last = json.loads(_last_line(path))
    except (InputError, OSError, ValueError):
        return None
    if not isinstance(last, dict) or last.get("type") == "seal":
        return None
    data = header["data"]
    participants = data.get("participants") or [{}]
    config = data.get("config") or {}
    return JournalEntry(
        path=path,
        scenario_id=str((data.get("scenario") or {}).get("id") or ""),
        scenario_file=str((data.get("scenario") or {}).get("file") or ""),
        seed=int(data.get("seed", 0)),
        language=str(data.get("language", "")),
        role=str(config.get("role") or participants[0].get("role") or ""),
        last_t=float(last.get("t", 0.0)),
        modified=dt.datetime.fromtimestamp(path.stat().st_mtime),
    )


def list_interrupted(folder: Path) -> list[JournalEntry]:
    """Unsealed journals in `folder`, most recent first."""
    if not folder.is_dir():
        return []
    found = [read_journal_entry(p) for p in folder.glob("*" + JOURNAL_SUFFIX)]
    return sorted((j for j in found if j is not None), key=lambda j: j.modified, reverse=True)
