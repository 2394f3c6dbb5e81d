"""What happened, read from the journal once, each fact with the journal line that proves it.

The report's ratings, response times and improvement plan cite these lines, so a reader can
open the journal (or the timeline appendix) at the line and check. The journal has been
verified and replayed before this runs: the records are the engine's own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from simulator.engine.commands import Act, Decide
from simulator.journal.commands import TEXT_KIND, UI_KIND
from simulator.journal.replay import Journal
from simulator.report.labels import Labels


@dataclass(frozen=True)
class Action:
    """An accepted response action (the cell's, a policy's, or a decision's or inject's effect)."""

    line: int
    t: float
    action: str
    target: str  # as the engine records it: zone:servers, function:emergency, ars, all, ''
    raw_target: str
    source: str  # who gave it: a role, 'policy:<rule>', 'decision:<id>', 'inject:<id>'
    name: str | None = None  # the participant, when the room recorded one
    seat: str | None = None


@dataclass(frozen=True)
class Refusal:
    line: int
    t: float
    action: str | None
    target: str | None
    source: str
    reason: str
    index: int = -1  # its rank among the journal's refusals (the replay's code for it)


@dataclass(frozen=True)
class Fired:
    line: int
    t: float
    inject: str
    trigger: str


@dataclass(frozen=True)
class Made:
    line: int
    t: float
    option: str
    by: str  # 'default' when the deadline applied the default option
    name: str | None = None


@dataclass(frozen=True)
class Rating:
    line: int
    t: float
    objective: str
    task: str
    rating: str
    by: str
    name: str | None = None


@dataclass
class Evidence:
    """The journal, read into what the analysis needs."""

    facts: dict[str, tuple[float, int, str]] = field(default_factory=dict)  # fact -> (t, line, detail)
    actions: list[Action] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)
    fired: dict[str, Fired] = field(default_factory=dict)
    presented: dict[str, tuple[float, int, float]] = field(default_factory=dict)  # decision -> (t, line, deadline)
    made: dict[str, Made] = field(default_factory=dict)
    ratings: dict[tuple[str, str], Rating] = field(default_factory=dict)  # the last accepted rating of a task
    acks: list[tuple[float, int, str]] = field(default_factory=list)  # (t, line, ref)
    encrypted: dict[str, tuple[float, int]] = field(default_factory=dict)  # asset -> first time seen encrypted
    stages: list[tuple[float, int, str, str, tuple[str, ...]]] = field(default_factory=list)  # (t, line, stage, effect, targets)
    levels: dict[str, list[tuple[float, str, int]]] = field(default_factory=dict)  # function or service -> [(t, level, line)]
    paper: dict[str, list[tuple[float, bool, int]]] = field(default_factory=dict)  # function -> [(t, degraded mode ordered?, line)]
    clock_lines: dict[tuple[str, str], int] = field(default_factory=dict)  # (clock, started|met|missed) -> line
    names: dict[str, set[str]] = field(default_factory=dict)  # role or seat -> participant names seen in command records
    observations: list[tuple[float, int, str, str]] = field(default_factory=list)  # (t, line, who, text)
    end_line: int = 0
    evicted: tuple[float, int] | None = None

    @property
    def awareness(self) -> float | None:
        fact = self.facts.get("awareness")
        return fact[0] if fact else None

    def line_of_fact(self, name: str) -> int | None:
        fact = self.facts.get(name)
        return fact[1] if fact else None

    def first_action(self, action: str, target: str | None, *, after: float = float("-inf"), until: float = float("inf")) -> Action | None:
        """The first accepted `action` on `target` (None: any target; a record on 'all' counts for any) in [after, until]."""
        for a in self.actions:
            if a.action != action or not after <= a.t <= until:
                continue
            if target is None or a.target == target or a.target == "all":
                return a
        return None


def _cmd_meta(data: dict) -> tuple[str, str | None, str | None]:
    by = data.get("by")
    name = data.get("name")
    seat = data.get("seat")
    return (
        by if isinstance(by, str) and by else "cell",
        name.strip() if isinstance(name, str) and name.strip() else None,
        seat if isinstance(seat, str) and seat else None,
    )


def read_evidence(journal: Journal, labels: Labels) -> Evidence:
    ev = Evidence()
    body = journal.body
    pending: dict[str, tuple[dict, int]] = {}  # source -> (command data, line) awaiting the engine's answer
    for line, rec in body:
        data = rec["data"]
        t = float(rec["t"])
        kind = data.get("kind")
        if rec["type"] == "command":
            by, name, seat = _cmd_meta(data)
            if name:
                for key in {by, seat} - {None}:
                    ev.names.setdefault(str(key), set()).add(name)
            if kind == UI_KIND:
                ui = data.get("ui")
                if ui == "ack":
                    ev.acks.append((t, line, str(data.get("ref", ""))))
                elif ui == "observation" and isinstance(data.get("text"), str):
                    ev.observations.append((t, line, labels.who(by, name), data["text"]))
                continue
            pending[by] = (data, line)
            continue
        if kind in ("command-accepted", "command-refused"):
            source = str(data.get("source", ""))
            given = pending.pop(source, None)
            meta = _cmd_meta(given[0]) if given else (source, None, None)
            cmd = labels.parse(str(data.get("command", "")))
            if kind == "command-refused":
                act = cmd if isinstance(cmd, Act) else None
                norm = labels.normalise(act.action, act.target) if act else None
                ev.refusals.append(Refusal(line, t, act.action if act else None, norm, source, str(data.get("reason", "")), len(ev.refusals)))
                continue
            if isinstance(cmd, Act):
                norm = labels.normalise(cmd.action, cmd.target)
                ev.actions.append(Action(line, t, cmd.action, norm if norm is not None else cmd.target, cmd.target, source, meta[1], meta[2]))
            elif given is not None and given[0].get("kind") == "rate":
                d = given[0]
                key = (str(d.get("objective")), str(d.get("task")))
                ev.ratings[key] = Rating(given[1], t, key[0], key[1], str(d.get("rating")), meta[0], meta[1])
            elif isinstance(cmd, Decide) and given is not None and meta[1]:
                made = ev.made.get(cmd.decision)
                if made is not None and made.name is None:
                    ev.made[cmd.decision] = Made(made.line, made.t, made.option, made.by, meta[1])
            continue
        if kind == "fact":
            ev.facts.setdefault(str(data.get("fact")), (t, line, str(data.get("detail", ""))))
            if data.get("fact") == "exercise-end":
                ev.end_line = line
        elif kind == "exercise-end":
            ev.end_line = line
        elif kind == "inject":
            iid = str(data.get("inject"))
            ev.fired.setdefault(iid, Fired(line, t, iid, str(data.get("trigger", ""))))
        elif kind == "decision-presented":
            ev.presented.setdefault(str(data.get("decision")), (t, line, float(data.get("deadline", t))))
        elif kind == "decision-made":
            did = str(data.get("decision"))
            if did not in ev.made:
                by = str(data.get("by", ""))
                given = pending.get(by)
                name = _cmd_meta(given[0])[1] if given else None
                ev.made[did] = Made(line, t, str(data.get("option")), by, name)
        elif kind == "asset-changed":
            if data.get("state") == "encrypted":
                ev.encrypted.setdefault(str(data.get("asset")), (t, line))
        elif kind == "stage-done":
            targets = tuple(str(x) for x in data.get("targets", ()) or ())
            ev.stages.append((t, line, str(data.get("stage")), str(data.get("effect")), targets))
        elif kind == "availability" and data.get("node_type") in ("function", "service"):
            ev.levels.setdefault(str(data.get("node")), []).append((t, str(data.get("level")), line))
        elif kind == "clinical" and data.get("change") in ("degraded-mode", "normal-mode"):
            ev.paper.setdefault(str(data.get("function")), []).append((t, data.get("change") == "degraded-mode", line))
        elif kind in ("clock-started", "clock-met", "clock-missed"):
            ev.clock_lines.setdefault((str(data.get("clock")), kind.split("-", 1)[1]), line)
        elif kind == "attacker-evicted" and ev.evicted is None:
            ev.evicted = (t, line)
    if journal.seal is not None and not ev.end_line:
        ev.end_line = journal.seal[0]
    return ev


def down_minutes(changes: list[tuple[float, str, int]], start: float, end: float, level: str = "down") -> tuple[float, int | None]:
    """Minutes a node spent at `level` within [start, end], and the line where that began first in the window."""
    total, current, since, first = 0.0, "up", start, None
    current_line: int | None = None
    for t, lvl, line in changes:
        if t <= start:
            current, current_line = lvl, line
            continue
        if t > end:
            break
        if current == level:
            total += t - max(since, start)
            if first is None:
                first = current_line
        current, since, current_line = lvl, t, line
    if current == level and end > since:
        total += end - max(since, start)
        if first is None:
            first = current_line
    return total, first


def unmitigated_minutes(levels: list[tuple[float, str, int]], paper: list[tuple[float, bool, int]], start: float, end: float) -> tuple[float, int | None]:
    """Minutes within [start, end] a function was down with no degraded mode ordered, and the line where that began."""
    marks = sorted({start, end, *(t for t, _l, _n in levels if start < t < end), *(t for t, _o, _n in paper if start < t < end)})
    total, first = 0.0, None

    def at(changes, t, default):
        value, line = default, None
        for tt, v, ln in changes:
            if tt > t:
                break
            value, line = v, ln
        return value, line

    for a, b in zip(marks, marks[1:]):
        level, line = at(levels, a, "up")
        on, _pl = at(paper, a, False)
        if level == "down" and not on:
            total += b - a
            if first is None:
                first = line
    return total, first


def participant_names(journal: Journal) -> list[dict[str, Any]]:
    """Who took part: the header's participants, then the people a room recorded as they took
    their seats (`join`) or gave commands (`name`), each (name, seat) once, in order of arrival."""
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()

    def add(name: Any, role: Any, seat: Any) -> None:
        if not isinstance(name, str) or not name.strip():
            return
        seat = seat if isinstance(seat, str) and seat else None
        key = (name, seat or str(role or ""))
        if key in seen:
            return
        seen.add(key)
        out.append({"name": name, "role": str(role or ""), "seat": seat})

    for p in journal.data.get("participants", []) or []:
        if isinstance(p, dict):
            add(p.get("name"), p.get("role", ""), p.get("seat"))
    for _line, rec in journal.commands():
        data = rec["data"]
        if isinstance(data.get("name"), str):
            add(data["name"], data.get("by", ""), data.get("seat"))
    return out


__all__ = ["Action", "Evidence", "Fired", "Made", "Rating", "Refusal", "down_minutes", "participant_names", "read_evidence", "TEXT_KIND"]
