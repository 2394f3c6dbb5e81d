"""Ed25519 keys for signing journal seals: generate, load, fingerprint.

The facilitator signs the seal with the private key; an auditor checks it with the public
key alone. Keys are PEM files so standard tools (openssl) read them too.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from simulator.fileio import open_input
from simulator.model.diagnostics import Diagnostic, InputError, one_line

PRIVATE_KEY_NAME = "journal-signing.key.pem"
PUBLIC_KEY_NAME = "journal-signing.pub.pem"


def _error(path: str | os.PathLike, message: str) -> InputError:
    return InputError([Diagnostic(str(path), 1, 1, "error", one_line(message))])


def key_fingerprint(public_key: Ed25519PublicKey) -> str:
    """`sha256:` + hex SHA-256 of the raw 32-byte public key (openssl can compute it too)."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def generate_keypair(out_dir: str | os.PathLike) -> tuple[Path, Path]:
    """Write a new key pair into `out_dir` (created if missing); never overwrite a key."""
    folder = Path(out_dir)
    private_path = folder / PRIVATE_KEY_NAME
    public_path = folder / PUBLIC_KEY_NAME
    for path in (private_path, public_path):
        if path.exists():
            raise _error(path, "key file already exists: refusing to overwrite it (choose another --out folder)")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _error(folder, f"cannot create folder: {exc.strerror or exc}") from exc
    if not folder.is_dir():
        raise _error(folder, "not a folder")

    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    _write_new(private_path, private_pem, 0o600)
    try:
        _write_new(public_path, public_pem, 0o644)
    except BaseException:
        private_path.unlink(missing_ok=True)
        raise
    return private_path, public_path


def _write_new(path: Path, data: bytes, mode: int) -> None:
    """Create exclusively with the final mode from the start, so a secret is never world-readable."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError as exc:
        raise _error(path, "key file already exists: refusing to overwrite it") from exc
    except OSError as exc:
        raise _error(path, f"cannot write key file: {exc.strerror or exc}") from exc
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(path, mode)


def _kind(key: object) -> str:
    return type(key).__name__.removeprefix("_")


def _read(path: str | os.PathLike) -> bytes:
    try:
        with open_input(path) as fh:
            return fh.read()
    except IsADirectoryError as exc:
        raise _error(path, "is a folder, not a key file") from exc
    except OSError as exc:
        raise _error(path, f"cannot read key file: {exc.strerror or exc}") from exc


def load_private_key(path: str | os.PathLike) -> Ed25519PrivateKey:
    data = _read(path)
    if b"PRIVATE KEY" not in data:
        if b"PUBLIC KEY" in data:
            raise _error(path, "this is a public key: signing needs the private key file")
        raise _error(path, "not a PEM private key file")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError as exc:
        raise _error(path, "the private key is encrypted with a passphrase, which is not supported") from exc
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise _error(path, "corrupt or unreadable PEM private key") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise _error(path, f"not an Ed25519 key ({_kind(key)}): journals are signed with Ed25519")
    return key


def load_public_key(path: str | os.PathLike) -> Ed25519PublicKey:
    data = _read(path)
    if b"PUBLIC KEY" not in data:
        if b"PRIVATE KEY" in data:
            raise _error(path, "this is a private key: give the public key file (keep the private key secret)")
        raise _error(path, "not a PEM public key file")
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise _error(path, "corrupt or unreadable PEM public key") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise _error(path, f"not an Ed25519 key ({_kind(key)}): journals are signed with Ed25519")
    return key
