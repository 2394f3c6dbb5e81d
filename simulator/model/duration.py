"""The one duration parser: strict human strings such as `90m`, `2h`, `3d`, `1h30m`.

Sim time is counted in minutes, so every duration becomes an integer number of
minutes. Units, largest first, each at most once: `w` (weeks), `d` (days),
`h` (hours), `m` (minutes). Offsets (`-5d`, `T+2h`, `T-3d`) reuse the same
grammar with a sign.
"""

from __future__ import annotations

import re

_UNITS = {"w": 7 * 24 * 60, "d": 24 * 60, "h": 60, "m": 1}
# ASCII digits only (\d would take '٣'), and \Z, not $, which also matches before a final newline
_DURATION_RE = re.compile(r"^(?:([0-9]+)w)?(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?\Z")
_OFFSET_RE = re.compile(r"^(T)?([+-])?(.*)\Z", re.DOTALL)

DURATION_PATTERN = r"^(0|(?=\d)(\d+w)?(\d+d)?(\d+h)?(\d+m)?)$"
OFFSET_PATTERN = r"^(T[+-]|[+-])?(0|(?=\d)(\d+w)?(\d+d)?(\d+h)?(\d+m)?)$"

# Hard upper bound: nothing in an exercise (even `--until recovery`) needs
# more than a few years; larger values are typos that would overflow clocks.
MAX_MINUTES = 10 * 365 * 24 * 60


class DurationError(ValueError):
    """A duration string that does not follow the grammar."""


def parse_duration(text: str) -> int:
    """Return the number of minutes in a non-negative duration string."""
    if not isinstance(text, str):
        raise DurationError(
            f"a duration must be a string such as '90m', '2h', '1h30m' or '3d', not {type(text).__name__} {text!r}"
        )
    s = text.strip()
    if s == "0":
        return 0
    match = _DURATION_RE.match(s)
    if not s or not match or not any(match.groups()):
        raise DurationError(
            f"invalid duration {text!r}: use whole numbers with units w, d, h, m, largest first (e.g. '90m', '2h', '1h30m', '3d')"
        )
    weeks, days, hours, minutes = (int(g) if g else 0 for g in match.groups())
    total = weeks * _UNITS["w"] + days * _UNITS["d"] + hours * _UNITS["h"] + minutes
    if total > MAX_MINUTES:
        raise DurationError(f"duration {text!r} is longer than ten years")
    return total


def parse_offset(text: str) -> int:
    """Return a signed number of minutes from T+0: `T+2h`, `T-3d`, `-5d`, `+30m`, `45m`."""
    if not isinstance(text, str):
        raise DurationError(
            f"a time offset must be a string such as 'T+2h', 'T-3d' or '45m', not {type(text).__name__} {text!r}"
        )
    s = text.strip()
    match = _OFFSET_RE.match(s)
    assert match is not None  # the pattern accepts any string
    t_prefix, sign, rest = match.groups()
    if t_prefix and not sign:
        raise DurationError(f"invalid time offset {text!r}: write 'T+2h' or 'T-3d'")
    if rest == "0":
        return 0
    try:
        minutes = parse_duration(rest)
    except DurationError:
        raise DurationError(
            f"invalid time offset {text!r}: use 'T+2h', 'T-3d', '-5d' or '45m' (units w, d, h, m, largest first)"
        ) from None
    return -minutes if sign == "-" else minutes


def format_duration(minutes: int) -> str:
    """Inverse of `parse_duration` for display: 1530 -> '1d1h30m'."""
    if minutes == 0:
        return "0m"
    sign = "-" if minutes < 0 else ""
    rest = abs(int(minutes))
    parts = []
    for unit, size in (("d", _UNITS["d"]), ("h", _UNITS["h"]), ("m", 1)):
        value, rest = divmod(rest, size)
        if value:
            parts.append(f"{value}{unit}")
    return sign + "".join(parts)


def format_offset(minutes: float) -> str:
    """Sim time as the crisis room reads it: T+1h30m, T-2d."""
    whole = int(minutes)
    return ("T-" if whole < 0 else "T+") + format_duration(abs(whole))
