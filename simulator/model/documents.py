"""Loading any CyberDrill file: recognise its kind, merge includes, validate, check references.

Every file has a single top-level key naming its kind (`network:`,
`network_fragment:`, `scenario:`, `policy:`). All problems of a file are
collected and raised together as one InputError.
"""

from __future__ import annotations

import gc
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from pydantic import BaseModel, ValidationError

from simulator.model import bounded
from simulator.model.diagnostics import Diagnostic, InputError
from simulator.model.validation import errors_to_diagnostics, reset_suggestions, suggest
from simulator.model.yaml_loader import Document, display_path, load_yaml

MAX_INCLUDE_DEPTH = 16


@dataclass(frozen=True)
class KindSpec:
    """How one kind of file is validated."""

    name: str
    model: type[BaseModel]
    check: Callable[["Loaded"], list[Diagnostic]] | None = None
    schema: bool = True


@dataclass
class Loaded:
    kind: str
    path: Path
    doc: Document
    model: Any
    warnings: list[Diagnostic] = field(default_factory=list)
    sha256: str = ""
    context: dict[str, Any] = field(default_factory=dict)
    included: list[Path] = field(default_factory=list)  # network fragments read through `include:`

    @property
    def body(self) -> Any:
        return getattr(self.model, self.kind)


_KINDS: dict[str, KindSpec] = {}


def register_kind(spec: KindSpec) -> None:
    _KINDS[spec.name] = spec


def kinds() -> dict[str, KindSpec]:
    """Every kind of file, importing their modules on first use."""
    if not _KINDS:
        import simulator.model.kinds  # noqa: F401  (registers the kinds)
    return _KINDS


def file_sha256(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def detect_kind(doc: Document, expect: str | None = None) -> str:
    known = kinds()
    data = doc.data
    if not isinstance(data, dict):
        what = "a list" if isinstance(data, list) else f"a single value ({data!r})"
        raise InputError([Diagnostic.at(doc.position(()), f"the top level must be a mapping with one key such as 'network:' or 'scenario:', not {what}")])
    keys = list(data.keys())
    if len(keys) != 1:
        wanted = f"'{expect}:'" if expect else "one of " + ", ".join(f"'{k}:'" for k in known)
        if not keys:
            raise InputError([Diagnostic.at(doc.position(()), f"the top level is empty: expected {wanted}")])
        extra = keys[1]
        raise InputError([Diagnostic.at(doc.position((extra,), key=True), f"the top level must hold exactly one key ({wanted}), found also '{extra}'")])
    key = keys[0]
    if key not in known:
        hint = suggest(str(key), list(known))
        msg = f"unknown file kind '{key}': expected one of " + ", ".join(f"'{k}:'" for k in known)
        if hint:
            msg += f" (did you mean '{hint}'?)"
        raise InputError([Diagnostic.at(doc.position((key,), key=True), msg)])
    if expect is not None and key != expect and not (expect == "network" and key == "network_fragment"):
        raise WrongKind([Diagnostic.at(doc.position((key,), key=True), f"expected a '{expect}:' file, found a '{key}:' file")], found=str(key))
    return key


class WrongKind(InputError):
    """A well-formed CyberDrill file of another kind than the one expected (a referencing file
    reports it at its own reference: the mistake is there, not in the file it names)."""

    def __init__(self, diagnostics: list[Diagnostic], found: str):
        super().__init__(diagnostics)
        self.found = found


def resolve_reference(doc: Document, path: tuple, ref: Any) -> Path:
    """A file named inside another: relative, and staying inside the referencing file's folder tree."""
    pos = doc.position(path)
    if not isinstance(ref, str) or not ref.strip():
        raise InputError([Diagnostic.at(pos, "a file reference must be a non-empty relative path")])
    bad = next((ch for ch in ref if ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F), None)
    if bad is not None:
        raise InputError([Diagnostic.at(pos, f"file reference {ref!r} contains the control character U+{ord(bad):04X}")])
    if os.path.isabs(ref) or ref.startswith("~") or (len(ref) > 1 and ref[1] == ":"):
        raise InputError([Diagnostic.at(pos, f"file reference '{ref}' must be a relative path")])
    base = Path(doc.path).resolve().parent
    target = (base / ref).resolve()
    try:
        target.relative_to(base)
    except ValueError:
        raise InputError([Diagnostic.at(pos, f"file reference '{ref}' leaves the folder of {display_path(doc.path)}: references must stay inside its folder tree")]) from None
    if not target.exists():
        raise InputError([Diagnostic.at(pos, f"file reference '{ref}': no such file")])
    if target.is_dir():
        raise InputError([Diagnostic.at(pos, f"file reference '{ref}' names a folder, not a file")])
    if not target.is_file():
        raise InputError([Diagnostic.at(pos, f"file reference '{ref}' is not a regular file (a pipe or a device?)")])
    return target


def _shift_positions(src: dict, src_prefix: tuple, dst_prefix: tuple, offset: int, out: dict) -> None:
    n = len(src_prefix)
    for p, pos in src.items():
        if len(p) > n and p[:n] == src_prefix and isinstance(p[n], int):
            out[dst_prefix + (p[n] + offset,) + p[n + 1:]] = pos


_FRAGMENT_LISTS = ("zones", "flows", "assets", "services", "clinical_functions")


def _merge_includes(doc: Document, root_key: str, seen: tuple[Path, ...], errors: list[Diagnostic], included: list[Path]) -> None:
    """Merge `include:` fragments of a network into its lists, keeping each item's own file position."""
    body = doc.data.get(root_key)
    if not isinstance(body, dict):
        return
    includes = body.get("include")
    if includes is None:
        return
    if not isinstance(includes, list):
        errors.append(Diagnostic.at(doc.position((root_key, "include")), f"{root_key}.include: expected a list of relative paths"))
        return
    for i, ref in enumerate(includes):
        try:
            target = resolve_reference(doc, (root_key, "include", i), ref)
            if target in seen or len(seen) >= MAX_INCLUDE_DEPTH:
                raise InputError([Diagnostic.at(doc.position((root_key, "include", i)), f"include cycle: '{ref}' is already being included")])
            sub = load_yaml(target)
            included.append(target)
            kind = detect_kind(sub)
            if kind != "network_fragment":
                raise InputError([Diagnostic.at(doc.position((root_key, "include", i)), f"'{ref}' is a '{kind}:' file: an included file must be a 'network_fragment:' file")])
            _merge_includes(sub, "network_fragment", seen + (target,), errors, included)
        except InputError as exc:
            errors.extend(exc.diagnostics)
            continue
        frag = sub.data.get("network_fragment")
        if not isinstance(frag, dict):
            errors.append(Diagnostic.at(sub.position(("network_fragment",)), "network_fragment: expected a mapping of lists"))
            continue
        for key, value in frag.items():
            if key == "include":
                continue
            if key not in _FRAGMENT_LISTS:
                hint = suggest(str(key), list(_FRAGMENT_LISTS))
                errors.append(Diagnostic.at(sub.position(("network_fragment", key), key=True), f"unknown key '{key}' in network_fragment" + (f" (did you mean '{hint}'?)" if hint else "")))
                continue
            if not isinstance(value, list):
                errors.append(Diagnostic.at(sub.position(("network_fragment", key)), f"network_fragment.{key}: expected a list"))
                continue
            dest = body.setdefault(key, [])
            if not isinstance(dest, list):
                continue
            if (root_key, key) not in doc.values:
                doc.values[(root_key, key)] = sub.position(("network_fragment", key))
            offset = len(dest)
            dest.extend(value)
            _shift_positions(sub.values, ("network_fragment", key), (root_key, key), offset, doc.values)
            _shift_positions(sub.keys, ("network_fragment", key), (root_key, key), offset, doc.keys)


def load_document(path: str | os.PathLike, expect: str | None = None, shown: str | None = None) -> Loaded:
    """Load, validate and cross-check one file; raises InputError with every problem found."""
    # Building many small objects makes the cyclic collector run again and again for
    # nothing (nothing here is garbage yet): pausing it keeps big GHT loads linear.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _load_document(path, expect, shown)
    finally:
        if paused:
            gc.enable()


def _load_document(path: str | os.PathLike, expect: str | None, shown: str | None) -> Loaded:
    reset_suggestions()
    doc = load_yaml(path, shown, keep_going=True)
    if doc.soft_errors and not isinstance(doc.data, dict):
        raise InputError(doc.soft_errors)
    kind = detect_kind(doc, expect)
    spec = kinds()[kind]
    # Errors the loader found but that left the data whole are reported with what the later
    # passes find; a later pass says nothing more of a place the loader already reported
    # (a refused tag's value is a stand-in).
    soft_at = {(d.file, d.line, d.col) for d in doc.soft_errors}
    errors: list[Diagnostic] = []

    def fail() -> InputError:
        later = [d for d in errors if (d.file, d.line, d.col) not in soft_at]
        return InputError(sorted(_dedupe(doc.soft_errors + later), key=Diagnostic.sort_key))

    included: list[Path] = []
    if kind in ("network", "network_fragment"):
        _merge_includes(doc, kind, (Path(path).resolve(),), errors, included)
    try:
        model = bounded.validate(spec.model, doc.data)
    except ValidationError as exc:
        errors.extend(errors_to_diagnostics(exc, doc, spec.model))
        raise fail() from None
    except bounded.TooManyErrors as exc:
        errors.extend(errors_to_diagnostics(exc.errors, doc, spec.model))
        if exc.stopped:
            last = max(errors, key=Diagnostic.sort_key)
            errors.append(Diagnostic(last.file, last.line, last.col, "error", f"stopped after {bounded.MAX_ERRORS:,} errors: correct these, then validate again"))
        raise fail() from None
    loaded = Loaded(kind=kind, path=Path(path), doc=doc, model=model, sha256=file_sha256(path), included=included)
    if spec.check is not None:
        found = spec.check(loaded)
        errors.extend(d for d in found if d.severity == "error")
        loaded.warnings.extend(d for d in found if d.severity == "warning")
    if errors or doc.soft_errors:
        raise fail()
    return loaded


def _dedupe(diags: list[Diagnostic]) -> list[Diagnostic]:
    seen = set()
    out = []
    for d in diags:
        if d not in seen:
            seen.add(d)
            out.append(d)
    return out


def yaml_files(paths: list[str]) -> tuple[list[Path], list[Diagnostic]]:
    """Expand files and directories (recursing into *.yaml / *.yml) in a stable order."""
    files: list[Path] = []
    problems: list[Diagnostic] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(q for q in p.rglob("*") if q.suffix in (".yaml", ".yml") and q.is_file())
            if not found:
                problems.append(Diagnostic(display_path(p), 1, 1, "error", "directory contains no YAML file (*.yaml, *.yml)"))
            files.extend(found)
        elif p.exists():
            files.append(p)
        else:
            problems.append(Diagnostic(display_path(p), 1, 1, "error", "no such file or directory"))
    return files, problems


def validate_paths(paths: list[str]) -> list[Diagnostic]:
    """Every diagnostic (errors and warnings) of every file under `paths`."""
    files, diags = yaml_files(paths)
    for f in files:
        try:
            loaded = load_document(f)
            diags.extend(loaded.warnings)
        except InputError as exc:
            diags.extend(exc.diagnostics)
    return diags
