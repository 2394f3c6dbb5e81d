"""The kit joueur (player handbook): context, rules, seats and tools, and nothing the cell should discover.

It is built only from what players know before DEBEX: their own hospital
(name, size, IT staffing on that shift), the date and hour the exercise
opens, the seats of the cell, the response actions the tool offers, the
regulatory deadlines and a glossary. It never reads the threat, the injects,
the decisions, the objectives' tasks, the personas, the scenario's title,
summary or id, nor the facilitator's material (a test checks it).
"""

from __future__ import annotations

import typing

from simulator.guide.source import Source
from simulator.guide.text import bullets, long_date, loc, table, tr
from simulator.model.duration import format_duration
from simulator.model.scenario import Channel

GLOSSARY_SIZE = 12
RULES_SIZE = 8


def render(src: Source, lang: str, cell=None, cards: list | None = None) -> str:
    """The player kit; for one cell (`cell`, a role) with its cards (`cards`), or the common one."""
    from simulator.guide import cards as cardlib

    sc, net = src.scenario, src.network
    out: list[str] = []
    add = out.append
    add(f"# {tr('player.title', lang)} — {loc(net.name, lang)}" + (f" — {loc(cell.name, lang) or cell.id}" if cell is not None else ""))
    add(tr("player.banner", lang))
    add(tr("generated.player", lang))  # not the file name: it often names the attack

    add(f"## {tr('player.context', lang)}")
    facts = [
        tr("player.establishment", lang, name=loc(net.name, lang), beds=net.beds)
        + (tr("player.sites", lang, n=len(net.sites)) if len(net.sites) > 1 else ""),
        tr("player.start", lang, date=long_date(sc.start, lang)),
        tr("player.duration", lang, duration=format_duration(sc.duration)),
    ]
    if sc.modules:  # how many, not what: each module's situation is read to the room when it opens
        facts.append(tr("player.modules", lang, n=len(sc.modules)))
    shift = _shift(src)
    if shift is not None:
        facts.append(tr("player.staff", lang, shift=tr(f"shift.{shift[0]}", lang), n=shift[1]))
    add(bullets(facts))
    add(tr("player.context.intro", lang))

    add(f"## {tr('player.rules', lang)}")
    add("\n".join(f"{n}. {tr(f'player.rule.{n}', lang)}" for n in range(1, RULES_SIZE + 1)))

    add(f"## {tr('player.roles', lang)}")
    if sc.roles:
        add(table([tr("role", lang), tr("seat", lang), tr("responsibilities", lang)], [[f"`{r.id}`", loc(r.name, lang) or r.id, loc(r.description, lang)] for r in sc.roles]))
    else:
        add(tr("player.roles.none", lang))

    if cell is not None:
        add(f"## {tr('player.your-cell', lang)}")
        add(tr("player.your-cell.intro", lang, name=loc(cell.name, lang) or cell.id) + (f" {loc(cell.description, lang)}" if cell.description is not None else ""))

    add(f"## {tr('player.channels', lang)}")
    add(tr("player.channels.intro", lang))
    add(bullets(tr(f"channel.{ch}", lang) for ch in typing.get_args(Channel)))

    add(f"## {tr('player.actions', lang)}")
    add(tr("player.actions.intro", lang))
    rows = []
    for aid, spec in src.catalogue.actions.items():
        command = f"{aid} {_placeholder(spec, lang)}".strip()
        cost = tr("player.actions.cost", lang, staff=spec.staff) if spec.staff else tr("player.actions.no-staff", lang)
        rows.append([f"`{command}`", loc(spec.name, lang), loc(spec.description, lang), cost])
    add(table([tr("command", lang), tr("action", lang), tr("what-it-does", lang), tr("people", lang)], rows))

    add(f"## {tr('player.clocks', lang)}")
    add(tr("player.clocks.intro", lang))
    engine = src.engine
    add(table(
        [tr("obligation", lang), tr("starts", lang), tr("deadline", lang), tr("met-by", lang)],
        [[loc(c.obligation, lang), tr(f"clock-start.{c.starts_on}", lang), format_duration(int(c.minutes(engine))), f"`notify {c.authority}`" + (f" (n° {c.nth})" if c.nth > 1 else "")] for c in src.jurisdiction.clocks],
    ))

    add(f"## {tr('player.glossary', lang)}")
    own = src.jurisdiction.body.glossary  # a pack's own terms; the French glossary by default
    add(bullets(loc(g, lang) for g in own) if own else bullets(tr(f"glossary.{n}", lang) for n in range(1, GLOSSARY_SIZE + 1)))
    if cards is None and not sc.roles:
        cards = cardlib.cards_for(src, None)  # no cells declared: every card in the common kit
    if cards:
        add(cardlib.cards_section(src, cards, lang, cardlib.ATTACHMENT_DIRS[lang]))
    return "\n\n".join(out) + "\n"


def _shift(src: Source) -> tuple[str, int] | None:
    """The IT shift at T+0 and how many technicians are on it."""
    staff = src.network.it_staff
    if staff is None:
        return None
    start = src.scenario.start
    weekend = start.weekday() >= 5
    day = staff.day_start_hour <= start.hour < staff.day_end_hour
    name = ("weekend_" if weekend else "weekday_") + ("day" if day else "night")
    return name, getattr(staff, name)


def _placeholder(spec, lang: str) -> str:
    kind = spec.target
    if kind == "none":
        return ""
    if kind == "choice":
        return "|".join(spec.choices)
    return tr(f"placeholder.{kind}", lang)
