from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from vaultlink.scan import FileEntry, IgnoreFilters, ScanResult, is_markdown, scan

POKEROLE = Path("/work/shared/vaults/pokerole")


def touch(root: Path, *rels: str) -> None:
    for rel in rels:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# {rel}\n", encoding="utf-8")


def note_paths(result: ScanResult) -> list[str]:
    return [n.path for n in result.notes]


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = tmp_path / "vault"
    touch(
        root,
        "Home.md",
        "People/Jane Doe.md",
        "People/Upper.MD",
        "People/Mixed.Md",
        "Companies/Acme/Acme Corp.md",
        "Attachments/photo.png",
        "Board.canvas",
        "Projects.base",
        "Docs/cv.pdf",
        "notes.txt",
        ".obsidian/app.json",
        ".obsidian/plugins/x/README.md",
        ".git/HEAD",
        ".trash/Old.md",
        ".hidden.md",
        "People/.DS_Store",
        "People/.secret/Hidden.md",
    )
    return root


def test_notes_and_files(vault: Path) -> None:
    result = scan(vault)
    assert note_paths(result) == [
        "Companies/Acme/Acme Corp.md",
        "Home.md",
        "People/Jane Doe.md",
        "People/Mixed.Md",
        "People/Upper.MD",
    ]
    assert result.files == (
        "Attachments/photo.png",
        "Board.canvas",
        "Docs/cv.pdf",
        "Projects.base",
        "notes.txt",
    )
    assert result.problems == ()
    assert result.ignored == ()


def test_file_entry_fields(vault: Path) -> None:
    entry = next(n for n in scan(vault).notes if n.path == "People/Jane Doe.md")
    stat = (vault / "People" / "Jane Doe.md").stat()
    assert entry == FileEntry(
        "People/Jane Doe.md", str(vault / "People" / "Jane Doe.md"), stat.st_size,
        stat.st_mtime_ns,
    )
    assert isinstance(entry.location, str)
    assert isinstance(entry.abspath, Path)
    assert entry.abspath == vault / "People" / "Jane Doe.md"
    assert entry.abspath.read_text(encoding="utf-8") == "# People/Jane Doe.md\n"


def test_relative_root_gives_usable_abspaths(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(vault.parent)
    result = scan(Path("vault"))
    assert "Home.md" in note_paths(result)
    assert all(n.abspath.is_file() for n in result.notes)


@pytest.mark.parametrize("root", ["vault", ".", "./vault/", "ABS", "ABS/"])
def test_locations_are_the_root_joined_with_the_path(
    vault: Path, monkeypatch: pytest.MonkeyPatch, root: str
) -> None:
    """``location`` is built from strings but reads as ``Path(root) / path`` would."""
    monkeypatch.chdir(vault if root == "." else vault.parent)
    given = root.replace("ABS", str(vault))
    result = scan(Path(given))
    assert len(result.notes) == 5
    for note in result.notes:
        assert note.abspath == Path(given) / note.path
        assert str(note.abspath) == str(Path(given) / note.path)
        assert os.path.samefile(note.location, vault / note.path)
        assert "//" not in note.location


def test_is_markdown() -> None:
    assert is_markdown("a/b.md")
    assert is_markdown("a/b.MD")
    assert is_markdown("b.mD")
    assert not is_markdown("b.markdown")
    assert not is_markdown("md")
    assert not is_markdown("b.png")


def test_ignore_filters_prefix_and_regex(tmp_path: Path) -> None:
    touch(
        tmp_path,
        "Archive/Old.md",
        "Archive/Sub/Older.md",
        "Archived.md",
        "Keep/Archive/Not prefix.md",
        "Keep/scan.pdf",
        "Keep/Note.md",
        "Drafts/Draft.md",
    )
    result = scan(tmp_path, ["Archive/", r"/\.pdf$/", "Drafts"])
    assert note_paths(result) == ["Archived.md", "Keep/Archive/Not prefix.md", "Keep/Note.md"]
    assert result.files == ()
    assert result.ignored == (
        "Archive/Old.md",
        "Archive/Sub/Older.md",
        "Drafts/Draft.md",
        "Keep/scan.pdf",
    )
    assert result.problems == ()


def test_plain_filter_is_a_prefix_like_obsidian(tmp_path: Path) -> None:
    touch(tmp_path, "Archive/a.md", "Archived/b.md", "Other.md")
    assert note_paths(scan(tmp_path, ["Archive"])) == ["Other.md"]


def test_regex_filter_matches_anywhere_in_the_path(tmp_path: Path) -> None:
    touch(tmp_path, "A/Template - Person.md", "B/Jane.md")
    assert note_paths(scan(tmp_path, ["/[Tt]emplate/"])) == ["B/Jane.md"]


def test_bad_regex_filter_is_reported(tmp_path: Path) -> None:
    touch(tmp_path, "a.md")
    result = scan(tmp_path, ["/([/"])
    assert note_paths(result) == ["a.md"]
    assert [(p.code, p.severity) for p in result.problems] == [("bad-config", "warning")]


def test_ignore_filters_object() -> None:
    filters = IgnoreFilters(["Archive/", "/^x/", "/"])
    assert filters
    assert filters("Archive/a.md")
    assert filters("x.md")
    assert not filters("y/x.md")
    assert not IgnoreFilters([])


def test_missing_root_is_an_error(tmp_path: Path) -> None:
    result = scan(tmp_path / "nope")
    assert result.notes == ()
    assert [(p.path, p.severity, p.code) for p in result.problems] == [
        (".", "error", "unreadable-file")
    ]


def test_unreadable_folder_is_reported_and_scan_goes_on(
    vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_scandir = os.scandir
    locked = os.fspath(vault / "People")

    def scandir(path: str | os.PathLike[str]) -> Iterator[os.DirEntry[str]]:
        if os.fspath(path) == locked:
            raise PermissionError(13, "Permission denied", locked)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = scan(vault)
    assert "Home.md" in note_paths(result)
    assert not any(p.startswith("People/") for p in note_paths(result))
    assert [(p.path, p.severity, p.code) for p in result.problems] == [
        ("People", "warning", "unreadable-file")
    ]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_unreadable_folder_for_real(vault: Path) -> None:
    locked = vault / "People"
    locked.chmod(0)
    try:
        result = scan(vault)
    finally:
        locked.chmod(0o755)
    assert [p.path for p in result.problems] == ["People"]


# ---------------------------------------------------------------- symlinks

needs_symlinks = pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")


@needs_symlinks
def test_symlink_out_of_the_vault_is_not_followed(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    outside = tmp_path / "outside"
    touch(vault, "In.md")
    touch(outside, "Secret.md", "secret.png")
    (vault / "Linked").symlink_to(outside, target_is_directory=True)
    (vault / "Secret.md").symlink_to(outside / "Secret.md")
    (vault / "Up").symlink_to(tmp_path, target_is_directory=True)
    result = scan(vault)
    assert note_paths(result) == ["In.md"]
    assert result.files == ()
    assert sorted((p.path, p.code, p.severity) for p in result.problems) == [
        ("Linked", "symlink-outside-vault", "warning"),
        ("Secret.md", "symlink-outside-vault", "warning"),
        ("Up", "symlink-outside-vault", "warning"),
    ]


@needs_symlinks
def test_symlink_inside_the_vault_does_not_duplicate_notes(tmp_path: Path) -> None:
    touch(tmp_path, "People/Jane.md", "Notes/Other.md")
    (tmp_path / "AAA").symlink_to(tmp_path / "People", target_is_directory=True)
    (tmp_path / "Zed.md").symlink_to(tmp_path / "People" / "Jane.md")
    result = scan(tmp_path)
    # The real folder keeps its own path even though the link sorts first.
    assert note_paths(result) == ["Notes/Other.md", "People/Jane.md"]
    assert result.problems == ()


@needs_symlinks
def test_symlink_into_a_hidden_folder_is_followed(tmp_path: Path) -> None:
    touch(tmp_path, ".store/Shared/Idea.md", ".store/pic.png", "Home.md")
    (tmp_path / "Shared").symlink_to(tmp_path / ".store" / "Shared", target_is_directory=True)
    (tmp_path / "pic.png").symlink_to(tmp_path / ".store" / "pic.png")
    (tmp_path / "again.png").symlink_to(tmp_path / ".store" / "pic.png")
    result = scan(tmp_path)
    assert note_paths(result) == ["Home.md", "Shared/Idea.md"]
    assert result.notes[1].abspath == tmp_path / "Shared" / "Idea.md"
    assert result.files == ("again.png",)  # one file, listed once (first link wins)
    assert result.problems == ()


@needs_symlinks
def test_symlink_loops_end(tmp_path: Path) -> None:
    touch(tmp_path, "A/a.md", ".h/B/b.md")
    (tmp_path / "A" / "loop").symlink_to(tmp_path / "A", target_is_directory=True)
    (tmp_path / "A" / "root").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / ".h" / "B" / "back").symlink_to(tmp_path / ".h", target_is_directory=True)
    (tmp_path / "H").symlink_to(tmp_path / ".h", target_is_directory=True)
    (tmp_path / "self").symlink_to(tmp_path / "self")
    (tmp_path / "ping").symlink_to(tmp_path / "pong")
    (tmp_path / "pong").symlink_to(tmp_path / "ping")
    result = scan(tmp_path)
    assert note_paths(result) == ["A/a.md", "H/B/b.md"]
    assert result.problems == ()


@needs_symlinks
def test_dangling_symlink_is_skipped(tmp_path: Path) -> None:
    touch(tmp_path, "a.md")
    (tmp_path / "gone.md").symlink_to(tmp_path / "missing.md")
    (tmp_path / "gone-dir").symlink_to(tmp_path / "missing", target_is_directory=True)
    result = scan(tmp_path)
    assert note_paths(result) == ["a.md"]
    assert result.files == ()
    assert result.problems == ()


@needs_symlinks
def test_vault_root_reached_through_a_symlink(tmp_path: Path) -> None:
    touch(tmp_path, "real/a.md")
    (tmp_path / "alias").symlink_to(tmp_path / "real", target_is_directory=True)
    result = scan(tmp_path / "alias")
    assert note_paths(result) == ["a.md"]
    assert result.notes[0].abspath == tmp_path / "alias" / "a.md"


# ---------------------------------------------------------------- real vault


@pytest.mark.skipif(not POKEROLE.is_dir(), reason="shared test vault not present")
def test_pokerole_scan_is_fast() -> None:
    scan(POKEROLE)  # warm the OS caches
    start = time.perf_counter()
    result = scan(POKEROLE)
    elapsed = time.perf_counter() - start
    assert len(result.notes) == 4901
    assert result.problems == ()
    assert note_paths(result) == sorted(note_paths(result))
    assert elapsed < 1.0  # measured ~35 ms; the bound only catches pathologies
