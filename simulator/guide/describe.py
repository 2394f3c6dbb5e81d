"""Conditions, effects, delays and target selectors in plain French or English, for the animation cell."""

from __future__ import annotations

from typing import Any

from simulator.guide.text import Names, tr
from simulator.model import conditions as c
from simulator.model import distributions as dist
from simulator.model.duration import format_duration, format_offset
from simulator.model.scenario import OptionEffect, Selector


def condition(cond: Any, names: Names, nested: bool = False) -> str:
    """`{all: [{time: T+4h}, {not: {action: notify, target: cert-sante}}]}` -> `from T+4h and not (action "notify cert-sante" taken)`."""
    lang = names.lang
    if isinstance(cond, (c.AllOf, c.AnyOf)):
        parts = cond.all if isinstance(cond, c.AllOf) else cond.any
        joiner = tr("cond.and" if isinstance(cond, c.AllOf) else "cond.or", lang)
        text = joiner.join(condition(p, names, nested=True) for p in parts)
        return f"({text})" if nested and len(parts) > 1 else text
    if isinstance(cond, c.NotOf):
        return tr("cond.not", lang, cond=condition(cond.not_, names))
    text = _predicate(cond, names)
    duration = getattr(cond, "for_", None)
    if duration:
        text += tr("cond.for", lang, duration=format_duration(duration))
    return text


def _predicate(cond: Any, names: Names) -> str:
    lang = names.lang
    if isinstance(cond, c.ServiceIs):
        return tr("cond.service", lang, name=names.of(cond.service), state=tr(f"state.{cond.state}", lang))
    if isinstance(cond, c.FunctionIs):
        return tr("cond.function", lang, name=names.of(cond.function), state=tr(f"state.{cond.state}", lang))
    if isinstance(cond, c.AssetIs):
        return tr("cond.asset", lang, name=names.of(cond.asset), state=tr(f"state.{cond.state}", lang))
    if isinstance(cond, c.ClinicalThreshold):
        bound = f"> {cond.above:g}" if cond.above is not None else f"< {cond.below:g}"
        if cond.above is not None and cond.below is not None:
            bound = f"> {cond.above:g}, < {cond.below:g}"
        return tr("cond.clinical", lang, name=names.of(cond.clinical), metric=tr(f"metric.{cond.metric}", lang), bound=bound)
    if isinstance(cond, c.TimeAfter):
        return tr("cond.time", lang, time=format_offset(cond.time))
    if isinstance(cond, c.DecisionTaken):
        if cond.option is None:
            return tr("cond.decision", lang, decision=cond.decision)
        return tr("cond.decision-option", lang, decision=cond.decision, option=cond.option)
    if isinstance(cond, c.ActionDone):
        text = tr("cond.action-done" if cond.done else "cond.action", lang, command=f"{cond.action} {cond.target or ''}".strip())
        if cond.within is not None:
            text += tr("cond.within", lang, duration=format_duration(cond.within), anchor=tr(f"anchor.{cond.from_}", lang))
        if cond.before is not None:
            text += tr("cond.before", lang, time=format_offset(cond.before))
        if cond.before_clock is not None:
            text += tr("cond.before-clock", lang, clock=cond.before_clock)
        return text
    if isinstance(cond, c.ClockIs):
        return tr("cond.clock", lang, clock=cond.clock, state=tr(f"clock.{cond.state}", lang))
    if isinstance(cond, c.InjectFired):
        return tr("cond.inject" if cond.fired else "cond.inject-not", lang, inject=cond.inject)
    if isinstance(cond, c.FlagIs):
        return tr("cond.flag" if cond.value else "cond.flag-not", lang, flag=cond.flag)
    if isinstance(cond, c.StageIs):
        return tr("cond.stage", lang, stage=cond.stage, state=tr(f"stage.{cond.state}", lang))
    if isinstance(cond, c.Detected):
        if cond.detected == "any":
            return tr("cond.detected-any", lang)
        return tr("cond.detected", lang, what=cond.detected)
    if isinstance(cond, c.FactIs):
        text = tr("cond.fact", lang, fact=tr(f"fact.{cond.fact}", lang))
        if cond.within is not None:
            text += tr("cond.fact-within", lang, duration=format_duration(cond.within))
        return text
    if isinstance(cond, c.InForce):
        return tr("cond.in-force", lang, measure=cond.in_force)
    return type(cond).__name__


def effect(eff: OptionEffect, names: Names) -> str:
    lang = names.lang
    if eff.action is not None:
        command = " ".join(str(x) for x in (eff.action, eff.target, eff.count) if x)
        return tr("effect.action", lang, command=command)
    if eff.flag is not None:
        return tr("effect.flag" if eff.value else "effect.flag-off", lang, flag=eff.flag)
    if eff.fact is not None:
        return tr(f"effect.told.{eff.fact}", lang)
    return tr("effect.inject", lang, inject=eff.inject)


def effects(items: list[OptionEffect], names: Names) -> str:
    return "; ".join(effect(e, names) for e in items) if items else tr("effects.none", names.lang)


def delay(value: Any, lang: str) -> str:
    if isinstance(value, dist.Fixed):
        return format_duration(value.fixed)
    if isinstance(value, dist.Exponential):
        return tr("delay.exponential", lang, mean=format_duration(value.exponential.mean))
    if isinstance(value, dist.Lognormal):
        return tr("delay.lognormal", lang, median=format_duration(value.lognormal.median), p90=format_duration(value.lognormal.p90))
    if isinstance(value, dist.Triangular):
        s = value.triangular
        return tr("delay.triangular", lang, min=format_duration(s.min), mode=format_duration(s.mode), max=format_duration(s.max))
    if isinstance(value, dist.Uniform):
        return tr("delay.uniform", lang, min=format_duration(value.uniform.min), max=format_duration(value.uniform.max))
    return str(value)


def selector(sel: Selector | None, names: Names) -> str:
    lang = names.lang
    if sel is None:
        return tr("selector.default", lang)
    parts = []
    for key in ("assets", "zones", "services", "sites"):
        ids = getattr(sel, key)
        if ids:
            parts.append(tr(f"selector.{key}", lang, ids=", ".join(names.of(i) for i in ids)))
    if sel.kind is not None:
        kinds = sel.kind if isinstance(sel.kind, list) else [sel.kind]
        parts.append(tr("selector.kind", lang, kinds=", ".join(getattr(k, "value", str(k)) for k in kinds)))
    if sel.domain_joined is not None:
        parts.append(tr("selector.domain-joined" if sel.domain_joined else "selector.not-domain-joined", lang))
    if sel.online is not None:
        parts.append(tr("selector.online" if sel.online else "selector.offline", lang))
    if not sel.reachable_only:
        parts.append(tr("selector.unreachable-too", lang))
    if sel.max is not None:
        parts.append(tr("selector.max", lang, n=sel.max))
    return "; ".join(parts) if parts else tr("selector.default", lang)
