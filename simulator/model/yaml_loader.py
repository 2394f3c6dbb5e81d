"""Safe YAML reading that remembers where every value came from.

PyYAML's event parser feeds an iterative builder (no recursion, so a
100,000-deep document cannot blow the stack). Only plain data is built:
mappings, sequences and core scalars. Every tag other than the core ones is
refused, never constructed. Booleans follow YAML 1.2 (`true`/`false` only), so
`on:` or `no:` stay strings (the "Norway problem"). Merge keys (`<<`) are
refused. Limits guard against hostile input: size, depth, aliases.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml import events

from simulator.fileio import open_input
from simulator.model.diagnostics import Diagnostic, InputError, Position, one_line

MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64
MAX_ALIASES = 200
MAX_NODES = 1_000_000
MAX_CONTROL_REPORTS = 20

# libyaml's parser is an order of magnitude faster on big GHT networks; same events and marks.
_PARSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

PathKey = tuple  # a path of keys and indices from the document root

_CORE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}

# YAML 1.2 core schema resolution.
_NULL_RE = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL_TRUE = {"true", "True", "TRUE"}
_BOOL_FALSE = {"false", "False", "FALSE"}
_INT_RE = re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$")
_FLOAT_RE = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x84\x86-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Bidirectional controls (embeddings, overrides, isolates, marks) reorder what a reader sees:
# a right-to-left override (U+202E) makes "exe.txt" read "txt.exe", in a name as in a comment
# ("Trojan Source", CVE-2021-42574). Scenarios are French and English: refused everywhere.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _control_message(ch: str, escaped: bool = False) -> str:
    how = " (written as an escape)" if escaped else ""
    if ch in _BIDI:
        where = "in a value" if escaped else "in a YAML file"
        return f"bidirectional control character U+{ord(ch):04X}{how} is not allowed {where}: it changes the order in which text is shown"
    return f"control character U+{ord(ch):04X}{how} is not allowed " + ("in a value" if escaped else "in a YAML file")


@dataclass
class Document:
    """Plain data from one YAML file, with positions by path."""

    path: str
    data: Any
    values: dict[PathKey, Position] = field(default_factory=dict)
    keys: dict[PathKey, Position] = field(default_factory=dict)
    # with keep_going: errors that left the data whole (duplicate keys, refused tags, escaped
    # control characters), for the caller to report with what validation finds next
    soft_errors: list[Diagnostic] = field(default_factory=list)

    def position(self, path: PathKey, key: bool = False) -> Position:
        """Position of the value at `path` (or of its key), or of its nearest known ancestor."""
        table = self.keys if key else self.values
        p = tuple(path)
        while True:
            if p in table:
                return table[p]
            if key and p in self.values:
                return self.values[p]
            if not p:
                return Position(self.path, 1, 1)
            p = p[:-1]


def display_path(path: str | os.PathLike) -> str:
    """Paths in messages as the user typed them, relative when that is shorter."""
    s = str(path)
    try:
        rel = os.path.relpath(s)
    except ValueError:
        return s
    return rel if not rel.startswith("..") and len(rel) < len(s) else s


# What YAML (and so PyYAML's own error marks) counts as a line break: CR LF, CR alone, LF, NEL, LS, PS.
_BREAK_RE = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def _line_col(text: str, index: int) -> tuple[int, int]:
    line, start = 1, 0
    for m in _BREAK_RE.finditer(text, 0, index):
        line, start = line + 1, m.end()
    return line, index - start + 1


def _byte_line_col(data: bytes, offset: int) -> tuple[int, int]:
    prefix = data[:offset].decode("utf-8", errors="replace")
    return _line_col(prefix, len(prefix))


def read_text(path: str | os.PathLike, shown: str | None = None) -> str:
    """Read a file as strict UTF-8 text, refusing what a YAML scenario never contains."""
    name = shown or display_path(path)

    def refuse(message: str) -> InputError:
        return InputError([Diagnostic(name, 1, 1, "error", message)])

    try:
        with open_input(path) as fh:  # refuses folders and pipes (a pipe would block the read)
            size = os.fstat(fh.fileno()).st_size
            if size > MAX_FILE_BYTES:
                raise refuse(f"file is too large ({size / 1048576:.1f} MiB; the limit is {MAX_FILE_BYTES // 1048576} MiB)")
            raw = fh.read(MAX_FILE_BYTES + 1)
    except IsADirectoryError:
        raise refuse("is a directory, not a YAML file") from None
    except FileNotFoundError:
        raise refuse("no such file") from None
    except PermissionError:
        raise refuse("permission denied") from None
    except ValueError:  # an embedded NUL in the name
        raise refuse("the file name contains a NUL character") from None
    except OSError as exc:
        raise refuse(one_line(f"cannot read file: {exc.strerror or exc}")) from None
    if len(raw) > MAX_FILE_BYTES:
        raise InputError([Diagnostic(name, 1, 1, "error", f"file is too large (the limit is {MAX_FILE_BYTES // 1048576} MiB)")])
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _byte_line_col(raw, exc.start)
        raise InputError(
            [Diagnostic(name, line, col, "error", f"invalid UTF-8 byte 0x{raw[exc.start]:02x}: save the file as UTF-8")]
        ) from None
    problems = []
    for match in _CONTROL_RE.finditer(text):
        line, col = _line_col(text, match.start())
        problems.append(Diagnostic(name, line, col, "error", _control_message(match.group())))
        if len(problems) >= MAX_CONTROL_REPORTS:
            break
    if problems:
        raise InputError(problems)
    return text


# First characters a plain scalar that is not a string can start with (null, bool, number,
# .inf/.nan): anything else is a string without a regular expression being tried.
_NOT_STR_START = frozenset("~nNtTfF-+.0123456789")


def _resolve_plain(value: str) -> Any:
    if value and value[0] not in _NOT_STR_START:
        return value
    if _NULL_RE.match(value):
        return None
    if value in _BOOL_TRUE:
        return True
    if value in _BOOL_FALSE:
        return False
    if _INT_RE.match(value):
        return int(value.replace("_", ""))
    if _FLOAT_RE.match(value) and any(ch.isdigit() for ch in value):
        return float(value.replace("_", ""))
    if value in (".inf", "+.inf", ".Inf", ".INF"):
        return float("inf")
    if value in ("-.inf", "-.Inf", "-.INF"):
        return float("-inf")
    if value in (".nan", ".NaN", ".NAN"):
        return float("nan")
    return value


def _scalar(event: events.ScalarEvent, name: str) -> Any:
    tag = event.tag
    if tag in (None, "!"):
        if event.implicit[0]:
            return _resolve_plain(event.value)
        return event.value
    value = event.value
    if tag == "tag:yaml.org,2002:str":
        return value
    resolved = _resolve_plain(value)
    expected = {
        "tag:yaml.org,2002:int": int,
        "tag:yaml.org,2002:float": (int, float),
        "tag:yaml.org,2002:bool": bool,
        "tag:yaml.org,2002:null": type(None),
    }.get(tag)
    if expected is None or not isinstance(resolved, expected) or (tag.endswith("int") and isinstance(resolved, bool)):
        line, col = event.start_mark.line + 1, event.start_mark.column + 1
        raise InputError([Diagnostic(name, line, col, "error", f"value {value!r} does not match its tag {tag}")])
    return float(resolved) if tag.endswith("float") else resolved


def _tag_error(event: events.NodeEvent, name: str) -> Diagnostic:
    tag = getattr(event, "tag", None) or ""
    shown = tag.replace("tag:yaml.org,2002:", "!!")
    line, col = event.start_mark.line + 1, event.start_mark.column + 1
    if "python" in tag:
        msg = f"tag {shown} is not allowed: scenario files are data, never code"
    else:
        msg = f"tag {shown} is not allowed: only plain YAML data (mappings, lists, strings, numbers, booleans) is accepted"
    return Diagnostic(name, line, col, "error", msg)


def _syntax_error(exc: yaml.MarkedYAMLError, name: str, text: str) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = exc.problem or "invalid YAML"
    if "nesting depth" in problem:
        # libyaml's own guard can fire before ours, depending on its version
        return Diagnostic(name, line, col, "error", f"nesting is deeper than {MAX_DEPTH} levels")
    if mark is not None and "\t" in problem or (mark is not None and _char_at(text, mark.index) == "\t"):
        msg = "tab character in indentation or structure: YAML indentation uses spaces"
    else:
        msg = f"YAML syntax error: {problem}"
        if exc.context and exc.context_mark is not None and exc.context_mark is not mark:
            msg += f" ({exc.context} at line {exc.context_mark.line + 1}, column {exc.context_mark.column + 1})"
    return Diagnostic(name, line, col, "error", one_line(msg))


def _char_at(text: str, index: int) -> str:
    return text[index] if 0 <= index < len(text) else ""


def _key_text(key: Any) -> str:
    return repr(key) if not isinstance(key, str) else key


def _too_many(name: str, mark: yaml.Mark, through_alias: bool) -> InputError:
    if through_alias:
        msg = f"aliases expand to more than {MAX_NODES:,} values: refusing a possible alias bomb"
    else:
        msg = f"more than {MAX_NODES:,} values (scalars, mappings and lists): refusing a file this large"
    return InputError([Diagnostic(name, mark.line + 1, mark.column + 1, "error", msg)])


def parse_yaml(text: str, name: str, keep_going: bool = False) -> Document:
    """Build plain data with positions from YAML text, or raise InputError. With `keep_going`,
    errors that leave the data whole are kept in `doc.soft_errors` instead of raised.

    Every value counts towards MAX_NODES, those an alias repeats included, so a file's cost is
    bounded whatever it holds (a 16 MiB flow list holds 8 million values). This loop runs once
    per value of every file loaded: it dispatches on the event's exact type and keeps the
    common case (a scalar in a list) short."""
    doc = Document(path=name, data=None)
    values, keys = doc.values, doc.keys
    # stack entries: [container, path, pending_key, pending_key_pos, anchor, node_count_start, is_list, mark]
    stack: list[list[Any]] = []
    anchors: dict[str, tuple[Any, int]] = {}
    alias_count = 0
    node_count = 0
    documents = 0
    root_set = False
    errors: list[Diagnostic] = []

    def place(value: Any, pos: Position, anchor: str | None, size: int) -> None:
        nonlocal root_set
        if not stack:
            doc.data = value
            values[()] = pos
            root_set = True
        else:
            top = stack[-1]
            container = top[0]
            if top[6]:
                values[top[1] + (len(container),)] = pos
                container.append(value)
            elif top[2] is _NO_KEY:
                if isinstance(value, (dict, list)):
                    errors.append(Diagnostic(name, pos.line, pos.col, "error", "a mapping key must be a plain value, not a mapping or a list"))
                    top[2] = _BAD_KEY
                else:
                    if value == "<<":
                        errors.append(Diagnostic(name, pos.line, pos.col, "error", "merge keys ('<<') are not supported: write the keys out"))
                    top[2] = value
                    top[3] = pos
            else:
                key = top[2]
                top[2] = _NO_KEY
                # a _BAD_KEY was reported already: its value is dropped
                if key is _BAD_KEY:
                    pass
                elif key in container:
                    path = top[1]
                    first = keys.get(path + (key,))
                    where = f" (first defined at line {first.line})" if first else ""
                    errors.append(
                        Diagnostic(name, top[3].line, top[3].col, "error", f"duplicate key '{_key_text(key)}' in {dotted(path) or 'the top level'}{where}")
                    )
                else:
                    container[key] = value
                    p = top[1] + (key,)
                    keys[p] = top[3]
                    values[p] = pos
        if anchor:
            anchors[anchor] = (value, size)

    def current_path() -> PathKey:
        if not stack:
            return ()
        top = stack[-1]
        container, path = top[0], top[1]
        if top[6]:
            return path + (len(container),)
        if top[2] is _NO_KEY:
            return path  # a key is being built
        return path + (top[2],)

    scalar_event, alias_event = events.ScalarEvent, events.AliasEvent
    starts = {events.MappingStartEvent: False, events.SequenceStartEvent: True}
    ends = (events.MappingEndEvent, events.SequenceEndEvent)
    try:
        for event in yaml.parse(text, Loader=_PARSER):
            kind = type(event)
            if kind is scalar_event:
                node_count += 1
                m = event.start_mark
                if node_count > MAX_NODES:
                    raise _too_many(name, m, False)
                tag = event.tag
                if tag is None or tag == "!":
                    value = _resolve_plain(event.value) if event.implicit[0] else event.value
                elif tag in _CORE_TAGS:
                    try:
                        value = _scalar(event, name)
                    except InputError as exc:
                        errors.extend(exc.diagnostics)
                        value = None
                else:
                    errors.append(_tag_error(event, name))
                    place(None, Position(name, m.line + 1, m.column + 1), event.anchor, 1)  # a stand-in: the file is refused anyway
                    continue
                # an escape ("\0", "\e") exists only in a double-quoted scalar: the raw-text check cannot see it
                if event.style == '"' and isinstance(value, str):
                    bad = _CONTROL_RE.search(value)
                    if bad is not None:
                        errors.append(Diagnostic(name, m.line + 1, m.column + 1, "error", _control_message(bad.group(), escaped=True)))
                place(value, Position(name, m.line + 1, m.column + 1), event.anchor, 1)
            elif kind in starts:
                tag = event.tag
                if tag not in (None, "!") and tag not in _CORE_TAGS:
                    errors.append(_tag_error(event, name))  # reported with the others; the node is never constructed
                m = event.start_mark
                if len(stack) >= MAX_DEPTH:
                    raise InputError([Diagnostic(name, m.line + 1, m.column + 1, "error", f"nesting is deeper than {MAX_DEPTH} levels")])
                node_count += 1
                if node_count > MAX_NODES:
                    raise _too_many(name, m, False)
                is_list = starts[kind]
                stack.append([[] if is_list else {}, current_path(), _NO_KEY, None, event.anchor, node_count, is_list, m])
            elif kind in ends:
                container, _path, _k, _kp, anchor, start_count, _is_list, m = stack.pop()
                place(container, Position(name, m.line + 1, m.column + 1), anchor, node_count - start_count + 1)
            elif kind is alias_event:
                alias_count += 1
                m = event.start_mark
                if alias_count > MAX_ALIASES:
                    raise InputError([Diagnostic(name, m.line + 1, m.column + 1, "error", f"too many aliases (more than {MAX_ALIASES}): refusing a possible alias bomb")])
                if event.anchor not in anchors:
                    raise InputError([Diagnostic(name, m.line + 1, m.column + 1, "error", f"unknown alias '*{event.anchor}'")])
                value, size = anchors[event.anchor]
                node_count += size
                if node_count > MAX_NODES:
                    raise _too_many(name, m, True)
                # Values reached through an alias are reported at the alias itself.
                place(_copy_plain(value), Position(name, m.line + 1, m.column + 1), None, size)
            elif kind is events.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    m = event.start_mark
                    raise InputError([Diagnostic(name, m.line + 1, m.column + 1, "error", "only one YAML document per file ('---' starts a second one)")])
    except yaml.MarkedYAMLError as exc:
        raise InputError([_syntax_error(exc, name, text)]) from None
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML raises marked errors for text input
        raise InputError([Diagnostic(name, 1, 1, "error", one_line(f"YAML error: {exc}"))]) from None
    except RecursionError:  # pragma: no cover - the builder is iterative
        raise InputError([Diagnostic(name, 1, 1, "error", "nesting is too deep")]) from None
    if errors and not keep_going:
        raise InputError(errors)
    doc.soft_errors = errors
    if not root_set or doc.data is None:
        raise InputError([Diagnostic(name, 1, 1, "error", "the file is empty: expected a mapping with one top-level key such as 'network:' or 'scenario:'")])
    return doc


def _copy_plain(value: Any) -> Any:
    """Aliased containers are copied so later edits of one use cannot change another."""
    out: Any
    stack = []
    if isinstance(value, dict):
        out = {}
    elif isinstance(value, list):
        out = []
    else:
        return value
    stack.append((value, out))
    while stack:
        src, dst = stack.pop()
        items = src.items() if isinstance(src, dict) else enumerate(src)
        for k, v in items:
            if isinstance(v, (dict, list)):
                child: Any = {} if isinstance(v, dict) else []
                stack.append((v, child))
            else:
                child = v
            if isinstance(dst, dict):
                dst[k] = child
            else:
                dst.append(child)
    return out


class _Sentinel:
    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name


_NO_KEY = _Sentinel("NO_KEY")
_BAD_KEY = _Sentinel("BAD_KEY")


def dotted(path: PathKey) -> str:
    """`('network', 'assets', 3, 'zone')` -> `network.assets[3].zone`."""
    out = ""
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def load_yaml(path: str | os.PathLike, shown: str | None = None, keep_going: bool = False) -> Document:
    """Read and parse one YAML file, with every check above; raises InputError (see parse_yaml for `keep_going`)."""
    name = shown or display_path(path)
    text = read_text(path, name)
    if not text.strip() or all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()):
        raise InputError([Diagnostic(name, 1, 1, "error", "the file is empty: expected a mapping with one top-level key such as 'network:' or 'scenario:'")])
    if _looks_like_journal(text):
        raise InputError([Diagnostic(name, 1, 1, "error", "this is an exercise journal, not a YAML file: use 'cyberdrill log verify|replay|report|view' or 'cyberdrill resume'")])
    return parse_yaml(text, name, keep_going)


def _looks_like_journal(text: str) -> bool:
    """A journal's first line is a JSON header record; say so instead of a YAML syntax error."""
    first = text.split("\n", 1)[0].strip()
    if not (first.startswith("{") and '"type"' in first and '"prev"' in first):
        return False
    try:
        record = json.loads(first)
    except (ValueError, RecursionError):
        return False
    return isinstance(record, dict) and record.get("type") == "header"
