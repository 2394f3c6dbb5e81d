"""What the report says about each objective: ratings suggested from evidence, evaluators' ratings,
strengths and areas for improvement, each with the journal lines behind it.

A critical task checked by the engine gets P only when its check held with no challenge; a
check missed (not done, or done after its limit) never gives P. An objective's suggested rating
is its worst task, capped by the measured outcomes of its capability (outcomes.py). An evaluator's
rating of a task replaces the suggestion and is shown as the evaluator's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from simulator.engine.exercise import Exercise
from simulator.model import conditions as c
from simulator.report import locale as fmt
from simulator.report.doctrine import ACTION_CAPABILITY, RANK, worst
from simulator.report.evidence import Action, Evidence
from simulator.report.labels import Labels


@dataclass
class Finding:
    """A strength or an area for improvement: a sentence and the journal lines that show it."""

    text: str
    lines: tuple[int, ...] = ()
    rating: str | None = None  # for areas for improvement: how bad (S, M, U)
    objective: int = -1  # index of the objective it belongs to (-1: the exercise as a whole)
    key: str = ""  # the improvement-plan key this finding feeds
    weight: float = 0.0  # ranking among strengths (larger first)


@dataclass
class Measured:
    """What a task's check measured."""

    met: bool
    status: str  # done | late | missing | decided | wrong-option | not-presented | no-anchor | fact | other
    at: float | None = None
    limit: float | None = None
    anchor: float | None = None
    line: int | None = None
    action: str | None = None
    target: str | None = None
    option: str | None = None
    decision: str | None = None
    source: str | None = None


@dataclass
class TaskResult:
    objective_index: int
    objective: str
    task: str
    text: str
    automatic: bool
    suggested: str | None
    reason: str
    evaluator: str | None = None
    evaluator_by: str | None = None
    evaluator_line: int | None = None
    lines: tuple[int, ...] = ()
    measured: Measured | None = None
    key: str = ""  # improvement-plan key: the action it checks, or the task

    @property
    def final(self) -> str | None:
        return self.evaluator or self.suggested


@dataclass
class ObjectiveResult:
    index: int
    id: str
    text: str
    capability: str
    suggested: str | None
    reason: str
    tasks: list[TaskResult]
    strengths: list[Finding] = field(default_factory=list)
    improvements: list[Finding] = field(default_factory=list)
    caps: list[Finding] = field(default_factory=list)

    @property
    def final(self) -> str | None:
        """Evaluators' ratings replace suggestions task by task; outcomes still cap the objective."""
        finals = [t.final for t in self.tasks]
        caps = [f.rating for f in self.caps]
        return worst(*finals, *caps) if any(r for r in finals) or caps else None

    @property
    def rated_by_evaluator(self) -> bool:
        return any(t.evaluator for t in self.tasks)


def capability_of(obj: Any) -> str:
    """The objective's capability: stated, else the most frequent capability of the actions its tasks check."""
    if obj.capability:
        return obj.capability
    votes: dict[str, int] = {}
    order: list[str] = []
    for task in obj.critical_tasks:
        if task.check is None:
            continue
        for _p, leaf in c.walk(task.check):
            if isinstance(leaf, c.ActionDone) and leaf.action in ACTION_CAPABILITY:
                cap = ACTION_CAPABILITY[leaf.action]
                votes[cap] = votes.get(cap, 0) + 1
                if cap not in order:
                    order.append(cap)
    if not votes:
        return "operational-coordination"
    return max(order, key=lambda k: (votes[k], -order.index(k)))


def _anchor(ex: Exercise, ev: Evidence, name: str) -> float | None:
    if name == "start":
        return 0.0
    fact = {"crisis": "crisis-declared"}.get(name, name)
    got = ev.facts.get(fact)
    if got is not None:
        return got[0]
    return ex.facts.get(fact)


def measure(cond: Any, ex: Exercise, ev: Evidence, labels: Labels, *, negated: bool = False) -> Measured:
    """What a check measured, from the journal's evidence (the engine's verdict decides `met`)."""
    if isinstance(cond, c.ActionDone):
        target = labels.normalise(cond.action, cond.target) if cond.target is not None else None
        anchor = None
        limit = float("inf")
        if cond.within is not None:
            anchor = _anchor(ex, ev, cond.from_)
            if anchor is None:
                return Measured(False, "no-anchor", action=cond.action, target=target)
            limit = anchor + float(cond.within)
        if cond.before is not None:
            limit = min(limit, float(cond.before))
        if cond.before_clock is not None:
            clock = ex.clocks.get(cond.before_clock)
            if clock is not None and clock.deadline is not None:
                limit = min(limit, float(clock.deadline))
        first = ev.first_action(cond.action, target)
        at = first.t if first is not None else None
        if cond.done and first is not None:
            at = _done_at(ex, cond.action, target)
        lim = None if limit == float("inf") else limit
        if at is None:
            return Measured(False, "missing", limit=lim, anchor=anchor, action=cond.action, target=target)
        met = at <= limit
        return Measured(met, "done" if met else "late", at, lim, anchor, first.line if first else None, cond.action, target, source=first.source if first else None)
    if isinstance(cond, c.DecisionTaken):
        made = ev.made.get(cond.decision)
        if made is None:
            status = "missing" if cond.decision in ev.presented else "not-presented"
            return Measured(False, status, decision=cond.decision, option=cond.option)
        ok = cond.option is None or made.option == cond.option
        return Measured(ok, "decided" if ok else "wrong-option", made.t, line=made.line, decision=cond.decision, option=made.option, source=made.by)
    if isinstance(cond, c.NotOf):
        inner = measure(cond.not_, ex, ev, labels, negated=not negated)
        return Measured(not inner.met, inner.status, inner.at, inner.limit, inner.anchor, inner.line, inner.action, inner.target, inner.option, inner.decision)
    if isinstance(cond, c.FactIs):
        got = ev.facts.get(cond.fact)
        return Measured(got is not None, "fact", got[0] if got else None, line=got[1] if got else None, action=cond.fact)
    if isinstance(cond, c.AllOf):
        parts = [measure(x, ex, ev, labels) for x in cond.all]
        bad = next((p for p in parts if not p.met), None)
        if bad is not None:
            return bad
        return max(parts, key=lambda p: p.at if p.at is not None else float("-inf"))
    if isinstance(cond, c.AnyOf):
        parts = [measure(x, ex, ev, labels) for x in cond.any]
        good = [p for p in parts if p.met]
        if good:
            return min(good, key=lambda p: p.at if p.at is not None else float("inf"))
        late = [p for p in parts if p.status == "late"]
        return min(late, key=lambda p: p.at or 0.0) if late else parts[0]
    return Measured(bool(ex.evaluate(cond)), "other")


def _done_at(ex: Exercise, action: str, target: str | None) -> float | None:
    for rec in ex.actions_taken.get(action, []):
        if (target is None or rec.target == target or rec.target == "all") and rec.done_at is not None:
            return rec.done_at
    return None


def _line_of_action(ev: Evidence, m: Measured) -> tuple[int, ...]:
    return (m.line,) if m.line else ()


class Rater:
    """Suggests ratings for one exercise and collects strengths and areas for improvement."""

    def __init__(self, ex: Exercise, ev: Evidence, labels: Labels, nudges: dict[str, list[tuple[int, float, str]]]):
        self.ex = ex
        self.ev = ev
        self.labels = labels
        self.lang = labels.lang
        # (action, normalised target) -> contingency injects that asked for it: [(line, t, inject)]
        self.nudges = nudges

    def L(self, name: str, /, **fields: Any) -> str:
        return self.labels.L(name, **fields)

    def when(self, t: float | None) -> str:
        return fmt.offset(t, self.lang) if t is not None else "—"

    # -- tasks ------------------------------------------------------------------------------

    def rate_task(self, index: int, obj: Any, task: Any, engine_rating: str | None) -> TaskResult:
        text = self.labels.task(obj.id, task.id)
        result = TaskResult(index, obj.id, task.id, text, task.check is not None, None, "")
        rating = self.ev.ratings.get((obj.id, task.id))
        if rating is not None and task.check is None:
            result.evaluator = rating.rating
            result.evaluator_by = self.labels.who(rating.by, rating.name)
            result.evaluator_line = rating.line
        if task.check is None:
            result.key = f"task:{obj.id}/{task.id}"
            result.reason = self.L("why.evaluator-only")
            return result
        m = measure(task.check, self.ex, self.ev, self.labels)
        if engine_rating is not None:
            m.met = engine_rating == "P"
        result.measured = m
        result.key = f"act:{m.action}:{m.target or ''}" if m.action and m.status != "fact" else f"task:{obj.id}/{task.id}"
        result.lines = _line_of_action(self.ev, m)
        result.suggested, result.reason, extra = self._suggest(m)
        result.lines = tuple(dict.fromkeys(result.lines + extra))
        return result

    def _suggest(self, m: Measured) -> tuple[str | None, str, tuple[int, ...]]:
        if m.status == "no-anchor":
            return None, self.L("why.no-anchor"), ()
        if m.status == "not-presented":
            return None, self.L("why.not-presented", decision=self.labels.decision(m.decision or "")), ()
        if m.status == "fact":
            fact = self.labels.fact(m.action or "")
            if m.met:
                return "P", self.L("why.fact-avoided", fact=fact) if m.at is None else self.L("why.fact-held", fact=fact, at=self.when(m.at)), ()
            if m.at is not None:
                return "U", self.L("why.fact-happened", fact=fact, at=self.when(m.at)), ((m.line,) if m.line else ())
            return "U", self.L("why.fact-missing", fact=fact), ()
        if m.status in ("decided", "wrong-option", "missing") and m.decision:
            dec = self.labels.decision(m.decision)
            if m.status == "missing":
                return "U", self.L("why.decision-missing", decision=dec), ()
            option = self.labels.option(m.decision, m.option or "")
            if m.status == "wrong-option":
                return "M", self.L("why.decision-other", decision=dec, option=option, at=self.when(m.at)), ((m.line,) if m.line else ())
            if m.source == "default":
                return "S", self.L("why.decision-default", decision=dec, option=option, at=self.when(m.at)), ((m.line,) if m.line else ())
            return "P", self.L("why.decision-taken", option=option, at=self.when(m.at)), ()
        if m.status == "other":
            return ("P", self.L("why.check-held"), ()) if m.met else ("U", self.L("why.check-failed"), ())
        what = self.labels.act(m.action or "", m.target or "") if m.action else ""
        limit = self.L("why.limit", limit=self.when(m.limit)) if m.limit is not None else ""
        if m.status == "missing":
            return "U", self.L("why.missing", what=what, limit=limit), ()
        delay = ""
        if m.anchor is not None and m.at is not None and m.anchor > 0:
            gap = m.at - m.anchor
            if gap < 0:
                delay = self.L("why.before-awareness", delay=fmt.duration(-gap, self.lang))
            elif gap < 0.5:
                delay = self.L("why.at-awareness")
            else:
                delay = self.L("why.after-awareness", delay=fmt.duration(gap, self.lang))
        if m.status == "late" or not m.met:
            late = fmt.duration((m.at or 0) - (m.limit or 0), self.lang) if m.limit is not None else ""
            return "M", self.L("why.late", what=what, at=self.when(m.at), delay=delay, late=late, limit=limit), ()
        # done in time: challenges on the way make it S
        extra: list[int] = []
        challenges = []
        key = (m.action or "", m.target or "")
        asked = self.nudges.get(key, []) + (self.nudges.get((m.action or "", ""), []) if m.target else [])
        for line, t, inject in asked:
            if m.at is not None and t <= m.at:
                challenges.append(self.L("why.nudged", inject=self.labels.inject(inject)))
                extra.append(line)
                break
        staff = [r for r in self.ev.refusals if r.action == m.action and (r.target == m.target or m.target is None)
                 and m.at is not None and r.t <= m.at and self.labels.is_staff(r.index, r.reason)]
        if staff:
            challenges.append(self.L("why.staff-refused", n=fmt.number(len(staff), self.lang)))
            extra.extend(r.line for r in staff[:3])
        if m.source and m.source.startswith("decision:"):
            made = self.ev.made.get(m.source.split(":", 1)[1])
            if made is not None and made.by == "default":
                challenges.append(self.L("why.by-default", decision=self.labels.decision(m.source.split(":", 1)[1])))
                extra.append(made.line)
        if challenges:
            return "S", self.L("why.done-with-challenges", what=what, at=self.when(m.at), delay=delay, challenges="; ".join(challenges)), tuple(extra)
        margin = self.L("why.margin", margin=fmt.duration(m.limit - m.at, self.lang)) if m.limit is not None and m.at is not None else ""
        return "P", self.L("why.done", what=what, at=self.when(m.at), delay=delay, margin=margin), ()

    # -- objectives -------------------------------------------------------------------------

    def rate_objective(self, index: int, obj: Any, tasks: list[TaskResult], caps: list[Finding], goods: list[Finding]) -> ObjectiveResult:
        cap = capability_of(obj)
        finals = [t.final for t in tasks]
        task_worst = worst(*finals)
        cap_worst = worst(*(f.rating for f in caps))
        suggested = worst(task_worst, cap_worst) if (task_worst or caps) else None
        unrated = sum(1 for t in tasks if t.final is None)
        reasons = []
        if task_worst is not None:
            bad = [t for t in tasks if t.final == task_worst]
            if task_worst == "P":
                reasons.append(self.L("why.obj-all-p", n=fmt.number(len([t for t in tasks if t.final]), self.lang)))
            else:
                reasons.append(self.L("why.obj-worst-task", task=bad[0].text, rating=task_worst))
        if cap_worst is not None and (task_worst is None or RANK[cap_worst] > RANK[task_worst]):
            top = max(caps, key=lambda f: RANK.get(f.rating or "P", 0))
            reasons.append(self.L("why.obj-capped", rating=cap_worst, finding=top.text))
        if unrated:
            reasons.append(self.L("why.obj-unrated", n=fmt.number(unrated, self.lang)))
        if suggested is None:
            reasons = [self.L("why.obj-nothing")] + reasons[1:]
        res = ObjectiveResult(index, obj.id, obj.text.get(self.lang), cap, suggested, " ".join(reasons), tasks, caps=list(caps))
        for t in tasks:
            final = t.final
            if final is None:
                continue
            who = self.L("rated-by-evaluator", who=t.evaluator_by) if t.evaluator else ""
            lines = t.lines + ((t.evaluator_line,) if t.evaluator_line else ())
            if final == "P":
                res.strengths.append(Finding(f"{t.text} — {t.reason}{who}", lines, objective=index, weight=self._weight(t)))
            else:
                text = f"{t.text} — {t.reason}{who}" if not t.evaluator else f"{t.text} — {self.L('rated', rating=final)}{who}"
                res.improvements.append(Finding(text, lines, final, index, t.key))
        res.improvements.extend(caps)
        res.strengths.extend(goods)
        res.improvements.sort(key=lambda f: -RANK.get(f.rating or "P", 0))
        res.strengths.sort(key=lambda f: -f.weight)
        return res

    @staticmethod
    def _weight(t: TaskResult) -> float:
        m = t.measured
        if m is None or m.at is None or m.limit is None:
            return 0.5
        span = max(m.limit - (m.anchor if m.anchor is not None else 0.0), 1.0)
        return 1.0 + max(0.0, (m.limit - m.at) / span)


def first_action_line(actions: list[Action]) -> int | None:
    return actions[0].line if actions else None
