"""Batch benchmark: 1,000 flagship runs on 1 and 2 workers, and the peak memory of a 10,000-run batch.

    python bench/batch.py [--runs 1000] [--memory-runs 10000] [--memory-until 6h] [--skip-memory]

- Parallel efficiency = (time on 1 worker) / (2 x time on 2 workers), both
  through `make_executor` as `cyberdrill batch` uses it (1 worker runs in
  process, 2 workers are a spawned process pool: start-up is included).
  Target >= 0.8. Wall time is meaningless on a machine busy with other work
  (the load average is printed beside the figures), so the CPU seconds of the
  batch and its workers are printed too: their ratio is the work efficiency,
  what parallelism costs in start-up, pickling and messages.
- Peak memory: `cyberdrill batch` itself, in a child process, writing every
  run to a JSONL file; the peak resident memory of that process plus its
  workers is sampled every 50 ms. The horizon is shortened (`--memory-until`)
  to keep the wall time reasonable: what could grow with N is the batch's own
  bookkeeping, not one run. Target < 500 MB.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from simulator.batch.executors import make_executor  # noqa: E402
from simulator.batch.plan import build_plan  # noqa: E402
from simulator.batch.runner import run_batch  # noqa: E402

FLAGSHIP = ROOT / "scenarios" / "ransomware-weekend-night.yaml"
TARGET_EFFICIENCY = 0.8
TARGET_MEMORY_MB = 500


def _cpu() -> float:
    """CPU seconds of this process and of its reaped children (pool workers once joined)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def timed_batch(runs: int, workers: int, policy: str, until: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the batch and its workers) for `runs` runs."""
    plan = build_plan(FLAGSHIP, policy=policy, until=until)
    cpu0 = _cpu()
    began = time.perf_counter()
    executor = make_executor(plan, "local", workers)
    outcome = run_batch(plan, executor, runs)  # closes and joins the pool
    assert outcome.completed == runs
    return time.perf_counter() - began, _cpu() - cpu0


class PeakRss:
    """Samples the resident memory of a process tree (psutil, shipped with the cluster extra)."""

    def __init__(self, pid: int, every: float = 0.05):
        import psutil

        self._root = psutil.Process(pid)
        self._psutil = psutil
        self.peak = 0
        self.peak_main = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, args=(every,), daemon=True)
        self._thread.start()

    def _loop(self, every: float) -> None:
        while not self._stop.is_set():
            try:
                main = self._root.memory_info().rss
                total = main + sum(c.memory_info().rss for c in self._root.children(recursive=True))
            except self._psutil.Error:
                total = main = 0
            self.peak = max(self.peak, total)
            self.peak_main = max(self.peak_main, main)
            self._stop.wait(every)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def memory_batch(runs: int, until: str, policy: str, workers: int) -> tuple[float, float, float, int]:
    """(peak MB of the tree, peak MB of the main process, seconds, result lines) of a real `cyberdrill batch`."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "runs.jsonl"
        cmd = [sys.executable, "-m", "simulator", "batch", str(FLAGSHIP), "--runs", str(runs), "--until", until,
               "--policy", policy, "--workers", str(workers), "--out", str(out), "--json"]
        began = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        sampler = PeakRss(proc.pid)
        _out, err = proc.communicate()
        sampler.stop()
        seconds = time.perf_counter() - began
        if proc.returncode != 0:
            raise SystemExit(f"batch failed ({proc.returncode}): {err.decode()[-2000:]}")
        with open(out, "rb") as fh:
            lines = sum(1 for _ in fh)
    return sampler.peak / 2**20, sampler.peak_main / 2**20, seconds, lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--policy", default="textbook")
    ap.add_argument("--until", default="end", help="horizon of the efficiency runs (default: the 72 h window)")
    ap.add_argument("--memory-runs", type=int, default=10_000)
    ap.add_argument("--memory-until", default="6h")
    ap.add_argument("--skip-memory", action="store_true")
    args = ap.parse_args(argv)

    load = os.getloadavg()[0]
    print(f"{os.cpu_count()} CPU(s), load average before: {load:.2f}")
    t1, c1 = timed_batch(args.runs, 1, args.policy, args.until)
    print(f"{args.runs} flagship runs ({args.policy}, until {args.until}), 1 worker : {t1:7.1f} s wall, {c1:7.1f} s CPU  ({args.runs / t1:6.1f} runs/s, {args.runs / c1:6.1f} runs per CPU second)")
    t2, c2 = timed_batch(args.runs, 2, args.policy, args.until)
    print(f"{args.runs} flagship runs ({args.policy}, until {args.until}), 2 workers: {t2:7.1f} s wall, {c2:7.1f} s CPU  ({args.runs / t2:6.1f} runs/s, {args.runs / c2:6.1f} runs per CPU second)")
    eff = t1 / (2 * t2)
    print(f"parallel efficiency 1 -> 2 workers (wall): {eff:.2f} (target >= {TARGET_EFFICIENCY})  {'OK' if eff >= TARGET_EFFICIENCY else 'BELOW TARGET'}")
    print(f"work efficiency (CPU, 1 worker / 2 workers, insensitive to other load): {c1 / c2:.2f}  (1.0 = no parallel overhead)")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    if not args.skip_memory:
        for runs in (max(1, args.memory_runs // 10), args.memory_runs):
            peak, main_peak, seconds, lines = memory_batch(runs, args.memory_until, args.policy, 2)
            print(
                f"{runs} runs (until {args.memory_until}, 2 workers, --out): {seconds:.0f} s, {lines} lines; "
                f"peak RSS {peak:.0f} MB for the batch and its workers, {main_peak:.0f} MB for the batch process "
                f"(target < {TARGET_MEMORY_MB} MB)  {'OK' if peak < TARGET_MEMORY_MB else 'ABOVE TARGET'}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
