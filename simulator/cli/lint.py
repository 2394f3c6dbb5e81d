"""`cyberdrill lint`: what validation accepts but will not play well, in compiler style.

Exit codes: 2 when a file does not validate, 1 when lint finds an error (or,
with --strict, a warning), 0 otherwise.
"""

from __future__ import annotations

import dataclasses
import inspect
import sys

import click

from simulator.cli import cli
from simulator.cli.output import EXIT_BAD_INPUT, EXIT_FAILED, print_diagnostics, print_json, shipped_or_path, usage_error
from simulator.lint import RULES, LintOptions, lint_paths
from simulator.model.diagnostics import Diagnostic
from simulator.model.duration import DurationError, parse_duration


def _window(_ctx: click.Context, _param: click.Parameter, value: str) -> int:
    try:
        minutes = parse_duration(value)
    except DurationError as exc:
        usage_error("--window", str(exc))
    if minutes <= 0:
        usage_error("--window", "the window must be longer than 0m")
    return minutes


@cli.command("lint")
@click.argument("paths", nargs=-1, required=True, type=click.Path(), callback=shipped_or_path(None))
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1 when there is any).")
@click.option("--max-per-role", type=click.IntRange(1, 1000), default=LintOptions.max_per_role, show_default=True, help="Stimuli one role can take within --window before it is an overload.")
@click.option("--window", "window", default="15m", show_default=True, callback=_window, help="Window of the overload check (a duration).")
@click.option("--seeds", type=click.IntRange(0, 100), default=LintOptions.seeds, show_default=True, help="Seeded headless runs per policy (0: static checks only).")
@click.option("--static", "static_only", is_flag=True, help="Static checks only (same as --seeds 0).")
@click.option("--json", "as_json", is_flag=True, help="Print {format_version, diagnostics: [{file, line, col, severity, message}]} as JSON.")
def lint(paths: tuple[str, ...], strict: bool, max_per_role: int, window: int, seeds: int, static_only: bool, as_json: bool) -> None:
    """Check scenarios for injects that never fire, untested objectives, idle or flooded roles...

    Validates every file first (as `cyberdrill validate`), then lints the
    scenarios, statically and over a few seeded headless runs.
    """
    options = LintOptions(max_per_role=max_per_role, window=window, dynamic=not static_only and seeds > 0, seeds=seeds)
    report = lint_paths(list(paths), options)
    diags = [dataclasses.replace(d, severity="error") if strict else d for d in report.diagnostics]
    if as_json:
        print_json({"diagnostics": [d.as_dict() for d in diags]})
    else:
        print_diagnostics(diags)
        click.echo(_summary(report.files, diags), err=True)
    if report.invalid:
        sys.exit(EXIT_BAD_INPUT)
    sys.exit(EXIT_FAILED if any(d.severity == "error" for d in diags) else 0)


def _summary(files: int, diags: list[Diagnostic]) -> str:
    errors = sum(d.severity == "error" for d in diags)
    warnings = len(diags) - errors
    if not diags:
        return f"{files} file(s) linted: clean"
    return f"{files} file(s) linted: {errors} error(s), {warnings} warning(s)"


lint.help = inspect.cleandoc(lint.help or "") + "\n\nRules: " + ", ".join(f"{name} ({severity})" for name, severity in RULES.items()) + "."
