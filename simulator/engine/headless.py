"""Headless runs: load a scenario, play it with a policy, return a byte-stable JSON result.

    result = run_headless("scenarios/ransomware-weekend-night.yaml", seed=3, policy="textbook", until="recovery")
    json.dumps(result.to_json(), sort_keys=True)

`until`: "end" (the exercise window), "recovery" (on past the window until the
recovery services are up, bounded at `recovery_max_days`), or minutes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulator.engine.exercise import Exercise
from simulator.engine.outcomes import clinical_detail
from simulator.engine.outcomes import series as outcome_series
from simulator.model.diagnostics import Diagnostic, InputError
from simulator.model.documents import load_document
from simulator.model.duration import DurationError, parse_duration
from simulator.engine.policy_check import check_policy_commands
from simulator.model.policy import PolicyBody, resolve_policy


@dataclass
class RunResult:
    scenario: str
    seed: int
    policy: str
    until: str
    sim_minutes: float
    events: int
    kpis: dict[str, Any]
    clocks: list[dict[str, Any]]
    objectives: list[dict[str, Any]]
    series: list[list[float]] = field(default_factory=list)
    recovered_at: float | None = None
    refused: int = 0
    commands: int = 0
    recovery_guard_reached: bool = False  # `--until recovery` stopped at recovery_max_days, not at recovery
    clinical: dict[str, Any] = field(default_factory=dict)  # per function, neighbours, pathways (engine/outcomes.py)
    function_series: dict[str, Any] = field(default_factory=dict)  # hourly per function and service (outcomes.series)

    def to_json(self) -> dict[str, Any]:
        """JSON-safe, rounded, key-sorted-ready: identical bytes for identical inputs."""
        return {
            "scenario": self.scenario,
            "seed": self.seed,
            "policy": self.policy,
            "until": self.until,
            "sim_minutes": round(self.sim_minutes, 3),
            "events": self.events,
            "recovered_at": None if self.recovered_at is None else round(self.recovered_at, 3),
            "recovery_guard_reached": self.recovery_guard_reached,
            "commands_accepted": self.commands,
            "commands_refused": self.refused,
            "kpis": _round(self.kpis),
            "clocks": _round(self.clocks),
            "objectives": _round(self.objectives),
            "clinical": _round(self.clinical),
            "series": {
                "columns": ["t", "services_down", "functions_down", "patients_waiting", "patients_diverted", "procedures_cancelled", "assets_encrypted"],
                "rows": _round(self.series),
                **_round(self.function_series),
            },
        }


def _round(x: Any) -> Any:
    if isinstance(x, float):
        return round(x, 3)
    if isinstance(x, dict):
        return {k: _round(v) for k, v in sorted(x.items())}
    if isinstance(x, (list, tuple)):
        return [_round(v) for v in x]
    return x


def load_policy(spec: str | PolicyBody) -> PolicyBody:
    """A built-in policy by name, or a policy file."""
    if isinstance(spec, PolicyBody):
        return spec
    return resolve_policy(spec).body


_LOADED: dict[str, tuple[tuple, Any]] = {}


def _stamp(path: Path) -> tuple:
    st = path.stat()
    return (st.st_mtime_ns, st.st_size)


def _stamps(path: Path, loaded) -> tuple:
    """Modification stamps of the scenario, its network and every fragment the network includes."""
    files = loaded.context.get("network_files") or [loaded.context["network_path"]]
    return (_stamp(path), *(_stamp(Path(f)) for f in files))


def load_scenario(scenario_path: str | os.PathLike):
    """The loaded scenario document, reused while neither it nor its network file changes on disk."""
    key = str(Path(scenario_path).resolve())
    hit = _LOADED.get(key)
    if hit is not None:
        stamps, loaded = hit
        try:
            if stamps == _stamps(Path(key), loaded):
                return loaded
        except OSError:
            pass
    loaded = load_document(scenario_path, expect="scenario")
    from simulator.model.documents import resolve_reference

    net_path = resolve_reference(loaded.doc, ("scenario", "network"), loaded.model.scenario.network)
    loaded.context["network_path"] = net_path
    if len(_LOADED) >= 16:
        _LOADED.pop(next(iter(_LOADED)))
    _LOADED[key] = (_stamps(Path(key), loaded), loaded)
    return loaded


def load_exercise(scenario_path: str | os.PathLike, seed: int = 0, policy: str | PolicyBody | None = None) -> Exercise:
    loaded = load_scenario(scenario_path)
    net = loaded.context["network"]
    resolved = resolve_policy(policy) if isinstance(policy, str) else None
    pol = resolved.body if resolved is not None else policy
    ex = Exercise(loaded.model.scenario, net, seed, policy=pol)
    if pol is not None:
        check_policy_commands(ex.policy, ex.index, ex.catalogue, resolved.path if resolved is not None else None)
    return ex


def parse_until(until: str | int | float) -> str | float:
    if isinstance(until, (int, float)):
        return float(until)
    if until in ("end", "recovery"):
        return until
    try:
        minutes = parse_duration(until)
    except DurationError as exc:
        raise InputError([Diagnostic("--until", 1, 1, "error", f"{exc}; or use 'end' or 'recovery'")]) from None
    if minutes <= 0:
        raise InputError([Diagnostic("--until", 1, 1, "error", "--until must be a positive duration, 'end' or 'recovery'")])
    return float(minutes)


def run_exercise(ex: Exercise, until: str | float = "end") -> float:
    """Advance an exercise as asked; returns the sim time reached."""
    until = parse_until(until) if isinstance(until, str) else float(until)
    if until == "end":
        ex.stop_at(end=True)  # `end.when` may close the window early: KPIs count to that time
        ex.advance(ex.duration)
    elif until == "recovery":
        ex.stop_at(end=True)
        ex.advance(ex.duration)  # the window, then on until the recovery services are back
        if not ex.ended and ex.now >= ex.duration:
            ex.end("duration")
        if ex.recovery_pending():
            ex.stop_at(recovery=True)
            ex.advance(ex.params["recovery_max_days"] * 1440.0)
            ex.recovery_guard_reached = ex.recovery_pending()  # the guard, not a recovery, ended the run
    else:
        ex.advance(max(float(until), 0.0))
    if not ex.ended and ex.now >= ex.duration:
        ex.end("duration")
    return ex.now


class CommandCounts:
    """Subscriber counting the commands accepted and refused during a run."""

    def __init__(self) -> None:
        self.accepted = 0
        self.refused = 0

    def __call__(self, event) -> None:
        kind = event.kind
        if kind == "command-accepted":
            self.accepted += 1
        elif kind == "command-refused":
            self.refused += 1


def result_of(ex: Exercise, *, seed: int, policy_id: str, until: str | float, reached: float, counts: CommandCounts, with_series: bool = True) -> RunResult:
    """The `RunResult` of a finished headless exercise: the one builder (`run`, `run --log`, `resume`)."""
    objectives = ex.objective_results if ex.objective_results is not None else ex.rate_objectives()
    clocks = [
        {
            "id": c.id,
            "state": c.state(),
            "started": c.started,
            "deadline": c.deadline,
            "met_at": c.met_at if (c.met_at is not None and c.started is not None) else None,
        }
        for c in ex.clocks.values()
    ]
    return RunResult(
        scenario=ex.scenario.id,
        seed=int(seed),
        policy=policy_id,
        until=until if isinstance(until, str) else f"{float(until):g}m",
        sim_minutes=reached,
        events=ex.events_processed,
        kpis=ex.kpis(),
        clocks=clocks,
        objectives=objectives,
        series=[list(row) for row in ex.series],
        recovered_at=ex.recovered_at,
        refused=counts.refused,
        commands=counts.accepted,
        recovery_guard_reached=bool(getattr(ex, "recovery_guard_reached", False)),
        clinical=clinical_detail(ex),
        function_series=outcome_series(ex) if with_series else {},
    )


def run_headless(scenario_path: str | os.PathLike, seed: int = 0, policy: str | PolicyBody = "scenario-defaults", until: str | int | float = "end") -> RunResult:
    ex = load_exercise(scenario_path, seed, policy)
    pol = ex.policy
    counts = CommandCounts()
    ex.subscribe(counts)
    reached = run_exercise(ex, parse_until(until))
    return result_of(ex, seed=seed, policy_id=pol.id, until=until, reached=reached, counts=counts)


def scenario_label(path: str | os.PathLike) -> str:
    return Path(path).stem
