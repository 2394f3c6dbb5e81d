"""The kit animateur (C/E handbook): everything the animation cell needs, ground truth included.

Sections follow the ANSSI guide and the ANS kits: identity card, objectives
and critical tasks, the scenario's ground truth, the chronogramme DEBEX to
FINEX with expected reactions, decisions, contingency injects, personas to
play, facilitation tips and hot-debrief (RETEX à chaud) questions. Every
authored sentence comes from the scenario file (one source).
"""

from __future__ import annotations

from simulator.guide import chronogramme, describe
from simulator.guide.source import Source
from simulator.guide.text import bullets, long_date, loc, quote, table, tr, url_link, wall_clock
from simulator.model.attack import technique
from simulator.model.duration import format_duration, format_offset


def render(src: Source, lang: str) -> str:
    sc = src.scenario
    names = src.names(lang)
    out: list[str] = []
    add = out.append

    add(f"# {tr('fac.title', lang)} — {loc(sc.title, lang)}")
    add(tr("fac.restricted", lang))
    add(tr("generated", lang, file=src.file_name))

    add(f"## {tr('fac.identity', lang)}")
    add(table(
        [tr("field", lang), tr("value", lang)],
        [
            [tr("id", lang), f"`{sc.id}`"],
            [tr("level", lang), tr(f"level.{sc.level}", lang)],
            [tr("start", lang), long_date(sc.start, lang)],
            [tr("duration", lang), format_duration(sc.duration)],
            [tr("establishment", lang), tr("establishment.value", lang, name=loc(src.network.name, lang), beds=src.network.beds)],
            [tr("languages", lang), ", ".join(sc.languages)],
            [tr("roles", lang), names.roles([r.id for r in sc.roles]) if sc.roles else tr("everyone", lang)],
        ],
    ))
    add(f"### {tr('fac.summary', lang)}")
    add(loc(sc.summary, lang))
    if sc.sources:
        add(f"### {tr('fac.sources', lang)}")
        add(bullets(_source_line(s, lang) for s in sc.sources))
    if sc.facilitator.notes is not None:
        add(f"### {tr('fac.notes', lang)}")
        add(quote(loc(sc.facilitator.notes, lang)))

    add(f"## {tr('fac.objectives', lang)}")
    serving = _serving(src)
    if not sc.objectives:
        add(tr("fac.no-objectives", lang))
    for obj in sc.objectives:
        add(f"### `{obj.id}` — {loc(obj.text, lang)}")
        rows = []
        for task in obj.critical_tasks:
            how = tr("eval.evaluator", lang) if task.rate else tr("eval.auto", lang, cond=describe.condition(task.check, names))
            rows.append([f"`{task.id}`", loc(task.text, lang), how])
        add(table([tr("task", lang), tr("expected", lang), tr("evaluation", lang)], rows))
        stimuli = serving.get(obj.id, [])
        add(tr("fac.served-by", lang, refs=", ".join(f"`{s}`" for s in stimuli)) if stimuli else tr("fac.served-by-none", lang))

    add(f"## {tr('fac.ground-truth', lang)}")
    if sc.threat is None:
        add(tr("fac.no-threat", lang))
    else:
        add(tr("fac.ground-truth.intro", lang))
        actor = sc.threat.actor
        add(bullets([
            tr("fac.actor", lang, name=actor.name, motivation=tr(f"motivation.{actor.motivation}", lang)),
            tr("fac.ransom", lang, amount=src.jurisdiction.money(actor.ransom_amount, lang)) if actor.ransom_amount else tr("fac.no-ransom", lang),
            tr("fac.hurry" if sc.threat.hurry_when_detected else "fac.no-hurry", lang),
        ]))
        ia = sc.threat.initial_access
        stage_rows = [[
            "0", "`initial_access`", _technique(ia.technique), tr("effect.initial-access", lang),
            format_offset(ia.at), names.of(ia.target), _detect(ia.detect, lang),
        ]]
        previous = "initial_access"
        for n, st in enumerate(sc.threat.stages, start=1):
            name = loc(st.name, lang)
            after = st.after.stage if st.after is not None else previous
            timing = tr("fac.after", lang, stage=after, delay=describe.delay(st.after.delay, lang)) if st.after is not None else tr("fac.right-after", lang, stage=after)
            if st.at is not None:
                timing += tr("fac.not-before", lang, time=format_offset(st.at))
            if st.when is not None:
                timing += tr("fac.stage-when", lang, cond=describe.condition(st.when, names))
            effect = st.effect or (technique(st.technique).effect if technique(st.technique) else "none")
            extra = [tr(f"also.{k}", lang) for k, v in sorted(st.also.items()) if v]
            stage_rows.append([
                str(n), f"`{st.id}`" + (f" — {name}" if name else ""), _technique(st.technique),
                tr(f"effect.{effect}", lang) + ("; " + "; ".join(extra) if extra else ""),
                timing, describe.selector(st.targets, names), _detect(st.detect, lang),
            ])
            previous = st.id
        add(table([tr("step", lang), tr("stage", lang), tr("technique", lang), tr("effect", lang), tr("when", lang), tr("targets", lang), tr("detection", lang)], stage_rows))
    if sc.overrides:
        add(f"### {tr('fac.weak-points', lang)}")
        add(bullets(_override(ov, names, lang) for ov in sc.overrides))
    add(f"### {tr('fac.end', lang)}")
    end_lines = [tr("fac.end.duration", lang, duration=format_duration(sc.duration))]
    if sc.end.when is not None:
        end_lines.append(tr("fac.end.when", lang, cond=describe.condition(sc.end.when, names)))
    if sc.end.recovery_services:
        end_lines.append(tr("fac.end.recovery", lang, services=", ".join(names.of(s) for s in sc.end.recovery_services)))
    add(bullets(end_lines))

    add(f"## {tr('fac.chronogramme', lang)}")
    add(tr("fac.chronogramme.intro", lang))
    add(chronogramme.to_markdown(sc, names))

    if sc.modules:
        add(f"## {tr('fac.modules', lang)}")
        add(tr("fac.modules.intro", lang, n=len(sc.modules)))
        for k, m in enumerate(sc.modules):
            add(f"### `{m.id}` — {loc(m.title, lang)}")
            start = sc.module_starts[m.id]
            opens = tr("fac.module.opens", lang, time=format_offset(start), clock=wall_clock(sc.start, start, lang))
            if m.jump:
                opens += tr("fac.module.jump", lang, jump=format_duration(m.jump))
            facts = [opens]
            facts.append(tr("fac.module.length", lang, duration=format_duration(m.duration)) if m.duration is not None else tr("fac.module.to-end", lang))
            if k + 1 < len(sc.modules):
                facts.append(tr("fac.module.next", lang, module=sc.modules[k + 1].id))
            stimuli = [f"`{x.id}`" for x in (*m.injects, *m.decisions)]
            if stimuli:
                facts.append(tr("fac.module.stimuli", lang, refs=", ".join(stimuli)))
            add(bullets(facts))
            if m.narrative is not None:
                add(quote(loc(m.narrative, lang)))
            if m.questions:
                add(tr("fac.module.questions", lang) + "\n\n" + "\n".join(f"{n}. {loc(q, lang)}" for n, q in enumerate(m.questions, start=1)))
            if m.expected:
                add(tr("fac.module.expected", lang) + "\n\n" + bullets(loc(x, lang) for x in m.expected))

    from simulator.guide import cards as cardlib

    if cardlib.has_material(src):
        add(cardlib.facilitator_section(src, lang))

    asked = [inj for inj in sc.all_injects if inj.questions]
    if asked:
        add(f"## {tr('fac.inject-questions', lang)}")
        add(tr("fac.inject-questions.intro", lang))
        for inj in asked:
            add(f"### `{inj.id}`" + (f" — {loc(inj.title, lang)}" if inj.title else ""))
            add("\n".join(f"{n}. {loc(q, lang)}" for n, q in enumerate(inj.questions, start=1)))

    if sc.all_decisions:
        add(f"## {tr('fac.decisions', lang)}")
        for d in sc.all_decisions:
            add(f"### `{d.id}` — {loc(d.prompt, lang)}")
            when = format_offset(d.at) if d.at is not None else describe.condition(d.when, names)
            facts = [
                tr("fac.decision.when", lang, when=when),
                tr("fac.decision.to", lang, roles=names.roles(d.to)),
                tr("fac.decision.deadline", lang, deadline=format_duration(d.deadline), default=d.default),
            ]
            if d.recommended is not None:
                facts.append(tr("fac.decision.recommended", lang, option=d.recommended))
            if d.pause_clock:
                facts.append(tr("fac.decision.pause", lang))
            add(bullets(facts))
            add(table(
                [tr("option", lang), tr("label", lang), tr("consequences", lang)],
                [[f"`{o.id}`" + (" ★" if o.id == d.default else "") + (" ✔" if o.recommended else ""), loc(o.label, lang), describe.effects(o.effects, names)] for o in d.options],
            ))

    contingency = [i for i in sc.all_injects if i.contingency]
    add(f"## {tr('fac.contingency', lang)}")
    if not contingency:
        add(tr("fac.contingency.none", lang))
    for inj in contingency:
        add(f"### `{inj.id}`" + (f" — {loc(inj.title, lang)}" if inj.title else ""))
        trigger = describe.condition(inj.when, names) if inj.when is not None else (format_offset(inj.at) if inj.at is not None else tr("trigger.facilitator", lang, inject=inj.id))
        add(bullets([
            tr("fac.contingency.when", lang, cond=trigger),
            tr("fac.contingency.route", lang, sender=names.persona(inj.from_), to=names.roles(inj.to), channel=tr(f"channel.{inj.channel}", lang)),
            tr("fac.contingency.fire", lang, inject=inj.id),
        ]))
        add(quote(loc(inj.text, lang)))
        if inj.expected:
            add(tr("fac.expected", lang) + "\n\n" + bullets(loc(x, lang) for x in inj.expected))
        if inj.facilitator_note is not None:
            add(tr("fac.note", lang, note=loc(inj.facilitator_note, lang)))

    if sc.personas:
        add(f"## {tr('fac.personas', lang)}")
        sends: dict[str, list[str]] = {}
        for inj in sc.all_injects:
            if inj.from_:
                sends.setdefault(inj.from_, []).append(f"`{inj.id}`")
        add(table(
            [tr("persona", lang), tr("talks-to", lang), tr("how-to-play", lang), tr("injects", lang)],
            [[f"**{loc(p.name, lang)}** (`{p.id}`)", names.role(p.role_hint) if p.role_hint else "", loc(p.description, lang), ", ".join(sends.get(p.id, []))] for p in sc.personas],
        ))

    add(f"## {tr('fac.tips', lang)}")
    tips = [tr(f"fac.tip.{n}", lang) for n in range(1, 7)]
    noise = [f"`{i.id}`" for i in sc.all_injects if i.noise]
    if noise:
        tips.append(tr("fac.tip.noise", lang, injects=", ".join(noise)))
    paused = [f"`{d.id}`" for d in sc.all_decisions if d.pause_clock]
    if paused:
        tips.append(tr("fac.tip.paused", lang, decisions=", ".join(paused)))
    add(bullets(tips))
    notes = [(i.id, loc(i.facilitator_note, lang)) for i in sc.all_injects if i.facilitator_note is not None and not i.contingency]
    if notes:
        add(f"### {tr('fac.inject-notes', lang)}")
        add(bullets(f"`{iid}` — {note}" for iid, note in notes))

    add(f"## {tr('fac.debrief', lang)}")
    add(tr("fac.debrief.intro", lang))
    questions = [loc(q, lang) for q in sc.facilitator.debrief_questions] + [tr(f"fac.debrief.q{n}", lang) for n in range(1, 5)]
    add("\n".join(f"{n}. {q}" for n, q in enumerate(questions, start=1)))
    return "\n\n".join(out) + "\n"


def _serving(src: Source) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for item in (*src.scenario.all_injects, *src.scenario.all_decisions):
        for o in item.objectives:
            out.setdefault(o, []).append(item.id)
    return out


def _technique(tid: str) -> str:
    tech = technique(tid)
    return f"{tid} {tech.name}" if tech else tid


def _detect(detect, lang: str) -> str:
    if detect is None:
        return tr("detect.default", lang)
    extra = ", ".join(f"+{p:.0%} {k}" for k, p in sorted(detect.with_.items()))
    return f"{detect.base:.0%}" + (f" ({extra})" if extra else "")


def _value(v) -> str:
    return str(v).lower() if isinstance(v, bool) else f"{v:g}" if isinstance(v, float) else str(v)


def _override(ov, names, lang: str) -> str:
    if ov.controls is not None:
        changes = ", ".join(f"{k} = {_value(v)}" for k, v in ov.controls.model_dump(exclude_none=True).items())
        text = tr("override.controls", lang, changes=changes) if ov.asset is None else tr("override.asset-controls", lang, asset=names.of(ov.asset), changes=changes)
    elif ov.backup is not None:
        changes = ", ".join(f"{k} = {_value(v)}" for k, v in ov.backup.model_dump(exclude_none=True).items())
        text = tr("override.backup", lang, asset=names.of(ov.asset), changes=changes)
    elif ov.remove:
        text = tr("override.remove", lang, asset=names.of(ov.asset))
    elif ov.it_staff is not None:
        changes = ", ".join(f"{k} = {format_duration(v) if k == 'recall_delay' else _value(v)}" for k, v in ov.it_staff.model_dump(exclude_none=True).items())
        text = tr("override.staff", lang, changes=changes)
    elif ov.add_flow is not None:
        text = tr("override.add-flow", lang, src=names.of(ov.add_flow.from_zone), dst=names.of(ov.add_flow.to_zone))
    else:
        text = tr("override.remove-flow", lang, src=names.of(ov.remove_flow.from_zone), dst=names.of(ov.remove_flow.to_zone))
    return text + (f" — {loc(ov.note, lang)}" if ov.note is not None else "")


def _source_line(source, lang: str) -> str:
    date = f" ({source.date.isoformat()})" if source.date else ""
    return f"{loc(source.title, lang)}{date} — {url_link(source.url)}"
