"""Lint by rehearsal: play the scenario headless over a few seeds and policies, see what never happens.

Static analysis proves only what can *never* fire; a trigger that can hold in
principle may still never hold in practice (a service that never goes down
because the attacker never reaches it). A few seeded runs with a cell that
does nothing (`passive`), one that follows good practice (`textbook`), and
`textbook` sweeps that pick the k-th option of every decision (so each branch
is played at least once) show which non-contingency injects and decisions the
exercise never reaches, and the real pace of conditional stimuli. They also check what an
inject's text asserts about the hospital (its `states`) at the moment it fires: a story the
model contradicts in any run (the VPN the technician says he is connected through is down) is
reported at the inject.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from simulator.engine.exercise import Exercise
from simulator.engine.headless import run_exercise
from simulator.lint.feasibility import Feasibility
from simulator.lint.findings import Finding
from simulator.lint.rules import LintOptions, overload_message, overloads
from simulator.model.diagnostics import one_line
from simulator.model.duration import format_offset
from simulator.model.network import NetworkBody
from simulator.model.policy import PolicyBody, builtin_policy
from simulator.model.scenario import ScenarioBody


@dataclass
class Rehearsal:
    """What the seeded runs saw."""

    runs: int = 0
    injects_fired: set[str] = field(default_factory=set)
    decisions_put: set[str] = field(default_factory=set)
    overloads: dict[str, tuple[list, str]] = field(default_factory=dict)  # role -> (window, "policy, seed")
    contradicted: dict[str, tuple[int, float, str]] = field(default_factory=dict)  # inject -> (states index, time, "policy, seed")


def rehearse(sc: ScenarioBody, net: NetworkBody, options: LintOptions) -> Rehearsal:
    seen = Rehearsal()
    inject_path = {inj.id: base + ("when" if inj.when is not None else "id",) for base, inj in sc.inject_entries}
    decision_path = {d.id: base + ("when" if d.when is not None else "at",) for base, d in sc.decision_entries}
    injects = {inj.id: inj for inj in sc.all_injects}
    decisions = {d.id: d for d in sc.all_decisions}
    for name, policy, named in policies(sc, options):
        for seed in range(options.seeds):
            ex = Exercise(sc, net, seed, policy=policy)
            presented: dict[str, float] = {}
            ex.subscribe(lambda e, p=presented: p.setdefault(e.decision, e.t) if e.kind == "decision-presented" else None)
            if any(inj.states for inj in injects.values()):
                ex.subscribe(_story_check(ex, injects, seen.contradicted, f"{name}, seed {seed}"))
            run_exercise(ex, "end")
            seen.runs += 1
            seen.injects_fired.update(ex.fired)
            seen.decisions_put.update(presented)
            stimuli = [(t, inject_path[i], f"inject '{i}'", injects[i].to) for i, t in ex.fired.items() if 0 <= t <= sc.duration]
            stimuli += [(t, decision_path[d], f"decision '{d}'", decisions[d].to) for d, t in presented.items() if 0 <= t <= sc.duration]
            if not named:
                continue  # the sweeps cover branches; their mixes of choices are not a plausible pace
            for role, window in overloads(sc, stimuli, options):
                seen.overloads.setdefault(role, (window, f"{name}, seed {seed}"))
    return seen


def _story_check(ex: Exercise, injects: dict, found: dict, run: str):
    """A subscriber checking each inject's stated facts the moment it fires (the first run that
    contradicts one is kept)."""

    def check(event) -> None:
        if event.kind != "inject" or event.inject in found:
            return
        for j, stated in enumerate(injects[event.inject].states):
            if not ex.evaluate(stated):
                found[event.inject] = (j, float(event.t), run)
                return

    return check


def compact(cond) -> str:
    """A condition as written in YAML flow style ({service: remote-access, state: up})."""
    data = cond.model_dump(by_alias=True, exclude_none=True, mode="json")

    def flow(value) -> str:
        if isinstance(value, dict):
            return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items() if v is not False or k in ("fired", "value")) + "}"
        if isinstance(value, list):
            return "[" + ", ".join(flow(v) for v in value) + "]"
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    return flow(data)


def policies(sc: ScenarioBody, options: LintOptions) -> list[tuple[str, PolicyBody, bool]]:
    """The named policies, then one `textbook` variant per option rank (every decision takes its k-th option)."""
    out = [(f"policy '{name}'", builtin_policy(name), True) for name in options.policies]
    widest = max((len(d.options) for d in sc.all_decisions), default=0)
    if options.branches and widest:
        base = builtin_policy("textbook")
        for k in range(widest):
            choice = {d.id: d.options[min(k, len(d.options) - 1)].id for d in sc.all_decisions}
            out.append((f"option {k + 1} of every decision", base.model_copy(update={"decisions": choice}), False))
    return out


def dynamic_findings(sc: ScenarioBody, net: NetworkBody, feas: Feasibility, options: LintOptions, static_overload_roles: set[str]) -> list[Finding]:
    if options.seeds <= 0:
        return []
    try:
        seen = rehearse(sc, net, options)
    except Exception as exc:  # an engine failure on a valid scenario must not end the lint in a traceback
        detail = one_line(f"{type(exc).__name__}: {exc}")
        return [Finding("rehearsal-failed", ("id",), f"the engine failed while rehearsing this scenario ({detail}): use --static, and report it")]
    names = ", ".join(options.policies) + (", each decision option" if options.branches and sc.all_decisions else "")
    runs = f"{seen.runs} seeded runs ({names}; {options.seeds} seeds each)"
    out: list[Finding] = []
    for base, inj in sc.inject_entries:
        if inj.contingency or inj.id not in feas.reach.injects or inj.id in seen.injects_fired:
            continue
        where = base + ("when",) if inj.when is not None else base + ("id",)
        out.append(Finding("never-fired-in-runs", where, f"inject '{inj.id}' never fired in {runs}: check its trigger, or mark it 'contingency: true'"))
    for base, d in sc.decision_entries:
        if d.id not in feas.reach.decisions or d.id in seen.decisions_put:
            continue
        where = base + ("when",) if d.when is not None else base + ("at",)
        out.append(Finding("never-put-in-runs", where, f"decision '{d.id}' was never put to the cell in {runs}: check its trigger"))
    for base, inj in sc.inject_entries:
        if inj.id in seen.contradicted:
            j, t, run = seen.contradicted[inj.id]
            out.append(Finding(
                "story-contradicted", base + ("id",),
                f"inject '{inj.id}' states {compact(inj.states[j])} but it does not hold when the inject fires "
                f"({format_offset(t)}, in the run with {run}): change the text, or fire it only when it holds (when:)",
            ))
    for role, (window, run) in sorted(seen.overloads.items()):
        if role in static_overload_roles:
            continue
        out.append(Finding("overload", window[-1][1], overload_message(role, window, options, suffix=f", in the run with {run}")))
    return out
