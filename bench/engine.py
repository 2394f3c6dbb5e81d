"""Engine benchmark: flagship events per second against a bare SimPy loop, and full 72 h runs per second.

    python bench/engine.py [--runs 40] [--policy textbook] [--profile 15]

Both loops run in this process, one after the other, on one core:
- the bare loop is SimPy with nothing on top: `processes` generator processes
  each waiting random exponential timeouts, stepped with the same
  `while env.peek() <= until: env.step()` the engine's `advance` uses, for as
  many events as the flagship runs process;
- the engine is the flagship scenario played headless with a policy, from a
  plan loaded once (what a batch worker does), to the end of its 72 h window.
Targets: engine events/s >= 0.5 x bare SimPy; >= 20 full runs/s per core.
Rates are per CPU second of this process (`time.process_time`), so a machine
busy with other work does not distort them; wall time per run is printed too.
`--profile N` prints the N functions with the most own time (for the engine's owners).
`--breakdown` prints what the events are (the process or callback each one resumes),
how many a run has and what each kind costs, against the bare loop's cost per event.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import platform
import pstats
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import simpy  # noqa: E402

from simulator.batch.plan import build_plan  # noqa: E402
from simulator.batch.worker import play  # noqa: E402

FLAGSHIP = ROOT / "scenarios" / "ransomware-weekend-night.yaml"
TARGET_RATIO = 0.5
TARGET_RUNS_PER_CORE = 20.0


def bare_simpy(events: int, processes: int = 64, seed: int = 1) -> float:
    """Seconds for a bare SimPy loop to process `events` events."""
    rng = random.Random(seed)
    env = simpy.Environment()

    def proc():
        while True:
            yield env.timeout(rng.expovariate(1.0))

    for _ in range(processes):
        env.process(proc())
    peek, step = env.peek, env.step
    done = 0
    began = time.process_time()
    until = 0.0
    while done < events:
        until += 10.0
        while peek() <= until and done < events:
            step()
            done += 1
    return time.process_time() - began


def flagship(runs: int, policy: str, until: str) -> tuple[float, float, int, float]:
    """(CPU seconds, wall seconds, events, CPU seconds of the first run) for `runs` flagship runs after one warm-up run."""
    plan = build_plan(FLAGSHIP, policy=policy, until=until)
    network = plan.networks[0][1]
    t0 = time.process_time()
    play(plan, network, 10_000)  # warm-up: builds and caches the hospital graph
    first = time.process_time() - t0
    events = 0
    wall, cpu = time.perf_counter(), time.process_time()
    for seed in range(runs):
        events += play(plan, network, seed)["events"]
    return time.process_time() - cpu, time.perf_counter() - wall, events, first


def _event_label(event) -> str:
    """What an event resumes: a process's generator name, or a callback's qualified name."""
    names = []
    for cb in event.callbacks or ():
        owner = getattr(cb, "__self__", None)
        if isinstance(owner, simpy.events.Process):
            names.append(owner._generator.__name__)
        else:
            names.append(getattr(cb, "__qualname__", type(cb).__name__).replace(".<locals>.<lambda>", ""))
    return f"{type(event).__name__}: {', '.join(names) or '-'}"


def breakdown(runs: int, policy: str, until: str, bare_us: float) -> None:
    """Per kind of event: count per run, µs per event, share of the run's time (wall, one core)."""
    from simulator.engine.exercise import Exercise
    from simulator.engine.headless import run_exercise

    plan = build_plan(FLAGSHIP, policy=policy, until=until)
    network = plan.networks[0][1]
    play(plan, network, 10_000)
    counts: dict[str, int] = {}
    costs: dict[str, float] = {}
    clock = time.perf_counter

    for seed in range(runs):
        ex = Exercise(plan.scenario, network, seed, policy=plan.policy, overrides_applied=True)
        env = ex.env
        queue, real_step = env._queue, env.step

        def timed_step(queue=queue, real_step=real_step):
            label = _event_label(queue[0][3])
            began = clock()
            real_step()
            costs[label] = costs.get(label, 0.0) + clock() - began
            counts[label] = counts.get(label, 0) + 1

        env.step = timed_step  # advance() reads env.step once per call
        run_exercise(ex, plan.until_value)
    total = sum(costs.values())
    events = sum(counts.values())
    print(f"\nevents of a flagship run by what they resume (mean of {runs} runs, wall time; bare SimPy: {bare_us:.2f} µs CPU per event)")
    print(f"  {'per run':>8} {'µs each':>8} {'share':>6}  event: resumes")
    for label in sorted(costs, key=costs.get, reverse=True):
        n = counts[label]
        print(f"  {n / runs:8.1f} {1e6 * costs[label] / n:8.1f} {100 * costs[label] / total:5.1f}%  {label}")
    print(f"  {events / runs:8.1f} {1e6 * total / events:8.1f} 100.0%  all (timing each step adds its own overhead)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=40, help="flagship runs timed (after one warm-up run)")
    ap.add_argument("--policy", default="textbook")
    ap.add_argument("--until", default="end")
    ap.add_argument("--profile", type=int, default=0, metavar="N", help="print the N hottest engine functions")
    ap.add_argument("--breakdown", action="store_true", help="print the events of a run by kind, with their cost")
    args = ap.parse_args(argv)

    seconds, wall, events, first = flagship(args.runs, args.policy, args.until)
    bare = bare_simpy(events)
    engine_eps = events / seconds
    bare_eps = events / bare
    runs_per_s = args.runs / seconds
    ratio = engine_eps / bare_eps
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"python {platform.python_version()}, simpy {simpy.__version__}, {os.cpu_count()} CPU(s), load average {load:.2f}")
    print(f"flagship ({args.policy}, until {args.until}): {args.runs} runs, {events / args.runs:.0f} events per run, first run {first * 1000:.0f} ms (graph build)")
    print(f"  engine     {engine_eps:12,.0f} events/s")
    print(f"  bare SimPy {bare_eps:12,.0f} events/s")
    print(f"  ratio      {ratio:12.3f}   (target >= {TARGET_RATIO})  {'OK' if ratio >= TARGET_RATIO else 'BELOW TARGET'}")
    print(f"  full runs  {runs_per_s:12.1f} runs per CPU second (target >= {TARGET_RUNS_PER_CORE:g})  {'OK' if runs_per_s >= TARGET_RUNS_PER_CORE else 'BELOW TARGET'}")
    print(f"  per run    {1000 * seconds / args.runs:12.1f} ms CPU ({1000 * wall / args.runs:.1f} ms wall)")
    if args.breakdown:
        breakdown(min(args.runs, 10), args.policy, args.until, 1e6 / bare_eps)
    if args.profile:
        plan = build_plan(FLAGSHIP, policy=args.policy, until=args.until)
        network = plan.networks[0][1]
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
