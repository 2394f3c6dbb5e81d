"""The improvement plan (HSEEP IP, ANSSI plan d'action): one item per thing to fix, never two alike.

Items come from critical tasks rated S, M or U (the evaluator's rating when there is one) and
from measured outcomes that missed their threshold. Each has the corrective action the scenario
states for the task, else one chosen for the action at fault; an owner that is a seat or a
service (the participant who held that seat when the room recorded one), never an id; a due date
set by its priority; the capability, the capability element and the ANS CaRE axis. Findings that
call for the same fix (a missed CNIL task and the missed GDPR clock) are one item.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from simulator.report import doctrine as d
from simulator.report.evidence import Evidence
from simulator.report.findings import ObjectiveResult, TaskResult
from simulator.report.labels import Labels
from simulator.report.outcomes import Outcome

PRIORITY_RANK = {"high": 0, "medium": 1, "low": 2}


@dataclass
class PlanItem:
    key: str
    issue: str
    action: str
    capability: str  # id, shown through labels
    element: str
    care: str
    owner: str
    priority: str  # high | medium | low
    due: date
    lines: tuple[int, ...] = ()
    objectives: list[str] = field(default_factory=list)  # labels
    rating: str = "S"

    def merge(self, other: "PlanItem") -> None:
        if PRIORITY_RANK[other.priority] < PRIORITY_RANK[self.priority]:
            self.priority, self.due, self.rating = other.priority, other.due, other.rating
        if other.issue and other.issue not in self.issue:
            sep = " " if self.issue.endswith((".", "…")) else " ; "
            self.issue = f"{self.issue}{sep}{other.issue}" if self.issue else other.issue
        self.lines = tuple(dict.fromkeys(self.lines + other.lines))
        for o in other.objectives:
            if o not in self.objectives:
                self.objectives.append(o)


class Owners:
    """Who owns a corrective action: a participant's name when the room recorded who held the seat,
    else the seat's name in the scenario, else the usual name of the service."""

    def __init__(self, labels: Labels, ev: Evidence, participants: list[dict[str, Any]]):
        self.labels = labels
        self.ev = ev
        self.participants = participants

    def _names(self, role_id: str) -> list[str]:
        names: set[str] = set()
        for key in (role_id, f"cell:{role_id}"):
            names |= self.ev.names.get(key, set())
        for p in self.participants:
            if role_id in (p.get("role"), p.get("seat"), f"cell:{p.get('role')}") or p.get("seat") == f"cell:{role_id}":
                names.add(p["name"])
        return sorted(names)

    def of_role(self, role_id: str) -> str:
        label = self.labels.role(role_id)
        names = self._names(role_id)
        return self.labels.L("owner.named", names=", ".join(names), seat=label) if names else label

    def of_seat(self, seat: str) -> str:
        """A usual seat (it, security, medical...) as this scenario names it, or the service's usual name."""
        tried = seat
        while True:
            role = self.labels.role_for_seat(tried)
            if role is not None:
                return self.of_role(role)
            nxt = d.SEAT_FALLBACK.get(tried)
            if nxt is None:
                return self.labels.L(f"seat.{seat}")
            tried = nxt


def seat_for(action: str | None, target: str | None) -> str:
    if action == "notify":
        return d.NOTIFY_SEAT.get(target or "", "direction")
    return d.ACTION_SEAT.get(action or "", "crisis-lead")


def _fix_for(labels: Labels, task: TaskResult) -> str:
    m = task.measured
    if m is not None and m.action and m.status != "fact":
        target = (m.target or "").split(":", 1)[-1]
        keys = ([f"fix.{m.action}.{target}"] if target else []) + [f"fix.{m.action}"]
        for key in keys:
            if labels.has(key):
                return labels.L(key, target=labels.target(m.action, m.target or ""), task=task.text)
    if m is not None and m.decision:
        return labels.L("fix.decision", decision=labels.decision(m.decision), task=task.text)
    if not task.automatic:
        return labels.L("fix.evaluator", task=task.text)
    return labels.L("fix.task", task=task.text)


def build_plan(objectives: list[ObjectiveResult], outcomes: list[Outcome], ex: Any, labels: Labels, owners: Owners, run_day: date) -> list[PlanItem]:
    items: dict[str, PlanItem] = {}
    scenario_objectives = {o.id: o for o in ex.scenario.objectives}

    def add(item: PlanItem) -> None:
        same = items.get(item.key)
        if same is None:
            # the same corrective action for the same owner is the same item, whatever led to it
            same = next((i for i in items.values() if i.action == item.action and i.owner == item.owner), None)
        if same is not None:
            same.merge(item)
        else:
            items[item.key] = item

    for obj in objectives:
        spec = scenario_objectives[obj.id]
        tasks = {t.id: t for t in spec.critical_tasks}
        for task in obj.tasks:
            rating = task.final
            if rating not in ("S", "M", "U"):
                continue
            imp = tasks[task.task].improvement
            m = task.measured
            action = imp.action.get(labels.lang) if imp is not None else _fix_for(labels, task)
            if imp is not None and imp.owner:
                owner = owners.of_role(imp.owner)
            else:
                if task.automatic and m is not None and m.action and m.status != "fact":
                    target = (m.target or "").split(":", 1)[-1]
                    seat = (labels.authority_seat(target) if m.action == "notify" else None) or seat_for(m.action, target)
                else:
                    seat = d.CAPABILITY_SEAT.get(obj.capability, "crisis-lead")
                owner = owners.of_seat(seat)
            if imp is not None and imp.element:
                element = imp.element
            elif not task.automatic:
                element = "organisation"
            else:
                element = {"U": "planning", "M": "training", "S": "training"}[rating]
            care = imp.care_axis if imp is not None and imp.care_axis else d.CAPABILITY_CARE.get(obj.capability, "governance")
            priority = d.PRIORITY_OF[rating]
            why = task.reason if not task.evaluator else labels.L("rated", rating=rating) + labels.L("rated-by-evaluator", who=task.evaluator_by)
            issue = f"{task.text} — {why}"
            lines = task.lines + ((task.evaluator_line,) if task.evaluator_line else ())
            add(PlanItem(task.key, issue, action, obj.capability, element, care, owner, priority, run_day + timedelta(days=d.DUE_DAYS[priority]),
                         lines, [obj.text], rating))
    for oc in outcomes:
        f = oc.finding
        if oc.good or f.rating not in ("S", "M", "U"):
            continue
        priority = d.PRIORITY_OF[f.rating]
        objs = [o.text for o in objectives if (o.id in oc.objectives) or (not oc.objectives and o.capability == oc.capability)]
        cap = oc.capability
        add(PlanItem(oc.key, f.text, oc.fix, cap, oc.element, oc.care or d.CAPABILITY_CARE.get(cap, "governance"), owners.of_seat(oc.seat),
                     priority, run_day + timedelta(days=d.DUE_DAYS[priority]), f.lines, objs, f.rating))
    return sorted(items.values(), key=lambda i: (PRIORITY_RANK[i.priority], i.lines[0] if i.lines else 10**9, i.key))
