"""Shared pieces of the TUI tests: a fixed clock, the flagship scenario, a quiet journal folder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
FLAGSHIP = SCENARIOS / "ransomware-weekend-night.yaml"
MINI = ROOT / "tests" / "fixtures" / "mini-scenario.yaml"
FIXED_NOW = dt.datetime(2026, 3, 14, 9, 30, tzinfo=dt.timezone.utc)


class FakeClock:
    """A monotonic clock the test moves by hand: the UI advances only when it is told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def tick(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def journal_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "journals"
    folder.mkdir()
    return folder
