"""Byte-identity of headless runs between two versions of the engine.

An engine optimisation must not move a single byte of what a run produces. This script
plays every shipped scenario x policy x seed x end (`--until end` and `--until recovery`)
with the code it is run with, and writes for each run

- the `run --json` result (key-sorted JSON),
- the journal's records without their wall-clock and hash fields (header: without the
  absolute file paths; the seal is left out: it hashes wall-clock times),
- the batch worker's result line for the same run (`batch` plays with series switched off).

Run it once with each version and compare the two folders:

    git worktree add /tmp/engbase main
    PYTHONPATH=/tmp/engbase python bench/identity.py dump /tmp/id-base
    python bench/identity.py dump /tmp/id-new
    python bench/identity.py compare /tmp/id-base /tmp/id-new

`PYTHONPATH` puts the other worktree's `simulator` ahead of the editable install; the
script prints which one it imported. Exit status of `compare`: 0 identical, 1 otherwise.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

POLICIES = ("passive", "textbook", "scenario-defaults")
SEEDS = (0, 1, 7)
UNTILS = ("end", "recovery")


def _scenarios() -> list[Path]:
    from simulator.shipped import shipped

    return [path for _id, path in sorted(shipped("scenario").items())]


def _case_name(path: Path, policy: str, seed: int, until: str) -> str:
    return f"{path.stem}__{policy}__s{seed}__{until}"


def _journal_records(log: Path) -> list[dict]:
    out = []
    for line in log.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        if rec["type"] == "seal":
            continue
        rec.pop("wall", None)
        rec.pop("prev", None)
        if rec["type"] == "header":
            rec["data"].get("config", {}).pop("paths", None)
        out.append(rec)
    return out


def _worker_line(path: Path, policy: str, seed: int, until: str) -> dict:
    """What `batch` keeps of the same run (series off, as simulator/batch/worker.py plays it)."""
    from simulator.batch import worker
    from simulator.batch.plan import build_plan

    plan = build_plan(str(path), policy=policy, until=until)
    return worker.play(plan, plan.networks[0][1], seed)


def _raw_state(ex) -> list[str]:
    """Unrounded end state of the clinical flow and the region (results round to 3 decimals;
    a last-bit change in the arithmetic shows here)."""
    out = []
    for fid, fl in ex.clinical._items:
        fields = (name for name in type(fl).__slots__ if name not in ("spec", "rng", "weights", "staffed", "waits"))
        out.append(f"{fid}: " + repr([(name, getattr(fl, name, None)) for name in fields]))
    for n in ex.region.neighbours if hasattr(ex.region, "neighbours") else ():
        out.append(repr({k: v for k, v in vars(n).items() if k not in ("spec", "weights", "per_minute", "cap", "cap_surge")}))
    out.append(repr(sorted(ex.kpis().items())))
    for name, rng in sorted(ex.streams._streams.items()):  # as many draws from each random stream
        out.append(f"stream {name}: " + hashlib.sha256(repr(rng.getstate()).encode()).hexdigest())
    return out


def _one(case: tuple[str, str, int, str]) -> tuple[str, str]:
    path_s, policy, seed, until = case
    path = Path(path_s)
    from simulator.journal.headless_log import run_logged

    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "run.jsonl"
        result, _rec = run_logged(path, seed=seed, policy=policy, until=until, log_path=log)
        records = _journal_records(log)
    parts = {
        "raw_state": _raw_state(_rec.exercise),
        "result": result.to_json(),
        "journal": records,
        "batch_line": _worker_line(path, policy, seed, until),
    }
    return _case_name(path, policy, seed, until), json.dumps(parts, sort_keys=True, ensure_ascii=False, indent=0)


def dump(out: Path, jobs: int) -> int:
    import simulator

    print(f"simulator imported from {Path(simulator.__file__).parent}", file=sys.stderr)
    out.mkdir(parents=True, exist_ok=True)
    cases = [(str(p), pol, s, u) for p in _scenarios() for pol in POLICIES for s in SEEDS for u in UNTILS]
    with ProcessPoolExecutor(jobs) as pool:
        for name, text in pool.map(_one, cases, chunksize=1):
            (out / f"{name}.json").write_text(text, encoding="utf-8")
    print(f"{len(cases)} runs written to {out}", file=sys.stderr)
    return 0


def compare(a: Path, b: Path) -> int:
    names_a = {p.name for p in a.glob("*.json")}
    names_b = {p.name for p in b.glob("*.json")}
    bad = 0
    for name in sorted(names_a ^ names_b):
        print(f"only in one folder: {name}")
        bad += 1
    same = 0
    for name in sorted(names_a & names_b):
        da, db = (a / name).read_bytes(), (b / name).read_bytes()
        if da == db:
            same += 1
            continue
        bad += 1
        pa, pb = json.loads(da), json.loads(db)
        where = [k for k in sorted(pa) if pa[k] != pb.get(k)]
        detail = ""
        if "journal" in where:
            ja, jb = pa["journal"], pb["journal"]
            i = next((i for i, (x, y) in enumerate(zip(ja, jb)) if x != y), min(len(ja), len(jb)))
            detail = f" (journal: {len(ja)} vs {len(jb)} records, first difference at seq {i}: {ja[i] if i < len(ja) else None} vs {jb[i] if i < len(jb) else None})"
        print(f"DIFFERENT {name}: {', '.join(where)}{detail}")
    digest = hashlib.sha256(b"".join((a / n).read_bytes() for n in sorted(names_a & names_b))).hexdigest()[:16]
    print(f"{same} runs identical, {bad} different (digest of folder {a.name}: {digest})")
    return 0 if bad == 0 else 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("out", type=Path)
    d.add_argument("--jobs", type=int, default=max(1, min(2, os.cpu_count() or 1)))
    c = sub.add_parser("compare")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    args = ap.parse_args()
    if args.cmd == "dump":
        return dump(args.out, args.jobs)
    return compare(args.a, args.b)


if __name__ == "__main__":
    sys.exit(main())
