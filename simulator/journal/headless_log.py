"""`run --log` and headless `resume`: a headless run whose every event goes to a journal.

The result is built by the engine's `result_of`, as `run_headless`'s is, so `run --json` prints
the same bytes with or without `--log`; `tests/test_journal_session.py` pins that equality.
"""

from __future__ import annotations

import os
from typing import Any, Iterable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from simulator.engine.headless import CommandCounts, RunResult, parse_until, result_of
from simulator.journal.inputs import load_inputs
from simulator.journal.keys import load_private_key
from simulator.journal.session import RecordedExercise


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
    counts = CommandCounts()
    rec.exercise.subscribe(counts)
    try:
        reached = rec.run(until)
        assert inputs.policy is not None
        result = result_of(rec.exercise, seed=seed, policy_id=inputs.policy.id, until=until, reached=reached, counts=counts)
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
            counts = CommandCounts()
            ex.subscribe(counts)
            until = rec.config.get("until", "end")
            reached = rec.run(until)
            result: RunResult | None = None
            if rec.inputs.policy is not None:
                # Counts cover the whole run: the replayed part is counted as the engine re-emits it.
                result = result_of(ex, seed=ex.seed, policy_id=rec.inputs.policy.id, until=until, reached=reached, counts=counts)
        else:
            rec.record_ui("mode", by_role="system", mode="headless", reason="resumed without the terminal UI: no further commands")
            rec.run("end")
            result = None
        rec.finish(key)
    finally:
        rec.close()
    return result, rec
