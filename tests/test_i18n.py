"""Both languages are first-class: the catalogues have the same keys and the same placeholders."""

from __future__ import annotations

import string

from simulator.i18n import catalogue, t


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


def test_catalogues_have_the_same_keys():
    fr, en = catalogue("fr"), catalogue("en")
    assert sorted(set(fr) - set(en)) == [], "keys missing in en.json"
    assert sorted(set(en) - set(fr)) == [], "keys missing in fr.json"


def test_placeholders_match_between_languages():
    fr, en = catalogue("fr"), catalogue("en")
    for key in fr:
        assert _fields(fr[key]) == _fields(en[key]), key


def test_no_empty_messages():
    for lang in ("fr", "en"):
        for key, value in catalogue(lang).items():
            assert value.strip(), f"{lang}:{key} is empty"


def test_unknown_key_falls_back_to_the_key():
    assert t("no.such.key", "fr") == "no.such.key"


def test_no_catalogue_key_is_written_twice():
    """A key written twice silently keeps the last text: two engineers adding the same key diverge unseen."""
    import json
    from collections import Counter
    from importlib import resources

    for lang in ("fr", "en"):
        raw = resources.files("simulator.i18n").joinpath(f"{lang}.json").read_text(encoding="utf-8")
        pairs = json.loads(raw, object_pairs_hook=lambda items: items)
        twice = [k for k, n in Counter(k for k, _ in pairs).items() if n > 1]
        assert not twice, (lang, twice)
