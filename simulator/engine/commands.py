"""Commands: every outside input (action, decision, inject, rating, note) as a frozen dataclass.

Commands are what the journal records and replays. `parse_command` reads the
text syntax (docs/scenario-format.md#response-actions); `Command.from_record`
reads a journal record back.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar

from simulator.model.actions import ActionCatalogue
from simulator.model.command_text import CommandSyntaxError, parse_command_text
from simulator.model.duration import format_duration
from simulator.model.targets import NetworkIndex

__all__ = ["Act", "Command", "CommandSyntaxError", "Decide", "Extend", "FireInject", "NextModule", "NoteCmd", "Rate", "parse_command"]


@dataclass(frozen=True)
class Command(ABC):
    kind: ClassVar[str] = "command"

    @abstractmethod
    def to_record(self) -> dict:
        """JSON-safe record, read back by `Command.from_record`."""

    @abstractmethod
    def text(self) -> str:
        """The command in the text syntax (`parse_command(cmd.text())` gives it back)."""

    @staticmethod
    def from_record(record: dict[str, Any]) -> "Command":
        """A command from its record; ValueError when the record is not one."""
        if not isinstance(record, dict):
            raise ValueError("a command record is a mapping")
        kind = record.get("command")
        try:
            if kind == "act":
                return Act(str(record["action"]), str(record.get("target", "")), int(record.get("count", 0)))
            if kind == "decide":
                return Decide(str(record["decision"]), str(record["option"]))
            if kind == "inject":
                return FireInject(str(record["inject"]))
            if kind == "extend":
                minutes = record["minutes"]
                if isinstance(minutes, bool) or not isinstance(minutes, (int, float)):
                    raise ValueError("an extension is a number of minutes")
                return Extend(str(record["decision"]), float(minutes))
            if kind == "module":
                return NextModule(str(record["module"]))
            if kind == "rate":
                return Rate(str(record["objective"]), str(record["task"]), str(record["rating"]))
            if kind == "note":
                return NoteCmd(str(record["text"]))
        except KeyError as exc:
            raise ValueError(f"command record lacks '{exc.args[0]}'") from None
        raise ValueError(f"unknown command record kind {kind!r}")


@dataclass(frozen=True)
class Act(Command):
    """A response action: `isolate zone:servers`, `transfer icu 3`."""

    kind: ClassVar[str] = "act"
    action: str
    target: str = ""
    count: int = 0

    def to_record(self) -> dict:
        out: dict[str, Any] = {"command": "act", "action": self.action, "target": self.target}
        if self.count:
            out["count"] = self.count
        return out

    def text(self) -> str:
        parts = [self.action]
        if self.target:
            parts.append(self.target)
        if self.count:
            parts.append(str(self.count))
        return " ".join(parts)


@dataclass(frozen=True)
class Decide(Command):
    kind: ClassVar[str] = "decide"
    decision: str
    option: str

    def to_record(self) -> dict:
        return {"command": "decide", "decision": self.decision, "option": self.option}

    def text(self) -> str:
        return f"decide {self.decision} {self.option}"


@dataclass(frozen=True)
class Extend(Command):
    """The facilitator gives the cell more time on an open decision."""

    kind: ClassVar[str] = "extend"
    decision: str
    minutes: float

    def to_record(self) -> dict:
        return {"command": "extend", "decision": self.decision, "minutes": self.minutes}

    def text(self) -> str:
        return f"extend {self.decision} {format_duration(self.minutes)}"


@dataclass(frozen=True)
class FireInject(Command):
    """The facilitator fires an inject now."""

    kind: ClassVar[str] = "inject"
    inject: str

    def to_record(self) -> dict:
        return {"command": "inject", "inject": self.inject}

    def text(self) -> str:
        return f"inject {self.inject}"


@dataclass(frozen=True)
class NextModule(Command):
    """The facilitator moves the exercise to its next module (`module next`) or to a later one (`module ID`)."""

    kind: ClassVar[str] = "module"
    module: str = "next"

    def to_record(self) -> dict:
        return {"command": "module", "module": self.module}

    def text(self) -> str:
        return f"module {self.module}"


@dataclass(frozen=True)
class Rate(Command):
    """An evaluator's HSEEP rating of a critical task (P, S, M, U)."""

    kind: ClassVar[str] = "rate"
    objective: str
    task: str
    rating: str

    def to_record(self) -> dict:
        return {"command": "rate", "objective": self.objective, "task": self.task, "rating": self.rating}

    def text(self) -> str:
        return f"rate {self.objective} {self.task} {self.rating}"


@dataclass(frozen=True)
class NoteCmd(Command):
    kind: ClassVar[str] = "note"
    text_: str

    def to_record(self) -> dict:
        return {"command": "note", "text": self.text_}

    def text(self) -> str:
        return "note " + _quote(self.text_)


def _quote(s: str) -> str:
    import shlex

    return shlex.quote(s)


def parse_command(text: str, index: NetworkIndex | None = None, catalogue: ActionCatalogue | None = None) -> Command:
    """A command from its text; CommandSyntaxError (a ValueError) says what is wrong."""
    p = parse_command_text(text, index, catalogue)
    if p.verb == "decide":
        return Decide(p.target, p.option)
    if p.verb == "inject":
        return FireInject(p.target)
    if p.verb == "extend":
        return Extend(p.target, float(p.count))
    if p.verb == "module":
        return NextModule(p.target)
    if p.verb == "rate":
        return Rate(p.target, p.option, p.rating)
    if p.verb == "note":
        return NoteCmd(p.text)
    return Act(p.verb, p.target, p.count)
