"""Named random streams through the engine: a draw in one stream never moves another's dice
(issue 15: all streams sharing one generator passed every determinism test, which tested the
`stream()` helper, and injects that draw nothing)."""

from __future__ import annotations

from pathlib import Path

from simulator.engine.rng import Streams
from tests.engine_helpers import exercise

ROOT = Path(__file__).resolve().parent.parent
# The attacker is still at work after T+0 here (weak signals, then lateral movement at T+3h
# with a random delay after it): a draw elsewhere before then would shift a shared generator.
LONG_DWELL = ROOT / "scenarios" / "phishing-long-dwell.yaml"


def _attacker_path(seed: int, commands: dict[float, str]) -> list[dict]:
    ex = exercise(LONG_DWELL, seed)
    path: list[dict] = []
    ex.subscribe(lambda e: path.append(e.to_record()) if e.kind in ("stage-started", "stage-done", "stage-blocked") else None)
    for at, command in sorted(commands.items()):
        ex.advance(at)
        result = ex.submit(command)
        assert result.accepted, (command, result.reason)
    ex.advance(2 * 1440)
    return path


def test_an_action_with_a_random_duration_leaves_the_attackers_dice_alone():
    """Diverting ambulances draws its delay from its own stream and touches nothing the attacker
    depends on: the attacker's stages, their times and targets stay the same, seed by seed."""
    for seed in (0, 1, 2):
        alone = _attacker_path(seed, {})
        assert any(r["t"] > 180 for r in alone), "the attacker must still draw after the divert for this test to mean anything"
        assert _attacker_path(seed, {30.0: "divert on", 200.0: "divert off"}) == alone, seed


def test_streams_of_one_run_are_separate_generators():
    streams = Streams(7)
    assert streams["attacker"] is streams["attacker"]
    assert streams["attacker"] is not streams["detection"]
    first = [streams["attacker"].random() for _ in range(3)]
    again = Streams(7)
    for _ in range(50):
        again["noise"].random()
    assert [again["attacker"].random() for _ in range(3)] == first
