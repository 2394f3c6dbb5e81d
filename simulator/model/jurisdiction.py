"""Jurisdiction packs: who the hospital notifies, by when, and in what currency, as data.

A pack (`simulator/data/jurisdictions/<id>.yaml`, kind `jurisdiction:`, schema
`schemas/jurisdiction.schema.json`) lists the authorities the cell may notify
(who, how, what they expect, what they answer), who may be asked for outside
support, the regulatory clocks (which fact starts each, which notification
meets it, its deadline, its legal basis and public source), the currency
amounts print in, and how the built-in policies notify there. A scenario
picks one (`jurisdiction: us`, default `fr`) and may extend it with its own
authorities, support, clocks or currency. Only the chosen pack's clocks run.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from typing import Annotated, Any, Literal, Union

from pydantic import BeforeValidator, Field, StrictBool, StrictInt, field_validator, model_validator

from simulator.model.actions import ActionCatalogue
from simulator.model.base import Duration, Id, LocalizedText, StrictModel
from simulator.model.diagnostics import Diagnostic
from simulator.model.policy import PolicyBody, Rule
from simulator.model.tagged import TagStrippingModel

DEFAULT = "fr"
StartFact = Literal["awareness", "personal-data-breach"]


class PublicSource(StrictModel):
    """Where a rule comes from: a law, a regulator's page, an official guide."""

    title: LocalizedText = Field(description="The text cited (GDPR art. 33; 45 CFR 164.408).")
    url: str = Field(pattern=r"^https?://[^\s]+$", max_length=500, description="Public address of the text.")


class PerLanguage(StrictModel):
    """A string given for each language (formats, separators)."""

    fr: str = Field(description="French.")
    en: str = Field(description="English.")

    def get(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en


class Currency(StrictModel):
    """How amounts print: `format` holds `{amount}`, digits grouped by threes with `group`."""

    code: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code (EUR, USD, GBP).")
    format: PerLanguage = Field(description="Where the amount goes, per language: {fr: '{amount} $', en: '${amount}'}.")
    group: PerLanguage = Field(description="Thousands separator per language (a narrow no-break space, a comma...).")

    @field_validator("format")
    @classmethod
    def _has_amount(cls, v: PerLanguage) -> PerLanguage:
        for lang in ("fr", "en"):
            if v.get(lang).count("{amount}") != 1:
                raise ValueError(f"the {lang} format must hold '{{amount}}' exactly once")
        return v

    def money(self, amount: int, lang: str) -> str:
        digits = f"{int(amount):,}".replace(",", self.group.get(lang))
        return self.format.get(lang).replace("{amount}", digits)


class Authority(StrictModel):
    """Someone the cell notifies (`notify ID`): a regulator, a CSIRT, the police, an insurer, a partner."""

    id: Id = Field(description="Target of the `notify` command.")
    name: LocalizedText = Field(description="Who it is, as the room says it.")
    how: LocalizedText | None = Field(default=None, description="How to notify them (portal, form, phone line).")
    expects: list[LocalizedText] = Field(default_factory=list, description="What the notification must contain.")
    answer: LocalizedText | None = Field(default=None, description="What they answer or do in return (the animation cell plays it).")
    seat: Id | None = Field(default=None, description="The crisis-cell role that usually notifies them (dpo, security, direction).")
    source: PublicSource | None = Field(default=None, description="Public page describing the duty or the service.")


class SupportProvider(StrictModel):
    """Someone who can be asked for outside help (`request-support ID`): they add technicians after a delay."""

    id: Id = Field(description="Target of the `request-support` command.")
    name: LocalizedText | None = Field(default=None, description="Who it is (may be left out when the id is also an authority).")
    default: StrictBool = Field(default=False, description="Asked when `request-support` names no one (at most one).")
    source: PublicSource | None = Field(default=None, description="Public page describing the service.")


class ClockSpec(StrictModel):
    """A regulatory deadline: started by an engine fact, met by the n-th notification of an authority."""

    id: Id = Field(description="Clock id, used in conditions (`{clock: ID}`, `before_clock`).")
    authority: Id = Field(description="Authority whose notification meets it.")
    nth: StrictInt = Field(default=1, ge=1, le=10, description="The n-th notification of that authority meets it (NIS2: 1 early warning, 2 notification, 3 report).")
    starts_on: StartFact = Field(description="Engine fact that starts it: awareness (the hospital knows it is attacked) or personal-data-breach (known breach).")
    deadline: Duration = Field(description="Time allowed once started (72h, 60d).")
    param: str | None = Field(default=None, pattern=r"^clock_[a-z0-9_]+$", description="Engine calibration number holding the deadline instead (minutes), so that `scenario.engine` can change it.")
    name: LocalizedText = Field(description="Short label (the room's clock panel).")
    obligation: LocalizedText = Field(description="The obligation in a sentence (player kit).")
    basis: LocalizedText = Field(description="Legal basis, with the rule (reports).")
    source: PublicSource = Field(description="Public source of the rule.")

    @field_validator("deadline")
    @classmethod
    def _positive(cls, v: int) -> int:
        if v <= 0:
            raise ValueError("a clock's deadline must be longer than 0m")
        return v


class ActionText(StrictModel):
    """The name or description of a response action as this jurisdiction says it."""

    name: LocalizedText | None = Field(default=None, description="Name of the action.")
    description: LocalizedText | None = Field(default=None, description="What it does here.")


class PolicyAdaptation(StrictModel):
    """How a built-in policy notifies and calls for help in this jurisdiction."""

    replace: list[Id] = Field(default_factory=list, description="Rule ids of the built-in policy dropped here (they name another country's authorities).")
    rules: list[Rule] = Field(default_factory=list, description="Rules added in their place.")


class JurisdictionBody(StrictModel):
    id: Id = Field(description="Pack id (fr, eu, us, uk...).")
    name: LocalizedText = Field(description="Country or legal area.")
    currency: Currency = Field(description="Currency amounts print in.")
    authorities: list[Authority] = Field(min_length=1, description="Who the cell may notify.")
    support: list[SupportProvider] = Field(default_factory=list, description="Who may be asked for outside help.")
    clocks: list[ClockSpec] = Field(default_factory=list, description="Regulatory clocks (only the chosen pack's run).")
    actions: dict[Id, ActionText] = Field(default_factory=dict, description="Response actions worded for this jurisdiction (request-support, pay-ransom...).")
    glossary: list[LocalizedText] = Field(default_factory=list, description="Player-kit glossary for this jurisdiction (default: the French one).")
    policies: dict[Id, PolicyAdaptation] = Field(default_factory=dict, description="How the built-in policies (textbook, scenario-defaults) notify here.")


class JurisdictionFile(StrictModel, TagStrippingModel):
    """Top level of a jurisdiction pack."""

    jurisdiction: JurisdictionBody = Field(description="A jurisdiction pack.")


# ---------------------------------------------------------------- the scenario's choice


def _pack_or_mapping(value: Any) -> Any:
    """`jurisdiction: us` means `{pack: us}`."""
    if isinstance(value, str):
        return {"pack": value}
    return value


class JurisdictionChoice(StrictModel):
    """The jurisdiction a scenario plays in: a shipped pack, optionally extended."""

    pack: Id = Field(default=DEFAULT, description="Shipped pack: fr (default), eu, us, uk.")
    authorities: list[Authority] = Field(default_factory=list, description="Authorities added to the pack (or replacing one with the same id).")
    support: list[SupportProvider] = Field(default_factory=list, description="Support providers added (or replacing one with the same id).")
    clocks: list[ClockSpec] = Field(default_factory=list, description="Clocks added (or replacing one with the same id).")
    without_clocks: list[Id] = Field(default_factory=list, description="Clocks of the pack that do not apply to this establishment.")
    currency: Currency | None = Field(default=None, description="Currency replacing the pack's.")


JurisdictionEntry = Annotated[JurisdictionChoice, BeforeValidator(_pack_or_mapping, json_schema_input_type=Union[Id, JurisdictionChoice])]


# ---------------------------------------------------------------- packs


def packs_folder():
    return resources.files("simulator.data").joinpath("jurisdictions")


def pack_ids() -> list[str]:
    return sorted(p.name[:-5] for p in packs_folder().iterdir() if p.name.endswith(".yaml"))


@functools.lru_cache(maxsize=None)
def load_pack(pack_id: str) -> JurisdictionBody:
    """A shipped pack, validated (KeyError when there is no such pack)."""
    from simulator.model.documents import load_document

    if pack_id not in pack_ids():
        raise KeyError(pack_id)
    with resources.as_file(packs_folder().joinpath(f"{pack_id}.yaml")) as path:
        return load_document(path, expect="jurisdiction").model.jurisdiction


def check_pack(body: JurisdictionBody, doc) -> list[Diagnostic]:
    """Unique ids; clocks met by a known authority; support named; one default."""
    out: list[Diagnostic] = []
    root = ("jurisdiction",)

    def err(path: tuple, message: str) -> None:
        out.append(Diagnostic.at(doc.position(root + path), message))

    for section in ("authorities", "support", "clocks"):
        seen: set[str] = set()
        for i, item in enumerate(getattr(body, section)):
            if item.id in seen:
                err((section, i, "id"), f"duplicate {section} id '{item.id}'")
            seen.add(item.id)
    for path, message in extension_problems(body.authorities, body.support, body.clocks):
        err(path, message)
    return out


def extension_problems(authorities: list[Authority], support: list[SupportProvider], clocks: list[ClockSpec], prefix: tuple = ()) -> list[tuple[tuple, str]]:
    """Problems of a resolved list of authorities, support and clocks, as (yaml path, message)."""
    out = []
    names = {a.id for a in authorities}
    for i, s in enumerate(support):
        if s.name is None and s.id not in names:
            out.append((prefix + ("support", i, "name"), f"support provider '{s.id}' needs a 'name' (it is not an authority)"))
    if sum(1 for s in support if s.default) > 1:
        out.append((prefix + ("support",), "at most one support provider may be the default"))
    for i, c in enumerate(clocks):
        if c.authority not in names:
            from simulator.model.validation import suggest

            hint = suggest(c.authority, sorted(names))
            out.append((prefix + ("clocks", i, "authority"), f"clock '{c.id}' is met by unknown authority '{c.authority}'" + (f" (did you mean '{hint}'?)" if hint else "")))
    return out


# ---------------------------------------------------------------- resolved


@dataclass(frozen=True)
class ClockDef:
    """A clock as the engine runs it."""

    id: str
    authority: str
    nth: int
    starts_on: str
    deadline: int  # minutes
    param: str | None
    name: LocalizedText
    obligation: LocalizedText
    basis: LocalizedText
    source: PublicSource

    def minutes(self, params: dict[str, float]) -> float:
        """The deadline: the engine calibration number when the clock names one, else its own."""
        if self.param is not None and self.param in params:
            return float(params[self.param])
        return float(self.deadline)

    @property
    def deadline_param(self) -> str:
        return self.param or ""


def _merge(base: list, extra: list) -> list:
    by_id = {x.id: i for i, x in enumerate(base)}
    out = list(base)
    for x in extra:
        if x.id in by_id:
            out[by_id[x.id]] = x
        else:
            by_id[x.id] = len(out)
            out.append(x)
    return out


class Jurisdiction:
    """The pack a scenario plays in, with the scenario's extensions applied."""

    def __init__(self, body: JurisdictionBody, choice: JurisdictionChoice | None = None):
        choice = choice or JurisdictionChoice(pack=body.id)
        self.id = body.id
        self.body = body
        self.name = body.name
        self.currency = choice.currency or body.currency
        self.authorities = {a.id: a for a in _merge(body.authorities, choice.authorities)}
        self.support = _merge(body.support, choice.support)
        dropped = set(choice.without_clocks)
        self.clocks: tuple[ClockDef, ...] = tuple(
            ClockDef(c.id, c.authority, c.nth, c.starts_on, c.deadline, c.param, c.name, c.obligation, c.basis, c.source)
            for c in _merge(body.clocks, choice.clocks)
            if c.id not in dropped
        )
        self.clock_ids = tuple(c.id for c in self.clocks)
        self._clocks = {c.id: c for c in self.clocks}

    def clock(self, cid: str) -> ClockDef | None:
        return self._clocks.get(cid)

    def authority_name(self, aid: str, lang: str) -> str:
        a = self.authorities.get(aid)
        return a.name.get(lang) if a is not None else aid

    def support_name(self, sid: str, lang: str) -> str:
        s = next((x for x in self.support if x.id == sid), None)
        if s is not None and s.name is not None:
            return s.name.get(lang)
        return self.authority_name(sid, lang)

    def money(self, amount: int, lang: str) -> str:
        return self.currency.money(amount, lang)

    def catalogue(self, base: ActionCatalogue) -> ActionCatalogue:
        """The catalogue with `notify` and `request-support` naming this jurisdiction's parties, and its wording."""
        actions = dict(base.actions)
        notify = actions.get("notify")
        if notify is not None:
            actions["notify"] = notify.model_copy(update={"choices": list(self.authorities)})
        support = actions.get("request-support")
        if support is not None:
            ids = [s.id for s in self.support]
            default = next((s.id for s in self.support if s.default), None)
            actions["request-support"] = support.model_copy(update={"choices": ids, "default_choice": default})
        for aid, text in self.body.actions.items():
            if aid in actions:
                update = {k: v for k, v in (("name", text.name), ("description", text.description)) if v is not None}
                actions[aid] = actions[aid].model_copy(update=update)
        return base.model_copy(update={"actions": actions})

    def policy(self, policy: PolicyBody | None) -> PolicyBody | None:
        """A built-in policy with its notification rules for this jurisdiction (others unchanged)."""
        if policy is None:
            return None
        from simulator.model.policy import BUILTIN_POLICIES

        adapt = self.body.policies.get(policy.id)
        if adapt is None or policy.id not in BUILTIN_POLICIES:
            return policy
        dropped = set(adapt.replace)
        rules: list[Rule] = []
        placed = False
        for rule in policy.rules:
            if rule.id in dropped:
                if not placed:
                    rules.extend(adapt.rules)
                    placed = True
                continue
            rules.append(rule)
        if not placed:
            rules.extend(adapt.rules)
        return policy.model_copy(update={"rules": rules})


def resolve(choice: JurisdictionChoice | None) -> Jurisdiction:
    """The jurisdiction of a validated scenario (`scenario.jurisdiction`, None for the default)."""
    pack = choice.pack if choice is not None else DEFAULT
    return Jurisdiction(load_pack(pack), choice)


_RESOLVED: dict[int, tuple[Any, Jurisdiction]] = {}


def of_scenario(scenario: Any) -> Jurisdiction:
    """`resolve(scenario.jurisdiction)`, kept per scenario object (scenarios are immutable)."""
    hit = _RESOLVED.get(id(scenario))
    if hit is not None and hit[0] is scenario:
        return hit[1]
    j = resolve(scenario.jurisdiction)
    if len(_RESOLVED) >= 32:
        _RESOLVED.pop(next(iter(_RESOLVED)))
    _RESOLVED[id(scenario)] = (scenario, j)
    return j


def default_jurisdiction() -> Jurisdiction:
    return resolve(None)


@functools.lru_cache(maxsize=1)
def union_catalogue() -> ActionCatalogue:
    """The shipped catalogue whose `notify` and `request-support` accept every shipped pack's parties:
    what a policy file may name before it is known which scenario it will play."""
    from simulator.model.actions import default_catalogue

    base = default_catalogue()
    notify: list[str] = []
    support: list[str] = []
    for pid in pack_ids():
        j = resolve(JurisdictionChoice(pack=pid))
        notify += [a for a in j.authorities if a not in notify]
        support += [s.id for s in j.support if s.id not in support]
    actions = dict(base.actions)
    actions["notify"] = actions["notify"].model_copy(update={"choices": notify})
    actions["request-support"] = actions["request-support"].model_copy(update={"choices": support})
    return base.model_copy(update={"actions": actions})
