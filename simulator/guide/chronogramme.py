"""The chronogramme (MSEL): one row per stimulus, DEBEX to FINEX, as Markdown and as CSV.

Rows come straight from the scenario: injects and decisions at fixed times in
time order, then those fired by a condition, then those chained by a decision
option or another inject, then the facilitator's bank. Contingency injects
carry the type "contingency" (the kit lists them again in their own section).

CSV: UTF-8 with a byte-order mark (so spreadsheet programs read accents
right), one header row, fields quoted when needed, LF line ends. Delimiter:
`;` for French (the list separator of French spreadsheets, where `,` is the
decimal mark), `,` for English. Columns, in order (documented in
docs/facilitator-workflow.md): no, time, clock, trigger, from, to, channel,
stimulus, expected reaction, objectives, type, id.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from simulator.guide import describe
from simulator.guide.text import Names, loc, table, tr, wall_clock
from simulator.model.duration import format_duration, format_offset
from simulator.model.scenario import ScenarioBody

COLUMNS = ("no", "time", "clock", "trigger", "from", "to", "channel", "stimulus", "expected", "objectives", "type", "id")
DELIMITERS = {"fr": ";", "en": ","}


@dataclass(frozen=True)
class Row:
    ref: str
    kind: str  # inject | decision | module | debex | finex
    time: int | None
    trigger: str
    sender: str
    to: str
    channel: str
    stimulus: str
    expected: tuple[str, ...]
    objectives: tuple[str, ...]
    type: str  # stimulus | decision | contingency | noise | module | debex | finex
    note: str = ""


def rows(sc: ScenarioBody, names: Names) -> list[Row]:
    """Every stimulus of the exercise, in the order the animation cell meets them.

    Modules appear as rows of their own at their planned start (previous durations and
    jumps), followed by their stimuli at their planned times; an inject timed after
    another one sits at that inject's planned time plus its delay."""
    lang = names.lang
    fired_by: dict[str, list[str]] = {}
    for inj in sc.all_injects:
        for e in inj.effects:
            if e.inject:
                fired_by.setdefault(e.inject, []).append(tr("trigger.after-inject", lang, inject=inj.id))
    for d in sc.all_decisions:
        for o in d.options:
            for e in o.effects:
                if e.inject:
                    fired_by.setdefault(e.inject, []).append(tr("trigger.after-option", lang, decision=d.id, option=o.id))

    timed: list[tuple[int, int, Row]] = []
    conditional: list[Row] = []
    chained: list[Row] = []
    bank: list[Row] = []
    order = 0
    starts = sc.module_starts
    for k, m in enumerate(sc.modules):
        order += 1
        t = starts[m.id]
        if k == 0:
            trigger = format_offset(0)
        elif m.jump:
            trigger = tr("trigger.module-jump", lang, jump=format_duration(m.jump))
        else:
            trigger = tr("trigger.module", lang)
        stimulus = loc(m.title, lang) + (f" — {loc(m.narrative, lang)}" if m.narrative is not None else "")
        expected = tuple(loc(x, lang) for x in m.expected) + tuple(tr("question", lang, question=loc(q, lang)) for q in m.questions)
        timed.append((t, -1000 + k, Row(
            m.id, "module", t, trigger, tr("animation-cell", lang), tr("everyone", lang), tr("channel.in-person", lang),
            stimulus, expected, (), "module",
        )))
    for inj in sc.all_injects:
        order += 1
        stimulus = loc(inj.text, lang)
        if inj.title is not None:
            stimulus = f"{loc(inj.title, lang)} — {stimulus}"
        kind = "contingency" if inj.contingency else "noise" if inj.noise else "stimulus"
        expected = tuple(loc(x, lang) for x in inj.expected) + tuple(tr("question", lang, question=loc(q, lang)) for q in inj.questions)
        base = dict(
            ref=inj.id, kind="inject", sender=names.persona(inj.from_), to=names.roles(inj.to),
            channel=tr(f"channel.{inj.channel}", lang), stimulus=stimulus,
            expected=expected, objectives=tuple(inj.objectives), type=kind,
            note=loc(inj.facilitator_note, lang),
        )
        planned = sc.planned_time(inj.id)
        if inj.at is not None:
            timed.append((inj.at, order, Row(time=inj.at, trigger=_at(sc, inj.id, inj.at, lang), **base)))
        elif inj.after is not None:
            trigger = tr("trigger.after", lang, inject=inj.after.inject, delay=format_duration(inj.after.delay))
            if planned is not None:
                timed.append((planned, order, Row(time=planned, trigger=trigger, **base)))
            else:
                chained.append(Row(time=None, trigger=trigger, **base))
        elif inj.when is not None:
            conditional.append(Row(time=None, trigger=tr("trigger.when", lang, cond=describe.condition(inj.when, names)), **base))
        elif inj.id in fired_by:
            chained.append(Row(time=None, trigger="; ".join(fired_by[inj.id]), **base))
        else:
            bank.append(Row(time=None, trigger=tr("trigger.facilitator", lang, inject=inj.id), **base))
    for d in sc.all_decisions:
        order += 1
        options = " / ".join(f"{loc(o.label, lang)} ({o.id})" if o.label is not None else o.id for o in d.options)
        stimulus = tr("decision.stimulus", lang, prompt=loc(d.prompt, lang), options=options)
        default = next((o for o in d.options if o.id == d.default), None)
        expected = (tr("decision.expected", lang, deadline=format_duration(d.deadline), default=(loc(default.label, lang) if default else "") or d.default),)
        base = dict(
            ref=d.id, kind="decision", sender=tr("animation-cell", lang), to=names.roles(d.to),
            channel=tr("channel.decision", lang), stimulus=stimulus, expected=expected,
            objectives=tuple(d.objectives), type="decision",
        )
        if d.at is not None:
            timed.append((d.at, order, Row(time=d.at, trigger=_at(sc, d.id, d.at, lang), **base)))
        else:
            conditional.append(Row(time=None, trigger=tr("trigger.when", lang, cond=describe.condition(d.when, names)), **base))
    debex = Row("DEBEX", "debex", 0, format_offset(0), tr("animation-cell", lang), tr("everyone", lang), tr("channel.in-person", lang),
                tr("debex.stimulus", lang), (tr("debex.expected", lang),), (), "debex")
    finex = Row("FINEX", "finex", sc.duration, format_offset(sc.duration), tr("animation-cell", lang), tr("everyone", lang),
                tr("channel.in-person", lang), tr("finex.stimulus", lang), (tr("finex.expected", lang),), (), "finex")
    ordered = [r for _t, _o, r in sorted(timed, key=lambda x: (x[0], x[1]))]
    return [debex, *ordered, *conditional, *chained, *bank, finex]


def _at(sc: ScenarioBody, ident: str, at: int, lang: str) -> str:
    """A fixed time as the trigger column says it: T+x, or x into its module."""
    module = sc.module_of.get(ident)
    if module is None:
        return format_offset(at)
    return tr("trigger.in-module", lang, offset=format_duration(at - sc.module_starts[module]), module=module)


def header(lang: str) -> list[str]:
    return [tr(f"column.{c}", lang) for c in COLUMNS]


def values(number: int, row: Row, sc: ScenarioBody, lang: str) -> list[str]:
    return [
        str(number),
        format_offset(row.time) if row.time is not None else "",
        wall_clock(sc.start, row.time, lang) if row.time is not None else "",
        row.trigger,
        row.sender,
        row.to,
        row.channel,
        row.stimulus,
        "\n".join(row.expected),
        ", ".join(row.objectives),
        tr(f"type.{row.type}", lang),
        row.ref,
    ]


def to_csv(sc: ScenarioBody, names: Names, delimiter: str | None = None) -> bytes:
    lang = names.lang
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter or DELIMITERS[lang], lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header(lang))
    for n, row in enumerate(rows(sc, names), start=1):
        writer.writerow(values(n, row, sc, lang))
    return buf.getvalue().encode("utf-8-sig")


def to_markdown(sc: ScenarioBody, names: Names) -> str:
    """The chronogramme as a Markdown table (the kit animateur's core)."""
    lang = names.lang
    keep = ("no", "time", "clock", "trigger", "from", "to", "channel", "stimulus", "expected", "objectives", "type")
    head = [tr(f"column.{c}", lang) for c in keep]
    lines = []
    for n, row in enumerate(rows(sc, names), start=1):
        v = dict(zip(COLUMNS, values(n, row, sc, lang)))
        v["stimulus"] = f"**{row.ref}** — {v['stimulus']}" if row.kind in ("inject", "decision") else v["stimulus"]
        lines.append([v[c] for c in keep])
    return table(head, lines)
