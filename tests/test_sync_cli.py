"""``vaultlink sync`` end to end on a copy of sample_vault: the tick round trip, dry run,
JSON, exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.fixtures.sync.support import DAILY, DUE, STARTERS, mtimes, read, snapshot, tick
from vaultlink.cli import app

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_vault"
ENV = {"COLUMNS": "200", "NO_COLOR": "1", "VAULTLINK_VAULT": None}
MEI = "People/Mei Tanaka.md"


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), env=ENV)


def sync(vault: Path, *extra: str) -> Any:
    return run("sync", "--vault", str(vault), "--today", "2026-11-23", "--no-cache", *extra)


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SAMPLE, tmp_path / "vault"))


def test_tick_round_trip_through_the_cli(vault: Path) -> None:
    untouched = snapshot(vault)
    first = sync(vault)
    assert first.exit_code == 0, first.output
    assert "wrote 2 notes, created today's daily note" in first.stdout
    changed = {p for p, data in snapshot(vault).items() if untouched.get(p) != data}
    assert changed == {DUE, STARTERS, DAILY}

    mei_before = (vault / MEI).read_bytes()
    tick(vault, DUE, "[[Mei Tanaka]]")
    second = sync(vault)
    assert second.exit_code == 0, second.output
    assert "logged 1 ticked item" in second.stdout
    assert f"logged in {MEI}" in second.stdout
    mei_after = (vault / MEI).read_bytes()
    assert mei_after.startswith(mei_before)  # every byte of the note is kept...
    added = mei_after[len(mei_before):].decode("utf-8")
    assert b"\r\n" in mei_before  # this note has Windows line endings, and keeps them:
    assert added.startswith("\r\n## Log\r\n- 2026-11-23 — reached out: ")  # ...plus the log
    assert added.endswith(" (vaultlink) ^vl-376fca\r\n")
    assert added.count("\n") == added.count("\r\n") == 3
    assert "[[Mei Tanaka]]" not in read(vault, DUE).split("## Coming up")[0]
    assert "vl-376fca" not in read(vault, DUE)
    assert "vl-376fca" not in read(vault, DAILY)

    before, stamps = snapshot(vault), mtimes(vault)
    third = sync(vault)
    assert third.exit_code == 0, third.output
    assert "nothing to change" in third.stdout
    assert snapshot(vault) == before
    assert mtimes(vault) == stamps


def test_dry_run_prints_diffs_and_writes_nothing(vault: Path) -> None:
    before, stamps = snapshot(vault), mtimes(vault)
    result = sync(vault, "--dry-run")
    assert result.exit_code == 0, result.output
    assert f"--- a/{DUE}" in result.stdout
    assert f"+++ b/{DAILY}" in result.stdout
    assert "would write 2 notes" in result.stdout
    assert snapshot(vault) == before
    assert mtimes(vault) == stamps


def test_json_output_is_only_json(vault: Path) -> None:
    result = sync(vault, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["counts"]["overdue"] >= 1
    assert set(data["written"]) == {DUE, STARTERS, DAILY}
    assert data["summary"].startswith(f"{data['counts']['overdue']} overdue")
    assert all(set(item) >= {"person", "name", "due", "rule", "reason", "block_id"}
               for item in data["due"])


def test_a_refused_write_exits_1_and_says_why(vault: Path) -> None:
    (vault / "Vaultlink").mkdir()
    (vault / DUE).write_text("my own list\n", encoding="utf-8")
    result = sync(vault)
    assert result.exit_code == 1
    assert f"refused: {DUE}" in result.stderr
    assert "generated_by: vaultlink" in result.stderr
    assert read(vault, DUE) == "my own list\n"


def test_a_setting_pointing_outside_the_vault_exits_1(vault: Path, tmp_path: Path) -> None:
    (vault / "vaultlink.toml").write_text('[output]\nfolder = "../out"\n', encoding="utf-8")
    before = snapshot(vault)
    result = sync(vault)
    assert result.exit_code == 1
    assert "refused: vaultlink.toml" in result.stderr
    assert "[output] folder = '../out' points outside the vault" in result.stderr
    assert snapshot(vault) == before
    assert not (tmp_path / "out").exists()


def test_an_unreadable_vault_exits_2(tmp_path: Path) -> None:
    result = run("sync", "--vault", str(tmp_path / "nope"), "--today", "2026-11-23")
    assert result.exit_code == 2
    assert "no such folder" in result.stderr


def test_a_bad_today_is_a_usage_error(vault: Path) -> None:
    result = run("sync", "--vault", str(vault), "--today", "23/11/2026")
    assert result.exit_code == 2
