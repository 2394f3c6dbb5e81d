"""Regulatory clocks of the default (French) jurisdiction, for code that has no scenario at hand.

Clocks are data now: each jurisdiction pack (`simulator/data/jurisdictions/`)
lists its own, and a run uses its scenario's (`Exercise.jurisdiction.clocks`).
`CLOCKS` and `CLOCK_IDS` here are the default pack's, loaded on first use.
"""

from __future__ import annotations

from typing import Any

from simulator.model.jurisdiction import ClockDef

__all__ = ["CLOCKS", "CLOCK_IDS", "ClockDef"]


def __getattr__(name: str) -> Any:
    if name in ("CLOCKS", "CLOCK_IDS"):
        from simulator.model.jurisdiction import default_jurisdiction

        clocks = default_jurisdiction().clocks
        return clocks if name == "CLOCKS" else tuple(c.id for c in clocks)
    raise AttributeError(name)
