"""Writing files whole or not at all, for every layer (guide, report, exports, CLI)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from simulator.model.diagnostics import Diagnostic, InputError


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
