"""`run --log` and headless `resume`: a headless run whose every event goes to a journal.

The result has the shape of `run_headless`'s (`RunResult`), so `run --json` prints the same
bytes with or without `--log`; `tests/test_journal_session.py` pins that equality.
"""

from __future__ import annotations

import os
from typing import Any, Iterable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from simulator.engine.exercise import Exercise
from simulator.engine.headless import RunResult, parse_until
from simulator.journal.inputs import load_inputs
from simulator.journal.keys import load_private_key
from simulator.journal.session import RecordedExercise


class _Counts:
    """Commands accepted and refused during the run, as `run_headless` counts them."""

    def __init__(self) -> None:
        self.accepted = 0
        self.refused = 0

    def __call__(self, event: Any) -> None:
        if event.kind == "command-accepted":
            self.accepted += 1
        elif event.kind == "command-refused":
            self.refused += 1


def run_result(ex: Exercise, *, seed: int, policy_id: str, until: str | float, reached: float, counts: _Counts) -> RunResult:
    """The `RunResult` of a finished headless exercise (same fields as `run_headless` fills)."""
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
    )


def _key(sign_key: Ed25519PrivateKey | str | os.PathLike | None) -> Ed25519PrivateKey | None:
    if sign_key is None or isinstance(sign_key, Ed25519PrivateKey):
        return sign_key
    return load_private_key(sign_key)


def run_logged(
    scenario_path: str | os.PathLike,
    *,
    seed: int = 0,
    policy: str = "scenario-defaults",
    until: str = "end",
    log_path: str | os.PathLike | None = None,
    sign_key: Ed25519PrivateKey | str | os.PathLike | None = None,
    participants: Iterable[Any] = (),
) -> tuple[RunResult, RecordedExercise]:
    """A headless run journaled to `log_path` and sealed (signed with `sign_key` when given).

    The key and the inputs are checked before the journal file is created, so bad input
    leaves nothing behind.
    """
    key = _key(sign_key)
    parse_until(until)
    inputs = load_inputs(scenario_path, policy)
    lang = inputs.scenario.languages[0]
    rec = RecordedExercise.start(
        scenario_path, seed, lang, log_path, participants, policy=policy, config={"until": until}, inputs=inputs
    )
    counts = _Counts()
    rec.exercise.subscribe(counts)
    try:
        reached = rec.run(until)
        assert inputs.policy is not None
        result = run_result(rec.exercise, seed=seed, policy_id=inputs.policy.id, until=until, reached=reached, counts=counts)
        rec.finish(key)
    finally:
        rec.close()
    return result, rec


def resume_logged(
    log_path: str | os.PathLike,
    *,
    sign_key: Ed25519PrivateKey | str | os.PathLike | None = None,
    scenario: str | os.PathLike | None = None,
    policy: str | os.PathLike | None = None,
) -> tuple[RunResult | None, RecordedExercise]:
    """Carry on a killed journaled run to its recorded end and seal it.

    A headless journal finishes as `run --until` would have (same policy, same end) and gives
    its `RunResult`; an interactive one is played on to the end of the exercise window with
    no further commands from the cell (said so in the journal), and gives no `RunResult`.
    """
    key = _key(sign_key)
    rec = RecordedExercise.resume(log_path, scenario=scenario, policy=policy)
    try:
        ex = rec.exercise
        if rec.mode == "headless":
            counts = _Counts()
            ex.subscribe(counts)
            until = rec.config.get("until", "end")
            reached = rec.run(until)
            result: RunResult | None = None
            if rec.inputs.policy is not None:
                # Counts cover the whole run: the replayed part is counted as the engine re-emits it.
                result = run_result(ex, seed=ex.seed, policy_id=rec.inputs.policy.id, until=until, reached=reached, counts=counts)
        else:
            rec.record_ui("mode", by_role="system", mode="headless", reason="resumed without the terminal UI: no further commands")
            rec.run("end")
            result = None
        rec.finish(key)
    finally:
        rec.close()
    return result, rec
