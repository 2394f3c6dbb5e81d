"""Objectives and critical tasks with their HSEEP ratings (P/S/M/U) for the evaluator."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text

from simulator.tui.glyphs import RATINGS, glyph
from simulator.room.views import Situation, TaskView
from simulator.tui.text import tr
from simulator.tui.widgets.panel import Panel


def task_lines(tasks: tuple[TaskView, ...], lang: str) -> list[Text]:
    out = []
    current = None
    for task in tasks:
        if task.objective != current:
            current = task.objective
            out.append(Text(task.objective_text, style="bold"))
        line = Text("  ")
        line.append_text(glyph(RATINGS, task.rating))
        line.append(f" {task.text}")
        line.append("  " + tr("tasks.auto" if task.auto else "tasks.evaluator", lang), style="dim")
        out.append(line)
    return out


class TasksPanel(Panel):
    TITLE = "panel.tasks"

    def part(self, sit: Situation) -> object:
        return sit.tasks

    def draw(self, sit: Situation, lang: str):
        return Group(*task_lines(sit.tasks, lang))
