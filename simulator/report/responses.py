"""Response times that mean something: each stimulus matched to the action or decision that answers it.

What answers a stimulus, in order of precedence:
1. the inject's `answered_by` in the scenario (its expected reaction, stated);
2. a decision put to the cell because of it (`when: {inject: ID}`): its settling by the cell;
3. what its trigger tests as not done (a contingency nudge: `not: {action: notify, target: ars}`);
4. the actions checked by the critical tasks of its objectives that were not yet done when it fired.
A noise stimulus expects no action. An alert is answered by the first containment action after it;
a decision by the cell's choice (never by the default applied at the deadline). The action that
merely came next is never taken for an answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simulator.engine.exercise import Exercise
from simulator.model import conditions as c
from simulator.report.evidence import Evidence
from simulator.report.labels import Labels

CONTAINMENT = ("isolate", "cut-internet", "disable-remote-access", "take-offline", "reset-credentials")


@dataclass(frozen=True)
class Expect:
    """One way to answer a stimulus."""

    action: str | None = None
    target: str | None = None  # normalised; None: any target
    decision: str | None = None
    source: str = "stated"  # stated | decision | trigger | objectives | alert


@dataclass
class Response:
    stimulus: str
    kind: str  # inject | alert | decision
    fired: float
    line: int
    acknowledged: float | None
    status: str  # answered | before | default | missing | none-expected
    answered: float | None = None
    answer: str = ""
    answer_line: int | None = None
    basis: str = ""  # stated | decision | trigger | objectives | alert
    noise: bool = False
    contingency: bool = False


def _positive_injects(cond: Any, negated: bool = False):
    if isinstance(cond, c.NotOf):
        yield from _positive_injects(cond.not_, not negated)
    elif isinstance(cond, (c.AllOf, c.AnyOf)):
        for x in cond.all if isinstance(cond, c.AllOf) else cond.any:
            yield from _positive_injects(x, negated)
    elif isinstance(cond, c.InjectFired) and cond.fired != negated:
        yield cond.inject


def _negated_leaves(cond: Any, negated: bool = False):
    if isinstance(cond, c.NotOf):
        yield from _negated_leaves(cond.not_, not negated)
    elif isinstance(cond, (c.AllOf, c.AnyOf)):
        for x in cond.all if isinstance(cond, c.AllOf) else cond.any:
            yield from _negated_leaves(x, negated)
    elif negated and isinstance(cond, (c.ActionDone, c.DecisionTaken)):
        yield cond


class Matcher:
    def __init__(self, ex: Exercise, ev: Evidence, labels: Labels):
        self.ex = ex
        self.ev = ev
        self.labels = labels
        self.sc = ex.scenario

    def expects(self, inject_id: str) -> list[Expect]:
        """What answers the inject (before looking at what was done)."""
        inj = self.ex.injects.get(inject_id)
        if inj is None or inj.noise:
            return []
        if inj.answered_by:
            out = []
            for a in inj.answered_by:
                if a.decision is not None:
                    out.append(Expect(decision=a.decision))
                else:
                    norm = self.labels.normalise(a.action, a.target) if a.target is not None else None
                    out.append(Expect(a.action, norm))
            return out
        decisions = [Expect(decision=d.id, source="decision") for d in self.sc.all_decisions if d.when is not None and inject_id in set(_positive_injects(d.when))]
        if decisions:
            return decisions
        if inj.when is not None:
            trig = []
            for leaf in _negated_leaves(inj.when):
                if isinstance(leaf, c.ActionDone):
                    norm = self.labels.normalise(leaf.action, leaf.target) if leaf.target is not None else None
                    trig.append(Expect(leaf.action, norm, source="trigger"))
                else:
                    trig.append(Expect(decision=leaf.decision, source="trigger"))
            if trig:
                return trig
        out = []
        for obj in self.sc.objectives:
            if obj.id not in inj.objectives:
                continue
            for task in obj.critical_tasks:
                if task.check is None:
                    continue
                for _p, leaf in c.walk(task.check):
                    if isinstance(leaf, c.ActionDone):
                        norm = self.labels.normalise(leaf.action, leaf.target) if leaf.target is not None else None
                        e = Expect(leaf.action, norm, source="objectives")
                        if e not in out:
                            out.append(e)
        return out

    def _first(self, e: Expect, after: float) -> tuple[float, int, str, str] | None:
        """(t, line, label, status) of the first answer at or after `after`; status default when only the default settled it."""
        if e.decision is not None:
            made = self.ev.made.get(e.decision)
            if made is None or made.t < after:
                return None
            label = self.labels.L("answer.decision", decision=self.labels.decision(e.decision), option=self.labels.option(e.decision, made.option))
            return made.t, made.line, label, "default" if made.by == "default" else "answered"
        for a in self.ev.actions:
            if a.t < after or a.action != e.action or a.source.startswith("inject:"):
                continue
            if e.target is None or a.target == e.target or a.target == "all":
                return a.t, a.line, self.labels.act(a.action, a.raw_target if ":" not in a.target else a.target), "answered"
        return None

    def _done_before(self, e: Expect, before: float) -> tuple[float, int, str] | None:
        if e.decision is not None:
            made = self.ev.made.get(e.decision)
            if made is not None and made.t < before and made.by != "default":
                return made.t, made.line, self.labels.L("answer.decision", decision=self.labels.decision(e.decision), option=self.labels.option(e.decision, made.option))
            return None
        for a in self.ev.actions:
            if a.t >= before:
                break
            if a.action == e.action and not a.source.startswith("inject:") and (e.target is None or a.target == e.target or a.target == "all"):
                return a.t, a.line, self.labels.act(a.action, a.raw_target if ":" not in a.target else a.target)
        return None

    def match(self, kind: str, ref: str, label: str, fired: float, line: int, expects: list[Expect], *, noise: bool = False, contingency: bool = False) -> Response:
        ack = next((t for t, _l, r in self.ev.acks if r == ref and t >= fired), None)
        resp = Response(label, kind, fired, line, ack, "none-expected", noise=noise, contingency=contingency)
        if not expects:
            return resp
        resp.basis = expects[0].source
        if expects[0].source == "objectives":
            # only what was still to do when the stimulus came can answer it
            todo = [e for e in expects if self._done_before(e, fired) is None]
            if not todo:
                prior = [p for p in (self._done_before(e, fired) for e in expects) if p]
                t, l, lab = max(prior)
                resp.status, resp.answered, resp.answer_line, resp.answer = "before", t, l, lab
                return resp
            expects = todo
        found = [f for f in (self._first(e, fired) for e in expects) if f]
        answered = [f for f in found if f[3] == "answered"]
        if answered:
            t, l, lab, _s = min(answered)
            resp.status, resp.answered, resp.answer_line, resp.answer = "answered", t, l, lab
            return resp
        if found:
            t, l, lab, _s = min(found)
            resp.status, resp.answered, resp.answer_line, resp.answer = "default", t, l, lab
            return resp
        prior = [p for p in (self._done_before(e, fired) for e in expects) if p]
        if prior:
            t, l, lab = max(prior)
            resp.status, resp.answered, resp.answer_line, resp.answer = "before", t, l, lab
            return resp
        resp.status = "missing"
        return resp


def responses(journal_events: list[tuple[int, dict]], ex: Exercise, ev: Evidence, labels: Labels) -> list[Response]:
    m = Matcher(ex, ev, labels)
    out: list[Response] = []
    for line, rec in journal_events:
        data = rec["data"]
        kind = data.get("kind")
        t = float(rec["t"])
        if kind == "inject":
            iid = str(data.get("inject"))
            if ev.fired.get(iid) is None or ev.fired[iid].line != line:
                continue
            inj = ex.injects.get(iid)
            out.append(m.match("inject", iid, labels.inject(iid), t, line, m.expects(iid),
                               noise=bool(inj and inj.noise), contingency=bool(inj and inj.contingency)))
        elif kind == "alert-noticed":
            label = labels.L("stimulus.alert-on", asset=labels.node(str(data.get("asset"))), technique=labels.technique(str(data.get("technique"))))
            out.append(m.match("alert", str(data.get("alert")), label, t, line, [Expect(a, None, source="alert") for a in CONTAINMENT]))
        elif kind == "decision-presented":
            did = str(data.get("decision"))
            out.append(m.match("decision", did, labels.decision(did), t, line, [Expect(decision=did, source="decision")]))
    return out


def nudges(ex: Exercise, ev: Evidence, labels: Labels) -> dict[tuple[str, str], list[tuple[int, float, str]]]:
    """Contingency injects that fired, by the action they asked for: (action, target) -> [(line, t, inject)]."""
    m = Matcher(ex, ev, labels)
    out: dict[tuple[str, str], list[tuple[int, float, str]]] = {}
    for iid, fired in ev.fired.items():
        inj = ex.injects.get(iid)
        if inj is None or not inj.contingency:
            continue
        for e in m.expects(iid):
            if e.action is not None:
                out.setdefault((e.action, e.target or ""), []).append((fired.line, fired.t, iid))
    return out
