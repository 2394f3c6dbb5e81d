"""Last year's improvement items as this year's report shows them (filled in by the registry).

The report layer does not read the registry: the caller (the CLI) looks the items up and hands
them over in this shape, already in the report's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class PastItem:
    action: str
    issue: str
    owner: str
    status: str  # open | in-progress | done | dropped
    due: date | None
    closed: date | None
    evidence: str = ""
    again: bool = False  # this exercise found the same thing again


@dataclass
class FollowUp:
    exercise: str  # the previous exercise, in words (title and date)
    day: date | None
    items: list[PastItem] = field(default_factory=list)

    @property
    def closed(self) -> list[PastItem]:
        return [i for i in self.items if i.status == "done"]
