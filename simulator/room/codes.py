"""Seat codes: what a person types (or follows in a link) to take a seat in a room.

A code is 140 random bits (`secrets`), written as 28 base32 letters and digits in groups of
four (`k3fd-9x2a-...`), read case- and dash-insensitively, and compared in constant time
against every seat's code. The codes of a room live beside its journal in `LOG.codes.json`
(owner-only), not in the journal: the journal goes to auditors, the codes are keys. A host
resumed from the journal gives everyone the same codes back; once the exercise is sealed
the file is removed and the codes are dead.
"""

from __future__ import annotations

import base64
import hmac
import json
import os
import secrets
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from simulator.fileio import write_atomic

CODE_LETTERS = 28
_ALPHABET = set("abcdefghijklmnopqrstuvwxyz234567")
CODES_SUFFIX = ".codes.json"


def new_code() -> str:
    raw = base64.b32encode(secrets.token_bytes(20)).decode("ascii").lower()[:CODE_LETTERS]
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LETTERS, 4))


def normalise(text: str) -> str:
    """A typed code as stored: lower case, without dashes or spaces ('' when it cannot be one)."""
    if not isinstance(text, str) or len(text) > 4 * CODE_LETTERS:
        return ""
    out = "".join(ch for ch in text.lower() if ch not in "- \t")
    return out if len(out) == CODE_LETTERS and set(out) <= _ALPHABET else ""


class CodesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int = Field(1, ge=1, le=1)
    journal: str
    seats: dict[str, str]


class SeatCodes:
    """The code of every seat of one room."""

    def __init__(self, codes: dict[str, str]) -> None:
        self.codes = dict(codes)
        self._keys = {seat: normalise(code).encode("ascii") for seat, code in codes.items()}

    @classmethod
    def fresh(cls, seats) -> "SeatCodes":
        return cls({seat: new_code() for seat in seats})

    def seat_for(self, typed: str) -> str | None:
        """The seat a typed code opens, or None. Every seat's code is compared, in constant time
        each, so the answer's timing says nothing about how close a guess was, nor which seat."""
        candidate = normalise(typed).encode("ascii") or b"\0" * CODE_LETTERS
        found = None
        for seat, key in self._keys.items():
            if hmac.compare_digest(candidate, key):
                found = seat
        return found

    # -- beside the journal ---------------------------------------------------------------

    @staticmethod
    def path_for(journal: str | os.PathLike) -> Path:
        return Path(str(journal) + CODES_SUFFIX)

    def save(self, journal: str | os.PathLike) -> Path:
        path = self.path_for(journal)
        body = CodesFile(journal=Path(journal).name, seats=self.codes).model_dump_json(indent=1) + "\n"
        write_atomic(path, body, mode=0o600)
        return path

    @classmethod
    def load(cls, journal: str | os.PathLike, seats) -> "SeatCodes | None":
        """The codes saved for `journal` (None when there are none or they do not fit its seats)."""
        path = cls.path_for(journal)
        try:
            data = CodesFile.model_validate(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, ValidationError):
            return None
        if set(data.seats) != set(seats) or any(not normalise(c) for c in data.seats.values()):
            return None
        return cls(data.seats)

    @classmethod
    def forget(cls, journal: str | os.PathLike) -> None:
        try:
            cls.path_for(journal).unlink()
        except FileNotFoundError:
            pass
