"""The MSEL spreadsheet's columns: one row per inject, decision or module, in scenario order.

Cells hold what a facilitator edits in a planning meeting (times, senders, recipients,
texts in French and English, expected reactions, questions); the few structured keys a
spreadsheet cannot say simply (conditions, option lists, effects, attachments) sit in
their cell as YAML flow text, exactly as the scenario file writes them. `planned (h)` is
computed on export (hours from T+0 on the planned schedule) so the sheet can be sorted
by time; it is ignored on import. Documented in docs/msel.md.
"""

from __future__ import annotations

COLUMNS: tuple[str, ...] = (
    "id", "kind", "module", "time", "after", "when", "from", "to", "channel", "card", "type",
    "title (fr)", "title (en)", "text (fr)", "text (en)", "expected (fr)", "expected (en)",
    "questions (fr)", "questions (en)", "objectives", "note (fr)", "note (en)",
    "deadline", "default", "pause_clock", "options", "jump", "duration",
    "effects", "answered_by", "states", "attachments", "planned (h)",
)
KINDS = ("inject", "decision", "module")
FLAGS = ("contingency", "noise")
COMPUTED = ("planned (h)",)
YES = ("yes", "oui", "true", "vrai", "x", "1")
NO = ("no", "non", "false", "faux", "0", "")
WIDTHS = {
    "id": 22, "kind": 9, "module": 14, "time": 10, "after": 16, "when": 30, "from": 16, "to": 18, "channel": 11,
    "card": 6, "type": 12, "title (fr)": 28, "title (en)": 28, "text (fr)": 60, "text (en)": 60,
    "expected (fr)": 40, "expected (en)": 40, "questions (fr)": 40, "questions (en)": 40, "objectives": 16,
    "note (fr)": 30, "note (en)": 30, "deadline": 9, "default": 12, "pause_clock": 11, "options": 40,
    "jump": 7, "duration": 9, "effects": 30, "answered_by": 30, "states": 30, "attachments": 30, "planned (h)": 11,
}
