"""Named random streams derived from the seed, and delay sampling.

Each process draws from its own stream (`attacker`, `detection`,
`action:restore`...), seeded from a hash of (seed, name): adding an inject, a
persona or a stage elsewhere never shifts another stream's dice.
"""

from __future__ import annotations

import hashlib
import random

from simulator.model.distributions import Exponential, Fixed, Lognormal, Triangular, Uniform


def stream(seed: int, name: str) -> random.Random:
    digest = hashlib.sha256(f"cyberdrill:{int(seed)}:{name}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


class Streams:
    """Lazily created named streams of one run."""

    def __init__(self, seed: int):
        self.seed = int(seed)
        self._streams: dict[str, random.Random] = {}

    def __getitem__(self, name: str) -> random.Random:
        rng = self._streams.get(name)
        if rng is None:
            rng = self._streams[name] = stream(self.seed, name)
        return rng


def sample(delay, rng: random.Random) -> float:
    """Minutes drawn from a delay distribution (never negative)."""
    if isinstance(delay, Fixed):
        return float(delay.fixed)
    if isinstance(delay, Exponential):
        mean = delay.exponential.mean
        return rng.expovariate(1.0 / mean) if mean > 0 else 0.0
    if isinstance(delay, Lognormal):
        spec = delay.lognormal
        return rng.lognormvariate(spec.mu, spec.sigma)
    if isinstance(delay, Triangular):
        t = delay.triangular
        return rng.triangular(t.min, t.max, t.mode) if t.max > t.min else float(t.min)
    if isinstance(delay, Uniform):
        u = delay.uniform
        return rng.uniform(u.min, u.max)
    raise TypeError(f"not a delay: {delay!r}")
