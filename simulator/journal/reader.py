"""Read journal records back (for replay, resume and reports). Reading does not verify: call
`verify_journal` first when the journal's integrity matters.
"""

from __future__ import annotations

import os
from typing import Iterator

from simulator.fileio import open_input
from simulator.journal.format import FORMAT_VERSION, json_error_text, parse_line
from simulator.model.diagnostics import Diagnostic, InputError


def _error(path: str | os.PathLike, line: int, message: str) -> InputError:
    return InputError([Diagnostic(str(path), line, 1, "error", message)])


def read_records(path: str | os.PathLike) -> Iterator[tuple[int, bytes, dict]]:
    """Yield (line number, exact line bytes without the newline, parsed record) in file order.

    Raises InputError on a line that is not a JSON object or that is cut short.
    """
    try:
        fh = open_input(path, buffering=1 << 20)
    except OSError as exc:
        raise _error(path, 1, f"cannot read journal: {exc.strerror or exc}") from exc
    with fh:
        for line_no, raw in enumerate(fh, start=1):
            if not raw.endswith(b"\n"):
                raise _error(path, line_no, "incomplete last line (no newline): journal cut while writing")
            body = raw[:-1]
            try:
                record = parse_line(body)
            except (ValueError, StopIteration) as exc:
                raise _error(path, line_no, f"line is {json_error_text(exc)}") from None
            if type(record) is not dict:
                raise _error(path, line_no, "record is not a JSON object")
            yield line_no, body, record


def read_header(path: str | os.PathLike) -> dict:
    """The header record (line 1), checked to be a header of a format version this code reads."""
    for line_no, _raw, record in read_records(path):
        if record.get("type") != "header" or not isinstance(record.get("data"), dict):
            raise _error(path, line_no, "first record is not a journal header: not a journal")
        version = record["data"].get("format_version")
        if type(version) is not int or version > FORMAT_VERSION:
            raise _error(
                path,
                line_no,
                f"journal format version {version} is not supported (this CyberDrill reads version {FORMAT_VERSION})",
            )
        return record
    raise _error(path, 1, "empty file: not a journal")
