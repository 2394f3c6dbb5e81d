"""What the registry reads and writes, as pydantic models: rows come out of SQLite validated, and
what a user asks to change is checked before anything is written."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Status = Literal["open", "in-progress", "done", "dropped"]
STATUSES: tuple[str, ...] = ("open", "in-progress", "done", "dropped")
Priority = Literal["high", "medium", "low"]


class _Row(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class ExerciseRecord(_Row):
    id: int
    head: str = Field(pattern=r"^[0-9a-f]{64}$")
    journal_path: str
    scenario_id: str
    scenario_sha256: str
    title_fr: str
    title_en: str
    level: Literal["beginner", "intermediate", "confirmed"]
    mode: str
    hospital_fr: str
    hospital_en: str
    exercise_start: str
    played_on: dt.date
    seed: int
    signed: bool
    imported_at: str
    report_sha256: str | None = None

    def title(self, lang: str) -> str:
        return self.title_fr if lang == "fr" else self.title_en

    def hospital(self, lang: str) -> str:
        return self.hospital_fr if lang == "fr" else self.hospital_en


class ObjectiveRecord(_Row):
    exercise_id: int
    objective: str
    text_fr: str
    text_en: str
    capability: str
    rating: str | None
    suggested: str | None
    evaluator: bool

    def text(self, lang: str) -> str:
        return self.text_fr if lang == "fr" else self.text_en


class ItemRecord(_Row):
    id: int
    exercise_id: int
    key: str
    issue_fr: str
    issue_en: str
    action_fr: str
    action_en: str
    owner_fr: str
    owner_en: str
    owner_override: str | None = None
    capability: str
    element: str
    care: str
    priority: Priority
    due: dt.date
    status: Status
    status_on: dt.date
    evidence: str = ""
    lines: str = ""

    def action(self, lang: str) -> str:
        return self.action_fr if lang == "fr" else self.action_en

    def issue(self, lang: str) -> str:
        return self.issue_fr if lang == "fr" else self.issue_en

    def owner(self, lang: str) -> str:
        return self.owner_override or (self.owner_fr if lang == "fr" else self.owner_en)


class ParticipantRecord(_Row):
    exercise_id: int
    name: str
    seat_fr: str
    seat_en: str

    def seat(self, lang: str) -> str:
        return self.seat_fr if lang == "fr" else self.seat_en


class ItemUpdate(BaseModel):
    """A change asked for with `registry update`: checked whole before the database is touched."""

    model_config = ConfigDict(extra="forbid")

    status: Status | None = None
    owner: str | None = Field(default=None, min_length=1, max_length=200)
    evidence: str | None = Field(default=None, max_length=2000)
    note: str | None = Field(default=None, max_length=2000)
    due: dt.date | None = None
    on: dt.date = Field(default_factory=dt.date.today, description="Date of the change (default: today).")

    @field_validator("owner", "evidence", "note")
    @classmethod
    def _one_line(cls, v: str | None) -> str | None:
        if v is None:
            return v
        v = " ".join(v.split())
        if not v:
            raise ValueError("must not be blank")
        return v


class PackRow(BaseModel):
    """One line of the evidence pack's CSV: an exercise, and one of its improvement items if any."""

    model_config = ConfigDict(frozen=True)

    exercise: int
    played_on: dt.date
    scenario: str
    level: str
    mode: str
    participants: str
    journal_head: str
    report_sha256: str
    item: str = ""
    owner: str = ""
    priority: str = ""
    due: str = ""
    status: str = ""
    status_on: str = ""
    evidence: str = ""
