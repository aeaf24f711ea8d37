"""The names ``vaultlink sync`` prints under its summary: open items only."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from tests.fixtures.sync.support import DUE, tick
from vaultlink.cli import app

SAMPLE = Path(__file__).resolve().parent.parent / "sample_vault"
ENV = {"COLUMNS": "200", "NO_COLOR": "1", "VAULTLINK_VAULT": None}


def _line(output: str, title: str) -> str:
    return next(line for line in output.splitlines() if line.startswith(f"  {title}: "))


def test_a_cancelled_item_is_not_named_but_the_others_are(tmp_path: Path) -> None:
    vault = Path(shutil.copytree(SAMPLE, tmp_path / "vault"))
    args = ["sync", "--vault", str(vault), "--today", "2026-11-23", "--no-cache"]
    first = CliRunner().invoke(app, args, env=ENV)
    assert first.exit_code == 0, first.output
    assert "Mei Tanaka" in _line(first.stdout, "overdue")
    tick(vault, DUE, "[[Mei Tanaka]]", mark="-")  # cancelled: still due, but done with
    second = CliRunner().invoke(app, args, env=ENV)
    assert second.exit_code == 0, second.output
    overdue = _line(second.stdout, "overdue")
    assert "Mei Tanaka" not in overdue
    assert overdue.removeprefix("  overdue: ").split(", ") == [
        name for name in _line(first.stdout, "overdue").removeprefix("  overdue: ").split(", ")
        if name != "Mei Tanaka"
    ]
    assert _line(second.stdout, "this week") == _line(first.stdout, "this week")
