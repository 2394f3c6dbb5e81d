"""Batch what-if: many seeded headless runs of one scenario, summarised, optionally against a variant.

    plan = build_plan("scenarios/ransomware-weekend-night.yaml", policy="textbook", variant_path="offline-backups.yaml")
    outcome = run_batch(plan, make_executor(plan, "local", workers=2), runs=200)
    outcome.differences()["ehr_downtime_minutes"]

Layers: `plan` (inputs loaded once), `worker` (one seed), `executors` (where
seeds run), `runner` (order, file, statistics), `results` (the JSONL file),
`stats`, `display` and `plot`. No Rich or click here: the CLI draws.
"""

from simulator.batch.executors import DaskExecutor, LocalExecutor, RunFailed, SerialExecutor, make_executor
from simulator.batch.plan import BASELINE, Plan, build_plan
from simulator.batch.results import BatchHeader, ResultWriter, RunLine, read_results
from simulator.batch.runner import BatchOutcome, make_header, run_batch
from simulator.batch.stats import Summary, paired_summary, summarize

__all__ = [
    "BASELINE", "BatchHeader", "BatchOutcome", "DaskExecutor", "LocalExecutor", "Plan", "ResultWriter", "RunFailed",
    "RunLine", "SerialExecutor", "Summary", "build_plan", "make_executor", "make_header", "paired_summary",
    "read_results", "run_batch", "summarize",
]
