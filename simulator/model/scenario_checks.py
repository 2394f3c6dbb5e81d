"""Cross-reference checks of a scenario, each error at its YAML position.

Loads the referenced network (reporting its own errors as they are), applies
the overrides, then checks every reference: techniques, stages, personas,
roles, objectives, injects, decisions, options, actions and their targets,
services and assets named in conditions, times against the exercise window.
"""

from __future__ import annotations

from pathlib import Path

from typing import Any, Iterable

from simulator.model.actions import ActionCatalogue, default_catalogue
from simulator.model.attachments import AttachmentError, AttachmentFile
from simulator.model.attachments import resolve as resolve_attachment
from simulator.model.attack import techniques
from simulator.model.conditions import (
    ActionDone,
    AssetIs,
    ClinicalThreshold,
    ClockIs,
    DecisionTaken,
    Detected,
    FlagIs,
    FunctionIs,
    InjectFired,
    ServiceIs,
    StageIs,
    TimeAfter,
    walk,
)
from simulator.model.diagnostics import Diagnostic, InputError
from simulator.model.duration import format_offset
from simulator.model.jurisdiction import Jurisdiction, JurisdictionChoice, union_catalogue, extension_problems, load_pack, pack_ids, resolve
from simulator.model.network import NetworkBody
from simulator.model.overrides import apply_overrides, override_problem
from simulator.model.scenario import OptionEffect, ScenarioBody
from simulator.model.targets import NetworkIndex, resolve_target
from simulator.model.trigger_cycles import Stimulus, dead_stimuli
from simulator.model.validation import suggest
from simulator.model.yaml_loader import Document

ROOT = ("scenario",)
INITIAL = "initial_access"


def _unknown(kind: str, ref: str, known: Iterable[str]) -> str:
    hint = suggest(ref, known)
    return f"unknown {kind} '{ref}'" + (f" (did you mean '{hint}'?)" if hint else "")


def load_network_for(sc: ScenarioBody, doc: Document, files: list[Path] | None = None) -> tuple[NetworkBody | None, list[Diagnostic]]:
    """The scenario's network (overrides not applied), or the diagnostics that prevent it.
    `files`, if given, receives the network file and the fragments it includes."""
    from simulator.model.documents import load_document, resolve_reference

    from simulator.model.documents import WrongKind

    try:
        path = resolve_reference(doc, ROOT + ("network",), sc.network)
        loaded = load_document(path, expect="network")
    except WrongKind as exc:
        where = doc.position(ROOT + ("network",))
        return None, [Diagnostic.at(where, f"scenario.network: '{sc.network}' is a '{exc.found}:' file, not a network")]
    except InputError as exc:
        return None, list(exc.diagnostics)
    if files is not None:
        files.extend([Path(path), *loaded.included])
    return loaded.model.network, []


def _jurisdiction(sc: ScenarioBody) -> tuple[Jurisdiction, list[tuple[tuple, str]]]:
    """The scenario's jurisdiction, or the default one and the problems (yaml paths) that prevent it."""
    choice = sc.jurisdiction
    if choice is None:
        return resolve(None), []
    if choice.pack not in pack_ids():
        # `jurisdiction: usa` has no `pack` key: the position falls back to the value
        return resolve(None), [(("jurisdiction", "pack"), _unknown("jurisdiction pack", choice.pack, pack_ids()))]
    body = load_pack(choice.pack)
    problems: list[tuple[tuple, str]] = []
    for section in ("authorities", "support", "clocks"):
        seen: set[str] = set()
        for i, item in enumerate(getattr(choice, section)):
            if item.id in seen:
                problems.append((("jurisdiction", section, i, "id"), f"duplicate {section} id '{item.id}'"))
            seen.add(item.id)
    jur = resolve(choice)
    known_clocks = {c.id for c in body.clocks} | {c.id for c in choice.clocks}
    for i, cid in enumerate(choice.without_clocks):
        if cid not in known_clocks:
            problems.append((("jurisdiction", "without_clocks", i), _unknown(f"clock of the '{body.id}' pack", cid, known_clocks)))
    problems += extension_problems(list(jur.authorities.values()), list(choice.support), list(choice.clocks), ("jurisdiction",))
    return jur, problems


def check_scenario(sc: ScenarioBody, doc: Document, net: NetworkBody | None = None, catalogue: ActionCatalogue | None = None) -> list[Diagnostic]:
    diags: list[Diagnostic] = []

    def err(path: tuple, message: str, key: bool = False, severity: str = "error") -> None:
        diags.append(Diagnostic.at(doc.position(ROOT + path, key=key), message, severity))  # type: ignore[arg-type]

    if net is None:
        net, problems = load_network_for(sc, doc)
        diags.extend(problems)
        if net is None:
            return diags
    for i, ov in enumerate(sc.overrides):
        problem = override_problem(net, ov)
        if problem is not None:
            err(("overrides", i, problem[0]), problem[1])
    net = apply_overrides(net, sc.overrides)
    index = NetworkIndex(net)
    jur, problems = _jurisdiction(sc)
    for path, message in problems:
        err(path, message)
    if problems and sc.jurisdiction is not None and sc.jurisdiction.pack not in pack_ids():
        # an unknown pack: say so once, and accept what any pack would (no cascade of errors)
        CLOCK_IDS: tuple[str, ...] = tuple(c for p in pack_ids() for c in resolve(JurisdictionChoice(pack=p)).clock_ids)
        catalogue = union_catalogue()
    else:
        CLOCK_IDS = jur.clock_ids
        catalogue = jur.catalogue(catalogue or default_catalogue())
    actions = catalogue.actions
    if sc.threat is not None and sc.threat.actor.ransom_eur is not None and jur.currency.code != "EUR":
        err(("threat", "actor", "ransom_eur"), f"'ransom_eur' is in euros, but this scenario's currency is {jur.currency.code} ({jur.id} jurisdiction): write 'ransom'", key=True)
    end = sc.duration

    def dup_entries(what: str, entries) -> set[str]:
        """Duplicate ids among (path, item) entries spread over sections (top level and modules)."""
        seen: dict[str, tuple] = {}
        for path, item in entries:
            if item.id in seen:
                p = doc.position(ROOT + seen[item.id] + ("id",))
                err(path + ("id",), f"duplicate {what} id '{item.id}' (first at {p.file}:{p.line}:{p.col})")
            else:
                seen[item.id] = path
        return set(seen)

    def dup_check(section: str, items: list, extra: tuple = ()) -> set[str]:
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            if item.id in seen or item.id in extra:
                first = seen.get(item.id)
                where = ""
                if first is not None:
                    p = doc.position(ROOT + (section, first, "id"))
                    where = f" (first at {p.file}:{p.line}:{p.col})"
                err((section, i, "id"), f"duplicate {section[:-1].replace('_', ' ')} id '{item.id}'{where}")
            else:
                seen[item.id] = i
        return set(seen)

    roles = dup_check("roles", sc.roles)
    personas = dup_check("personas", sc.personas)
    injects = dup_entries("inject", sc.inject_entries)
    decisions = dup_entries("decision", sc.decision_entries)
    dup_check("modules", sc.modules)
    objectives = dup_check("objectives", sc.objectives)
    tasks: set[str] = set()

    # threat
    known_tech = techniques()
    seen_stages: dict[str, int] = {}
    if sc.threat is not None:
        ia = sc.threat.initial_access
        if ia.technique not in known_tech:
            err(("threat", "initial_access", "technique"), _unknown("ATT&CK technique", ia.technique, known_tech))
        if index.kinds.get(ia.target) != "asset":
            err(("threat", "initial_access", "target"), f"initial access names {_unknown('asset', ia.target, index.ids('asset'))}")
        if ia.at > end:
            err(("threat", "initial_access", "at"), f"initial access at {format_offset(ia.at)} is after the end of the exercise ({format_offset(end)})")
        for i, st in enumerate(sc.threat.stages):
            base = ("threat", "stages", i)
            if st.id == INITIAL or st.id in seen_stages:
                err(base + ("id",), f"duplicate stage id '{st.id}'" + (" ('initial_access' is reserved)" if st.id == INITIAL else ""))
            if st.technique not in known_tech:
                err(base + ("technique",), _unknown("ATT&CK technique", st.technique, known_tech))
            if st.after is not None and st.after.stage == st.id:
                err(base + ("after", "stage"), f"stage '{st.id}' follows itself: name the stage it comes after")
            elif st.after is not None and st.after.stage != INITIAL and st.after.stage not in seen_stages:
                later = any(s.id == st.after.stage for s in sc.threat.stages[i + 1:])
                msg = (
                    f"stage '{st.id}' follows '{st.after.stage}', which comes later: list stages in order"
                    if later
                    else f"stage '{st.id}' follows {_unknown('stage', st.after.stage, [INITIAL, *seen_stages])}"
                )
                err(base + ("after", "stage"), msg)
            if st.at is not None and st.at > end:
                err(base + ("at",), f"stage at {format_offset(st.at)} is after the end of the exercise ({format_offset(end)})")
            if st.targets is not None:
                sel = st.targets
                for j, a in enumerate(sel.assets):
                    if index.kinds.get(a) != "asset":
                        err(base + ("targets", "assets", j), _unknown("asset", a, index.ids("asset")))
                for j, z in enumerate(sel.zones):
                    if index.kinds.get(z) != "zone":
                        err(base + ("targets", "zones", j), _unknown("zone", z, index.ids("zone")))
                for j, s in enumerate(sel.services):
                    if index.kinds.get(s) != "service":
                        err(base + ("targets", "services", j), _unknown("service", s, index.ids("service")))
                sites = {s.id for s in net.sites}
                for j, s in enumerate(sel.sites):
                    if s not in sites:
                        err(base + ("targets", "sites", j), _unknown("site", s, sites))
            seen_stages.setdefault(st.id, i)
    stages = {INITIAL, *seen_stages} if sc.threat is not None else set()

    # objectives and tasks
    for i, obj in enumerate(sc.objectives):
        seen_t: set[str] = set()
        for j, t in enumerate(obj.critical_tasks):
            if t.id in seen_t:
                err(("objectives", i, "critical_tasks", j, "id"), f"duplicate critical task id '{t.id}' in objective '{obj.id}'")
            seen_t.add(t.id)
            tasks.add(t.id)

    option_ids = {d.id: {o.id for o in d.options} for d in sc.all_decisions}
    flags_set: set[str] = set()
    for inj in sc.all_injects:
        flags_set.update(e.flag for e in inj.effects if e.flag)
    for d in sc.all_decisions:
        for o in d.options:
            flags_set.update(e.flag for e in o.effects if e.flag)

    def check_condition(path: tuple, cond: Any) -> None:
        for rel, c in walk(cond):
            p = path + rel
            if isinstance(c, ServiceIs) and index.kinds.get(c.service) != "service":
                err(p + ("service",), f"condition on {_unknown('service', c.service, index.ids('service'))}")
            elif isinstance(c, FunctionIs) and index.kinds.get(c.function) != "function":
                err(p + ("function",), f"condition on {_unknown('clinical function', c.function, index.ids('function'))}")
            elif isinstance(c, ClinicalThreshold) and index.kinds.get(c.clinical) != "function":
                err(p + ("clinical",), f"condition on {_unknown('clinical function', c.clinical, index.ids('function'))}")
            elif isinstance(c, AssetIs) and index.kinds.get(c.asset) != "asset":
                err(p + ("asset",), f"condition on {_unknown('asset', c.asset, index.ids('asset'))}")
            elif isinstance(c, DecisionTaken):
                if c.decision not in option_ids:
                    err(p + ("decision",), f"condition on {_unknown('decision', c.decision, option_ids)}")
                elif c.option is not None and c.option not in option_ids[c.decision]:
                    err(p + ("option",), f"decision '{c.decision}' has no option '{c.option}' (options: {', '.join(sorted(option_ids[c.decision]))})")
            elif isinstance(c, InjectFired) and c.inject not in injects:
                err(p + ("inject",), f"condition on {_unknown('inject', c.inject, injects)}")
            elif isinstance(c, ClockIs) and c.clock not in CLOCK_IDS:
                err(p + ("clock",), f"condition on {_unknown('clock', c.clock, CLOCK_IDS)}")
            elif isinstance(c, StageIs) and sc.threat is None:
                err(p + ("stage",), f"condition on attack stage '{c.stage}': this exercise has no threat (discussion only)")
            elif isinstance(c, StageIs) and c.stage not in stages:
                err(p + ("stage",), f"condition on {_unknown('stage', c.stage, stages)}")
            elif isinstance(c, Detected) and c.detected != "any" and sc.threat is None:
                err(p + ("detected",), f"'detected: {c.detected}' names an attack stage or technique: this exercise has no threat (use 'detected: any')")
            elif isinstance(c, Detected) and c.detected != "any" and c.detected not in stages and c.detected not in known_tech:
                err(p + ("detected",), f"'detected' names neither 'any', a stage nor an ATT&CK technique: '{c.detected}'")
            elif isinstance(c, FlagIs) and c.flag not in flags_set:
                err(p + ("flag",), f"flag '{c.flag}' is never set by an inject or a decision option", severity="warning")
            elif isinstance(c, TimeAfter) and c.time > end:
                err(p + ("time",), f"time {format_offset(c.time)} is after the end of the exercise ({format_offset(end)}): the condition can never hold in the window", severity="warning")
            elif isinstance(c, ActionDone):
                if c.action not in actions:
                    err(p + ("action",), f"condition on {_unknown('action', c.action, actions)}")
                elif c.target is not None:
                    try:
                        resolve_target(c.action, actions[c.action], c.target, index)
                    except ValueError as exc:
                        err(p + ("target",), str(exc))
                if c.before_clock is not None and c.before_clock not in CLOCK_IDS:
                    err(p + ("before_clock",), _unknown("clock", c.before_clock, CLOCK_IDS))

    def check_effects(path: tuple, effects: list[OptionEffect]) -> None:
        for k, eff in enumerate(effects):
            p = path + (k,)
            if eff.action is not None:
                if eff.action not in actions:
                    err(p + ("action",), _unknown("action", eff.action, actions))
                elif eff.action == "pay-ransom" and sc.threat is None:
                    err(p + ("action",), "'pay-ransom' needs an attacker: this exercise has no threat (record the choice with a flag)")
                else:
                    try:
                        resolve_target(eff.action, actions[eff.action], eff.target, index)
                    except ValueError as exc:
                        err(p + ("target",) if eff.target is not None else p + ("action",), str(exc))
            if eff.inject is not None and eff.inject not in injects:
                err(p + ("inject",), _unknown("inject", eff.inject, injects))

    def check_refs(path: tuple, refs: list[str], known: set[str], what: str) -> None:
        for j, r in enumerate(refs):
            if r not in known:
                err(path + (j,), _unknown(what, r, known) if known else f"unknown {what} '{r}': the scenario declares none")

    for i, st in enumerate(sc.threat.stages if sc.threat is not None else ()):
        if st.when is not None:
            check_condition(("threat", "stages", i, "when"), st.when)

    modules = {m.id: m for m in sc.modules}
    starts = sc.module_starts
    _check_modules(sc, err)

    def module_time(path: tuple, what: str, ident: str, at: int | None) -> bool:
        """A module stimulus's `at` within its module; True when it is fine to check the rest."""
        m = modules.get(sc.module_of.get(ident, "")) if path[0] == "modules" else None
        if m is None or at is None:
            return True
        if at < 0:
            err(path + ("at",), f"{what} '{ident}' at {format_offset(at)}: in a module, 'at' counts from the module's start and cannot be negative")
            return False
        if m.duration is not None and at > m.duration:
            err(path + ("at",), f"{what} '{ident}' at {format_offset(at)} is after the end of its module '{m.id}' ({format_offset(m.duration)} long)")
            return False
        return True

    for (base, inj), planned in zip(sc.inject_entries, sc.all_injects):
        if not module_time(base, "inject", inj.id, inj.at):
            pass
        elif planned.at is not None and planned.at > end:
            where = f" (its module '{sc.module_of[inj.id]}' opens at {format_offset(starts[sc.module_of[inj.id]])} on the planned schedule)" if inj.id in sc.module_of else ""
            err(base + ("at",), f"inject '{inj.id}' at {format_offset(planned.at)} is after the end of the exercise ({format_offset(end)}){where}")
        elif planned.at is not None and planned.at < 0:
            err(base + ("at",), f"inject '{inj.id}' at {format_offset(inj.at)} is before T+0: the cell is not yet in the room")
        if inj.after is not None and inj.after.inject not in injects:
            err(base + ("after", "inject"), f"inject '{inj.id}' follows {_unknown('inject', inj.after.inject, injects)}")
        if inj.from_ is not None and inj.from_ not in personas:
            err(base + ("from",), _unknown("persona", inj.from_, personas) if personas else f"unknown persona '{inj.from_}': the scenario declares no personas")
        check_refs(base + ("to",), inj.to, roles, "role")
        check_refs(base + ("objectives",), inj.objectives, objectives, "objective")
        for j, ans in enumerate(inj.answered_by):
            # the same checks as the action and decision predicates of a condition, at the same keys
            leaf = DecisionTaken.model_construct(decision=ans.decision, option=None) if ans.decision is not None else ActionDone.model_construct(
                action=ans.action, target=ans.target, before_clock=None
            )
            check_condition(base + ("answered_by", j), leaf)
        if inj.when is not None:
            check_condition(base + ("when",), inj.when)
        for j, stated in enumerate(inj.states):
            check_condition(base + ("states", j), stated)
        check_effects(base + ("effects",), inj.effects)
        for k, eff in enumerate(inj.effects):
            if eff.inject == inj.id:
                err(base + ("effects", k, "inject"), f"inject '{inj.id}' cannot fire itself")

    for (base, raw), d in zip(sc.decision_entries, sc.all_decisions):
        seen_o: set[str] = set()
        for j, o in enumerate(d.options):
            if o.id in seen_o:
                err(base + ("options", j, "id"), f"duplicate option id '{o.id}' in decision '{d.id}'")
            seen_o.add(o.id)
            check_effects(base + ("options", j, "effects"), o.effects)
        if d.default not in seen_o:
            err(base + ("default",), f"default option '{d.default}' is not among the options of '{d.id}'" + (lambda h: f" (did you mean '{h}'?)" if h else "")(suggest(d.default, sorted(seen_o))))
        check_refs(base + ("to",), d.to, roles, "role")
        check_refs(base + ("objectives",), d.objectives, objectives, "objective")
        if not module_time(base, "decision", d.id, raw.at):
            pass
        elif d.at is not None:
            if d.at > end:
                err(base + ("at",), f"decision '{d.id}' at {format_offset(d.at)} is after the end of the exercise ({format_offset(end)})")
            elif d.at + d.deadline > end:
                err(base + ("deadline",), f"decision '{d.id}' deadline {format_offset(d.at + d.deadline)} is beyond the end of the exercise ({format_offset(end)}): unreachable")
            if d.at < 0:
                err(base + ("at",), f"decision '{d.id}' at {format_offset(d.at)} is before T+0")
        if d.deadline == 0:
            err(base + ("deadline",), f"decision '{d.id}' has a deadline of 0m: its default would apply the instant it is put, before anyone can answer (give the cell time, e.g. 15m)")
        if d.deadline > end:
            err(base + ("deadline",), f"decision '{d.id}' deadline of {format_offset(d.deadline)[2:]} is longer than the exercise ({format_offset(end)[2:]}): unreachable")
        if d.when is not None:
            check_condition(base + ("when",), d.when)

    for i, obj in enumerate(sc.objectives):
        for j, t in enumerate(obj.critical_tasks):
            if t.check is not None:
                check_condition(("objectives", i, "critical_tasks", j, "check"), t.check)
            if t.improvement is not None and t.improvement.owner is not None and t.improvement.owner not in roles:
                p = ("objectives", i, "critical_tasks", j, "improvement", "owner")
                err(p, _unknown("role", t.improvement.owner, roles) if roles else f"unknown role '{t.improvement.owner}': the scenario declares none")

    if sc.end.when is not None:
        check_condition(("end", "when"), sc.end.when)
    for j, s in enumerate(sc.end.recovery_services):
        if index.kinds.get(s) != "service":
            err(("end", "recovery_services", j), _unknown("service", s, index.ids("service")))
    for aid in sc.actions:
        if aid not in actions:
            err(("actions", aid), _unknown("action", aid, actions), key=True)
    for key in sc.engine:
        if key not in catalogue.engine:
            err(("engine", key), _unknown("engine parameter", key, catalogue.engine), key=True)
    for aid, ov in sc.actions.items():
        if aid in actions:
            for pkey in ov.params:
                if pkey not in actions[aid].params:
                    err(("actions", aid, "params", pkey), _unknown(f"parameter of '{aid}'", pkey, actions[aid].params) if actions[aid].params else f"action '{aid}' has no parameters", key=True)

    stimuli = [
        Stimulus("inject", inj.id, path, inj.at, inj.when, inj.after.inject if inj.after is not None else None, inj.contingency)
        for path, inj in sc.inject_entries
    ]
    stimuli += [Stimulus("decision", d.id, path, d.at, d.when) for path, d in sc.decision_entries]
    firers: dict[str, list[tuple[str, str]]] = {}
    for inj in sc.all_injects:
        for eff in inj.effects:
            if eff.inject is not None:
                firers.setdefault(eff.inject, []).append(("inject", inj.id))
    for d in sc.all_decisions:
        for o in d.options:
            for eff in o.effects:
                if eff.inject is not None:
                    firers.setdefault(eff.inject, []).append(("decision", d.id))
    for dead in dead_stimuli(stimuli, firers):
        err(dead.path, dead.message)

    for path, message in attachment_problems(sc, doc):
        err(path, message)

    for base, inj in sc.inject_entries:
        for lang in sc.languages:
            if lang in inj.text.missing():
                err(base + ("text",), f"inject '{inj.id}' has no {lang} text (scenario languages: {', '.join(sc.languages)})", severity="warning")
    return diags


def scenario_attachments(sc: ScenarioBody, doc: Document) -> tuple[dict[str, AttachmentFile], list[tuple[tuple, str]]]:
    """Every attachment of the scenario, checked (by reference), and the problems as (yaml path, message)."""
    found: dict[str, AttachmentFile] = {}
    problems: list[tuple[tuple, str]] = []
    for base, inj in sc.inject_entries:
        for k, att in enumerate(inj.attachments):
            if att.file in found:
                continue
            try:
                found[att.file] = resolve_attachment(doc.path, att.file)
            except AttachmentError as exc:
                problems.append((base + ("attachments", k, "file"), str(exc)))
    return found, problems


def attachment_problems(sc: ScenarioBody, doc: Document) -> list[tuple[tuple, str]]:
    return scenario_attachments(sc, doc)[1]


def _check_modules(sc: ScenarioBody, err) -> None:
    """Modules follow each other on a planned schedule that fits the exercise window."""
    end = sc.duration
    last = len(sc.modules) - 1
    for k, m in enumerate(sc.modules):
        base = ("modules", k)
        if k == 0 and m.jump:
            err(base + ("jump",), f"module '{m.id}' opens the exercise at T+0: the first module cannot jump (start the scenario later instead)")
        if m.duration is None and k < last:
            err(base + ("id",), f"module '{m.id}' needs a 'duration' (its planned length: headless runs move on after it); only the last module may run to the end")
        start = sc.module_starts[m.id]
        if start >= end:
            err(base + ("jump",) if m.jump else base + ("id",), f"module '{m.id}' opens at {format_offset(start)} on the planned schedule, at or after the end of the exercise ({format_offset(end)})")
        elif m.duration is not None and start + m.duration > end:
            err(base + ("duration",), f"module '{m.id}' runs until {format_offset(start + m.duration)} on the planned schedule, after the end of the exercise ({format_offset(end)})")
