"""Scenario lint: what validation accepts but will not play well (see docs/facilitator-workflow.md).

    report = lint_paths(["scenarios"], LintOptions(max_per_role=4))
    report.invalid        # some file failed validation (exit 2)
    report.diagnostics    # validation warnings + lint findings, positioned

Every file is first validated (`load_document`): a file that does not validate
is reported with its validation errors and not linted further. Networks and
policies are only validated; scenarios also get the static rules
(`simulator.lint.rules`) and, unless disabled, a few seeded headless runs
(`simulator.lint.dynamic`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from simulator.lint.feasibility import Feasibility
from simulator.lint.findings import RULES, Finding
from simulator.lint.rules import LintOptions, overloads, static_findings, timed_stimuli
from simulator.model.actions import default_catalogue
from simulator.model.diagnostics import Diagnostic, InputError
from simulator.model.documents import Loaded, load_document, yaml_files

__all__ = ["RULES", "Finding", "LintOptions", "LintReport", "lint_loaded", "lint_paths", "scenario_findings"]


@dataclass
class LintReport:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    invalid: bool = False  # some file did not validate
    files: int = 0

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]


def scenario_findings(loaded: Loaded, options: LintOptions) -> list[Finding]:
    """Lint findings of a validated scenario (static rules, then seeded runs)."""
    sc = loaded.model.scenario
    engine = {**default_catalogue().engine, **sc.engine}
    feas = Feasibility(sc, engine)
    found = static_findings(sc, feas, options)
    if options.dynamic:
        from simulator.lint.dynamic import dynamic_findings

        flooded = {role for role, _window in overloads(sc, timed_stimuli(sc), options)}
        found.extend(dynamic_findings(sc, loaded.context["network"], feas, options, flooded))
    return found


def lint_loaded(loaded: Loaded, options: LintOptions) -> list[Diagnostic]:
    """Validation warnings and lint findings of one loaded file, sorted by position."""
    diags = list(loaded.warnings)
    if loaded.kind == "scenario":
        diags.extend(f.diagnostic(loaded.doc) for f in scenario_findings(loaded, options))
    return sorted(set(diags), key=Diagnostic.sort_key)


def lint_paths(paths: list[str | os.PathLike], options: LintOptions | None = None) -> LintReport:
    options = options or LintOptions()
    files, problems = yaml_files([str(p) for p in paths])
    report = LintReport(diagnostics=list(problems), invalid=bool(problems))
    for f in files:
        report.files += 1
        try:
            loaded = load_document(f)
        except InputError as exc:
            report.invalid = True
            report.diagnostics.extend(exc.diagnostics)
            continue
        report.diagnostics.extend(lint_loaded(loaded, options))
    return report
