"""Regressions in the scenario and policy models (one test per fixed bug)."""

from __future__ import annotations

import pytest

from simulator.model.distributions import Fixed
from simulator.model.scenario import After
from tests.engine_helpers import exercise, variant


def test_after_without_delay_is_a_validated_zero_delay():
    after = After(stage="discovery")
    assert after.delay == Fixed(fixed="0m")


def test_stage_after_without_delay_runs(tmp_path):
    def mutate(s):
        s["threat"]["stages"][1]["after"] = {"stage": "discovery"}

    ex = exercise(variant(tmp_path, mutate), seed=3)
    ex.advance(ex.duration)
    assert ex.now == ex.duration
