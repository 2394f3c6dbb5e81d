"""Shared output helpers: diagnostics on stderr, JSON on stdout, atomic file writes."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Iterable, NoReturn

import click

from simulator.model.diagnostics import Diagnostic, InputError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


def print_diagnostics(diags: Iterable[Diagnostic]) -> None:
    for d in diags:
        click.echo(d.format(), err=True)


def fail(diags: list[Diagnostic] | InputError, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """Print compiler-style errors and exit (2 for bad input)."""
    if isinstance(diags, InputError):
        diags = diags.diagnostics
    print_diagnostics(diags)
    sys.exit(code)


def usage_error(path: str, message: str) -> NoReturn:
    fail([Diagnostic(path, 1, 1, "error", message)])


def print_json(data: object) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False))


def write_atomic(path: str | os.PathLike, data: str | bytes) -> None:
    """Write the whole file or nothing: temp file in the same folder, then rename."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InputError([Diagnostic(str(path), 1, 1, "error", f"cannot write: folder '{folder}' does not exist")])
    mode = "wb" if isinstance(data, bytes) else "w"
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": "\n"})) as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
