"""``vaultlink log``: a dated line under the person's ## Log, with sync's safety."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import vaultlink
from tests.fixtures.sync.support import JANE, make_vault, read, snapshot
from vaultlink.cli import app
from vaultlink.sync import log_interaction
from vaultlink.vault import PersonNotFound

ENV = {"COLUMNS": "200", "NO_COLOR": "1", "VAULTLINK_VAULT": None}
JANE_PATH = "People/Jane Doe.md"


def run(*args: str) -> Any:
    return CliRunner().invoke(app, ["log", *args, "--no-cache"], env=ENV)


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return make_vault(tmp_path / "vault")


def test_log_appends_under_a_new_log_heading(vault: Path) -> None:
    result = run("Jane Doe", "coffee, talked about Zig", "--date", "2026-11-20",
                 "--vault", str(vault))
    assert result.exit_code == 0, result.output
    assert read(vault, JANE_PATH) == JANE + "\n## Log\n- 2026-11-20 — coffee, talked about Zig\n"
    assert f"logged in {JANE_PATH}: - 2026-11-20 — coffee, talked about Zig" in result.stdout
    # and the model now counts it as contact
    loaded = vaultlink.load(vault, use_cache=False)
    assert loaded.people[JANE_PATH].last_contact == date(2026, 11, 20)


def test_log_finds_people_by_alias_and_path(tmp_path: Path) -> None:
    jane = JANE.replace("role: Staff Engineer\n", "role: Staff Engineer\naliases: [JD]\n")
    vault = make_vault(tmp_path / "v", {JANE_PATH: jane})
    assert run("JD", "call", "--date", "2026-11-20", "--vault", str(vault)).exit_code == 0
    assert run(JANE_PATH, "email", "--date", "2026-11-21", "--vault", str(vault)).exit_code == 0
    text = read(vault, JANE_PATH)
    assert text.endswith("## Log\n- 2026-11-20 — call\n- 2026-11-21 — email\n")


def test_log_keeps_every_other_byte_and_the_line_endings(tmp_path: Path) -> None:
    original = (
        "\ufeff---\r\ntype: person\r\n---\r\n# Ann\r\n\r\n## Log\r\n- 2026-01-01 — met\r\n"
        "\r\n## After\r\nmore"
    )
    vault = make_vault(tmp_path / "v", {"People/Ann.md": original.encode("utf-8")})
    assert run("Ann", "lunch", "--date", "2026-11-20", "--vault", str(vault)).exit_code == 0
    assert (vault / "People/Ann.md").read_bytes().decode("utf-8") == original.replace(
        "- 2026-01-01 — met\r\n", "- 2026-01-01 — met\r\n- 2026-11-20 — lunch\r\n"
    )


def test_logging_the_same_line_twice_writes_once(vault: Path) -> None:
    for _ in range(2):
        result = run("Jane Doe", "call", "--date", "2026-11-20", "--vault", str(vault))
        assert result.exit_code == 0
    assert "already in" in result.stdout
    assert read(vault, JANE_PATH).count("- 2026-11-20 — call") == 1


def test_an_unknown_person_exits_2_with_candidates(vault: Path) -> None:
    before = snapshot(vault)
    result = run("Jane Do", "call", "--vault", str(vault))
    assert result.exit_code == 2
    assert "did you mean: Jane Doe" in result.stderr
    assert snapshot(vault) == before


def test_bad_date_and_empty_text_are_usage_errors(vault: Path) -> None:
    assert run("Jane Doe", "x", "--date", "20 Nov", "--vault", str(vault)).exit_code == 2
    assert run("Jane Doe", "   ", "--vault", str(vault)).exit_code == 2


def test_a_read_only_note_is_refused_with_exit_1(vault: Path) -> None:
    (vault / JANE_PATH).chmod(0o444)
    try:
        result = run("Jane Doe", "call", "--date", "2026-11-20", "--vault", str(vault))
    finally:
        (vault / JANE_PATH).chmod(0o644)
    assert result.exit_code == 1
    assert "refused" in result.stderr
    assert read(vault, JANE_PATH) == JANE


def test_library_log_interaction(vault: Path) -> None:
    loaded = vaultlink.load(vault, use_cache=False)
    result = log_interaction(loaded, "jane doe", "  sent   the article ", date(2026, 11, 22))
    assert result.written
    assert result.line == "- 2026-11-22 — sent the article"
    with pytest.raises(PersonNotFound):
        log_interaction(loaded, "Nobody", "x", date(2026, 11, 22))
    dry = log_interaction(loaded, "Jane Doe", "other", date(2026, 11, 23), dry_run=True)
    assert not dry.written
    assert "other" not in read(vault, JANE_PATH)
