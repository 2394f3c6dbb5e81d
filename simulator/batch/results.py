"""The batch result file: JSON Lines, a header, one line per run, an end line.

    {"type": "header", "format": 1, "software": {...}, "scenario": {...}, "network": {...}, ...}
    {"type": "run", "index": 0, "arm": "baseline", "seed": 0, "policy": "textbook", "kpis": {...}, ...}
    ...
    {"type": "end", "runs": 200, "interrupted": false}

The header embeds the digests of every input file, the software version and
the options, so a result file says what produced it. Each line is written
whole with one call and flushed: stopping a batch (Ctrl+C, a crash) leaves only
complete lines, and a file with no end line is a batch that did not finish.
Run lines are serialised with sorted keys, so the same run gives the same bytes
whichever executor produced it.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Iterator, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from simulator.fileio import open_input, text_name
from simulator.model.diagnostics import Diagnostic, InputError, one_line

FORMAT = 1


class _Open(BaseModel):
    """Engine-owned records: read what we use, keep whatever else they carry."""

    model_config = ConfigDict(extra="allow", frozen=True)


class FileDigest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str = Field(description="Path as given on the command line.")
    sha256: str = Field(description="SHA-256 of the file's bytes.")
    id: str | None = Field(default=None, description="Id declared inside the file, when it has one.")


class Software(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = "cyberdrill"
    version: str
    python: str


class BatchOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    runs: int = Field(ge=1)
    seed_start: int
    policy: str
    until: str
    executor: str
    workers: int = Field(ge=1)
    scheduler: str | None = None


class BatchHeader(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["header"] = "header"
    format: int = FORMAT
    created: str = Field(description="UTC time the batch started (ISO 8601).")
    software: Software
    scenario: FileDigest
    network: FileDigest
    policy: FileDigest | None = Field(default=None, description="The policy file, when not a built-in policy.")
    variant: FileDigest | None = Field(default=None, description="The --compare variant file.")
    options: BatchOptions
    arms: list[str] = Field(description="Arm names in the order each seed's lines appear: baseline, then the variant id.")


class ClockLine(_Open):
    id: str
    deadline: float | None = None
    met_at: float | None = None


class ObjectiveLine(_Open):
    id: str
    rating: str | None = None


class RunLine(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["run"] = "run"
    index: int = Field(ge=0, description="Position of the seed in the batch (0-based).")
    arm: str = Field(description="'baseline', or the variant id for --compare runs.")
    seed: int
    policy: str
    until: str
    sim_minutes: float
    recovered_at: float | None = None
    recovery_guard_reached: bool = False
    events: int
    kpis: dict[str, Any]
    weekly: dict[str, list[float]] = Field(default_factory=dict, description="Per clinical function: mean capacity (%) in weeks 1..4 of the run.")
    clocks: list[ClockLine] = Field(default_factory=list)
    objectives: list[ObjectiveLine] = Field(default_factory=list)


class EndLine(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["end"] = "end"
    runs: int = Field(ge=0, description="Seeds completed (each with one line per arm).")
    interrupted: bool = False


def run_line(result: dict, index: int, arm: str) -> dict:
    """A run line from `RunResult.to_json()`: the fields results files keep, in a fixed shape."""
    return {
        "type": "run",
        "index": index,
        "arm": arm,
        "seed": result["seed"],
        "policy": result["policy"],
        "until": result["until"],
        "sim_minutes": result["sim_minutes"],
        "recovered_at": result.get("recovered_at"),
        "recovery_guard_reached": bool(result.get("recovery_guard_reached", False)),
        "events": result["events"],
        "kpis": result["kpis"],
        "weekly": {fid: f["week_capacity_pct"] for fid, f in (result.get("clinical") or {}).get("functions", {}).items()},
        "clocks": result.get("clocks", []),
        "objectives": result.get("objectives", []),
    }


def dumps_line(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False) + "\n"


@contextlib.contextmanager
def sigint_deferred() -> Iterator[None]:
    """Hold Ctrl+C until a write and its flush are done, so no line is ever cut in two."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[tuple] = []
    previous = signal.signal(signal.SIGINT, lambda *args: caught.append(args))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        if callable(previous):
            previous(*caught[0])
        elif previous == signal.SIG_DFL:
            os.kill(os.getpid(), signal.SIGINT)


class ResultWriteError(InputError):
    """The result file could not be written (disk full, quota): it ends at its last complete line."""


class ResultWriter:
    """Appends whole lines and writes each one out at once; `close(interrupted)` writes the end line.

    A write that fails (disk full, quota) cuts the file back to its last complete line and
    raises InputError naming the file: the file never ends mid-line, and holds every seed
    written before (no end line: it reads as a batch that was cut)."""

    def __init__(self, path: str | os.PathLike, header: BatchHeader):
        target = Path(path)
        if str(target.parent) and not target.parent.is_dir():
            raise InputError([Diagnostic(str(path), 1, 1, "error", f"cannot write: folder '{target.parent}' does not exist")])
        # The header line is made before the file exists: a header that cannot be written leaves no file behind.
        first = text_name(dumps_line(header.model_dump(mode="json")))
        try:
            # unbuffered: a failed write leaves nothing pending that a later close would append
            self._fh: IO[bytes] | None = open(target, "wb", buffering=0)
        except OSError as exc:
            raise InputError([Diagnostic(str(path), 1, 1, "error", f"cannot write: {one_line(exc.strerror or exc)}")]) from None
        self.path = target
        self.seeds = 0
        self._lines = 0
        self._size = 0
        try:
            self._write(first)
        except BaseException as exc:
            # An empty or half-written file would read as a broken batch and block a rerun.
            self._fh.close()
            self._fh = None
            with contextlib.suppress(OSError):
                target.unlink()
            if isinstance(exc, OSError):
                raise InputError([Diagnostic(str(path), 1, 1, "error", f"cannot write: {one_line(exc.strerror or exc)}")]) from None
            raise

    def _write(self, text: str, seeds: int = 0) -> None:
        # The count moves inside the deferred-SIGINT block: a Ctrl+C re-raised on
        # leaving it must not land between the write and the count, or the end
        # line would under-count the seeds the file holds.
        assert self._fh is not None, "writer is closed"
        data = memoryview(text.encode("utf-8"))
        with sigint_deferred():
            try:
                rest = data
                while rest:  # a raw file may write part of it (a full disk writes what fits)
                    rest = rest[self._fh.write(rest) or 0:]
            except OSError as exc:
                with contextlib.suppress(OSError):
                    self._fh.truncate(self._size)  # back to the last complete line (frees space)
                    self._fh.seek(self._size)
                held = f"the file keeps its {self.seeds} complete seed(s), without an end line" if self._lines else "nothing was written"
                raise ResultWriteError([Diagnostic(str(self.path), self._lines + 1, 1, "error", f"cannot write: {one_line(exc.strerror or exc)} ({held})")]) from None
            self._size += len(data)
            self._lines += text.count("\n")
            self.seeds += seeds

    def write_seed(self, lines: list[dict]) -> None:
        """Every arm's line of one seed, in one write: a seed is in the file whole or not at all."""
        self._write("".join(dumps_line(line) for line in lines), seeds=1)

    def close(self, interrupted: bool = False) -> None:
        if self._fh is None:
            return
        try:
            self._write(dumps_line(EndLine(runs=self.seeds, interrupted=interrupted).model_dump(mode="json")))
        finally:
            self._fh.close()
            self._fh = None

    def abandon(self) -> None:
        """Close without an end line (after a write failed: the file ends at its last complete seed)."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None


@dataclass
class ResultFile:
    header: BatchHeader
    runs: list[RunLine]
    end: EndLine | None

    @property
    def complete(self) -> bool:
        return self.end is not None and not self.end.interrupted


def _bad(path: str, line: int, message: str) -> InputError:
    return InputError([Diagnostic(path, line, 1, "error", one_line(message))])


def iter_lines(path: str | os.PathLike) -> Iterator[tuple[int, dict]]:
    """(line number, parsed JSON object) of every line; a line cut short is an error at its position."""
    shown = str(path)
    try:
        fh = open_input(path, "r", encoding="utf-8", newline="")
    except OSError as exc:
        raise InputError([Diagnostic(shown, 1, 1, "error", f"cannot read: {one_line(exc.strerror or exc)}")]) from None
    with fh:
        for number, raw in enumerate(fh, start=1):
            if not raw.endswith("\n"):
                raise _bad(shown, number, "incomplete last line (the batch was cut while writing it)")
            try:
                data = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise InputError([Diagnostic(shown, number, exc.colno, "error", f"not JSON: {exc.msg}")]) from None
            except RecursionError:
                raise _bad(shown, number, "not a result line: JSON nested too deeply") from None
            if not isinstance(data, dict):
                raise _bad(shown, number, "each line must be a JSON object")
            yield number, data


def read_results(path: str | os.PathLike) -> ResultFile:
    """Load and validate a result file (header first, run lines, optional end line)."""
    shown = str(path)
    header: BatchHeader | None = None
    runs: list[RunLine] = []
    end: EndLine | None = None
    models = {"header": BatchHeader, "run": RunLine, "end": EndLine}
    for number, data in iter_lines(path):
        kind = data.get("type")
        if kind not in models:
            raise _bad(shown, number, f"unknown line type {kind!r}: expected header, run or end")
        if number == 1 and kind != "header":
            raise _bad(shown, number, "the first line must be the header")
        if number > 1 and kind == "header":
            raise _bad(shown, number, "a second header")
        if end is not None:
            raise _bad(shown, number, "a line after the end line")
        try:
            item = models[kind].model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise _bad(shown, number, f"{kind} line: {where}: {first['msg']}") from None
        if isinstance(item, BatchHeader):
            header = item
        elif isinstance(item, RunLine):
            runs.append(item)
        else:
            end = item
    if header is None:
        raise _bad(shown, 1, "empty result file: no header")
    return ResultFile(header=header, runs=runs, end=end)
