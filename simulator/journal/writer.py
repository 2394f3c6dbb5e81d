"""Append-only journal writer: one canonical JSON line per record, each chained to the one before.

Durability policy (docs/journal-format.md, "Writing and crashes"): the header, every command
and the seal are flushed and fsynced before the call returns, so nothing a player decided is
lost. Events are buffered and reach the file at the next command, when one is written more
than `flush_interval` seconds after the last flush, and at the seal; after a crash they are
re-derived by replaying the commands, which is why they may lag.
"""

from __future__ import annotations

import base64
import hashlib
import math
import os
import time
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import Any, Callable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import ValidationError

from simulator import __version__
from simulator.journal.format import (
    FORMAT_VERSION,
    ZERO_HASH,
    HeaderData,
    as_text,
    canonical_bytes,
    first_error,
    format_wall,
    seal_digest_payload,
    seal_signed_payload,
)
from simulator.journal.keys import key_fingerprint
from simulator.journal.verify import find_append_point
from simulator.model.diagnostics import Diagnostic, InputError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory lock, single writer by convention
    fcntl = None  # type: ignore[assignment]

Clock = Callable[[], datetime]

BUFFER_BYTES = 1 << 16  # buffered events are written out past this size, as a 64 KiB buffer would


class JournalWriteError(InputError):
    """The journal could not be written (disk full, quota, I/O error): one line naming the
    journal, never the scenario. The file is cut back to its last complete record, so it stays
    verifiable as an unsealed journal and `cyberdrill resume` carries on once space is freed."""


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _lock(fd: int, path: Path) -> None:
    """One writer per journal: a second process appending would fork the chain."""
    if fcntl is None:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(fd)
        raise InputError(
            [Diagnostic(str(path), 1, 1, "error", "journal is open for writing by another process")]
        ) from exc


def _fsync_dir(path: Path) -> None:
    """Make the new file's directory entry durable too (POSIX; a no-op where unsupported)."""
    try:
        fd = os.open(path.parent if str(path.parent) else ".", os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class JournalWriter:
    """Writes one exercise journal. Payloads are plain dicts (the engine's `to_record()`)."""

    def __init__(
        self,
        path: Path,
        fd: int,
        *,
        head: str,
        next_seq: int,
        last_t: float,
        clock: Clock | None,
        flush_interval: float,
        last_wall: str = "",
    ):
        self.path = path
        self._last_wall = last_wall
        # Unbuffered: the writer keeps its own buffer of whole lines, so a failed write can be
        # rolled back to the last complete record (a buffered file object would retry the rest
        # of a half-written line when closed).
        self._fh = os.fdopen(fd, "ab", buffering=0)
        self._buffer: list[bytes] = []
        self._buffered = 0
        self._committed = os.fstat(fd).st_size  # bytes of complete records on disk
        self._head = head
        self._seq = next_seq
        self._last_t = last_t
        self._clock = clock or _utc_now
        self.flush_interval = flush_interval
        self._last_flush = time.monotonic()
        self._sealed = False
        self._broken = False

    # -- opening --------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: str | os.PathLike,
        header: dict,
        *,
        t: float = 0.0,
        clock: Clock | None = None,
        flush_interval: float = 1.0,
    ) -> "JournalWriter":
        """Start a new journal with its header; refuses to overwrite an existing file.

        `header` is the header's `data`; `format_version` and `software_version` are filled in.
        """
        path = Path(path)
        data = as_text(dict(header))
        data.setdefault("format_version", FORMAT_VERSION)
        data.setdefault("software_version", __version__)
        if data["format_version"] != FORMAT_VERSION:
            raise ValueError(f"this writer writes format version {FORMAT_VERSION}, not {data['format_version']}")
        try:
            data = HeaderData.model_validate(data).model_dump(mode="json")
        except ValidationError as exc:
            raise ValueError(f"invalid journal header: {first_error(exc)}") from None
        t = _check_time(t, None)
        wall = format_wall((clock or _utc_now)())
        record = {
            "seq": 0,
            "t": t,
            "wall": wall,
            "type": "header",
            "prev": ZERO_HASH,
            "data": data,
        }
        line = canonical_bytes(record)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | getattr(os, "O_CLOEXEC", 0)
        try:
            fd = os.open(path, flags, 0o644)
        except FileExistsError as exc:
            raise InputError(
                [Diagnostic(str(path), 1, 1, "error", "journal already exists: refusing to overwrite it")]
            ) from exc
        except OSError as exc:
            raise InputError(
                [Diagnostic(str(path), 1, 1, "error", f"cannot create journal: {exc.strerror or exc}")]
            ) from exc
        _lock(fd, path)
        writer = cls(path, fd, head=ZERO_HASH, next_seq=0, last_t=t, clock=clock, flush_interval=flush_interval, last_wall=wall)
        try:
            writer._append(line, durable=True)
        except JournalWriteError:
            writer._fh.close()
            path.unlink(missing_ok=True)  # an empty journal would only block the next attempt
            raise
        _fsync_dir(path)
        return writer

    @classmethod
    def open_append(
        cls, path: str | os.PathLike, *, clock: Clock | None = None, flush_interval: float = 1.0
    ) -> "JournalWriter":
        """Continue an interrupted (unsealed) journal after checking its chain.

        A partial last line (no newline: the process died mid-write, before its fsync) is cut
        off; seq and prev carry on from the last complete record.
        """
        path = Path(path)
        try:
            fd = os.open(path, os.O_RDWR | os.O_APPEND | getattr(os, "O_CLOEXEC", 0))
        except OSError as exc:
            raise InputError(
                [Diagnostic(str(path), 1, 1, "error", f"cannot open journal: {exc.strerror or exc}")]
            ) from exc
        _lock(fd, path)
        try:
            point = find_append_point(path)
            if point.dropped_partial_line:
                os.ftruncate(fd, point.valid_size)
                os.fsync(fd)
        except BaseException:
            os.close(fd)
            raise
        return cls(
            path,
            fd,
            head=point.head,
            next_seq=point.records,
            last_t=point.last_t,
            clock=clock,
            flush_interval=flush_interval,
            last_wall=point.last_wall,
        )

    # -- writing --------------------------------------------------------------------------

    @property
    def head_hash(self) -> str:
        """SHA-256 of the last line written: the `prev` of the next record."""
        return self._head

    @property
    def records(self) -> int:
        """Records in the journal so far, header included."""
        return self._seq

    @property
    def last_t(self) -> float:
        return self._last_t

    @property
    def sealed(self) -> bool:
        return self._sealed

    @property
    def closed(self) -> bool:
        return self._fh.closed

    def command(self, t: float, data: dict) -> dict:
        """Record an outside input; on return it is on disk (flushed and fsynced)."""
        return self._record("command", t, data, durable=True)

    def event(self, t: float, data: dict) -> dict:
        """Record an engine event; buffered (see the module docstring)."""
        return self._record("event", t, data, durable=False)

    def seal(self, sign_key: Ed25519PrivateKey | None = None, *, t: float | None = None) -> dict:
        """Close the journal with a seal (signed when a key is given); nothing can follow it."""
        self._check_open()
        t = self._last_t if t is None else _check_time(t, self._last_t)
        record: dict[str, Any] = {
            "seq": self._seq,
            "t": t,
            "wall": self._wall(),
            "type": "seal",
            "prev": self._head,
            "data": {
                "records": self._seq + 1,
                "last_hash": self._head,
                "key_fingerprint": key_fingerprint(sign_key.public_key()) if sign_key is not None else None,
                "signature": None,
            },
        }
        record["data"]["digest"] = hashlib.sha256(canonical_bytes(seal_digest_payload(record))).hexdigest()
        if sign_key is not None:
            signature = sign_key.sign(canonical_bytes(seal_signed_payload(record)))
            record["data"]["signature"] = base64.b64encode(signature).decode("ascii")
        self._append(canonical_bytes(record), durable=True)
        self._last_t = t
        self._sealed = True
        self.close()
        return record

    def flush(self) -> None:
        """Hand buffered events to the OS (no fsync)."""
        if not self._fh.closed and not self._broken:
            self._write_out()
            self._last_flush = time.monotonic()

    def close(self) -> None:
        """Flush, fsync and close; an unsealed journal stays resumable with `open_append`."""
        if self._fh.closed:
            return
        try:
            if not self._broken:
                self._write_out()
                os.fsync(self._fh.fileno())
        except OSError as exc:
            self._broken = True
            raise self._failure(exc) from None
        finally:
            self._fh.close()

    def __enter__(self) -> "JournalWriter":
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- internals ------------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._sealed:
            raise RuntimeError("journal is sealed: nothing can be appended")
        if self._broken:
            raise RuntimeError("journal writer failed earlier: reopen with open_append to continue")
        if self._fh.closed:
            raise RuntimeError("journal writer is closed")

    def _record(self, kind: str, t: float, data: dict, *, durable: bool) -> dict:
        self._check_open()
        if not isinstance(data, dict):
            raise TypeError(f"{kind} payload must be a dict, not {type(data).__name__}")
        t = _check_time(t, self._last_t)
        record = {
            "seq": self._seq,
            "t": t,
            "wall": self._wall(),
            "type": kind,
            "prev": self._head,
            "data": data,
        }
        self._append(canonical_bytes(record), durable=durable)
        self._last_t = t
        return record

    def _append(self, line: bytes, *, durable: bool) -> None:
        self._buffer.append(line + b"\n")
        self._buffered += len(line) + 1
        try:
            if durable:
                self._write_out()
                os.fsync(self._fh.fileno())
                self._last_flush = time.monotonic()
            elif self._buffered >= BUFFER_BYTES or time.monotonic() - self._last_flush >= self.flush_interval:
                self._write_out()
                self._last_flush = time.monotonic()
        except OSError as exc:
            self._broken = True
            raise self._failure(exc) from None
        except BaseException:
            self._broken = True
            raise
        self._head = hashlib.sha256(line).hexdigest()
        self._seq += 1

    def _wall(self) -> str:
        """Now, as the journal writes it; never before the record before it (the system clock may
        step back, an NTP correction say: verifiers require `wall` not to decrease)."""
        wall = format_wall(self._clock())
        if wall < self._last_wall:
            wall = self._last_wall
        self._last_wall = wall
        return wall

    def _write_out(self) -> None:
        """Write the buffered lines; on failure cut the file back to its last complete record."""
        if not self._buffer:
            return
        data = memoryview(b"".join(self._buffer))
        self._buffer.clear()
        self._buffered = 0
        fd = self._fh.fileno()
        try:
            while data:
                data = data[os.write(fd, data):]
        except BaseException:
            try:
                os.ftruncate(fd, self._committed)  # frees space: works on a full disk
            except OSError:
                pass
            raise
        self._committed = os.lseek(fd, 0, os.SEEK_CUR)

    def _failure(self, exc: OSError) -> JournalWriteError:
        """The one line that says which journal could not be written and what it holds now."""
        reason = " ".join(str(exc.strerror or exc).split())
        kept = "nothing was written" if self._committed == 0 else "the journal is kept up to its last complete record: free space, then 'cyberdrill resume' carries on"
        return JournalWriteError([Diagnostic(str(self.path), 1, 1, "error", f"cannot write the journal: {reason} ({kept})")])


def _check_time(t: Any, last_t: float | None) -> float:
    if isinstance(t, bool) or not isinstance(t, (int, float)):
        raise TypeError(f"sim time must be a number of minutes, not {type(t).__name__}")
    t = float(t)
    if not math.isfinite(t):
        raise ValueError(f"sim time must be finite, not {t}")
    if last_t is not None and t < last_t:
        raise ValueError(f"sim time goes backwards: t={t} after t={last_t}")
    return t
