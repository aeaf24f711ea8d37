"""sync: ticks in earlier days' daily notes, a configured daily heading that is missing,
and temp files left behind by a killed write."""

from __future__ import annotations

import os
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import vaultlink
import vaultlink.sync as sync_module
from tests.fixtures.sync.support import (
    DAILY,
    DUE,
    NOW,
    TODAY,
    make_vault,
    mtimes,
    read,
    run_sync,
    snapshot,
    tick,
)
from tests.test_writer_properties import notes
from vaultlink.edits import (
    BLOCK_END,
    BLOCK_START,
    dominant_newline,
    find_managed_block,
    replace_managed_block,
)
from vaultlink.writer import FileState, read_state

JANE_PATH = "People/Jane Doe.md"
GLOBEX = "Companies/Globex.md"
NEXT = TODAY + timedelta(days=1)  # 2026-11-24
NEXT_DAILY = "Daily/2026-11-24.md"
S, E = BLOCK_START, BLOCK_END
JANE_REASON = "3 weeks since you were last in touch (1 Nov); you aim for every week"


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return make_vault(tmp_path / "vault")


def block_of(text: str) -> str:
    return text.split(BLOCK_START, 1)[1].split(BLOCK_END, 1)[0]


def id_of(root: Path, rel: str, fragment: str) -> str:
    line = next(line for line in read(root, rel).splitlines() if fragment in line)
    return line.rsplit("^", 1)[1]


def edit_line(root: Path, rel: str, fragment: str, old: str, new: str) -> str:
    """Replace ``old`` by ``new`` in the one line holding ``fragment``; returns the line."""
    lines = read(root, rel).split("\n")
    (i,) = [n for n, line in enumerate(lines) if fragment in line]
    lines[i] = lines[i].replace(old, new, 1)
    (root / rel).write_bytes("\n".join(lines).encode("utf-8"))
    return lines[i]


# ------------------------------------------------------------ 1. ticks in older daily notes


def test_a_box_ticked_in_yesterdays_daily_note_is_logged_with_that_days_date(
    vault: Path,
) -> None:
    run_sync(vault)
    block_id = id_of(vault, DAILY, "[[Jane Doe]]")
    tick(vault, DAILY, "[[Jane Doe]]")  # ticked yesterday, and no sync ran since
    yesterday = (vault / DAILY).read_bytes()
    jane_before = read(vault, JANE_PATH)

    report = run_sync(vault, today=NEXT)

    assert report.ok
    assert [(t.path, t.date, t.ticked_in, t.block_id) for t in report.logged] == [
        (JANE_PATH, TODAY, DAILY, block_id)
    ]
    line = f"- 2026-11-23 — reached out: {JANE_REASON} (vaultlink) ^{block_id}"
    assert read(vault, JANE_PATH) == jane_before + "\n## Log\n" + line + "\n"
    assert (vault / DAILY).read_bytes() == yesterday  # an earlier day's note is never rewritten
    assert block_id not in read(vault, DUE)
    assert block_id not in read(vault, NEXT_DAILY)
    assert "logged 1 ticked item" in report.summary()

    # idempotent: the same day again changes nothing, not even an mtime
    before, stamps = snapshot(vault), mtimes(vault)
    again = run_sync(vault, today=NEXT)
    assert again.logged == ()
    assert again.written == ()
    assert snapshot(vault) == before
    assert mtimes(vault) == stamps
    # and a later day does not log it a second time
    later = run_sync(vault, today=NEXT + timedelta(days=1))
    assert later.logged == ()
    assert read(vault, JANE_PATH).count(block_id) == 1


def test_the_done_date_of_a_tick_in_an_older_note_wins_over_the_notes_date(
    vault: Path,
) -> None:
    run_sync(vault)
    edit_line(vault, DAILY, "[[Jane Doe]]", "- [ ]", "- [x]")
    edit_line(vault, DAILY, "[[Jane Doe]]", " ^vl-", " ✅ 2026-11-24 ^vl-")
    report = run_sync(vault, today=NEXT + timedelta(days=2))
    assert [t.date for t in report.logged] == [date(2026, 11, 24)]
    assert "\n- 2026-11-24 — reached out: " in read(vault, JANE_PATH)


def test_a_reach_in_ticked_in_an_older_note_is_logged_in_the_company_note(
    vault: Path,
) -> None:
    run_sync(vault)
    block_id = id_of(vault, DAILY, "[[Globex]]")
    tick(vault, DAILY, "[[Globex]]")
    report = run_sync(vault, today=NEXT)
    assert [(t.path, t.date) for t in report.logged] == [(GLOBEX, TODAY)]
    assert read(vault, GLOBEX).endswith(f"(vaultlink) ^{block_id}\n")
    assert block_id not in read(vault, DUE)
    assert run_sync(vault, today=NEXT).written == ()


def test_an_item_ticked_in_an_older_note_and_in_the_due_note_is_logged_once_earliest(
    vault: Path,
) -> None:
    run_sync(vault)
    tick(vault, DAILY, "[[Jane Doe]]")
    tick(vault, DUE, "[[Jane Doe]]")
    report = run_sync(vault, today=NEXT)
    assert [t.date for t in report.logged] == [TODAY]
    assert read(vault, JANE_PATH).count("reached out:") == 1


def test_a_cancelled_box_beside_a_harvested_tick_still_dismisses_its_item(
    vault: Path,
) -> None:
    run_sync(vault)
    globex_id = id_of(vault, DAILY, "[[Globex]]")
    tick(vault, DAILY, "[[Jane Doe]]")
    tick(vault, DAILY, "[[Globex]]", mark="-")
    report = run_sync(vault, today=NEXT)
    assert [t.path for t in report.logged] == [JANE_PATH]
    assert globex_id not in read(vault, DUE)  # still dismissed
    assert not (vault / NEXT_DAILY).exists()  # nothing else is due on the 24th
    assert run_sync(vault, today=NEXT).written == ()


def test_a_tick_in_an_older_note_that_cannot_be_logged_stays_ticked_and_is_reported(
    vault: Path,
) -> None:
    run_sync(vault)
    ticked = edit_line(vault, DAILY, "[[Jane Doe]]", "- [ ]", "- [x]")
    yesterday = (vault / DAILY).read_bytes()
    (vault / JANE_PATH).chmod(0o444)  # the writer will not replace a read-only file
    try:
        report = run_sync(vault, today=NEXT)
    finally:
        (vault / JANE_PATH).chmod(0o644)
    assert not report.ok
    assert [r.path for r in report.refused] == [JANE_PATH]
    assert "reached out" not in read(vault, JANE_PATH)
    assert (vault / DAILY).read_bytes() == yesterday  # still ticked where it was ticked
    assert ticked in read(vault, DUE)  # and shown ticked in the regenerated due note
    # once the note is writable again, the next sync logs it, with the day it was ticked
    again = run_sync(vault, today=NEXT)
    assert [(t.path, t.date) for t in again.logged] == [(JANE_PATH, TODAY)]
    assert again.ok
    assert ticked not in read(vault, DUE)


def test_a_tick_in_an_older_note_for_an_unreadable_person_note_is_refused_and_kept(
    vault: Path,
) -> None:
    run_sync(vault)
    block_id = id_of(vault, DAILY, "[[Jane Doe]]")
    tick(vault, DAILY, "[[Jane Doe]]")
    jane = (vault / JANE_PATH).read_bytes()
    (vault / JANE_PATH).write_bytes(jane + b"\xff\xfe not utf-8\n")  # still due
    report = run_sync(vault, today=NEXT)
    assert [r.path for r in report.refused] == [JANE_PATH]
    assert f"ticked in {DAILY}" in report.refused[0].reason
    assert "stays ticked" in report.refused[0].reason
    due_line = next(line for line in read(vault, DUE).splitlines() if block_id in line)
    assert due_line.startswith("- [x] Reach out to [[Jane Doe]]")  # ticked meanwhile
    assert (vault / JANE_PATH).read_bytes() == jane + b"\xff\xfe not utf-8\n"


def test_a_tick_in_an_older_note_whose_person_is_gone_is_reported_not_logged(
    vault: Path,
) -> None:
    run_sync(vault)
    tick(vault, DAILY, "[[Jane Doe]]")
    yesterday = (vault / DAILY).read_bytes()
    (vault / JANE_PATH).unlink()
    report = run_sync(vault, today=NEXT)
    assert report.logged == ()
    assert [(p.path, p.code) for p in report.problems if p.code == "tick-not-logged"] == [
        (DAILY, "tick-not-logged")
    ]
    assert (vault / DAILY).read_bytes() == yesterday


def test_a_ticked_vl_box_outside_the_managed_block_is_not_logged(vault: Path) -> None:
    run_sync(vault)
    text = read(vault, DAILY)
    line = next(line for line in text.splitlines() if "[[Jane Doe]]" in line)
    moved = text.replace(line + "\n", "") + "\n" + line.replace("- [ ]", "- [x]") + "\n"
    (vault / DAILY).write_text(moved, encoding="utf-8")
    report = run_sync(vault, today=NEXT)
    assert report.logged == ()
    assert "reached out" not in read(vault, JANE_PATH)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The vault-relative paths sync reads (every file it reads goes through read_state)."""
    seen: list[str] = []

    def spy(root: Path, path: str) -> tuple[str | None, FileState | None]:
        seen.append(path)
        return read_state(root, path)

    monkeypatch.setattr(sync_module, "read_state", spy)
    return seen


def test_older_daily_notes_are_read_only_when_their_parsed_blocks_hold_a_new_tick(
    vault: Path, reads: list[str]
) -> None:
    run_sync(vault)
    # an earlier note with unticked boxes only: not read
    reads.clear()
    run_sync(vault, today=NEXT)
    assert DAILY not in reads
    # a box ticked there: read (to check the box is inside the block) and logged
    tick(vault, DAILY, "[[Jane Doe]]")
    reads.clear()
    assert len(run_sync(vault, today=NEXT).logged) == 1
    assert DAILY in reads
    # once its id is in Jane's log, the note is not read again
    reads.clear()
    assert run_sync(vault, today=NEXT + timedelta(days=1)).logged == ()
    assert DAILY not in reads


# ------------------------------------------- 2. a configured daily heading that is missing


@pytest.mark.parametrize("configured", ["## Follow-ups", "Follow-ups"])
def test_a_missing_daily_heading_is_created_at_the_end_with_the_block_under_it(
    tmp_path: Path, configured: str
) -> None:
    original = "# Day\n\n## Journal\nfine day\n"
    root = make_vault(tmp_path / "v", {
        DAILY: original,
        "vaultlink.toml": f'[output]\ndaily_heading = "{configured}"\n',
    })
    run_sync(root)
    text = read(root, DAILY)
    assert text.startswith(original)
    added = text[len(original):]
    assert added.startswith(f"\n## Follow-ups\n{BLOCK_START}\n")
    assert added.endswith(f"{BLOCK_END}\n")
    assert "[[Jane Doe]]" in block_of(text)

    # a later sync replaces the block in place, under the same (single) heading
    tick(root, DUE, "[[Jane Doe]]")
    run_sync(root)
    again = read(root, DAILY)
    assert again.count("## Follow-ups") == 1
    assert again.startswith(original + "\n## Follow-ups\n" + BLOCK_START + "\n")
    assert "[[Jane Doe]]" not in block_of(again)
    assert run_sync(root).written == ()


def test_a_new_daily_note_from_a_template_without_the_heading_gets_it(
    tmp_path: Path,
) -> None:
    config = '[output]\ndaily_heading = "Follow-ups"\n'
    root = make_vault(tmp_path / "v", {"vaultlink.toml": config})
    run_sync(root)
    text = read(root, DAILY)
    assert text.endswith(f"## Notes\n\n## Follow-ups\n{S}{block_of(text)}{E}\n")


def test_an_existing_daily_heading_is_still_used_and_not_added_again(tmp_path: Path) -> None:
    original = "# Day\n\n### follow-ups\n\n## Journal\nfine\n"
    root = make_vault(tmp_path / "v", {
        DAILY: original,
        "vaultlink.toml": '[output]\ndaily_heading = "## Follow-ups"\n',
    })
    run_sync(root)
    text = read(root, DAILY)
    assert text.lower().count("# follow-ups") == 1
    assert text.index("### follow-ups") < text.index(BLOCK_START) < text.index("## Journal")


@pytest.mark.parametrize(
    ("text", "heading", "expected"),
    [
        ("# Day\n", "Follow-ups", f"# Day\n\n## Follow-ups\n{S}\nx\n{E}\n"),
        ("# Day\n", "### Follow-ups", f"# Day\n\n### Follow-ups\n{S}\nx\n{E}\n"),
        ("# Day\n", "#Follow-ups", f"# Day\n\n# Follow-ups\n{S}\nx\n{E}\n"),
        ("# Day\n", "  Follow   ups ", f"# Day\n\n## Follow ups\n{S}\nx\n{E}\n"),
        ("# Day\r\ntext\r\n", "Follow-ups",
         f"# Day\r\ntext\r\n\r\n## Follow-ups\r\n{S}\r\nx\r\n{E}\r\n"),
        ("# Day\ntext", "Follow-ups", f"# Day\ntext\n\n## Follow-ups\n{S}\nx\n{E}"),
        ("", "Follow-ups", f"## Follow-ups\n{S}\nx\n{E}\n"),
        ("\ufeff", "Follow-ups", f"\ufeff## Follow-ups\n{S}\nx\n{E}\n"),
        # a heading inside a code block is not one; the open fence is closed first
        ("```\n## Follow-ups\n", "Follow-ups",
         f"```\n## Follow-ups\n```\n\n## Follow-ups\n{S}\nx\n{E}\n"),
        # an existing heading is used as before; an existing block is replaced in place
        ("## Follow-ups\n## Next\n", "Follow-ups", f"## Follow-ups\n{S}\nx\n{E}\n## Next\n"),
        (f"# Day\n\n{S}\nold\n{E}\n", "Follow-ups", f"# Day\n\n{S}\nx\n{E}\n"),
    ],
)
def test_replace_managed_block_creates_a_missing_heading(
    text: str, heading: str, expected: str
) -> None:
    out = replace_managed_block(text, "x", heading=heading, create_heading=True)
    assert out == expected
    assert replace_managed_block(out, "x", heading=heading, create_heading=True) == out


@pytest.mark.parametrize("heading", ["##", "  ", "Follow\nups"])
def test_a_heading_that_cannot_be_written_is_refused(heading: str) -> None:
    with pytest.raises(ValueError, match="heading"):
        replace_managed_block("# Day\n", "x", heading=heading, create_heading=True)


@settings(max_examples=300, deadline=None)
@given(text=notes(markers=False), heading=st.sampled_from(["Follow-ups", "## Vaultlink", "Log"]))
def test_creating_the_heading_only_adds_the_heading_line(text: str, heading: str) -> None:
    out = replace_managed_block(text, "- [ ] x", heading=heading, create_heading=True)
    assert replace_managed_block(out, "- [ ] x", heading=heading, create_heading=True) == out
    assert find_managed_block(out) is not None
    # Without create_heading the block goes under the heading or at the end (and only
    # inserts: tests/test_writer_properties.py); with it, a missing heading adds exactly
    # one heading line, right above the block.
    plain = replace_managed_block(text, "- [ ] x", heading=heading)
    if out != plain:
        line = "## " + heading.lstrip("# ")
        before, found, after = out.rpartition(f"{line}{dominant_newline(text)}{S}")
        assert found  # (at the end of the note, so the last such text)
        assert before + S + after == plain


# ------------------------------------------------------- 3. temp files of a killed write


def leftover(root: Path, rel: str, *, age: float) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"half a note")
    stamp = time.time() - age
    os.utime(path, (stamp, stamp))
    return path


def test_sync_removes_stale_temp_files_in_the_folders_it_writes_to(vault: Path) -> None:
    run_sync(vault)
    tick(vault, DUE, "[[Jane Doe]]")  # so the next sync writes the due note and Jane's note
    stale_due = leftover(vault, "Vaultlink/.Due this week.md.vaultlink-tmp-0a1b2c3d", age=3600)
    stale_jane = leftover(vault, "People/.Jane Doe.md.vaultlink-tmp-ffffffff", age=3600)
    live = leftover(vault, "Vaultlink/.Due this week.md.vaultlink-tmp-12345678", age=5)
    elsewhere = leftover(vault, "Companies/.Acme Corp.md.vaultlink-tmp-0a1b2c3d", age=3600)
    report = run_sync(vault)
    assert sorted(report.removed_temp) == [
        "People/.Jane Doe.md.vaultlink-tmp-ffffffff",
        "Vaultlink/.Due this week.md.vaultlink-tmp-0a1b2c3d",
    ]
    assert not stale_due.exists()
    assert not stale_jane.exists()
    assert live.exists()  # young: maybe a concurrent sync's, so never touched
    assert elsewhere.exists()  # a folder this sync does not write to
    assert "removed 2 leftover temp files" in report.summary()
    assert report.to_json()["removed_temp_files"] == list(report.removed_temp)


def test_a_sync_with_nothing_to_change_leaves_temp_files_to_one_that_writes_there(
    vault: Path,
) -> None:
    """Only a sync that writes into a folder cleans it, so the report of a sync that
    changed nothing (kept in the cache and replayed while the vault stays the same)
    never claims a removal."""
    assert vaultlink.load(vault).sync(today=TODAY, now=NOW).written
    hour_ago = time.time() - 3600  # files just written are not trusted by the cache
    for path in vault.rglob("*"):
        os.utime(path, (hour_ago, hour_ago))
    stale_due = leftover(vault, "Vaultlink/.Due this week.md.vaultlink-tmp-0a1b2c3d", age=3600)
    stale_daily = leftover(vault, "Daily/.2026-11-23.md.vaultlink-tmp-00000000", age=3600)
    before = mtimes(vault)
    runs: list[object] = []
    real_sync = sync_module.sync

    def counting(*args: Any, **kwargs: Any) -> sync_module.SyncReport:
        runs.append(args)
        return real_sync(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sync_module, "sync", counting)
        for _ in range(2):
            report = vaultlink.load(vault).sync(today=TODAY, now=NOW)
            assert report.written == ()
            assert report.removed_temp == ()
            assert "leftover" not in report.summary()
    assert len(runs) == 1  # the second was replayed from the cache
    assert stale_due.exists()
    assert stale_daily.exists()
    assert mtimes(vault) == before
    # the next day's sync rewrites the due note and writes a new daily note: both cleaned
    report = vaultlink.load(vault).sync(today=NEXT, now=NOW)
    assert set(report.written) >= {DUE, NEXT_DAILY}
    assert sorted(report.removed_temp) == [
        "Daily/.2026-11-23.md.vaultlink-tmp-00000000",
        "Vaultlink/.Due this week.md.vaultlink-tmp-0a1b2c3d",
    ]
    assert not stale_due.exists()
    assert not stale_daily.exists()


def test_a_dry_run_removes_nothing(vault: Path) -> None:
    stale = leftover(vault, "Vaultlink/.Due this week.md.vaultlink-tmp-0a1b2c3d", age=3600)
    report = run_sync(vault, dry_run=True)
    assert report.removed_temp == ()
    assert stale.exists()

