"""An edited MSEL spreadsheet back into a scenario: the base scenario with its injects, decisions and modules replaced.

Every cell is read into the scenario's own keys, then the whole scenario is validated
as `cyberdrill validate` would; each problem is reported at the cell it comes from
(`msel.xlsx:MSEL!C14`, `msel.csv:14:3`), problems of the base file at their line. The
new file is the base file's text with only the `injects`, `decisions` and `modules`
sections rewritten (its comments and the rest of its layout are kept), and it is
written whole, next to the base scenario (its network and attachments are named
relative to it), only when nothing is wrong.
"""

from __future__ import annotations

import copy
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from simulator.model.diagnostics import Diagnostic, InputError, Position
from simulator.model.duration import DurationError, format_duration, format_offset, parse_duration, parse_offset
from simulator.model.yaml_loader import Document, load_yaml, parse_yaml
from simulator.msel.columns import COLUMNS, COMPUTED, FLAGS, KINDS, NO, YES
from simulator.msel.sheet import Grid, read_grid

SENTINEL = "\x00msel"
SECTIONS = ("injects", "decisions", "modules")
_SPLIT = re.compile(r"[,\s]+")


@dataclass
class _Row:
    index: int  # in grid.rows
    kind: str
    data: dict[str, Any]
    cols: dict[str, int]  # scenario key -> column (0-based) it was read from
    module: str = ""
    module_col: int = -1


@dataclass
class Reading:
    grid: Grid
    errors: list[Diagnostic] = field(default_factory=list)
    rows: list[_Row] = field(default_factory=list)


def _flow(text: str, what: str) -> Any:
    doc = parse_yaml(text, what)
    return doc.data


class _RowReader:
    def __init__(self, reading: Reading, header: dict[str, int], index: int):
        self.reading = reading
        self.header = header
        self.index = index
        self.cells = reading.grid.rows[index]
        self.data: dict[str, Any] = {}
        self.cols: dict[str, int] = {}
        self.bad = False

    def cell(self, name: str) -> str:
        col = self.header.get(name)
        if col is None or col >= len(self.cells):
            return ""
        return self.cells[col].strip("\r")

    def error(self, name: str, message: str) -> None:
        col = self.header.get(name, 0)
        self.reading.errors.append(self.reading.grid.diagnostic(self.index, col, message))
        self.bad = True

    def put(self, key: str, value: Any, column: str) -> None:
        self.data[key] = value
        self.cols[key] = self.header.get(column, 0)

    # -- typed cells -------------------------------------------------------------------

    def text(self, key: str, base: str, required: str = "") -> None:
        fr, en = self.cell(f"{base} (fr)").strip(), self.cell(f"{base} (en)").strip()
        if not fr and not en:
            if required:
                self.error(f"{base} (fr)", f"empty required cell: {required}")
                self.put(key, "?", f"{base} (fr)")  # a stand-in: the file is not written anyway
            return
        self.put(key, fr if fr == en else {k: v for k, v in (("fr", fr), ("en", en)) if v}, f"{base} (fr)")

    def texts(self, key: str, base: str) -> None:
        fr, en = self.cell(f"{base} (fr)").strip(), self.cell(f"{base} (en)").strip()
        if not fr and not en:
            return
        if fr.startswith("["):
            try:
                self.put(key, _flow(fr, "cell"), f"{base} (fr)")
            except InputError as exc:
                self.error(f"{base} (fr)", f"not a YAML list: {exc.diagnostics[0].message}")
            return
        fr_lines = [x.strip() for x in fr.splitlines() if x.strip()]
        en_lines = [x.strip() for x in en.splitlines() if x.strip()]
        if fr_lines and en_lines and len(fr_lines) != len(en_lines):
            self.error(f"{base} (en)", f"{len(en_lines)} line(s) in English, {len(fr_lines)} in French: one item per line, in both")
            return
        n = max(len(fr_lines), len(en_lines))
        items = []
        for i in range(n):
            a = fr_lines[i] if fr_lines else ""
            b = en_lines[i] if en_lines else ""
            items.append(a if a == b else {k: v for k, v in (("fr", a), ("en", b)) if v})
        self.put(key, items, f"{base} (fr)")

    def ids(self, key: str, column: str) -> None:
        value = self.cell(column).strip()
        if value:
            self.put(key, [x for x in _SPLIT.split(value) if x], column)

    def plain(self, key: str, column: str, required: str = "", stand_in: str = "") -> None:
        value = self.cell(column).strip()
        if value:
            self.put(key, value, column)
        elif required:
            self.error(column, f"empty required cell: {required}")
            if stand_in:
                self.put(key, stand_in, column)

    def yes(self, key: str, column: str) -> None:
        value = self.cell(column).strip().lower()
        if value in YES:
            self.put(key, True, column)
        elif value not in NO:
            self.error(column, f"'{self.cell(column).strip()}': write yes or no")

    def flow(self, key: str, column: str) -> None:
        value = self.cell(column).strip()
        if not value:
            return
        try:
            self.put(key, _flow(value, column), column)
        except InputError as exc:
            self.error(column, f"not YAML: {exc.diagnostics[0].message}")

    def time(self, key: str, in_module: bool) -> bool:
        value = self.cell("time").strip()
        if not value:
            return False
        try:
            minutes = parse_offset(value)
        except DurationError as exc:
            self.error("time", f"bad time: {exc}")
            return False
        self.put(key, format_duration(minutes) if in_module and minutes >= 0 else format_offset(minutes), "time")
        return True


def read(grid: Grid) -> Reading:
    """Every row into scenario data, with the errors of the cells themselves."""
    reading = Reading(grid)
    header: dict[str, int] = {}
    for col, name in enumerate(grid.header):
        key = name.strip().lower()
        if not key:
            continue
        known = next((c for c in COLUMNS if c.lower() == key), None)
        if known is None:
            from simulator.model.validation import suggest

            hint = suggest(key, list(COLUMNS))
            reading.errors.append(grid.diagnostic(-1, col, f"unknown column '{name}'" + (f" (did you mean '{hint}'?)" if hint else "")))
        elif known in header:
            reading.errors.append(grid.diagnostic(-1, col, f"column '{name}' appears twice"))
        else:
            header[known] = col
    for required in ("id", "kind"):
        if required not in header:
            reading.errors.append(grid.diagnostic(-1, 0, f"missing column '{required}'"))
    if "id" not in header or "kind" not in header:
        return reading
    for i in range(len(grid.rows)):
        r = _RowReader(reading, header, i)
        kind = r.cell("kind").strip().lower()
        if kind not in KINDS:
            r.error("kind", f"'{r.cell('kind').strip()}' is not a kind: inject, decision or module" if kind else "empty required cell: the kind (inject, decision or module)")
            continue
        r.plain("id", "id", required="the id")
        module = r.cell("module").strip() if kind != "module" else ""
        if kind == "inject":
            _inject(r, bool(module))
        elif kind == "decision":
            _decision(r, bool(module))
        else:
            _module(r)
        reading.rows.append(_Row(i, kind, r.data, r.cols, module, header.get("module", -1)))
    return reading


def _inject(r: _RowReader, in_module: bool) -> None:
    r.time("at", in_module)
    after = r.cell("after").strip()
    if after:
        parts = after.split()
        target, delay = parts[0], "".join(parts[1:]).lstrip("+")
        try:
            minutes = parse_duration(delay) if delay else 0
            r.put("after", {"inject": target, "delay": format_duration(minutes)}, "after")
        except DurationError:
            r.error("after", f"'{after}': write the inject id and the delay after it (printers +20m)")
    r.flow("when", "when")
    r.plain("from", "from")
    r.ids("to", "to")
    r.plain("channel", "channel", required="the channel (email, phone, sms, press, tv, social, siem-alert, ticket, in-person)", stand_in="email")
    r.yes("card", "card")
    flags = [x for x in _SPLIT.split(r.cell("type").strip().lower()) if x]
    for flag in flags:
        if flag in FLAGS:
            r.put(flag, True, "type")
        elif flag != "stimulus":
            r.error("type", f"'{flag}' is not a type: contingency, noise (or empty)")
    r.text("title", "title")
    r.text("text", "text", required="what the recipients read or hear")
    r.texts("expected", "expected")
    r.texts("questions", "questions")
    r.ids("objectives", "objectives")
    r.text("facilitator_note", "note")
    for key in ("effects", "answered_by", "states", "attachments"):
        r.flow(key, key)


def _decision(r: _RowReader, in_module: bool) -> None:
    timed = r.time("at", in_module)
    r.flow("when", "when")
    if not timed and "when" not in r.data and r.bad:
        r.put("at", "0m" if in_module else "T+0m", "time")  # a stand-in after a bad time
    r.ids("to", "to")
    r.text("prompt", "text", required="the question put to the cell")
    r.flow("options", "options")
    if "options" not in r.data:
        r.error("options", "empty required cell: the options, as a YAML list ([{id: cut}, {id: wait}])")
        r.put("options", [{"id": "a"}, {"id": "b"}], "options")
    r.plain("deadline", "deadline", required="the time the cell has to decide", stand_in="15m")
    options = r.data["options"]
    first = options[0].get("id") if isinstance(options, list) and options and isinstance(options[0], dict) else "a"
    r.plain("default", "default", required="the option applied at the deadline", stand_in=str(first))
    r.yes("pause_clock", "pause_clock")
    r.ids("objectives", "objectives")


def _module(r: _RowReader) -> None:
    r.text("title", "title", required="the module's title")
    r.plain("jump", "jump")
    r.text("narrative", "text")
    r.plain("duration", "duration")
    r.texts("questions", "questions")
    r.texts("expected", "expected")


# ---------------------------------------------------------------- into the scenario


def assemble(reading: Reading) -> tuple[dict[str, list], dict[tuple, tuple[int, int]]]:
    """The sections and, for each scenario path, the (row, column) it was read from."""
    sections: dict[str, list] = {"injects": [], "decisions": [], "modules": []}
    where: dict[tuple, tuple[int, int]] = {}
    modules: dict[str, int] = {}
    for row in reading.rows:
        if row.kind == "module":
            k = len(sections["modules"])
            modules.setdefault(str(row.data.get("id")), k)
            sections["modules"].append({**row.data, "injects": [], "decisions": []})
            _locate(where, ("modules", k), row)
    for row in reading.rows:
        if row.kind == "module":
            continue
        section = "injects" if row.kind == "inject" else "decisions"
        if row.module:
            k = modules.get(row.module)
            if k is None:
                hint = _hint(row.module, list(modules))
                reading.errors.append(reading.grid.diagnostic(row.index, max(row.module_col, 0), f"unknown module '{row.module}'" + hint))
                continue
            items = sections["modules"][k][section]
            path = ("modules", k, section, len(items))
        else:
            items = sections[section]
            path = (section, len(items))
        items.append(row.data)
        _locate(where, path, row)
    for m in sections["modules"]:
        for key in ("injects", "decisions"):
            if not m[key]:
                del m[key]
    return sections, where


def _hint(word: str, known: list[str]) -> str:
    from simulator.model.validation import suggest

    h = suggest(word, known)
    return f" (did you mean '{h}'?)" if h else (f" (modules: {', '.join(known)})" if known else " (the sheet has no module row)")


def _locate(where: dict, path: tuple, row: _Row) -> None:
    where[path] = (row.index, row.cols.get("id", 0))
    for key, col in row.cols.items():
        where[path + (key,)] = (row.index, col)
        if key in ("text", "title", "prompt", "narrative", "facilitator_note"):
            where[path + (key, "fr")] = (row.index, col)
            where[path + (key, "en")] = (row.index, col + 1)


@dataclass
class Imported:
    text: str  # the new scenario file
    diagnostics: list[Diagnostic]


def import_msel(sheet: str | os.PathLike, base: str | os.PathLike, out: str | os.PathLike, *, sheet_name: str | None = None, base_name: str | None = None) -> Imported:
    """Read the spreadsheet, merge it into the base scenario, validate; the new file's text when all is well."""
    from simulator.model.documents import load_document

    base_name = base_name or str(base)
    out_dir = Path(out).resolve().parent
    if out_dir != Path(base).resolve().parent:
        raise InputError([Diagnostic(str(out), 1, 1, "error", f"write the new scenario next to the base one ({Path(base).parent or '.'}/): its network and attachments are named relative to it")])
    load_document(base, expect="scenario", shown=base_name)  # the base must be a valid scenario itself
    grid = read_grid(sheet, sheet_name)
    reading = read(grid)
    sections, where = assemble(reading)
    base_doc = load_yaml(base, base_name)
    data = copy.deepcopy(base_doc.data)
    body = data["scenario"]
    for key in SECTIONS:
        if sections[key]:
            body[key] = sections[key]
        else:
            body.pop(key, None)
    doc = Document(base_doc.path, data)
    for table, out_table in ((base_doc.values, doc.values), (base_doc.keys, doc.keys)):
        for path, pos in table.items():
            if not (len(path) >= 2 and path[0] == "scenario" and path[1] in SECTIONS):
                out_table[path] = pos
    for path, (row, col) in where.items():
        pos = Position(SENTINEL, row + 1, col + 1)
        doc.values[("scenario",) + path] = pos
        doc.keys[("scenario",) + path] = pos
    found = _validate(doc)
    cell_errors = {(d.line, d.col) for d in reading.errors}
    diags = list(reading.errors)
    for d in found:
        mapped = _map(d, grid)
        if (mapped.line, mapped.col) in cell_errors and mapped.file == grid.name:
            continue  # the cell already said what is wrong
        diags.append(mapped)
    errors = [d for d in diags if d.severity == "error"]
    if errors:
        return Imported("", sorted(diags, key=_order))
    text = splice(read_base_text(base), base_doc, {k: sections[k] or None for k in SECTIONS})
    return Imported(text, sorted(diags, key=_order))


def _order(d: Diagnostic) -> tuple:
    return (d.file, d.line, d.col, d.message)


def _validate(doc: Document) -> list[Diagnostic]:
    from simulator.model.scenario import ScenarioFile
    from simulator.model.scenario_checks import check_scenario
    from simulator.model.validation import errors_to_diagnostics

    try:
        model = ScenarioFile.model_validate(doc.data)
    except ValidationError as exc:
        return errors_to_diagnostics(exc, doc, ScenarioFile)
    return check_scenario(model.scenario, doc)


def _map(d: Diagnostic, grid: Grid) -> Diagnostic:
    if d.file != SENTINEL:
        return d
    mapped = grid.diagnostic(d.line - 1, d.col - 1, d.message)
    return type(mapped)(**{**mapped.__dict__, "severity": d.severity})


def read_base_text(path: str | os.PathLike) -> str:
    from simulator.model.yaml_loader import read_text

    return read_text(path)


# ---------------------------------------------------------------- writing the new file


class _Dumper(yaml.SafeDumper):
    """Block lists indented under their key and double quotes, as the shipped scenarios are written."""

    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)


def _str(dumper: yaml.SafeDumper, value: str):
    analysis = dumper.analyze_scalar(value)
    plain = analysis.allow_flow_plain and analysis.allow_block_plain and not analysis.multiline
    resolved = dumper.resolve(yaml.ScalarNode, value, (True, False))
    style = None if plain and resolved == "tag:yaml.org,2002:str" and value.lower() not in ("yes", "no", "on", "off", "y", "n") else '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def section_text(key: str, value: list, indent: int) -> str:
    text = yaml.dump({key: value}, Dumper=_Dumper, default_flow_style=None, sort_keys=False, allow_unicode=True, width=1_000_000, indent=2)
    pad = " " * indent
    return "".join(pad + line + "\n" for line in text.splitlines())


def splice(text: str, doc: Document, sections: dict[str, list | None]) -> str:
    """`text` with each `scenario.<key>` section replaced (None: removed); new ones appended."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    body_keys = sorted(
        (pos.line, path[1]) for path, pos in doc.keys.items() if len(path) == 2 and path[0] == "scenario"
    )
    indent = next((doc.keys[("scenario", k)].col - 1 for _l, k in body_keys), 2)
    starts = [line for line, _k in body_keys]
    replaced: list[tuple[int, int, str]] = []  # (first line index, end index, new text)
    for line, key in body_keys:
        if key not in sections:
            continue
        later = [s for s in starts if s > line]
        end = (later[0] - 1) if later else len(lines)
        last = end
        while last > line and (not lines[last - 1].strip() or lines[last - 1].lstrip().startswith("#")):
            last -= 1  # keep the comments and blank lines that introduce the next key
        new = sections[key]
        replaced.append((line - 1, last, section_text(key, new, indent) if new else ""))
    for first, end, new in sorted(replaced, reverse=True):
        lines[first:end] = [new] if new else []
    present = {k for _l, k in body_keys}
    for key in SECTIONS:
        if key not in present and sections.get(key):
            lines.append(section_text(key, sections[key], indent))
    return "".join(lines)
