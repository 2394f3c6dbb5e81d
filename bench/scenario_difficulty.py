"""Difficulty table of every shipped scenario: 100 seeded runs under `passive` and `textbook`.

Writes docs/scenarios.md (the descriptive part comes from the scenario files
themselves, the numbers from the runs). Run from the repository root:

    python bench/scenario_difficulty.py            # 100 seeds, 2 workers
    python bench/scenario_difficulty.py --runs 20  # quicker look

Each run plays the exercise window (`--until end`): what the crisis cell
lives through during the exercise, not the weeks of recovery after it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from simulator import __version__  # noqa: E402
from simulator.batch import ResultWriter, build_plan, make_executor, make_header, read_results, run_batch  # noqa: E402
from simulator.batch.stats import percentile  # noqa: E402
from simulator.model.documents import load_document  # noqa: E402
from simulator.model.duration import format_duration  # noqa: E402

POLICIES = ("passive", "textbook")
BEGIN, END = "<!-- difficulty:begin -->", "<!-- difficulty:end -->"


def runs_of(scenario: Path, policy: str, runs: int, workers: int) -> list:
    plan = build_plan(str(scenario), policy=policy, until="end")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "runs.jsonl"
        header = make_header(plan, runs, 0, policy, "local", workers, None)
        writer = ResultWriter(out, header)
        executor = make_executor(plan, "local", workers=workers)
        run_batch(plan, executor, runs=runs, writer=writer)
        writer.close(interrupted=False)
        return read_results(out).runs


def spread(values: list[float], fmt) -> str:
    ordered = sorted(values)
    return f"{fmt(statistics.median(ordered))} ({fmt(percentile(ordered, 10))}–{fmt(percentile(ordered, 90))})"


def hours(minutes: float) -> str:
    return format_duration(int(round(minutes / 60.0)) * 60) if minutes >= 60 else f"{minutes:.0f}m"


def count(value: float) -> str:
    return f"{value:,.0f}"


def missed_clocks(line) -> int:
    return sum(1 for c in line.clocks if getattr(c, "state", None) == "missed")


def describe(scenario: Path) -> dict:
    body = load_document(scenario, expect="scenario").body
    threat = getattr(body, "threat", None)
    actor = getattr(getattr(threat, "actor", None), "name", None) if threat else None
    techniques = []
    if threat is not None:
        access = getattr(threat, "initial_access", None)
        if access is not None and getattr(access, "technique", None):
            techniques.append(access.technique)
        techniques += [s.technique for s in getattr(threat, "stages", []) if getattr(s, "technique", None)]
    sources = getattr(body, "sources", None) or []
    return {
        "id": body.id,
        "file": scenario.name,
        "title": body.title.get("en"),
        "title_fr": body.title.get("fr"),
        "level": body.level,
        "duration": format_duration(body.duration),
        "actor": str(actor) if actor else "",
        "techniques": list(dict.fromkeys(techniques)),
        "sources": [(s.title.get("en"), s.url) for s in sources],
        "summary": body.summary.get("en") if getattr(body, "summary", None) else "",
    }


def render(rows: list[dict], runs: int, seconds: float) -> str:
    out = [BEGIN, ""]
    out.append(
        f"Measured with `python bench/scenario_difficulty.py --runs {runs}` on {dt.date.today().isoformat()} "
        f"(CyberDrill {__version__}, seeds 0–{runs - 1}, each run to the end of the exercise window, {seconds:.0f} s). "
        "Cells: median (10th–90th percentile)."
    )
    out.append("")
    out.append("| scenario | policy | EHR downtime | patients diverted | procedures cancelled | clocks missed |")
    out.append("|---|---|---|---|---|---|")
    for row in rows:
        for policy in POLICIES:
            lines = row["runs"][policy]
            ehr = [float(line.kpis.get("ehr_downtime_minutes", 0.0)) for line in lines]
            div = [float(line.kpis.get("patients_diverted", 0.0)) for line in lines]
            can = [float(line.kpis.get("procedures_cancelled", 0.0)) for line in lines]
            mis = [float(missed_clocks(line)) for line in lines]
            out.append(
                f"| {row['id']} | {policy} | {spread(ehr, hours)} | {spread(div, count)} | {spread(can, count)} | {spread(mis, count)} |"
            )
    out += ["", END]
    return "\n".join(out)


def page(rows: list[dict], table: str) -> str:
    parts = [
        "# The scenario library",
        "",
        "Every shipped scenario: its ANS level, the threat it plays, the documented incident it draws on,",
        "and how hard it is, measured by running the engine. `passive` is a cell that does nothing beyond",
        "each decision's default; `textbook` follows ANSSI and CERT Santé good practice (contain on detection,",
        "notify on time, paper procedures, diversion through SAMU, restore from offline backups). The gap",
        "between the two is the room the crisis cell has to make a difference.",
        "",
        "Regenerate this page after changing a scenario or the engine: `python bench/scenario_difficulty.py`.",
        "",
    ]
    for row in rows:
        parts.append(f"## {row['title']} (`{row['file']}`)")
        parts.append("")
        parts.append(f"- French title: {row['title_fr']}")
        parts.append(f"- ANS level: **{row['level']}**, exercise window {row['duration']}")
        if row["actor"]:
            parts.append(f"- Threat: {row['actor']}; ATT&CK {', '.join(row['techniques'])}")
        elif row["techniques"]:
            parts.append(f"- Threat: ATT&CK {', '.join(row['techniques'])}")
        for title, url in row["sources"]:
            parts.append(f"- Draws on: {title} — <{url}>")
        if row["summary"]:
            parts.append("")
            parts.append(row["summary"])
        parts.append("")
    parts.append("## Difficulty")
    parts.append("")
    parts.append(table)
    parts.append("")
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", default=str(ROOT / "docs" / "scenarios.md"))
    args = parser.parse_args(argv)
    began = time.perf_counter()
    rows = []
    for scenario in sorted((ROOT / "scenarios").glob("*.yaml")):
        row = describe(scenario)
        row["runs"] = {policy: runs_of(scenario, policy, args.runs, args.workers) for policy in POLICIES}
        rows.append(row)
        print(f"{scenario.name}: done", file=sys.stderr)
    text = page(rows, render(rows, args.runs, time.perf_counter() - began))
    Path(args.out).write_text(text, encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
