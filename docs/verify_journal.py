#!/usr/bin/env python3
"""Verify a CyberDrill exercise journal with the Python standard library alone.

Usage: python3 verify_journal.py JOURNAL.jsonl
Exit 0: chain intact and sealed. 1: broken (the line and the reason are printed), a
damaged header included. 2: not a journal of format version 1.
Checks the hash chain, seq, record types, the seal (count, last hash, digest), that
nothing follows it and that a signature is the canonical base64 of 64 bytes. It does NOT
check the Ed25519 signature itself: the standard library has no Ed25519 (see "Checking the
signature" in journal-format.md).
"""

import base64
import binascii
import hashlib
import json
import sys


def canonical(obj):
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def canonical_signature(text):
    """Is text exactly the base64 of 64 bytes? (Decoding ignores padding bits: re-encode and compare.)"""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return False
    return len(raw) == 64 and base64.b64encode(raw).decode("ascii") == text


def verify(path):
    """Return (exit code, line number, message)."""
    prev, n = "0" * 64, 0
    with open(path, "rb") as f:
        for n, raw in enumerate(f, 1):
            try:
                result = check_line(f, n, raw, prev)
            except (KeyError, TypeError, AttributeError, ValueError) as exc:
                result = (2 if n == 1 else 1), n, f"malformed record ({type(exc).__name__}: {exc})"
            if isinstance(result, tuple):
                return result
            prev = result
    if n == 0:
        return 2, 1, "empty file"
    return 1, n, "no seal: journal cut short or the exercise was never closed"


def journal_follows(f):
    """After a bad line 1: is line 2 record 1, or line 3 record 2? Then it is a damaged journal."""
    for seq in (1, 2):
        try:
            rec = json.loads(f.readline())
            if rec["seq"] == seq and rec["type"] in ("command", "event", "seal") and len(rec["prev"]) == 64:
                return True
        except (ValueError, KeyError, TypeError):
            pass
    return False


def check_line(f, n, raw, prev):
    """Return this line's SHA-256 (the next prev), or (exit code, line, message) to stop."""
    line = raw[:-1] if raw.endswith(b"\n") else raw
    try:
        rec = json.loads(line)
    except ValueError:
        rec = None
    if n == 1 and (not isinstance(rec, dict) or rec.get("type") != "header"):
        if raw.endswith(b"\n") and journal_follows(f):
            return 1, n, "header damaged (the lines after it go on as a journal)"
        return 2, n, "not a CyberDrill journal (no header on line 1)"
    if not raw.endswith(b"\n"):
        return 1, n, "incomplete line (journal cut while writing)"
    if rec is None:
        return 1, n, "not valid UTF-8 JSON"
    if n == 1 and rec["data"].get("format_version") != 1:
        return 2, n, "not a CyberDrill journal of format version 1"
    if rec["prev"] != prev:
        return 1, n, f"prev is not the SHA-256 of line {n - 1} (edited, deleted, inserted or reordered line)"
    if rec["seq"] != n - 1:
        return 1, n, f"seq is {rec['seq']!r}, expected {n - 1}"
    if n > 1 and rec["type"] not in ("command", "event", "seal"):
        return 1, n, f"unexpected record type {rec['type']!r}"
    if rec["type"] != "seal":
        return hashlib.sha256(line).hexdigest()
    data = dict(rec["data"])
    signature, digest = data.pop("signature"), data.pop("digest")
    if canonical(rec) != line or digest != hashlib.sha256(canonical({**rec, "data": data})).hexdigest():
        return 1, n, "seal was modified (not canonical, or digest mismatch)"
    if data["records"] != n or data["last_hash"] != prev:
        return 1, n, "seal does not match the journal (record count or last hash)"
    if f.read(1):
        return 1, n + 1, "data after the seal"
    if signature is not None and not canonical_signature(signature):
        return 1, n, "bad signature: not the canonical base64 of a 64-byte Ed25519 signature"
    note = f", signed by key {data['key_fingerprint']} (signature not checked here)" if signature else ""
    return 0, n, f"intact, sealed, {n} records, head {hashlib.sha256(line).hexdigest()}{note}"


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
