"""Small text helpers shared by the kit documents: catalogue lookups, Markdown cells, clock times, names."""

from __future__ import annotations

import datetime as dt
from typing import Iterable

from simulator.i18n import t
from simulator.model.base import LocalizedText
from simulator.model.network import NetworkBody


def tr(key: str, lang: str, **fields: object) -> str:
    """A kit string: `tr("fac.title", "fr")` reads `guide.fac.title`."""
    return t("guide." + key, lang, **fields)


def loc(text: LocalizedText | None, lang: str) -> str:
    return text.get(lang).strip() if text is not None else ""


def cell(value: str) -> str:
    """Text safe inside a Markdown table cell: one line, no column breaks."""
    lines = [line.strip() for line in str(value).strip().splitlines()]
    return "<br>".join(line for line in lines if line).replace("|", "\\|")


def table(header: list[str], rows: Iterable[list[str]]) -> str:
    out = ["| " + " | ".join(cell(h) for h in header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for row in rows:
        out.append("| " + " | ".join(cell(c) if c else " " for c in row) + " |")
    return "\n".join(out)


def url_link(url: str, text: str | None = None) -> str:
    """A Markdown link to an http(s) URL (validated by the model) that survives `safe_markdown`:
    no autolink (`<...>` is escaped there), brackets and parentheses percent-encoded in the
    destination and escaped in the text."""
    dest = url.replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E").replace(" ", "%20")
    shown = (text if text is not None else url).replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    return f"[{shown}]({dest})"


def quote(value: str) -> str:
    """A Markdown block quote keeping the author's line breaks."""
    return "\n".join(("> " + line).rstrip() for line in value.strip().splitlines())


def bullets(items: Iterable[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def wall_clock(start: dt.datetime, minutes: float, lang: str) -> str:
    """The room's clock at T+minutes: `sam. 14/03 01:10` / `Sat 14/03 01:10`."""
    when = start + dt.timedelta(minutes=int(minutes))
    return f"{tr(f'weekday.{when.weekday()}', lang)} {when:%d/%m %H:%M}"


def long_date(start: dt.datetime, lang: str) -> str:
    return tr("long-date", lang, weekday=tr(f"weekday-long.{start.weekday()}", lang), date=f"{start:%d/%m/%Y}", time=f"{start:%H:%M}")


class Names:
    """Display names of network ids (services, functions, assets, zones), roles and personas."""

    def __init__(self, net: NetworkBody | None, roles: dict[str, LocalizedText | None], personas: dict[str, LocalizedText], lang: str):
        self.lang = lang
        self._net: dict[str, LocalizedText] = {}
        if net is not None:
            for items in (net.zones, net.assets, net.services, net.clinical_functions):
                for item in items:
                    self._net.setdefault(item.id, item.name)
        self._roles = roles
        self._personas = personas

    def of(self, ident: str) -> str:
        name = self._net.get(ident)
        return name.get(self.lang) if name is not None else ident

    def role(self, ident: str) -> str:
        name = self._roles.get(ident)
        return name.get(self.lang) if name is not None else ident

    def roles(self, ids: list[str]) -> str:
        return ", ".join(self.role(r) for r in ids) if ids else tr("everyone", self.lang)

    def persona(self, ident: str | None) -> str:
        if ident is None:
            return tr("animation-cell", self.lang)
        name = self._personas.get(ident)
        return name.get(self.lang) if name is not None else ident
