"""``vaultlink plugins``: every rule and starter source loaded, where from, enabled or not."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from vaultlink.cli import app
from vaultlink.config import RuleSettings
from vaultlink.rules import FollowUp, RuleContext, rule, unregister

ENV = {"COLUMNS": "200", "NO_COLOR": "1", "VAULTLINK_VAULT": None}
BUILTIN_RULES = [
    "thank-you", "rejection-feedback", "rejection-checkin", "let-them-know", "reach-in",
    "congratulate", "cadence", "explicit", "open-loop", "drift",
]
BUILTIN_STARTERS = {
    "shared-interests", "impressions", "wins", "open-loops", "questions",
    "mutual-connections", "rejection",
}


def plugins_json(vault: Path) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["plugins", "--vault", str(vault), "--json"], env=ENV)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_lists_all_builtin_rules_and_starter_sources(tmp_path: Path) -> None:
    data = plugins_json(tmp_path)
    rules = data["rules"]
    assert [r["name"] for r in rules][:10] == BUILTIN_RULES
    assert list(RuleSettings().enabled) == BUILTIN_RULES
    for entry in rules[:10]:
        assert entry["origin"] == "builtin"
        assert entry["module"] == "vaultlink.rules.builtin"
        assert entry["enabled"] is True
        assert entry["description"]
    starters = {s["name"]: s for s in data["starters"]}
    assert set(starters) >= BUILTIN_STARTERS
    assert all(s["origin"] == "builtin" and s["module"].startswith("vaultlink.starters")
               for s in starters.values())
    assert data["errors"] == []


def test_config_disables_rules(tmp_path: Path) -> None:
    (tmp_path / "vaultlink.toml").write_text(
        '[rules]\ndisabled = ["drift", "reach-in"]\n', encoding="utf-8")
    enabled = {r["name"]: r["enabled"] for r in plugins_json(tmp_path)["rules"]}
    assert enabled["drift"] is False
    assert enabled["reach-in"] is False
    assert enabled["cadence"] is True


@pytest.fixture
def extra_rule() -> Iterator[str]:
    from vaultlink.rules import core

    core._ORIGIN.append("acme-vaultlink-rules")
    try:
        @rule("birthday", "wish them a happy birthday")
        def birthday(ctx: RuleContext) -> list[FollowUp]:
            return []
    finally:
        core._ORIGIN.pop()
    yield "birthday"
    unregister("birthday")


def test_third_party_rules_show_their_origin_and_module(
    tmp_path: Path, extra_rule: str
) -> None:
    entry = next(r for r in plugins_json(tmp_path)["rules"] if r["name"] == extra_rule)
    assert entry["origin"] == "acme-vaultlink-rules"
    assert entry["module"] == __name__
    assert entry["enabled"] is True
    assert entry["description"] == "wish them a happy birthday"
    table = CliRunner().invoke(app, ["plugins", "--vault", str(tmp_path)], env=ENV)
    assert table.exit_code == 0
    assert "acme-vaultlink-rules (tests.test_plugins)" in table.stdout
    assert "Follow-up rules (11)" in table.stdout


def test_table_output_and_missing_vault(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["plugins", "--vault", str(tmp_path)], env=ENV)
    assert result.exit_code == 0
    assert "Follow-up rules (10)" in result.stdout
    assert "Starter sources" in result.stdout
    assert "built-in (vaultlink.rules.builtin)" in result.stdout
    missing = CliRunner().invoke(app, ["plugins", "--vault", str(tmp_path / "nope")], env=ENV)
    assert missing.exit_code == 2
