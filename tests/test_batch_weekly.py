"""A batch summarises each clinical function's capacity by week and plots it (issue 12)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from simulator.batch import read_results
from simulator.batch.plot import weekly_svg
from simulator.batch.stats import MetricColumns, run_metrics, weekly_medians
from tests.conftest import SCENARIOS

LAB = SCENARIOS / "third-party-lab-outage.yaml"
SVG = "{http://www.w3.org/2000/svg}"


def test_weekly_capacity_is_kept_in_run_lines_and_summarised_by_week(run_cli, tmp_path):
    out = tmp_path / "runs.jsonl"
    code, stdout, stderr = run_cli("batch", LAB, "--runs", "3", "--policy", "passive", "--until", "22d",
                                   "--workers", "1", "--out", out, "--json")
    assert code == 0, stderr
    runs = read_results(out).runs
    assert all(len(r.weekly["laboratory"]) == 4 for r in runs)  # 22 days: weeks 1..4 (the 4th partly)
    data = json.loads(stdout)
    lab = data["weekly_capacity_pct"]["baseline"]["laboratory"]
    assert len(lab) == 4 and lab[0] < lab[1] < lab[2]  # the collapse, then the climb
    assert "weekly.laboratory.w1" in data["summaries"]["baseline"]


def test_the_table_and_the_plots_show_the_weeks(run_cli, tmp_path):
    svg, page = tmp_path / "p.svg", tmp_path / "p.html"
    code, stdout, stderr = run_cli("batch", LAB, "--runs", "2", "--policy", "passive", "--until", "15d", "--workers", "1", "--plot", svg)
    assert code == 0, stderr
    assert "Capacity by week" in stdout and "week 2" in stdout
    root = ET.fromstring(svg.read_bytes())
    assert any((t.text or "").startswith("laboratory ") for t in root.iter(f"{SVG}text"))
    code, _stdout, stderr = run_cli("batch", LAB, "--runs", "2", "--policy", "passive", "--until", "15d", "--workers", "1", "--plot", page)
    assert code == 0, stderr
    html = page.read_text(encoding="utf-8")
    assert "Capacity of each clinical function by week" in html and "<polyline" in html


def test_weekly_medians_and_chart_from_metrics():
    cols = MetricColumns()
    for w1, w2 in ((40.0, 70.0), (50.0, 80.0), (45.0, 90.0)):
        cols.add(run_metrics({"kpis": {}, "weekly": {"laboratory": [w1, w2], "emergency": [60.0, 95.0]}}))
    weekly = weekly_medians(cols)
    assert weekly == {"emergency": [60.0, 95.0], "laboratory": [45.0, 80.0]}
    root = ET.fromstring(weekly_svg(weekly, "t & <x>").encode("utf-8"))
    lines = list(root.iter(f"{SVG}polyline"))
    assert len(lines) == 2
    dashes = {line.get("stroke-dasharray") for line in lines}
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert "laboratory 80 %" in labels and "emergency 95 %" in labels  # labelled, not told apart by colour alone
    assert len(dashes) >= 1
    assert "no weekly figures" in weekly_svg({}, "empty")
