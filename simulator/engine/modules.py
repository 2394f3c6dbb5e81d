"""The programme of an exercise: its modules (phases) and injects timed after other injects.

A scenario may be split into modules. The first opens at T+0; the facilitator moves on
with the `module next` command (or `module ID` for a later one); a headless run (a
policy plays the cell) moves on by itself when the module's planned `duration` has
passed, through the same command, so journals read alike. A module's `jump` is time the
engine simulates at once when the module opens: the hospital, the attacker and the
clocks go on through the gap, and the room reads "six hours later". A module's injects
and decisions are scheduled when it opens (`at` counts from then); its conditional ones
are watched only while it is the current module, and its timed ones that had not fired
when the facilitator moved on are not delivered any more (unless fired by hand).

An inject with `after: {inject: X, delay: D}` fires D after X fired, whenever that was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.engine import events as ev
from simulator.engine.refusals import Refused

if TYPE_CHECKING:
    from simulator.engine.exercise import Exercise


class Programme:
    def __init__(self, ex: "Exercise"):
        self.ex = ex
        sc = ex.scenario
        self.modules = list(sc.modules)
        self.index = {m.id: k for k, m in enumerate(self.modules)}
        self.current = -1  # the module open now (-1: none yet, or a scenario without modules)
        self.opening: int | None = None  # a module moved to, opening at the end of its jump
        self.started_at: dict[str, float] = {}
        self.jump_until: float | None = None  # set by a command typed outside a step: advance there at once
        self._watches: dict[int, list] = {}
        self.followers: dict[str, list] = {}
        for inj in sc.all_injects:
            if inj.after is not None:
                self.followers.setdefault(inj.after.inject, []).append(inj)
        if self.modules:
            ex.at(max(ex.env.now, 0.0), lambda: self._open(0, 0.0))

    # ------------------------------------------------------------ reading

    @property
    def module(self):
        return self.modules[self.current] if 0 <= self.current < len(self.modules) else None

    def next_module(self):
        k = self.current + 1 if self.opening is None else self.opening + 1
        return self.modules[k] if k < len(self.modules) else None

    def upcoming(self) -> list[tuple[float, str, str]]:
        """(time, kind, id) of the timed stimuli still to come: the top level's and the open module's."""
        ex = self.ex
        now = ex.env.now
        sc = ex.scenario
        out = [(float(i.at), "inject", i.id) for i in sc.injects if i.at is not None and i.at > now and i.id not in ex.fired]
        out += [(float(d.at), "decision", d.id) for d in sc.decisions if d.at is not None and d.at > now and d.id not in ex.pending and d.id not in ex.decisions_made]
        m = self.module
        if m is not None:
            t0 = self.started_at[m.id]
            out += [(t0 + i.at, "inject", i.id) for i in m.injects if i.at is not None and t0 + i.at > now and i.id not in ex.fired]
            out += [
                (t0 + d.at, "decision", d.id) for d in m.decisions
                if d.at is not None and t0 + d.at > now and d.id not in ex.pending and d.id not in ex.decisions_made
            ]
        return sorted(out)

    # ------------------------------------------------------------ moving on

    def check(self, target: str) -> int:
        """The index of the module `module TARGET` moves to, or Refused (nothing changes)."""
        ex = self.ex
        if not self.modules:
            raise Refused("no-modules", "this scenario has no modules")
        if ex.ended:
            raise Refused("exercise-ended", "the exercise has ended")
        here = max(self.current if self.opening is None else self.opening, 0)  # module 1 opens with the first step at T+0
        if target == "next":
            k = here + 1
            if k >= len(self.modules):
                raise Refused("last-module", f"module '{self.modules[here].id}' is the last one", module=self.modules[here].id)
        else:
            k = self.index.get(target, -1)
            if k < 0:
                raise Refused("unknown-module", f"unknown module '{target}' (modules: {', '.join(self.index)})", module=target, modules=list(self.index))
            if k <= here:
                raise Refused(
                    "module-not-later", f"module '{target}' is not after the current module '{self.modules[here].id}'",
                    module=target, current=self.modules[here].id,
                )
        return k

    def move(self, target: str, source: str) -> str:
        """Leave the current module for `target` ('next' or a later module id); returns its id."""
        k = self.check(target)
        ex = self.ex
        self._close(self.current)
        self.current = -1
        self.opening = k
        jump = float(self.modules[k].jump or 0)
        now = ex.env.now
        ex.at(now + jump, lambda: self._open(k, jump))
        if not ex._advancing:  # typed in the room (or replayed): the gap runs at once, the module opens now
            self.jump_until = now + jump
        return self.modules[k].id

    def _close(self, k: int) -> None:
        for w in self._watches.pop(k, ()):
            w.active = False

    def _open(self, k: int, jumped: float) -> None:
        ex = self.ex
        if ex.ended or (self.opening is not None and self.opening != k) or (k == 0 and self.current >= 0):
            return
        self.opening = None
        self.current = k
        m = self.modules[k]
        now = ex.env.now
        self.started_at[m.id] = now
        ex.emit(ev.ModuleStarted(now, m.id, k, jumped))
        for inj in m.injects:
            if inj.at is not None:
                ex.at(now + inj.at, lambda i=inj.id: self._timed_inject(k, i))
        for d in m.decisions:
            if d.at is not None:
                ex.at(now + d.at, lambda i=d.id: self._timed_decision(k, i))
        watches = self._watches.setdefault(k, [])
        for inj in m.injects:
            if inj.when is not None:
                watches.append(ex.watcher.add(inj.when, "inject", ex.injects[inj.id]))
        for d in m.decisions:
            if d.when is not None:
                watches.append(ex.watcher.add(d.when, "decision", ex.decisions[d.id]))
        if ex.policy is not None and m.duration is not None and k + 1 < len(self.modules):
            ex.at(now + m.duration, lambda: self._auto(k))

    def _timed_inject(self, k: int, iid: str) -> None:
        if self.current == k:
            self.ex.fire_inject(iid, "time")

    def _timed_decision(self, k: int, did: str) -> None:
        if self.current == k:
            self.ex.present_decision(did)

    def _auto(self, k: int) -> None:
        """A headless run moves on when the module's planned time is up."""
        from simulator.engine.commands import NextModule

        if self.current == k and self.opening is None and not self.ex.ended:
            self.ex.submit(NextModule("next"), source="policy")

    # ------------------------------------------------------------ relative timing

    def fired(self, iid: str) -> None:
        """An inject fired: schedule those timed after it."""
        for inj in self.followers.get(iid, ()):
            self.ex.at(self.ex.env.now + inj.after.delay, lambda i=inj.id: self._follow(i))

    def _follow(self, iid: str) -> None:
        m = self.ex.scenario.module_of.get(iid)
        if m is not None and self.module is not None and self.module.id != m:
            return  # its module is over
        self.ex.fire_inject(iid, "after")
