"""`vaultlink check`: problems with path and line; exit 1 on errors, 2 for no vault."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.vaultfiles import write_vault
from vaultlink.cli import app

SHARED = Path(__file__).resolve().parents[2] / "shared" / "vaults"
runner = CliRunner()


def test_clean_vault_exits_zero(tmp_path: Path) -> None:
    write_vault(tmp_path, {"People/Jane.md": "---\ntype: person\ncadence: 2w\n---\n"})
    result = runner.invoke(app, ["check", "--vault", str(tmp_path), "--no-cache"])
    assert result.exit_code == 0, result.output
    assert "1 notes, 1 people" in result.output
    assert "0 error(s)" in result.output


def test_errors_and_warnings_with_path_and_line(tmp_path: Path) -> None:
    write_vault(tmp_path, {
        "People/Jane.md": (
            "---\ntype: person\ncadence: sometimes\nmet: 2026-02-31\n---\n[[Nobody]]\n"
        ),
        "People/Bad.md": "---\ntype: person\nfoo: [unclosed\n---\nbody\n",
    })
    result = runner.invoke(app, ["check", "--vault", str(tmp_path), "--no-cache"])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    for where, code in [
        ("People/Jane.md:3:", "unknown-cadence"),
        ("People/Jane.md:4:", "bad-date"),
        ("People/Jane.md:6:", "unresolved-link"),
        ("People/Bad.md:3:", "malformed-frontmatter"),
    ]:
        assert any(where in line and code in line for line in lines), (where, code)


def test_json_output_is_only_json(tmp_path: Path) -> None:
    write_vault(tmp_path, {"a.md": "[[missing]]\n"})
    result = runner.invoke(app, ["check", "--vault", str(tmp_path), "--json", "--no-cache"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["errors"] == 0
    assert data["warnings"] == 1
    assert data["problems"][0] == {
        "path": "a.md", "line": 1, "severity": "warning", "code": "unresolved-link",
        "message": "[[missing]] does not match any note",
    }


def test_unreadable_vault_exits_two_without_traceback(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", "--vault", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "no such folder" in result.output
    assert "Traceback" not in result.output
    file = tmp_path / "file.md"
    file.write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["check", "--vault", str(file)])
    assert result.exit_code == 2
    assert "not a folder" in result.output


def test_vault_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_vault(tmp_path, {"People/Jane.md": "", "People/Joe.md": ""})
    monkeypatch.setenv("VAULTLINK_VAULT", str(tmp_path))
    result = runner.invoke(app, ["check", "--no-cache"])
    assert result.exit_code == 0
    assert "2 people" in result.output


@pytest.mark.parametrize("name", ["kepano-obsidian", "obsidian-help-en", "pokerole"])
def test_check_completes_on_real_vaults(tmp_path: Path, name: str) -> None:
    source = SHARED / name
    if not source.is_dir():
        pytest.skip(f"{source} not available")
    copy = tmp_path / name
    shutil.copytree(source, copy, symlinks=True)
    result = runner.invoke(app, ["check", "--vault", str(copy)])
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    last = result.stdout.strip().splitlines()[-1]
    for word in ("notes,", "error(s)", "warning(s)"):
        assert word in last
