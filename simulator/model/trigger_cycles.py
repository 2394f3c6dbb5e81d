"""Stimuli that wait only on one another: an inject whose trigger waits for itself, injects that only fire each other.

The lint's reachability (`simulator.lint.feasibility`) weighs every predicate;
validation only asks a narrower question that needs no simulation: assuming
everything *outside* injects and decisions may happen (the attack, clocks,
the cell's actions, flags), which injects and decisions can still never be
delivered because what they wait for is themselves, or a ring of stimuli with
no way in? Those are certain defects, reported as errors at the trigger.

An inject is reachable when it has a fixed time, is a contingency (the
facilitator plays it by hand), is timed after a reachable inject, has a
`when` that can hold given the reachable stimuli, or has no trigger and is
fired by a reachable inject or decision (or by nobody: the facilitator's
bank). A decision is reachable when it has a fixed time or its `when` can hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from simulator.model import conditions as c


@dataclass(frozen=True)
class Stimulus:
    """One inject or decision with its YAML path (under `scenario:`) and what may deliver it."""

    kind: str  # inject | decision
    id: str
    path: tuple
    at: int | None
    when: Any
    after: str | None = None  # an inject this one is timed after
    contingency: bool = False


@dataclass(frozen=True)
class DeadStimulus:
    kind: str
    id: str
    path: tuple  # where to report it
    message: str


def _refs(cond: Any, positive: bool = True) -> Iterator[tuple[str, str]]:
    """(kind, id) of the injects and decisions a condition needs to have happened."""
    if isinstance(cond, c.AllOf):
        for x in cond.all:
            yield from _refs(x, positive)
    elif isinstance(cond, c.AnyOf):
        for x in cond.any:
            yield from _refs(x, positive)
    elif isinstance(cond, c.NotOf):
        yield from _refs(cond.not_, not positive)
    elif isinstance(cond, c.InjectFired) and cond.fired == positive:
        yield "inject", cond.inject
    elif isinstance(cond, c.DecisionTaken) and positive:
        yield "decision", cond.decision


def _possible(cond: Any, reached: set[tuple[str, str]], positive: bool = True) -> bool:
    """Whether the condition may hold when only the `reached` stimuli can happen (all else optimistic)."""
    if isinstance(cond, c.AllOf):
        parts = [_possible(x, reached, positive) for x in cond.all]
        return all(parts) if positive else any(parts)
    if isinstance(cond, c.AnyOf):
        parts = [_possible(x, reached, positive) for x in cond.any]
        return any(parts) if positive else all(parts)
    if isinstance(cond, c.NotOf):
        return _possible(cond.not_, reached, not positive)
    if isinstance(cond, c.InjectFired):
        return cond.fired != positive or ("inject", cond.inject) in reached
    if isinstance(cond, c.DecisionTaken):
        return not positive or ("decision", cond.decision) in reached
    return True


RING_NAMES = 6  # members a ring's message names; a larger ring is summarised


def dead_stimuli(stimuli: list[Stimulus], firers: dict[str, list[tuple[str, str]]]) -> list[DeadStimulus]:
    """Stimuli that can never be delivered because they wait on themselves or on a closed ring.

    `firers[inject]` lists the (kind, id) of the injects and decisions whose effects fire it
    (a decision fires through its options). Linear in the stimuli and their references: a
    stimulus is looked at again only when one it refers to is reached (a chain written in
    reverse order took one pass over every stimulus per link)."""
    known = {(s.kind, s.id) for s in stimuli}
    # who may become reachable when a given stimulus is reached
    dependents: dict[tuple[str, str], list[Stimulus]] = {}
    for s in stimuli:
        for d in _mentions(s, firers):
            dependents.setdefault(d, []).append(s)
    reached: set[tuple[str, str]] = set()
    todo = list(stimuli)
    while todo:
        s = todo.pop()
        key = (s.kind, s.id)
        if key in reached or not _reachable(s, reached, firers, known):
            continue
        reached.add(key)
        todo.extend(t for t in dependents.get(key, ()) if (t.kind, t.id) not in reached)
    dead = [s for s in stimuli if (s.kind, s.id) not in reached]
    if not dead:
        return []
    waits = {(s.kind, s.id): _waits_on(s, reached, firers, known) for s in dead}
    rings = _components(waits)
    out = []
    for s in dead:
        key = (s.kind, s.id)
        blockers = waits[key]
        ring = rings[key]
        where = s.path + ("when",) if s.when is not None else s.path + ("after",) if s.after is not None else s.path + ("id",)
        what = f"{s.kind} '{s.id}'"
        verb = "can never fire" if s.kind == "inject" else "is never put to the cell"
        if key in blockers:
            message = f"{what} {verb}: its trigger waits for itself"
        elif len(ring) > 1:
            message = f"{what} {verb}: {_names(ring)} only fire each other, and nothing outside them starts the chain"
        else:
            first = min(blockers) if blockers else None
            message = f"{what} {verb}: it waits for {first[0]} '{first[1]}', which never happens" if first else f"{what} {verb}"
        out.append(DeadStimulus(s.kind, s.id, where, message))
    return out


def _mentions(s: Stimulus, firers: dict) -> set[tuple[str, str]]:
    """Every stimulus whose delivery may make `s` reachable."""
    out: set[tuple[str, str]] = set(firers.get(s.id, [])) if s.kind == "inject" else set()
    if s.after is not None:
        out.add(("inject", s.after))
    if s.when is not None:
        out.update(_refs(s.when))
    return out


def _reachable(s: Stimulus, reached: set, firers: dict, known: set) -> bool:
    if s.at is not None or s.contingency:
        return True
    if s.after is not None:
        return ("inject", s.after) in reached or ("inject", s.after) not in known
    if s.when is not None:
        return _possible(s.when, reached)
    if s.kind == "decision":
        return True  # a decision without a trigger is a model error reported elsewhere
    sources = [f for f in firers.get(s.id, []) if f != ("inject", s.id)]
    return not sources or any(f in reached or f not in known for f in sources)


def _waits_on(s: Stimulus, reached: set, firers: dict, known: set) -> set[tuple[str, str]]:
    """The unreached stimuli this one depends on."""
    if s.after is not None:
        deps = {("inject", s.after)}
    elif s.when is not None:
        deps = set(_refs(s.when))
    else:
        deps = set(firers.get(s.id, []))
    return {d for d in deps if d in known and d not in reached}


def _components(waits: dict[tuple[str, str], set]) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """Each node's strongly connected component in the `waits` graph, sorted (Tarjan, iterative)."""
    index: dict[tuple, int] = {}
    low: dict[tuple, int] = {}
    on_stack: set = set()
    stack: list = []
    comp: dict[tuple, list] = {}
    counter = 0
    for root in waits:
        if root in index:
            continue
        work = [(root, iter(sorted(waits.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for nxt in children:
                if nxt not in waits:
                    continue
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(waits.get(nxt, ())))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                members = []
                while True:
                    m = stack.pop()
                    on_stack.discard(m)
                    members.append(m)
                    if m == node:
                        break
                members.sort()
                for m in members:
                    comp[m] = members
    return comp


def _names(keys: list[tuple[str, str]]) -> str:
    parts = [f"{k} '{i}'" for k, i in keys[:RING_NAMES]]
    if len(keys) > RING_NAMES:
        return ", ".join(parts) + f" and {len(keys) - RING_NAMES:,} others"
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
