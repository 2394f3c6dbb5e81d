"""Static lint rules over a validated scenario: each returns findings at YAML paths.

Validation (`scenario_checks`) already rejects what is malformed or names
something unknown; these rules look for scenarios that are well formed but
will not play as the author thinks: triggers that never hold, seats that get
nothing, a role flooded with stimuli, options that make no difference.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from pydantic import BaseModel

from simulator.lint.feasibility import Feasibility
from simulator.lint.findings import Finding
from simulator.model import conditions as c
from simulator.model.base import LocalizedText
from simulator.model.duration import format_duration, format_offset
from simulator.model.scenario import OptionEffect, ScenarioBody
from simulator.model.yaml_loader import dotted

LANGUAGE_NAMES = {"fr": "French", "en": "English"}
EVERYONE = "(the whole cell)"


@dataclass(frozen=True)
class LintOptions:
    """Tunable thresholds of the lint."""

    max_per_role: int = 4  # stimuli one role can take in `window` minutes
    window: int = 15  # minutes
    dynamic: bool = True  # also run the engine headless
    seeds: int = 5  # seeded runs per policy
    policies: tuple[str, ...] = ("passive", "textbook")
    branches: bool = True  # also sweep every decision option (textbook cell)


def static_findings(sc: ScenarioBody, feas: Feasibility, options: LintOptions) -> list[Finding]:
    out: list[Finding] = []
    for rule in (_unreachable, _tasks, _objectives, _roles, _overload, _same_effects, _personas, _texts):
        out.extend(rule(sc, feas, options))
    return out


# ---------------------------------------------------------------- triggers


def _unreachable(sc: ScenarioBody, feas: Feasibility, _o: LintOptions) -> Iterator[Finding]:
    reach = feas.reach
    for base, inj in sc.inject_entries:
        if inj.id in reach.injects:
            continue
        if inj.when is not None:
            why = feas.never(inj.when)
            reason = why.reason if why else "its trigger depends on things that never happen"
            yield Finding("never-fires", base + ("when",) + (why.path if why else ()), f"inject '{inj.id}' can never fire: {reason}")
            continue
        if inj.at is not None:
            continue  # outside the window: a validation error already
        if inj.after is not None:
            yield Finding("never-fires", base + ("after", "inject"), f"inject '{inj.id}' can never fire: it follows inject '{inj.after.inject}', which can never fire")
            continue
        sources = feas.fired_by(inj.id)
        if sources:
            yield Finding("never-fires", base + ("id",), f"inject '{inj.id}' can never fire: it is fired only by {' or '.join(sources)}, which can never happen")
        elif not inj.contingency:
            yield Finding(
                "facilitator-only",
                base + ("id",),
                f"inject '{inj.id}' has no 'at' or 'when' and nothing fires it: only the facilitator can play it (mark it 'contingency: true' if that is the intent)",
            )
    for base, d in sc.decision_entries:
        if d.id in reach.decisions or d.when is None:
            continue
        why = feas.never(d.when)
        reason = why.reason if why else "its trigger depends on things that never happen"
        yield Finding("never-put", base + ("when",) + (why.path if why else ()), f"decision '{d.id}' is never put to the cell: {reason}")


# ---------------------------------------------------------------- objectives


def _tasks(sc: ScenarioBody, feas: Feasibility, _o: LintOptions) -> Iterator[Finding]:
    for i, obj in enumerate(sc.objectives):
        for j, task in enumerate(obj.critical_tasks):
            if task.check is None:
                continue
            path = ("objectives", i, "critical_tasks", j, "check")
            why = feas.never(task.check)
            if why is not None:
                yield Finding(
                    "task-never-met",
                    path + why.path,
                    f"critical task '{obj.id}/{task.id}' can never be met ({why.reason}) and no evaluator rates it: it will always be rated U",
                )
                continue
            always = feas.why_always(task.check)
            if always:
                yield Finding("task-always-met", path, f"critical task '{obj.id}/{task.id}' holds whatever the cell does ({always}): it measures nothing")


def _objectives(sc: ScenarioBody, _f: Feasibility, _o: LintOptions) -> Iterator[Finding]:
    served = {o for inj in sc.all_injects for o in inj.objectives} | {o for d in sc.all_decisions for o in d.objectives}
    for i, obj in enumerate(sc.objectives):
        if obj.id not in served:
            yield Finding("objective-unexercised", ("objectives", i, "id"), f"objective '{obj.id}' is served by no inject or decision: nothing in the exercise puts it to the test")


# ---------------------------------------------------------------- people


def _roles(sc: ScenarioBody, _f: Feasibility, _o: LintOptions) -> Iterator[Finding]:
    declared = {r.id for r in sc.roles}
    for i, p in enumerate(sc.personas):
        if p.role_hint is not None and p.role_hint not in declared:
            where = f"declared roles: {', '.join(sorted(declared))}" if declared else "the scenario declares no roles"
            yield Finding("undeclared-role", ("personas", i, "role_hint"), f"persona '{p.id}' talks to role '{p.role_hint}', which is not declared ({where})")
    stimuli = [inj.to for inj in sc.all_injects] + [d.to for d in sc.all_decisions]
    if any(not to for to in stimuli):
        return  # something is addressed to everyone: every seat receives it
    targeted = {r for to in stimuli for r in to}
    for i, role in enumerate(sc.roles):
        if role.id not in targeted:
            yield Finding("idle-role", ("roles", i), f"role '{role.id}' receives no inject and no decision: the seat has nothing to play")


def _personas(sc: ScenarioBody, _f: Feasibility, _o: LintOptions) -> Iterator[Finding]:
    used = {inj.from_ for inj in sc.all_injects if inj.from_}
    for i, p in enumerate(sc.personas):
        if p.id not in used:
            yield Finding("unused-persona", ("personas", i, "id"), f"persona '{p.id}' sends no inject")


# ---------------------------------------------------------------- pacing


def timed_stimuli(sc: ScenarioBody) -> list[tuple[int, tuple, str, list[str]]]:
    """(time, yaml path, label, roles) of injects and decisions at fixed times; contingency injects excluded."""
    out = []
    for (base, _raw), inj in zip(sc.inject_entries, sc.all_injects):  # modules' on the planned schedule
        if inj.at is not None and not inj.contingency:
            out.append((inj.at, base + ("at",), f"inject '{inj.id}'", inj.to))
    for (base, _raw), d in zip(sc.decision_entries, sc.all_decisions):
        if d.at is not None:
            out.append((d.at, base + ("at",), f"decision '{d.id}'", d.to))
    return sorted(out, key=lambda x: (x[0], x[1]))


def overloads(sc: ScenarioBody, stimuli: list[tuple[int | float, tuple, str, list[str]]], options: LintOptions) -> list[tuple[str, list]]:
    """For each role, the first window holding more than `max_per_role` stimuli."""
    roles = [r.id for r in sc.roles] or [EVERYONE]
    found = []
    for role in roles:
        mine = sorted((s for s in stimuli if not s[3] or role in s[3] or role == EVERYONE), key=lambda x: (x[0], x[1]))
        start = 0
        for end in range(len(mine)):
            while mine[end][0] - mine[start][0] >= options.window:
                start += 1
            if end - start + 1 > options.max_per_role:
                found.append((role, mine[start:end + 1]))
                break
    return found


def overload_message(role: str, window: list, options: LintOptions, suffix: str = "") -> str:
    who = "the cell" if role == EVERYONE else f"role '{role}'"
    names = ", ".join(s[2] for s in window)
    return (
        f"stimulus overload: {who} receives {len(window)} stimuli between {format_offset(window[0][0])} and "
        f"{format_offset(window[-1][0])} (more than {options.max_per_role} in {format_duration(options.window)}{suffix}): {names}"
    )


def _overload(sc: ScenarioBody, _f: Feasibility, options: LintOptions) -> Iterator[Finding]:
    for role, window in overloads(sc, timed_stimuli(sc), options):
        yield Finding("overload", window[-1][1], overload_message(role, window, options))


# ---------------------------------------------------------------- decisions


def _effect_key(e: OptionEffect) -> tuple:
    return (e.action or "", e.target or "", e.count or 0, e.flag or "", e.value if e.flag else True, e.inject or "", e.fact or "")


def conditions_of(sc: ScenarioBody) -> Iterator[Any]:
    for st in sc.threat.stages if sc.threat is not None else ():
        if st.when is not None:
            yield st.when
    for item in (*sc.all_injects, *sc.all_decisions):
        if item.when is not None:
            yield item.when
    for obj in sc.objectives:
        for t in obj.critical_tasks:
            if t.check is not None:
                yield t.check
    if sc.end.when is not None:
        yield sc.end.when


def _same_effects(sc: ScenarioBody, _f: Feasibility, _o: LintOptions) -> Iterator[Finding]:
    tested: set[tuple[str, str]] = set()
    for cond in conditions_of(sc):
        for _p, pred in c.walk(cond):
            if isinstance(pred, c.DecisionTaken) and pred.option is not None:
                tested.add((pred.decision, pred.option))
    for base, d in sc.decision_entries:
        seen: dict[frozenset, str] = {}
        for j, o in enumerate(d.options):
            if (d.id, o.id) in tested:
                continue
            key = frozenset(_effect_key(e) for e in o.effects)
            if key in seen:
                what = "no effect" if not key else "the same effects"
                yield Finding(
                    "same-effects",
                    base + ("options", j, "id"),
                    f"options '{seen[key]}' and '{o.id}' of decision '{d.id}' have {what} and no condition tells them apart: the choice changes nothing",
                )
            else:
                seen[key] = o.id


# ---------------------------------------------------------------- languages


def localized_texts(model: BaseModel, path: tuple = ()) -> Iterator[tuple[tuple, LocalizedText]]:
    """Every localised text of a model with its YAML path."""
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        yield from _texts_in(value, path + (info.alias or name,))


def _texts_in(value: Any, path: tuple) -> Iterator[tuple[tuple, LocalizedText]]:
    if isinstance(value, LocalizedText):
        yield path, value
    elif isinstance(value, BaseModel):
        yield from localized_texts(value, path)
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _texts_in(item, path + (i,))
    elif isinstance(value, dict):
        for k, item in value.items():
            yield from _texts_in(item, path + (k,))


def _texts(sc: ScenarioBody, _f: Feasibility, _o: LintOptions) -> Iterator[Finding]:
    for path, txt in localized_texts(sc):
        if len(path) == 3 and path[0] == "injects" and path[2] == "text":
            continue  # validation already warns about inject texts
        missing = [lang for lang in sc.languages if lang in txt.missing()]
        if missing:
            names = " and ".join(LANGUAGE_NAMES[m] for m in missing)
            yield Finding("missing-text", path, f"no {names} text for {dotted(('scenario',) + path)} (scenario languages: {', '.join(sc.languages)})")
