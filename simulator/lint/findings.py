"""A lint finding: a rule name, a severity and a place in the scenario (a YAML path under `scenario:`)."""

from __future__ import annotations

from dataclasses import dataclass

from simulator.model.diagnostics import Diagnostic, Severity
from simulator.model.yaml_loader import Document

ROOT = ("scenario",)

# Every rule with its severity: errors are certain defects, warnings are design smells.
RULES: dict[str, Severity] = {
    "never-fires": "error",
    "never-put": "error",
    "facilitator-only": "warning",
    "never-fired-in-runs": "warning",
    "never-put-in-runs": "warning",
    "rehearsal-failed": "error",
    "story-contradicted": "error",
    "task-never-met": "error",
    "task-always-met": "warning",
    "objective-unexercised": "warning",
    "undeclared-role": "warning",
    "idle-role": "warning",
    "overload": "warning",
    "same-effects": "warning",
    "unused-persona": "warning",
    "missing-text": "warning",
}


@dataclass(frozen=True)
class Finding:
    rule: str
    path: tuple
    message: str
    key: bool = False

    @property
    def severity(self) -> Severity:
        return RULES[self.rule]

    def diagnostic(self, doc: Document) -> Diagnostic:
        pos = doc.position(ROOT + self.path, key=self.key)
        return Diagnostic.at(pos, f"{self.message} [{self.rule}]", self.severity)
