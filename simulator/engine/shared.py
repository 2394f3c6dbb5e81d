"""Values derived from immutable inputs (a scenario, a network, a condition), shared by every
run of a process: a batch worker or a room host builds them once, not once per run.

Keyed by the inputs' identities (they are pydantic models and frozen dataclasses, compared by
identity for speed); each entry keeps its inputs alive, so an id cannot be taken by another
object while its entry lives. Bounded: the oldest entry goes first (a long-running host loads
scenario after scenario, and commands typed in a room add up).
"""

from __future__ import annotations

from typing import Any


class SharedByIdentity:
    __slots__ = ("_entries", "_limit")

    def __init__(self, limit: int) -> None:
        self._entries: dict[Any, tuple[tuple, Any]] = {}
        self._limit = limit

    def get(self, *inputs: Any) -> Any:
        """The value stored for exactly these objects, or None."""
        hit = self._entries.get(id(inputs[0]) if len(inputs) == 1 else tuple(map(id, inputs)))
        if hit is None:
            return None
        for kept, given in zip(hit[0], inputs):
            if kept is not given:
                return None
        return hit[1]

    def put(self, value: Any, *inputs: Any) -> Any:
        """Store `value` for these objects and return it."""
        entries = self._entries
        if len(entries) >= self._limit:
            del entries[next(iter(entries))]
        entries[id(inputs[0]) if len(inputs) == 1 else tuple(map(id, inputs))] = (inputs, value)
        return value
