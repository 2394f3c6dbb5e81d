"""Cards and attachments: one player kit per cell holding only its cards, and the files that go with them.

A card is an inject marked `card: true`: besides being delivered in the room, it is
printed face down in the kit of each cell it is addressed to (every cell when `to` is
empty), to be opened at its time. Its attachments are copied next to that kit; the
facilitator's folder gets every attachment of the scenario (including those of
ordinary injects, handed out by the animation cell). Without declared roles the common
player kit holds the cards. Scenarios with neither cards nor attachments get none of
these files: their kits are as before.
"""

from __future__ import annotations

from simulator.guide.source import Source
from simulator.guide.text import bullets, loc, quote, table, tr, wall_clock
from simulator.model.duration import format_offset

CELL_DIRS = {"fr": "cellules", "en": "cells"}
ATTACHMENT_DIRS = {"fr": "pieces-jointes", "en": "attachments"}


def has_material(src: Source) -> bool:
    return any(i.card or i.attachments for i in src.scenario.all_injects)


def cards_for(src: Source, role: str | None) -> list:
    """The cards of a cell (None: every card), in the order the exercise plays them."""
    cards = [i for i in src.scenario.all_injects if i.card and (role is None or not i.to or role in i.to)]
    sc = src.scenario
    return sorted(cards, key=lambda i: (sc.planned_time(i.id) is None, sc.planned_time(i.id) or 0))


def when_to_open(src: Source, inj, lang: str) -> str:
    sc = src.scenario
    t = sc.planned_time(inj.id)
    if t is None:
        return tr("card.open-when-told", lang)
    text = tr("card.open-at", lang, time=format_offset(t), clock=wall_clock(sc.start, t, lang))
    module = sc.module_of.get(inj.id)
    if module is not None:
        text += tr("card.in-module", lang, module=module)
    return text


def _attachment_line(src: Source, att, folder: str, lang: str) -> str:
    f = src.attachments.get(att.file)
    title = loc(att.title, lang) or att.file
    link = f"{folder}/{att.file}"
    if f is not None and f.image:
        return f"![{title}]({link})"
    kind = tr(f"attachment.{f.kind}", lang) if f is not None else ""
    return f"[{title}]({link})" + (f" ({kind})" if kind else "")


def cards_section(src: Source, cards: list, lang: str, folder: str) -> str:
    """The cards, face down: each with when to open it, its text and its attachments."""
    out = [f"## {tr('card.title', lang)}", tr("card.intro", lang)]
    for n, inj in enumerate(cards, start=1):
        head = f"### {tr('card.number', lang, n=n)} — {when_to_open(src, inj, lang)}"
        out.append(head)
        body = []
        if inj.title is not None:
            body.append(f"**{loc(inj.title, lang)}**")
        body.append(quote(loc(inj.text, lang)))
        if inj.attachments:
            body.append(bullets(_attachment_line(src, a, folder, lang) for a in inj.attachments))
        out.append("\n\n".join(body))
    return "\n\n".join(out)


def cell_files(src: Source, lang: str, player_name: str, render_player) -> dict[str, bytes]:
    """`cells/<role>/<player kit>` and its cards' attachments, for every declared role."""
    sc = src.scenario
    files: dict[str, bytes] = {}
    cells, attach = CELL_DIRS[lang], ATTACHMENT_DIRS[lang]
    for role in sc.roles:
        cards = cards_for(src, role.id)
        text = render_player(src, lang, cell=role, cards=cards)
        files[f"{cells}/{role.id}/{player_name}"] = text.encode("utf-8")
        for inj in cards:
            for a in inj.attachments:
                f = src.attachments.get(a.file)
                if f is not None:
                    files[f"{cells}/{role.id}/{attach}/{a.file}"] = f.path.read_bytes()
    return files


def facilitator_files(src: Source, lang: str) -> dict[str, bytes]:
    """Every attachment of the scenario, for the animation cell to hand out."""
    attach = ATTACHMENT_DIRS[lang]
    return {f"{attach}/{ref}": f.path.read_bytes() for ref, f in sorted(src.attachments.items())}


def facilitator_section(src: Source, lang: str) -> str:
    """Which injects carry cards or attachments, for whom, and where the files are."""
    sc = src.scenario
    names = src.names(lang)
    rows = []
    for inj in sc.all_injects:
        if not (inj.card or inj.attachments):
            continue
        files = "<br>".join(
            f"[{a.file}]({ATTACHMENT_DIRS[lang]}/{a.file})" + (f" — {tr(f'attachment.{src.attachments[a.file].kind}', lang)}, {_size(src.attachments[a.file].size)}" if a.file in src.attachments else "")
            for a in inj.attachments
        )
        rows.append([f"`{inj.id}`", tr("yes", lang) if inj.card else "", names.roles(inj.to), when_to_open(src, inj, lang), files])
    out = [f"## {tr('card.fac-title', lang)}", tr("card.fac-intro", lang, cells=CELL_DIRS[lang], folder=ATTACHMENT_DIRS[lang])]
    out.append(table([tr("inject", lang), tr("card.is-card", lang), tr("card.for", lang), tr("card.when", lang), tr("card.files", lang)], rows))
    return "\n\n".join(out)


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KiB" if n < 1024 * 1024 else f"{n / 1048576:.1f} MiB"
