"""French and English message catalogues for everything a person reads.

Catalogues are JSON files (`fr.json`, `en.json`) with the same keys; a test
fails when one language lacks a key. `t("key", lang, name=...)` formats with
str.format named fields. French is the reference language of the exercises.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str]:
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}: choose one of {', '.join(LANGUAGES)}")
    data = resources.files(__package__).joinpath(f"{lang}.json").read_text(encoding="utf-8")
    return json.loads(data)


def t(key: str, lang: str = DEFAULT_LANGUAGE, **fields: object) -> str:
    """The message `key` in `lang`; falls back to English, then to the key itself."""
    text = catalogue(lang).get(key)
    if text is None:
        text = catalogue("en").get(key, key)
    return text.format(**fields) if fields else text


def has(key: str, lang: str = DEFAULT_LANGUAGE) -> bool:
    return key in catalogue(lang)
