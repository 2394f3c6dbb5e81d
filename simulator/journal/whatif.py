"""What-if: replay a journal up to a time, give other commands there, run on with the same seed.

The counterfactual the debrief asks ("had we isolated the servers at T+2h...") is answered by
the engine, not by opinion: the same scenario, network, seed and recorded commands up to
`at`, then the alternative commands, then the run to the same end. The recorded commands
after `at` are dropped unless `keep_later` (they may no longer make sense: a restore of a
server the alternative kept clean is refused, and the refusal is reported).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from simulator.engine.commands import CommandSyntaxError, parse_command
from simulator.engine.exercise import Exercise
from simulator.engine.headless import run_exercise
from simulator.journal.commands import UI_KIND, advance_exact, apply_recorded
from simulator.journal.inputs import locate_inputs
from simulator.journal.replay import HEADLESS, Journal, JournalFailure, Replayer, build_exercise, load_journal
from simulator.model.diagnostics import Diagnostic, InputError
from simulator.model.duration import format_offset

WHATIF_SOURCE = "what-if"


@dataclass
class Outcome:
    """What a run ends with: its KPIs, clocks and objective ratings, flattened for comparison."""

    end: float
    recovered_at: float | None
    kpis: dict[str, Any]
    clocks: dict[str, str]
    objectives: dict[str, str | None]

    @classmethod
    def of(cls, ex: Exercise) -> "Outcome":
        objectives = ex.objective_results if ex.objective_results is not None else ex.rate_objectives()
        return cls(
            end=float(ex.now),
            recovered_at=ex.recovered_at,
            kpis=ex.kpis(),
            clocks={c.id: c.state() for c in ex.clocks.values()},
            objectives={o["id"]: o["rating"] for o in objectives},
        )

    def flat(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in self.kpis.items():
            if isinstance(value, dict):
                continue
            out[key] = value
        downtime = self.kpis.get("service_downtime_minutes") or {}
        for service in sorted(downtime):
            out[f"downtime:{service}"] = downtime[service]
        out["recovered_at"] = self.recovered_at
        for cid, state in self.clocks.items():
            out[f"clock:{cid}"] = state
        for oid, rating in self.objectives.items():
            out[f"objective:{oid}"] = rating
        return out

    def to_json(self) -> dict:
        return {
            "end": round(self.end, 3),
            "recovered_at": None if self.recovered_at is None else round(self.recovered_at, 3),
            "kpis": self.kpis,
            "clocks": self.clocks,
            "objectives": self.objectives,
        }


@dataclass
class WhatIf:
    file: str
    at: float
    alternatives: list[str]
    keep_later: bool
    real: Outcome
    whatif: Outcome
    results: list[dict] = field(default_factory=list)
    dropped: int = 0
    sealed: bool = True
    """False for a journal cut short (killed run): both runs then end at its last record."""

    @property
    def notes(self) -> list[str]:
        """What the reader must know to read the comparison right (shown above the table)."""
        if self.sealed:
            return []
        return [
            f"journal NOT sealed (cut short at {format_offset(self.real.end)}): "
            "both runs are compared up to that time, not to the end of the exercise"
        ]

    def rows(self) -> list[tuple[str, Any, Any, Any]]:
        """(indicator, real, what-if, difference) for every indicator of either run."""
        real, alt = self.real.flat(), self.whatif.flat()
        keys = list(real) + [k for k in alt if k not in real]
        rows = []
        for key in keys:
            a, b = real.get(key, 0 if key.startswith("downtime:") else None), alt.get(key, 0 if key.startswith("downtime:") else None)
            delta: Any = None
            if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) and not isinstance(b, bool):
                delta = round(b - a, 3)
            elif a != b:
                delta = "changed"
            rows.append((key, a, b, delta))
        return rows

    def to_json(self) -> dict:
        return {
            "file": self.file,
            "at": self.at,
            "at_text": format_offset(self.at),
            "do": self.alternatives,
            "keep_later": self.keep_later,
            "dropped_commands": self.dropped,
            "sealed": self.sealed,
            "notes": self.notes,
            "results": self.results,
            "real": self.real.to_json(),
            "whatif": self.whatif.to_json(),
            "differences": [
                {"indicator": k, "real": a, "whatif": b, "difference": d} for k, a, b, d in self.rows()
            ],
        }


def _engine_commands(journal: Journal) -> list[tuple[int, dict]]:
    return [(line, rec) for line, rec in journal.commands() if rec["data"].get("kind") != UI_KIND]


def _run_end(ex: Exercise, journal: Journal, real_end: float) -> None:
    """End as the replay of the real run ends: a sealed headless run to its `until`, anything else
    (interactive, or cut short) at the recorded end, so both runs cover the same time."""
    until = journal.config.get("until")
    if journal.mode == HEADLESS and until is not None and journal.sealed:
        run_exercise(ex, until)
    else:
        advance_exact(ex, max(real_end, ex.now))
    advance_exact(ex, ex.now)


def what_if(
    path: str | os.PathLike,
    at: float,
    do: list[str],
    *,
    keep_later: bool = False,
    scenario: str | os.PathLike | None = None,
    policy: str | os.PathLike | None = None,
) -> WhatIf:
    """Compare the recorded run with the same run where `do` is given at `at` (InputError on bad input)."""
    journal = load_journal(path)
    inputs = locate_inputs(journal.header, path, scenario=scenario, policy=policy)
    if not do:
        raise InputError([Diagnostic("--do", 1, 1, "error", "give at least one alternative command with --do")])
    if at < 0:
        raise InputError([Diagnostic("--at", 1, 1, "error", "commands can be given from T+0 on: choose --at T+0 or later")])

    real_ex = build_exercise(inputs, journal)
    replayer = Replayer(real_ex, journal)
    replayer.run_commands()
    replayer.run_to_end()
    real_end = float(real_ex.now)
    if at > real_end:
        raise InputError(
            [Diagnostic("--at", 1, 1, "error", f"{format_offset(at)} is after the end of the recorded run ({format_offset(real_end)})")]
        )

    ex = build_exercise(inputs, journal)
    parsed = []
    for text in do:
        try:
            parsed.append(parse_command(text, ex.index, ex.catalogue))
        except CommandSyntaxError as exc:
            raise InputError([Diagnostic("--do", 1, 1, "error", f"'{text}': {exc}")]) from None
    commands = _engine_commands(journal)
    before = [(line, rec) for line, rec in commands if float(rec["t"]) < at]
    later = [(line, rec) for line, rec in commands if float(rec["t"]) >= at]
    for line, rec in before:
        _apply(ex, journal, line, rec)
    advance_exact(ex, at)
    results = []
    for text, command in zip(do, parsed):
        advance_exact(ex, ex.now)
        result = ex.submit(command, source=WHATIF_SOURCE)
        results.append({"command": text, "accepted": result.accepted, "reason": result.reason})
    if keep_later:
        for line, rec in later:
            result = _apply(ex, journal, line, rec)
            if not result.accepted:
                results.append({"command": result.command, "accepted": False, "reason": result.reason, "line": line})
    _run_end(ex, journal, real_end)
    return WhatIf(
        file=str(path),
        at=float(at),
        alternatives=list(do),
        keep_later=keep_later,
        real=Outcome.of(real_ex),
        whatif=Outcome.of(ex),
        results=results,
        dropped=0 if keep_later else len(later),
        sealed=journal.sealed,
    )


def _apply(ex: Exercise, journal: Journal, line: int, rec: dict):
    advance_exact(ex, float(rec["t"]))
    try:
        return apply_recorded(ex, rec["data"])
    except (ValueError, TypeError) as exc:
        raise JournalFailure(Diagnostic(str(journal.path), line, 1, "error", f"cannot replay this command: {exc}")) from None
