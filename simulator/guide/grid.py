"""The grille d'observation (HSEEP EEG): critical tasks with P/S/M/U boxes and room for notes.

One table per objective; automatic tasks say what the engine checks so the
observer can confirm or qualify it, evaluator tasks are the ones the observer
must rate (`rate OBJECTIVE TASK P|S|M|U` in the evaluator view). A blank
observation log closes the grid.
"""

from __future__ import annotations

from simulator.guide import describe
from simulator.guide.source import Source
from simulator.guide.text import bullets, loc, table, tr
from simulator.model.duration import format_offset

BOX = "☐"
LOG_ROWS = 15


def render(src: Source, lang: str) -> str:
    sc = src.scenario
    names = src.names(lang)
    out: list[str] = []
    add = out.append
    add(f"# {tr('grid.title', lang)} — {loc(sc.title, lang)}")
    add(tr("grid.banner", lang))
    add(tr("generated", lang, file=src.file_name))
    add(table([tr("field", lang), tr("value", lang)], [[tr("grid.observer", lang), ""], [tr("grid.observed", lang), ""], [tr("grid.date", lang), ""]]))

    add(f"## {tr('grid.scale', lang)}")
    add(bullets(f"**{r}** — {tr(f'rating.{r}', lang)}" for r in "PSMU"))
    add(tr("grid.how", lang))

    timed = {i.id: i.at for i in sc.all_injects} | {d.id: d.at for d in sc.all_decisions}
    for obj in sc.objectives:
        add(f"## `{obj.id}` — {loc(obj.text, lang)}")
        rows = []
        for task in obj.critical_tasks:
            how = tr("eval.evaluator", lang) if task.rate else tr("eval.auto", lang, cond=describe.condition(task.check, names))
            rows.append([f"`{task.id}`", loc(task.text, lang), how, BOX, BOX, BOX, BOX, ""])
        add(table([tr("task", lang), tr("expected", lang), tr("evaluation", lang), "P", "S", "M", "U", tr("notes", lang)], rows))
        watch = [
            f"`{item}`" + (f" ({format_offset(timed[item])})" if timed.get(item) is not None else "")
            for item in [i.id for i in sc.all_injects if obj.id in i.objectives] + [d.id for d in sc.all_decisions if obj.id in d.objectives]
        ]
        if watch:
            add(tr("grid.watch", lang, refs=", ".join(watch)))
        add(tr("grid.objective-rating", lang, boxes="  ".join(f"{BOX} {r}" for r in "PSMU")))
        add(f"{tr('grid.strengths', lang)}\n\n&nbsp;\n\n{tr('grid.improvements', lang)}\n\n&nbsp;")

    with_outcomes = [m for m in sc.modules if m.expected]
    if with_outcomes:
        add(f"## {tr('grid.modules', lang)}")
        for m in with_outcomes:
            add(f"### `{m.id}` — {loc(m.title, lang)}")
            add(table([tr("grid.outcome", lang), tr("grid.seen", lang), tr("notes", lang)], [[loc(x, lang), BOX, ""] for x in m.expected]))

    add(f"## {tr('grid.log', lang)}")
    add(table([tr("column.time", lang), tr("grid.observation", lang), tr("grid.objective", lang)], [["", "", ""] for _ in range(LOG_ROWS)]))
    return "\n\n".join(out) + "\n"
