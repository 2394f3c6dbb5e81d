"""What-if: the same exercise with one decision changed.

The counterfactual the debrief asks ("had we isolated the servers at T+2h...") is answered by
the engine, not by opinion: the same scenario, network, seed and recorded commands up to
`at`, then the alternative commands, then every command recorded after `at` at its own time,
and the run to the same end. A later command the change makes impossible (a restore of a
server the alternative kept clean, a decision already taken another way) is refused by the
engine and listed with its reason; so is every later command whose effect changed (accepted
only now, or done at another time), so that the differences in the outcome are attributed to
the change and what followed from it, not to commands silently left out. `keep_later=False`
(`--drop-later`) drops the later commands instead, as earlier versions did by default.
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
    later: list[dict] = field(default_factory=list)
    """Every recorded command at or after `at`: its fate in the real run and in the what-if, and `change`."""
    dropped: int = 0
    sealed: bool = True
    """False for a journal cut short (killed run): both runs then end at its last record."""

    @property
    def notes(self) -> list[str]:
        """What the reader must know to read the comparison right (shown above the table)."""
        out = []
        if not self.sealed:
            out.append(
                f"journal NOT sealed (cut short at {format_offset(self.real.end)}): "
                "both runs are compared up to that time, not to the end of the exercise"
            )
        if self.dropped:
            out.append(
                f"{self.dropped} recorded command(s) after {format_offset(self.at)} dropped (--drop-later): "
                "part of the differences comes from their absence"
            )
        return out

    def later_summary(self) -> dict[str, int]:
        """How many later commands kept their fate, and how many the change refused, allowed or altered."""
        out = {"replayed": len(self.later), "same": 0, "refused": 0, "accepted": 0, "changed": 0}
        for item in self.later:
            out[item["change"]] += 1
        return out

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
            "later": self.later,
            "later_summary": self.later_summary(),
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
    keep_later: bool = True,
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
    real_fates: dict[int, dict] = {}
    replayer = Replayer(real_ex, journal, on_applied=lambda line, rec, result: real_fates.__setitem__(line, _fate(real_ex, rec, result)))
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
        item = {"command": text, "accepted": result.accepted, "reason": result.reason}
        if not result.accepted:
            item.update(code=result.code, params=result.params)
        results.append(item)
    fates: dict[int, dict] = {}
    if keep_later:
        for line, rec in later:
            fates[line] = _fate(ex, rec, _apply(ex, journal, line, rec))
    _run_end(ex, journal, real_end)
    later_items = [_compare(line, rec, real_fates.get(line), fates.get(line)) for line, rec in later] if keep_later else []
    return WhatIf(
        file=str(path),
        at=float(at),
        alternatives=list(do),
        keep_later=keep_later,
        real=Outcome.of(real_ex),
        whatif=Outcome.of(ex),
        results=results,
        later=later_items,
        dropped=0 if keep_later else len(later),
        sealed=journal.sealed,
    )


def _apply(ex: Exercise, journal: Journal, line: int, rec: dict):
    advance_exact(ex, float(rec["t"]))
    try:
        return apply_recorded(ex, rec["data"])
    except (ValueError, TypeError) as exc:
        raise JournalFailure(Diagnostic(str(journal.path), line, 1, "error", f"cannot replay this command: {exc}")) from None


def _fate(ex: Exercise, rec: dict, result) -> dict:
    """What became of one recorded command in one run: accepted or refused (why), and for an
    action the record that says when its work was done (read at the end of the run)."""
    fate: dict[str, Any] = {"accepted": bool(result.accepted)}
    if not result.accepted:
        fate.update(reason=result.reason, code=result.code, params=result.params)
        return fate
    if result.detail:
        fate["detail"] = result.detail
    data = rec["data"]
    if data.get("kind") == "act":
        by = data.get("by") if isinstance(data.get("by"), str) and data.get("by") else "cell"
        now = float(ex.now)
        for record in reversed(ex.actions_taken.get(str(data.get("action")), [])):
            if record.t == now and record.source == by:
                fate["record"] = record  # its done_at is read once the run has ended
                break
    return fate


def _done(fate: dict) -> float | None:
    record = fate.get("record")
    return None if record is None or record.done_at is None else round(float(record.done_at), 3)


def _public(fate: dict | None) -> dict | None:
    if fate is None:
        return None
    out = {k: v for k, v in fate.items() if k != "record"}
    if "record" in fate:
        out["done_at"] = _done(fate)
    return out


def _compare(line: int, rec: dict, real: dict | None, alt: dict | None) -> dict:
    """One later command in both runs, and how the change changed it: `same`, `refused` (the
    change made it impossible), `accepted` (it made it possible) or `changed` (its effect: its
    reason, its source of backup, or when its work was done)."""
    data = rec["data"]
    real_pub, alt_pub = _public(real), _public(alt)
    if real is None or alt is None:
        change = "same" if real == alt else "changed"
    elif real["accepted"] and not alt["accepted"]:
        change = "refused"
    elif alt["accepted"] and not real["accepted"]:
        change = "accepted"
    else:
        change = "same" if real_pub == alt_pub else "changed"
    by = data.get("by")
    return {
        "line": line,
        "t": float(rec["t"]),
        "command": _text(data),
        "by": by if isinstance(by, str) else None,
        "change": change,
        "real": real_pub,
        "whatif": alt_pub,
    }


def _text(data: dict) -> str:
    from simulator.engine.commands import Command

    if data.get("kind") == "text":
        return str(data.get("text", ""))
    try:
        return Command.from_record(data).text()
    except ValueError:
        return str(data.get("kind", "?"))
