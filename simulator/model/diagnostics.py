"""Diagnostics in compiler style: `path:line:col: severity: message`."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal, NamedTuple

Severity = Literal["error", "warning"]


class Position(NamedTuple):
    """A place in a file; line and col count from 1. A named tuple: the loader makes one per
    value, and a 16 MiB file may hold millions of them (a frozen dataclass costs 5x the time)."""

    file: str
    line: int
    col: int


@dataclass(frozen=True)
class Diagnostic:
    file: str
    line: int
    col: int
    severity: Severity
    message: str

    @classmethod
    def at(cls, pos: Position, message: str, severity: Severity = "error") -> "Diagnostic":
        return cls(pos.file, pos.line, pos.col, severity, message)

    def format(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.severity}: {self.message}"

    def as_dict(self) -> dict:
        return asdict(self)

    def sort_key(self) -> tuple:
        return (self.file, self.line, self.col, self.message)


class InputError(Exception):
    """Bad input a user can fix: carries the diagnostics to print (exit code 2)."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__("\n".join(d.format() for d in diagnostics))
        self.diagnostics = diagnostics


def one_line(message: str) -> str:
    """Diagnostics stay on one line whatever the underlying error text holds."""
    return " ".join(str(message).split())
