"""CLI start-up: CPU time of `cyberdrill --help`, `--version` and a few commands' help.

    python bench/cli_startup.py [--cyberdrill PATH] [--repeat 7]

Each command runs `--repeat` times in a fresh process; the median CPU time (user + system,
so a busy machine does not inflate it) is printed beside a baseline measured in the same
run: `python -c pass` with the same interpreter. Target: --help and --version <= 0.3 s.
Commands are imported lazily (simulator/cli/__init__.py: COMMANDS), so --help loads click only.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

CASES = [
    ("--version", ["--version"]),
    ("--help", ["--help"]),
    ("run --help", ["run", "--help"]),
    ("log verify --help", ["log", "verify", "--help"]),
    ("play --help", ["play", "--help"]),
]


def measure(argv: list[str], repeat: int) -> tuple[float, float]:
    """Median CPU seconds and median wall seconds of `argv` over `repeat` fresh processes."""
    cpu, wall = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        began = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        wall.append(time.perf_counter() - began)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return statistics.median(cpu), statistics.median(wall)


def main() -> None:
    default = Path(sys.executable).with_name("cyberdrill")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cyberdrill", default=str(default) if default.exists() else shutil.which("cyberdrill"))
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    exe = args.cyberdrill
    python = Path(exe).with_name("python") if Path(exe).with_name("python").exists() else Path(sys.executable)
    base_cpu, base_wall = measure([str(python), "-c", "pass"], args.repeat)
    print(f"{'command':<22} {'CPU s':>7} {'wall s':>7} {'x baseline CPU':>15}")
    print(f"{'python -c pass':<22} {base_cpu:7.3f} {base_wall:7.3f} {1.0:15.1f}")
    for name, argv in CASES:
        cpu, wall = measure([exe, *argv], args.repeat)
        print(f"{'cyberdrill ' + name:<22} {cpu:7.3f} {wall:7.3f} {cpu / base_cpu:15.1f}")
    print(f"(median of {args.repeat}; {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
