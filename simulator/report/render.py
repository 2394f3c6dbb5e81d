"""The report's outputs: HTML (html.py), Markdown (markdown.py) and the timeline as CSV (here)."""

from __future__ import annotations

import csv
import io

from simulator.report.data import ReportData
from simulator.report.html import render_html
from simulator.report.markdown import render_markdown

__all__ = ["CSV_COLUMNS", "render_html", "render_markdown", "timeline_csv"]

CSV_COLUMNS = ("line", "t_minutes", "sim_time", "exercise_time", "wall_time_utc", "category", "who", "description", "ground_truth", "key_event")


def timeline_csv(data: ReportData, *, excel: bool = False) -> str:
    """The timeline for spreadsheets, one row per record the report shows, RFC 4180 quoting.

    Plain: stable column names, a decimal point, ISO 8601 times (for scripts). `excel`: what a
    spreadsheet in the report's language reads at once: a UTF-8 byte-order mark, the column
    names in that language, and for French ';' separators, decimal commas and dd/mm/yyyy
    hh:mm:ss times (for English ',' and yyyy-mm-dd hh:mm:ss), which Excel takes as numbers and
    dates rather than text.
    """
    fr = data.lang == "fr"
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";" if excel and fr else ",", lineterminator="\r\n")
    L = data.L
    if excel:
        writer.writerow([L(f"csv.{c}") for c in CSV_COLUMNS])
    else:
        writer.writerow(CSV_COLUMNS)
    for r in data.rows:
        if excel:
            minutes = f"{r.t:.3f}".replace(".", "," if fr else ".")
            world = r.world_dt.strftime("%d/%m/%Y %H:%M:%S" if fr else "%Y-%m-%d %H:%M:%S")
            wall = r.wall_dt.strftime("%d/%m/%Y %H:%M:%S" if fr else "%Y-%m-%d %H:%M:%S") if r.wall_dt else ""
            writer.writerow([r.line, minutes, r.sim, world, wall, L("category." + r.category), r.who, r.text,
                             L("yes" if r.truth else "no"), L("yes" if r.key else "no")])
        else:
            wall = r.wall_dt.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z" if r.wall_dt else ""
            writer.writerow([r.line, f"{r.t:.3f}", r.sim, r.world_dt.strftime("%Y-%m-%dT%H:%M:%S"), wall, r.category, r.who, r.text,
                             "yes" if r.truth else "no", "yes" if r.key else "no"])
    return ("\ufeff" if excel else "") + buf.getvalue()
