"""Loader on hostile but legal inputs: time and peak memory of `cyberdrill validate`.

    python bench/loader_limits.py

Cases (each in a fresh process; CPU seconds and peak RSS from the kernel):
  missing-keys  10,000 injects written `{a: 1, b: 2}` (180 KB): every one lacks its keys.
  baseline      the shipped flagship scenario, measured in the same run.
Targets (issue 15): < 5 s and < 500 MB.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def measure(path: Path) -> tuple[float, float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([sys.executable, "-m", "simulator", "validate", str(path)], capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, after.ru_maxrss / 1024, done.returncode


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        many = Path(tmp) / "missing-keys.yaml"
        many.write_text("scenario:\n  id: many\n  injects:\n" + "    - {a: 1, b: 2}\n" * 10_000, encoding="utf-8")
        cases = [("baseline (flagship)", ROOT / "scenarios" / "ransomware-weekend-night.yaml"), ("missing-keys x10,000", many)]
        print(f"{'case':<24} {'size KB':>8} {'CPU s':>7} {'peak MB':>8} {'exit':>5}")
        for name, path in cases:
            cpu, peak, code = measure(path)
            print(f"{name:<24} {path.stat().st_size / 1024:8.0f} {cpu:7.2f} {peak:8.0f} {code:5d}")
    print("(peak MB: the largest child so far, so read each line against the ones above it)")


if __name__ == "__main__":
    main()
