"""``vaultlink starters`` and the starters for everyone due on the demo vault."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import vaultlink
from tests.vaultfiles import write_vault
from vaultlink.cli import app
from vaultlink.starters import StarterContext, registered_sources, starters_for_due
from vaultlink.vault import Vault

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_vault"
DEMO = "2026-11-23"
ENV = {"COLUMNS": "200", "NO_COLOR": "1", "VAULTLINK_VAULT": None}


def run(*args: str) -> Any:
    return CliRunner().invoke(app, ["starters", *args], env=ENV)


@pytest.fixture(scope="module")
def sample() -> Vault:
    return vaultlink.load(SAMPLE, use_cache=False)


def test_everyone_due_on_the_demo_date_gets_two_sourced_specific_starters(
    sample: Vault,
) -> None:
    today = date.fromisoformat(DEMO)
    due_people = {f.person for f in sample.due(today=today) if f.person}
    groups = starters_for_due(sample, today)
    assert [p.path for p, _ in groups]
    assert {p.path for p, _ in groups} == due_people
    for person, items in groups:
        assert len(items) >= 2, person.path
        assert len(items) <= sample.config.max_starters
        for starter in items:
            assert starter.source.path in sample.notes, starter
            assert starter.link.startswith("[[")
            assert starter.link.endswith("]]")
            assert "[[" not in starter.text
        # none generic when there is specific material for this person
        ctx = StarterContext(sample, person, today)
        specific = [s for func in registered_sources().values() for s in func(ctx)
                    if s.kind != "generic"]
        if len(specific) >= 2:
            assert all(s.kind != "generic" for s in items), person.path


def test_demo_starters_say_concrete_things(sample: Vault) -> None:
    groups = {p.name: items for p, items in starters_for_due(sample, date(2026, 11, 23))}
    dana = [s.text for s in groups["Dana Okafor"]]
    assert "Congratulate Dana on being promoted to Engineering Manager" in dana
    assert "Dana was impressed by your backfill story — share how it turned out" in dana
    rafael = groups["Rafael Moreno"]
    assert rafael[0].kind == "check-in"  # due for the rejection check-in
    assert not any(s.kind == "rejection" for s in rafael)


def test_json_output_follows_the_spec(sample: Vault) -> None:
    result = run("--vault", str(SAMPLE), "--today", DEMO, "--json", "--no-cache")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert isinstance(data, list)
    assert data
    for group in data:
        assert list(group) == ["person", "name", "starters"]
        assert group["person"] in sample.people
        assert group["name"] == sample.people[group["person"]].name
        assert 2 <= len(group["starters"]) <= 5
        for starter in group["starters"]:
            assert list(starter) == ["kind", "text", "source"]
            assert all(isinstance(v, str) and v for v in starter.values())
            path, _, heading = starter["source"].partition("#")
            assert path in sample.notes
            assert not path.startswith("/")
            assert ".." not in path.split("/")
            if heading:
                assert heading in {b.heading for b in sample.notes[path].blocks}


def test_one_person_by_name_human_output() -> None:
    result = run("Priya Natarajan", "--vault", str(SAMPLE), "--today", DEMO, "--no-cache")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Priya Natarajan — Northwind Labs  People/Priya Natarajan.md")
    assert "1. " in out
    assert "↳ [[" in out


def test_one_person_json_is_a_list_of_one(tmp_path: Path) -> None:
    result = run("Priya", "--vault", str(SAMPLE), "--today", DEMO, "--json", "--no-cache")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [g["person"] for g in data] == ["People/Priya Natarajan.md"]


def test_unknown_person_exits_2_with_closest_matches() -> None:
    result = run("Dana Okafr", "--vault", str(SAMPLE), "--today", DEMO, "--no-cache")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "no person matches 'Dana Okafr'" in result.stderr
    assert "Dana Okafor" in result.stderr
    assert result.stdout == ""


def test_ambiguous_person_exits_2_listing_candidates(tmp_path: Path) -> None:
    write_vault(tmp_path, {
        "People/Alex Kim.md": "---\ntype: person\n---\n",
        "Contacts/Alex Kim.md": "---\ntype: person\n---\n",
    })
    result = run("alex kim", "--vault", str(tmp_path), "--today", DEMO, "--no-cache")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "Contacts/Alex Kim.md" in result.stderr
    assert "People/Alex Kim.md" in result.stderr


def test_nobody_due_says_so(tmp_path: Path) -> None:
    write_vault(tmp_path, {"People/Alex Kim.md": "---\ntype: person\n---\n"})
    result = run("--vault", str(tmp_path), "--today", DEMO, "--no-cache")
    assert result.exit_code == 0
    assert "Nobody is due this week" in result.stdout
    result = run("--vault", str(tmp_path), "--today", DEMO, "--no-cache", "--json")
    assert json.loads(result.stdout) == []


def test_unreadable_vault_and_bad_date_exit_2() -> None:
    assert run("--vault", "/nonexistent/vault").exit_code == 2
    result = run("--vault", str(SAMPLE), "--today", "23/11/2026")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
