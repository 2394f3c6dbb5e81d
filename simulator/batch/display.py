"""How batch metrics are named, ordered and shown: one place for the table, the plot and the HTML."""

from __future__ import annotations

import math

# Headline KPIs first, in the order a funding file or a debrief reads them.
HEADLINE = (
    "ehr_downtime_minutes",
    "patients_diverted",
    "procedures_cancelled",
    "patients_transferred",
    "patients_waiting",
    "ed_volume_change_week1_pct",
    "lab_turnaround_change_pct",
    "assets_encrypted",
    "machines_encrypted",
    "records_exfiltrated",
    "ransom_paid",
)

LABELS = {
    "ehr_downtime_minutes": "EHR downtime",
    "patients_diverted": "patients diverted",
    "procedures_cancelled": "procedures cancelled",
    "patients_transferred": "patients transferred",
    "patients_waiting": "patients waiting",
    "patients_avoided": "patients stayed away",
    "ed_volume_change_week1_pct": "ED volume, week 1",
    "lab_turnaround_change_pct": "lab turnaround",
    "assets_encrypted": "assets encrypted",
    "machines_encrypted": "machines encrypted",
    "records_exfiltrated": "records exfiltrated",
    "ransom_paid": "ransom paid",
    "sim_minutes": "time simulated",
    "recovered_at": "recovery at",
}


def order(names: list[str]) -> list[str]:
    """Headline KPIs, then per-service downtime, other KPIs, clocks, and run length last."""
    def rank(name: str) -> tuple:
        if name in HEADLINE:
            return (0, HEADLINE.index(name), name)
        if name.startswith("service_downtime_minutes."):
            return (1, 0, name)
        if name.startswith("clock."):
            return (3, 0, name)
        if name in ("sim_minutes", "recovered_at"):
            return (4, 0, name)
        return (2, 0, name)

    return sorted(names, key=rank)


def label(name: str) -> str:
    if name in LABELS:
        return LABELS[name]
    if name.startswith("service_downtime_minutes."):
        return f"downtime: {name.split('.', 1)[1]}"
    if name.startswith("clock.") and name.endswith(".met"):
        return f"{name[len('clock.'):-len('.met')]} met in time"
    return name.replace("_", " ")


def unit(name: str) -> str:
    """Display unit: durations in hours, shares in percent, percentages as they are."""
    if name.endswith("_minutes") or name.startswith("service_downtime_minutes.") or name in ("sim_minutes", "recovered_at"):
        return "h"
    if name.endswith("_pct"):
        return "%"
    if name.startswith("clock.") or name == "ransom_paid":
        return "share"
    return ""


def scale(name: str, value: float) -> float:
    """A metric value in its display unit."""
    u = unit(name)
    if u == "h":
        return value / 60.0
    if u == "share":
        return value * 100.0
    return value


def _number(name: str, v: float, sign: str) -> str:
    u = unit(name)
    if u == "h" or u == "%":
        return f"{v:{sign},.1f}"
    if u == "share":
        return f"{v:{sign}.0f}"
    if abs(v) >= 100 or float(v).is_integer():
        return f"{v:{sign},.0f}"
    return f"{v:{sign},.1f}"


def _suffix(name: str) -> str:
    u = unit(name)
    return {"h": " h", "%": " %", "share": " %"}.get(u, "")


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and (math.isnan(value) or math.isinf(value)))


def in_days(name: str, reference: float) -> bool:
    """Show a duration row in days when its reference value (the baseline median) is 3 days or more."""
    return unit(name) == "h" and not _missing(reference) and abs(reference) >= 3 * 1440


def _in_unit(name: str, value: float, days: bool) -> tuple[float, str]:
    if days and unit(name) == "h":
        return value / 1440.0, " d"
    return scale(name, value), _suffix(name)


def fmt(name: str, value: float, signed: bool = False, days: bool = False) -> str:
    """A metric value for a table cell: 72.0 h, 9.4 d, +3.5 %, 85 %, 1,204."""
    if _missing(value):
        return "-"
    v, suffix = _in_unit(name, value, days)
    return _number(name, v, "+" if signed else "") + suffix


def fmt_ci(name: str, mean: float, low: float, high: float, signed: bool = False, days: bool = False) -> str:
    """Mean and the half-width of its (symmetric) interval: `72.0 ± 1.3 h`."""
    if _missing(mean):
        return "-"
    if _missing(low) or _missing(high):
        return fmt(name, mean, signed, days)
    m, suffix = _in_unit(name, mean, days)
    half = (_in_unit(name, high, days)[0] - _in_unit(name, low, days)[0]) / 2
    return f"{_number(name, m, '+' if signed else '')} ± {_number(name, abs(half), '')}{suffix}"


def axis_unit(name: str) -> str:
    return {"h": "hours", "%": "%", "share": "% of runs"}.get(unit(name), "")
