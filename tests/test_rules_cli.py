"""``vaultlink due`` and the rules on real vaults: sample_vault and kepano-obsidian."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import vaultlink
from vaultlink.cli import app

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_vault"
KEPANO = Path("/work/shared/vaults/kepano-obsidian")
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "rules" / "small"
WIDE = {"COLUMNS": "220", "NO_COLOR": "1", "VAULTLINK_VAULT": None}


def run(*args: str) -> Any:
    return CliRunner().invoke(app, ["due", *args], env=WIDE)


def check_spec_item(item: Any) -> None:
    """SPEC §7.1: exactly these keys, these types, ISO dates, vault-relative paths."""
    assert isinstance(item, dict)
    assert list(item) == [
        "person", "name", "company", "due", "rule", "reason", "overdue_days", "sources",
    ]
    assert item["person"] is None or isinstance(item["person"], str)
    assert isinstance(item["name"], str)
    assert item["name"]
    assert item["company"] is None or isinstance(item["company"], str)
    assert isinstance(item["due"], str)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", item["due"])
    date.fromisoformat(item["due"])
    assert isinstance(item["rule"], str)
    assert isinstance(item["reason"], str)
    assert item["reason"]
    assert type(item["overdue_days"]) is int
    assert item["overdue_days"] >= 0
    assert isinstance(item["sources"], list)
    assert item["sources"]
    assert len(set(item["sources"])) == len(item["sources"])
    for path in [item["person"], item["company"], *item["sources"]]:
        if path is not None:
            assert isinstance(path, str)
            assert not path.startswith("/")
            assert ".." not in path.split("/")
    if item["rule"] == "reach-in":
        assert item["person"] is None


# -- the JSON contract -----------------------------------------------------------------------
def test_due_json_validates_against_the_spec_in_a_subprocess() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", "from vaultlink.cli import main; main()", "due", "--json",
         "--vault", str(SAMPLE), "--today", "2026-11-23", "--no-cache"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)  # nothing but JSON on stdout
    assert isinstance(data, list)
    assert data
    for item in data:
        check_spec_item(item)
    rules = {item["rule"] for item in data}
    assert {"thank-you", "rejection-checkin", "congratulate", "reach-in"} <= rules
    overdue = [item["overdue_days"] for item in data]
    assert overdue[0] > 0  # ranked: overdue first


def test_due_json_all_includes_later_and_lapsed() -> None:
    week = json.loads(run("--vault", str(SAMPLE), "--today", "2026-11-23", "--json",
                          "--no-cache").stdout)
    everything = json.loads(run("--vault", str(SAMPLE), "--today", "2026-11-23", "--json",
                                "--all", "--no-cache").stdout)
    for item in everything:
        check_spec_item(item)
    assert len(everything) > len(week)
    assert any(i["rule"] == "rejection-feedback" for i in everything)  # lapsed on 23 Nov
    assert not any(i["rule"] == "rejection-feedback" for i in week)


# -- the table ---------------------------------------------------------------------------------
def test_due_table_groups_overdue_this_week_and_coming_up() -> None:
    result = run("--vault", str(FIXTURE), "--today", "2026-11-23", "--no-cache")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.index("Overdue (1)") < out.index("This week (2)") < out.index("Coming up (1)")
    assert "Dana Okafor (Acme)" in out
    assert "thank Dana Okafor for the 18 Nov interview at Acme" in out
    assert "Globex (company)" in out
    assert "Later" not in out
    assert "1 overdue, 2 this week, 1 coming up (as of 2026-11-23)" in out
    # warnings about bad notes go to stderr, and the exit code stays 0
    assert "Broken.md" in result.stderr
    assert "Broken.md" not in out


def test_due_all_shows_later_and_marks_lapsed_items() -> None:
    result = run("--vault", str(FIXTURE), "--today", "2026-12-20", "--all", "--no-cache")
    assert result.exit_code == 0, result.output
    assert "(lapsed)" in result.stdout
    lapsed_line = next(line for line in result.stdout.splitlines() if "(lapsed)" in line)
    assert "thank-you" in lapsed_line
    plain = run("--vault", str(FIXTURE), "--today", "2026-12-20", "--no-cache")
    assert "(lapsed)" not in plain.stdout
    assert "thank Dana" not in plain.stdout


def test_due_with_nothing_due(tmp_path: Path) -> None:
    (tmp_path / "Note.md").write_text("Just a note.\n", encoding="utf-8")
    result = run("--vault", str(tmp_path), "--today", "2026-11-23", "--no-cache")
    assert result.exit_code == 0
    assert "Nothing due as of 2026-11-23" in result.stdout
    as_json = run("--vault", str(tmp_path), "--today", "2026-11-23", "--json", "--no-cache")
    assert json.loads(as_json.stdout) == []


def test_due_exit_codes_for_usage_errors(tmp_path: Path) -> None:
    bad_date = run("--vault", str(FIXTURE), "--today", "2026-13-01")
    assert bad_date.exit_code == 2
    assert "not a date" in bad_date.stderr
    missing = run("--vault", str(tmp_path / "nope"), "--today", "2026-11-23")
    assert missing.exit_code == 2
    assert "no such folder" in missing.stderr
    assert run("--no-such-flag").exit_code == 2


# -- real vaults -------------------------------------------------------------------------------
def test_sample_vault_at_the_rejection() -> None:
    vault = vaultlink.load(SAMPLE, use_cache=False)
    found = vault.due(today=date(2026, 10, 27))
    [feedback] = [i for i in found if i.rule == "rejection-feedback"]
    assert feedback.person == "People/Rafael Moreno.md"
    assert feedback.due == date(2026, 10, 28)  # decided 26 Oct + 2
    assert feedback.sources[0].path == "Applications/Halcyon Health - Senior Data Engineer.md"


def test_sample_vault_on_the_demo_date() -> None:
    vault = vaultlink.load(SAMPLE, use_cache=False)
    today = date(2026, 11, 23)
    found = vault.due(today=today, horizon="next")
    by_rule: dict[str, list[vaultlink.rules.FollowUp]] = {}
    for item in found:
        by_rule.setdefault(item.rule, []).append(item)

    [checkin] = by_rule["rejection-checkin"]
    assert (checkin.name, checkin.due) == ("Rafael Moreno", date(2026, 11, 25))

    thanks = {i.name: i for i in by_rule["thank-you"]}
    assert {"Marcus Lee", "Ines Duarte"} <= set(thanks)
    assert thanks["Marcus Lee"].sources[0].path == (
        "Interviews/2026-11-20 Northwind Labs final round.md"
    )
    assert thanks["Marcus Lee"].due == date(2026, 11, 21)

    congrats = {i.name: i for i in by_rule["congratulate"]}
    assert "promoted to Engineering Manager" in congrats["Dana Okafor"].reason
    assert congrats["Dana Okafor"].sources[0].path == "People/Dana Okafor.md"

    [reach] = by_rule["reach-in"]
    assert reach.person is None
    assert reach.company == "Companies/Copperline Systems.md"
    assert reach.sources[0].path == "Applications/Copperline Systems - Staff Backend Engineer.md"
    assert "Hannah Cho" in reach.reason

    names = {i.name for i in found}
    assert "Carla Jensen" not in names  # paused
    assert "Sofia Lindgren" not in names  # snoozed until 5 Dec
    assert all(not (i.person or "").startswith(("Templates/", "Archive/")) for i in found)
    # ranked: overdue items first, most urgent first
    overdue = [i for i in found if i.overdue_days]
    assert found[: len(overdue)] == overdue
    assert [i.urgency for i in overdue] == sorted((i.urgency for i in overdue), reverse=True)


@pytest.mark.skipif(not KEPANO.is_dir(), reason="kepano vault not available")
def test_kepano_meeting_gives_a_thank_you_and_templates_never_appear(tmp_path: Path) -> None:
    copy = tmp_path / "kepano"
    shutil.copytree(KEPANO, copy)
    vault = vaultlink.load(copy, use_cache=False)
    found = vault.due(today=date(2023, 9, 14), horizon="all", include_lapsed=True)
    thanks = [i for i in found if i.rule == "thank-you"]
    assert [i.person for i in thanks] == ["References/Steph Ango.md"]
    assert thanks[0].due == date(2023, 9, 13)
    assert thanks[0].sources[0].path == "Notes/2023-09-12 Meeting with Steph.md"
    for later in (date(2023, 9, 14), date(2024, 6, 1), date(2030, 1, 1)):
        for item in vault.due(today=later, horizon="all", include_lapsed=True):
            paths = [item.person or "", item.company or "", *(s.path for s in item.sources)]
            assert not any(p.startswith("Templates/") for p in paths), item


def test_fixture_vault_is_what_the_cli_tests_expect() -> None:
    """Guard: the small fixture keeps one bad note (a warning) and its five items."""
    vault = vaultlink.load(FIXTURE, use_cache=False)
    assert any(p.path == "People/Broken.md" for p in vault.problems)
    rules = [i.rule for i in vault.due(today=date(2026, 11, 23), horizon="next")]
    assert sorted(rules) == ["cadence", "explicit", "reach-in", "thank-you"]

