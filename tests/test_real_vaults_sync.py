"""sync on copies of real public vaults: it writes its own notes and today's daily note,
and not one byte anywhere else; a second sync writes nothing."""

from __future__ import annotations

import os
import shutil
from datetime import date, time
from pathlib import Path

import pytest

import vaultlink
from tests.fixtures.sync.support import mtimes, snapshot
from vaultlink.dates import daily_note_path
from vaultlink.edits import BLOCK_END, BLOCK_START

VAULTS = Path("/work/shared/vaults")
TODAY = date(2026, 11, 23)
DUE = "Vaultlink/Due this week.md"
STARTERS = "Vaultlink/Conversation starters.md"


def copy(name: str, tmp_path: Path) -> Path:
    source = VAULTS / name
    if not source.is_dir():
        pytest.skip(f"{source} is not available")
    return Path(shutil.copytree(source, tmp_path / name, symlinks=True))


def changed(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    assert set(before) <= set(after), "a file disappeared"
    return {path for path, data in after.items() if before.get(path) != data}


@pytest.mark.parametrize("name", ["kepano-obsidian", "obsidian-help-en"])
def test_sync_touches_only_its_own_notes(name: str, tmp_path: Path) -> None:
    root = copy(name, tmp_path)
    if name == "kepano-obsidian":
        # give everyone a cadence, so there is something due today and the daily note
        # is created from the vault's real template
        (root / "vaultlink.toml").write_text('[rules]\ndefault_cadence = "monthly"\n',
                                             encoding="utf-8")
    before = snapshot(root)
    vault = vaultlink.load(root, use_cache=False)
    daily = daily_note_path(TODAY, vault.settings)
    report = vault.sync(today=TODAY, now=time(8, 0))
    assert report.ok, report.refused
    after = snapshot(root)
    assert changed(before, after) == set(report.written)
    assert {DUE, STARTERS} <= set(report.written) <= {DUE, STARTERS, daily}
    if name == "kepano-obsidian":
        assert report.overdue + report.this_week > 0
        text = after[daily].decode("utf-8")
        assert text.startswith("---\ntags:\n  - daily\n---\n## Notes\n\n![[Daily.base]]\n")
        assert BLOCK_START in text
        assert text.endswith(BLOCK_END)  # the template has no final newline; kept so
    # a second sync, on a fresh load, writes nothing
    stamps = mtimes(root)
    again = vaultlink.load(root, use_cache=False).sync(today=TODAY, now=time(8, 5))
    assert again.written == ()
    assert snapshot(root) == after
    assert mtimes(root) == stamps


def test_sync_on_pokerole_touches_only_its_own_notes(tmp_path: Path) -> None:
    """4,900 notes: loaded once (the slow part); the second sync replans from the files
    as they are on disk, which is what a repeat run sees."""
    root = copy("pokerole", tmp_path)
    before = snapshot(root)
    vault = vaultlink.load(root, use_cache=False, workers=os.cpu_count())
    report = vault.sync(today=TODAY, now=time(8, 0))
    assert report.ok, report.refused
    after = snapshot(root)
    daily = daily_note_path(TODAY, vault.settings)
    assert changed(before, after) == set(report.written)
    assert {DUE, STARTERS} <= set(report.written) <= {DUE, STARTERS, daily}
    stamps = mtimes(root)
    again = vault.sync(today=TODAY, now=time(8, 5))
    assert again.written == ()
    assert again.changes
    assert all(c.new_text == c.old_text for c in again.changes)
    assert snapshot(root) == after
    assert mtimes(root) == stamps
