"""sync: plan then apply; generated notes, today's daily note, ticks, idempotence."""

from __future__ import annotations

import difflib
from datetime import date
from pathlib import Path

import pytest

import vaultlink
from tests.fixtures.sync.support import (
    DAILY,
    DUE,
    JANE,
    NOW,
    STARTERS,
    TODAY,
    make_vault,
    mtimes,
    read,
    run_sync,
    snapshot,
    tick,
    write_files,
)
from vaultlink.edits import BLOCK_END, BLOCK_START
from vaultlink.notes import parse_note

JANE_PATH = "People/Jane Doe.md"


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return make_vault(tmp_path / "vault")


def only_insertions(old: str, new: str) -> list[str]:
    """The text inserted into ``old`` to make ``new``; fails if anything was removed."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    inserted: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        assert op in ("equal", "insert"), (op, old[i1:i2], new[j1:j2])
        if op == "insert":
            inserted.append(new[j1:j2])
    return inserted


# -------------------------------------------------------------------------- first sync


def test_first_sync_writes_the_notes_and_todays_daily_note(vault: Path) -> None:
    report = run_sync(vault)
    assert report.ok
    assert set(report.written) == {DUE, STARTERS, DAILY}
    assert (report.overdue, report.this_week) == (1, 2)
    assert report.summary() == (
        "1 overdue, 2 this week; wrote 2 notes, created today's daily note"
    )
    due = read(vault, DUE)
    assert due.startswith("---\ngenerated_by: vaultlink\ndate: 2026-11-23\n---\n")
    jane = next(i for i in report.due if i.person == JANE_PATH)
    assert (
        f"- [ ] Reach out to [[Jane Doe]] ([[Acme Corp]]) — 3 weeks since you were last in "
        f"touch (1 Nov); you aim for every week 📅 2026-11-08 ^{jane.block_id}\n"
    ) in due
    assert "[[Globex]]" in due  # the reach-in item links the company
    starters = read(vault, STARTERS)
    assert "\n## [[Jane Doe]]\n" in starters
    assert "[[Jane Doe#Notes]]" in starters


def test_report_json_and_due(vault: Path) -> None:
    report = run_sync(vault, dry_run=True)
    data = report.to_json()
    assert data["counts"] == {"overdue": 1, "this_week": 2, "coming_up": 0}
    assert data["dry_run"] is True
    assert {d["rule"] for d in data["due"]} == {"cadence", "reach-in"}
    assert data["written"] == []
    assert sorted(data["changes"]) == sorted([DUE, STARTERS, DAILY])
    assert len(data["diffs"]) == 3


def test_second_sync_the_same_day_changes_nothing(vault: Path) -> None:
    run_sync(vault)
    before, stamps = snapshot(vault), mtimes(vault)
    report = run_sync(vault)
    assert report.written == ()
    assert report.ok
    assert report.summary().endswith("; nothing to change")
    assert snapshot(vault) == before
    assert mtimes(vault) == stamps


def test_dry_run_writes_nothing_and_returns_diffs(vault: Path) -> None:
    before, stamps = snapshot(vault), mtimes(vault)
    report = run_sync(vault, dry_run=True)
    assert snapshot(vault) == before
    assert mtimes(vault) == stamps
    assert report.written == ()
    assert report.summary() == (
        "1 overdue, 2 this week; would write 2 notes, would create today's daily note"
    )
    joined = "".join(report.diffs)
    assert f"+++ b/{DUE}" in joined
    assert f"+++ b/{DAILY}" in joined
    assert "+- [ ] Reach out to [[Jane Doe]]" in joined
    # the diffs describe exactly what a real sync then writes
    real = run_sync(vault)
    assert "".join(real.diffs) == joined


def test_nothing_is_written_outside_the_generated_notes_and_todays_daily_note(
    vault: Path,
) -> None:
    before = snapshot(vault)
    run_sync(vault)
    after = snapshot(vault)
    changed = {p for p in after if before.get(p) != after[p]}
    assert changed == {DUE, STARTERS, DAILY}


# -------------------------------------------------------------------------- daily note


def test_daily_note_is_created_from_the_template_with_placeholders_filled(
    vault: Path,
) -> None:
    run_sync(vault)
    text = read(vault, DAILY)
    head = text.split(BLOCK_START)[0]
    assert head == (
        "# Monday, 23 November 2026\n"
        "Created 2026-11-23 at 09:30: 2026-11-23\n"
        "<% tp.file.creation_date() %> 2026-11-23\n"
        "\n## Today\n\n## Notes\n\n"
    )
    block = text.split(BLOCK_START)[1].split(BLOCK_END)[0]
    assert "[[Jane Doe]]" in block  # overdue
    assert "[[Globex]]" in block  # due today
    assert "[[Bob Stone]]" not in block  # due on Wednesday: in the due note only


def test_daily_note_without_a_template_is_created_empty_but_for_the_block(
    tmp_path: Path,
) -> None:
    root = make_vault(tmp_path / "v", {".obsidian/daily-notes.json": '{"folder": "Journal"}'})
    run_sync(root)
    text = read(root, "Journal/2026-11-23.md")
    assert text.startswith(BLOCK_START + "\n")
    assert text.endswith(BLOCK_END + "\n")


def test_a_missing_template_is_reported_and_the_note_created_empty(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "v")
    (root / "Templates/Daily.md").unlink()
    report = run_sync(root)
    assert read(root, DAILY).startswith(BLOCK_START)
    assert any(p.code == "missing-template" for p in report.problems)


def test_daily_folder_and_format_from_periodic_notes(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "v", {
        ".obsidian/community-plugins.json": '["periodic-notes"]',
        ".obsidian/plugins/periodic-notes/data.json":
            '{"daily": {"enabled": true, "folder": "Journal", "format": "YYYY/MM/DD-ddd"}}',
    })
    run_sync(root)
    assert (root / "Journal/2026/11/23-Mon.md").is_file()
    assert not (root / DAILY).exists()


def test_block_goes_into_an_existing_daily_note_and_every_other_byte_stays(
    tmp_path: Path,
) -> None:
    original = "# My day\r\n\r\n## Plan\r\n- write\r\n\r\n## Journal\r\nfine day"
    root = make_vault(tmp_path / "v", {DAILY: original.encode("utf-8")})
    run_sync(root)
    text = read(root, DAILY)
    inserted = "".join(only_insertions(original, text))
    assert BLOCK_START in inserted
    assert "\n" not in inserted.replace("\r\n", "")  # the note's CRLF endings are kept


def test_block_goes_under_the_configured_heading(tmp_path: Path) -> None:
    original = "# Day\n\n## Follow-ups\n\n## Journal\nfine\n"
    root = make_vault(tmp_path / "v", {
        DAILY: original,
        "vaultlink.toml": '[output]\ndaily_heading = "Follow-ups"\n',
    })
    run_sync(root)
    text = read(root, DAILY)
    assert text.index("## Follow-ups") < text.index(BLOCK_START) < text.index("## Journal")
    only_insertions(original, text)


def test_block_is_replaced_in_place_on_a_later_sync(vault: Path) -> None:
    run_sync(vault)
    # the user writes around the block
    text = read(vault, DAILY).replace("## Notes\n", "## Notes\nslept well\n")
    text += "\nA line after the block.\n"
    (vault / DAILY).write_text(text, encoding="utf-8")
    # something new for today: Bob's next contact is today
    bob = read(vault, "People/Bob Stone.md").replace("cadence: monthly\n",
                                                     "cadence: monthly\nnext_contact: 2026-11-23\n")
    (vault / "People/Bob Stone.md").write_text(bob, encoding="utf-8")
    run_sync(vault)
    new = read(vault, DAILY)
    assert new.count(BLOCK_START) == 1
    assert "[[Bob Stone]]" in new.split(BLOCK_START)[1].split(BLOCK_END)[0]
    before_block, after_block = text.split(BLOCK_START)[0], text.split(BLOCK_END)[1]
    assert new.startswith(before_block + BLOCK_START)
    assert new.endswith(BLOCK_END + after_block)


def test_another_day_gets_its_own_block_and_yesterdays_is_left_alone(vault: Path) -> None:
    run_sync(vault)
    yesterday = (vault / DAILY).read_bytes()
    report = run_sync(vault, today=date(2026, 11, 24))
    assert (vault / DAILY).read_bytes() == yesterday
    assert "Daily/2026-11-24.md" in report.written
    assert BLOCK_START in read(vault, "Daily/2026-11-24.md")
    assert "date: 2026-11-24" in read(vault, DUE)


def test_no_daily_note_is_created_when_nothing_is_due_today(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "v")
    for rel in ("Applications/Globex - Engineer.md", "People/Jane Doe.md"):
        (root / rel).unlink()
    report = run_sync(root)
    assert not (root / DAILY).exists()
    assert report.daily_path is None
    assert set(report.written) == {DUE, STARTERS}


def test_an_existing_block_is_emptied_when_nothing_is_due_any_more(vault: Path) -> None:
    run_sync(vault)
    for rel in ("Applications/Globex - Engineer.md", "People/Jane Doe.md"):
        (vault / rel).unlink()
    run_sync(vault)
    block = read(vault, DAILY).split(BLOCK_START)[1].split(BLOCK_END)[0]
    assert block == "\nNothing due today · [[Vaultlink/Due this week|all follow-ups]]\n"


def test_daily_block_can_be_switched_off(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "v", {"vaultlink.toml": "[output]\ndaily_block = false\n"})
    report = run_sync(root)
    assert not (root / DAILY).exists()
    assert set(report.written) == {DUE, STARTERS}


def test_broken_markers_in_the_daily_note_are_refused_and_the_note_kept(
    tmp_path: Path,
) -> None:
    original = f"# Day\n{BLOCK_START}\nmine\n"
    root = make_vault(tmp_path / "v", {DAILY: original})
    report = run_sync(root)
    assert not report.ok
    assert [r.path for r in report.refused] == [DAILY]
    assert "has no" in report.refused[0].reason
    assert read(root, DAILY) == original
    assert DUE in report.written  # the rest is still written


# ------------------------------------------------------------------------------ ticking


def test_a_tick_in_the_due_note_is_logged_and_closes_the_item(vault: Path) -> None:
    run_sync(vault)
    jane_before = read(vault, JANE_PATH)
    tick(vault, DUE, "[[Jane Doe]]")
    report = run_sync(vault)
    assert [t.path for t in report.logged] == [JANE_PATH]
    jane = read(vault, JANE_PATH)
    block_id = report.logged[0].block_id
    line = (
        "- 2026-11-23 — reached out: 3 weeks since you were last in touch (1 Nov); you aim "
        f"for every week (vaultlink) ^{block_id}"
    )
    assert jane == jane_before + "\n## Log\n" + line + "\n"
    assert "[[Jane Doe]]" not in read(vault, DUE).split("---\n", 2)[2].split("## This week")[0]
    assert block_id not in read(vault, DUE)
    assert block_id not in read(vault, DAILY)
    assert "logged 1 ticked item" in report.summary()
    # the logged contact counts: Jane is next due a week after it
    assert all(i.person != JANE_PATH or i.due >= TODAY for i in report.due)
    # and a third sync has nothing to do
    before, stamps = snapshot(vault), mtimes(vault)
    third = run_sync(vault)
    assert third.logged == ()
    assert snapshot(vault) == before
    assert mtimes(vault) == stamps


def test_a_tick_in_the_daily_block_is_logged_with_its_done_date(vault: Path) -> None:
    run_sync(vault)
    text = read(vault, DAILY)
    lines = text.split("\n")
    i = next(n for n, line in enumerate(lines) if "[[Jane Doe]]" in line)
    lines[i] = lines[i].replace("- [ ]", "- [x]").replace(" ^vl-", " ✅ 2026-11-22 ^vl-")
    (vault / DAILY).write_text("\n".join(lines), encoding="utf-8")
    report = run_sync(vault)
    assert [t.date for t in report.logged] == [date(2026, 11, 22)]
    assert "\n- 2026-11-22 — reached out: 3 weeks since" in read(vault, JANE_PATH)
    assert "[[Jane Doe]]" not in read(vault, DAILY).split(BLOCK_START)[1]
    assert run_sync(vault).written == ()


def test_the_same_item_ticked_twice_is_logged_once(vault: Path) -> None:
    run_sync(vault)
    tick(vault, DUE, "[[Jane Doe]]")
    tick(vault, DAILY, "[[Jane Doe]]")
    report = run_sync(vault)
    assert len(report.logged) == 1
    assert read(vault, JANE_PATH).count("reached out:") == 1


def test_a_ticked_reach_in_is_logged_in_the_company_note(vault: Path) -> None:
    run_sync(vault)
    tick(vault, DUE, "[[Globex]]")
    report = run_sync(vault)
    assert [t.path for t in report.logged] == ["Companies/Globex.md"]
    assert read(vault, "Companies/Globex.md").startswith(
        "---\ntype: company\n---\n# Globex\n\n## Log\n- 2026-11-23 — reached out: "
    )
    assert "[[Globex]]" not in read(vault, DUE)
    assert run_sync(vault).written == ()


def test_log_goes_under_an_existing_log_heading(tmp_path: Path) -> None:
    jane = JANE + "\n## Log\n- 2026-11-01 — coffee\n\n## Later\nstuff\n"
    root = make_vault(tmp_path / "v", {JANE_PATH: jane})
    run_sync(root)
    tick(root, DUE, "[[Jane Doe]]")
    run_sync(root)
    new = read(root, JANE_PATH)
    assert "- 2026-11-01 — coffee\n- 2026-11-23 — reached out:" in new
    assert only_insertions(jane, new)


def test_an_unticked_item_stays_and_a_cancelled_one_stays_cancelled(vault: Path) -> None:
    run_sync(vault)
    tick(vault, DUE, "[[Jane Doe]]", mark="-")
    report = run_sync(vault)
    assert report.logged == ()
    due = read(vault, DUE)
    assert "- [-] Reach out to [[Jane Doe]]" in due
    assert "- [ ] Reach out to [[Bob Stone]]" in due
    assert report.overdue == 0  # a dismissed item is not counted
    assert run_sync(vault).written == ()


def test_a_tick_that_cannot_be_logged_stays_ticked_and_is_reported(vault: Path) -> None:
    run_sync(vault)
    tick(vault, DUE, "[[Jane Doe]]")
    (vault / JANE_PATH).write_bytes(b"---\ntype: person\n---\n\xff\xfe not utf-8\n")
    jane_bytes = (vault / JANE_PATH).read_bytes()
    report = run_sync(vault)
    assert not report.ok
    assert [r.path for r in report.refused] == [JANE_PATH]
    assert "stays ticked" in report.refused[0].reason
    assert (vault / JANE_PATH).read_bytes() == jane_bytes
    assert "- [x] Reach out to [[Jane Doe]]" in read(vault, DUE)


def test_a_log_write_refused_at_apply_keeps_the_tick(vault: Path) -> None:
    run_sync(vault)
    tick(vault, DUE, "[[Jane Doe]]")
    ticked_line = next(line for line in read(vault, DUE).splitlines() if "- [x]" in line)
    (vault / JANE_PATH).chmod(0o444)  # the writer will not replace a read-only file
    try:
        report = run_sync(vault)
    finally:
        (vault / JANE_PATH).chmod(0o644)
    assert [r.path for r in report.refused] == [JANE_PATH]
    assert report.logged == ()
    assert ticked_line in read(vault, DUE)
    assert "reached out" not in read(vault, JANE_PATH)
    # once the note is writable again, the next sync logs it
    again = run_sync(vault)
    assert [t.path for t in again.logged] == [JANE_PATH]
    assert ticked_line not in read(vault, DUE)


def test_a_ticked_item_whose_person_is_gone_is_kept_and_reported(vault: Path) -> None:
    run_sync(vault)
    tick(vault, DUE, "[[Jane Doe]]")
    ticked = next(line for line in read(vault, DUE).splitlines() if "- [x]" in line)
    (vault / JANE_PATH).unlink()
    report = run_sync(vault)
    assert any(p.code == "tick-not-logged" for p in report.problems)
    assert "## Ticked, not logged yet\n\n" + ticked in read(vault, DUE)


# ------------------------------------------------------------------------------ refusals


def test_a_users_note_at_a_generated_path_is_refused(vault: Path) -> None:
    mine = "# My own due list\n- [ ] call mum\n"
    write_files(vault, {DUE: mine})
    report = run_sync(vault)
    assert [r.path for r in report.refused] == [DUE]
    assert "generated_by: vaultlink" in report.refused[0].reason
    assert read(vault, DUE) == mine
    assert STARTERS in report.written


def test_a_file_changed_between_plan_and_apply_is_not_overwritten(
    vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_sync(vault)
    tick(vault, DUE, "[[Jane Doe]]")
    import vaultlink.sync as sync_module

    real_plan = sync_module.plan_sync

    def plan_then_edit(*args: object, **kwargs: object) -> object:
        plan = real_plan(*args, **kwargs)  # type: ignore[arg-type]
        with open(vault / JANE_PATH, "a", encoding="utf-8") as handle:
            handle.write("typed while sync was running\n")
        return plan

    monkeypatch.setattr(sync_module, "plan_sync", plan_then_edit)
    report = run_sync(vault)
    assert [r.path for r in report.refused] == [JANE_PATH]
    assert "changed on disk" in report.refused[0].reason
    assert read(vault, JANE_PATH).endswith("typed while sync was running\n")
    assert "reached out" not in read(vault, JANE_PATH)
    assert "- [x] Reach out to [[Jane Doe]]" in read(vault, DUE)  # nothing lost


def test_an_output_folder_outside_the_vault_is_refused(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "v", {"vaultlink.toml": '[output]\nfolder = "../outside"\n'})
    before = snapshot(root)
    report = run_sync(root)
    assert not report.ok
    assert [r.path for r in report.refused] == ["vaultlink.toml"]
    assert "outside the vault" in report.refused[0].reason
    assert report.changes == ()
    assert snapshot(root) == before
    assert not (tmp_path / "outside").exists()


def test_a_symlink_out_of_the_vault_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    root = make_vault(tmp_path / "v")
    (root / "Vaultlink").symlink_to(outside, target_is_directory=True)
    report = run_sync(root)
    assert {r.path for r in report.refused} == {DUE, STARTERS}
    assert all("outside the vault" in r.reason for r in report.refused)
    assert list(outside.iterdir()) == []
    assert DAILY in report.written


def test_library_api_returns_the_report(vault: Path) -> None:
    loaded = vaultlink.load(vault, use_cache=False)
    report = loaded.sync(today=TODAY, dry_run=True, now=NOW)
    assert report.diffs
    assert [i.block_id for i in report.due] == [i.block_id for i in loaded.due(TODAY, "next")]
    note = parse_note(DUE, report.changes[-1].new_text if report.changes else "")
    assert note is not None


# ------------------------------------------------------------------------ optional outputs


def test_canvas_and_mermaid_outputs_when_switched_on(tmp_path: Path) -> None:
    import json

    root = make_vault(tmp_path / "v", {
        "vaultlink.toml": "[output]\ncanvas = true\nmermaid = true\n",
    })
    report = run_sync(root)
    assert {"Vaultlink/Network.canvas", "Vaultlink/Network.md"} <= set(report.written)
    canvas = json.loads(read(root, "Vaultlink/Network.canvas"))
    assert canvas["generated_by"] == "vaultlink"
    assert any(n.get("file") == JANE_PATH for n in canvas["nodes"])
    mermaid = read(root, "Vaultlink/Network.md")
    assert mermaid.startswith("---\ngenerated_by: vaultlink\n")
    assert "```mermaid\nflowchart LR\n" in mermaid
    stamps = mtimes(root)
    assert run_sync(root).written == ()
    assert mtimes(root) == stamps


def test_a_users_canvas_at_the_network_path_is_refused(tmp_path: Path) -> None:
    mine = '{"nodes": [], "edges": []}\n'
    root = make_vault(tmp_path / "v", {
        "vaultlink.toml": "[output]\ncanvas = true\n",
        "Vaultlink/Network.canvas": mine,
    })
    report = run_sync(root)
    assert [r.path for r in report.refused] == ["Vaultlink/Network.canvas"]
    assert read(root, "Vaultlink/Network.canvas") == mine


def test_due_and_starters_notes_with_the_same_name_are_refused(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "v", {
        "vaultlink.toml": '[output]\ndue_note = "Vaultlink"\nstarters_note = "vaultlink"\n',
    })
    before = snapshot(root)
    report = run_sync(root)
    assert [r.path for r in report.refused] == ["vaultlink.toml"]
    assert snapshot(root) == before


def test_custom_output_names_are_used(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "v", {
        "vaultlink.toml": '[output]\nfolder = "CRM/Out"\ndue_note = "Follow-ups"\n'
                          'log_heading = "Contact log"\n',
    })
    run_sync(root)
    assert (root / "CRM/Out/Follow-ups.md").is_file()
    assert "[[CRM/Out/Follow-ups|all follow-ups]]" in read(root, DAILY)
    tick(root, "CRM/Out/Follow-ups.md", "[[Jane Doe]]")
    run_sync(root)
    assert "\n## Contact log\n- 2026-11-23 — reached out: " in read(root, JANE_PATH)


def test_a_tick_already_in_the_log_is_not_logged_again_nor_kept(vault: Path) -> None:
    """The log line was written but the due note could not be (say it was open in an
    editor that saved it back): the next sync must neither duplicate nor keep it."""
    run_sync(vault)
    tick(vault, DUE, "[[Jane Doe]]")
    ticked_due = read(vault, DUE)
    first = run_sync(vault)
    assert len(first.logged) == 1
    (vault / DUE).write_text(ticked_due, encoding="utf-8")  # the old, ticked due note
    again = run_sync(vault)
    assert again.logged == ()
    assert again.ok
    assert read(vault, JANE_PATH).count("reached out:") == 1
    assert first.logged[0].block_id not in read(vault, DUE)


def test_daily_block_shows_the_most_urgent_few_and_points_to_the_rest(tmp_path: Path) -> None:
    people = {
        f"People/P{n:02d}.md": (
            f"---\ntype: person\ncadence: weekly\nlast_contact: 2026-10-{n:02d}\n---\n"
        )
        for n in range(1, 13)
    }
    root = make_vault(tmp_path / "v", {"vaultlink.toml": "[output]\ndaily_limit = 5\n", **people})
    run_sync(root)
    block = read(root, DAILY).split(BLOCK_START)[1].split(BLOCK_END)[0]
    items = [line for line in block.splitlines() if line.startswith("- [ ]")]
    assert len(items) == 5
    assert "[[P01]]" in items[0]  # the longest overdue first
    due_items = [line for line in read(root, DUE).splitlines() if line.startswith("- [ ]")]
    more = len([i for i in due_items if "📅 " in i and i.split("📅 ")[1][:10] <= TODAY.isoformat()])
    assert f"- …and {more - 5:,} more in [[Vaultlink/Due this week|all follow-ups]]" in block
