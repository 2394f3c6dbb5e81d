"""Shared output helpers: diagnostics on stderr, JSON on stdout, atomic file writes."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Callable, Iterable, NoReturn, TypeVar

import click

from simulator.cli.interrupt import stop_if_interrupted
from simulator.fileio import write_atomic  # noqa: F401  (re-exported for the commands)
from simulator.model.diagnostics import Diagnostic, InputError

T = TypeVar("T")

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


def print_diagnostics(diags: Iterable[Diagnostic]) -> None:
    for d in diags:
        click.echo(d.format(), err=True)


def fail(diags: list[Diagnostic] | InputError, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """Print compiler-style errors and exit (2 for bad input); after a Ctrl+C that a library
    swallowed, the errors are the interruption's, not the input's: stop as interrupted."""
    stop_if_interrupted()
    if isinstance(diags, InputError):
        diags = diags.diagnostics
    print_diagnostics(diags)
    sys.exit(code)


def usage_error(path: str, message: str) -> NoReturn:
    fail([Diagnostic(path, 1, 1, "error", message)])


def write_or_fail(path: str | os.PathLike, write: Callable[[], T]) -> T:
    """Run `write`: its positioned errors (InputError) or the system's refusal (OSError) become
    one `path:1:1: error:` line and exit 2, never a traceback."""
    try:
        return write()
    except InputError as exc:
        fail(exc)
    except OSError as exc:
        usage_error(str(path), f"cannot write: {exc.strerror or exc}")


def given_path(_ctx: click.Context, param: click.Parameter, value):
    """Click callback for parameters that name a file or folder: an empty name is an error.

    Path('') is the current folder, so '' would otherwise validate the whole folder, write
    next to the user's files or, for --pubkey, silently skip the signature check.
    """
    values = value if isinstance(value, tuple) else (value,)
    if "" in values:
        name = max(param.opts, key=len) if isinstance(param, click.Option) else (param.metavar or param.name or "").upper()
        usage_error(name, "empty file name: give the path of a file or folder")
    return value


def shipped_or_path(kind: str | None = "scenario"):
    """Click callback for an input that may also be a shipped file's id (`run ransomware-weekend-night`).

    A path that exists always wins; `kind=None` accepts the id of any shipped file (validate, lint).
    """

    def callback(ctx: click.Context, param: click.Parameter, value):
        from simulator.shipped import resolve_input

        value = given_path(ctx, param, value)
        if value is None:
            return None
        if isinstance(value, tuple):
            return tuple(resolve_input(v, kind) for v in value)
        return resolve_input(value, kind)

    return callback


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """Whether two names reach one file (symlinks and hard links included); False if either is missing."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def refuse_overwriting_inputs(output: str | None, inputs: Iterable[str | os.PathLike | None], option: str = "--output") -> None:
    """Exit 2 before anything is written when an output names one of the command's own input
    files: `-o journal.jsonl` would otherwise replace the audit record with its report."""
    if output is None:
        return
    for source in inputs:
        if source is not None and same_file(output, source):
            usage_error(output, f"{option} names an input of this command ({Path(source).name}): refusing to overwrite it")


JSON_FORMAT_VERSION = 1
"""Carried by every `--json` output as `format_version`: bumped when a field changes meaning or goes."""


def versioned(data: dict) -> dict:
    return {"format_version": JSON_FORMAT_VERSION, **data}


def print_json(data: dict, sort_keys: bool = False) -> None:
    """A `--json` output: one object, its `format_version` first."""
    click.echo(json.dumps(versioned(data), indent=2, ensure_ascii=False, sort_keys=sort_keys))
