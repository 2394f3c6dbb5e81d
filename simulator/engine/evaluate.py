"""Evaluation of the condition language against a running exercise (no eval, a dispatch table)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulator.engine.shared import SharedByIdentity
from simulator.model import conditions as c
from simulator.model.targets import resolve_target

if TYPE_CHECKING:
    from simulator.engine.exercise import Exercise

_LEVEL = {"up": 0, "degraded": 1, "down": 2}


def _is_timed_leaf(x: Any) -> bool:
    return isinstance(x, (c.TimeAfter, c.ClinicalThreshold)) or bool(getattr(x, "for_", None))


_TIMED_LEAVES = SharedByIdentity(4096)  # cond -> its timed predicates


def _timed_leaves(cond: Any) -> tuple:
    """The predicates of `cond` whose truth can change with time alone, without an engine event."""
    leaves = _TIMED_LEAVES.get(cond)
    if leaves is None:
        leaves = _TIMED_LEAVES.put(tuple(x for _p, x in c.walk(cond) if _is_timed_leaf(x)), cond)
    return leaves


def _timed(cond: Any) -> bool:
    """Whether a condition's truth can change with time alone, without an engine event."""
    return bool(_timed_leaves(cond))


def _state_match(level: int, wanted: str) -> bool:
    if wanted == "not-up":
        return level > 0
    return level == _LEVEL[wanted]


_ANY = None


def _keys_of(x: Any) -> tuple[tuple[str, Any], ...]:
    """(event kind, key) pairs after which predicate `x` may have changed (time aside: see
    wake_after); key None means any event of that kind. Conservative: a pair listed needlessly
    costs a re-check, a pair missing a wrong answer. An unknown predicate listens to everything."""
    if isinstance(x, (c.ServiceIs, c.FunctionIs)):
        return (("availability", x.service if isinstance(x, c.ServiceIs) else x.function),)
    if isinstance(x, c.AssetIs):
        # compromise changes no availability and emits nothing of its own: stage-done says it
        return (("asset-changed", x.asset), ("availability", x.asset), ("stage-done", _ANY), ("job-finished", _ANY))
    if isinstance(x, c.ClinicalThreshold):
        return (("clinical-tick", _ANY), ("availability", x.clinical), ("clinical", x.clinical))
    if isinstance(x, c.TimeAfter):
        return ()
    if isinstance(x, c.DecisionTaken):
        return (("decision-made", x.decision),)
    if isinstance(x, c.ActionDone):
        a = x.action
        return (
            ("command-accepted", a), ("job-started", a), ("job-finished", a), ("fact", _ANY),
            ("clock-started", _ANY), ("clock-met", _ANY), ("clock-missed", _ANY),
        )
    if isinstance(x, c.ClockIs):
        return (("clock-started", x.clock), ("clock-met", x.clock), ("clock-missed", x.clock))
    if isinstance(x, c.InjectFired):
        return (("inject", x.inject),)
    if isinstance(x, c.FlagIs):
        # some flags are set beside a fact, an inject or a decision, without an event of their own
        return (("flag", x.flag), ("fact", _ANY), ("inject", _ANY), ("decision-made", _ANY))
    if isinstance(x, c.StageIs):
        s = x.stage
        return (("stage-started", s), ("stage-done", s), ("stage-blocked", s), ("attacker-evicted", _ANY))
    if isinstance(x, c.Detected):
        return (("alert-noticed", _ANY),)
    if isinstance(x, c.FactIs):
        if x.fact == "intrusion":  # derived, recorded without an event: what reveals it is emitted right after
            return (("fact", _ANY), ("alert-noticed", _ANY), ("asset-changed", _ANY), ("stage-done", _ANY))
        return (("fact", x.fact),)
    if isinstance(x, c.InForce):
        return (("job-finished", _ANY), ("clinical", _ANY), ("asset-changed", _ANY))
    if isinstance(x, (c.AllOf, c.AnyOf, c.NotOf)):
        return ()
    return (("*", _ANY),)


_KEYS = SharedByIdentity(4096)  # cond -> its (event kind, key) pairs


def event_keys(cond: Any) -> tuple[tuple[str, Any], ...]:
    """Every (event kind, key) pair that may change `cond` (every predicate of its tree)."""
    hit = _KEYS.get(cond)
    if hit is not None:
        return hit
    keys: set[tuple[str, Any]] = set()
    for _path, x in c.walk(cond):
        keys.update(_keys_of(x))
    return _KEYS.put(tuple(sorted(keys, key=lambda k: (k[0], "" if k[1] is None else str(k[1])))), cond)


_GATES = SharedByIdentity(4096)  # cond -> ((leaf, how), ...), how: fact | test | time


def event_kinds(cond: Any) -> tuple[str, ...]:
    """The event kinds that may change `cond` (kept for callers that only need kinds)."""
    return tuple(sorted({k for k, _key in event_keys(cond)}))


class Evaluator:
    """Evaluates conditions for one exercise; remembers since when `for` predicates hold."""

    def __init__(self, ex: "Exercise"):
        self.ex = ex
        # keyed by id(); each entry keeps its condition alive so an id is never reused while cached
        self._since: dict[int, tuple[Any, float]] = {}
        self._targets: dict[int, tuple[Any, str | None]] = {}
        self._cache: dict[int, list] = {}
        self._table = {
            c.AllOf: self._all,
            c.AnyOf: self._any,
            c.NotOf: self._not,
            c.ServiceIs: self._node,
            c.FunctionIs: self._node,
            c.AssetIs: self._asset,
            c.ClinicalThreshold: self._clinical,
            c.TimeAfter: self._time,
            c.DecisionTaken: self._decision,
            c.ActionDone: self._action,
            c.ClockIs: self._clock,
            c.InjectFired: self._inject,
            c.FlagIs: self._flag,
            c.StageIs: self._stage,
            c.Detected: self._detected,
            c.FactIs: self._fact,
            c.InForce: self._in_force,
        }

    def __call__(self, cond: Any) -> bool:
        """Truth of `cond` now. Subtrees that do not depend on the passing of time are cached
        until the next engine event (every state change emits one), so periodic checks are cheap."""
        entry = self._cache.get(id(cond))
        if entry is None or entry[0] is not cond:
            entry = self._cache[id(cond)] = [cond, _timed(cond), -1, False, self._table[type(cond)]]
        if entry[1]:
            return entry[4](cond)
        version = self.ex.version
        if entry[2] != version:
            entry[3] = entry[4](cond)
            entry[2] = version
        return entry[3]

    def gates(self, cond: Any) -> tuple:
        """(leaf, test) pairs that must all hold for `cond` to hold, checked by the watcher first
        (see Exercise._due_and_holds): facts, decisions, injects, clocks and flags (only an engine
        event opens them; test: a function of the leaf) and times (`(minutes, None)`: open from
        then on), at the top of the condition or of its top-level `all`.

        Only the leading children of an `all` count, up to the first one that records since when
        it holds (`for` on a clinical or asset predicate): `_all` stops at the first false child,
        so checking these gates first skips exactly the evaluations `_all` would have skipped."""
        shape = _GATES.get(cond)
        if shape is None:
            tops = cond.all if isinstance(cond, c.AllOf) else [cond]
            shape = []
            for leaf in tops:
                if any(isinstance(x, (c.ClinicalThreshold, c.AssetIs)) and x.for_ for _p, x in c.walk(leaf)):
                    break
                if isinstance(leaf, c.FactIs) and leaf.within is None:
                    shape.append((leaf.fact, "fact"))
                elif isinstance(leaf, (c.DecisionTaken, c.InjectFired, c.ClockIs, c.FlagIs, c.FactIs)):
                    shape.append((leaf, "test"))
                elif isinstance(leaf, c.TimeAfter):
                    shape.append((float(leaf.time), "time"))
            shape = _GATES.put(tuple(shape), cond)
        facts = self.ex.facts.__contains__
        table = self._table
        return tuple(
            (leaf, facts if how == "fact" else None if how == "time" else table[type(leaf)]) for leaf, how in shape
        )

    def wake_after(self, cond: Any) -> float:
        """Earliest sim time at which `cond` could change with no engine event (inf: only events change it)."""
        inf = float("inf")
        leaves = _timed_leaves(cond)
        if not leaves:
            return inf
        ex = self.ex
        now = ex.now
        best = inf
        for x in leaves:
            t = inf
            if isinstance(x, c.TimeAfter):
                t = x.time if x.time > now else inf
            elif isinstance(x, c.ClinicalThreshold):
                if x.for_:  # values move at clinical updates (the watcher is touched then)
                    entry = self._since.get(id(x))
                    if entry is not None and entry[0] is x:
                        t = entry[1] + x.for_
            elif isinstance(x, (c.ServiceIs, c.FunctionIs)) and x.for_:
                node = x.service if isinstance(x, c.ServiceIs) else x.function
                if _state_match(ex.state._level.get(node, 0), x.state):
                    since = ex.notup_since if x.state == "not-up" else ex.level_since
                    t = since.get(node, ex.t_min) + x.for_
            elif isinstance(x, c.AssetIs) and x.for_:
                entry = self._since.get(id(x))
                if entry is not None and entry[0] is x:
                    t = entry[1] + x.for_
            if now < t < best:
                best = t
        return best

    # -- combinators
    def _all(self, cond: c.AllOf) -> bool:
        for x in cond.all:  # all(...) without a generator: the watcher's most frequent call
            if not self(x):
                return False
        return True

    def _any(self, cond: c.AnyOf) -> bool:
        for x in cond.any:
            if self(x):
                return True
        return False

    def _not(self, cond: c.NotOf) -> bool:
        return not self(cond.not_)

    # -- state
    def _node(self, cond) -> bool:
        node = cond.service if isinstance(cond, c.ServiceIs) else cond.function
        ex = self.ex
        level = ex.state._level.get(node, 0)
        if not _state_match(level, cond.state):
            return False
        if cond.for_:
            since = ex.notup_since if cond.state == "not-up" else ex.level_since
            return ex.now - since.get(node, ex.t_min) >= cond.for_
        return True

    def _asset(self, cond: c.AssetIs) -> bool:
        ex = self.ex
        try:
            names = ex.asset_state_names(cond.asset)
        except KeyError:
            return False  # a built-in policy names ids another network may not have: never true there
        if cond.state == "not-up":
            ok = ex.state._level.get(cond.asset, 0) > 0
        elif cond.state == "up":
            ok = ex.state._level.get(cond.asset, 0) == 0
        elif cond.state == "down":
            ok = ex.state._level.get(cond.asset, 0) == 2
        else:
            ok = cond.state in names
        return self._hold(cond, ok)

    def _clinical(self, cond: c.ClinicalThreshold) -> bool:
        fl = self.ex.clinical.flows.get(cond.clinical)
        if fl is None:
            return False  # as in _asset: a function this network does not have
        value = fl.capacity_pct() if cond.metric == "capacity_pct" else getattr(fl, cond.metric)
        ok = (cond.above is None or value > cond.above) and (cond.below is None or value < cond.below)
        return self._hold(cond, ok)

    def _hold(self, cond, ok: bool) -> bool:
        """`for` on predicates without exact change times: since when we have seen it hold."""
        if not cond.for_:
            return ok
        key = id(cond)
        if not ok:
            self._since.pop(key, None)
            return False
        entry = self._since.get(key)
        if entry is None or entry[0] is not cond:
            entry = self._since[key] = (cond, self.ex.now)
        return self.ex.now - entry[1] >= cond.for_

    def _time(self, cond: c.TimeAfter) -> bool:
        return self.ex.now >= cond.time

    def _decision(self, cond: c.DecisionTaken) -> bool:
        made = self.ex.decisions_made.get(cond.decision)
        return made is not None and (cond.option is None or made[0] == cond.option)

    def _norm_target(self, cond: c.ActionDone) -> str | None:
        key = id(cond)
        entry = self._targets.get(key)
        if entry is None or entry[0] is not cond:
            ex = self.ex
            norm = None
            if cond.target is not None:
                spec = ex.actions.get(cond.action)
                try:
                    norm = resolve_target(cond.action, spec, cond.target, ex.index).text() if spec else cond.target
                except ValueError:
                    norm = cond.target
            entry = self._targets[key] = (cond, norm)
        return entry[1]

    def _action(self, cond: c.ActionDone) -> bool:
        ex = self.ex
        records = ex.actions_taken.get(cond.action)
        if not records:
            return False
        target = self._norm_target(cond)
        limit = float("inf")
        if cond.within is not None:
            anchor = 0.0 if cond.from_ == "start" else ex.facts.get({"crisis": "crisis-declared"}.get(cond.from_, cond.from_))
            if anchor is None:
                return False
            limit = anchor + cond.within
        if cond.before is not None:
            limit = min(limit, cond.before)
        if cond.before_clock is not None:
            clock = ex.clocks.get(cond.before_clock)
            if clock is not None and clock.deadline is not None:
                limit = min(limit, clock.deadline)
        for rec in records:
            if target is not None and rec.target != target and rec.target != "all":
                continue
            when = rec.done_at if cond.done else rec.t
            if when is None:
                continue
            if when <= limit:
                return True
        return False

    def _clock(self, cond: c.ClockIs) -> bool:
        clock = self.ex.clocks.get(cond.clock)
        return (clock.state() if clock is not None else "not-started") == cond.state

    def _inject(self, cond: c.InjectFired) -> bool:
        return (cond.inject in self.ex.fired) == cond.fired

    def _flag(self, cond: c.FlagIs) -> bool:
        return self.ex.flags.get(cond.flag, False) == cond.value

    def _stage(self, cond: c.StageIs) -> bool:
        return self.ex.attacker.stage_state(cond.stage) == cond.state or (
            cond.state == "not-done" and self.ex.attacker.stage_state(cond.stage) != "done"
        )

    def _detected(self, cond: c.Detected) -> bool:
        det = self.ex.detected
        if cond.detected == "any":
            return bool(det)
        return cond.detected in det

    def _fact(self, cond: c.FactIs) -> bool:
        t = self.ex.facts.get(cond.fact)
        if t is None:
            return False
        return cond.within is None or t <= cond.within

    def _in_force(self, cond: c.InForce) -> bool:
        ex = self.ex
        m = cond.in_force
        if m == "internet-cut":
            return ex.state.internet_cut
        if m == "remote-access-disabled":
            return ex.remote_access_disabled
        if m == "isolation":
            return bool(ex.state.isolated_zones or ex.state.isolated_assets)
        if m == "offline":
            return any(ex.state.status(a).offline for a in ex.model.assets if a not in ex.remote_assets)
        flows = ex.clinical.flows.values()
        if m == "degraded-mode":
            return any(fl.paper_at is not None for fl in flows)
        if m == "diversion":
            return ex.clinical.diverting
        return any(fl.cancel_elective for fl in flows)
