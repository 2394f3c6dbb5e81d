"""Rebuild the tamper corpus: two honest journals of a short exercise, and variants of them as
an auditor tampers with them (docs/journal-format.md, "Tamper corpus", states each verdict).

    python -m tests.journal_corpus.build

Run it when the engine's behaviour changes (the honest journals then no longer replay, and
tests/test_journal_corpus.py says so). It writes, in this folder: `plain.jsonl` and
`signed.jsonl` (the honest journals), `corpus.pub.pem` (the key `signed.jsonl` is signed with;
its private half is thrown away), and one file per variant under `variants/`. The scenario and
network are the copies in this folder, so replay finds them next to the journals.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable
from unittest import mock

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from simulator.journal.format import canonical_bytes, seal_digest_payload, seal_signed_payload
from simulator.journal.keys import key_fingerprint

HERE = Path(__file__).resolve().parent
VARIANTS = HERE / "variants"
SCENARIO = HERE / "mini-scenario.yaml"


def _clock() -> Callable[[], datetime]:
    """Wall times one second apart from a fixed instant: the same bytes at every rebuild."""
    moments = (datetime(2026, 3, 14, 1, 0, tzinfo=timezone.utc) + timedelta(seconds=i) for i in range(10**6))
    return lambda: next(moments)


def honest_journal(key: Ed25519PrivateKey | None) -> list[bytes]:
    """A short exercise with people in the room: a join, a note, an extended decision, a
    decision taken, each with its seat and participant's name."""
    from simulator.journal import writer
    from simulator.journal.session import RecordedExercise

    with tempfile.TemporaryDirectory() as tmp, mock.patch.object(writer, "_utc_now", _clock()):
        rec = RecordedExercise.start(SCENARIO, seed=3, lang="en", log_path=Path(tmp) / "j.jsonl",
                                     participants=["Émilie Leroy:facilitator", "Dr Martin:direction"])
        rec.record_ui("join", by_role="facilitator", seat="facilitator", name="Émilie Leroy")
        rec.advance(20)
        rec.submit("note first calls from the ED", by_role="facilitator", seat="facilitator", name="Émilie Leroy")
        rec.advance(65)
        rec.submit("extend cut-internet 10m", by_role="facilitator", seat="facilitator", name="Émilie Leroy")
        rec.advance(70)
        rec.submit("decide cut-internet cut", by_role="direction", seat="cell:direction", name="Dr Martin")
        rec.advance(120)
        rec.finish(key)
        lines = (Path(tmp) / "j.jsonl").read_bytes().splitlines()
    # the files are found next to the journal: no path of the machine that built it
    header = json.loads(lines[0])
    header["data"]["config"]["paths"] = {k: (Path(v).name if v else v) for k, v in header["data"]["config"]["paths"].items()}
    lines[0] = canonical_bytes(header)
    return rechain(lines, key)


def rechain(lines: list[bytes], key: Ed25519PrivateKey | None = None, keep_signature: bool = False) -> list[bytes]:
    """Rebuild seq, prev and the seal as an honest writer would (an attacker with the key would
    re-sign; without it, `keep_signature` leaves the old signature)."""
    out: list[bytes] = []
    prev = "0" * 64
    for seq, raw in enumerate(lines):
        rec = json.loads(raw)
        rec["seq"], rec["prev"] = seq, prev
        if rec["type"] == "seal":
            data = rec["data"]
            data.update(records=len(lines), last_hash=prev)
            data.pop("digest", None)
            old_signature = data.get("signature")
            data["signature"] = None
            if key is not None:
                data["key_fingerprint"] = key_fingerprint(key.public_key())
            data["digest"] = hashlib.sha256(canonical_bytes(seal_digest_payload(rec))).hexdigest()
            if key is not None:
                data["signature"] = base64.b64encode(key.sign(canonical_bytes(seal_signed_payload(rec)))).decode("ascii")
            elif keep_signature:
                data["signature"] = old_signature
        line = canonical_bytes(rec)
        out.append(line)
        prev = hashlib.sha256(line).hexdigest()
    return out


def _join(lines: list[bytes]) -> bytes:
    return b"\n".join(lines) + b"\n"


def _index(lines: list[bytes], test: Callable[[dict], bool], start: int = 1) -> int:
    for i in range(start, len(lines)):
        rec = json.loads(lines[i])
        if test(rec):
            return i
    raise LookupError("no such record in the honest journal")


def _event(lines: list[bytes]) -> int:
    """A plain event in the middle of the journal, its t strictly between its neighbours'."""
    def fits(i: int) -> bool:
        a, b, c = (json.loads(lines[j])["t"] for j in (i - 1, i, i + 1))
        return json.loads(lines[i])["type"] == "event" and a < b < c and b > 0
    return next(i for i in range(len(lines) // 3, len(lines) - 2) if fits(i))


def _edit(lines: list[bytes], i: int, change: Callable[[dict], None]) -> list[bytes]:
    out = list(lines)
    rec = json.loads(out[i])
    change(rec)
    out[i] = canonical_bytes(rec)
    return out


def _replace_text(lines: list[bytes], i: int, old: bytes, new: bytes) -> list[bytes]:
    out = list(lines)
    assert old in out[i], (old, out[i][:200])
    out[i] = out[i].replace(old, new, 1)
    return out


def _wall_pair(line: bytes) -> bytes:
    """`,"wall":"..."`: the last key of a canonical line."""
    return b',"wall":' + json.dumps(json.loads(line)["wall"]).encode()


def _chained_text(lines: list[bytes], i: int, old: bytes, new: bytes, first: bytes = b"") -> bytes:
    """Line i rewritten by hand (bytes, not canonical; `first` goes right after its opening
    brace), every other line re-chained to it."""
    out = list(lines)
    out[i] = out[i].replace(old, new, 1)
    if first:
        out[i] = b"{" + first + out[i][1:]
    assert out[i] != lines[i]
    prev = "0" * 64
    fixed: list[bytes] = []
    for seq, raw in enumerate(out):
        if seq != i:
            rec = json.loads(raw)
            rec["prev"] = prev
            if rec["type"] == "seal":
                rec["data"].update(last_hash=prev)
                rec["data"].pop("digest")
                rec["data"]["digest"] = hashlib.sha256(canonical_bytes(seal_digest_payload(rec))).hexdigest()
            raw = canonical_bytes(rec)
        else:
            raw = raw.replace(json.loads(raw)["prev"].encode(), prev.encode(), 1)
        fixed.append(raw)
        prev = hashlib.sha256(raw).hexdigest()
    return _join(fixed)


def _seal(lines: list[bytes], change: Callable[[dict], None], digest: bool = True) -> bytes:
    out = list(lines)
    rec = json.loads(out[-1])
    change(rec)
    if digest:
        rec["data"].pop("digest")
        rec["data"]["digest"] = hashlib.sha256(canonical_bytes(seal_digest_payload(rec))).hexdigest()
    out[-1] = canonical_bytes(rec)
    return _join(out)


def variants(plain: list[bytes], signed: list[bytes], key: Ed25519PrivateKey) -> dict[str, bytes]:
    """Every variant's bytes by file name (the doc's table lists them in this order)."""
    p, e = plain, _event(plain)
    cmd = _index(p, lambda r: r["type"] == "command" and r["data"].get("command") == "note")
    ui = _index(p, lambda r: r["type"] == "command" and r["data"].get("kind") == "ui")

    def moved_t(rec: dict) -> None:
        rec["t"] = rec["t"] + 0.5  # an event strictly between its neighbours' times: still in order

    def earlier(i: int) -> Callable[[dict], None]:
        before = json.loads(p[i - 1])["t"]

        def change(rec: dict) -> None:
            assert before < rec["t"], "the command shares its time with the record before it"
            rec["t"] = (before + rec["t"]) / 2  # still in order: the record before is earlier
        return change

    out = {
        "intact.jsonl": _join(p),
        "event-edited.jsonl": _join(_edit(p, e, lambda r: r["data"].__setitem__("kind", r["data"]["kind"] + "-x"))),
        "event-edited-rechained.jsonl": _join(rechain(_edit(p, e, lambda r: r["data"].__setitem__("kind", r["data"]["kind"] + "-x")))),
        "event-deleted.jsonl": _join(p[:e] + p[e + 1:]),
        "event-deleted-rechained.jsonl": _join(rechain(p[:e] + p[e + 1:])),
        "lines-swapped.jsonl": _join(p[:e] + [p[e + 1], p[e]] + p[e + 2:]),
        "line-duplicated.jsonl": _join(p[: e + 1] + [p[e]] + p[e + 1:]),
        "seal-removed.jsonl": _join(p[:-1]),
        "cut-mid-line.jsonl": _join(p[:-1])[:-40],
        "line-after-seal.jsonl": _join(p + [p[e]]),
        "spaces-added-rechained.jsonl": _chained_text(p, e, b'"data":{', b'"data": {'),
        "duplicate-key-rechained.jsonl": _chained_text(p, e, b'{"data":', b'{"data":{"kind":"forged"},"data":'),
        "keys-unsorted-rechained.jsonl": _chained_text(p, e, _wall_pair(p[e]), b"", first=_wall_pair(p[e])[1:] + b","),
        "non-ascii-escaped-rechained.jsonl": _chained_text(p, cmd, "Émilie".encode(), b"\\u00c9milie"),
        "t-backwards-rechained.jsonl": _join(rechain(_edit(p, e, lambda r: r.__setitem__("t", json.loads(p[e - 1])["t"] - 1.0)))),
        "t-integer-rechained.jsonl": _join(rechain(_edit(p, _index(p, lambda r: r["type"] == "event" and r["t"] == int(r["t"]) and r["t"] > 0), lambda r: r.__setitem__("t", int(r["t"]))))),
        "t-nan-rechained.jsonl": _chained_text(p, e, b'"t":' + json.dumps(json.loads(p[e])["t"]).encode() + b',"type"', b'"t":NaN,"type"'),
        "wall-not-a-time-rechained.jsonl": _join(rechain(_edit(p, e, lambda r: r.__setitem__("wall", "yesterday")))),
        "wall-backwards-rechained.jsonl": _join(rechain(_edit(p, e, lambda r: r.__setitem__("wall", "2026-03-13T23:59:59.000Z")))),
        "wall-impossible-date-rechained.jsonl": _join(rechain(_edit(p, e, lambda r: r.__setitem__("wall", "2026-02-30T01:00:00.000Z")))),
        "extra-record-key-rechained.jsonl": _join(rechain(_edit(p, e, lambda r: r.__setitem__("note", "added")))),
        "record-key-missing-rechained.jsonl": _join(rechain(_edit(p, e, lambda r: r.pop("wall")))),
        "unknown-type-rechained.jsonl": _join(rechain(_edit(p, e, lambda r: r.__setitem__("type", "memo")))),
        "second-header-rechained.jsonl": _join(rechain(p[:e] + [p[0]] + p[e:])),
        "seq-skipped.jsonl": _join(_edit(rechain(p), e, lambda r: r.__setitem__("seq", r["seq"] + 1))),
        "seal-count-wrong.jsonl": _seal(p, lambda r: r["data"].__setitem__("records", r["data"]["records"] + 1)),
        "seal-digest-wrong.jsonl": _seal(p, lambda r: r["data"].__setitem__("digest", "0" * 64), digest=False),
        "crlf.jsonl": _join(p).replace(b"\n", b"\r\n"),
        "bom.jsonl": b"\xef\xbb\xbf" + _join(p),
        "empty.jsonl": b"",
        "not-a-journal.jsonl": SCENARIO.read_bytes(),
        "newer-format-version.jsonl": _join(rechain(_edit(p, 0, lambda r: r["data"].__setitem__("format_version", 2)))),
        "header-damaged.jsonl": _join([b"#" + p[0][1:]] + p[1:]),
        "header-seed-text-rechained.jsonl": _join(rechain(_edit(p, 0, lambda r: r["data"].__setitem__("seed", "3")))),
        "header-scenario-digest-rechained.jsonl": _join(rechain(_edit(p, 0, lambda r: r["data"]["scenario"].__setitem__("sha256", "f" * 64)))),
        "nul-byte.jsonl": _join(_replace_text(p, e, b'"kind":"', b'"kind":"\x00')),
        "invalid-utf8.jsonl": _join(_replace_text(p, e, b'"kind":"', b'"kind":"\xff')),
        "command-time-moved-rechained.jsonl": _join(rechain(_edit(p, cmd, earlier(cmd)))),
        "event-time-changed-rechained.jsonl": _join(rechain(_edit(p, e, moved_t))),
        "command-text-edited-rechained.jsonl": _join(rechain(_edit(p, cmd, lambda r: r["data"].__setitem__("text", "nothing to report")))),
        "ui-record-edited-rechained.jsonl": _join(rechain(_edit(p, ui, lambda r: r["data"].__setitem__("name", "Someone else")))),
        "signed-intact.jsonl": _join(signed),
        "signed-signature-forged.jsonl": _seal(signed, lambda r: r["data"].__setitem__("signature", base64.b64encode(bytes(64)).decode()), digest=False),
        "signed-signature-not-canonical.jsonl": _seal(signed, lambda r: r["data"].__setitem__("signature", r["data"]["signature"][:-3] + chr(ord(r["data"]["signature"][-3]) ^ 1) + "=="), digest=False),
        "signed-fingerprint-without-signature.jsonl": _seal(signed, lambda r: r["data"].__setitem__("signature", None)),
        "signed-event-edited-rechained-without-key.jsonl": _join(rechain(_edit(signed, _event(signed), lambda r: r["data"].__setitem__("kind", "forged")), keep_signature=True)),
    }
    return out


def main() -> None:
    key = Ed25519PrivateKey.generate()
    plain = honest_journal(None)
    signed = honest_journal(key)
    (HERE / "plain.jsonl").write_bytes(_join(plain))
    (HERE / "signed.jsonl").write_bytes(_join(signed))
    from cryptography.hazmat.primitives import serialization

    pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    (HERE / "corpus.pub.pem").write_bytes(pem)
    if VARIANTS.exists():
        shutil.rmtree(VARIANTS)
    VARIANTS.mkdir()
    made = variants(plain, signed, key)
    for name, data in made.items():
        (VARIANTS / name).write_bytes(data)
    print(f"wrote {len(made)} variants in {VARIANTS}")


if __name__ == "__main__":
    main()
