"""Regression tests for the journal audit: each test failed before its fix."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from tests.test_journal_verify_cli import make_journal, one_error, run_standalone

B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


@pytest.fixture
def keys(run_cli, tmp_path: Path) -> tuple[Path, Path]:
    code, _, err = run_cli("keys", "generate", "--out", tmp_path / "keys")
    assert code == 0, err
    return tmp_path / "keys" / "journal-signing.key.pem", tmp_path / "keys" / "journal-signing.pub.pem"


# -- 1. a signature must be the canonical base64 of its bytes -----------------------------------


def _with_signature(path: Path, change) -> Path:
    lines = path.read_bytes().splitlines(keepends=True)
    seal = json.loads(lines[-1])
    text = seal["data"]["signature"]
    new = change(text)
    assert new != text
    lines[-1] = lines[-1].replace(f'"signature":"{text}"'.encode(), f'"signature":"{new}"'.encode())
    out = path.with_name("changed.jsonl")
    out.write_bytes(b"".join(lines))
    return out


def _flip_padding_bits(text: str) -> str:
    """Change the character before '==' to one that decodes to the same bytes."""
    assert text.endswith("==") and len(text) == 88
    last = text[-3]
    other = B64[B64.index(last) ^ 1]
    assert base64.b64decode(text[:-3] + other + "==") == base64.b64decode(text)
    return text[:-3] + other + "=="


@pytest.mark.parametrize(
    "change",
    [
        _flip_padding_bits,
        lambda text: text[:-2],  # unpadded
        lambda text: "A" * 84 + "==",  # 62 bytes
        lambda text: text[:-2] + "AAA=",  # 65 bytes
        lambda text: text[:40] + "\n" + text[40:],  # line break inside (MIME style)
    ],
    ids=["padding-bits", "unpadded", "short", "long", "newline"],
)
def test_non_canonical_signature_is_a_bad_signature(run_cli, tmp_path: Path, keys, change) -> None:
    private, public = keys
    good = make_journal(tmp_path / "signed.jsonl", sign_key=private)
    code, _, err = run_cli("log", "verify", good, "--pubkey", public)
    assert code == 0, err
    changed = _with_signature(good, lambda text: json.dumps(change(text))[1:-1])
    code, out, err = run_cli("log", "verify", changed, "--pubkey", public)
    match = one_error(err)
    assert code == 1 and out == "" and match["line"] == "10" and "bad signature" in match["message"], err
    code, out, _ = run_cli("log", "verify", changed, "--pubkey", public, "--json")
    data = json.loads(out)
    assert code == 1 and data["error"]["kind"] == "bad_signature" and data["signature"]["valid"] is False
    # Without a key its form is still checked: no two seal lines both pass as intact and signed.
    code, _, err = run_cli("log", "verify", changed)
    assert code == 1 and "canonical base64" in one_error(err)["message"]
    done = run_standalone(changed)
    assert done.returncode == 1 and done.stderr.startswith(f"{changed}:10:1: error: bad signature"), done.stderr
