"""The journal's record format: canonical JSON, line hashes and the pydantic models of header and seal.

Commands and events carry free payloads (the engine owns their shape); the journal only
fixes the envelope every record shares and the two records that frame a run.
"""

from __future__ import annotations

import hashlib
import json
import json.encoder
import json.scanner
import math
import re
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from simulator.fileio import open_input, text_name

FORMAT_VERSION = 1
"""Journal format version written in every header; readers refuse newer ones."""

ZERO_HASH = "0" * 64
"""The header's `prev`: there is no line before it."""

RECORD_TYPES = ("header", "command", "event", "seal")
BODY_TYPES = frozenset({"command", "event"})
RECORD_KEYS = frozenset({"seq", "t", "wall", "type", "prev", "data"})

HEX64_PATTERN = r"^[0-9a-f]{64}$"
WALL_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$"
"""`wall`: UTC, milliseconds, `Z` (what `format_wall` writes); the date must also exist (`wall_problem`)."""
FINGERPRINT_PATTERN = r"^sha256:[0-9a-f]{64}$"

Hex64 = Annotated[str, Field(pattern=HEX64_PATTERN, description="SHA-256, 64 lower-case hex digits.")]
Wall = Annotated[str, Field(pattern=WALL_PATTERN, description="UTC wall-clock time, ISO 8601 with 'Z'.")]
Fingerprint = Annotated[
    str, Field(pattern=FINGERPRINT_PATTERN, description="sha256: + hex SHA-256 of the raw 32-byte Ed25519 public key.")
]


def canonical_json(obj: Any) -> str:
    """The one serialisation of a record: a line's bytes are this, UTF-8 encoded.

    Same call as documented in docs/journal-format.md; `allow_nan=False` only refuses values
    (NaN, infinities) that are not JSON at all.
    """
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def canonical_bytes(obj: Any) -> bytes:
    return canonical_json(obj).encode("utf-8")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


scan_json = json.scanner.make_scanner(json.JSONDecoder(parse_constant=_reject_constant))
"""The C JSON scanner: `scan_json(text, 0) -> (value, end)`; skips json.loads' per-call overhead."""


NESTED_TOO_DEEPLY = "nested too deeply"
"""Why a line whose nesting exhausts the parser's recursion limit is refused (a RecursionError otherwise)."""


def parse_line(body: bytes) -> Any:
    """Parse one line (newline excluded) as exactly one JSON value; ValueError/StopIteration if not.

    Nesting deep enough to exhaust the recursion limit is a ValueError too: a line no writer produces.
    """
    text = body.decode("utf-8")
    try:
        value, end = scan_json(text, 0)
    except RecursionError:
        raise ValueError(NESTED_TOO_DEEPLY) from None
    if end != len(text):
        raise ValueError(f"extra data after the JSON value at column {end + 1}")
    return value


def json_error_text(exc: BaseException) -> str:
    """Why `parse_line` failed, in a few words."""
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8 text"
    if isinstance(exc, StopIteration):
        return "not valid JSON"
    if isinstance(exc, RecursionError):
        return f"not valid JSON ({NESTED_TOO_DEEPLY})"
    if isinstance(exc, json.JSONDecodeError):
        return f"not valid JSON ({exc.msg.removesuffix(' at')} at column {exc.colno})"
    return f"not valid JSON ({exc})"


def line_hash(line: bytes) -> str:
    """SHA-256 (hex) of a line's exact bytes, newline excluded: the next record's `prev`."""
    return hashlib.sha256(line).hexdigest()


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open_input(path) as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def as_text(value: Any) -> Any:
    """A header's strings (keys included), deep, through `text_name`: ready for canonical JSON."""
    if isinstance(value, str):
        return text_name(value)
    if isinstance(value, dict):
        return {text_name(k) if isinstance(k, str) else k: as_text(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [as_text(v) for v in value]
    return value


def file_ref(path: str | Path, id: str | None = None) -> dict:
    """What a header says about an input file: its name (as text) and the digest of its bytes."""
    ref = {"file": text_name(Path(path).name), "sha256": file_sha256(path)}
    if id is not None:
        ref["id"] = id
    return ref


def format_wall(moment: datetime) -> str:
    """UTC, millisecond precision, 'Z' suffix: 2026-03-14T01:00:00.000Z."""
    if moment.tzinfo is None:
        raise ValueError("wall-clock times must be timezone-aware")
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


_WALL_RE = re.compile(WALL_PATTERN)


def wall_problem(wall: Any) -> str | None:
    """Why `wall` is not a wall-clock time as the writer writes it, or None."""
    if type(wall) is not str or _WALL_RE.match(wall) is None:
        return f"wall must be a UTC time written 2026-03-14T01:00:07.000Z, not {json.dumps(wall, ensure_ascii=False)[:80]}"
    try:
        date.fromisoformat(wall[:10])
    except ValueError:
        return f"wall {wall} is not a real date"
    return None


def _no_default(value: Any) -> Any:
    raise TypeError(f"{type(value).__name__} is not JSON")


_C_ENCODER = getattr(json.encoder, "c_make_encoder", None)
_CANONICAL = (
    _C_ENCODER(None, _no_default, json.encoder.encode_basestring, None, ":", ",", True, False, False)
    if _C_ENCODER is not None
    else None
)


def canonical_text(value: Any) -> str:
    """`canonical_json(value)`, through the C encoder directly when there is one: verification
    re-serialises every line to check it is canonical, so the per-call overhead counts."""
    if _CANONICAL is None:  # pragma: no cover - CPython always has the C encoder
        return canonical_json(value)
    return "".join(_CANONICAL(value, 0))


def canonical_problem(text: str) -> str:
    """Why a parsed line is not canonical (only called once it is known not to be)."""
    duplicated: list[str] = []

    def pairs(items: list) -> dict:
        seen: set = set()
        for key, _value in items:
            if key in seen:
                duplicated.append(key)
            seen.add(key)
        return dict(items)

    try:
        json.loads(text, object_pairs_hook=pairs)
    except (ValueError, RecursionError):
        pass
    if duplicated:
        return f"key {json.dumps(duplicated[0], ensure_ascii=False)} appears twice in one object (readers could take either value): the line was edited"
    return "the line is not in canonical JSON form (spacing, key order, number or escape forms differ from what the writer writes): edited"


def seal_digest_payload(seal: dict) -> dict:
    """The seal without `data.digest` and `data.signature`: what `data.digest` hashes."""
    data = {k: v for k, v in seal["data"].items() if k not in ("digest", "signature")}
    return {**seal, "data": data}


def seal_signed_payload(seal: dict) -> dict:
    """The seal without `data.signature`: what the Ed25519 signature covers."""
    data = {k: v for k, v in seal["data"].items() if k != "signature"}
    return {**seal, "data": data}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class FileRef(_Strict):
    """An input file named in the header, pinned by the SHA-256 of its bytes."""

    file: str = Field(min_length=1)
    sha256: Hex64
    id: str | None = None


class Participant(_Strict):
    name: str = Field(min_length=1)
    role: str = Field(min_length=1, description="player, facilitator, evaluator, observer... (the engine's roles)")


class HeaderData(_Strict):
    """Everything needed to reproduce the run: the inputs, the seed and who was in the room."""

    format_version: int = Field(ge=1)
    software_version: str = Field(min_length=1)
    scenario: FileRef
    network: FileRef
    policy: FileRef | None = None
    seed: int
    language: str = Field(pattern=r"^[a-z]{2,3}$")
    participants: list[Participant]
    start: str = Field(description="Wall-clock time of T+0 in the exercise world, ISO 8601 with offset.")
    config: dict[str, Any] = Field(default_factory=dict)

    @field_validator("start")
    @classmethod
    def _iso_start(cls, value: str) -> str:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(f"not an ISO 8601 date-time: {value!r}") from exc
        if moment.tzinfo is None:
            raise ValueError("start needs a UTC offset (e.g. 2026-03-14T02:00:00+01:00)")
        return value


class SealData(_Strict):
    records: int = Field(ge=2, description="Records in the journal, header and seal included.")
    last_hash: Hex64
    digest: Hex64
    key_fingerprint: Fingerprint | None
    signature: Annotated[str, Field(min_length=1)] | None

    @model_validator(mode="after")
    def _signed_together(self) -> "SealData":
        if (self.key_fingerprint is None) != (self.signature is None):
            raise ValueError("key_fingerprint and signature are both set or both null")
        return self


class _Envelope(_Strict):
    seq: int = Field(ge=0)
    t: float
    wall: Wall
    prev: Hex64

    @field_validator("t")
    @classmethod
    def _finite(cls, value: float) -> float:
        if not math.isfinite(value):
            raise ValueError("t must be a finite number")
        return value


class HeaderRecord(_Envelope):
    seq: Literal[0]
    type: Literal["header"]
    prev: Literal["0000000000000000000000000000000000000000000000000000000000000000"]
    data: HeaderData


class BodyRecord(_Envelope):
    """A command or an event: the payload is the engine's `to_record()` dict, kept as is."""

    seq: int = Field(ge=1)
    type: Literal["command", "event"]
    data: dict[str, Any]


class SealRecord(_Envelope):
    seq: int = Field(ge=1)
    type: Literal["seal"]
    data: SealData


def first_error(exc: Exception) -> str:
    """One line out of a pydantic ValidationError: the first field and what is wrong with it."""
    errors = getattr(exc, "errors", None)
    if callable(errors):
        errs = errors()
        if errs:
            err = errs[0]
            where = ".".join(str(p) for p in err.get("loc", ()))
            message = str(err.get("msg", "invalid"))
            return f"{where}: {message}" if where else message
    return " ".join(str(exc).split())
