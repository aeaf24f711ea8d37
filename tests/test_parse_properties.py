"""Properties of parse_note: it never raises, and every line it reports exists."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultlink.notes import Note, parse_note, read_note
from vaultlink.parse import normalise_text

VAULTS = Path("/work/shared/vaults")

# Fragments of Markdown, Obsidian and YAML syntax, so generated notes hit the rules'
# edge cases far more often than random characters would.
FRAGMENTS = [
    "[[",
    "]]",
    "[",
    "]",
    "(",
    ")",
    "|",
    "\\|",
    "\\",
    "#",
    "##",
    "# ",
    "::",
    ":",
    "%%",
    "$",
    "$$",
    "`",
    "```",
    "~~~",
    "---",
    "...",
    "***",
    "- ",
    "* ",
    "1. ",
    "- [ ] ",
    "- [x] ",
    "> ",
    "> [!note] ",
    "^",
    "^abc-1",
    "!",
    "![[",
    "<!--",
    "-->",
    "<span>",
    "&amp;",
    "*",
    "_",
    "~~",
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    " ",
    "  ",
    "\t",
    "    ",
    "a",
    "Jane Doe",
    "key",
    "due",
    "é",
    "日本",
    "café",
    "1984",
    "2026-11-01",
    "2026-13-45",
    "📅",
    "✅",
    "⏳",
    "🛫",
    "🗓️",
    "{{date}}",
    "{{",
    "}}",
    "<%",
    "%>",
    "<%*",
    "-%>",
    "<% tp.file.title %>",
    "**",
    "**key**::",
    "(**k**:: ",
    "[*k*:: ",
    "http://x.com/",
    "\ufeff",
    "\0",
    "\u200d",
    "|---|",
    "| a | b |",
    "'",
    '"',
    "&",
    "<",
    ">",
    "=",
    "tags:",
    "company:",
    "[[Acme]]",
    "\x85",
    "\u2028",
]

syntax_text = st.lists(st.sampled_from(FRAGMENTS), max_size=60).map("".join)
mixed_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=60).map(
    "".join
)
yaml_lines = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "type: person",
                "company: [[Acme]]",
                'company: "[[Acme|A]]"',
                "with:",
                "  - [[Jane]]",
                '  - "[[Bob]]"',
                "tags: a, #b",
                "tags: [x, 1984]",
                "date: {{date}}",
                "created: <% tp.date.now() %>",
                'when: <% tp.date.now("HH: mm") %>',
                "<%* let x = 1 %>",
                "met: 2026-13-45",
                "when: 2026-10-02",
                "a: &x [1, 2]",
                "b: *x",
                "c: [unclosed",
                "- listed",
                "  bad: indent",
                "? complex",
                "!!binary x",
                ": :",
                "'",
            ]
        ),
        st.text(max_size=20),
    ),
    max_size=12,
).map("\n".join)
with_frontmatter = st.tuples(yaml_lines, mixed_text).map(lambda p: f"---\n{p[0]}\n---\n{p[1]}")


def check(text: str) -> Note:
    n = parse_note("Fuzz/Note.md", text)
    assert isinstance(n, Note)
    # the parser's own guard never had to catch anything
    assert all(p.code != "parse-error" for p in n.problems), n.problems
    last = len(normalise_text(text).split("\n"))
    for block in n.blocks:
        assert 1 <= block.line <= block.end_line <= last, (block, last)
        for link in block.links:
            assert block.line <= link.line <= block.end_line, (link, block)
        for tag in block.tags:
            assert block.line <= tag.line <= block.end_line, (tag, block)
        for fld in block.fields:
            assert block.line <= fld.line <= block.end_line, (fld, block)
    for link in n.links:
        assert 1 <= link.line <= last
    for tag in n.tags:
        assert 1 <= tag.line <= last
    for heading in n.headings:
        assert 1 <= heading.line <= last
    for problem in n.problems:
        assert problem.line is None or 1 <= problem.line <= last, problem
    for line in n.property_lines.values():
        assert 1 <= line <= last
    assert 1 <= n.body_line <= last + 1
    return n


FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.text())
def test_arbitrary_text(text: str) -> None:
    check(text)


@FUZZ
@given(syntax_text)
def test_syntax_soup(text: str) -> None:
    check(text)


@FUZZ
@given(mixed_text)
def test_syntax_mixed_with_random_text(text: str) -> None:
    check(text)


@FUZZ
@given(with_frontmatter)
def test_frontmatter_soup(text: str) -> None:
    check(text)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_read_note_arbitrary_bytes(data: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "n.md"
        path.write_bytes(data)
        n = read_note("n.md", path)
    assert all(p.code != "parse-error" for p in n.problems)


@pytest.mark.parametrize(
    "text",
    [
        "[" * 5000,
        "[[" * 3000 + "]]" * 3000,
        "> " * 500 + "[[A]]",
        "- " * 500 + "[[A]]",
        "*" * 10000,
        "`" * 5000,
        "$" * 5000,
        "%" * 5000,
        "#" * 5000,
        "a:: " * 2000,
        "[k:: " * 2000 + "]" * 2000,
        "(k:: " * 2000 + ")" * 2000,
        "**k**:: " * 2000,
        "(**k**:: " * 2000 + ")" * 2000,
        "[**k**:: " * 2000 + "]" * 2000,
        "\n**k**:: v" * 2000,
        "<%" * 5000,
        "<%*" * 3000,
        "<%" + "\n" * 3000 + "%>",
        "---\n" + "[" * 5000 + "\n---\nbody",
        "---\n" + "a:\n " * 2000 + "\n---\nbody",
        "| a |\n|---|\n" + "| [[x\\|y]] |\n" * 500,
    ],
)
def test_pathological_inputs(text: str) -> None:
    check(text)


@pytest.mark.skipif(not (VAULTS / "obsidian-help-en").is_dir(), reason="shared vaults absent")
def test_every_note_of_obsidian_help_parses() -> None:
    root = VAULTS / "obsidian-help-en"
    files = sorted(root.rglob("*.md"))
    assert len(files) > 100
    links = 0
    for path in files:
        n = read_note(path.relative_to(root).as_posix(), path)
        assert n.problems == (), (path, n.problems)
        check(path.read_text(encoding="utf-8"))
        links += len(n.links)
    assert links > 1500


@pytest.mark.skipif(not (VAULTS / "obsidian-help-en").is_dir(), reason="shared vaults absent")
def test_obsidian_help_table_escaped_links() -> None:
    root = VAULTS / "obsidian-help-en"
    found = [
        link
        for path in sorted(root.rglob("*.md"))
        for block in read_note(path.name, path).blocks
        if block.kind == "table"
        for link in block.links
        if "\\|" in block.raw
    ]
    assert found
    assert all(not link.target.endswith("\\") for link in found)
    assert any(link.alias for link in found)
