"""Code that runs inside batch workers: one seed, every arm, from an already loaded plan.

A worker process gets the plan once (`install`, the pool initializer) and then
only seeds. The engine reuses the hospital graph it built for the same network
object, so after a worker's first run nothing is parsed or built again.

`play` builds the exercise from the loaded plan and hands it to the engine's
own `run_exercise` and `result_of`, the same functions `run_headless` uses.
"""

from __future__ import annotations

import signal
from typing import Any

from simulator.batch.plan import Plan
from simulator.engine.exercise import Exercise
from simulator.engine.headless import CommandCounts, result_of, run_exercise

_PLAN: Plan | None = None

# Per-run fields of RunResult.to_json() that batch result lines do not keep (the
# minute-by-minute series would make a 10,000-run file gigabytes).
DROPPED = ("series",)


def software_version() -> str:
    """The CyberDrill version a (possibly remote) worker runs."""
    from simulator import __version__

    return __version__


def ignore_sigint() -> None:
    """Ctrl+C reaches every process of the terminal's foreground group; workers
    ignore it so only the parent stops the batch (and writes the end line)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def quiet_local_worker() -> None:
    """For the worker processes of a LocalCluster this batch starts: ignore Ctrl+C (see
    `ignore_sigint`) and keep their logs to critical ones. Torn down after a Ctrl+C, a worker
    whose scheduler is already gone logs a heartbeat traceback; a real failure still reaches
    the batch as the task's exception."""
    import logging

    ignore_sigint()
    for name in ("distributed", "tornado", "tornado.application", "asyncio"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def install(plan: Plan) -> None:
    """Pool initializer: keep the plan for every task of this process."""
    global _PLAN
    _PLAN = plan
    ignore_sigint()


def play(plan: Plan, network, seed: int) -> dict[str, Any]:
    """One run of the plan's scenario on `network`; the JSON dict of its RunResult, without the series."""
    ex = Exercise(plan.scenario, network, seed, policy=plan.policy, overrides_applied=True)
    ex.clinical.record_series = False  # result lines keep no series (hourly KPI rows included): do not build them
    counts = CommandCounts()
    ex.subscribe(counts)
    reached = run_exercise(ex, plan.until_value)
    result = result_of(ex, seed=seed, policy_id=plan.policy.id, until=plan.until, reached=reached, counts=counts, with_series=False).to_json()
    for key in DROPPED:
        result.pop(key, None)
    return result


def run_seed(plan: Plan, seed: int) -> list[dict[str, Any]]:
    """Every arm of one seed, in the plan's arm order."""
    return [play(plan, network, seed) for _arm, network in plan.networks]


def run_chunk(seeds: list[int], plan: Plan | None = None) -> list[tuple[int, list[dict[str, Any]]]]:
    """Seeds of one task: with the installed plan (process pool) or the one given (Dask)."""
    use = plan if plan is not None else _PLAN
    if use is None:
        raise RuntimeError("batch worker has no plan: install() was not called")
    return [(seed, run_seed(use, seed)) for seed in seeds]
