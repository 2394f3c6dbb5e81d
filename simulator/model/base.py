"""Shared building blocks of every file model: strict models, ids, durations, localised text."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue, WithJsonSchema
from pydantic_core import core_schema

from simulator.model.duration import (
    DURATION_PATTERN,
    OFFSET_PATTERN,
    parse_duration,
    parse_offset,
)

LANGUAGES = ("fr", "en")


class StrictModel(BaseModel):
    """Base of every file model: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"

Id = Annotated[
    str,
    Field(
        pattern=ID_PATTERN,
        min_length=1,
        max_length=80,
        description="Identifier: lower-case letters, digits, '-', '_' or '.', starting with a letter or digit.",
    ),
]


def _duration_minutes(value: Any) -> int:
    return parse_duration(value)


def _offset_minutes(value: Any) -> int:
    return parse_offset(value)


Duration = Annotated[
    int,
    BeforeValidator(_duration_minutes),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": DURATION_PATTERN,
            "description": "Duration: whole numbers with units w, d, h, m, largest first (90m, 2h, 1h30m, 3d).",
            "examples": ["30m", "2h", "1h30m", "3d"],
        }
    ),
]
"""A non-negative duration, parsed from a string, held as minutes."""

Offset = Annotated[
    int,
    BeforeValidator(_offset_minutes),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": OFFSET_PATTERN,
            "description": "Time relative to T+0 (the exercise start): T+2h, T-3d, -5d, 45m.",
            "examples": ["T+10m", "T+2h", "T-5d"],
        }
    ),
]
"""A signed time offset from T+0, held as minutes."""


class LocalizedText(BaseModel):
    """Text a person reads: one string for every language, or one per language.

    Written in YAML as `"Texte"` or `{fr: "Texte", en: "Text"}`.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    fr: str | None = Field(default=None, description="French text.")
    en: str | None = Field(default=None, description="English text.")
    plain: bool = Field(default=False, exclude=True, description="Internal: written as a single string.")

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"fr": value, "en": value, "plain": True}
        if isinstance(value, dict) and "plain" in value:
            raise ValueError("unknown key 'plain': use 'fr' and 'en'")
        return value

    @model_validator(mode="after")
    def _not_empty(self) -> "LocalizedText":
        if not (self.fr or self.en):
            raise ValueError("give the text in at least one language ('fr' or 'en')")
        return self

    def get(self, lang: str) -> str:
        """The text in `lang`, falling back to the other language."""
        primary = self.fr if lang == "fr" else self.en
        return primary or self.en or self.fr or ""

    def missing(self) -> list[str]:
        """Languages with no text of their own (a plain string counts for both)."""
        if self.plain:
            return []
        return [lang for lang in LANGUAGES if not getattr(self, lang)]

    def __str__(self) -> str:
        return self.get("en")

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "title": "LocalizedText",
            "description": "Text in one string for every language, or {fr: ..., en: ...}.",
            "anyOf": [
                {"type": "string", "minLength": 1},
                {
                    "type": "object",
                    "properties": {
                        "fr": {"type": "string", "description": "French text."},
                        "en": {"type": "string", "description": "English text."},
                    },
                    "additionalProperties": False,
                    "minProperties": 1,
                },
            ],
        }


def text(fr: str, en: str | None = None) -> LocalizedText:
    """Build localised text in code (generators, tests)."""
    return LocalizedText(fr=fr, en=en if en is not None else fr)
