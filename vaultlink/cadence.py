"""Cadence values (``2w``, ``30d``, ``monthly``, tier names, ...) to a number of days.

A cadence is how often the user wants to be in touch with someone. ``never`` means
"no cadence items for this person"; an unknown value is reported, never raised.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

NAMED: Mapping[str, int] = {
    "daily": 1,
    "weekly": 7,
    "biweekly": 14,
    "fortnightly": 14,
    "semimonthly": 15,
    "monthly": 30,
    "bimonthly": 61,
    "quarterly": 91,
    "semiannually": 182,
    "biannually": 182,
    "yearly": 365,
    "annually": 365,
}
NEVER = frozenset({"never", "none", "no", "off", "0"})
UNITS: Mapping[str, int] = {
    "d": 1, "day": 1, "days": 1,
    "w": 7, "wk": 7, "wks": 7, "week": 7, "weeks": 7,
    "m": 30, "mo": 30, "mos": 30, "month": 30, "months": 30,
    "q": 91, "quarter": 91, "quarters": 91,
    "y": 365, "yr": 365, "yrs": 365, "year": 365, "years": 365,
}


@dataclass(frozen=True, slots=True)
class Cadence:
    """A parsed cadence: ``days`` is None for ``never``; ``error`` explains a bad value."""

    days: int | None
    error: str | None = None

    @property
    def never(self) -> bool:
        return self.days is None and self.error is None


def parse_cadence(value: object, tiers: Mapping[str, object] | None = None) -> Cadence:
    """Parse a cadence property or config value.

    Accepts a bare number of days (int or numeric string), ``<n><unit>`` with optional
    space (``2w``, ``30d``, ``6 weeks``, ``3 months``), the named rhythms above,
    ``never``/``none``, and names from the ``[tiers]`` table (which map to any of these).
    """
    if isinstance(value, bool):
        return Cadence(None, f"cadence must be a duration, not {value!r}")
    if isinstance(value, int | float):
        days = int(value)
        if days <= 0:
            return Cadence(None)
        return Cadence(days)
    if not isinstance(value, str):
        return Cadence(None, f"cadence must be a duration, not {type(value).__name__}")
    text = " ".join(value.strip().lower().split())
    if not text:
        return Cadence(None, "empty cadence")
    if text in NEVER:
        return Cadence(None)
    if text in NAMED:
        return Cadence(NAMED[text])
    if tiers:
        for name, tier_value in tiers.items():
            if name.lower() == text and not (
                isinstance(tier_value, str) and tier_value.strip().lower() == text
            ):
                return parse_cadence(tier_value, None)
    every = text.removeprefix("every ").strip()
    number, unit = _split_number(every)
    if number is not None:
        if not unit:
            return Cadence(number) if number > 0 else Cadence(None)
        factor = UNITS.get(unit)
        if factor is not None:
            return Cadence(number * factor) if number > 0 else Cadence(None)
    if every in UNITS:
        return Cadence(UNITS[every])
    return Cadence(None, f"unknown cadence {value!r} (try 2w, 30d, monthly or never)")


def _split_number(text: str) -> tuple[int | None, str]:
    digits = ""
    for index, char in enumerate(text):
        if char.isdigit() and char.isascii():
            digits += char
            continue
        if not digits:
            return None, text
        return int(digits), text[index:].strip()
    return (int(digits), "") if digits else (None, text)
