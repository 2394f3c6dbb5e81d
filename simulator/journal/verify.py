"""Verify a journal: the hash chain, the record envelope, the seal and its signature.

Fast by design (an auditor verifies a million records in seconds): each line is hashed as raw
bytes, parsed once with the C JSON scanner and checked with plain dict/type tests; pydantic
only sees the header and the seal. When the chain breaks, one look at the neighbouring lines
tells an edit from a deletion or a reordering.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import os
from dataclasses import dataclass, field
from typing import IO, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import ValidationError

from simulator.fileio import open_input
from simulator.journal.format import (
    BODY_TYPES,
    FORMAT_VERSION,
    RECORD_KEYS,
    RECORD_TYPES,
    HeaderRecord,
    SealRecord,
    canonical_bytes,
    canonical_problem,
    canonical_text,
    file_sha256,
    first_error,
    json_error_text,
    parse_line,
    scan_json,
    seal_digest_payload,
    seal_signed_payload,
    wall_problem,
)
from simulator.journal.keys import key_fingerprint, load_public_key
from simulator.model.diagnostics import Diagnostic, InputError, one_line

MAX_HEADER_BYTES = 16 << 20
"""A first line longer than this is not a journal header (saves reading a whole binary file)."""

_NOT_JOURNAL_KINDS = frozenset({"not_journal", "unsupported_version"})
_INF = float("inf")


@dataclass(frozen=True)
class VerifyResult:
    """What `log verify` reports. `kind` names the failure; `ok` only when everything holds.

    kind: ok | modified | deleted | reordered | invalid | truncated | after_seal |
    bad_signature | scenario_mismatch (exit 1) | not_journal | unsupported_version (exit 2).
    `signature_valid` is None when no public key was given to check it against.
    """

    ok: bool
    sealed: bool
    records: int
    head: str | None
    signature_valid: bool | None
    first_bad_line: int | None
    reason: str | None
    kind: str
    file: str = ""
    signed: bool = False
    key_fingerprint: str | None = None
    last_t: float | None = None
    header: dict | None = field(default=None, compare=False, repr=False)

    @property
    def exit_code(self) -> int:
        if self.ok:
            return 0
        return 2 if self.kind in _NOT_JOURNAL_KINDS else 1

    def diagnostic(self) -> Diagnostic | None:
        if self.ok:
            return None
        return Diagnostic(self.file, self.first_bad_line or 1, 1, "error", self.reason or self.kind)


class _Failure(Exception):
    def __init__(self, line: int, kind: str, reason: str):
        super().__init__(reason)
        self.line = line
        self.kind = kind
        self.reason = one_line(reason)


@dataclass
class _State:
    """Progress of a scan, kept so a failure still reports how far the journal was intact."""

    records: int = 0
    head: str | None = None
    last_t: float | None = None
    last_wall: str = ""
    valid_size: int = 0
    sealed: bool = False
    signed: bool = False
    fingerprint: str | None = None
    signature_valid: bool | None = None
    header: dict | None = None
    partial_tail: bool = False
    kept: list | None = None
    """When a list: every intact record after the header, parsed once (replay reuses them)."""


def _looks_like_record(raw: bytes, seq: int) -> bool:
    """Is this line a journal record with the given seq? Tells a damaged journal from a non-journal."""
    try:
        rec = parse_line(raw.rstrip(b"\n"))
    except (ValueError, StopIteration):
        return False
    if type(rec) is not dict:
        return False
    prev = rec.get("prev")
    return (
        rec.get("seq") == seq
        and rec.get("type") in RECORD_TYPES
        and isinstance(prev, str)
        and len(prev) == 64
        and all(c in "0123456789abcdef" for c in prev)
    )


def _journal_follows(fh: IO[bytes]) -> bool:
    """Do the lines after a bad first line continue a journal (line 2 is record 1 or line 3 is record 2)?"""
    line2 = fh.readline(MAX_HEADER_BYTES)
    if not line2.endswith(b"\n"):
        return False
    return _looks_like_record(line2, 1) or _looks_like_record(fh.readline(MAX_HEADER_BYTES), 2)


def _read_header(fh: IO[bytes], st: _State) -> bytes:
    """Check line 1 is a header this version understands; return its bytes (newline excluded).

    Bytes that are not text (NUL, invalid UTF-8) say "not a journal" only when nothing after
    the first line continues a journal: damage inside a journal is tampering (exit 1), not a
    wrong file (exit 2).
    """
    peek = getattr(fh, "peek", None)
    if peek is not None:  # buffered files and pipes: look without consuming
        probe = peek(8192)[:8192]
    else:
        probe = fh.read(8192)
        fh.seek(0)
    if not probe:
        raise _Failure(1, "not_journal", "empty file: not a journal")
    if b"\n" not in probe and b"\0" in probe:  # binary with no first line in sight: do not read 16 MiB of it
        raise _Failure(1, "not_journal", "binary file: not a journal")
    raw = fh.readline(MAX_HEADER_BYTES)
    if not raw.endswith(b"\n"):
        if len(raw) >= MAX_HEADER_BYTES:
            raise _Failure(1, "not_journal", "first line is longer than 16 MiB: not a journal")
        st.partial_tail = True
    body = raw[:-1] if raw.endswith(b"\n") else raw

    def damaged(problem: str, alone: str | None = None) -> _Failure:
        # A file whose next lines continue a chain is a journal with a damaged header.
        if not st.partial_tail and _journal_follows(fh):
            return _Failure(1, "modified", f"header damaged: {problem}")
        if b"\0" in probe:
            alone = "binary file"
        return _Failure(1, "not_journal", f"{alone or problem}: not a journal")

    if b"\0" in body:
        raise damaged("first line holds a NUL byte", "binary file")
    converted = _converted(body)
    if converted is not None:
        raise _Failure(1, "modified", converted)
    try:
        rec = parse_line(body)
    except UnicodeDecodeError:
        raise damaged("first line is not UTF-8 text", "binary or non-UTF-8 file") from None
    except (ValueError, StopIteration) as exc:
        raise damaged(f"first line is {json_error_text(exc)}") from None
    if type(rec) is not dict or rec.get("type") != "header":
        raise damaged("first record is not a journal header")
    data = rec.get("data")
    version = data.get("format_version") if isinstance(data, dict) else None
    if type(version) is int and version > FORMAT_VERSION:
        raise _Failure(
            1,
            "unsupported_version",
            f"journal format version {version} is newer than this CyberDrill supports "
            f"(version {FORMAT_VERSION}): upgrade CyberDrill to verify it",
        )
    if st.partial_tail:
        raise _Failure(1, "truncated", "line 1 is incomplete (no newline at its end): journal cut while writing")
    try:
        HeaderRecord.model_validate(rec)
    except ValidationError as exc:
        raise _Failure(1, "invalid", f"header does not match the journal format: {first_error(exc)}") from None
    if type(rec["t"]) is not float:
        raise _Failure(1, "invalid", f"t must be written as a floating-point number (0.0, never 0), not {_show(rec['t'])}")
    problem = wall_problem(rec["wall"])
    if problem is not None:
        raise _Failure(1, "invalid", problem)
    text = body.decode("utf-8")
    if canonical_text(rec) != text:
        raise _Failure(1, "modified", f"header: {canonical_problem(text)}")
    st.header = rec
    st.records = 1
    st.last_t = rec["t"]
    st.last_wall = rec["wall"]
    st.head = hashlib.sha256(body).hexdigest()
    st.valid_size = len(raw)
    return body


def _converted(body: bytes) -> str | None:
    """A header line an editor or a transfer changed as a whole (CR LF line ends, a byte-order
    mark): still a journal, but its bytes no longer hash to the chain (exit 1, not 2)."""
    for problem, fixed in (
        ("lines end with CR LF, not LF: the file was converted (a text editor, a Windows checkout, a mail transfer) and its lines no longer hash to the chain", body[:-1] if body.endswith(b"\r") else None),
        ("the file starts with a byte-order mark (added by an editor): its first line no longer hashes to the chain", body[3:] if body.startswith(b"\xef\xbb\xbf") else None),
    ):
        if fixed is None:
            continue
        if fixed.startswith(b"\xef\xbb\xbf"):
            fixed = fixed[3:]
        if fixed.endswith(b"\r"):
            fixed = fixed[:-1]
        try:
            rec = parse_line(fixed)
        except (ValueError, StopIteration):
            continue
        if type(rec) is dict and rec.get("type") == "header":
            return problem
    return None


def _seal_intact(rec: dict, body: bytes) -> bool:
    """Does the seal vouch for itself (format, canonical bytes, digest, last_hash = prev)?"""
    try:
        SealRecord.model_validate(rec)
    except ValidationError:
        return False
    data = rec["data"]
    return (
        body == canonical_bytes(rec)
        and data["digest"] == hashlib.sha256(canonical_bytes(seal_digest_payload(rec))).hexdigest()
        and data["last_hash"] == rec["prev"]
    )


def _diagnose_chain(line_no: int, rec: dict, body: bytes, expected_seq: int, fh: IO[bytes]) -> _Failure:
    """Line `line_no` does not point at the line before it: say what most likely happened."""
    seq = rec["seq"]
    if type(seq) is not int:
        return _Failure(line_no, "invalid", f"seq must be an integer, not {_show(seq)}")
    nxt = fh.readline()
    next_rec: Any = None
    if nxt.endswith(b"\n"):
        try:
            next_rec = parse_line(nxt[:-1])
        except (ValueError, StopIteration):
            next_rec = None
    next_seq = next_rec.get("seq") if type(next_rec) is dict else None
    if seq > expected_seq:
        if type(next_seq) is int and next_seq < seq:
            return _Failure(
                line_no, "reordered", f"lines out of order: seq {seq} comes before seq {next_seq} (reordered lines)"
            )
        missing = seq - expected_seq
        return _Failure(
            line_no,
            "deleted",
            f"{missing} deleted record(s) before this line: seq jumps from {expected_seq - 1} to {seq}",
        )
    if seq < expected_seq:
        return _Failure(
            line_no, "reordered", f"reordered or inserted line: seq {seq} comes after seq {expected_seq - 1}"
        )
    if rec.get("type") == "seal":
        intact = _seal_intact(rec, body)
    elif next_rec is None:
        intact = True
    else:
        intact = type(next_rec) is dict and next_rec.get("prev") == hashlib.sha256(body).hexdigest()
    if intact:
        return _Failure(
            line_no - 1,
            "modified",
            f"line {line_no - 1} was modified: its hash no longer matches the prev of line {line_no}",
        )
    return _Failure(
        line_no, "modified", f"line {line_no} was modified: its prev no longer matches the hash of line {line_no - 1}"
    )


def _show(value: Any) -> str:
    """A field's value as JSON for a message; a value nested deeper than the encoder's recursion
    limit (the parser, called higher up the stack, can accept it) is only named."""
    try:
        return json.dumps(value, ensure_ascii=False)
    except RecursionError:
        return "a value nested too deeply"


def _record_problem(rec: Any, last_t: float) -> str:
    """Why a parsed line is not a valid command/event envelope (only called once it failed the fast test)."""
    if type(rec) is not dict:
        return "record is not a JSON object"
    missing = sorted(RECORD_KEYS - rec.keys())
    extra = sorted(rec.keys() - RECORD_KEYS)
    if missing:
        return f"record lacks field(s) {', '.join(missing)}"
    if extra:
        return f"record has unknown field(s) {', '.join(extra)}"
    typ = rec["type"]
    if typ == "header":
        return "a second header in the journal"
    if typ not in RECORD_TYPES:
        return f"unknown record type {_show(typ)}"
    t = rec["t"]
    if type(t) is not float or not (-_INF < t < _INF):
        return f"t must be a finite number written as a float (12.5, 60.0, never 60), not {_show(t)}"
    if t < last_t:
        return f"sim time goes backwards: t {t} after t {last_t}"
    if type(rec["wall"]) is not str:
        return "wall must be a string"
    if type(rec["data"]) is not dict:
        return "data must be a JSON object"
    if type(rec["prev"]) is not str:
        return "prev must be a string"
    return "invalid record"


def _wall_after(wall: Any, last_wall: str) -> str | None:
    """Why `wall` cannot follow `last_wall` (wrong form, not a real date, earlier), or None."""
    problem = wall_problem(wall)
    if problem is None and wall < last_wall:
        problem = f"wall time goes backwards: {wall} after {last_wall}"
    return problem


SIGNATURE_BYTES = 64
"""An Ed25519 signature's length."""


def decode_signature(text: str) -> bytes | None:
    """The signature bytes, or None unless `text` is exactly their canonical base64.

    Decoding alone ignores the padding bits of the last character, so several texts decode to
    the same bytes: accepting them would let two different seals both pass as signed.
    """
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    if len(raw) != SIGNATURE_BYTES or base64.b64encode(raw).decode("ascii") != text:
        return None
    return raw


def _check_seal(
    rec: dict, body: bytes, line_no: int, last_t: float, fh: IO[bytes], pubkey: Ed25519PublicKey | None, st: _State
) -> None:
    try:
        SealRecord.model_validate(rec)
    except ValidationError as exc:
        raise _Failure(line_no, "invalid", f"seal does not match the journal format: {first_error(exc)}") from None
    data = rec["data"]
    if type(rec["t"]) is not float:
        raise _Failure(line_no, "invalid", f"t must be written as a floating-point number, not {_show(rec['t'])}")
    if rec["t"] < last_t:
        raise _Failure(line_no, "invalid", f"sim time goes backwards: seal t {rec['t']} after t {last_t}")
    problem = _wall_after(rec["wall"], st.last_wall)
    if problem is not None:
        raise _Failure(line_no, "invalid", problem)
    if body != canonical_bytes(rec):
        raise _Failure(line_no, "modified", "seal was modified: its line is not in canonical JSON form")
    digest = hashlib.sha256(canonical_bytes(seal_digest_payload(rec))).hexdigest()
    if data["digest"] != digest:
        raise _Failure(line_no, "modified", "seal was modified: its digest does not match its content")
    if data["last_hash"] != rec["prev"]:
        raise _Failure(line_no, "modified", "seal was modified: its last_hash differs from its prev")
    if data["records"] != line_no:
        raise _Failure(
            line_no, "modified", f"seal counts {data['records']} records but the journal has {line_no}"
        )
    st.sealed = True
    st.signed = data["signature"] is not None
    st.fingerprint = data["key_fingerprint"]
    trailing = fh.read(1)
    if trailing:
        raise _Failure(line_no + 1, "after_seal", "data after the seal: lines were appended to a sealed journal")
    signature = None if data["signature"] is None else decode_signature(data["signature"])
    if st.signed and signature is None:
        st.signature_valid = False
        raise _Failure(
            line_no,
            "bad_signature",
            f"bad signature: not the canonical base64 of a {SIGNATURE_BYTES}-byte Ed25519 signature",
        )
    if pubkey is None:
        return
    expected_fp = key_fingerprint(pubkey)
    if not st.signed:
        raise _Failure(line_no, "bad_signature", "bad signature: the seal is not signed")
    if st.fingerprint != expected_fp:
        raise _Failure(
            line_no,
            "bad_signature",
            f"bad signature: sealed with key {st.fingerprint}, not with the given key {expected_fp}",
        )
    try:
        pubkey.verify(signature, canonical_bytes(seal_signed_payload(rec)))
    except InvalidSignature:
        st.signature_valid = False
        raise _Failure(line_no, "bad_signature", "bad signature: it does not match the seal") from None
    st.signature_valid = True


def _scan(fh: IO[bytes], st: _State, pubkey: Ed25519PublicKey | None) -> None:
    """Walk the whole journal; raise _Failure at the first bad line."""
    _read_header(fh, st)
    line_no = _scan_body(fh, st, pubkey)
    if not st.sealed:
        raise _Failure(
            line_no,
            "truncated",
            f"journal is not sealed: no seal after line {line_no} (cut short, or the exercise was never closed)",
        )


def _stop(st: _State, failure: _Failure, line_no: int, head: str, last_t: float, pos: int, last_wall: str = "") -> _Failure:
    """Record how far the journal was intact before the failing line."""
    st.records, st.head, st.last_t, st.valid_size = line_no - 1, head, last_t, pos
    st.last_wall = max(st.last_wall, last_wall)
    return failure


def _scan_body(fh: IO[bytes], st: _State, pubkey: Ed25519PublicKey | None) -> int:
    """Lines 2.. up to the seal. The loop body is the hot path: locals only, no pydantic.

    A dict of exactly six entries whose six keys can all be read has exactly the six keys, so a
    KeyError (free until raised) replaces a set comparison per record.
    """
    prev_hash, last_t, pos = st.head, st.last_t, st.valid_size
    last_wall = st.last_wall
    canonical = canonical_text
    sha256 = hashlib.sha256
    scan_once = scan_json
    n_keys = len(RECORD_KEYS)
    body_types = BODY_TYPES
    inf = _INF
    line_no = 1
    expected_seq = 1
    rec: Any = None
    keep = st.kept
    try:
        for raw in fh:
            line_no += 1
            if raw[-1:] != b"\n":
                st.partial_tail = True
                reason = f"line {line_no} is incomplete (no newline at its end): journal cut while writing"
                raise _Failure(line_no, "truncated", reason)
            body = raw[:-1]
            try:
                text = body.decode("utf-8")
                rec, end = scan_once(text, 0)
                if end != len(text):
                    raise ValueError(f"extra data after the JSON value at column {end + 1}")
            except (ValueError, StopIteration, RecursionError) as exc:
                raise _Failure(line_no, "invalid", f"line is {json_error_text(exc)}: edited or damaged") from None
            if type(rec) is not dict or len(rec) != n_keys:
                raise _Failure(line_no, "invalid", _record_problem(rec, last_t))
            if rec["prev"] != prev_hash:
                raise _diagnose_chain(line_no, rec, body, expected_seq, fh)
            seq = rec["seq"]
            if seq != expected_seq or type(seq) is not int:
                raise _Failure(line_no, "invalid", f"seq is {_show(seq)}, expected {expected_seq}")
            t = rec["t"]
            wall = rec["wall"]
            if (
                rec["type"] not in body_types
                or type(t) is not float
                or not (last_t <= t < inf)
                or type(wall) is not str
                or type(rec["data"]) is not dict
            ):
                if rec["type"] == "seal":
                    break
                raise _Failure(line_no, "invalid", _record_problem(rec, last_t))
            if wall != last_wall:  # most records share their millisecond with the one before
                problem = _wall_after(wall, last_wall)
                if problem is not None:
                    raise _Failure(line_no, "invalid", problem)
                last_wall = wall
            if canonical(rec) != text:  # added spaces, a duplicated key, another number form...
                raise _Failure(line_no, "modified", canonical_problem(text))
            prev_hash = sha256(body).hexdigest()
            last_t = t
            expected_seq += 1
            pos += len(raw)
            if keep is not None:
                keep.append(rec)
        else:
            st.records, st.head, st.last_t, st.valid_size, st.last_wall = line_no, prev_hash, last_t, pos, last_wall
            return line_no
    except (KeyError, TypeError):  # a missing key, or an unhashable `type` (a list) tested against body_types
        raise _stop(st, _Failure(line_no, "invalid", _record_problem(rec, last_t)), line_no, prev_hash, last_t, pos, last_wall)
    except _Failure as failure:
        raise _stop(st, failure, line_no, prev_hash, last_t, pos, last_wall) from None
    # The seal: checked once, with pydantic; on success the journal ends here.
    st.last_wall = last_wall
    try:
        _check_seal(rec, body, line_no, last_t, fh, pubkey, st)
    except _Failure as failure:
        if not st.sealed:
            raise _stop(st, failure, line_no, prev_hash, last_t, pos, last_wall) from None
        raise
    finally:
        if st.sealed:
            if keep is not None:
                keep.append(rec)
            st.records, st.head, st.last_t = line_no, sha256(body).hexdigest(), rec["t"]
            st.valid_size = pos + len(raw)
    return line_no


def _result(name: str, st: _State, failure: _Failure | None) -> VerifyResult:
    return VerifyResult(
        ok=failure is None,
        sealed=st.sealed,
        records=st.records,
        head=st.head,
        signature_valid=st.signature_valid,
        first_bad_line=None if failure is None else failure.line,
        reason=None if failure is None else failure.reason,
        kind="ok" if failure is None else failure.kind,
        file=name,
        signed=st.signed,
        key_fingerprint=st.fingerprint,
        last_t=st.last_t,
        header=st.header,
    )


def _verify_stream(
    fh: IO[bytes], name: str, pubkey: Ed25519PublicKey | None, scenario_sha256: str | None, keep: bool = False
) -> tuple[VerifyResult, _State]:
    st = _State(kept=[] if keep else None)
    try:
        _scan(fh, st, pubkey)
        if scenario_sha256 is not None and st.header is not None:
            recorded = st.header["data"]["scenario"]["sha256"]
            if recorded != scenario_sha256:
                raise _Failure(
                    1,
                    "scenario_mismatch",
                    f"scenario file differs from the one this exercise ran: its SHA-256 is {scenario_sha256}, "
                    f"the header records {recorded}",
                )
    except _Failure as failure:
        return _result(name, st, failure), st
    return _result(name, st, None), st


def _as_public_key(pubkey: Ed25519PublicKey | str | os.PathLike | None) -> Ed25519PublicKey | None:
    if pubkey is None or isinstance(pubkey, Ed25519PublicKey):
        return pubkey
    return load_public_key(pubkey)


def verify_bytes(
    data: bytes,
    *,
    name: str = "<journal>",
    pubkey: Ed25519PublicKey | str | os.PathLike | None = None,
    scenario_sha256: str | None = None,
) -> VerifyResult:
    """Verify a journal held in memory (same checks as `verify_journal`)."""
    return _verify_stream(io.BytesIO(data), name, _as_public_key(pubkey), scenario_sha256)[0]


def verify_and_read(
    data: bytes, *, name: str = "<journal>", pubkey: Ed25519PublicKey | str | os.PathLike | None = None
) -> tuple[VerifyResult, list[dict] | None]:
    """Verify, and hand back the records parsed on the way (header first) so a replay need not parse twice.

    The records cover every line up to the first failure: whole journals and cut ones, not tampered ones (None).
    """
    result, st = _verify_stream(io.BytesIO(data), name, _as_public_key(pubkey), None, keep=True)
    if st.header is None or not (result.ok or result.kind == "truncated"):
        return result, None
    return result, [st.header, *(st.kept or [])]


def verify_journal(
    path: str | os.PathLike,
    pubkey: Ed25519PublicKey | str | os.PathLike | None = None,
    scenario_path: str | os.PathLike | None = None,
) -> VerifyResult:
    """Verify the journal at `path`; a bad key or scenario file raises InputError (exit 2)."""
    name = str(path)
    key = _as_public_key(pubkey)
    scenario_sha256 = None
    if scenario_path is not None:
        try:
            scenario_sha256 = file_sha256(scenario_path)
        except OSError as exc:
            raise InputError(
                [Diagnostic(str(scenario_path), 1, 1, "error", f"cannot read scenario file: {exc.strerror or exc}")]
            ) from exc
    try:
        fh = open_input(path, buffering=1 << 20)
    except OSError as exc:
        failure = _Failure(1, "not_journal", f"cannot read: {exc.strerror or exc}")
        return _result(name, _State(), failure)
    with fh:
        try:
            return _verify_stream(fh, name, key, scenario_sha256)[0]
        except IsADirectoryError:
            return _result(name, _State(), _Failure(1, "not_journal", "is a folder, not a journal"))
        except OSError as exc:  # unseekable (a pipe) or a read error mid-file
            return _result(name, _State(), _Failure(1, "not_journal", f"cannot read: {exc.strerror or exc}"))


@dataclass(frozen=True)
class AppendPoint:
    """Where an unsealed journal can be continued: the last intact record and the bytes to keep."""

    records: int
    head: str
    last_t: float
    valid_size: int
    dropped_partial_line: bool
    header: dict
    last_wall: str = ""


def find_append_point(path: str | os.PathLike) -> AppendPoint:
    """Check an interrupted journal can be resumed; InputError explains why not."""
    name = str(path)
    try:
        fh = open_input(path, buffering=1 << 20)
    except OSError as exc:
        raise InputError([Diagnostic(name, 1, 1, "error", f"cannot read journal: {exc.strerror or exc}")]) from exc
    with fh:
        try:
            result, st = _verify_stream(fh, name, None, None)
        except OSError as exc:
            raise InputError([Diagnostic(name, 1, 1, "error", f"cannot read journal: {exc.strerror or exc}")]) from exc
    if result.sealed:
        message = "journal is sealed: the exercise is closed, nothing can be appended"
        raise InputError([Diagnostic(name, result.records, 1, "error", message)])
    resumable = result.kind == "truncated" and st.header is not None and st.head is not None
    if not resumable:
        diag = result.diagnostic()
        assert diag is not None
        raise InputError([diag])
    return AppendPoint(
        records=st.records,
        head=st.head,
        last_t=float(st.last_t),
        valid_size=st.valid_size,
        dropped_partial_line=st.partial_tail,
        header=st.header,
        last_wall=st.last_wall,
    )


__all__ = ["VerifyResult", "verify_journal", "verify_bytes", "AppendPoint", "find_append_point"]
