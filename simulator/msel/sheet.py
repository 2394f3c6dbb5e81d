"""Reading and writing the MSEL grid as .xlsx (openpyxl) or .csv as French Excel writes it.

CSV: `;` between fields, UTF-8 with a byte-order mark, CRLF line ends, fields quoted
when needed, numbers with a decimal comma. Reading accepts `;` or `,` (told apart by the
header line), with or without the mark. Every cell read keeps where it came from, so an
import error points at `msel.xlsx:MSEL!C14` or `msel.csv:14:3` (the line a record starts
on, the field's rank).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

from simulator.fileio import open_input
from simulator.model.diagnostics import Diagnostic, InputError

SHEET = "MSEL"
MAX_BYTES = 16 * 1024 * 1024
STAMP = dt.datetime(2000, 1, 1)  # fixed workbook dates: the same scenario exports the same bytes


@dataclass(frozen=True)
class CellDiagnostic(Diagnostic):
    """A diagnostic at a spreadsheet cell: formatted `msel.xlsx:MSEL!C14: error: ...`."""

    where: str = ""

    def format(self) -> str:
        return f"{self.where}: {self.severity}: {self.message}" if self.where else super().format()

    def as_dict(self) -> dict:
        out = super().as_dict()
        out["cell"] = self.where
        return out


@dataclass
class Grid:
    """Rows of text cells under a header, with each cell's place in the file."""

    name: str  # the file as the user named it
    xlsx: bool
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # CSV: the line each row starts on; xlsx: its row number

    def diagnostic(self, row: int, col: int, message: str) -> Diagnostic:
        """`row`: index in `rows` (-1: the header); `col`: 0-based column."""
        if self.xlsx:
            line = self.lines[row] if row >= 0 else 1
            return CellDiagnostic(self.name, line, col + 1, "error", message, f"{self.name}:{SHEET}!{column_letter(col + 1)}{line}")
        line = self.lines[row] if row >= 0 else 1
        return Diagnostic(self.name, line, col + 1, "error", message)


def column_letter(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


# ---------------------------------------------------------------- writing


def csv_bytes(header: list[str], rows: list[list[object]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    return buf.getvalue().encode("utf-8-sig")


def _csv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")  # French Excel reads a decimal comma
    return str(value)


def xlsx_bytes(header: list[str], rows: list[list[object]], widths: dict[str, int]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(header)
    bold = Font(bold=True)
    for cell in ws[1]:
        cell.font = bold
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        ws.append([None if v == "" else v for v in row])
    for i, name in enumerate(header, start=1):
        ws.column_dimensions[column_letter(i)].width = widths.get(name, 14)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
            if isinstance(cell.value, str):
                cell.data_type = "s"  # a time such as '=...' or '1h' stays text
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = ws.dimensions
    wb.properties.created = STAMP
    wb.properties.modified = STAMP
    wb.properties.creator = "cyberdrill"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------- reading


def read_grid(path: str | os.PathLike, shown: str | None = None) -> Grid:
    """The grid of an .xlsx or .csv file; InputError (positioned) when it cannot be read."""
    name = shown or str(path)
    suffix = Path(path).suffix.lower()
    try:
        with open_input(path) as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > MAX_BYTES:
                raise InputError([Diagnostic(name, 1, 1, "error", f"file is too large ({size / 1048576:.1f} MiB; the limit is {MAX_BYTES // 1048576} MiB)")])
            data = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise InputError([Diagnostic(name, 1, 1, "error", "no such file")]) from None
    except IsADirectoryError:
        raise InputError([Diagnostic(name, 1, 1, "error", "is a directory, not a spreadsheet")]) from None
    except OSError as exc:
        raise InputError([Diagnostic(name, 1, 1, "error", f"cannot read: {exc.strerror or exc}")]) from None
    if suffix == ".xlsx" or data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data, name)
    if suffix not in (".csv", ".txt"):
        raise InputError([Diagnostic(name, 1, 1, "error", "expected an .xlsx or .csv file")])
    return _read_csv(data, name)


def _read_csv(data: bytes, name: str) -> Grid:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError([Diagnostic(name, line, 1, "error", "not UTF-8: save the CSV as “CSV UTF-8 (delimited)”")]) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    grid = Grid(name, False, [])
    try:
        start = 1
        for i, record in enumerate(reader):
            if i == 0:
                grid.header = [h.strip() for h in record]
            elif any(cell.strip() for cell in record):
                grid.rows.append(record)
                grid.lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputError([Diagnostic(name, reader.line_num, 1, "error", f"cannot read the CSV: {exc}")]) from None
    return grid


def _read_xlsx(data: bytes, name: str) -> Grid:
    try:
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InputError([Diagnostic(name, 1, 1, "error", f"not a readable .xlsx workbook ({type(exc).__name__})")]) from None
    if SHEET not in wb.sheetnames:
        raise InputError([Diagnostic(name, 1, 1, "error", f"no sheet named '{SHEET}' (sheets: {', '.join(wb.sheetnames)})")])
    ws = wb[SHEET]
    grid = Grid(name, True, [])
    for n, values in enumerate(ws.iter_rows(values_only=True), start=1):
        cells = [_xlsx_text(v) for v in values]
        if n == 1:
            grid.header = [c.strip() for c in cells]
        elif any(c.strip() for c in cells):
            grid.rows.append(cells)
            grid.lines.append(n)
    wb.close()
    return grid


def _xlsx_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="minutes")
    return str(value)
