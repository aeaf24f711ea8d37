"""``vaultlink export ics``: RFC 5545 structure, folding, escaping, determinism."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

import vaultlink
from vaultlink.cli import app
from vaultlink.export.ics import escape_text, fold, to_ics
from vaultlink.records import Source
from vaultlink.rules import FollowUp

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_vault"
DEMO = date(2026, 11, 23)
ENV = {"COLUMNS": "200", "NO_COLOR": "1", "VAULTLINK_VAULT": None}


def item(**kw: Any) -> FollowUp:
    base: dict[str, Any] = {
        "person": "People/Jane Doe.md", "name": "Jane Doe", "company": "Companies/Acme.md",
        "due": date(2026, 11, 27), "rule": "rejection-checkin",
        "reason": "a month since the Acme rejection", "trigger": "x",
        "sources": (Source("Applications/Acme.md", 4), Source("People/Jane Doe.md")),
    }
    base.update(kw)
    return FollowUp(**base)


def unfold(text: str) -> list[str]:
    """Content lines as a calendar app reads them (RFC 5545 §3.1)."""
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)


def check_structure(text: str) -> list[dict[str, str]]:
    """Validate an iCalendar text; return each VEVENT's properties (name -> raw value)."""
    raw = text.encode("utf-8")
    assert raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")  # every line ends in CRLF, no bare LF
    assert b"\r" not in raw.replace(b"\r\n", b"")
    for physical in raw.split(b"\r\n")[:-1]:
        assert len(physical) <= 75, physical
        physical.decode("utf-8")  # folding never splits a UTF-8 sequence
    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR"
    assert lines[-1] == "END:VCALENDAR"
    stack: list[str] = []
    events: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for line in lines:
        name, _, value = line.partition(":")
        if name == "BEGIN":
            stack.append(value)
            if value == "VEVENT":
                current = {}
        elif name == "END":
            assert stack.pop() == value
            if value == "VEVENT":
                assert current is not None
                events.append(current)
                current = None
        elif current is not None:
            assert name.split(";")[0] not in current, f"duplicate {name}"
            current[name.split(";")[0]] = line
    assert stack == []
    calendar = {line.split(":")[0] for line in lines}
    assert {"VERSION", "PRODID"} <= calendar
    for event in events:
        assert {"UID", "DTSTAMP", "DTSTART", "SUMMARY"} <= set(event)
        assert re.fullmatch(r"DTSTART;VALUE=DATE:\d{8}", event["DTSTART"])
        assert re.fullmatch(r"DTSTAMP:\d{8}T\d{6}Z", event["DTSTAMP"])
    return events


def value(prop: str) -> str:
    return prop.split(":", 1)[1]


def test_one_all_day_event_per_item() -> None:
    items = [item(), item(person="People/Bo.md", name="Bo", due=date(2026, 11, 30),
                          rule="cadence", reason="every 2 weeks", trigger="y")]
    text = to_ics(items, DEMO)
    events = check_structure(text)
    assert len(events) == 2
    first = events[0]
    assert value(first["UID"]) == f"{items[0].block_id}@vaultlink"
    assert first["DTSTART"] == "DTSTART;VALUE=DATE:20261127"
    assert first["DTEND"] == "DTEND;VALUE=DATE:20261128"
    assert value(first["SUMMARY"]) == "Reach out to Jane Doe"
    assert value(first["DTSTAMP"]) == "20261123T000000Z"
    description = unescape(value(first["DESCRIPTION"]))
    assert description.startswith("A month since the Acme rejection\n")
    assert "Applications/Acme.md" in description
    assert "People/Jane Doe.md" in description


def test_overdue_items_show_on_today_and_say_since_when() -> None:
    events = check_structure(to_ics([item(due=date(2026, 11, 18), overdue_days=5)], DEMO))
    assert events[0]["DTSTART"] == "DTSTART;VALUE=DATE:20261123"
    assert "due 2026-11-18 (5 days ago)" in unescape(value(events[0]["DESCRIPTION"]))


def test_company_items_and_obsidian_urls() -> None:
    reach = item(person=None, name="Initech", company="Companies/Initech.md",
                 rule="reach-in", reason="you applied and know nobody there")
    events = check_structure(to_ics([reach], DEMO, vault_name="My Vault"))
    assert value(events[0]["SUMMARY"]) == "Reach out to someone at Initech"
    assert value(events[0]["URL"]) == \
        "obsidian://open?vault=My%20Vault&file=Companies%2FInitech"


def test_text_escaping_of_commas_semicolons_backslashes_newlines() -> None:
    tricky = item(name="Doe, Jane; \\ PhD", reason="line one\nline two, with; all \\ of it")
    events = check_structure(to_ics([tricky], DEMO))
    summary = value(events[0]["SUMMARY"])
    assert summary == "Reach out to Doe\\, Jane\\; \\\\ PhD"
    assert unescape(summary) == "Reach out to Doe, Jane; \\ PhD"
    description = value(events[0]["DESCRIPTION"])
    assert "\\n" in description
    assert unescape(description).startswith("Line one line two, with; all \\ of it")
    assert escape_text("a\r\nb\x00c") == "a\\nbc"


def test_long_and_multibyte_lines_fold_at_75_octets() -> None:
    long = item(name="Zoë Müller-Łukasiewicz 🚀" * 6, reason="🎉 " * 80)
    text = to_ics([long], DEMO)
    assert "\r\n " in text
    events = check_structure(text)
    name = "Zoë Müller-Łukasiewicz 🚀" * 6
    assert unescape(value(events[0]["SUMMARY"])) == f"Reach out to {name}"


@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=400))
def test_fold_round_trips_and_respects_the_limit(text: str) -> None:
    line = "DESCRIPTION:" + escape_text(text)
    folded = fold(line)
    for physical in folded.split("\r\n"):
        assert len(physical.encode("utf-8")) <= 75
    assert folded.replace("\r\n ", "") == line


def test_output_is_deterministic_and_empty_calendar_is_valid() -> None:
    items = [item(), item(trigger="z", due=date(2026, 12, 1))]
    assert to_ics(items, DEMO) == to_ics(list(items), DEMO)
    assert to_ics(items, DEMO) != to_ics(items, date(2026, 11, 24))  # DTSTAMP follows today
    assert check_structure(to_ics([], DEMO)) == []
    assert len(check_structure(to_ics([item(), item()], DEMO))) == 1  # one UID, one event


def test_cli_on_the_sample_vault_matches_due() -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["export", "ics", "--vault", str(SAMPLE), "--today",
                                 DEMO.isoformat()], env=ENV)
    assert result.exit_code == 0, result.output
    text = result.stdout_bytes.decode("utf-8")  # .stdout would turn CRLF into LF
    events = check_structure(text)
    vault = vaultlink.load(SAMPLE)
    due = vault.due(DEMO, horizon="next")
    assert due
    assert [value(e["UID"]) for e in events] == [f"{i.block_id}@vaultlink" for i in due]
    again = runner.invoke(app, ["export", "ics", "--vault", str(SAMPLE), "--today",
                                DEMO.isoformat()], env=ENV)
    assert again.stdout_bytes == result.stdout_bytes
    everything = runner.invoke(app, ["export", "ics", "--vault", str(SAMPLE), "--today",
                                     DEMO.isoformat(), "--all"], env=ENV)
    assert len(check_structure(everything.stdout_bytes.decode("utf-8"))) >= len(events)


def test_cli_output_file_outside_the_vault(tmp_path: Path) -> None:
    target = tmp_path / "calendars" / "followups.ics"
    target.parent.mkdir()
    result = CliRunner().invoke(app, ["export", "ics", "--vault", str(SAMPLE), "--today",
                                      DEMO.isoformat(), "-o", str(target)], env=ENV)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "wrote" in result.stderr
    data = target.read_bytes()
    check_structure(data.decode("utf-8"))
    assert [p.name for p in target.parent.iterdir()] == ["followups.ics"]  # no temp left


def test_cli_refuses_to_overwrite_a_note(tmp_path: Path) -> None:
    note = tmp_path / "Due.md"
    note.write_text("mine\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["export", "ics", "--vault", str(SAMPLE), "-o",
                                      str(note)], env=ENV)
    assert result.exit_code == 2
    assert note.read_text(encoding="utf-8") == "mine\n"


@pytest.mark.parametrize("args", [["--today", "soon"], ["--vault", "/nonexistent/vault"]])
def test_cli_usage_errors_exit_2(args: list[str]) -> None:
    result = CliRunner().invoke(app, ["export", "ics", *args], env=ENV)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
