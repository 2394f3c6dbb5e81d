"""A batch: seeds through an executor, lines to the result file, numbers to the summaries.

Only per-metric columns of floats stay in memory (`MetricColumns`); run lines
go to the file as each seed completes. Ctrl+C stops the batch between seeds:
the executor is torn down, the end line records `interrupted`, and the
summaries cover the seeds completed.
"""

from __future__ import annotations

import datetime as dt
import platform
import time
from dataclasses import dataclass
from typing import Callable

from simulator import __version__
from simulator.batch.plan import BASELINE, Plan, Source
from simulator.batch.results import BatchHeader, BatchOptions, FileDigest, ResultWriteError, ResultWriter, Software, run_line, sigint_deferred
from simulator.batch.stats import CONFIDENCE, MetricColumns, Summary, paired_summaries, run_metrics


@dataclass
class BatchOutcome:
    plan_arms: list[str]
    columns: dict[str, MetricColumns]
    completed: int
    requested: int
    interrupted: bool
    seconds: float
    workers: int
    executor: str
    first_seed: int
    confidence: float = CONFIDENCE

    def summaries(self, arm: str = BASELINE) -> dict[str, Summary]:
        return self.columns[arm].summaries(self.confidence)

    def differences(self) -> dict[str, Summary]:
        """Variant - baseline, paired by seed (empty without --compare)."""
        if len(self.plan_arms) < 2:
            return {}
        return paired_summaries(self.columns[self.plan_arms[0]], self.columns[self.plan_arms[1]], self.confidence)

    @property
    def runs_per_second(self) -> float:
        return self.completed * len(self.plan_arms) / self.seconds if self.seconds > 0 else 0.0


def _digest(src: Source | None) -> FileDigest | None:
    return None if src is None else FileDigest(file=src.file, sha256=src.sha256, id=src.id)


def make_header(plan: Plan, runs: int, seed_start: int, policy_spec: str, executor: str, workers: int, scheduler: str | None) -> BatchHeader:
    """The result file's first line: every input's digest, the software and the options."""
    return BatchHeader(
        created=dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        software=Software(version=__version__, python=platform.python_version()),
        scenario=_digest(plan.sources["scenario"]),
        network=_digest(plan.sources["network"]),
        policy=_digest(plan.sources.get("policy")),
        variant=_digest(plan.sources.get("variant")),
        options=BatchOptions(
            runs=runs, seed_start=seed_start, policy=policy_spec, until=plan.until,
            executor=executor, workers=workers, scheduler=scheduler,
        ),
        arms=plan.arms,
    )


ProgressCallback = Callable[[int], None]


def run_batch(
    plan: Plan,
    executor,
    runs: int,
    seed_start: int = 0,
    writer: ResultWriter | None = None,
    progress: ProgressCallback | None = None,
    confidence: float = CONFIDENCE,
) -> BatchOutcome:
    """Run seeds seed_start .. seed_start+runs-1 on every arm; stream lines to `writer`."""
    arms = plan.arms
    columns = {arm: MetricColumns() for arm in arms}
    seeds = range(seed_start, seed_start + runs)
    done = 0
    interrupted = False
    began = time.perf_counter()
    try:
        for index, (seed, results) in enumerate(executor.run(seeds)):
            lines = [run_line(result, index, arm) for arm, result in zip(arms, results)]
            # One seed is counted everywhere or nowhere: a Ctrl+C between the
            # file write and the summaries would make them disagree.
            with sigint_deferred():
                if writer is not None:
                    writer.write_seed(lines)
                for arm, line in zip(arms, lines):
                    columns[arm].add(run_metrics(line))
                done += 1
                if progress is not None:
                    progress(done)  # inside: a held Ctrl+C must not leave the bar one seed short
    except KeyboardInterrupt:
        interrupted = True
        executor.abort()
    except ResultWriteError:  # the result file could not be written: it ends at its last complete seed
        executor.abort()
        if writer is not None:
            writer.abandon()
        raise
    except BaseException:
        executor.abort()
        if writer is not None:
            writer.close(interrupted=True)
        raise
    else:
        executor.close()
    finally:
        seconds = time.perf_counter() - began
    if writer is not None:
        writer.close(interrupted=interrupted)
    return BatchOutcome(
        plan_arms=arms, columns=columns, completed=done, requested=runs, interrupted=interrupted,
        seconds=seconds, workers=executor.workers, executor=executor.name, first_seed=seed_start,
        confidence=confidence,
    )
