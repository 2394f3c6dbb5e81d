"""Scale benchmark: generated GHT networks of 1, 3 and 9 sites; load, validate, build and run times against asset count.

    python bench/scale.py [--sites 1 3 9] [--runs 5] [--keep DIR]

For each size, `simulator.hospital.generate` writes a network (600 beds per
site) and a ransomware scenario on it (VPN without MFA, AD compromise, online
backups deleted, every domain-joined asset encrypted at T+0, 72 h). Timed:
- load: YAML parse of the network with positions (`load_yaml`);
- validate: `load_document` of the network (parse, models, network checks);
- scenario: `load_document` of the scenario (network again, overrides, cross-checks);
- build: the hospital graph (`HospitalModel.build`);
- run: one headless 72 h run with the textbook policy (mean of --runs seeds).
Load, validate, scenario and build are the best of --repeat timings.
Target: growth no worse than linear in the asset count; the printed exponent
is the log-log slope between the smallest and the largest network (1.0 = linear).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from simulator.batch.plan import build_plan  # noqa: E402
from simulator.batch.worker import play  # noqa: E402
from simulator.hospital.generate import generate_network, write_network  # noqa: E402
from simulator.hospital.graph import HospitalModel  # noqa: E402
from simulator.model.documents import load_document  # noqa: E402
from simulator.model.yaml_loader import load_yaml  # noqa: E402

SCENARIO = """\
scenario:
  id: scale-ransomware-{sites}
  title: "Ransomware across a {sites}-site GHT (benchmark)"
  summary: "VPN without MFA, AD compromise, online backups deleted, every domain-joined asset encrypted at T+0."
  level: intermediate
  start: 2026-03-14T01:00
  duration: 72h
  network: network.yaml
  overrides:
    - {{controls: {{mfa_remote_access: false}}}}
  roles: [direction, it, security, medical, communication]
  threat:
    actor: {{name: "Benchmark affiliate", motivation: extortion, ransom_eur: 1000000}}
    initial_access: {{technique: T1133, target: vpn-portal, at: -3d}}
    stages:
      - id: discovery
        technique: T1087.002
        after: {{stage: initial_access, delay: {{lognormal: {{median: 12h, p90: 1d}}}}}}
      - id: domain-admin
        technique: T1003.001
        after: {{stage: discovery, delay: {{triangular: {{min: 2h, mode: 6h, max: 12h}}}}}}
      - id: spread
        technique: T1021.001
        after: {{stage: domain-admin, delay: {{exponential: {{mean: 4h}}}}}}
        targets: {{domain_joined: true}}
      - id: backups
        technique: T1490
        after: {{stage: spread, delay: 1h}}
        targets: {{kind: backup, online: true}}
      - id: encryption
        technique: T1486
        at: T+0m
        targets: {{domain_joined: true}}
  injects:
    - id: first-call
      at: T+10m
      to: [it]
      channel: phone
      text: "Nothing works on the wards: the screens show a ransom note."
"""


def timed(fn):
    """CPU seconds of this process (other work on the machine does not count) and fn's value."""
    began = time.process_time()
    value = fn()
    return time.process_time() - began, value


def best_of(repeat: int, fn):
    """Fastest of `repeat` timings: the machine's other work only ever adds time."""
    results = [timed(fn) for _ in range(repeat)]
    return min(t for t, _ in results), results[-1][1]


def measure(folder: Path, sites: int, runs: int, repeat: int = 3) -> dict:
    data = generate_network(sites=sites, beds=600 * sites, seed=1)
    net_path, sc_path = folder / "network.yaml", folder / "scenario.yaml"
    write_network(data, net_path)
    sc_path.write_text(SCENARIO.format(sites=sites), encoding="utf-8")
    t_load, _doc = best_of(repeat, lambda: load_yaml(net_path))
    t_validate, loaded = best_of(repeat, lambda: load_document(net_path, expect="network"))
    net = loaded.model.network
    t_scenario, _sc = best_of(repeat, lambda: load_document(sc_path, expect="scenario"))
    t_build, _model = best_of(repeat, lambda: HospitalModel.build(net))
    plan = build_plan(sc_path, policy="textbook", until="end")
    network = plan.networks[0][1]
    first, warm = timed(lambda: play(plan, network, 10_000))
    t_runs = 0.0
    events = 0
    for seed in range(runs):
        dt, result = timed(lambda: play(plan, network, seed))
        t_runs += dt
        events += result["events"]
    return {
        "sites": sites,
        "assets": len(net.assets),
        "machines": sum(a.count for a in net.assets),
        "bytes": net_path.stat().st_size,
        "load": t_load,
        "validate": t_validate,
        "scenario": t_scenario,
        "build": t_build,
        "first_run": first,
        "run": t_runs / runs,
        "events": events / runs,
        "encrypted": warm["kpis"]["assets_encrypted"],
    }


def slope(rows: list[dict], key: str) -> float:
    a, b = rows[0], rows[-1]
    if a["assets"] == b["assets"] or a[key] <= 0 or b[key] <= 0:
        return float("nan")
    return math.log(b[key] / a[key]) / math.log(b["assets"] / a["assets"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sites", type=int, nargs="+", default=[1, 3, 9])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", type=Path, default=None, help="write the generated files here instead of a temporary folder")
    args = ap.parse_args(argv)
    rows = []
    for sites in args.sites:
        if args.keep is not None:
            folder = args.keep / f"ght-{sites}"
            folder.mkdir(parents=True, exist_ok=True)
            rows.append(measure(folder, sites, args.runs, args.repeat))
        else:
            with tempfile.TemporaryDirectory() as tmp:
                rows.append(measure(Path(tmp), sites, args.runs, args.repeat))
    print(f"{os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.2f}; CPU ms, run = mean of {args.runs} 72 h textbook runs")
    head = f"{'sites':>5} {'assets':>6} {'machines':>8} {'KiB':>6} {'load':>7} {'validate':>8} {'scenario':>8} {'build':>7} {'1st run':>8} {'run':>7} {'events':>7} {'encrypted':>9}"
    print(head)
    for r in rows:
        print(
            f"{r['sites']:>5} {r['assets']:>6} {r['machines']:>8} {r['bytes'] / 1024:>6.0f} {r['load'] * 1e3:>7.0f} {r['validate'] * 1e3:>8.0f} "
            f"{r['scenario'] * 1e3:>8.0f} {r['build'] * 1e3:>7.0f} {r['first_run'] * 1e3:>8.0f} {r['run'] * 1e3:>7.0f} {r['events']:>7.0f} {r['encrypted']:>9}"
        )
    if len(rows) > 1:
        parts = ", ".join(f"{k} {slope(rows, k):.2f}" for k in ("load", "validate", "scenario", "build", "run"))
        worst = max(slope(rows, k) for k in ("load", "validate", "scenario", "build", "run"))
        print(f"growth exponent against assets ({rows[0]['assets']} -> {rows[-1]['assets']}): {parts}")
        print(f"target: no worse than linear (<= 1.0, noise allowed to ~1.1): {'OK' if worst <= 1.1 else 'WORSE THAN LINEAR'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
