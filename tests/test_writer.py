"""The writer: atomic, change-detecting, vault-confined writes (SPEC §5.3)."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

import vaultlink.writer as writer
from vaultlink.writer import (
    ApplyReport,
    FileChange,
    FileState,
    NotUtf8Error,
    OutsideVaultError,
    Refusal,
    apply,
    read_state,
    safe_target,
    unified_diff,
)

OLD_MTIME_NS = 1_600_000_000_000_000_000  # 2020-09-13: any write would move it


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = tmp_path / "vault"
    (root / "People").mkdir(parents=True)
    return root


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    return folder


def put(root: Path, path: str, data: bytes | str) -> Path:
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    os.utime(target, ns=(OLD_MTIME_NS, OLD_MTIME_NS))
    return target


def planned(root: Path, path: str, edit: str) -> FileChange:
    """A change appending ``edit`` to the file as it is now (what a sync would plan)."""
    text, state = read_state(root, path)
    assert text is not None
    return FileChange(path, text + edit, text, "test edit", state)


def leftovers(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if writer.TEMP_MARKER in p.name)


# ------------------------------------------------------------------------- read_state


def test_read_state_missing_file(vault: Path) -> None:
    assert read_state(vault, "People/Nobody.md") == (None, None)


def test_read_state_keeps_bom_and_crlf(vault: Path) -> None:
    data = "\ufeff# Jane\r\n\r\nText\r\n".encode()
    put(vault, "People/Jane.md", data)
    text, state = read_state(vault, "People/Jane.md")
    assert text == "\ufeff# Jane\r\n\r\nText\r\n"
    assert state is not None
    assert state.size == len(data)
    assert state.mtime_ns == OLD_MTIME_NS
    assert state.matches(data)
    assert not state.matches(data + b"x")


def test_read_state_rejects_invalid_utf8(vault: Path) -> None:
    put(vault, "People/Latin.md", "caf\xe9".encode("latin-1"))
    with pytest.raises(NotUtf8Error, match="UTF-8"):
        read_state(vault, "People/Latin.md")


def test_read_state_refuses_paths_outside(vault: Path) -> None:
    with pytest.raises(OutsideVaultError):
        read_state(vault, "../secret.md")


# ---------------------------------------------------------------------- safe_target


@pytest.mark.parametrize(
    "path",
    ["/etc/passwd", "../x.md", "a/../../x.md", "People/../../x.md", "", ".", "a/..", "C:/x.md"],
)
def test_safe_target_rejects(vault: Path, path: str) -> None:
    with pytest.raises(OutsideVaultError):
        safe_target(vault, path)


def test_safe_target_allows_dotdot_that_stays_inside(vault: Path) -> None:
    target = safe_target(vault, "People/../Companies/Acme.md")
    assert target == Path(os.path.realpath(vault)) / "Companies" / "Acme.md"


def test_safe_target_rejects_symlinked_folder_out(vault: Path, outside: Path) -> None:
    (vault / "Linked").symlink_to(outside, target_is_directory=True)
    with pytest.raises(OutsideVaultError, match="symlink"):
        safe_target(vault, "Linked/note.md")
    with pytest.raises(OutsideVaultError):
        safe_target(vault, "Linked/new/deeper.md")


def test_safe_target_rejects_symlinked_file_out(vault: Path, outside: Path) -> None:
    (outside / "secret.md").write_text("secret")
    (vault / "People" / "Evil.md").symlink_to(outside / "secret.md")
    with pytest.raises(OutsideVaultError):
        safe_target(vault, "People/Evil.md")


def test_safe_target_rejects_dangling_symlink_out(vault: Path, outside: Path) -> None:
    (vault / "People" / "Ghost.md").symlink_to(outside / "not-yet.md")
    with pytest.raises(OutsideVaultError):
        safe_target(vault, "People/Ghost.md")


def test_safe_target_follows_symlink_inside(vault: Path) -> None:
    (vault / "Real").mkdir()
    (vault / "Alias").symlink_to(vault / "Real", target_is_directory=True)
    assert safe_target(vault, "Alias/n.md") == Path(os.path.realpath(vault / "Real" / "n.md"))


def test_safe_target_vault_root_itself_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real-vault"
    real.mkdir()
    link = tmp_path / "vault-link"
    link.symlink_to(real, target_is_directory=True)
    assert safe_target(link, "n.md") == Path(os.path.realpath(real)) / "n.md"


# --------------------------------------------------------------------------- apply


def test_apply_creates_file_and_folders(vault: Path) -> None:
    change = FileChange("Vaultlink/Sub/Due this week.md", "# Due\r\n", None, "generated note")
    report = apply(vault, [change])
    assert report == ApplyReport(written=("Vaultlink/Sub/Due this week.md",))
    assert report.ok
    assert (vault / "Vaultlink" / "Sub" / "Due this week.md").read_bytes() == b"# Due\r\n"
    assert leftovers(vault) == []


def test_new_file_gets_default_permissions(vault: Path) -> None:
    apply(vault, [FileChange("n.md", "x", None, "new")])
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE((vault / "n.md").stat().st_mode) == 0o666 & ~umask


def test_apply_updates_file(vault: Path) -> None:
    put(vault, "People/Jane.md", "# Jane\n")
    report = apply(vault, [planned(vault, "People/Jane.md", "- log\n")])
    assert report.written == ("People/Jane.md",)
    assert (vault / "People" / "Jane.md").read_text() == "# Jane\n- log\n"
    assert leftovers(vault) == []


def test_apply_writes_bom_and_crlf_exactly(vault: Path) -> None:
    put(vault, "People/Jane.md", "\ufeff# Jane\r\n")
    apply(vault, [planned(vault, "People/Jane.md", "- log\r\n")])
    assert (vault / "People" / "Jane.md").read_bytes() == "\ufeff# Jane\r\n- log\r\n".encode()


def test_unchanged_text_touches_nothing(vault: Path) -> None:
    target = put(vault, "People/Jane.md", "# Jane\n")
    text, state = read_state(vault, "People/Jane.md")
    assert text is not None
    report = apply(vault, [FileChange("People/Jane.md", text, text, "same", state)])
    assert report == ApplyReport(unchanged=("People/Jane.md",))
    assert target.stat().st_mtime_ns == OLD_MTIME_NS


def test_file_already_holding_new_text_is_left_alone(vault: Path) -> None:
    target = put(vault, "People/Jane.md", "# Jane\n- log\n")
    change = FileChange("People/Jane.md", "# Jane\n- log\n", "# Jane\n", "log line")
    report = apply(vault, [change])
    assert report.unchanged == ("People/Jane.md",)
    assert target.stat().st_mtime_ns == OLD_MTIME_NS


def test_refuses_file_changed_since_read(vault: Path) -> None:
    target = put(vault, "People/Jane.md", "# Jane\n")
    change = planned(vault, "People/Jane.md", "- log\n")
    target.write_text("# Jane\nThe user typed this.\n")
    report = apply(vault, [change])
    assert report.written == ()
    assert len(report.refused) == 1
    assert report.refused[0].path == "People/Jane.md"
    assert "changed on disk" in report.refused[0].reason
    assert target.read_text() == "# Jane\nThe user typed this.\n"
    assert not report.ok


def test_refuses_same_size_change_since_read(vault: Path) -> None:
    target = put(vault, "People/Jane.md", "# Jane\n")
    change = planned(vault, "People/Jane.md", "- log\n")
    target.write_text("# JANE\n")
    os.utime(target, ns=(OLD_MTIME_NS, OLD_MTIME_NS))  # even with the same mtime
    assert apply(vault, [change]).refused != ()
    assert target.read_text() == "# JANE\n"


def test_refuses_without_fingerprint_when_text_differs(vault: Path) -> None:
    target = put(vault, "People/Jane.md", "# Jane\n")
    report = apply(vault, [FileChange("People/Jane.md", "new", "# Old\n", "edit")])
    assert "changed on disk" in report.refused[0].reason
    assert target.read_text() == "# Jane\n"


def test_touch_without_content_change_is_not_a_change(vault: Path) -> None:
    target = put(vault, "People/Jane.md", "# Jane\n")
    change = planned(vault, "People/Jane.md", "- log\n")
    os.utime(target)
    assert apply(vault, [change]).written == ("People/Jane.md",)


def test_refuses_file_deleted_since_read(vault: Path) -> None:
    target = put(vault, "People/Jane.md", "# Jane\n")
    change = planned(vault, "People/Jane.md", "- log\n")
    target.unlink()
    report = apply(vault, [change])
    assert "deleted" in report.refused[0].reason
    assert not target.exists()


def test_refuses_file_created_since_planning(vault: Path) -> None:
    change = FileChange("Vaultlink/Due this week.md", "generated", None, "generated note")
    target = put(vault, "Vaultlink/Due this week.md", "the user's own note")
    report = apply(vault, [change])
    assert "created since" in report.refused[0].reason
    assert target.read_text() == "the user's own note"


def test_refuses_if_file_changes_while_temp_is_written(
    vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = put(vault, "People/Jane.md", "# Jane\n")
    change = planned(vault, "People/Jane.md", "- log\n")
    real_write_temp = writer._write_temp

    def racing_write_temp(temp: Path, data: bytes, like: os.stat_result | None) -> None:
        real_write_temp(temp, data, like)
        target.write_text("# Jane\nedited meanwhile\n")

    monkeypatch.setattr(writer, "_write_temp", racing_write_temp)
    report = apply(vault, [change])
    assert report.refused != ()
    assert target.read_text() == "# Jane\nedited meanwhile\n"
    assert leftovers(vault) == []


def test_refuses_if_file_appears_while_temp_is_written(
    vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = vault / "New.md"
    real_write_temp = writer._write_temp

    def racing_write_temp(temp: Path, data: bytes, like: os.stat_result | None) -> None:
        real_write_temp(temp, data, like)
        target.write_text("user")

    monkeypatch.setattr(writer, "_write_temp", racing_write_temp)
    report = apply(vault, [FileChange("New.md", "generated", None, "new")])
    assert report.refused != ()
    assert target.read_text() == "user"
    assert leftovers(vault) == []


def test_create_race_caught_by_hard_link(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Even if the file appears after the last check, a new file is never overwritten."""
    target = vault / "New.md"
    real_check = writer._check_current
    calls = 0

    def late_check(change: FileChange, path: Path, new: bytes) -> os.stat_result | None:
        nonlocal calls
        calls += 1
        result = real_check(change, path, new)
        if calls == 2:
            target.write_text("user")
        return result

    monkeypatch.setattr(writer, "_check_current", late_check)
    report = apply(vault, [FileChange("New.md", "generated", None, "new")])
    assert "created since" in report.refused[0].reason
    assert target.read_text() == "user"
    assert leftovers(vault) == []


def test_refuses_path_through_symlinked_folder_out(vault: Path, outside: Path) -> None:
    (vault / "Linked").symlink_to(outside, target_is_directory=True)
    report = apply(
        vault,
        [
            FileChange("Linked/note.md", "x", None, "new"),
            FileChange("Linked/deeper/note.md", "x", None, "new"),
        ],
    )
    assert [r.path for r in report.refused] == ["Linked/note.md", "Linked/deeper/note.md"]
    assert list(outside.iterdir()) == []


def test_refuses_symlinked_file_out(vault: Path, outside: Path) -> None:
    secret = outside / "secret.md"
    secret.write_text("secret\n")
    (vault / "People" / "Evil.md").symlink_to(secret)
    report = apply(vault, [FileChange("People/Evil.md", "pwned", "secret\n", "edit")])
    assert report.refused != ()
    assert secret.read_text() == "secret\n"


@pytest.mark.parametrize("path", ["/tmp/vaultlink-test-abs.md", "../x.md", "People/../../x.md"])
def test_refuses_absolute_and_escaping_paths(vault: Path, path: str) -> None:
    report = apply(vault, [FileChange(path, "x", None, "new")])
    assert report.refused == (Refusal(path, report.refused[0].reason),)
    assert "outside the vault" in report.refused[0].reason or "absolute" in report.refused[0].reason
    assert not (vault.parent / "x.md").exists()
    assert not Path("/tmp/vaultlink-test-abs.md").exists()


def test_writes_through_symlink_inside_and_keeps_the_link(vault: Path) -> None:
    real = put(vault, "People/Jane Doe.md", "# Jane\n")
    link = vault / "People" / "Jane.md"
    link.symlink_to(real)
    report = apply(vault, [planned(vault, "People/Jane.md", "- log\n")])
    assert report.written == ("People/Jane.md",)
    assert link.is_symlink()
    assert real.read_text() == "# Jane\n- log\n"
    assert leftovers(vault) == []


def test_keeps_permission_bits(vault: Path) -> None:
    target = put(vault, "People/Jane.md", "# Jane\n")
    target.chmod(0o640)
    apply(vault, [planned(vault, "People/Jane.md", "- log\n")])
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    target.chmod(0o600)
    apply(vault, [planned(vault, "People/Jane.md", "- more\n")])
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_refuses_read_only_file(vault: Path) -> None:
    target = put(vault, "People/Jane.md", "# Jane\n")
    change = planned(vault, "People/Jane.md", "- log\n")
    target.chmod(0o444)
    report = apply(vault, [change])
    assert "read-only" in report.refused[0].reason
    assert target.read_text() == "# Jane\n"


def test_one_bad_file_does_not_stop_the_others(vault: Path) -> None:
    put(vault, "People/Jane.md", "# Jane\n")
    put(vault, "Blocker", "I am a file, not a folder")
    (vault / "Folder.md").mkdir()
    changes = [
        FileChange("Blocker/child.md", "x", None, "new"),
        FileChange("../escape.md", "x", None, "new"),
        FileChange("Folder.md", "x", "", "edit"),
        planned(vault, "People/Jane.md", "- log\n"),
        FileChange("Bad.md", "\udcff", None, "unencodable"),
        FileChange("Vaultlink/Due.md", "due", None, "generated note"),
    ]
    report = apply(vault, changes)
    assert report.written == ("People/Jane.md", "Vaultlink/Due.md")
    assert [r.path for r in report.refused] == [
        "Blocker/child.md",
        "../escape.md",
        "Folder.md",
        "Bad.md",
    ]
    assert all(r.reason for r in report.refused)
    assert not (vault / "Bad.md").exists()
    assert leftovers(vault) == []


def test_os_error_during_write_removes_temp_and_refuses(
    vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = put(vault, "People/Jane.md", "# Jane\n")
    change = planned(vault, "People/Jane.md", "- log\n")

    def failing_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    report = apply(vault, [change])
    assert report.refused == (
        Refusal("People/Jane.md", "could not write: No space left on device"),
    )
    assert target.read_text() == "# Jane\n"
    assert leftovers(vault) == []


def test_temp_files_are_hidden_and_not_notes(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Path] = []
    real_write_temp = writer._write_temp

    def spy(temp: Path, data: bytes, like: os.stat_result | None) -> None:
        seen.append(temp)
        real_write_temp(temp, data, like)

    monkeypatch.setattr(writer, "_write_temp", spy)
    apply(vault, [FileChange("People/Jane Doe.md", "x", None, "new")])
    (temp,) = seen
    assert temp.parent == Path(os.path.realpath(vault / "People"))
    assert temp.name.startswith(".Jane Doe.md.vaultlink-tmp-")
    assert not temp.name.endswith(".md")


def test_long_names_still_get_a_valid_temp_name(vault: Path) -> None:
    name = "é" * 120 + ".md"  # 243 bytes: a longer temp name would not fit in 255
    report = apply(vault, [FileChange(name, "x", None, "new")])
    assert report.written == (name,)
    assert leftovers(vault) == []


def test_duplicate_changes_to_one_file_refuse_the_second(vault: Path) -> None:
    put(vault, "People/Jane.md", "# Jane\n")
    first = planned(vault, "People/Jane.md", "- a\n")
    second = planned(vault, "People/Jane.md", "- b\n")
    report = apply(vault, [first, second])
    assert report.written == ("People/Jane.md",)
    assert [r.path for r in report.refused] == ["People/Jane.md"]
    assert (vault / "People" / "Jane.md").read_text() == "# Jane\n- a\n"


def test_records_are_frozen() -> None:
    change = FileChange("a.md", "x", None, "new")
    with pytest.raises(AttributeError):
        change.path = "b.md"  # type: ignore[misc]
    assert FileState(1, 2, "h") == FileState(1, 2, "h")


# ---------------------------------------------------------------------------- diff


def test_unified_diff_update() -> None:
    change = FileChange("People/Jane.md", "# Jane\n- a\n- b\n", "# Jane\n- a\n", "log line")
    assert unified_diff(change) == (
        "--- a/People/Jane.md\n+++ b/People/Jane.md\n@@ -1,2 +1,3 @@\n # Jane\n - a\n+- b\n"
    )


def test_unified_diff_create_and_no_final_newline() -> None:
    diff = unified_diff(FileChange("Vaultlink/Due.md", "one\ntwo", None, "generated note"))
    assert diff == (
        "--- a/Vaultlink/Due.md\n+++ b/Vaultlink/Due.md\n@@ -0,0 +1,2 @@\n"
        "+one\n+two\n\\ No newline at end of file\n"
    )


def test_unified_diff_empty_when_unchanged() -> None:
    assert unified_diff(FileChange("a.md", "x\n", "x\n", "same")) == ""


def test_unified_diff_splits_on_newlines_only() -> None:
    diff = unified_diff(FileChange("a.md", "a\x0cb\n", "a\x0cc\n", "edit"))
    assert "-a\x0cc\n+a\x0cb\n" in diff


# ------------------------------------------------------------- stale temp files


def aged(root: Path, rel: str, seconds: float) -> Path:
    """A file at ``rel`` last modified ``seconds`` ago."""
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"left over")
    stamp = time.time() - seconds
    os.utime(target, (stamp, stamp), follow_symlinks=False)
    return target


def test_apply_removes_only_its_own_stale_temp_files(vault: Path) -> None:
    put(vault, "People/Jane.md", "# Jane\n")
    stale = aged(vault, "People/.Jane.md.vaultlink-tmp-0a1b2c3d", 3600)
    stale_other = aged(vault, "People/.Bob Stone.md.vaultlink-tmp-99999999", 3600)
    kept = [
        aged(vault, "People/.Jane.md.vaultlink-tmp-0a1b2c3e", 60),  # young: maybe live
        aged(vault, "People/.Jane.md.vaultlink-tmp-0A1B2C3D", 3600),  # not our hex
        aged(vault, "People/.Jane.md.vaultlink-tmp-0a1b2c3", 3600),  # 7 digits
        aged(vault, "People/.Jane.md.vaultlink-tmp-0a1b2c3d4", 3600),  # 9 digits
        aged(vault, "People/.Jane.md.vaultlink-tmp-0a1b2c3d.md", 3600),
        aged(vault, "People/Jane.md.vaultlink-tmp-0a1b2c3d", 3600),  # no leading dot
        aged(vault, "People/.vaultlink-tmp-0a1b2c3d", 3600),  # no name
        aged(vault, "People/.Jane.md.vaultlink-temp-0a1b2c3d", 3600),
        aged(vault, "People/notes about .x.vaultlink-tmp-0a1b2c3d.md", 3600),
        aged(vault, "Companies/.Acme.md.vaultlink-tmp-0a1b2c3d", 3600),  # not written to
    ]
    folder = vault / "People/.Old.md.vaultlink-tmp-11111111"
    folder.mkdir()  # a folder, not a file: never ours
    (folder / "inside.md").write_text("mine")
    link = vault / "People/.Link.md.vaultlink-tmp-22222222"
    link.symlink_to(vault / "People/Jane.md")
    os.utime(link, (time.time() - 3600,) * 2, follow_symlinks=False)

    report = apply(vault, [planned(vault, "People/Jane.md", "- a\n")])

    assert report.written == ("People/Jane.md",)
    assert sorted(report.removed) == [
        "People/.Bob Stone.md.vaultlink-tmp-99999999",
        "People/.Jane.md.vaultlink-tmp-0a1b2c3d",
    ]
    assert not stale.exists()
    assert not stale_other.exists()
    assert all(path.exists() for path in kept)
    assert (folder / "inside.md").read_text() == "mine"
    assert link.is_symlink()
    assert (vault / "People/Jane.md").read_text() == "# Jane\n- a\n"


def test_apply_cleans_the_folders_of_changes_it_means_to_write_only(vault: Path) -> None:
    put(vault, "People/Jane.md", "# Jane\n")
    put(vault, "Daily/2026-11-23.md", "# Day\n")
    stale_daily = aged(vault, "Daily/.2026-11-23.md.vaultlink-tmp-abcdef01", 3600)
    stale_people = aged(vault, "People/.Jane.md.vaultlink-tmp-abcdef02", 3600)
    unchanged = FileChange("Daily/2026-11-23.md", "# Day\n", "# Day\n", "same")
    gone = FileChange("People/Jane.md", "x", "not what is on disk", "stale plan")
    report = apply(vault, [unchanged, gone])
    assert report.unchanged == ("Daily/2026-11-23.md",)
    assert [r.path for r in report.refused] == ["People/Jane.md"]
    # a change that changes something cleans its folder, even if it is then refused;
    # one that changes nothing does not look
    assert report.removed == ("People/.Jane.md.vaultlink-tmp-abcdef02",)
    assert not stale_people.exists()
    assert stale_daily.exists()


def test_stale_temp_files_beside_a_symlinked_target_are_found_where_they_are_written(
    vault: Path,
) -> None:
    put(vault, "Real/Jane.md", "# Jane\n")
    (vault / "People/Jane.md").symlink_to(vault / "Real/Jane.md")
    stale = aged(vault, "Real/.Jane.md.vaultlink-tmp-abcdef03", 3600)
    report = apply(vault, [planned(vault, "People/Jane.md", "- a\n")])
    assert report.removed == ("Real/.Jane.md.vaultlink-tmp-abcdef03",)
    assert not stale.exists()


def test_no_stale_temp_files_means_an_empty_removed_list(vault: Path) -> None:
    put(vault, "People/Jane.md", "# Jane\n")
    report = apply(vault, [planned(vault, "People/Jane.md", "- a\n")])
    assert report == ApplyReport(written=("People/Jane.md",))


def test_the_temp_name_pattern_matches_the_names_apply_gives(vault: Path) -> None:
    for name in ("Jane.md", "é" * 120 + ".md", "a b.c.md", ".hidden.md"):
        temp = writer._temp_name(vault / name)
        assert writer.is_temp_name(temp.name), temp.name
    assert not writer.is_temp_name("Jane.md")
