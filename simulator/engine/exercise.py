"""The exercise: a stepped, command-driven, deterministic SimPy simulation of one scenario.

    ex = Exercise(scenario, network, seed=7)
    ex.subscribe(print)
    ex.advance(60)                       # every event with time <= T+1h
    ex.submit(parse_command("notify cert-sante"))
    snap = ex.snapshot()

Sim time is minutes from T+0 (the attacker may act before, from its initial
access). The caller advances time; nothing runs on its own. Given the same
scenario, network, seed and commands at the same times, the run is identical
event for event.
"""

from __future__ import annotations

import collections
from typing import Any, Callable

import simpy

from simulator.engine import events as ev
from simulator.engine.attacker import Attacker
from simulator.engine.calendar import Calendar
from simulator.engine.clinical import ClinicalFlow
from simulator.engine.commands import Act, Command, Decide, Extend, FireInject, NextModule, NoteCmd, Rate, parse_command
from simulator.engine.detection import Detection
from simulator.engine.evaluate import Evaluator
from simulator.engine.jobs import TechnicianJobs
from simulator.engine.scripted import ScriptedFlow
from simulator.engine.shared import SharedByIdentity
from simulator.engine.records import ActionRecord, ClockState, InboxItem, Job, PendingDecision, Result, RuleState
from simulator.engine.response import Refused, Response
from simulator.engine.rng import Streams
from simulator.engine.outcomes import clinical_kpis
from simulator.engine.watcher import Watcher
from simulator.hospital.graph import DOWN, HospitalModel
from simulator.hospital.state import HospitalState
from simulator.model.attack import technique as attack_technique
from simulator.model.actions import ActionCatalogue, default_catalogue, merged
from simulator.model.jurisdiction import of_scenario
from simulator.model.command_text import CommandSyntaxError
from simulator.model.network import AssetKind, NetworkBody
from simulator.model.overrides import apply_overrides
from simulator.model.policy import PolicyBody
from simulator.model.scenario import ScenarioBody
from simulator.model.targets import NetworkIndex

RATING_ORDER = {"P": 0, "S": 1, "M": 2, "U": 3}
_INF = float("inf")
# alerts on these stage effects tell defenders someone is inside (a denial of service or a defacement does not)
INTRUSION_EFFECTS = frozenset({
    "initial-access", "discovery", "credentials", "privilege", "persistence", "lateral", "evasion", "collection",
    "exfiltration", "encryption", "backup-destruction", "destruction",
})


_BUILT = SharedByIdentity(8)  # (network, scenario, overrides applied) -> (net, model, index)


def _built(network: NetworkBody, scenario: ScenarioBody, overrides_applied: bool) -> tuple[NetworkBody, HospitalModel, NetworkIndex]:
    """The overridden network, its graph and id index, shared by runs of the same inputs (all immutable)."""
    hit = _BUILT.get(network, scenario, overrides_applied)
    if hit is not None:
        return hit
    net = network if overrides_applied else apply_overrides(network, scenario.overrides)
    return _BUILT.put((net, HospitalModel.build(net), NetworkIndex(net)), network, scenario, overrides_applied)


_CATALOGUES = SharedByIdentity(8)  # (scenario, base catalogue) -> (catalogue, commands parsed per index)


def _catalogue(scenario: ScenarioBody, base: ActionCatalogue, jurisdiction) -> tuple[ActionCatalogue, SharedByIdentity]:
    """The scenario's catalogue (jurisdiction's wording, scenario's overrides) and the commands
    parsed against it, per network index, shared by runs of the same inputs (catalogues and
    commands are immutable)."""
    hit = _CATALOGUES.get(scenario, base)
    if hit is not None:
        return hit
    catalogue = merged(jurisdiction.catalogue(base), scenario.actions)
    return _CATALOGUES.put((catalogue, SharedByIdentity(8)), scenario, base)


def _outage_technique(tid: str) -> bool:
    """A way in that is itself an outage (a network flood: T1498): no one is inside."""
    t = attack_technique(tid)
    return t is not None and t.effect in ("service-stop", "defacement", "none")


class SimEnv(simpy.Environment):
    """A SimPy environment whose clock can be moved to a time before the next queued event."""

    def jump_to(self, t: float) -> None:
        """Set the clock to exactly `t`: a timeout of `t - now` can land one ulp short."""
        if not self._now <= t <= self.peek():
            raise ValueError(f"cannot move the clock from {self._now} to {t} (next event at {self.peek()})")
        self._now = t


class Exercise(TechnicianJobs, ScriptedFlow):
    def __init__(
        self,
        scenario: ScenarioBody,
        network: NetworkBody,
        seed: int = 0,
        *,
        catalogue: ActionCatalogue | None = None,
        policy: PolicyBody | None = None,
        overrides_applied: bool = False,
    ):
        self.scenario = scenario
        self.seed = int(seed)
        net, self.model, self.index = _built(network, scenario, overrides_applied)
        self.network = net
        self.state = HospitalState(self.model)
        order = self.model._caches.get("asset_order")
        if order is None:
            order = self.model._caches["asset_order"] = {a: i for i, a in enumerate(self.model.assets)}
        self.asset_order = order  # read-only, shared by the runs on this model
        base = catalogue or default_catalogue()
        self.jurisdiction = of_scenario(scenario)  # authorities, clocks and currency of where the hospital is
        self.catalogue, parsed = _catalogue(scenario, base, self.jurisdiction)
        per_index = parsed.get(self.index)
        if per_index is None:
            per_index = parsed.put({}, self.index)
        self._parsed: dict[str, Command] = per_index  # command text -> command, for this catalogue and index
        self.actions = self.catalogue.actions
        self.params: dict[str, float] = {**base.engine, **scenario.engine}
        self.calendar = Calendar(scenario.start)
        self.streams = Streams(self.seed)
        self.t_min = float(min(0, scenario.threat.initial_access.at)) if scenario.threat is not None else 0.0
        self.env = SimEnv(initial_time=self.t_min)
        self.duration = float(scenario.duration)
        self.events_processed = 0

        self._subscribers: list[Callable[[ev.Event], None]] = []
        self.version = 0
        self._advancing = False  # inside advance(): the watcher runs after each step, not per command
        self.recent: collections.deque = collections.deque(maxlen=60)
        self.inbox: list[InboxItem] = []
        self.level_since: dict[str, float] = {}
        self.notup_since: dict[str, float] = {}  # down or degraded without a break
        self._down_since: dict[str, float] = {}
        self.downtime: dict[str, float] = {}
        self.asset_since: dict[str, float] = {}
        self.facts: dict[str, float] = {}
        self.flags: dict[str, bool] = {}
        self.fired: dict[str, float] = {}
        self.pending: dict[str, PendingDecision] = {}
        self.decisions_made: dict[str, tuple[str, float, str]] = {}
        self.actions_taken: dict[str, list[ActionRecord]] = {}
        self.jobs: list[Job] = []
        self.detected: set[str] = set()
        self.first_detected_asset: str | None = None
        self.notifications: dict[str, list[float]] = {}
        self.ratings: dict[tuple[str, str], str] = {}
        self.objective_results: list[dict] | None = None
        self.clocks: dict[str, ClockState] = {
            c.id: ClockState(c.id, c.authority, c.nth, c.basis.get("en")) for c in self.jurisdiction.clocks
        }
        self.destroyed_backups: dict[str, float] = {}
        self.stopped_by_attacker: set[str] = set()
        self.encrypted_ever: set[str] = set()
        self.encrypted_now: set[str] = set()
        self.records_exfiltrated = 0
        self.eradicated = False
        self.eradicating = False
        self.decryptor = False
        self.ransom_pending = False
        self.divert_pending = False
        self.remote_access_disabled = False
        self.support_requested: set[str] = set()
        self.support_arrived: set[str] = set()
        self.isolated_by_zone: dict[str, bool] = {}
        self.remote_assets = [a for a, spec in self.model.assets.items() if spec.kind == AssetKind.remote_access]
        self.ended = False
        self.end_time: float | None = None
        self.recovered_at: float | None = None
        self.recovery_guard_reached = False  # set by a headless run stopped at recovery_max_days
        self._halt = False
        self.halt_on_recovery = False
        self.halt_on_end = False
        self.series: list[tuple] = []
        self._next_job = 1

        self.injects = {i.id: i for i in scenario.all_injects}  # modules' too (their `at` on the planned schedule)
        self.decisions = {d.id: d for d in scenario.all_decisions}
        self.recovery_services = tuple(
            scenario.end.recovery_services
            or [s for s, spec in self.model.services.items() if spec.restore_priority <= self.params["recovery_priority_max"]]
        )
        self._recovery_set = frozenset(self.recovery_services)
        self._recovery_down: set[str] = set()
        self._recovery_impacted = False

        self.evaluate = Evaluator(self)
        self.response = Response(self)
        from simulator.engine.recovery import ItRecovery

        self.recovery = ItRecovery(self)
        self._tick_minutes = float(self.params["clinical_tick_minutes"])
        self.clinical_tick = self._tick_minutes
        self.clinical = ClinicalFlow(net.clinical_functions, self.calendar, self.params, self.streams, self._tick_minutes)
        from simulator.engine.region import RegionFlow

        self.region = RegionFlow(self)
        self.service_levels: list[tuple] = []  # per KPI sample: each service's level (0 up, 1 degraded, 2 down)
        self._levels_changed = True
        self._service_row: tuple = ()
        self._down_counts = (0, 0)
        self.attacker = Attacker(self)
        self.detection = Detection(self)
        policy = self.policy = self.jurisdiction.policy(policy)  # built-in policies notify this jurisdiction's authorities
        self.rule_states = {r.id: RuleState() for r in policy.rules} if policy else {}
        self._rules_pending = list(policy.rules) if policy else []
        from simulator.engine.staff import Technicians

        staff = net.it_staff
        if staff is not None:
            max_support = len(self.actions["request-support"].choices) * int(self.actions["request-support"].params.get("technicians", 0))
            self.staff: Technicians | None = Technicians(self.env, staff, self.calendar, self.params, max_support)
        else:
            self.staff = None

        env = self.env
        if scenario.threat is not None:  # a discussion-only exercise has no attacker process
            env.process(self.attacker.run())
        env.process(self.detection.noise())
        env.process(self._clinical_process())
        if self.staff is not None:
            env.process(self._shift_process())
        for inj in scenario.injects:
            if inj.at is not None:
                self.at(float(inj.at), lambda i=inj: self.fire_inject(i.id, "time"))
        for d in scenario.decisions:
            if d.at is not None:
                self.at(float(d.at), lambda d=d: self.present_decision(d.id))
        self.watcher = Watcher(self)
        for inj in scenario.injects:
            if inj.when is not None:
                self.watcher.add(inj.when, "inject", inj)
        for d in scenario.decisions:
            if d.when is not None:
                self.watcher.add(d.when, "decision", d)
        if scenario.end.when is not None:
            self.watcher.add(scenario.end.when, "end", None)
        for rule in policy.rules if policy else ():
            self.watcher.add(rule.on, "rule", rule)
        from simulator.engine.modules import Programme

        self.programme = Programme(self)  # modules and relative timing
        self.end_event = env.event()
        self.at(self.duration, lambda: self.end("duration"))

    # ================================================================ driving

    @property
    def now(self) -> float:
        return self.env.now

    def subscribe(self, callback: Callable[[ev.Event], None]) -> None:
        """Receive every event (subscribers never mutate the engine)."""
        self._subscribers.append(callback)

    def advance(self, until: float) -> int:
        """Process every event with time <= until; the clock then reads exactly `until`.

        Stops early, the clock at that time, when the run halts: at recovery
        (`halt_on_recovery`) or at the end of the exercise (`halt_on_end`, once the
        events of that same minute have run). Returns events processed.
        """
        env = self.env
        peek, step = env.peek, env.step
        watcher = self.watcher
        dirty, watch = watcher.dirty, watcher.run
        n = 0
        until = float(until)
        if until != until or until == float("inf"):
            raise ValueError("advance() needs a finite sim time: the clinical and shift processes never run dry")
        self._advancing = True
        try:
            if dirty and env.now >= 0:
                watch()
            while not self._halt and peek() <= until:
                step()
                n += 1
                if dirty:
                    watch()
            if self._halt:
                if self.ended and self.halt_on_end:
                    now = env.now
                    while peek() <= now:  # the rest of the end's minute
                        step()
                        n += 1
                        if dirty:
                            watch()
            elif env.now < until:
                env.jump_to(until)  # nothing is queued in between: a later command applies at `until` exactly
                if dirty:
                    watch()
        finally:
            self._advancing = False
        self.events_processed += n
        return n

    def stop_at(self, *, end: bool = False, recovery: bool = False) -> None:
        """Where headless runs stop: at the end of the exercise (`end.when` or the window) and/or at recovery."""
        self.halt_on_end = end
        self.halt_on_recovery = recovery
        self._halt = (end and self.ended) or (recovery and self.recovered_at is not None)

    def run_to_end(self) -> None:
        self.advance(self.duration)

    def at(self, t: float, fn: Callable[[], Any]) -> None:
        """Call fn at sim time t (now if t is past): one cheap timeout with a callback."""
        delay = t - self.env.now
        e = self.env.timeout(delay if delay > 0 else 0)
        e.callbacks.append(lambda _e: fn())

    def emit(self, event: ev.Event) -> None:
        self.version += 1  # every change of state goes through an event: conditions re-check only then
        self.watcher.notice(event)
        self.recent.append(event)
        for cb in self._subscribers:
            cb(event)

    # ================================================================ commands

    def submit(self, command: Command | str, source: str = "cell") -> Result:
        """Apply a command at the current sim time: accepted, or refused with a reason (never raises)."""
        if isinstance(command, str):
            parsed = self._parsed.get(command)  # policies and plans repeat the same texts, run after run
            if parsed is None:
                try:
                    parsed = parse_command(command, self.index, self.catalogue)
                except CommandSyntaxError as exc:
                    return self._refuse(command, source, str(exc), exc.code, exc.params)
                if len(self._parsed) >= 4096:  # shared by the runs of a process: texts typed in a room add up
                    self._parsed.clear()
                self._parsed[command] = parsed
            command = parsed
        text = command.text()
        if self.now < 0:
            return self._refuse(text, source, "the exercise starts at T+0", "before-start")
        try:
            if isinstance(command, Act):
                result = self._act(command, source)
            elif isinstance(command, Decide):
                result = self._decide(command.decision, command.option, source)
            elif isinstance(command, Extend):
                result = self._extend(command.decision, command.minutes, source)
            elif isinstance(command, FireInject):
                self._check_inject(command.inject)
                self.fire_inject(command.inject, source)
                result = Result(True, text)
            elif isinstance(command, NextModule):
                result = Result(True, text, detail=self.programme.move(command.module, source))
            elif isinstance(command, Rate):
                result = self._rate(command)
            elif isinstance(command, NoteCmd):
                self.emit(ev.Note(self.now, command.text_))
                result = Result(True, text)
            else:
                raise Refused("unknown-command", "unknown command")
        except Refused as exc:
            return self._refuse(text, source, str(exc), exc.code, exc.params)
        self.emit(ev.CommandAccepted(self.now, text, source, result.detail))
        if self.programme.jump_until is not None:  # a module opened from the room: simulate its time jump now
            until, self.programme.jump_until = self.programme.jump_until, None
            self.advance(until)
        if not self._advancing:
            self.watcher.run()  # typed from outside a step: its consequences now, not at the next step
        return result

    def _check_inject(self, iid: str) -> None:
        if iid not in self.injects:
            raise Refused("unknown-inject", f"unknown inject '{iid}'", inject=iid)
        if iid in self.fired:
            raise Refused("inject-delivered", f"inject '{iid}' was already delivered", inject=iid)

    def would_refuse(self, command: Command | str, source: str = "cell") -> tuple[str, dict[str, Any]] | None:
        """(code, params) of the refusal `command` would meet if given now, else None.

        The same checks as `submit`, run without changing anything nor drawing from any
        random stream (a run that asks at every step is byte-identical to one that does not)."""
        if isinstance(command, str):
            try:
                command = parse_command(command, self.index, self.catalogue)
            except CommandSyntaxError as exc:
                return exc.code, dict(exc.params)
        if self.now < 0:
            return "before-start", {}
        try:
            if isinstance(command, Act):
                self._plan_act(command, source, dry="mean")
            elif isinstance(command, Decide):
                self._check_decide(command.decision, command.option)
            elif isinstance(command, Extend):
                self._check_extend(command.decision, command.minutes)
            elif isinstance(command, FireInject):
                self._check_inject(command.inject)
            elif isinstance(command, NextModule):
                self.programme.check(command.module)
            elif isinstance(command, Rate):
                self._check_rate(command)
            elif not isinstance(command, NoteCmd):
                raise Refused("unknown-command", "unknown command")
        except Refused as exc:
            return exc.code, dict(exc.params)
        return None

    def estimate(self, command: Act | str, source: str = "cell"):
        """How long an action would take if given now, from the engine's own plan of it
        (simulator/engine/estimate.py): never changes the run nor draws from it."""
        from simulator.engine.estimate import estimate

        return estimate(self, command, source)

    def _refuse(self, text: str, source: str, reason: str, code: str, params: dict[str, Any] | None = None) -> Result:
        params = dict(params or {})
        self.emit(ev.CommandRefused(self.now, text, source, reason, code, params))
        return Result(False, text, reason=reason, code=code, params=params)

    def refuse(self, text: str, source: str, reason: str, code: str, params: dict[str, Any] | None = None) -> Result:
        """Refuse a command as given, without reading it (a journal replays a refusal an
        older version gave to text it now reads: simulator/journal/commands.py)."""
        return self._refuse(text, source, reason, code, params)

    def _rate(self, cmd: Rate) -> Result:
        self._check_rate(cmd)
        self.ratings[(cmd.objective, cmd.task)] = cmd.rating
        self.emit(ev.Rated(self.now, cmd.objective, cmd.task, cmd.rating))
        return Result(True, cmd.text())

    def _check_rate(self, cmd: Rate) -> None:
        for obj in self.scenario.objectives:
            if obj.id == cmd.objective:
                for t in obj.critical_tasks:
                    if t.id == cmd.task:
                        if t.rate != "evaluator":
                            raise Refused("task-automatic", f"task '{cmd.task}' is checked automatically", objective=cmd.objective, task=cmd.task)
                        return
                raise Refused("unknown-task", f"objective '{cmd.objective}' has no task '{cmd.task}'", objective=cmd.objective, task=cmd.task)
        raise Refused("unknown-objective", f"unknown objective '{cmd.objective}'", objective=cmd.objective)

    @property
    def lang(self) -> str:
        return self.scenario.languages[0]

    # ================================================================ state changes (called by processes and actions)

    def apply(self, changes) -> None:
        """Record availability changes: since-times, downtime, events, awareness from symptoms."""
        if not changes:
            return
        self._levels_changed = True
        now = self.now
        kinds = self.model.dep_graph.nodes
        recovery = self._recovery_set
        for node, level in changes.items():
            self.level_since[node] = now
            if level == "up":
                self.notup_since.pop(node, None)
            else:
                self.notup_since.setdefault(node, now)
            if node in recovery:
                if level == "up":
                    self._recovery_down.discard(node)
                    if not self._recovery_down:
                        self.at(now, self.check_recovery)  # once this batch of changes is recorded
                else:
                    self._recovery_down.add(node)
                    self._recovery_impacted = True
                    self.recovered_at = None
            if level == "down":
                self._down_since.setdefault(node, now)
            elif node in self._down_since:
                start = self._down_since.pop(node)
                self.downtime[node] = self.downtime.get(node, 0.0) + max(0.0, now - max(start, 0.0))
            self.emit(ev.AvailabilityChanged(now, node, kinds[node]["type"], level))

    def asset_changed(self, asset: str, cause: str) -> None:
        self.asset_since[asset] = self.now
        self.emit(ev.AssetChanged(self.now, asset, self.state.display_state(asset).value, cause))

    def asset_state_names(self, asset: str) -> set[str]:
        s = self.state.status(asset)
        names = {x.value for x in s.states()}
        if asset in self.destroyed_backups:
            names.add("destroyed")
        if any(j.asset == asset and j.finished_at is not None and j.action in ("restore", "rebuild") for j in self.jobs):
            names.add("restored")
        return names

    def compromise(self, asset: str) -> None:
        self.apply(self.state.compromise(asset))
        self.asset_since[asset] = self.now

    def encrypt(self, asset: str, cause: str) -> None:
        st = self.state.status(asset)
        if st.encrypted >= st.count:
            return
        if "awareness" in self.facts:
            self._known_intrusion()  # before the events below
        self.encrypted_ever.add(asset)
        self.encrypted_now.add(asset)
        self.apply(self.state.encrypt(asset))
        self.asset_changed(asset, cause)
        if "encryption" not in self.facts:
            self.set_fact("encryption")
            self.at(max(self.now, 0.0) + self.params["symptom_notice_minutes"], lambda: self.aware("symptoms"))
        if self.model.assets[asset].records:
            self._maybe_breach()

    def stop_asset(self, asset: str) -> None:
        self.stopped_by_attacker.add(asset)
        self.apply(self.state.set_offline(asset, True))
        self.asset_changed(asset, "service-stop")
        self.at(max(self.now, 0.0) + self.params["symptom_notice_minutes"], lambda: self.aware("symptoms"))

    def destroy_backup(self, b: str) -> None:
        if b in self.destroyed_backups:
            return
        self.destroyed_backups[b] = self.now
        self.encrypted_ever.add(b)
        self.encrypted_now.add(b)
        self.apply(self.state.encrypt(b))
        self.asset_changed(b, "backup-destruction")

    def exfiltrate(self, assets: list[str]) -> None:
        n = sum(self.model.assets[a].records for a in assets)
        if n <= 0:
            return
        self.records_exfiltrated += n
        if "awareness" in self.facts:
            self._known_intrusion()
        self.set_fact("exfiltration", f"{n} records")
        self._maybe_breach()

    def ransom_note(self) -> None:
        self.flags["ransom-note"] = True
        self.at(max(self.now, 0.0), lambda: self.aware("ransom note"))

    def set_fact(self, fact: str, detail: str = "") -> None:
        if fact not in self.facts:
            self.facts[fact] = self.now
            self.emit(ev.Fact(self.now, fact, detail))

    def _known_intrusion(self) -> None:
        """Defenders know someone is inside. A derived fact, recorded without an event of its own:
        the alert, awareness or impact that reveals it is emitted right after (conditions re-check then)."""
        self.facts.setdefault("intrusion", self.now)

    def aware(self, how: str) -> None:
        if "awareness" in self.facts:
            return
        if "encryption" in self.facts or "exfiltration" in self.facts:
            self._known_intrusion()
        self.set_fact("awareness", how)
        self.clinical.public = True
        self.recovery.on_awareness()
        for c in self.jurisdiction.clocks:
            if c.starts_on == "awareness":
                self._start_clock(c.id)
        self._maybe_breach()

    def told(self, fact: str, source: str) -> None:
        """What an inject or an option tells the hospital (a discussion-only exercise has no attack
        to reveal it): `awareness` (an attack is under way) or `personal-data-breach` (known; implies awareness)."""
        self.aware(source)
        if fact == "personal-data-breach" and "personal-data-breach" not in self.facts:
            self.set_fact("personal-data-breach", source)
            for c in self.jurisdiction.clocks:
                if c.starts_on == "personal-data-breach":
                    self._start_clock(c.id)

    def _maybe_breach(self) -> None:
        if "awareness" not in self.facts or "personal-data-breach" in self.facts:
            return
        if self.records_exfiltrated or any(self.model.assets[a].records for a in self.encrypted_ever):
            self.set_fact("personal-data-breach")
            for c in self.jurisdiction.clocks:
                if c.starts_on == "personal-data-breach":
                    self._start_clock(c.id)

    def _start_clock(self, cid: str) -> None:
        clock = self.clocks[cid]
        if clock.started is not None:
            return
        clock.started = self.now
        clock.deadline = self.now + self.jurisdiction.clock(cid).minutes(self.params)
        self.emit(ev.ClockStarted(self.now, cid, clock.deadline))
        if clock.met_at is not None:
            self.emit(ev.ClockMet(self.now, cid))
            return
        self.at(clock.deadline, lambda: self._clock_due(cid))

    def _clock_due(self, cid: str) -> None:
        clock = self.clocks[cid]
        if clock.met_at is None and clock.missed_at is None:
            clock.missed_at = self.now
            self.emit(ev.ClockMissed(self.now, cid))

    def notified(self, authority: str) -> None:
        times = self.notifications.setdefault(authority, [])
        times.append(self.now)
        for clock in self.clocks.values():
            if clock.authority == authority and clock.met_at is None and len(times) >= clock.nth:
                clock.met_at = self.now
                if clock.started is not None:
                    self.emit(ev.ClockMet(self.now, clock.id))

    def alert_noticed(self, alert: str, stage: str, technique: str, asset: str, effect: str = "") -> None:
        self.detected.update((stage, technique))
        if effect in INTRUSION_EFFECTS and not (effect == "initial-access" and _outage_technique(technique)):
            self._known_intrusion()
        if self.first_detected_asset is None and asset:
            self.first_detected_asset = asset
        if asset:
            self.apply(self.state.mark_suspicious(asset))
        if "detection" not in self.facts:
            self.set_fact("detection", technique)
        self.inbox.append(InboxItem(self.now, "alert", alert, "siem-alert", "SOC", ("security", "it"), technique, asset))
        self.emit(ev.AlertNoticed(self.now, alert, technique, asset))
        self.aware("alert")

    def false_alert(self, alert: str, asset: str) -> None:
        self.inbox.append(InboxItem(self.now, "alert", alert, "siem-alert", "SOC", ("security", "it"), "suspicious activity", asset))
        self.emit(ev.AlertNoticed(self.now, alert, "unknown", asset, "false-positive"))

    def declare_crisis(self) -> None:
        self.set_fact("crisis-declared")
        self.aware("crisis declared")
        if self.staff is not None:
            delay = self.network.it_staff.recall_delay if self.network.it_staff else 0
            self.at(self.now + delay, self._recall)

    def _recall(self) -> None:
        if self.staff is None:
            return
        self.staff.recalled = True
        self.emit(ev.StaffChanged(self.now, self.staff.apply(self.now), "recall"))
        self.recovery.poke()

    def technicians_add(self, n: int, reason: str) -> None:
        if self.staff is None:
            return
        self.staff.support += n
        self.emit(ev.StaffChanged(self.now, self.staff.apply(self.now), reason))
        self.recovery.poke()

    def check_recovery(self) -> None:
        """Recovered: every recovery service is up again after at least one went down."""
        if self.recovered_at is not None or not self._recovery_impacted or self._recovery_down:
            return
        self.recovered_at = self.now
        self.emit(ev.Recovered(self.now, self.recovery_services))
        if self.halt_on_recovery:
            self._halt = True

    def recovery_pending(self) -> bool:
        """Whether `--until recovery` must go on: services hit and not all back yet."""
        return bool(self._recovery_down) or (self._recovery_impacted and self.recovered_at is None)

    def end(self, reason: str) -> None:
        if self.ended:
            return
        self.ended = True
        self.end_time = self.now
        self.objective_results = self.rate_objectives()
        self.set_fact("exercise-end", reason)
        self.emit(ev.ExerciseEnded(self.now, reason))
        if not self.end_event.triggered:
            self.end_event.succeed()
        if self.halt_on_end:
            self._halt = True

    # ================================================================ processes

    def _clinical_process(self):
        """Hourly clinical ticks from T+0, with the KPI row sampled before each (the state at that time)."""
        env = self.env
        if env.now < 0:
            yield env.timeout(-env.now)
        dt = self._tick_minutes
        level = self.state._level
        flow = self.clinical
        touch = self.watcher.touch
        every = max(float(self.params["kpi_sample_minutes"]), dt)
        next_sample = env.now
        while True:
            now = env.now
            if now >= next_sample - 1e-9:
                if flow.record_series:  # batch runs keep no series (simulator/batch/worker.py)
                    self.series.append(self.kpi_sample())
                next_sample += every
            flow.tick(now, dt, level)  # read-only: the functions' levels as the state keeps them
            if flow.divert_lifted:
                for _t in flow.divert_lifted:
                    self.emit(ev.ClinicalChanged(now, flow.ed_id or "", "divert-off:samu"))
                flow.divert_lifted.clear()
            if flow.aid_requests:
                for _t, fid, by in flow.aid_requests:
                    self.emit(ev.ClinicalChanged(now, fid, f"mutual-aid:{by}"))
                flow.aid_requests.clear()
            touch("clinical-tick")
            yield env.timeout(dt)

    def kpi_sample(self) -> tuple:
        if self._levels_changed:  # services' and functions' levels only change through apply()
            self._levels_changed = False
            level = self.state._level
            self._service_row = tuple(level.get(s, 0) for s in self.model.services)
            self._down_counts = (
                sum(1 for x in self._service_row if x == DOWN),
                sum(1 for f in self.model.functions if level.get(f, 0) == DOWN),
            )
        self.service_levels.append(self._service_row)
        waiting = diverted = cancelled = 0.0
        for fl in self.clinical.flow_list:
            waiting += fl.waiting
            diverted += fl.diverted
            cancelled += fl.cancelled
        return (
            round(self.now, 3),
            self._down_counts[0],
            self._down_counts[1],
            round(waiting, 3),
            round(diverted, 3),
            round(cancelled, 3),
            len(self.encrypted_now),
        )

    def _shift_process(self):
        env = self.env
        staff = self.staff
        assert staff is not None
        staff.apply(env.now)
        while True:
            nxt = staff.next_change(env.now)
            yield env.timeout(nxt - env.now)
            before = staff.on_duty
            after = staff.apply(env.now)
            if after != before:
                self.emit(ev.StaffChanged(env.now, after, "shift"))
                self.recovery.poke()

    # ================================================================ results

    def rate_objectives(self) -> list[dict]:
        out = []
        for obj in self.scenario.objectives:
            tasks = []
            for t in obj.critical_tasks:
                if t.check is not None:
                    rating = "P" if self.evaluate(t.check) else "U"
                else:
                    rating = self.ratings.get((obj.id, t.id))
                tasks.append({"id": t.id, "rating": rating, "auto": t.check is not None})
            rated = [x["rating"] for x in tasks if x["rating"] is not None]
            overall = max(rated, key=RATING_ORDER.__getitem__) if rated else None
            out.append({"id": obj.id, "rating": overall, "tasks": tasks})
        return out

    def downtime_minutes(self, node: str, upto: float | None = None) -> float:
        upto = self.now if upto is None else upto
        total = self.downtime.get(node, 0.0)
        start = self._down_since.get(node)
        if start is not None:
            total += max(0.0, upto - max(start, 0.0))
        return total

    def kpis(self) -> dict[str, Any]:
        flow = self.clinical
        services = {s: round(self.downtime_minutes(s), 1) for s in self.model.services}
        return {
            "ehr_downtime_minutes": services.get("ehr", 0.0),
            "service_downtime_minutes": {k: v for k, v in sorted(services.items()) if v > 0},
            "patients_diverted": round(flow.total("diverted"), 1),
            "procedures_cancelled": round(flow.total("cancelled"), 1),
            "patients_transferred": round(flow.total("transferred"), 1),
            "patients_avoided": round(flow.total("avoided"), 1),
            "patients_waiting": round(flow.total("waiting"), 1),
            "ed_volume_change_week1_pct": round(flow.ed_volume_change_pct(), 2),
            "lab_turnaround_change_pct": round(flow.lab_turnaround_change_pct(), 2),
            "assets_encrypted": len(self.encrypted_ever),
            "machines_encrypted": sum(self.model.assets[a].count for a in self.encrypted_ever),
            "records_exfiltrated": self.records_exfiltrated,
            "ransom_paid": "ransom-paid" in self.facts,
            **clinical_kpis(self),
        }

    def pending_decisions(self) -> tuple[PendingDecision, ...]:
        return tuple(sorted(self.pending.values(), key=lambda p: (p.deadline, p.id)))

    def snapshot(self):
        from simulator.engine.snapshot import build_snapshot

        return build_snapshot(self)
