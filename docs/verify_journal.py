#!/usr/bin/env python3
"""Verify a CyberDrill exercise journal with the Python standard library alone.

Usage: python3 verify_journal.py JOURNAL.jsonl
Exit 0: intact and sealed. 1: tampered, damaged or cut short (the line and the reason are
printed). 2: not a journal of format version 1 (empty, another kind of file, a newer version).

It applies the rules of docs/journal-format.md, "Verification rules", one by one, and gives
the same exit code and line as `cyberdrill log verify` on every journal, with one exception:
it checks that a signature is the canonical base64 of 64 bytes but cannot check the Ed25519
signature itself (the standard library has no Ed25519: see "The signature" in that document,
or `cyberdrill log verify --pubkey`).
"""

import base64
import binascii
import datetime
import hashlib
import json
import re
import sys

ZERO = "0" * 64
KEYS = {"seq", "t", "wall", "type", "prev", "data"}
HEX64 = re.compile(r"[0-9a-f]{64}")
WALL = re.compile(r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z")
FINGERPRINT = re.compile(r"sha256:[0-9a-f]{64}")
LANGUAGE = re.compile(r"[a-z]{2,3}")
MAX_FIRST_LINE = 16 << 20
INF = float("inf")


class Stop(Exception):
    def __init__(self, code, line, message):
        super().__init__(message)
        self.code, self.line, self.message = code, line, message


def refuse_constant(name):
    raise ValueError(f"{name} is not JSON")


def parse(raw):
    """One JSON value from a line's bytes (newline excluded), nothing around it; ValueError if not."""
    text = raw.decode("utf-8")
    if text[:1] in " \t\r\n" or text[-1:] in " \t\r\n":  # never written; json.loads would allow it
        raise ValueError("whitespace around the JSON value")
    try:
        return json.loads(text, parse_constant=refuse_constant)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def canonical(obj):
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def is_int(v):
    return type(v) is int


def is_text(v, empty_ok=False):
    return type(v) is str and (empty_ok or v != "")


def wall_ok(wall):
    if type(wall) is not str or not WALL.fullmatch(wall):
        return False
    try:
        datetime.date.fromisoformat(wall[:10])
    except ValueError:
        return False
    return True


def file_ref_ok(ref):
    return (
        type(ref) is dict
        and set(ref) <= {"file", "sha256", "id"}
        and {"file", "sha256"} <= set(ref)
        and is_text(ref["file"])
        and type(ref["sha256"]) is str
        and HEX64.fullmatch(ref["sha256"]) is not None
        and (ref.get("id") is None or type(ref.get("id")) is str)
    )


def start_ok(start):
    if type(start) is not str:
        return False
    try:
        return datetime.datetime.fromisoformat(start).tzinfo is not None
    except ValueError:
        return False


def header_problem(rec):
    """Why line 1 is not a valid header (rule 3), or None."""
    if set(rec) != KEYS:
        return "the header must have exactly the keys seq, t, wall, type, prev, data"
    d = rec["data"]
    checks = [
        (rec["seq"] == 0 and is_int(rec["seq"]), "seq must be 0"),
        (type(rec["t"]) is float and -INF < rec["t"] < INF, "t must be a finite float"),
        (wall_ok(rec["wall"]), "wall is not a UTC time written 2026-03-14T01:00:07.000Z"),
        (rec["prev"] == ZERO, "prev must be 64 zeros"),
        (type(d) is dict, "data must be an object"),
    ]
    for ok, why in checks:
        if not ok:
            return why
    allowed = {"format_version", "software_version", "scenario", "network", "policy", "seed", "language", "participants", "start", "config"}
    required = allowed - {"policy", "config"}
    if not (required <= set(d) <= allowed):
        return "header data must have the keys of format version 1, and no others"
    checks = [
        (is_int(d["format_version"]) and d["format_version"] >= 1, "format_version"),
        (is_text(d["software_version"]), "software_version"),
        (file_ref_ok(d["scenario"]), "scenario"),
        (file_ref_ok(d["network"]), "network"),
        (d.get("policy") is None or file_ref_ok(d.get("policy")), "policy"),
        (is_int(d["seed"]), "seed"),
        (type(d["language"]) is str and LANGUAGE.fullmatch(d["language"]) is not None, "language"),
        (type(d["participants"]) is list and all(type(p) is dict and set(p) == {"name", "role"} and is_text(p["name"]) and is_text(p["role"]) for p in d["participants"]), "participants"),
        (start_ok(d["start"]), "start"),
        (type(d.get("config", {})) is dict, "config"),
    ]
    for ok, field in checks:
        if not ok:
            return f"header data.{field} does not match the journal format"
    return None


def seal_problem(rec):
    """Why a seal record does not have the form of format version 1 (rule 7), or None."""
    d = rec["data"]
    if not (is_int(rec["seq"]) and rec["seq"] >= 1 and type(rec["t"]) is float and -INF < rec["t"] < INF and wall_ok(rec["wall"])):
        return "seal envelope does not match the journal format"
    if not (type(rec["prev"]) is str and HEX64.fullmatch(rec["prev"])):
        return "seal prev is not a SHA-256"
    if type(d) is not dict or set(d) != {"records", "last_hash", "digest", "key_fingerprint", "signature"}:
        return "seal data must have exactly records, last_hash, digest, key_fingerprint, signature"
    if not (is_int(d["records"]) and d["records"] >= 2):
        return "seal records must be an integer of at least 2"
    for key in ("last_hash", "digest"):
        if not (type(d[key]) is str and HEX64.fullmatch(d[key])):
            return f"seal {key} is not a SHA-256"
    fp, sig = d["key_fingerprint"], d["signature"]
    if fp is not None and not (type(fp) is str and FINGERPRINT.fullmatch(fp)):
        return "seal key_fingerprint is not sha256: and 64 hex digits"
    if sig is not None and not is_text(sig):
        return "seal signature must be a non-empty string or null"
    if (fp is None) != (sig is None):
        return "key_fingerprint and signature are both set or both null"
    return None


def canonical_signature(text):
    """Is text exactly the base64 of 64 bytes? (Decoding ignores padding bits: re-encode and compare.)"""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return False
    return len(raw) == 64 and base64.b64encode(raw).decode("ascii") == text


def looks_like_record(raw, seq):
    try:
        rec = parse(raw.rstrip(b"\n"))
    except ValueError:
        return False
    prev = rec.get("prev") if type(rec) is dict else None
    return (
        type(rec) is dict and rec.get("seq") == seq and rec.get("type") in ("header", "command", "event", "seal")
        and type(prev) is str and HEX64.fullmatch(prev) is not None
    )


def converted(body):
    """Rule 1: a header line whose only damage is CR LF line ends or a byte-order mark."""
    fixed = body
    if fixed.startswith(b"\xef\xbb\xbf"):
        fixed = fixed[3:]
    if fixed.endswith(b"\r"):
        fixed = fixed[:-1]
    if fixed == body:
        return None
    try:
        rec = parse(fixed)
    except ValueError:
        return None
    if type(rec) is dict and rec.get("type") == "header":
        return "the file was converted (CR LF line ends or a byte-order mark): its lines no longer hash to the chain"
    return None


def read_header(f):
    """Rules 1-3: return (header record, its bytes)."""
    raw = f.readline(MAX_FIRST_LINE)
    if not raw:
        raise Stop(2, 1, "empty file: not a journal")
    if not raw.endswith(b"\n") and len(raw) >= MAX_FIRST_LINE:
        raise Stop(2, 1, "first line is longer than 16 MiB: not a journal")
    body = raw[:-1] if raw.endswith(b"\n") else raw

    def damaged(why):
        if raw.endswith(b"\n"):
            after = f.readline(MAX_FIRST_LINE)
            if after.endswith(b"\n") and (looks_like_record(after, 1) or looks_like_record(f.readline(MAX_FIRST_LINE), 2)):
                return Stop(1, 1, f"header damaged ({why}): the lines after it go on as a journal")
        return Stop(2, 1, f"{why}: not a CyberDrill journal")

    if b"\0" not in body:
        why = converted(body)
        if why:
            raise Stop(1, 1, why)
    try:
        rec = None if b"\0" in body else parse(body)
    except ValueError:
        rec = None
    if type(rec) is not dict or rec.get("type") != "header":
        raise damaged("line 1 is not a journal header")
    data = rec.get("data")
    version = data.get("format_version") if type(data) is dict else None
    if is_int(version) and version > 1:
        raise Stop(2, 1, f"journal format version {version}: this script knows version 1")
    if not raw.endswith(b"\n"):
        raise Stop(1, 1, "line 1 is incomplete: journal cut while writing")
    problem = header_problem(rec)
    if problem:
        raise Stop(1, 1, problem)
    if canonical(rec).encode("utf-8") != body:
        raise Stop(1, 1, "header is not in canonical JSON form: edited")
    return rec, body


def chain_break(f, n, rec, body, expected):
    """Rule 4: line n's prev is not the hash of line n-1. Which line does the damage show at?"""
    seq = rec["seq"]
    if not is_int(seq) or seq != expected:
        return Stop(1, n, f"prev is not the SHA-256 of line {n - 1}, and seq is {seq!r}, not {expected}: lines deleted, inserted or reordered")
    nxt = f.readline()
    try:
        following = parse(nxt[:-1]) if nxt.endswith(b"\n") else None
    except ValueError:
        following = None
    if rec.get("type") == "seal":
        intact = seal_problem(rec) is None and seal_consistent(rec, body)
    elif following is None:
        intact = True
    else:
        intact = type(following) is dict and following.get("prev") == hashlib.sha256(body).hexdigest()
    if intact:
        return Stop(1, n - 1, f"line {n - 1} was modified: its hash is not the prev of line {n}")
    return Stop(1, n, f"line {n} was modified: its prev is not the hash of line {n - 1}")


def seal_consistent(rec, body):
    data = dict(rec["data"])
    data.pop("signature")
    digest = data.pop("digest")
    return (
        canonical(rec).encode("utf-8") == body
        and digest == hashlib.sha256(canonical({**rec, "data": data}).encode("utf-8")).hexdigest()
        and rec["data"]["last_hash"] == rec["prev"]
    )


def verify(path):
    """Return (exit code, line, message)."""
    with open(path, "rb") as f:
        try:
            header, body = read_header(f)
            prev, last_t, last_wall, n = hashlib.sha256(body).hexdigest(), header["t"], header["wall"], 1
            for raw in f:
                n += 1
                if not raw.endswith(b"\n"):
                    raise Stop(1, n, "incomplete line: journal cut while writing")
                body = raw[:-1]
                try:
                    rec = parse(body)  # rule 2
                except ValueError as exc:
                    raise Stop(1, n, f"not UTF-8 JSON ({exc})") from None
                if type(rec) is not dict or set(rec) != KEYS:
                    raise Stop(1, n, "not a record of exactly seq, t, wall, type, prev, data")
                if rec["prev"] != prev:
                    raise chain_break(f, n, rec, body, n - 1)
                if not is_int(rec["seq"]) or rec["seq"] != n - 1:  # rule 5
                    raise Stop(1, n, f"seq is {rec['seq']!r}, expected {n - 1}")
                kind = rec["type"]
                if kind == "seal":
                    return check_seal(f, n, rec, body, last_t, last_wall)
                if kind == "header":
                    raise Stop(1, n, "a second header")
                if kind not in ("command", "event"):
                    raise Stop(1, n, f"unknown record type {kind!r}")
                t, wall = rec["t"], rec["wall"]  # rule 6
                if type(t) is not float or not (-INF < t < INF):
                    raise Stop(1, n, "t must be a finite float (12.5, 60.0, never 60)")
                if t < last_t:
                    raise Stop(1, n, f"sim time goes backwards: t {t} after t {last_t}")
                if not wall_ok(wall):
                    raise Stop(1, n, "wall is not a UTC time written 2026-03-14T01:00:07.000Z")
                if wall < last_wall:
                    raise Stop(1, n, f"wall time goes backwards: {wall} after {last_wall}")
                if type(rec["data"]) is not dict:
                    raise Stop(1, n, "data must be an object")
                if canonical(rec).encode("utf-8") != body:  # rule 2: spaces, key order, a key twice...
                    raise Stop(1, n, "not in canonical JSON form: edited")
                prev, last_t, last_wall = hashlib.sha256(body).hexdigest(), t, wall
        except Stop as stop:
            return stop.code, stop.line, stop.message
    return 1, n, f"no seal after line {n}: journal cut short or the exercise was never closed"


def check_seal(f, n, rec, body, last_t, last_wall):
    """Rule 7."""
    problem = seal_problem(rec)
    if problem:
        return 1, n, problem
    if rec["t"] < last_t:
        return 1, n, "sim time goes backwards at the seal"
    if rec["wall"] < last_wall:
        return 1, n, "wall time goes backwards at the seal"
    if canonical(rec).encode("utf-8") != body:
        return 1, n, "seal is not in canonical JSON form: edited"
    if not seal_consistent(rec, body):
        return 1, n, "seal was modified: its digest or last_hash does not match"
    if rec["data"]["records"] != n:
        return 1, n, f"seal counts {rec['data']['records']} records, the journal has {n}"
    if f.read(1):
        return 1, n + 1, "data after the seal"
    signature = rec["data"]["signature"]
    if signature is not None and not canonical_signature(signature):
        return 1, n, "bad signature: not the canonical base64 of a 64-byte Ed25519 signature"
    note = f", signed by key {rec['data']['key_fingerprint']} (signature not checked here)" if signature else ", not signed"
    return 0, n, f"intact, sealed, {n} records, head {hashlib.sha256(body).hexdigest()}{note}"


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: verify_journal.py JOURNAL.jsonl")
    try:
        code, line_no, message = verify(sys.argv[1])
    except OSError as exc:
        code, line_no, message = 2, 1, f"cannot read: {exc.strerror or exc}"
    if code == 0:
        print(f"{sys.argv[1]}: {message}")
    else:
        print(f"{sys.argv[1]}:{line_no}:1: error: {message}", file=sys.stderr)
    sys.exit(code)
