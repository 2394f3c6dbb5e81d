"""Writing files whole or not at all, for every layer (guide, report, exports, CLI)."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

from simulator.model.diagnostics import Diagnostic, InputError


def write_atomic(path: str | os.PathLike, data: str | bytes, mode: int | None = None) -> None:
    """Write the whole file or nothing: temp file in the same folder, then rename.

    `mode`: the file's permissions (default: the replaced file's, or a plain open()'s)."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InputError([Diagnostic(str(path), 1, 1, "error", f"cannot write: folder '{folder}' does not exist")])
    how = "wb" if isinstance(data, bytes) else "w"
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        # mkstemp makes the file 0600: give it the mode a plain open() would (or the replaced file's)
        if hasattr(os, "fchmod"):
            os.fchmod(fd, _mode_for(target) if mode is None else mode)
        with os.fdopen(fd, how, **({} if how == "wb" else {"encoding": "utf-8", "newline": "\n"})) as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _mode_for(target: Path) -> int:
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def open_input(path: str | os.PathLike, mode: str = "rb", **kwargs):
    """Open a file the user named, for reading: a folder raises IsADirectoryError and a pipe or a
    device an OSError ("not a regular file"), where a plain open() of a pipe would block for ever."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EINVAL, "not a regular file (a pipe or a device?)", str(path))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, mode, **kwargs)
    except BaseException:
        os.close(fd)
        raise


def text_name(name: str) -> str:
    """`name` as valid UTF-8 text: bytes that were not UTF-8 (held as surrogates by os and
    sys.argv) become U+FFFD. A file name is any bytes; journal and result lines are UTF-8 text,
    and they must still say which file."""
    try:  # valid text comes back unchanged; undecodable bytes (surrogates) become U+FFFD
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a lone surrogate that no undecodable byte produced
        return name.encode("utf-8", "replace").decode("utf-8")
