"""The condition watcher: conditional injects and decisions, `end.when`, policy rules.

A watched condition is evaluated only when something it reads may have changed:
- an engine event of a kind *and key* it listens to (`evaluate.event_keys`: an
  `availability` event of node `ehr` wakes `{service: ehr}`, not `{service: pacs}`);
- its exact due time, kept in a heap: a time predicate, a `for` duration, a rule's
  `every`, a time gate at the top of an `all`;
- a clinical update, for clinical thresholds (`touch("clinical-tick")`).

Nothing polls. The engine calls `run()` once after each SimPy step that marked
something (and at the end of a command typed from outside a step), so the
commands a rule issues in one callback are looked at in one pass.
Entries are evaluated in a fixed order (scenario injects, decisions, the end,
then policy rules, each in file order) and passes repeat until nothing is
marked: the result never depends on how the caller slices `advance()`.
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING, Any, Callable

from simulator.engine.evaluate import event_keys

if TYPE_CHECKING:
    from simulator.engine.exercise import Exercise

_INF = float("inf")

# the event field that names what changed, per event kind (see evaluate.event_keys)
KEY_FIELD = {
    "availability": "node",
    "asset-changed": "asset",
    "fact": "fact",
    "decision-made": "decision",
    "inject": "inject",
    "flag": "flag",
    "clock-started": "clock",
    "clock-met": "clock",
    "clock-missed": "clock",
    "stage-started": "stage",
    "stage-done": "stage",
    "stage-blocked": "stage",
    "job-started": "action",
    "job-finished": "action",
    "clinical": "function",
}


class Watch:
    """One watched condition and what happens when it holds."""

    __slots__ = ("order", "cond", "gates", "kind", "ref", "dirty", "active", "wake", "force")

    def __init__(self, order: int, cond: Any, gates: tuple, kind: str, ref: Any):
        self.order = order
        self.cond = cond
        self.gates = gates
        self.kind = kind  # inject | decision | end | rule
        self.ref = ref
        self.dirty = True
        self.active = True
        self.wake = _INF
        self.force = False  # a rule with `every` re-checked at its interval whatever happened


class Watcher:
    def __init__(self, ex: "Exercise"):
        self.ex = ex
        self.entries: list[Watch] = []
        self.by_kind: dict[str, tuple[dict[str, list[Watch]], list[Watch]]] = {}
        self.any_event: list[Watch] = []
        self.dirty: list[Watch] = []
        self._heap: list[tuple[float, int, Watch]] = []
        self._timer_at = _INF
        self.passes = 0
        self.evaluations = 0

    # ------------------------------------------------------------ registration

    def add(self, cond: Any, kind: str, ref: Any) -> Watch:
        w = Watch(len(self.entries), cond, self.ex.evaluate.gates(cond), kind, ref)
        self.entries.append(w)
        for ekind, key in event_keys(cond):
            if ekind == "*":
                self.any_event.append(w)
                continue
            keyed, anykey = self.by_kind.setdefault(ekind, ({}, []))
            if key is None:
                anykey.append(w)
            else:
                keyed.setdefault(key, []).append(w)
        self.dirty.append(w)
        return w

    # ------------------------------------------------------------ marking

    def notice(self, event: Any) -> None:
        """An event was emitted: mark the conditions that may have changed with it."""
        found = self.by_kind.get(event.kind)
        if found is not None:
            keyed, anykey = found
            if anykey:
                self._mark_all(anykey)
            if keyed:
                kind = event.kind
                field = KEY_FIELD.get(kind)
                if field is not None:
                    key = getattr(event, field)
                elif kind == "command-accepted":
                    key = event.command.split(" ", 1)[0]
                else:
                    key = None
                hit = keyed.get(key)
                if hit:
                    self._mark_all(hit)
        if self.any_event:
            self._mark_all(self.any_event)

    def touch(self, kind: str) -> None:
        """Something without an event of its own changed (the clinical update)."""
        found = self.by_kind.get(kind)
        if found is not None and found[1]:
            self._mark_all(found[1])

    def _mark_all(self, watches: list[Watch]) -> None:
        dirty = self.dirty
        for w in watches:
            if not w.dirty and w.active:
                w.dirty = True
                dirty.append(w)

    # ------------------------------------------------------------ time

    def _wake_at(self, w: Watch, t: float) -> None:
        if t == _INF:
            w.wake = _INF
            return
        w.wake = t
        heapq.heappush(self._heap, (t, w.order, w))
        if t < self._timer_at:
            self._timer_at = t
            ex = self.ex
            e = ex.env.timeout(t - ex.env.now)
            e.callbacks.append(self._on_timer)

    def _on_timer(self, _event: Any) -> None:
        now = self.ex.env.now
        if self._timer_at <= now:
            self._timer_at = _INF
        heap = self._heap
        dirty = self.dirty
        while heap and heap[0][0] <= now:
            t, _order, w = heapq.heappop(heap)
            if w.wake == t and w.active:
                w.wake = _INF
                if not w.dirty:
                    w.dirty = True
                    dirty.append(w)
        if heap and heap[0][0] < self._timer_at:
            t = heap[0][0]
            self._timer_at = t
            e = self.ex.env.timeout(t - now)
            e.callbacks.append(self._on_timer)

    # ------------------------------------------------------------ passes

    def run(self) -> None:
        """Evaluate the marked conditions, in entry order, until none is marked."""
        ex = self.ex
        now = ex.env.now
        if now < 0:
            return  # commands and conditions start at T+0
        dirty = self.dirty
        while dirty:
            self.passes += 1
            batch = sorted(dirty, key=_order) if len(dirty) > 1 else list(dirty)
            dirty.clear()
            for w in batch:
                w.dirty = False
                if w.active:
                    self._check(w, now)

    def _check(self, w: Watch, now: float) -> None:
        ex = self.ex
        kind = w.kind
        if kind == "rule":
            rs = ex.rule_states[w.ref.id]
            every = w.ref.every
            if rs.fired_at:
                nxt = rs.fired_at[-1] + every
                if now < nxt:
                    if w.wake != nxt:
                        self._wake_at(w, nxt)
                    return
        elif ex.ended:
            return  # injects, decisions and the end are for the exercise window
        if not self._holds(w, now):
            return
        if kind == "inject":
            w.active = False
            if w.ref.id not in ex.fired:
                ex.fire_inject(w.ref.id, "condition")
        elif kind == "decision":
            w.active = False
            ex.present_decision(w.ref.id)
        elif kind == "end":
            w.active = False
            ex.end("condition")
        else:
            rule = w.ref
            ex.rule_states[rule.id].fired_at.append(now)
            if rule.every is None:
                w.active = False
            else:
                self._wake_at(w, now + rule.every)
            ex.at(now + rule.delay, lambda r=rule: ex._run_rule(r))

    def _holds(self, w: Watch, now: float) -> bool:
        """Gates first (one lookup each), then the condition itself; schedules the next due time."""
        for gate, test in w.gates:
            if test is None:  # a time: shut until then
                if now < gate:
                    if w.wake != gate:
                        self._wake_at(w, gate)
                    return False
            elif not test(gate):
                return False  # only an event opens it
        self.evaluations += 1
        ev = self.ex.evaluate
        result = ev(w.cond)
        wake = ev.wake_after(w.cond)
        if wake != w.wake and wake > now:
            self._wake_at(w, wake)
        return result

    def pending_rules(self) -> bool:
        return any(w.active for w in self.entries if w.kind == "rule")


def _order(w: Watch) -> int:
    return w.order


Callback = Callable[[], None]
