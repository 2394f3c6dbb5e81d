"""Journal benchmark: write a 1,000,000-record journal, then time its verification; time replays.

    python bench/journal.py [--records N] [--keep DIR] [--replay-only] [--scenario FILE ...]

Prints the write rate, the verification rate of `verify_journal` (signature checked) and of
the stand-alone docs/verify_journal.py, each against the 200,000 records/s target; then, for
each scenario, the time of a headless run, of the same run journaled (`run --log`) and of its
`log replay` (verification, inputs located and checked, every event compared), as medians of
`--repeat` runs (best and median: a loaded machine inflates medians), with replay / headless
against the 1.2x target; and the same two as `cyberdrill` commands, end to end (process start,
imports and file loading included), which is what a user waits for.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from simulator.journal import JournalWriter, generate_keypair, load_private_key, verify_journal  # noqa: E402

TARGET = 200_000
REPLAY_TARGET = 1.2
STANDALONE = ROOT / "docs" / "verify_journal.py"
REPLAY_SCENARIOS = [ROOT / "scenarios" / "ransomware-weekend-night.yaml", ROOT / "scenarios" / "ght-propagation.yaml"]

ASSETS = ["srv-dpi-01", "srv-ad-02", "hyperv-03", "nas-backup-01", "pacs-01", "lis-02", "wks-urgences", "wks-bloc"]
SERVICES = ["urgences", "bloc", "reanimation", "laboratoire", "imagerie", "pharmacie", "maternite"]
TECHNIQUES = ["T1566.001", "T1078", "T1021.002", "T1486", "T1490", "T1003.001", "T1041"]
MESSAGES = [
    "Chiffrement détecté sur le serveur",
    "Alerte EDR : exécution suspecte",
    "Service dégradé : passage en procédure papier",
    "Patient réorienté vers un autre établissement",
    "Délai de rendu des résultats allongé",
]


def event_payload(rng: random.Random, i: int) -> dict:
    """A realistic engine event: ~150-250 bytes of payload once serialised."""
    kind = rng.choice(["asset_state", "alert", "service_capacity", "patient_flow", "attacker_step"])
    payload: dict = {"kind": kind, "id": f"ev-{i}", "message": rng.choice(MESSAGES)}
    if kind in ("asset_state", "alert", "attacker_step"):
        state = rng.choice(["compromised", "encrypted", "isolated"])
        payload.update(asset=rng.choice(ASSETS), technique=rng.choice(TECHNIQUES), state=state)
    else:
        payload.update(service=rng.choice(SERVICES), capacity=round(rng.random(), 3), queue=rng.randrange(0, 40))
    return payload


def command_payload(rng: random.Random, i: int) -> dict:
    return {"kind": "action", "id": f"cmd-{i}", "action": "isolate", "target": rng.choice(ASSETS), "by": "dsi"}


def build_journal(path: Path, records: int, key_path: Path | None = None, seed: int = 7) -> float:
    """Write `records` records (header and seal included); return the seconds it took."""
    rng = random.Random(seed)
    start = datetime(2026, 3, 14, 1, 0, tzinfo=timezone.utc)
    ticks = iter(range(records + 1))

    def clock() -> datetime:
        return start + timedelta(milliseconds=next(ticks))

    header = {
        "scenario": {"file": "ransomware-nuit.yaml", "sha256": "1" * 64},
        "network": {"file": "chu-reference.yaml", "sha256": "2" * 64},
        "seed": seed,
        "language": "fr",
        "participants": [{"name": "Cellule de crise", "role": "player"}, {"name": "Animation", "role": "facilitator"}],
        "start": "2026-03-14T02:00:00+01:00",
        "config": {"bench": True},
    }
    began = time.perf_counter()
    writer = JournalWriter.create(path, header, clock=clock)
    t = 0.0
    for i in range(1, records - 1):
        t += rng.random() * 0.2
        if i % 500 == 0:
            writer.command(round(t, 3), command_payload(rng, i))
        else:
            writer.event(round(t, 3), event_payload(rng, i))
    writer.seal(load_private_key(key_path) if key_path else None)
    return time.perf_counter() - began


def bench_verify(path: Path, pubkey: Path | None) -> tuple[float, int]:
    began = time.perf_counter()
    result = verify_journal(path, pubkey=pubkey)
    elapsed = time.perf_counter() - began
    if not result.ok:
        raise SystemExit(f"verification failed: {result.reason}")
    return elapsed, result.records


def bench_standalone(path: Path) -> float:
    began = time.perf_counter()
    done = subprocess.run([sys.executable, str(STANDALONE), str(path)], capture_output=True, text=True)
    elapsed = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"stand-alone verification failed: {done.stderr.strip()}")
    return elapsed


def report(label: str, records: int, seconds: float) -> None:
    rate = records / seconds
    print(f"{label:<34} {seconds:8.2f} s  {rate:>12,.0f} records/s  {rate / TARGET:5.2f}x target")


def bench_replay(scenario: Path, folder: Path, repeat: int, policy: str = "textbook", until: str = "recovery") -> None:
    """Median times of a headless run, the same run journaled, and its replay (alternated, in-process)."""
    import statistics

    from simulator.engine.headless import run_headless
    from simulator.journal.headless_log import run_logged
    from simulator.journal.replay import replay_journal

    headless, logged, replayed = [], [], []
    events = 0
    for i in range(repeat):
        began = time.perf_counter()
        run_headless(scenario, seed=1, policy=policy, until=until)
        headless.append(time.perf_counter() - began)
        path = folder / f"replay-{scenario.stem}-{i}.jsonl"
        began = time.perf_counter()
        run_logged(scenario, seed=1, policy=policy, until=until, log_path=path)
        logged.append(time.perf_counter() - began)
        began = time.perf_counter()
        result, _ex = replay_journal(path)
        replayed.append(time.perf_counter() - began)
        if not result.identical:
            raise SystemExit(f"replay of {path} diverged: {result.failure}")
        events = result.events_checked
    print(f"{scenario.name} ({policy}, until {until}, {events:,} events; best and median of {repeat})")
    h, hm = min(headless), statistics.median(headless)
    for label, times in (("journaled run (run --log)", logged), ("replay (log replay, all checked)", replayed)):
        best, med = min(times), statistics.median(times)
        print(f"  {label:<34} {best:7.3f} s  {med:7.3f} s  {best / h:5.2f}x / {med / hm:5.2f}x headless")
    print(f"  {'headless run (run_headless)':<34} {h:7.3f} s  {hm:7.3f} s  (replay target <= {REPLAY_TARGET}x)")
    print(f"  replay / the journaled run that wrote the journal: {min(replayed) / min(logged):5.2f}x best, "
          f"{statistics.median(replayed) / statistics.median(logged):5.2f}x median")
    cli_run, cli_replay = [], []
    base = [sys.executable, "-m", "simulator"]
    for i in range(max(1, repeat // 2)):
        began = time.perf_counter()
        subprocess.run([*base, "run", str(scenario), "--seed", "1", "--policy", policy, "--until", until, "--json"], cwd=ROOT, capture_output=True, check=True)
        cli_run.append(time.perf_counter() - began)
        began = time.perf_counter()
        subprocess.run([*base, "log", "replay", str(folder / f"replay-{scenario.stem}-0.jsonl")], cwd=ROOT, capture_output=True, check=True)
        cli_replay.append(time.perf_counter() - began)
    c, cr = min(cli_run), min(cli_replay)
    print(f"  {'end to end: cyberdrill run':<34} {c:7.3f} s")
    print(f"  {'end to end: cyberdrill log replay':<34} {cr:7.3f} s  {cr / c:5.2f}x run  (best of {len(cli_run)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="write the journal into this folder and keep it")
    parser.add_argument("--replay-only", action="store_true", help="only time runs and replays")
    parser.add_argument("--scenario", type=Path, action="append", help="scenario to time replays on (repeatable)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per scenario for the replay medians")
    args = parser.parse_args()
    if args.records < 2:
        parser.error("--records must be at least 2 (header and seal)")

    with tempfile.TemporaryDirectory(prefix="cyberdrill-bench-") as tmp:
        for scenario in args.scenario or REPLAY_SCENARIOS:
            bench_replay(scenario, Path(tmp), max(1, args.repeat))
        if args.replay_only:
            return
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        private, public = generate_keypair(Path(tmp) / "keys")
        path = folder / f"bench-{args.records}.jsonl"
        if path.exists():
            path.unlink()
        write_s = build_journal(path, args.records, private)
        size = os.path.getsize(path)
        print(f"journal: {args.records:,} records, {size / 1e6:.1f} MB ({size / args.records:.0f} bytes/record)")
        print(f"target: {TARGET:,} records/s")
        report("write (JournalWriter)", args.records, write_s)
        verify_s, records = bench_verify(path, public)
        report("verify_journal (signature checked)", records, verify_s)
        report("docs/verify_journal.py (stdlib)", records, bench_standalone(path))


if __name__ == "__main__":
    main()
