"""The journal's hash chain: what the writer produces verifies, and every kind of tampering is caught."""

from __future__ import annotations

import hashlib
import json
import os
import random
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from simulator import __version__
from simulator.journal import (
    FORMAT_VERSION,
    JournalWriter,
    canonical_bytes,
    file_ref,
    generate_keypair,
    key_fingerprint,
    load_private_key,
    load_public_key,
    read_header,
    read_records,
    verify_bytes,
    verify_journal,
)
from simulator.model.diagnostics import InputError

HEADER = {
    "scenario": {"file": "rancongiciel-nuit.yaml", "sha256": "1" * 64, "id": "rancongiciel-nuit"},
    "network": {"file": "ch-reference.yaml", "sha256": "2" * 64},
    "seed": 42,
    "language": "fr",
    "participants": [
        {"name": "Directrice de crise", "role": "player"},
        {"name": "Animateur", "role": "facilitator"},
    ],
    "start": "2026-03-14T02:00:00+01:00",
    "config": {"speed": 10},
}


def fixed_clock():
    moments = (datetime(2026, 3, 14, 1, 0, tzinfo=timezone.utc) + timedelta(seconds=i) for i in range(10**6))
    return lambda: next(moments)


def write_sample(path: Path, sign_key=None, seal: bool = True) -> Path:
    """Ten records: header, two commands, six events, seal."""
    with JournalWriter.create(path, HEADER, clock=fixed_clock()) as writer:
        writer.event(0.0, {"kind": "exercise_started"})
        writer.event(12.5, {"kind": "alert", "asset": "srv-dpi-01", "message": "Alerte EDR : exécution suspecte"})
        writer.command(15.0, {"kind": "decision", "id": "activer-cellule", "option": "oui", "by": "directrice"})
        writer.event(31.25, {"kind": "asset_state", "asset": "srv-dpi-01", "state": "encrypted"})
        writer.event(31.25, {"kind": "service_capacity", "service": "urgences", "capacity": 0.4})
        writer.command(40.0, {"kind": "action", "action": "isolate", "target": "srv-dpi-01"})
        writer.event(55.0, {"kind": "clock_started", "clock": "cert-sante"})
        writer.event(60.0, {"kind": "patient_flow", "service": "urgences", "diverted": 3})
        if seal:
            writer.seal(sign_key)
    return path


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return write_sample(tmp_path / "exercise.jsonl")


@pytest.fixture
def keypair(tmp_path: Path) -> tuple[Path, Path]:
    return generate_keypair(tmp_path / "keys")


def lines_of(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


# -- what the writer produces -----------------------------------------------------------------


def test_fresh_journal_verifies(sample: Path) -> None:
    result = verify_journal(sample)
    assert result.ok and result.sealed and result.kind == "ok" and result.exit_code == 0
    assert result.records == 10
    assert result.head == hashlib.sha256(lines_of(sample)[-1][:-1]).hexdigest()
    assert result.signature_valid is None and not result.signed
    assert result.first_bad_line is None and result.reason is None
    assert result.last_t == 60.0


def test_records_chain_and_are_canonical(sample: Path) -> None:
    records = list(read_records(sample))
    assert [line for line, _, _ in records] == list(range(1, 11))
    assert [rec["seq"] for _, _, rec in records] == list(range(10))
    assert [rec["type"] for _, _, rec in records] == ["header"] + ["event", "event", "command"] + ["event"] * 2 + [
        "command"
    ] + ["event"] * 2 + ["seal"]
    prev = "0" * 64
    for _, raw, rec in records:
        assert rec["prev"] == prev
        assert raw == canonical_bytes(rec)
        assert set(rec) == {"seq", "t", "wall", "type", "prev", "data"}
        prev = hashlib.sha256(raw).hexdigest()
    seal = records[-1][2]["data"]
    assert seal["records"] == 10
    assert seal["last_hash"] == hashlib.sha256(records[-2][1]).hexdigest()
    assert seal["signature"] is None and seal["key_fingerprint"] is None


def test_header_carries_versions_and_inputs(sample: Path) -> None:
    header = read_header(sample)
    data = header["data"]
    assert header["seq"] == 0 and header["prev"] == "0" * 64 and header["t"] == 0.0
    assert data["format_version"] == FORMAT_VERSION == 1
    assert data["software_version"] == __version__
    assert data["scenario"]["sha256"] == "1" * 64 and data["seed"] == 42 and data["language"] == "fr"
    assert data["participants"][0] == {"name": "Directrice de crise", "role": "player"}
    assert data["config"] == {"speed": 10}


def test_same_inputs_same_bytes(tmp_path: Path) -> None:
    a = write_sample(tmp_path / "a.jsonl").read_bytes()
    b = write_sample(tmp_path / "b.jsonl").read_bytes()
    assert a == b
    assert "exécution".encode() in a  # UTF-8, not \u escapes


def test_file_ref_hashes_the_bytes(tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_bytes(b"kind: scenario\n")
    assert file_ref(scenario, id="s") == {
        "file": "s.yaml",
        "sha256": hashlib.sha256(b"kind: scenario\n").hexdigest(),
        "id": "s",
    }


# -- tampering ----------------------------------------------------------------------------------

SUBSTITUTES = (lambda b: b ^ 0x01, lambda b: b ^ 0x20, lambda b: ord("0"), lambda b: ord("\n"), lambda b: ord(" "))


def test_every_single_byte_change_is_detected(sample: Path) -> None:
    data = sample.read_bytes()
    assert verify_bytes(data).ok
    started = time.perf_counter()
    checked = 0
    rng = random.Random(2026)
    for pos in range(len(data)):
        extra = [rng.randrange(256) for _ in range(3)]
        for new in [substitute(data[pos]) for substitute in SUBSTITUTES] + extra:
            if new == data[pos]:
                continue
            tampered = data[:pos] + bytes([new]) + data[pos + 1 :]
            result = verify_bytes(tampered)
            assert not result.ok, f"byte {pos} ({data[pos:pos + 1]!r} -> {bytes([new])!r}) not detected"
            assert result.first_bad_line is not None and result.reason
            checked += 1
    assert checked > 4 * len(data)
    assert time.perf_counter() - started < 60


def test_every_byte_of_a_signed_journal_is_covered_with_the_key(tmp_path: Path, keypair) -> None:
    private, public = keypair
    path = write_sample(tmp_path / "signed.jsonl", sign_key=load_private_key(private))
    data = path.read_bytes()
    key = load_public_key(public)
    assert verify_bytes(data, pubkey=key).signature_valid is True
    for pos in range(len(data)):
        tampered = data[:pos] + bytes([data[pos] ^ 0x01]) + data[pos + 1 :]
        assert not verify_bytes(tampered, pubkey=key).ok, f"byte {pos} not detected"


def test_modified_line_is_named(sample: Path) -> None:
    lines = lines_of(sample)
    lines[4] = lines[4].replace(b"encrypted", b"isolated!")
    result = verify_bytes(b"".join(lines))
    assert (result.kind, result.first_bad_line) == ("modified", 5)
    assert "line 5 was modified" in result.reason


def test_modified_prev_names_its_own_line(sample: Path) -> None:
    lines = lines_of(sample)
    rec = json.loads(lines[6])
    rec["prev"] = "f" * 64
    lines[6] = canonical_bytes(rec) + b"\n"
    result = verify_bytes(b"".join(lines))
    assert (result.kind, result.first_bad_line) == ("modified", 7)


def test_modified_last_record_before_seal(sample: Path) -> None:
    lines = lines_of(sample)
    lines[8] = lines[8].replace(b'"diverted":3', b'"diverted":0')
    result = verify_bytes(b"".join(lines))
    assert (result.kind, result.first_bad_line) == ("modified", 9)


def test_deleted_line(sample: Path) -> None:
    lines = lines_of(sample)
    del lines[4]
    result = verify_bytes(b"".join(lines))
    assert (result.kind, result.first_bad_line) == ("deleted", 5)
    assert "deleted record(s) before this line" in result.reason
    assert result.exit_code == 1


def test_deleted_header_is_not_a_journal_start(sample: Path) -> None:
    result = verify_bytes(b"".join(lines_of(sample)[1:]))
    assert not result.ok and result.first_bad_line == 1


def test_inserted_copy_of_a_line(sample: Path) -> None:
    lines = lines_of(sample)
    lines.insert(6, lines[3])
    result = verify_bytes(b"".join(lines))
    assert (result.kind, result.first_bad_line) == ("reordered", 7)
    assert "reordered or inserted" in result.reason


def test_inserted_forged_line_with_a_valid_prev(sample: Path) -> None:
    lines = lines_of(sample)
    forged = {
        "seq": 4,
        "t": 31.25,
        "wall": "2026-03-14T01:00:05.000Z",
        "type": "command",
        "prev": hashlib.sha256(lines[3][:-1]).hexdigest(),
        "data": {"kind": "decision", "id": "payer-rancon", "option": "non"},
    }
    lines.insert(4, canonical_bytes(forged) + b"\n")
    result = verify_bytes(b"".join(lines))
    assert (result.kind, result.first_bad_line) == ("reordered", 6)


def test_swapped_lines(sample: Path) -> None:
    lines = lines_of(sample)
    lines[3], lines[4] = lines[4], lines[3]
    result = verify_bytes(b"".join(lines))
    assert (result.kind, result.first_bad_line) == ("reordered", 4)
    assert "out of order" in result.reason


def test_journal_cut_before_its_seal(sample: Path) -> None:
    result = verify_bytes(b"".join(lines_of(sample)[:-1]))
    assert (result.kind, result.first_bad_line, result.sealed) == ("truncated", 9, False)
    assert "not sealed" in result.reason
    assert result.records == 9


def test_journal_cut_mid_line(sample: Path) -> None:
    data = sample.read_bytes()
    result = verify_bytes(data[: len(data) - 40])
    assert (result.kind, result.first_bad_line) == ("truncated", 10)
    assert "incomplete" in result.reason


def test_lines_after_the_seal(sample: Path) -> None:
    lines = lines_of(sample)
    result = verify_bytes(b"".join(lines) + lines[5])
    assert (result.kind, result.first_bad_line) == ("after_seal", 11)


def test_seal_edits_are_caught_by_its_digest(sample: Path) -> None:
    lines = lines_of(sample)
    seal = json.loads(lines[-1])
    seal["wall"] = "2026-03-15T01:00:00.000Z"
    result = verify_bytes(b"".join(lines[:-1]) + canonical_bytes(seal) + b"\n")
    assert (result.kind, result.first_bad_line) == ("modified", 10)
    assert "digest" in result.reason


def test_whole_rewritten_chain_with_bad_types_is_invalid(sample: Path) -> None:
    lines = lines_of(sample)
    rec = json.loads(lines[1])
    rec["type"] = "oracle"
    lines[1] = canonical_bytes(rec) + b"\n"
    result = verify_bytes(b"".join(lines))
    assert (result.kind, result.first_bad_line) == ("invalid", 2)
    assert "unknown record type" in result.reason


def test_time_going_backwards_is_invalid(tmp_path: Path) -> None:
    lines = lines_of(write_sample(tmp_path / "j.jsonl", seal=False))
    rec = json.loads(lines[2])
    rec["t"] = -1.0
    lines[2] = canonical_bytes(rec) + b"\n"
    result = verify_bytes(b"".join(lines[:3]))
    # line 3 edited: line 3's own checks run before the (missing) next line could flag it
    assert (result.kind, result.first_bad_line) == ("invalid", 3)
    assert "backwards" in result.reason


# -- not a journal ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        (b"\xff\xfe\xfa not utf8\n", "non-UTF-8"),
        (b"kind: scenario\nid: x\n", "not valid JSON"),
        (b'{"seq": 0, "type": "event"}\n', "not a journal header"),
        (b"[1, 2, 3]\n", "not a journal header"),
    ],
)
def test_not_a_journal(content: bytes, words: str) -> None:
    result = verify_bytes(content)
    assert (result.kind, result.exit_code, result.first_bad_line) == ("not_journal", 2, 1)
    assert words in result.reason and "\n" not in result.reason


def test_newer_format_version(sample: Path) -> None:
    lines = lines_of(sample)
    header = json.loads(lines[0])
    header["data"]["format_version"] = 2
    result = verify_bytes(canonical_bytes(header) + b"\n" + b"".join(lines[1:]))
    assert (result.kind, result.exit_code) == ("unsupported_version", 2)
    assert "version 2" in result.reason and "version 1" in result.reason


def test_damaged_header_of_a_real_journal_is_tampering(sample: Path) -> None:
    data = sample.read_bytes()
    result = verify_bytes(b"#" + data[1:])
    assert (result.kind, result.exit_code, result.first_bad_line) == ("modified", 1, 1)


def test_missing_file(tmp_path: Path) -> None:
    result = verify_journal(tmp_path / "nope.jsonl")
    assert result.exit_code == 2 and "cannot read" in result.reason


# -- scenario and signature -----------------------------------------------------------------


def test_scenario_digest(tmp_path: Path) -> None:
    scenario = tmp_path / "scenario.yaml"
    scenario.write_bytes(b"kind: scenario\n")
    header = {**HEADER, "scenario": file_ref(scenario)}
    path = tmp_path / "j.jsonl"
    with JournalWriter.create(path, header) as writer:
        writer.seal()
    assert verify_journal(path, scenario_path=scenario).ok
    scenario.write_bytes(b"kind: scenario\n# edited\n")
    result = verify_journal(path, scenario_path=scenario)
    assert (result.kind, result.first_bad_line, result.exit_code) == ("scenario_mismatch", 1, 1)
    with pytest.raises(InputError, match="cannot read scenario file"):
        verify_journal(path, scenario_path=tmp_path / "missing.yaml")


def test_signed_seal(tmp_path: Path, keypair) -> None:
    private, public = keypair
    key = load_private_key(private)
    path = write_sample(tmp_path / "signed.jsonl", sign_key=key)
    result = verify_journal(path, pubkey=public)
    assert result.ok and result.signed and result.signature_valid is True
    assert result.key_fingerprint == key_fingerprint(key.public_key())
    unchecked = verify_journal(path)
    assert unchecked.ok and unchecked.signed and unchecked.signature_valid is None


def test_signature_covers_the_seal_without_its_signature(tmp_path: Path, keypair) -> None:
    private, public = keypair
    path = write_sample(tmp_path / "signed.jsonl", sign_key=load_private_key(private))
    seal = json.loads(lines_of(path)[-1])
    import base64

    signature = base64.b64decode(seal["data"].pop("signature"))
    load_public_key(public).verify(signature, canonical_bytes(seal))


def test_wrong_key_is_a_bad_signature(tmp_path: Path, keypair) -> None:
    private, _ = keypair
    _, other_public = generate_keypair(tmp_path / "other")
    path = write_sample(tmp_path / "signed.jsonl", sign_key=load_private_key(private))
    result = verify_journal(path, pubkey=other_public)
    assert (result.kind, result.exit_code, result.first_bad_line) == ("bad_signature", 1, 10)
    assert "not with the given key" in result.reason


def test_unsigned_seal_with_a_key_is_a_bad_signature(sample: Path, keypair) -> None:
    result = verify_journal(sample, pubkey=keypair[1])
    assert result.kind == "bad_signature" and "not signed" in result.reason


def test_forged_signature_is_rejected(tmp_path: Path, keypair) -> None:
    private, public = keypair
    path = write_sample(tmp_path / "signed.jsonl", sign_key=load_private_key(private))
    lines = lines_of(path)
    seal = json.loads(lines[-1])
    seal["data"]["signature"] = "A" * 86 + "=="
    result = verify_bytes(b"".join(lines[:-1]) + canonical_bytes(seal) + b"\n", pubkey=public)
    assert result.kind == "bad_signature" and "does not match" in result.reason


# -- writer behaviour ---------------------------------------------------------------------------


def test_create_refuses_to_overwrite(sample: Path) -> None:
    before = sample.read_bytes()
    with pytest.raises(InputError, match="refusing to overwrite"):
        JournalWriter.create(sample, HEADER)
    assert sample.read_bytes() == before


def test_invalid_header_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="seed"):
        JournalWriter.create(tmp_path / "j.jsonl", {**HEADER, "seed": "42"})
    with pytest.raises(ValueError, match="start"):
        JournalWriter.create(tmp_path / "j.jsonl", {**HEADER, "start": "2026-03-14T02:00:00"})
    assert not (tmp_path / "j.jsonl").exists()


def test_time_must_not_go_backwards_and_payloads_are_dicts(tmp_path: Path) -> None:
    with JournalWriter.create(tmp_path / "j.jsonl", HEADER) as writer:
        writer.event(10, {"kind": "a"})
        with pytest.raises(ValueError, match="backwards"):
            writer.command(9.5, {"kind": "b"})
        with pytest.raises(ValueError, match="finite"):
            writer.event(float("nan"), {})
        with pytest.raises(TypeError):
            writer.event(11, ["not", "a", "dict"])  # type: ignore[arg-type]
        record = writer.command(10, {"kind": "c"})
        assert record["seq"] == 2 and record["t"] == 10.0 and writer.records == 3
        assert writer.head_hash == hashlib.sha256(lines_of(tmp_path / "j.jsonl")[-1][:-1]).hexdigest()


def test_nothing_after_the_seal(tmp_path: Path) -> None:
    writer = JournalWriter.create(tmp_path / "j.jsonl", HEADER)
    seal = writer.seal(t=90)
    assert seal["t"] == 90.0 and seal["data"]["records"] == 2 and writer.sealed and writer.closed
    with pytest.raises(RuntimeError, match="sealed"):
        writer.command(91, {"kind": "late"})
    assert verify_journal(tmp_path / "j.jsonl").ok


def test_commands_are_on_disk_events_wait(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    writer = JournalWriter.create(path, HEADER, flush_interval=3600)
    size_after_header = path.stat().st_size
    writer.event(1, {"kind": "buffered"})
    assert path.stat().st_size == size_after_header
    writer.command(2, {"kind": "decision"})
    assert len(lines_of(path)) == 3
    writer.event(3, {"kind": "buffered"})
    writer.flush()
    assert len(lines_of(path)) == 4
    writer.close()


def test_events_flush_periodically(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    with JournalWriter.create(path, HEADER, flush_interval=0) as writer:
        writer.event(1, {"kind": "now"})
        assert len(lines_of(path)) == 2


def test_close_without_seal_then_resume(tmp_path: Path) -> None:
    path = write_sample(tmp_path / "j.jsonl", seal=False)
    assert verify_journal(path).kind == "truncated"
    writer = JournalWriter.open_append(path)
    assert writer.records == 9 and writer.last_t == 60.0
    with pytest.raises(ValueError, match="backwards"):
        writer.event(59, {"kind": "late"})
    writer.command(61, {"kind": "note", "text": "reprise après coupure"})
    writer.seal()
    result = verify_journal(path)
    assert result.ok and result.records == 11


def test_resume_drops_a_partial_last_line(tmp_path: Path) -> None:
    path = write_sample(tmp_path / "j.jsonl", seal=False)
    complete = path.read_bytes()
    with open(path, "ab") as fh:
        fh.write(b'{"data":{"kind":"half-writ')
    with JournalWriter.open_append(path) as writer:
        assert path.read_bytes() == complete
        writer.event(70, {"kind": "after-crash"})
        writer.seal()
    assert verify_journal(path).ok


@pytest.mark.parametrize("damage", ["sealed", "tampered", "not_journal"])
def test_resume_refuses_what_it_cannot_continue(tmp_path: Path, damage: str) -> None:
    path = write_sample(tmp_path / "j.jsonl", seal=damage == "sealed")
    if damage == "tampered":
        lines = lines_of(path)
        del lines[3]
        path.write_bytes(b"".join(lines))
    elif damage == "not_journal":
        path.write_bytes(b"hello\n")
    before = path.read_bytes()
    with pytest.raises(InputError) as caught:
        JournalWriter.open_append(path)
    message = caught.value.diagnostics[0].format()
    assert message.startswith(f"{path}:") and "\n" not in message
    assert {"sealed": "sealed", "tampered": "deleted", "not_journal": "not a journal"}[damage] in message
    assert path.read_bytes() == before


def test_second_writer_is_refused(tmp_path: Path) -> None:
    path = write_sample(tmp_path / "j.jsonl", seal=False)
    with JournalWriter.open_append(path):
        with pytest.raises(InputError, match="another process"):
            JournalWriter.open_append(path)


# -- keys ----------------------------------------------------------------------------------------


def test_generated_keys(tmp_path: Path) -> None:
    private, public = generate_keypair(tmp_path / "new" / "keys")
    assert private.stat().st_mode & 0o777 == 0o600
    assert load_private_key(private).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    ) == load_public_key(public).public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    with pytest.raises(InputError, match="refusing to overwrite"):
        generate_keypair(tmp_path / "new" / "keys")


def test_bad_key_files(tmp_path: Path, keypair) -> None:
    private, public = keypair
    corrupt = tmp_path / "corrupt.pem"
    corrupt.write_text("-----BEGIN PUBLIC KEY-----\nnot base64 at all\n-----END PUBLIC KEY-----\n")
    garbage = tmp_path / "garbage.pem"
    garbage.write_bytes(b"\x00\x01 not a key")
    rsa_pem = tmp_path / "rsa.pem"
    rsa_pem.write_bytes(
        rsa.generate_private_key(public_exponent=65537, key_size=1024)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    cases = [
        (load_public_key, corrupt, "corrupt"),
        (load_public_key, rsa_pem, "not an Ed25519 key"),
        (load_public_key, private, "this is a private key"),
        (load_private_key, public, "this is a public key"),
        (load_public_key, tmp_path / "missing.pem", "cannot read"),
        (load_public_key, tmp_path, "folder"),
        (load_private_key, garbage, "not a PEM private key"),
        (load_public_key, garbage, "not a PEM public key"),
    ]
    for loader, path, words in cases:
        with pytest.raises(InputError) as caught:
            loader(path)
        text = caught.value.diagnostics[0].format()
        assert words in text and text.startswith(f"{path}:1:1: error: ") and "\n" not in text, text
    assert os.path.exists(private)
