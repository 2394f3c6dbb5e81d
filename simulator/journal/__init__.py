"""The exercise journal: an append-only, hash-chained JSON Lines log that auditors can verify.

Format: docs/journal-format.md. Write with `JournalWriter`, read with `read_records`,
check with `verify_journal`; seals are signed with Ed25519 keys from `keys`.
"""

from simulator.journal.format import FORMAT_VERSION, canonical_bytes, canonical_json, file_ref, line_hash
from simulator.journal.keys import generate_keypair, key_fingerprint, load_private_key, load_public_key
from simulator.journal.reader import read_header, read_records
from simulator.journal.verify import VerifyResult, verify_bytes, verify_journal
from simulator.journal.writer import JournalWriter

__all__ = [
    "FORMAT_VERSION",
    "JournalWriter",
    "VerifyResult",
    "canonical_bytes",
    "canonical_json",
    "file_ref",
    "generate_keypair",
    "key_fingerprint",
    "line_hash",
    "load_private_key",
    "load_public_key",
    "read_header",
    "read_records",
    "verify_bytes",
    "verify_journal",
]
