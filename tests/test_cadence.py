from __future__ import annotations

import pytest

from vaultlink.cadence import parse_cadence


@pytest.mark.parametrize(
    ("value", "days"),
    [
        ("2w", 14),
        ("30d", 30),
        ("6 weeks", 42),
        ("6 Weeks", 42),
        ("weekly", 7),
        ("biweekly", 14),
        ("monthly", 30),
        ("quarterly", 91),
        ("yearly", 365),
        ("3 months", 90),
        ("every 2 weeks", 14),
        ("21", 21),
        (21, 21),
        (14.0, 14),
        ("1y", 365),
    ],
)
def test_known_cadences(value: object, days: int) -> None:
    parsed = parse_cadence(value)
    assert parsed.error is None
    assert parsed.days == days


@pytest.mark.parametrize("value", ["never", "None", "none", "off", 0, "0"])
def test_never_means_no_cadence_and_no_error(value: object) -> None:
    parsed = parse_cadence(value)
    assert parsed.days is None
    assert parsed.error is None
    assert parsed.never


@pytest.mark.parametrize("value", ["sometimes", "2 fortnights", "", True, [1], {"a": 1}, "w2"])
def test_unknown_values_are_errors_not_crashes(value: object) -> None:
    parsed = parse_cadence(value)
    assert parsed.days is None
    assert parsed.error


def test_tier_names_map_through_the_tier_table() -> None:
    tiers = {"close": "2w", "Acquaintance": "quarterly", "loop": "loop"}
    assert parse_cadence("close", tiers).days == 14
    assert parse_cadence("acquaintance", tiers).days == 91
    # a tier that names itself must not recurse forever
    assert parse_cadence("loop", tiers).error
