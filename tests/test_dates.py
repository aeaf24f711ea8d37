from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vaultlink.dates import (
    daily_note_date,
    daily_note_path,
    format_moment,
    is_date_like,
    parse_date,
    parse_moment,
)
from vaultlink.settings import ObsidianSettings

# ---------------------------------------------------------------- parse_date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2026, 10, 2), date(2026, 10, 2)),
        (datetime(2026, 10, 2, 10, 30), date(2026, 10, 2)),
        ("2026-10-02", date(2026, 10, 2)),
        ("  2026-10-02 ", date(2026, 10, 2)),
        ("2026-10-02T10:30", date(2026, 10, 2)),
        ("2026-10-02 10:30", date(2026, 10, 2)),
        ("2026-10-02T10:30:15.123Z", date(2026, 10, 2)),
        ("2026-10-02T10:30:15+02:00", date(2026, 10, 2)),
        ("2026/10/02", date(2026, 10, 2)),
        ("[[2026-10-02]]", date(2026, 10, 2)),
        ("[[2026-10-02|Friday]]", date(2026, 10, 2)),
    ],
)
def test_parse_date_accepts(value: object, expected: date) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        None,
        20261002,
        True,
        "",
        "soon",
        "2026-13-45",
        "2026-02-30",
        "2026-10-2",
        "2026-10/02",
        "02/10/2026",
        "2026-10-02T25:00",
        "2026-10-02 and more",
        ["2026-10-02"],
    ],
)
def test_parse_date_rejects(value: object) -> None:
    assert parse_date(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-13-45", True),
        ("2026-02-30", True),
        ("2026-10-02", True),
        ("2026-10-02T10:30", True),
        ("10/02/2026", True),
        ("2026-1-5", True),
        (date(2026, 1, 1), True),
        ("next week", False),
        ("12", False),
        (42, False),
        (None, False),
        ("2026-10-02x", False),
    ],
)
def test_is_date_like(value: object, expected: bool) -> None:
    assert is_date_like(value) is expected


# ---------------------------------------------------------------- moment formats

D = date(2026, 10, 2)  # a Friday


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("YYYY-MM-DD", "2026-10-02"),
        ("YY-M-D", "26-10-2"),
        ("YYYY/MM/YYYY-MM-DD", "2026/10/2026-10-02"),
        ("YYYY/MMMM/YYYY-MM-DD dddd", "2026/October/2026-10-02 Friday"),
        ("ddd, MMM Do YYYY", "Fri, Oct 2nd 2026"),
        ("dd d E e", "Fr 5 5 5"),
        ("DDDD DDD", "275 275"),
        ("[Week] WW [of] GGGG", "Week 40 of 2026"),
        ("gggg-[W]ww", "2026-W40"),
        ("Q Qo Mo", "4 4th 10th"),
        ("[YYYY] YYYY", "YYYY 2026"),
        ("\\Y YYYY", "Y 2026"),
        ("YYYY-MM-DD HH:mm", "2026-10-02 00:00"),
        ("YYYY-MM-DD h:mm a", "2026-10-02 12:00 am"),
        ("YYYY_MM_DD!", "2026_10_02!"),
        ("LL", "October 2, 2026"),
        ("l [L] LLLL", "10/2/2026 L Friday, October 2, 2026 12:00 AM"),
        # like moment: an unclosed "[" is literal; the letters after it are tokens (l = M/D/YYYY)
        ("[unclosed", "[unc10/2/2026o055"),
    ],
)
def test_format_moment(fmt: str, expected: str) -> None:
    assert format_moment(D, fmt) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"),
     (13, "13th"), (21, "21st"), (22, "22nd"), (23, "23rd"), (31, "31st")],
)  # fmt: skip
def test_ordinals(day: int, expected: str) -> None:
    assert format_moment(date(2026, 1, day), "Do") == expected


@pytest.mark.parametrize(
    ("day", "iso", "en"),
    [
        # ISO weeks start on Monday, week 1 holds 4 January; moment's "en" locale weeks
        # start on Sunday and week 1 holds 1 January.
        (date(2026, 1, 1), "2026-W01", "2026-W01"),
        (date(2025, 12, 28), "2025-W52", "2026-W01"),
        (date(2027, 1, 1), "2026-W53", "2027-W01"),
        (date(2027, 1, 3), "2026-W53", "2027-W02"),
        (date(2021, 1, 3), "2020-W53", "2021-W02"),
        (date(2022, 1, 1), "2021-W52", "2022-W01"),
    ],
)
def test_week_tokens(day: date, iso: str, en: str) -> None:
    assert format_moment(day, "GGGG-[W]WW") == iso
    assert format_moment(day, "gggg-[W]ww") == en
    week_year, week, _ = day.isocalendar()
    assert iso == f"{week_year}-W{week:02d}"


@pytest.mark.parametrize(
    ("text", "fmt", "expected"),
    [
        ("2026-10-02", "YYYY-MM-DD", D),
        ("2026/10/2026-10-02", "YYYY/MM/YYYY-MM-DD", D),
        ("2026/October/2026-10-02 Friday", "YYYY/MMMM/YYYY-MM-DD dddd", D),
        ("2026/october/2026-10-02 FRIDAY", "YYYY/MMMM/YYYY-MM-DD dddd", D),
        ("Fri, Oct 2nd 2026", "ddd, MMM Do YYYY", D),
        ("2026-275", "YYYY-DDDD", D),
        ("2026-W40-5", "GGGG-[W]WW-E", D),
        ("2026-W40", "GGGG-[W]WW", date(2026, 9, 28)),  # no weekday: the week's Monday
        ("2026-W40-5", "gggg-[W]ww-d", D),
        ("26-10-2", "YY-M-D", D),
        ("70-01-01", "YY-MM-DD", date(1970, 1, 1)),
        ("2026-10-02 09:15", "YYYY-MM-DD HH:mm", D),
        ("Journal 2026-10-02", "[Journal] YYYY-MM-DD", D),
        ("2026-10", "YYYY-MM", date(2026, 10, 1)),
        ("20261002", "YYYYMMDD", D),
        ("October 2, 2026", "LL", D),
    ],
)
def test_parse_moment(text: str, fmt: str, expected: date) -> None:
    assert parse_moment(text, fmt) == expected


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("2026-10-02 Thursday", "YYYY-MM-DD dddd"),  # weekday disagrees
        ("2026/09/2026-10-02", "YYYY/MM/YYYY-MM-DD"),  # folder disagrees with the name
        ("2026-10-2", "YYYY-MM-DD"),  # strict: DD needs two digits
        ("2026-13-02", "YYYY-MM-DD"),
        ("2026-02-30", "YYYY-MM-DD"),
        ("2026-10-02.md", "YYYY-MM-DD"),
        ("x2026-10-02", "YYYY-MM-DD"),
        ("10-02", "MM-DD"),  # no year: not a day without "today"
        ("2026-367", "YYYY-DDDD"),
        ("2027-W53-5", "GGGG-[W]WW-E"),  # 2027 has 52 ISO weeks
        ("2026-10-02", "YYYY-MM-DD [Q]Q"),
        ("", "YYYY-MM-DD"),
    ],
)
def test_parse_moment_rejects(text: str, fmt: str) -> None:
    assert parse_moment(text, fmt) is None


ROUND_TRIP_FORMATS = [
    "YYYY-MM-DD",
    "YYYY/MM/YYYY-MM-DD",
    "YYYY/MMMM/YYYY-MM-DD dddd",
    "YYYY/MM-MMMM/DD-dddd",
    "DD.MM.YYYY",
    "D MMMM YYYY",
    "dddd, MMMM Do, YYYY",
    "ddd MMM D YYYY",
    "dd, Do MMM YYYY",
    "YYYYMMDD",
    "YYYY-DDDD",
    "YYYY [day] DDD",
    "GGGG-[W]WW-E",
    "GGGG [week] W, dddd",
    "gggg-[W]ww-d",
    "gggg [w]wo ddd",
    "[Journal]/YYYY/Qo [quarter]/YYYY-MM-DD",
    "YYYY-MM-DD HH:mm",
    "[Daily Note] YYYY-MM-DD (ddd)",
    "M/D/YYYY",
    "LL",
    "llll",
]


@given(day=st.dates(min_value=date(1000, 1, 1), max_value=date(9998, 12, 31)))
def test_round_trip(day: date) -> None:
    for fmt in ROUND_TRIP_FORMATS:
        assert parse_moment(format_moment(day, fmt), fmt) == day, fmt


@given(day=st.dates(min_value=date(1969, 1, 1), max_value=date(2068, 12, 31)))
def test_round_trip_two_digit_years(day: date) -> None:
    for fmt in ("YY-MM-DD", "DD/MM/YY", "GG-[W]WW-E"):
        assert parse_moment(format_moment(day, fmt), fmt) == day, fmt


@given(day=st.dates(min_value=date(1000, 1, 1), max_value=date(9998, 12, 31)))
def test_iso_week_tokens_match_python(day: date) -> None:
    year, week, weekday = day.isocalendar()
    assert format_moment(day, "GGGG WW E") == f"{year:04d} {week:02d} {weekday}"


@given(day=st.dates(min_value=date(1000, 1, 8), max_value=date(9998, 12, 31)))
def test_locale_weeks_start_on_sunday(day: date) -> None:
    sunday = day - timedelta(days=day.isoweekday() % 7)
    assert format_moment(day, "gggg ww") == format_moment(sunday, "gggg ww")
    assert format_moment(sunday, "d") == "0"


# ---------------------------------------------------------------- daily notes


@pytest.mark.parametrize(
    ("path", "settings", "expected"),
    [
        ("2026-10-02.md", ObsidianSettings(), D),
        ("Daily/2026-10-02.md", ObsidianSettings(daily_folder="Daily"), D),
        ("daily/2026-10-02.MD", ObsidianSettings(daily_folder="Daily"), D),
        (
            "Daily/2026/10/2026-10-02.md",
            ObsidianSettings(daily_folder="Daily", daily_format="YYYY/MM/YYYY-MM-DD"),
            D,
        ),
        (
            "Journal/2026/October/2026-10-02 Friday.md",
            ObsidianSettings(daily_folder="Journal", daily_format="YYYY/MMMM/YYYY-MM-DD dddd"),
            D,
        ),
        ("Journal/02-10-2026.md", ObsidianSettings("Journal", "DD-MM-YYYY"), D),
        # moved into a year folder: the file name alone still parses
        ("Journal/2026/02-10-2026.md", ObsidianSettings("Journal", "DD-MM-YYYY"), D),
        # the common convention: a note named YYYY-MM-DD anywhere
        ("Meetings/2026-10-02.md", ObsidianSettings("Journal", "DD-MM-YYYY"), D),
        ("Elsewhere/2026-10-02.md", ObsidianSettings(daily_folder="Daily"), D),
        # not daily notes
        ("Other/02-10-2026.md", ObsidianSettings("Journal", "DD-MM-YYYY"), None),
        ("People/Jane Doe.md", ObsidianSettings(), None),
        ("2026-10-02 notes.md", ObsidianSettings(), None),
        ("2026-10-02.png", ObsidianSettings(), None),
        ("Daily/2026-13-02.md", ObsidianSettings(daily_folder="Daily"), None),
        ("Dailyish/02-10-2026.md", ObsidianSettings("Daily", "DD-MM-YYYY"), None),
    ],
)
def test_daily_note_date(path: str, settings: ObsidianSettings, expected: date | None) -> None:
    assert daily_note_date(path, settings) == expected


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (ObsidianSettings(), "2026-10-02.md"),
        (ObsidianSettings(daily_folder="Daily"), "Daily/2026-10-02.md"),
        (
            ObsidianSettings(daily_folder="Daily", daily_format="YYYY/MM/YYYY-MM-DD"),
            "Daily/2026/10/2026-10-02.md",
        ),
        (ObsidianSettings(daily_folder="", daily_format=""), "2026-10-02.md"),
        (
            ObsidianSettings(daily_folder="Journal", daily_format="YYYY/MMMM/YYYY-MM-DD dddd"),
            "Journal/2026/October/2026-10-02 Friday.md",
        ),
    ],
)
def test_daily_note_path(settings: ObsidianSettings, expected: str) -> None:
    assert daily_note_path(D, settings) == expected


@given(
    day=st.dates(min_value=date(1000, 1, 1), max_value=date(9998, 12, 31)),
    fmt=st.sampled_from(ROUND_TRIP_FORMATS),
    folder=st.sampled_from(["", "Daily", "Journal/Days"]),
)
def test_daily_note_path_round_trip(day: date, fmt: str, folder: str) -> None:
    settings = ObsidianSettings(daily_folder=folder, daily_format=fmt)
    assert daily_note_date(daily_note_path(day, settings), settings) == day
