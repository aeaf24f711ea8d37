from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from vaultlink.resolve import Resolver
from vaultlink.scan import scan

HELP = Path("/work/shared/vaults/obsidian-help-en")
POKEROLE = Path("/work/shared/vaults/pokerole")

NOTES = [
    "Home.md",
    "People/Jane Doe.md",
    "People/John Smith.md",
    "Companies/Acme Corp.md",
    "Work/Meeting.md",
    "Work/Notes/Meeting.md",
    "Personal/Meeting.md",
    "Archive/2024/Projects/Plan.md",
    "Projects/Plan.md",
    "A/Long folder name/Dup.md",
    "B/Dup.md",
    "C/Dup.md",
    "Café.md",
    "Report.pdf.md",
]
FILES = [
    "Attachments/image.png",
    "Work/image.png",
    "Board.canvas",
    "Docs/file.pdf",
    "Projects.base",
]
ALIASES = {
    "People/Jane Doe.md": ["Jane", "JD"],
    "People/John Smith.md": ["Johnny", "Meeting"],
    "Companies/Acme Corp.md": "Acme",  # a bare string is one alias, not letters
    "Not a note.md": ["Ghost"],
}


@pytest.fixture
def resolver() -> Resolver:
    return Resolver(NOTES, FILES, ALIASES)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("Jane Doe", "People/Jane Doe.md"),
        ("jane doe", "People/Jane Doe.md"),
        ("JANE DOE.MD", "People/Jane Doe.md"),
        ("Jane Doe.md", "People/Jane Doe.md"),
        ("  Jane Doe  ", "People/Jane Doe.md"),
        ("Cafe\u0301", "Café.md"),  # decomposed é (macOS file names) matches composed
        ("People/Jane Doe", "People/Jane Doe.md"),
        ("people/jane doe.md", "People/Jane Doe.md"),
        ("Nobody", None),
        ("Doe", None),  # not a suffix match on partial names
        ("ople/Jane Doe", None),  # suffixes align with folder boundaries
    ],
)
def test_names_case_and_md_suffix(resolver: Resolver, target: str, expected: str | None) -> None:
    assert resolver.resolve(target, "Home.md") == expected


def test_path_suffix(resolver: Resolver) -> None:
    assert resolver.resolve("Notes/Meeting", "Home.md") == "Work/Notes/Meeting.md"
    assert resolver.resolve("Work/Notes/Meeting", "Home.md") == "Work/Notes/Meeting.md"
    # two files end with Projects/Plan: the shortest path wins
    assert resolver.resolve("Projects/Plan", "Home.md") == "Projects/Plan.md"
    assert resolver.resolve("2024/Projects/Plan", "Home.md") == "Archive/2024/Projects/Plan.md"
    assert resolver.resolve("Other/Plan", "Home.md") is None


def test_same_folder_wins(resolver: Resolver) -> None:
    assert resolver.resolve("Meeting", "Work/Notes/Today.md") == "Work/Notes/Meeting.md"
    assert resolver.resolve("Meeting", "Personal/Diary.md") == "Personal/Meeting.md"
    assert resolver.resolve("Meeting", "Work/Today.md") == "Work/Meeting.md"
    assert resolver.resolve("Dup", "C/x.md") == "C/Dup.md"


def test_otherwise_shortest_path_then_alphabetical(resolver: Resolver) -> None:
    # Work/Meeting.md and Personal/Meeting.md: shortest path
    assert resolver.resolve("Meeting", "Home.md") == "Work/Meeting.md"
    assert resolver.resolve("Meeting", "People/Jane Doe.md") == "Work/Meeting.md"
    # B/Dup.md and C/Dup.md tie on length: alphabetical
    assert resolver.resolve("Dup", "Home.md") == "B/Dup.md"
    assert resolver.resolve("Dup", "A/Long folder name/Dup.md") == "A/Long folder name/Dup.md"


def test_path_relative_to_the_linking_folder_wins(resolver: Resolver) -> None:
    # "Notes/Meeting" from Work/ is Work/Notes/Meeting.md, the note's own subfolder
    assert resolver.resolve("Notes/Meeting", "Work/Today.md") == "Work/Notes/Meeting.md"
    assert resolver.resolve("Projects/Plan", "Archive/2024/x.md") == (
        "Archive/2024/Projects/Plan.md"
    )


def test_dot_paths(resolver: Resolver) -> None:
    assert resolver.resolve("./Meeting", "Work/Today.md") == "Work/Meeting.md"
    assert resolver.resolve("./Notes/Meeting.md", "Work/Today.md") == "Work/Notes/Meeting.md"
    assert resolver.resolve("../Meeting", "Work/Notes/Today.md") == "Work/Meeting.md"
    assert resolver.resolve("../../Home", "Work/Notes/Today.md") == "Home.md"
    assert resolver.resolve("../People/Jane Doe", "Companies/Acme Corp.md") == (
        "People/Jane Doe.md"
    )
    assert resolver.resolve("./Jane Doe", "Home.md") is None  # relative links are exact
    assert resolver.resolve("./Meeting", "Home.md") is None
    assert resolver.resolve("Notes/../Meeting", "Work/Today.md") == "Work/Meeting.md"


def test_escaping_the_root_never_resolves(resolver: Resolver) -> None:
    assert resolver.resolve("../Home", "Home.md") is None
    assert resolver.resolve("../../Home", "People/Jane Doe.md") is None
    assert resolver.resolve("../vault/Home", "Home.md") is None
    assert resolver.resolve("/../Home", "Home.md") is None
    assert resolver.resolve("..", "People/Jane Doe.md") is None


def test_leading_slash_anchors_to_the_root(resolver: Resolver) -> None:
    assert resolver.resolve("/Projects/Plan", "Archive/2024/x.md") == "Projects/Plan.md"
    assert resolver.resolve("/Work/Meeting.md", "Personal/x.md") == "Work/Meeting.md"
    assert resolver.resolve("/Meeting", "Work/x.md") is None  # no Meeting.md at the root
    assert resolver.resolve("/Home", "Work/x.md") == "Home.md"
    assert resolver.resolve("/", "Work/x.md") is None


def test_empty_target_is_the_note_itself(resolver: Resolver) -> None:
    assert resolver.resolve("", "People/Jane Doe.md") == "People/Jane Doe.md"
    assert resolver.resolve("   ", "People/Jane Doe.md") == "People/Jane Doe.md"
    assert resolver.resolve("", "Not in the vault.md") is None


def test_attachments_resolve_by_name_with_extension(resolver: Resolver) -> None:
    assert resolver.resolve("Board.canvas", "Home.md") == "Board.canvas"
    assert resolver.resolve("board.CANVAS", "Home.md") == "Board.canvas"
    assert resolver.resolve("file.pdf", "Home.md") == "Docs/file.pdf"
    assert resolver.resolve("Projects.base", "Home.md") == "Projects.base"
    assert resolver.resolve("image.png", "Home.md") == "Work/image.png"  # shortest
    assert resolver.resolve("image.png", "Attachments/x.md") == "Attachments/image.png"
    assert resolver.resolve("Attachments/image.png", "Work/x.md") == "Attachments/image.png"
    assert resolver.resolve("Board", "Home.md") is None  # extension required
    assert resolver.resolve("image", "Home.md") is None
    # a note whose name ends in .pdf is found by that name
    assert resolver.resolve("Report.pdf", "Home.md") == "Report.pdf.md"


def test_aliases_only_as_fallback(resolver: Resolver) -> None:
    assert resolver.resolve("Jane", "Home.md") == "People/Jane Doe.md"
    assert resolver.resolve("jd", "Home.md") == "People/Jane Doe.md"
    assert resolver.resolve("Acme", "Home.md") == "Companies/Acme Corp.md"
    assert resolver.resolve("A", "Home.md") is None  # not the letters of "Acme"
    # "Meeting" is an alias of John Smith but files named Meeting win
    assert resolver.resolve("Meeting", "Home.md") == "Work/Meeting.md"
    assert resolver.resolve("Ghost", "Home.md") is None  # alias of a path not in the vault
    assert resolver.resolve("./Jane", "People/x.md") is None  # aliases are names, not paths


def test_alias_ties_follow_the_same_rules() -> None:
    resolver = Resolver(
        ["X/Long name/Jane A.md", "Y/Jane B.md", "Z/Jane C.md"],
        aliases={
            "X/Long name/Jane A.md": ["Jane"],
            "Y/Jane B.md": ["Jane"],
            "Z/Jane C.md": ["Jane"],
        },
    )
    assert resolver.resolve("Jane", "Home.md") == "Y/Jane B.md"
    assert resolver.resolve("Jane", "Z/x.md") == "Z/Jane C.md"


def test_percent_encoded_markdown_links(resolver: Resolver) -> None:
    assert resolver.resolve("People/Jane%20Doe.md", "Home.md") == "People/Jane Doe.md"
    assert resolver.resolve("100%", "Home.md") is None


def test_results_are_always_known_paths(resolver: Resolver) -> None:
    known = set(NOTES) | set(FILES)
    for target in ["Jane", "../x", "/", "", "Meeting", "image.png", "..", ".", "a//b"]:
        for source in ["Home.md", "Work/Notes/Meeting.md", "Elsewhere/x.md"]:
            found = resolver.resolve(target, source)
            assert found is None or found in known
    assert "Home.md" in resolver
    assert "Nope.md" not in resolver


def test_note_wins_a_clash_with_an_extensionless_file() -> None:
    resolver = Resolver(["A/README.md"], ["A/README"])
    assert resolver.resolve("A/README", "x.md") == "A/README.md"


def test_candidates(resolver: Resolver) -> None:
    assert resolver.candidates("Meeting") == (
        "Work/Meeting.md",
        "Personal/Meeting.md",
        "Work/Notes/Meeting.md",
    )
    assert resolver.candidates("jane doe") == ("People/Jane Doe.md",)
    assert resolver.candidates("Jane Doe.md") == ("People/Jane Doe.md",)
    assert resolver.candidates("Notes/Meeting") == ("Work/Notes/Meeting.md",)
    assert resolver.candidates("Jane") == ()  # aliases are not names
    assert resolver.candidates("image.png") == ()  # notes only
    assert resolver.candidates("") == ()


def test_ambiguous(resolver: Resolver) -> None:
    assert resolver.ambiguous() == {
        "dup": ("B/Dup.md", "C/Dup.md", "A/Long folder name/Dup.md"),
        "meeting": ("Work/Meeting.md", "Personal/Meeting.md", "Work/Notes/Meeting.md"),
        "plan": ("Projects/Plan.md", "Archive/2024/Projects/Plan.md"),
    }
    assert Resolver(["a.md"], ["b/a.png"]).ambiguous() == {}


# ---------------------------------------------------------------- real vaults


@pytest.mark.skipif(not HELP.is_dir(), reason="shared test vault not present")
def test_obsidian_help_vault() -> None:
    scanned = scan(HELP)
    resolver = Resolver([n.path for n in scanned.notes], scanned.files)
    publish = "Obsidian Publish/Introduction to Obsidian Publish.md"
    sync = "Obsidian Sync/Introduction to Obsidian Sync.md"
    assert resolver.resolve("Security and privacy", publish) == (
        "Obsidian Publish/Security and privacy.md"
    )
    assert resolver.resolve("Security and privacy", sync) == "Obsidian Sync/Security and privacy.md"
    assert resolver.resolve("Obsidian Sync/Security and privacy", "Teams/Syncing for teams.md") == (
        "Obsidian Sync/Security and privacy.md"
    )
    clipper = "Obsidian Web Clipper/Introduction to Obsidian Web Clipper.md"
    assert resolver.resolve("Templates", clipper) == "Obsidian Web Clipper/Templates.md"
    assert resolver.resolve("Templates", "Home.md") == "Plugins/Templates.md"  # shortest
    assert set(resolver.ambiguous()) == {"security and privacy", "templates"}
    assert resolver.candidates("Security and privacy") == (
        "Obsidian Sync/Security and privacy.md",
        "Obsidian Publish/Security and privacy.md",
    )


_WIKILINK = re.compile(r"\[\[([^\]|#]*)(?:[#|][^\]]*)?\]\]")


@pytest.mark.skipif(not POKEROLE.is_dir(), reason="shared test vault not present")
def test_pokerole_links_resolve_fast() -> None:
    scanned = scan(POKEROLE)
    links = [
        (m.group(1).replace("\\", ""), note.path)
        for note in scanned.notes
        for m in _WIKILINK.finditer(note.abspath.read_text(encoding="utf-8"))
    ]
    assert len(links) > 15_000
    resolver = Resolver([n.path for n in scanned.notes], scanned.files)
    start = time.perf_counter()
    found = [resolver.resolve(target, source) for target, source in links]
    elapsed = time.perf_counter() - start
    assert sum(f is not None for f in found) > 9_000  # the copy has no images or .base files
    assert elapsed < 0.5  # measured ~30 ms for ~16,600 links; the bound only catches pathologies


def test_note_wins_a_clash_by_bare_name() -> None:
    resolver = Resolver(["A/README.md"], ["A/README"])
    assert resolver.resolve("README", "x.md") == "A/README.md"


def test_stray_alias_values_are_ignored() -> None:
    resolver = Resolver(["a.md", "b.md"], aliases={"a.md": 42, "b.md": None})  # type: ignore[dict-item]
    assert resolver.resolve("42", "x.md") is None
