"""Issue 12's must-hold, for every shipped scenario and every shipped policy (the list is read
from the package, so a new scenario or policy is covered without editing this file): the same
inputs give byte-identical results, and the journal of a run replays identical."""

from __future__ import annotations

import json

import pytest

from simulator.engine.headless import run_headless
from simulator.journal.headless_log import run_logged
from simulator.journal.replay import replay_journal
from simulator.shipped import shipped

SCENARIOS = shipped("scenario")
POLICIES = sorted(shipped("policy"))  # passive, scenario-defaults, textbook


def test_the_package_ships_what_this_test_walks():
    assert len(SCENARIOS) >= 9 and {"passive", "textbook"} <= set(POLICIES)


def _result(path, seed: int, policy: str) -> str:
    return json.dumps(run_headless(path, seed=seed, policy=policy, until="end").to_json(), sort_keys=True)


@pytest.mark.slow
@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_same_inputs_same_result_and_the_journal_replays_identical(scenario, policy, tmp_path):
    path = SCENARIOS[scenario]
    seed = 3
    first = _result(path, seed, policy)
    assert _result(path, seed, policy) == first
    log = tmp_path / "run.jsonl"
    run_logged(path, seed=seed, policy=policy, until="end", log_path=log)
    report, _ex = replay_journal(log)
    assert report.identical and report.failure is None and report.sealed, report.failure
    assert report.events_checked > 0
