"""Engine benchmark: full flagship runs per CPU second, CPU per crisis event, replay against a run.

    python bench/engine.py [--runs 40] [--repeat 5] [--policy textbook] [--profile 15] [--parts]

Measures (issue 12; the old "events per second against a bare SimPy loop" ratio is retired:
it measured how coarse the events are, not how fast the engine is):
- full flagship runs (`ransomware-weekend-night`, textbook policy, to the end of its 72 h
  window) per CPU second of this process, from a plan loaded once (what a batch worker does),
  best of `--repeat` batches of `--runs` runs (a machine shared with other work inflates
  CPU time through cache and core contention: the best batch is the cleanest figure);
- CPU microseconds per crisis event: the SimPy steps that carry the crisis (an inject or a
  decision at its time or deadline, a policy rule's commands, a clock, an attacker stage, a
  job's end), each timed with the watcher pass it triggers, per event;
- replay: the CPU time of `log replay` of a journaled flagship run (verification, inputs
  checked, every event compared) against a plain run (`run --json`), the target's
  measure; against the journaled run (`run --log`) too.
Targets: >= 150 runs per CPU second, <= 20 µs per crisis event, replay <= 1.2x the run.
`--parts` prints where a run's CPU goes, component by component; `--profile N` the N
functions with the most own time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import platform
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import simpy  # noqa: E402

from simulator.batch.plan import build_plan  # noqa: E402
from simulator.batch.worker import play  # noqa: E402

FLAGSHIP = ROOT / "scenarios" / "ransomware-weekend-night.yaml"
TARGET_RUNS = 150.0
TARGET_CRISIS_US = 20.0
TARGET_REPLAY = 1.2
CRISIS_PROCESSES = ("run", "_staffed_job")  # the attacker's stages, jobs holding technicians
CRISIS_CALLBACKS = ("Exercise.at", "TechnicianJobs._finish_job_at")  # injects, decisions, rules, clocks, deadlines, unstaffed jobs


def runs_per_cpu_second(plan, network, runs: int, repeat: int) -> tuple[float, float, int]:
    """(best runs per CPU second, median ms per run, events per run) over `repeat` batches."""
    play(plan, network, 10_000)  # warm-up: builds and caches the hospital graph
    rates, events = [], 0
    for r in range(repeat):
        began = time.process_time()
        for seed in range(runs):
            events += play(plan, network, r * runs + seed)["events"]
        rates.append(runs / (time.process_time() - began))
    rates.sort()
    return rates[-1], 1000.0 / rates[len(rates) // 2], events // (runs * repeat)


def _kind(event) -> str:
    names = []
    for cb in event.callbacks or ():
        owner = getattr(cb, "__self__", None)
        if isinstance(owner, simpy.events.Process):
            names.append(owner._generator.__name__)
        else:
            qual = getattr(cb, "__qualname__", type(cb).__name__)
            names.append(qual.split(".<locals>", 1)[0])
    return ", ".join(names) or "-"


def crisis_cost(plan, network, runs: int) -> tuple[float, float, dict[str, tuple[int, float]]]:
    """(µs per crisis event, crisis events per run, {kind: (count, µs)}): CPU time of each SimPy
    step, the watcher pass after it included, classified by what the step resumes."""
    from simulator.engine.exercise import Exercise
    from simulator.engine.headless import run_exercise

    clock = time.process_time_ns
    calibrate = [clock() for _ in range(1000)]
    overhead = min(b - a for a, b in zip(calibrate, calibrate[1:]))
    per_kind: dict[str, list[float]] = {}
    for seed in range(runs):
        ex = Exercise(plan.scenario, network, seed, policy=plan.policy, overrides_applied=True)
        ex.clinical.record_series = False
        env = ex.env
        queue, real_step = env._queue, env.step
        watcher = ex.watcher
        real_run = watcher.run

        def timed_step(queue=queue, real_step=real_step, real_run=real_run, watcher=watcher):
            kind = _kind(queue[0][3])
            began = clock()
            real_step()
            if watcher.dirty:
                real_run()
            spent = clock() - began - overhead
            row = per_kind.setdefault(kind, [0, 0.0])
            row[0] += 1
            row[1] += spent

        env.step = timed_step  # advance() reads env.step once per call; the pass after it runs inside
        run_exercise(ex, plan.until_value)
    crisis_n, crisis_ns = 0, 0.0
    for kind, (n, ns) in per_kind.items():
        if any(p in kind for p in CRISIS_PROCESSES + CRISIS_CALLBACKS):
            crisis_n += n
            crisis_ns += ns
    table = {k: (int(n), ns / 1000.0 / n) for k, (n, ns) in per_kind.items()}
    return (crisis_ns / 1000.0 / crisis_n if crisis_n else 0.0), crisis_n / runs, table


def replay_ratio(repeat: int = 3, policy: str = "textbook") -> tuple[float, float, float]:
    """(plain run CPU s, journaled run CPU s, replay CPU s): best of `repeat` of each. The plain
    run is `run --json`'s (series on); the journaled one `run --log`'s; replay is `log replay`'s
    work on that journal (verification, inputs checked, every event compared)."""
    from simulator.engine.headless import run_headless
    from simulator.journal.headless_log import run_logged
    from simulator.journal.replay import replay_journal

    plain, runs, replays = [], [], []
    run_headless(FLAGSHIP, seed=10_000, policy=policy, until="end")  # warm-up: loads and caches the scenario
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(repeat):
            began = time.process_time()
            run_headless(FLAGSHIP, seed=i, policy=policy, until="end")
            plain.append(time.process_time() - began)
            path = Path(tmp) / f"flagship-{i}.jsonl"
            began = time.process_time()
            run_logged(FLAGSHIP, seed=i, policy=policy, until="end", log_path=path)
            runs.append(time.process_time() - began)
            began = time.process_time()
            result, _ex = replay_journal(path)
            replays.append(time.process_time() - began)
            if result.failure is not None:
                raise SystemExit(f"replay of {path} diverged: {result.failure}")
    return min(plain), min(runs), min(replays)


def parts(plan, network, runs: int) -> None:
    """Where a run's CPU goes: the main pieces of work timed in place (nested pieces counted in
    their parents too: read the table as a map, not a sum)."""
    import collections

    from simulator.engine import attacker, clinical, exercise, recovery, region, watcher
    from simulator.engine.headless import run_exercise

    acc: collections.Counter = collections.Counter()
    calls: collections.Counter = collections.Counter()
    clock = time.process_time
    patched = []

    def wrap(cls, name):
        orig = getattr(cls, name)

        def timed(*a, **k):
            t = clock()
            try:
                return orig(*a, **k)
            finally:
                acc[f"{cls.__name__}.{name}"] += clock() - t
                calls[f"{cls.__name__}.{name}"] += 1

        setattr(cls, name, timed)
        patched.append((cls, name, orig))

    for cls, name in (
        (exercise.Exercise, "__init__"), (clinical.ClinicalFlow, "tick"), (region.RegionFlow, "tick"),
        (exercise.Exercise, "kpi_sample"), (watcher.Watcher, "run"), (exercise.Exercise, "submit"),
        (exercise.Exercise, "emit"), (exercise.Exercise, "apply"), (recovery.ItRecovery, "_dispatch"),
        (attacker.Attacker, "_apply"), (exercise.Exercise, "fire_inject"),
    ):
        wrap(cls, name)
    try:
        began = clock()
        for seed in range(runs):
            ex = exercise.Exercise(plan.scenario, network, seed, policy=plan.policy, overrides_applied=True)
            ex.clinical.record_series = False
            run_exercise(ex, plan.until_value)
        total = clock() - began
    finally:
        for cls, name, orig in patched:
            setattr(cls, name, orig)
    print(f"\nwhere a run's CPU goes ({runs} runs, {1000 * total / runs:.1f} ms per run with the timers' own cost):")
    for name, spent in acc.most_common():
        print(f"  {name:<28} {1000 * spent / runs:6.2f} ms  {calls[name] / runs:7.1f} calls")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=40, help="flagship runs per timed batch")
    ap.add_argument("--repeat", type=int, default=5, help="timed batches (the best one is reported)")
    ap.add_argument("--policy", default="textbook")
    ap.add_argument("--until", default="end")
    ap.add_argument("--profile", type=int, default=0, metavar="N", help="print the N hottest functions")
    ap.add_argument("--parts", action="store_true", help="print where a run's CPU goes")
    ap.add_argument("--no-replay", action="store_true", help="skip the replay measure")
    ap.add_argument("--replay-repeat", type=int, default=5, help="runs and replays timed (the best of each is reported)")
    args = ap.parse_args(argv)

    plan = build_plan(FLAGSHIP, policy=args.policy, until=args.until)
    network = plan.networks[0][1]
    best, median_ms, events = runs_per_cpu_second(plan, network, args.runs, args.repeat)
    crisis_us, crisis_per_run, table = crisis_cost(plan, network, min(args.runs, 20))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"python {platform.python_version()}, simpy {simpy.__version__}, {os.cpu_count()} CPU(s), load average {load:.2f}")
    print(f"flagship ({args.policy}, until {args.until}): {events} SimPy events per run, {crisis_per_run:.0f} of them crisis events")
    print(f"  full runs      {best:8.1f} per CPU second, best of {args.repeat} x {args.runs} "
          f"(median batch {median_ms:.1f} ms per run)   target >= {TARGET_RUNS:g}  {'OK' if best >= TARGET_RUNS else 'NOT MET'}")
    print(f"  crisis event   {crisis_us:8.1f} µs CPU each, consequences and the watcher pass included"
          f"   target <= {TARGET_CRISIS_US:g}  {'OK' if crisis_us <= TARGET_CRISIS_US else 'NOT MET'}")
    if not args.no_replay:
        plain_s, run_s, replay_s = replay_ratio(args.replay_repeat)
        ratio = replay_s / plain_s
        print(f"  replay         {ratio:8.2f} x a plain run ({1000 * replay_s:.1f} ms against {1000 * plain_s:.1f} ms CPU; "
              f"{replay_s / run_s:.2f} x the journaled run, {1000 * run_s:.1f} ms; best of {args.replay_repeat})"
              f"   target <= {TARGET_REPLAY:g}  {'OK' if ratio <= TARGET_REPLAY else 'NOT MET'}")
    print("\n  per run    µs each  event: resumes")
    for kind, (n, us) in sorted(table.items(), key=lambda kv: -kv[1][0] * kv[1][1])[:14]:
        print(f"  {n / min(args.runs, 20):7.1f} {us:9.1f}  {kind}")
    if args.parts:
        parts(plan, network, min(args.runs, 20))
    if args.profile:
        play(plan, network, 10_000)
        prof = cProfile.Profile()
        prof.enable()
        for seed in range(min(args.runs, 10)):
            play(plan, network, seed)
        prof.disable()
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(args.profile)
        text = out.getvalue().replace(str(ROOT) + os.sep, "")
        print(text[text.index("ncalls"):] if "ncalls" in text else text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
