"""Hand-written SVG histograms and the HTML summary: well-formed, counted right, text escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from simulator.batch.display import fmt, fmt_ci, in_days, label, order
from simulator.batch.plot import bins_for, counts, histogram, histograms_svg, plotted_metrics, summary_html
from simulator.batch.stats import summarize

SVG = "{http://www.w3.org/2000/svg}"


def test_bins_hold_every_value_once():
    values = [0.0, 1.0, 1.5, 2.0, 9.99, 10.0]
    lo, width, n = bins_for(values)
    assert n == 3 and lo == 0.0
    assert sum(counts(values, lo, width, n)) == len(values)
    assert counts(values, lo, width, n)[-1] == 2  # the maximum lands in the last bin
    assert bins_for([5.0, 5.0]) == (4.5, 1.0, 1)
    assert bins_for([float(i) for i in range(10_000)])[2] == 24


def test_standalone_svg_is_well_formed_with_one_bar_set_per_arm():
    series = {"ehr_downtime_minutes": {"baseline": [600.0, 660.0, 720.0, 4320.0], "offline-backups": [300.0, 310.0, 400.0, 410.0]}}
    text = histograms_svg(["ehr_downtime_minutes"], series.__getitem__, "A & B <test>")
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == f"{SVG}svg"
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert any(t.startswith("baseline:") for t in titles) and any(t.startswith("offline-backups:") for t in titles)
    assert sum(int(t.split(": ")[1]) for t in titles) == 8
    assert "A &amp; B &lt;test&gt;" in text
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "EHR downtime" in texts and "offline-backups" in texts  # legend, not colour alone


def test_empty_and_constant_metrics():
    assert "no values" in histogram("x", {"baseline": []})
    series = {"a": {"baseline": [1.0, 1.0]}, "b": {"baseline": [1.0, 2.0]}, "clock.gdpr-72h.met": {"baseline": [0.0, 1.0]}}
    assert plotted_metrics(["a", "b", "clock.gdpr-72h.met"], series.__getitem__) == ["b"]
    root = ET.fromstring(histograms_svg([], series.__getitem__, "t").encode())
    assert "nothing to plot" in "".join(t.text or "" for t in root.iter(f"{SVG}text"))


def test_html_summary_has_the_tables_and_inline_svg():
    s = summarize([600.0, 660.0, 720.0])
    d = summarize([-300.0, -350.0, -320.0])
    series = {"ehr_downtime_minutes": {"baseline": [600.0, 660.0, 720.0]}}
    page = summary_html("T <1>", [("scenario", "s.yaml")], [("ehr_downtime_minutes", s)], [("ehr_downtime_minutes", d)],
                        ["ehr_downtime_minutes"], series.__getitem__, variant_label="offline-backups")
    assert page.startswith("<!DOCTYPE html>") and "T &lt;1&gt;" in page
    assert "offline-backups minus baseline" in page and page.count("<table>") == 2
    assert "11.0 h" in page and "-5.4 h" in page
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page


def test_display_units_labels_and_order():
    assert fmt("ehr_downtime_minutes", 4320.0) == "72.0 h"
    assert fmt("service_downtime_minutes.lis", 90.0, signed=True) == "+1.5 h"
    assert fmt("clock.gdpr-72h.met", 0.85) == "85 %"
    assert fmt("lab_turnaround_change_pct", 12.34) == "12.3 %"
    assert fmt("records_exfiltrated", 430000.0) == "430,000"
    assert fmt("patients_diverted", float("nan")) == "-"
    assert fmt_ci("ehr_downtime_minutes", 600.0, 540.0, 660.0) == "10.0 ± 1.0 h"
    assert fmt_ci("patients_diverted", -3.0, -5.0, -1.0, signed=True) == "-3 ± 2"
    assert in_days("ehr_downtime_minutes", 13560.0) and not in_days("ehr_downtime_minutes", 4000.0)
    assert not in_days("patients_diverted", 1e6)
    assert fmt("ehr_downtime_minutes", 13560.0, days=True) == "9.4 d"
    assert fmt_ci("ehr_downtime_minutes", -4260.0, -4944.0, -3576.0, signed=True, days=True) == "-3.0 ± 0.5 d"
    assert label("clock.nis2-24h.met") == "nis2-24h met in time" and label("service_downtime_minutes.ehr") == "downtime: ehr"
    names = ["sim_minutes", "clock.a.met", "service_downtime_minutes.ehr", "zzz", "patients_diverted", "ehr_downtime_minutes"]
    assert order(names) == ["ehr_downtime_minutes", "patients_diverted", "service_downtime_minutes.ehr", "zzz", "clock.a.met", "sim_minutes"]
