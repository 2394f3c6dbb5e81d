"""Numbers, durations, times and dates as a French or an English reader writes them.

French: 2 064 000 (narrow no-break spaces), −14,6 % (minus sign, decimal comma, a narrow
no-break space before %), 3 j 4 h, samedi 14 mars 2026. English: 2,064,000, −14.6%, 3 d 4 h,
Saturday 14 March 2026. Written out here rather than through the C locale, which a machine
may not have installed and which does not follow French typography anyway.
"""

from __future__ import annotations

from datetime import date, datetime

NNBSP = "\u202f"  # narrow no-break space: French thousands and before % : ; ! ?
NBSP = "\u00a0"
MINUS = "\u2212"

_MONTHS = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"),
}
_DAYS = {
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_DAYS_SHORT = {
    "fr": ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
_UNITS = {"fr": ("j", "h", "min"), "en": ("d", "h", "min")}


def number(value: float, lang: str, decimals: int = 0, *, sign: bool = False) -> str:
    """1234567.8 -> '1 234 567,8' (fr) or '1,234,567.8' (en); a real minus sign; '+' when `sign`."""
    rounded = round(float(value), decimals)
    if rounded == 0:
        rounded = 0.0  # no "−0"
    negative = rounded < 0
    text = f"{abs(rounded):,.{decimals}f}"
    if lang == "fr":
        text = text.replace(",", NNBSP).replace(".", ",")
    if negative:
        text = MINUS + text
    elif sign and rounded > 0:
        text = "+" + text
    return text


def count(value: float, lang: str) -> str:
    """A count of people or things: whole numbers, with a decimal only below ten (2,4 patients)."""
    v = float(value)
    if abs(v - round(v)) < 0.05 or abs(v) >= 10:
        return number(round(v), lang)
    return number(v, lang, 1)


def percent(value: float, lang: str, decimals: int = 1, *, sign: bool = True) -> str:
    text = number(value, lang, decimals, sign=sign)
    return f"{text}{NNBSP}%" if lang == "fr" else f"{text}%"


def duration(minutes: float, lang: str) -> str:
    """Minutes as '3 j 4 h', '1 h 20 min', '45 min' (fr) or '3 d 4 h', '1 h 20 min' (en)."""
    m = int(round(abs(float(minutes))))
    d_unit, h_unit, m_unit = _UNITS.get(lang, _UNITS["en"])
    days, rest = divmod(m, 1440)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{number(days, lang)}{NBSP}{d_unit}")
    if hours:
        parts.append(f"{hours}{NBSP}{h_unit}")
    if mins and not days:
        parts.append(f"{mins}{NBSP}{m_unit}")
    if not parts:
        parts.append(f"0{NBSP}{m_unit}")
    text = " ".join(parts)
    return (MINUS + text) if minutes < 0 and m else text


def offset(minutes: float, lang: str) -> str:
    """Sim time as the room says it: T+0, T+45m, T+2h, T+1h20, T+1j06h (fr) / T+1d06h (en)."""
    sign = MINUS if minutes < 0 else "+"
    m = int(round(abs(minutes)))
    days, rest = divmod(m, 1440)
    hours, mins = divmod(rest, 60)
    d_unit = "j" if lang == "fr" else "d"
    if days:
        text = f"{days}{d_unit}{hours:02d}h" if hours or mins else f"{days}{d_unit}"
        if mins:
            text += f"{mins:02d}"
    elif hours:
        text = f"{hours}h{mins:02d}" if mins else f"{hours}h"
    else:
        text = f"{mins}min" if lang == "fr" else f"{mins}m"
    return f"T{sign}{text}" if m else "T+0"


def day(value: date, lang: str) -> str:
    """A date as words: 14 mars 2026 / 14 March 2026."""
    month = _MONTHS.get(lang, _MONTHS["en"])[value.month - 1]
    first = "1er" if lang == "fr" and value.day == 1 else str(value.day)
    return f"{first}{NBSP}{month} {value.year}"


def weekday_day(value: date, lang: str) -> str:
    """samedi 14 mars 2026 / Saturday 14 March 2026."""
    return f"{_DAYS.get(lang, _DAYS['en'])[value.weekday()]} {day(value, lang)}"


def moment(value: datetime, lang: str, *, weekday: bool = True) -> str:
    """samedi 14 mars 2026, 01:20 / Saturday 14 March 2026, 01:20."""
    when = weekday_day(value, lang) if weekday else day(value, lang)
    return f"{when}, {value.strftime('%H:%M')}"


def short_moment(value: datetime, lang: str) -> str:
    """sam. 14/03 01:20 (fr) / Sat 14/03 01:20 (en): the timeline's exercise-world time."""
    return f"{_DAYS_SHORT.get(lang, _DAYS_SHORT['en'])[value.weekday()]} {value.strftime('%d/%m %H:%M')}"


def wall(value: datetime, lang: str) -> str:
    """A real (UTC) time: 14/03/2026 01:00:07 UTC (fr) / 2026-03-14 01:00:07 UTC (en)."""
    if lang == "fr":
        return value.strftime("%d/%m/%Y %H:%M:%S") + " UTC"
    return value.strftime("%Y-%m-%d %H:%M:%S") + " UTC"


def parse_wall(text: str) -> datetime | None:
    """A journal `wall` field (2026-03-14T01:00:07.000Z) as an aware datetime, or None."""
    try:
        return datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
