"""Loader on hostile but legal inputs: time and peak memory of `cyberdrill validate`.

    python bench/loader_limits.py [--only NAME ...] [--skip-largest]

Each case runs in a fresh process; CPU seconds (user + system) and peak RSS come from the
kernel (wait4), so other work on the machine inflates them little. The shipped flagship is
the baseline, measured in the same run. Targets (issue 15): < 5 s and < 500 MB each.

Cases (every file below the 16 MiB size limit):
  flow-7.9M          a flow list of 7.9 million `1`s (15.8 MB): refused at the value limit
  flow-under-limit   990,000 `1`s as injects: parsed whole, validated piecewise
  empty-maps         990,000 `{}` injects (3 MB): three missing keys each
  unknown-keys       a scenario mapping with 60,000 unknown keys
  missing-keys       10,000 injects written `{a: 1, b: 2}` (the first quadratic case)
  needs-unknown      a network of 40,000 assets whose 25,000 services need missing assets
  after-ring         62,500 injects each timed after the next, in a ring
  after-reverse      62,500 injects each timed after the next, the last at a fixed time
  largest-generated  `network generate --sites 60 --beds 60000` (0.9 million values, valid)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLAGSHIP = ROOT / "scenarios" / "ransomware-weekend-night.yaml"
NETWORK = ROOT / "scenarios" / "networks" / "ch-reference.yaml"


def measure(path: Path) -> tuple[float, float, int, int]:
    """CPU seconds, peak MB, exit code and lines printed by `cyberdrill validate path`."""
    proc = subprocess.Popen([sys.executable, "-m", "simulator", "validate", str(path)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines = sum(1 for _ in proc.stdout)  # type: ignore[union-attr]
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode, lines


def _scenario_with(tmp: Path, name: str, injects: str) -> Path:
    text = FLAGSHIP.read_text(encoding="utf-8")
    i = text.index("  injects:\n") + len("  injects:\n")
    path = tmp / f"{name}.yaml"
    path.write_text(text[:i] + injects + text[i:], encoding="utf-8")
    return path


def cases(tmp: Path, skip_largest: bool) -> list[tuple[str, Path]]:
    (tmp / "networks").mkdir()
    (tmp / "networks" / NETWORK.name).write_text(NETWORK.read_text(encoding="utf-8"), encoding="utf-8")
    out = [("baseline (flagship)", FLAGSHIP)]

    def write(name: str, text: str) -> None:
        path = tmp / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        out.append((name, path))

    write("flow-7.9M", "scenario:\n  id: x\n  injects: [" + ",".join(["1"] * 7_900_000) + "]\n")
    write("flow-under-limit", "scenario:\n  id: x\n  injects: [" + ",".join(["1"] * 990_000) + "]\n")
    write("empty-maps", "scenario:\n  id: x\n  injects: [" + ",".join(["{}"] * 990_000) + "]\n")
    write("unknown-keys", "scenario:\n  id: x\n" + "".join(f"  k{i}: 1\n" for i in range(60_000)))
    write("missing-keys", "scenario:\n  id: many\n  injects:\n" + "    - {a: 1, b: 2}\n" * 10_000)
    net = NETWORK.read_text(encoding="utf-8")
    assets = "".join(f"    - {{id: extra-{i}, name: A, kind: server, zone: servers}}\n" for i in range(40_000))
    services = "".join(f"    - {{id: sv{i}, name: S, category: clinical, needs: [{{asset: gone-{i}, strength: hard}}]}}\n" for i in range(25_000))
    write("needs-unknown", net.replace("\n  assets:\n", "\n  assets:\n" + assets, 1).replace("\n  services:\n", "\n  services:\n" + services, 1))
    k = 62_500
    ring = "".join(f"    - {{id: i{i}, after: {{inject: i{(i + 1) % k}, delay: 1m}}, channel: phone, text: T}}\n" for i in range(k))
    out.append(("after-ring", _scenario_with(tmp, "after-ring", ring)))
    chain = "".join(f"    - {{id: i{i}, after: {{inject: i{i + 1}, delay: 1m}}, channel: phone, text: T}}\n" for i in range(k - 1))
    chain += f"    - {{id: i{k - 1}, at: 1m, channel: phone, text: T}}\n"
    out.append(("after-reverse", _scenario_with(tmp, "after-reverse", chain)))
    if not skip_largest:
        from simulator.hospital.generate import generate_network, write_network

        path = tmp / "largest-generated.yaml"
        write_network(generate_network(sites=60, beds=60_000, seed=0), path)
        out.append(("largest-generated", path))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="case names to run (the baseline always runs)")
    parser.add_argument("--skip-largest", action="store_true", help="skip the 60-site generated network")
    parser.add_argument("--write", metavar="DIR", help=argparse.SUPPRESS)  # internal: write the cases, print them
    args = parser.parse_args()
    if args.write:
        for name, path in cases(Path(args.write), args.skip_largest):
            print(f"{name}\t{path}")
        return
    print(f"python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        # Written by another process: a child's peak RSS starts at its parent's size at fork.
        listing = subprocess.run([sys.executable, __file__, "--write", tmp] + (["--skip-largest"] if args.skip_largest else []), check=True, capture_output=True, text=True).stdout
        chosen = [tuple(line.split("\t")) for line in listing.splitlines()]
        print(f"{'case':<22} {'size MB':>8} {'CPU s':>7} {'peak MB':>8} {'exit':>5} {'lines':>7}")
        for name, shown in chosen:
            path = Path(shown)
            if args.only and name not in args.only and not name.startswith("baseline"):
                continue
            began = time.monotonic()
            cpu, peak, code, lines = measure(path)
            flag = "" if cpu < 5 and peak < 500 else "  << over target"
            print(f"{name:<22} {path.stat().st_size / 1e6:8.1f} {cpu:7.2f} {peak:8.0f} {code:5d} {lines:7d}  ({time.monotonic() - began:.1f} s wall){flag}", flush=True)


if __name__ == "__main__":
    main()
