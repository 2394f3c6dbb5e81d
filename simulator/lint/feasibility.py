"""Which triggers can ever hold: a static over-approximation of the scenario's reachable world.

`possible(cond)` is False only when the condition provably never holds inside
the exercise window (time past the end, an inject nothing can fire, a flag
nothing sets, `X and not X`...). `always(cond)` is True only when it provably
holds from T+0. Injects, decisions, stages and flags feed each other (a
trigger may test an inject that another trigger fires), so reachability is
computed as a least fixed point: start with nothing reachable, add what the
current set makes possible, repeat until nothing changes. Negation keeps this
monotone because `always` only shrinks as the reachable set grows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

from simulator.model import conditions as c
from simulator.model.jurisdiction import of_scenario
from simulator.model.duration import format_duration, format_offset
from simulator.model.scenario import OptionEffect, ScenarioBody

INITIAL = "initial_access"
_NODE_STATES = {"up": {"up"}, "degraded": {"degraded"}, "down": {"down"}, "not-up": {"degraded", "down"}}
_STAGE_STATES = {"done": {"done"}, "started": {"started", "done"}, "not-done": {"not-done", "started", "blocked"}, "blocked": {"blocked", "not-done"}}


@dataclass
class Reachable:
    """What may happen during the exercise window."""

    injects: set[str] = field(default_factory=set)
    decisions: set[str] = field(default_factory=set)
    stages: set[str] = field(default_factory=set)
    flags: set[str] = field(default_factory=set)  # flags that may become true
    techniques: set[str] = field(default_factory=set)

    def size(self) -> int:
        return len(self.injects) + len(self.decisions) + len(self.stages) + len(self.flags)


@dataclass(frozen=True)
class Never:
    """Why a condition never holds, with the YAML path (relative to the condition) of the culprit."""

    path: tuple
    reason: str


class Feasibility:
    """Static reachability of one scenario."""

    def __init__(self, sc: ScenarioBody, engine_numbers: dict[str, float]):
        self.sc = sc
        self.end = sc.duration
        self.engine = engine_numbers
        # the state can change from the attacker's first step (possibly before T+0) to the end
        self.span = sc.duration - (min(0, sc.threat.initial_access.at) if sc.threat is not None else 0)
        self.reach = Reachable()
        self._solve()

    # ------------------------------------------------------------ fixed point

    def _solve(self) -> None:
        while True:
            before = self.reach.size()
            self._step()
            if self.reach.size() == before:
                return

    def _step(self) -> None:
        sc, r = self.sc, self.reach
        previous = INITIAL
        if sc.threat is not None:
            r.stages.add(INITIAL)
            r.techniques.add(sc.threat.initial_access.technique)
        for st in sc.threat.stages if sc.threat is not None else ():
            pred = st.after.stage if st.after is not None else previous
            if pred in r.stages and (st.at is None or st.at <= self.end) and (st.when is None or self.possible(st.when)):
                r.stages.add(st.id)
                r.techniques.add(st.technique)
            previous = st.id
        for inj in sc.all_injects:
            # a contingency inject is the facilitator's to play by hand: it may fire, and so may what waits on it
            if inj.id not in r.injects and (
                inj.contingency or self._trigger_possible(inj.at, inj.when) or (inj.after is not None and inj.after.inject in r.injects)
            ):
                r.injects.add(inj.id)
        for d in sc.all_decisions:
            if d.id not in r.decisions and self._trigger_possible(d.at, d.when):
                r.decisions.add(d.id)
        for effects in self.reachable_effects():
            for eff in effects:
                if eff.inject is not None:
                    r.injects.add(eff.inject)
                if eff.flag is not None and eff.value:
                    r.flags.add(eff.flag)

    def _trigger_possible(self, at: int | None, when: Any) -> bool:
        if at is not None:
            return 0 <= at <= self.end
        if when is not None:
            return self.possible(when)
        return False

    def reachable_effects(self) -> Iterator[list[OptionEffect]]:
        for inj in self.sc.all_injects:
            if inj.id in self.reach.injects:
                yield inj.effects
        for d in self.sc.all_decisions:
            if d.id in self.reach.decisions:
                for o in d.options:
                    yield o.effects

    def fired_by(self, inject_id: str) -> list[str]:
        """Injects and decision options whose effects fire `inject_id` (reachable or not)."""
        out = []
        for inj in self.sc.all_injects:
            if any(e.inject == inject_id for e in inj.effects):
                out.append(f"inject '{inj.id}'")
        for d in self.sc.all_decisions:
            for o in d.options:
                if any(e.inject == inject_id for e in o.effects):
                    out.append(f"decision '{d.id}' option '{o.id}'")
        return out

    # ------------------------------------------------------------ predicates

    def possible(self, cond: Any) -> bool:
        return self.never(cond) is None

    def never(self, cond: Any, path: tuple = ()) -> Never | None:
        """Why `cond` can never hold in the window, or None when it may."""
        if isinstance(cond, c.AllOf):
            for i, child in enumerate(cond.all):
                why = self.never(child, path + ("all", i))
                if why is not None:
                    return why
            clash = _contradiction(cond.all)
            if clash is not None:
                return Never(path, clash)
            return None
        if isinstance(cond, c.AnyOf):
            reasons = [self.never(child, path + ("any", i)) for i, child in enumerate(cond.any)]
            if all(reasons):
                return Never(path, "no alternative of 'any' can hold: " + "; ".join(r.reason for r in reasons if r))
            return None
        if isinstance(cond, c.NotOf):
            why = self.why_always(cond.not_)
            return Never(path, f"'not' negates a condition that always holds ({why})") if why else None
        found = self._leaf_never(cond)
        return Never(path + (found[0],), found[1]) if found else None

    def _leaf_never(self, cond: Any) -> tuple[str, str] | None:
        """(YAML key of the culprit value, reason) when a predicate never holds."""
        r, end = self.reach, self.end
        duration = getattr(cond, "for_", None)
        if duration is not None and duration > self.span and getattr(cond, "state", None) != "up":
            return "for", f"it must hold for {format_duration(duration)}, longer than the simulated time ({format_duration(self.span)} from the first attack step to the end)"
        if isinstance(cond, c.TimeAfter) and cond.time > end:
            return "time", f"time {format_offset(cond.time)} is after the end of the exercise ({format_offset(end)})"
        if isinstance(cond, c.InjectFired) and cond.fired and cond.inject not in r.injects:
            return "inject", f"inject '{cond.inject}' never fires"
        if isinstance(cond, c.DecisionTaken) and cond.decision not in r.decisions:
            return "decision", f"decision '{cond.decision}' is never put to the cell"
        if isinstance(cond, c.FlagIs) and cond.value and cond.flag not in r.flags:
            return "flag", f"flag '{cond.flag}' is never set to true by an inject or decision option that can happen"
        if isinstance(cond, c.StageIs) and cond.state in ("done", "started") and cond.stage not in r.stages:
            return "stage", f"attack stage '{cond.stage}' can never start"
        if isinstance(cond, c.Detected) and cond.detected != "any":
            known_stage = self.sc.threat is not None and cond.detected in {INITIAL, *(s.id for s in self.sc.threat.stages)}
            if known_stage and cond.detected not in r.stages:
                return "detected", f"attack stage '{cond.detected}' can never start, so it cannot be detected"
            if not known_stage and cond.detected not in r.techniques:
                return "detected", f"no attack stage uses technique {cond.detected}, so it cannot be detected"
        if isinstance(cond, c.ActionDone) and cond.before is not None and cond.before <= 0:
            return "before", f"actions are taken from T+0, so none can come before {format_offset(cond.before)}"
        if isinstance(cond, c.ClinicalThreshold):
            if cond.below is not None and cond.below <= 0:
                return "below", f"'{cond.metric}' is never below {cond.below:g}"
            if cond.metric == "capacity_pct" and cond.above is not None and cond.above >= 100:
                return "above", f"capacity is never above {cond.above:g} %"
        if isinstance(cond, c.ClockIs) and cond.state == "missed":
            deadline = self._clock_deadline(cond.clock)
            if deadline is not None and deadline > self.span:
                return "state", f"clock '{cond.clock}' runs {format_duration(int(deadline))}, longer than the simulated time ({format_duration(self.span)}): it cannot be missed"
        return None

    def _clock_deadline(self, clock_id: str) -> float | None:
        clock = of_scenario(self.sc).clock(clock_id)
        return clock.minutes(self.engine) if clock is not None else None

    def why_always(self, cond: Any) -> str | None:
        """Why `cond` holds from T+0 whatever happens, or None."""
        if isinstance(cond, c.TimeAfter) and cond.time <= 0:
            return f"time {format_offset(cond.time)} has passed when the exercise starts"
        if isinstance(cond, c.InjectFired) and not cond.fired and cond.inject not in self.reach.injects:
            return f"inject '{cond.inject}' never fires"
        if isinstance(cond, c.FlagIs) and not cond.value and cond.flag not in self.reach.flags:
            return f"flag '{cond.flag}' is never set to true"
        if isinstance(cond, c.NotOf):
            why = self.never(cond.not_)
            return why.reason if why else None
        if isinstance(cond, c.AllOf):
            reasons = [self.why_always(x) for x in cond.all]
            return "; ".join(r for r in reasons if r) if all(reasons) else None
        if isinstance(cond, c.AnyOf):
            for x in cond.any:
                why = self.why_always(x)
                if why:
                    return why
        return None


def _literal(cond: Any) -> tuple[tuple, bool] | None:
    """A predicate as (atom, polarity) so that `X` and `not X` meet."""
    positive = True
    while isinstance(cond, c.NotOf):
        positive = not positive
        cond = cond.not_
    if isinstance(cond, (c.AllOf, c.AnyOf)):
        return None
    if isinstance(cond, c.InjectFired):
        return ("inject", cond.inject), positive == cond.fired
    if isinstance(cond, c.FlagIs):
        return ("flag", cond.flag), positive == cond.value
    return ("pred", cond.model_dump_json()), positive


def _contradiction(items: list[Any]) -> str | None:
    """A pair of conjuncts that cannot hold together, described."""
    seen: dict[tuple, bool] = {}
    lower, upper = None, None  # time >= lower and time < upper
    states: dict[tuple, tuple[set[str], str]] = {}
    options: dict[str, str] = {}
    for item in items:
        lit = _literal(item)
        if lit is not None:
            atom, polarity = lit
            if atom in seen and seen[atom] != polarity:
                return "it requires a condition and its negation at the same time"
            seen[atom] = polarity
        if isinstance(item, c.TimeAfter):
            lower = item.time if lower is None else max(lower, item.time)
        elif isinstance(item, c.NotOf) and isinstance(item.not_, c.TimeAfter):
            t = item.not_.time
            upper = t if upper is None else min(upper, t)
        elif isinstance(item, (c.ServiceIs, c.FunctionIs, c.AssetIs, c.StageIs, c.ClockIs)):
            key, allowed = _state_key(item)
            if key in states:
                prev, prev_name = states[key]
                if not prev & allowed:
                    return f"{key[0]} '{key[1]}' cannot be '{prev_name}' and '{_state_name(item)}' at once"
                states[key] = (prev & allowed, _state_name(item))
            else:
                states[key] = (allowed, _state_name(item))
        elif isinstance(item, c.DecisionTaken) and item.option is not None:
            prev = options.get(item.decision)
            if prev is not None and prev != item.option:
                return f"decision '{item.decision}' is settled once: options '{prev}' and '{item.option}' cannot both be chosen"
            options[item.decision] = item.option
    if lower is not None and upper is not None and lower >= upper:
        return f"it requires time after {format_offset(lower)} and before {format_offset(upper)}"
    return None


def _state_name(item: Any) -> str:
    return str(item.state)


def _state_key(item: Any) -> tuple[tuple[str, str], set[str]]:
    if isinstance(item, c.ServiceIs):
        return ("service", item.service), _NODE_STATES[item.state]
    if isinstance(item, c.FunctionIs):
        return ("function", item.function), _NODE_STATES[item.state]
    if isinstance(item, c.StageIs):
        return ("stage", item.stage), _STAGE_STATES[item.state]
    if isinstance(item, c.ClockIs):
        return ("clock", item.clock), {item.state}
    # assets: only the plain availability states exclude each other
    exclusive = {"up": {"up"}, "down": {"down"}}
    return ("asset", item.asset), exclusive.get(item.state, {"up", "down", item.state})
