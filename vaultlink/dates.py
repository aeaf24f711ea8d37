"""Dates as vaults write them: ISO property values and moment.js file-name formats.

Obsidian names daily notes with moment.js formats (``YYYY-MM-DD``, ``YYYY/MM/YYYY-MM-DD``,
``YYYY/MMMM/YYYY-MM-DD dddd``), so recognising a daily note means parsing its path with
the same format. Week tokens follow moment's semantics exactly: ``W``/``GGGG`` are ISO
weeks; ``w``/``gggg`` are locale weeks of moment's default ``en`` locale (weeks start on
Sunday; the week holding 1 January is week 1), because that is what wrote the file names.
Nothing here knows "today": a format without a year identifies no day and parses to None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from vaultlink.settings import ObsidianSettings

__all__ = [
    "daily_note_date",
    "daily_note_path",
    "format_moment",
    "is_date_like",
    "parse_date",
    "parse_moment",
]

# ---------------------------------------------------------------------------
# ISO values in properties

_ISO = re.compile(
    r"(\d{4})([-/])(\d{2})\2(\d{2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?(?:\s*(?:Z|[+-]\d{2}(?::?\d{2})?))?)?",
    re.ASCII,
)
_DATE_SHAPE = re.compile(
    r"(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})(?:$|[T\s])", re.ASCII
)


def _unwrap(text: str) -> str:
    """``[[2026-10-02]]`` / ``[[2026-10-02|Friday]]``: a link to a daily note names its day."""
    text = text.strip()
    if text.startswith("[[") and text.endswith("]]"):
        text = text[2:-2].split("|", 1)[0].split("#", 1)[0].strip()
    return text


def parse_date(value: object) -> date | None:
    """A calendar day from a property value, or None (the caller reports bad dates).

    Accepts ``date``/``datetime`` (YAML already typed them), ISO strings with ``-`` or
    ``/`` (``2026-10-02``, ``2026/10/02``), optionally with a time (``T10:30``, `` 10:30``,
    seconds, fraction, ``Z`` or offset), and a wikilink to such a day (``[[2026-10-02]]``).
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    match = _ISO.fullmatch(_unwrap(value))
    if match is None:
        return None
    year, _, month, day, hour, minute, second = match.groups()
    if hour is not None and (int(hour) > 23 or int(minute) > 59 or int(second or 0) > 60):
        return None
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def is_date_like(value: object) -> bool:
    """Whether a value looks meant as a date, valid or not (``2026-13-45``, ``10/02/2026``).

    Lets callers tell a bad date (report it) from a value that is not a date at all.
    """
    if isinstance(value, date):
        return True
    if not isinstance(value, str):
        return False
    return _DATE_SHAPE.match(_unwrap(value)) is not None


# ---------------------------------------------------------------------------
# moment.js formats

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_WEEKDAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")

# moment's own tokenizer (formattingTokens), restricted to the tokens a date can carry.
_TOKEN = re.compile(
    r"\[[^\[]*\]|\\.|Mo|MMMM|MMM|MM|M|Do|DDDo|DDDD|DDD|DD|D|dddd|ddd|dd|do|d|wo|ww|w"
    r"|Wo|WW|W|Qo|Q|YYYY|YY|gggg|gg|GGGG|GG|e|E|a|A|hh|h|HH|H|kk|k|mm|m|ss|s|.",
    re.DOTALL,
)

_ORD = r"\d{1,2}(?:st|nd|rd|th)"

# moment expands the locale's long date formats before tokenizing (expandFormat); en's:
_LONG_FORMATS = {
    "LTS": "h:mm:ss A",
    "LT": "h:mm A",
    "L": "MM/DD/YYYY",
    "LL": "MMMM D, YYYY",
    "LLL": "MMMM D, YYYY h:mm A",
    "LLLL": "dddd, MMMM D, YYYY h:mm A",
    "l": "M/D/YYYY",
    "ll": "MMM D, YYYY",
    "lll": "MMM D, YYYY h:mm A",
    "llll": "ddd, MMM D, YYYY h:mm A",
}
_LONG_TOKEN = re.compile(r"(\[[^\[]*\])|(\\)?(LTS|LT|LL?L?L?|l{1,4})")


def _expand(fmt: str) -> str:
    def replace(m: re.Match[str]) -> str:
        if m.group(1) or m.group(2):
            return m.group()
        return _LONG_FORMATS[m.group(3)]

    return _LONG_TOKEN.sub(replace, fmt)


def _names(names: tuple[str, ...]) -> str:
    return "|".join(sorted(names, key=len, reverse=True))


# token -> (field it sets or None for time-of-day tokens, regex)
_PATTERNS: dict[str, tuple[str | None, str]] = {
    "YYYY": ("year", r"\d{4}"),
    "YY": ("yy", r"\d{2}"),
    "M": ("month", r"\d{1,2}"),
    "MM": ("month", r"\d{2}"),
    "Mo": ("month", _ORD),
    "MMM": ("month", _names(tuple(m[:3] for m in _MONTHS))),
    "MMMM": ("month", _names(_MONTHS)),
    "D": ("day", r"\d{1,2}"),
    "DD": ("day", r"\d{2}"),
    "Do": ("day", _ORD),
    "DDD": ("doy", r"\d{1,3}"),
    "DDDD": ("doy", r"\d{3}"),
    "DDDo": ("doy", r"\d{1,3}(?:st|nd|rd|th)"),
    "d": ("weekday", r"[0-6]"),
    "do": ("weekday", r"[0-6](?:st|nd|rd|th)"),
    "dd": ("weekday", _names(tuple(w[:2] for w in _WEEKDAYS))),
    "ddd": ("weekday", _names(tuple(w[:3] for w in _WEEKDAYS))),
    "dddd": ("weekday", _names(_WEEKDAYS)),
    "e": ("weekday", r"[0-6]"),
    "E": ("isoweekday", r"[1-7]"),
    "w": ("week", r"\d{1,2}"),
    "ww": ("week", r"\d{2}"),
    "wo": ("week", _ORD),
    "W": ("isoweek", r"\d{1,2}"),
    "WW": ("isoweek", r"\d{2}"),
    "Wo": ("isoweek", _ORD),
    "gggg": ("weekyear", r"\d{4}"),
    "gg": ("weekyy", r"\d{2}"),
    "GGGG": ("isoweekyear", r"\d{4}"),
    "GG": ("isoweekyy", r"\d{2}"),
    "Q": ("quarter", r"[1-4]"),
    "Qo": ("quarter", r"[1-4](?:st|nd|rd|th)"),
    "H": (None, r"\d{1,2}"),
    "HH": (None, r"\d{2}"),
    "h": (None, r"\d{1,2}"),
    "hh": (None, r"\d{2}"),
    "k": (None, r"\d{1,2}"),
    "kk": (None, r"\d{2}"),
    "m": (None, r"\d{1,2}"),
    "mm": (None, r"\d{2}"),
    "s": (None, r"\d{1,2}"),
    "ss": (None, r"\d{2}"),
    "a": (None, r"[ap]\.?m\.?"),
    "A": (None, r"[ap]\.?m\.?"),
}

# What a date at midnight shows for time-of-day tokens.
_MIDNIGHT = {
    "H": "0", "HH": "00", "h": "12", "hh": "12", "k": "24", "kk": "24",
    "m": "0", "mm": "00", "s": "0", "ss": "00", "a": "am", "A": "AM",
}  # fmt: skip

_NAME_VALUES: dict[str, dict[str, int]] = {
    "MMM": {m[:3].lower(): i for i, m in enumerate(_MONTHS, 1)},
    "MMMM": {m.lower(): i for i, m in enumerate(_MONTHS, 1)},
    "dd": {w[:2].lower(): i for i, w in enumerate(_WEEKDAYS)},
    "ddd": {w[:3].lower(): i for i, w in enumerate(_WEEKDAYS)},
    "dddd": {w.lower(): i for i, w in enumerate(_WEEKDAYS)},
}

# (first day of week, day of January that is always in week 1) as moment's locales say.
_EN_WEEK = (0, 6)
_ISO_WEEK = (1, 4)


def _ordinal(n: int) -> str:
    """moment's English ordinal: 1st 2nd 3rd 4th 11th 12th 13th 21st."""
    if n % 100 // 10 == 1:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"


def _jan1_ordinal(year: int) -> int:
    """Proleptic-Gregorian ordinal of 1 January (computed, so year 10000 works too)."""
    y = year - 1
    return 365 * y + y // 4 - y // 100 + y // 400 + 1


def _days_in_year(year: int) -> int:
    return 366 if (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 else 365


def _first_week_offset(year: int, dow: int, doy: int) -> int:
    """moment's firstWeekOffset: days from 1 January to the first day of week 1."""
    fwd = 7 + dow - doy
    fwd_weekday = (_jan1_ordinal(year) + fwd - 1) % 7  # JS getDay(): Sunday = 0
    return -((7 + fwd_weekday - dow) % 7) + fwd - 1


def _weeks_in_year(year: int, dow: int, doy: int) -> int:
    return (
        _days_in_year(year)
        - _first_week_offset(year, dow, doy)
        + _first_week_offset(year + 1, dow, doy)
    ) // 7


def _week_of_year(d: date, dow: int, doy: int) -> tuple[int, int]:
    """(week, week-year) of a day under a locale's week rules (moment's weekOfYear)."""
    offset = _first_week_offset(d.year, dow, doy)
    week = (d.timetuple().tm_yday - offset - 1) // 7 + 1
    if week < 1:
        year = d.year - 1
        return week + _weeks_in_year(year, dow, doy), year
    weeks = _weeks_in_year(d.year, dow, doy)
    if week > weeks:
        return week - weeks, d.year + 1
    return week, d.year


def _from_week(year: int, week: int, weekday: int, dow: int, doy: int) -> date | None:
    """The day of a (week-year, week, weekday Sunday=0) triple, or None if out of range."""
    if not 1 <= week <= _weeks_in_year(year, dow, doy):
        return None
    days = _first_week_offset(year, dow, doy) + 7 * (week - 1) + (weekday - dow) % 7
    try:
        return date.fromordinal(_jan1_ordinal(year) + days)
    except (ValueError, OverflowError):
        return None


def _format_token(d: date, token: str) -> str:
    js_weekday = d.isoweekday() % 7
    match token:
        case "YYYY":
            return f"{d.year:04d}"
        case "YY":
            return f"{d.year % 100:02d}"
        case "M":
            return str(d.month)
        case "MM":
            return f"{d.month:02d}"
        case "Mo":
            return _ordinal(d.month)
        case "MMM":
            return _MONTHS[d.month - 1][:3]
        case "MMMM":
            return _MONTHS[d.month - 1]
        case "D":
            return str(d.day)
        case "DD":
            return f"{d.day:02d}"
        case "Do":
            return _ordinal(d.day)
        case "DDD":
            return str(d.timetuple().tm_yday)
        case "DDDD":
            return f"{d.timetuple().tm_yday:03d}"
        case "DDDo":
            return _ordinal(d.timetuple().tm_yday)
        case "d" | "e":
            return str(js_weekday)
        case "do":
            return _ordinal(js_weekday)
        case "dd":
            return _WEEKDAYS[js_weekday][:2]
        case "ddd":
            return _WEEKDAYS[js_weekday][:3]
        case "dddd":
            return _WEEKDAYS[js_weekday]
        case "E":
            return str(d.isoweekday())
        case "w" | "ww" | "wo" | "gg" | "gggg":
            week, year = _week_of_year(d, *_EN_WEEK)
            return _format_week(token.lower(), week, year)
        case "W" | "WW" | "Wo" | "GG" | "GGGG":
            week, year = _week_of_year(d, *_ISO_WEEK)
            return _format_week(token.lower(), week, year)
        case "Q":
            return str((d.month - 1) // 3 + 1)
        case "Qo":
            return _ordinal((d.month - 1) // 3 + 1)
        case _:
            return _MIDNIGHT.get(token, token)


def _format_week(token: str, week: int, year: int) -> str:
    if token == "w":
        return str(week)
    if token == "ww":
        return f"{week:02d}"
    if token == "wo":
        return _ordinal(week)
    if token == "gg":
        return f"{year % 100:02d}"
    return f"{year:04d}"


def _value(token: str, text: str) -> int:
    names = _NAME_VALUES.get(token)
    if names is not None:
        return names[text.lower()]
    return int(text.rstrip("stndrhSTNDRH"))


def _two_digit_year(yy: int) -> int:
    """moment's parseTwoDigitYear: 69-99 are the 1900s, 00-68 the 2000s."""
    return yy + (1900 if yy > 68 else 2000)


@dataclass(frozen=True, slots=True)
class _Compiled:
    """A tokenized format: literal parts and tokens for formatting, a regex for parsing."""

    parts: tuple[tuple[bool, str], ...]  # (is_token, text)
    regex: re.Pattern[str]
    fields: tuple[tuple[str, str], ...]  # (token, field) per capture group

    def format(self, d: date) -> str:
        return "".join(_format_token(d, text) if tok else text for tok, text in self.parts)

    def parse(self, text: str) -> date | None:
        match = self.regex.fullmatch(text)
        if match is None:
            return None
        seen: dict[str, int] = {}
        for (token, name), raw in zip(self.fields, match.groups(), strict=True):
            value = _value(token, raw)
            if seen.setdefault(name, value) != value:
                return None
        day = _build(seen)
        if day is None or not _consistent(day, seen):
            return None
        return day


def _build(f: dict[str, int]) -> date | None:
    """The day fixed by parsed fields, the way moment's configFromArray picks units."""
    year = f.get("year")
    if year is None and "yy" in f:
        year = _two_digit_year(f["yy"])
    try:
        if "month" in f or "day" in f:
            if year is None or "month" not in f:
                return None
            return date(year, f["month"], f.get("day", 1))
        if "doy" in f:
            if year is None or not 1 <= f["doy"] <= _days_in_year(year):
                return None
            return date(year, 1, 1) + timedelta(days=f["doy"] - 1)
        # ISO weeks (W, G) and moment's English locale weeks (w, g): same arithmetic,
        # different field names, default weekday and week rules.
        for week_key, year_key, yy_key, default_day, rules in (
            ("isoweek", "isoweekyear", "isoweekyy", 1, _ISO_WEEK),
            ("week", "weekyear", "weekyy", 0, _EN_WEEK),
        ):
            if week_key not in f:
                continue
            wyear = f.get(year_key)
            if wyear is None and yy_key in f:
                wyear = _two_digit_year(f[yy_key])
            wyear = year if wyear is None else wyear
            if wyear is None:
                return None
            iso_weekday = f.get("isoweekday")
            weekday = iso_weekday % 7 if iso_weekday is not None else f.get("weekday", default_day)
            return _from_week(wyear, f[week_key], weekday, *rules)
        if year is not None:
            return date(year, 1, 1)
    except (ValueError, OverflowError):
        return None
    return None


def _consistent(d: date, f: dict[str, int]) -> bool:
    """Every parsed field agrees with the day (moment rejects ``Monday`` on a Tuesday)."""
    actual: dict[str, int] = {
        "year": d.year,
        "yy": d.year % 100,
        "month": d.month,
        "day": d.day,
        "doy": d.timetuple().tm_yday,
        "weekday": d.isoweekday() % 7,
        "isoweekday": d.isoweekday(),
        "quarter": (d.month - 1) // 3 + 1,
    }
    if any(k in f for k in ("week", "weekyear", "weekyy")):
        week, wyear = _week_of_year(d, *_EN_WEEK)
        actual.update(week=week, weekyear=wyear, weekyy=wyear % 100)
    if any(k in f for k in ("isoweek", "isoweekyear", "isoweekyy")):
        week, wyear = _week_of_year(d, *_ISO_WEEK)
        actual.update(isoweek=week, isoweekyear=wyear, isoweekyy=wyear % 100)
    return all(actual[k] == v for k, v in f.items())


@lru_cache(maxsize=64)
def _compile(fmt: str) -> _Compiled:
    """Tokenize once per format: a vault has a handful of formats and 100k paths to test.

    The cache holds only pure functions of the format string, so it is not state.
    """
    parts: list[tuple[bool, str]] = []
    pattern: list[str] = []
    fields: list[tuple[str, str]] = []
    for m in _TOKEN.finditer(_expand(fmt)):
        text = m.group()
        if text in _PATTERNS:
            name, regex = _PATTERNS[text]
            parts.append((True, text))
            if name is None:
                pattern.append(f"(?:{regex})")
            else:
                pattern.append(f"({regex})")
                fields.append((text, name))
            continue
        if text.startswith("[") and text.endswith("]") and len(text) >= 2:
            text = text[1:-1]
        elif text.startswith("\\") and len(text) == 2:
            text = text[1]
        if parts and not parts[-1][0]:
            parts[-1] = (False, parts[-1][1] + text)
        else:
            parts.append((False, text))
        pattern.append(re.escape(text))
    return _Compiled(
        parts=tuple(parts),
        regex=re.compile("".join(pattern), re.IGNORECASE),
        fields=tuple(fields),
    )


def format_moment(d: date, fmt: str) -> str:
    """``d`` written with a moment.js format, as Obsidian names a note for that day."""
    return _compile(fmt).format(d)


def parse_moment(text: str, fmt: str) -> date | None:
    """The day ``text`` names under a moment.js format, or None.

    Strict like Obsidian's daily-note lookup: the whole text must match, names are
    English (any case), and every field must agree (a wrong weekday name is None).
    """
    return _compile(fmt).parse(text)


# ---------------------------------------------------------------------------
# daily notes

_ISO_NAME = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def _strip_md(path: str) -> str | None:
    return path[:-3] if path[-3:].lower() == ".md" else None


def daily_note_date(path: str, settings: ObsidianSettings) -> date | None:
    """The day a note is the daily note of, or None.

    A note under ``daily_folder`` whose path below it (without ``.md``) parses with
    ``daily_format``; or whose file name alone does (notes moved into year folders);
    or, anywhere in the vault, a note named exactly ``YYYY-MM-DD``.
    """
    stem = _strip_md(path)
    if stem is None:
        return None
    folder = settings.daily_folder.strip("/")
    fmt = settings.daily_format or "YYYY-MM-DD"
    rel: str | None = stem
    if folder:
        prefix = folder + "/"
        rel = stem[len(prefix) :] if stem[: len(prefix)].lower() == prefix.lower() else None
    name = stem.rsplit("/", 1)[-1]
    if rel is not None:
        day = parse_moment(rel, fmt)
        if day is None and "/" in rel and "/" not in fmt:
            day = parse_moment(name, fmt)
        if day is not None:
            return day
    if _ISO_NAME.fullmatch(name):
        return parse_date(name)
    return None


def daily_note_path(d: date, settings: ObsidianSettings) -> str:
    """Where the daily note for ``d`` lives: folder + formatted date + ``.md``."""
    folder = settings.daily_folder.strip("/")
    name = format_moment(d, settings.daily_format or "YYYY-MM-DD").strip("/")
    return f"{folder}/{name}.md" if folder else f"{name}.md"
