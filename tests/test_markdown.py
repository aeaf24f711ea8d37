"""The markdown-it plugin: tokens for Obsidian syntax, and the tuned shared parser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from vaultlink.markdown import _FastBlockParser, make_parser, obsidian_plugin, split_wikilink
from vaultlink.parse import normalise_text

VAULTS = Path("/work/shared/vaults")


def children(text: str, md: MarkdownIt | None = None) -> list[Token]:
    """The inline children of every inline token, in order."""
    out: list[Token] = []
    for token in (md or make_parser()).parse(text):
        if token.type == "inline":
            out.extend(token.children or [])
    return out


def of_type(text: str, kind: str) -> list[Token]:
    return [t for t in children(text) if t.type == kind]


def plain_plugin_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark")
    md.enable(["table", "strikethrough"])
    md.disable(["normalize", "text_join"])
    md.use(obsidian_plugin)
    return md


# --------------------------------------------------------------------------- wikilinks


@pytest.mark.parametrize(
    ("inner", "expected"),
    [
        ("Target", ("Target", None, None)),
        ("Target|alias", ("Target", None, "alias")),
        ("Target#Heading", ("Target", "Heading", None)),
        ("Target#^block-1", ("Target", "^block-1", None)),
        ("#Heading", ("", "Heading", None)),
        ("A\\|b", ("A", None, "b")),
        ("Folder/Note#H1#H2|shown", ("Folder/Note", "H1#H2", "shown")),
        (" spaced | x ", ("spaced", None, "x")),
    ],
)
def test_split_wikilink(inner: str, expected: tuple[str, str | None, str | None]) -> None:
    assert split_wikilink(inner) == expected


def test_wikilink_token() -> None:
    [token] = of_type("see [[Jane Doe#Log|Jane]] now", "wikilink")
    assert token.meta["target"] == "Jane Doe"
    assert token.meta["subpath"] == "Log"
    assert token.meta["alias"] == "Jane"
    assert token.meta["embed"] is False
    assert token.content == "Jane"


def test_embed_token() -> None:
    [token] = of_type("![[chart.png|200]]", "wikilink")
    assert token.meta["embed"] is True
    assert token.meta["target"] == "chart.png"


def test_wikilink_line_offset_inside_paragraph() -> None:
    tokens = of_type("one\ntwo [[A]]\nthree\nfour [[B]]", "wikilink")
    assert [t.meta["line"] for t in tokens] == [1, 3]


def test_wikilink_does_not_span_lines() -> None:
    assert of_type("[[A\nB]]", "wikilink") == []


def test_empty_wikilink_is_text() -> None:
    assert of_type("[[]] and [[ ]]", "wikilink") == []


def test_escaped_wikilink_is_text() -> None:
    assert of_type("\\[[A]]", "wikilink") == []


def test_table_escaped_pipe_is_alias_and_keeps_cell() -> None:
    text = "| who | note |\n|---|---|\n| [[Jane Doe\\|Jane]] | hi |\n"
    tokens = make_parser().parse(text)
    cells = [t for t in tokens if t.type == "inline"]
    assert len(cells) == 4  # the escaped pipe did not split the cell
    [link] = [c for c in cells[2].children or [] if c.type == "wikilink"]
    assert link.meta["target"] == "Jane Doe"
    assert link.meta["alias"] == "Jane"


def test_markdown_link_still_parsed() -> None:
    kinds = [t.type for t in children("[a](b.md) and [c **d**](e)")]
    assert kinds.count("link_open") == 2


# --------------------------------------------------------------------------- tags


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("#tag", ["tag"]),
        ("a #café b", ["café"]),
        ("#日本語", ["日本語"]),
        ("#person/recruiter", ["person/recruiter"]),
        ("#y2024 #1984", ["y2024"]),
        ("#2024-01", ["2024-01"]),
        ("http://x.com/#frag", []),
        ("https://example.com/page#section", []),
        ("see www.x.com/a#b", []),
        ("a#b", []),
        ("#--", []),
        ("(#inparens)", ["inparens"]),
        ("*#emph*", ["emph"]),
        ("#snake_case and #kebab-case", ["snake_case", "kebab-case"]),
        ("#trailing/", ["trailing"]),
        ("#हिंदी", ["हिंदी"]),
    ],
)
def test_tags(text: str, names: list[str]) -> None:
    assert [t.meta["name"] for t in of_type(text, "obsidian_tag")] == names


def test_heading_marker_is_not_a_tag() -> None:
    assert of_type("# Heading", "obsidian_tag") == []
    assert [t.meta["name"] for t in of_type("## Title #tag", "obsidian_tag")] == ["tag"]


# --------------------------------------------------------------------------- fields


def fields(text: str) -> list[tuple[str, str, str]]:
    return [(t.meta["key"], t.meta["value"], t.meta["form"]) for t in of_type(text, "field_open")]


def test_field_whole_line() -> None:
    assert fields("company:: [[Acme]]") == [("company", "[[Acme]]", "line")]


def test_field_whole_line_second_line() -> None:
    assert fields("intro\nmet via:: Jane") == [("met via", "Jane", "line")]


def test_field_brackets() -> None:
    assert fields("call [due:: 2026-11-01] soon") == [("due", "2026-11-01", "[")]


def test_field_parentheses() -> None:
    assert fields("call (mood:: good) soon") == [("mood", "good", "(")]


def test_field_value_with_nested_brackets() -> None:
    assert fields("[with:: [[A]], [[B]]]") == [("with", "[[A]], [[B]]", "[")]
    links = of_type("[with:: [[A]], [[B]]]", "wikilink")
    assert [t.meta["target"] for t in links] == ["A", "B"]


def test_field_key_may_hold_spaces() -> None:
    assert fields("Met At:: the fair") == [("Met At", "the fair", "line")]


def test_field_not_whole_line() -> None:
    assert fields("some, text key:: value") == []
    assert fields("**bold** key:: value") == []
    assert fields("[[A]] key:: value") == []
    assert fields("std::vector") == [("std", "vector", "line")]  # as Dataview reads it
    assert fields("a url http://x::y") == []


def test_field_text_of_paren_value_stops_at_paren() -> None:
    kids = children("(a:: b) after")
    texts = [t.content for t in kids if t.type == "text"]
    assert texts == [" b", " after"]


def test_parentheses_without_field_are_text() -> None:
    assert fields("a (plain) b (x: y) c") == []


# Dataview drops the emphasis around a key (its full-line key parser skips leading
# non-word characters and trailing ``*``; bracketed keys are canonicalised without them).
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("**Met at**:: PyCon", [("Met at", "PyCon", "line")]),
        ("*Met at*:: PyCon", [("Met at", "PyCon", "line")]),
        ("***Met at***:: PyCon", [("Met at", "PyCon", "line")]),
        ("intro\n  **Met at**:: PyCon", [("Met at", "PyCon", "line")]),
        ("**Met at**::", [("Met at", "", "line")]),
        ("call [**due**:: 2026-11-01] soon", [("due", "2026-11-01", "[")]),
        ("call (**mood**:: good) soon", [("mood", "good", "(")]),
        ("(*a*:: 1) and [***b***:: 2]", [("a", "1", "("), ("b", "2", "[")]),
    ],
)
def test_field_with_emphasised_key(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert fields(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "some **Met at**:: PyCon",  # not the whole line
        "**Met at*:: PyCon",  # unbalanced
        "** Met at **:: PyCon",  # not emphasis
        "**Met at** :: PyCon",  # as ``key :: v``, a space before ``::`` is not a key
        "__Met at__:: PyCon",  # Dataview keeps underscores: not this key
        "****Met at****:: PyCon",
        "`**k**:: v`",
        "(**k**:: v",  # unclosed
    ],
)
def test_emphasis_that_is_not_a_field_key(text: str) -> None:
    assert fields(text) == []


def test_emphasised_key_value_is_parsed_and_bold_elsewhere_kept() -> None:
    kids = children("**Met at**:: [[PyCon]] with **Jane**")
    kinds = [t.type for t in kids]
    assert kinds[0] == "field_open"
    assert "wikilink" in kinds
    assert kinds.count("strong_open") == 1  # only the value's own bold
    assert [t.type for t in children("**bold** text") if t.content or t.type != "text"] == [
        "strong_open",
        "text",
        "strong_close",
        "text",
    ]


# --------------------------------------------------------------------------- templater


def templater(text: str) -> list[str]:
    return [t.content for t in of_type(text, "templater")]


@pytest.mark.parametrize(
    ("text", "commands"),
    [
        ("# <% tp.file.title %>", ["<% tp.file.title %>"]),
        ('met <% tp.date.now("YYYY-MM-DD") %> at', ['<% tp.date.now("YYYY-MM-DD") %>']),
        ("<%* if (x) { -%>\nyes\n<%* } %>", ["<%* if (x) { -%>", "<%* } %>"]),
        ("<%_ tp.file.cursor() _%>", ["<%_ tp.file.cursor() _%>"]),
        ("k:: <% tp.date.now() %>", ["<% tp.date.now() %>"]),
        ("<%*\nconst n = await f('N');", ["<%*\nconst n = await f('N');"]),  # left open
    ],
)
def test_templater_commands(text: str, commands: list[str]) -> None:
    assert templater(text) == commands


@pytest.mark.parametrize(
    "text",
    ["a <% b", "`<% x %>`", "```\n<% x %>\n```", "<!-- <% x %> -->", "%% <% x %> %%", "5 <%+ 3"],
)
def test_not_templater(text: str) -> None:
    assert templater(text) == []


def test_templater_hides_what_is_inside() -> None:
    kids = children('<% "[[" + tp.file.title + "]] #tag" %> [[Real]]')
    assert [t.meta["target"] for t in kids if t.type == "wikilink"] == ["Real"]
    assert [t for t in kids if t.type == "obsidian_tag"] == []
    [command] = [t for t in children("a <%* x\ny\nz %> b") if t.type == "templater"]
    assert command.meta["nl"] == 2


# --------------------------------------------------------------------------- excluded


@pytest.mark.parametrize(
    "text",
    [
        "```\n[[A]] #tag key:: v\n```",
        "    [[A]] #tag",
        "`[[A]] #tag`",
        "``multi\nline [[A]]``",
        "$[[A]] #tag$",
        "$$\n[[A]]\n\n#tag\n$$",
        "$$ [[A]] $$",
        "<!-- [[A]] #tag -->",
        "text <!-- [[A]] --> more",
        "%% [[A]] #tag %%",
        "text %% [[A]] %% more",
        "%%\n[[A]]\n\n---\n#tag\n%%",
        "%% unclosed\n\n[[A]] #tag",
        "text\n%%\n[[A]]\n\n#tag\n%%",
    ],
)
def test_nothing_counts_inside_code_math_and_comments(text: str) -> None:
    kids = children(text)
    assert [t for t in kids if t.type in ("wikilink", "obsidian_tag", "field_open")] == []


def test_comment_block_token_and_what_follows() -> None:
    tokens = make_parser().parse("%%\nhidden\n%%\nafter [[B]]\n")
    assert tokens[0].type == "obsidian_comment_block"
    assert tokens[0].map == [0, 3]
    assert [t.meta["target"] for t in of_type("%%\nhidden\n%%\nafter [[B]]\n", "wikilink")] == ["B"]


def test_one_line_comment_with_trailing_text_is_inline() -> None:
    kids = children("%% note %% [[Shown]]")
    assert next(t.type for t in kids) == "obsidian_comment"
    assert [t.meta["target"] for t in kids if t.type == "wikilink"] == ["Shown"]


def test_dollar_amounts_are_not_math() -> None:
    assert of_type("costs $5 and $10 [[A]]", "math_inline") == []
    assert len(of_type("costs $5 and $10 [[A]]", "wikilink")) == 1


def test_math_block_needs_closing() -> None:
    tokens = make_parser().parse("$$\nx\n\n[[A]]")
    assert all(t.type != "math_block" for t in tokens)


# --------------------------------------------------------------------------- block ids


def test_block_id_at_end() -> None:
    [token] = of_type("some text ^abc-123", "block_id")
    assert token.meta["id"] == "abc-123"


def test_caret_elsewhere_is_not_block_id() -> None:
    assert of_type("x^2 and ^not end", "block_id") == []
    assert of_type("footnote[^1]", "block_id") == []


# --------------------------------------------------------------------------- parser


def test_plugin_works_on_a_plain_parser() -> None:
    md = plain_plugin_parser()
    kinds = {t.type for t in children("[[A]] #t %%c%% $m$ k:: v", md)}
    assert {"wikilink", "obsidian_tag", "obsidian_comment", "math_inline"} <= kinds


def test_make_parser_is_cached_and_lean() -> None:
    md = make_parser()
    assert make_parser() is md
    assert md.options["linkify"] is False
    assert "linkify" not in md.core.ruler.get_active_rules()
    assert "normalize" not in md.core.ruler.get_active_rules()
    assert "table" in md.block.ruler.get_active_rules()


def flat(tokens: list[Token]) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    for t in tokens:
        out.append((t.type, t.tag, t.map, t.content, t.markup, dict(t.attrs), t.level))
        if t.type != "inline":
            out.append(tuple(sorted((k, repr(v)) for k, v in t.meta.items())))
        if t.children:
            out.extend(flat(t.children))
    return out


SAMPLE = """\
# Title #tag

Para with [[Link|alias]], *emph*, `code`, a [md](Note.md) link (and: parens) x: y.
key:: value [[V]]
text (k:: v) and [k2:: v2] and $m$ and %%c%% ^id
**bold key**:: value and (*it*:: x) [**b**:: y] <% tp.file.title %> <%* open
*emph* **strong** a<b <span>x</span>

- [ ] task 📅 2026-11-01
  - nested [[N]]
    1. deep ~~strike~~ <span>html</span> &amp; \\* escaped
> [!note] callout
> - quoted item

| a | b |
|:-|-:|
| [[X\\|y]] | #t |

```python
[[not]]
```
    indented
<!-- c -->
***
Setext
------
"""


def test_tuned_parser_matches_the_plain_plugin_parser() -> None:
    """Dispatching inline rules by character and guarding block rules must not change
    a single token."""
    assert flat(make_parser().parse(SAMPLE)) == flat(plain_plugin_parser().parse(SAMPLE))


# Block constructs where the tuned parser's shortcuts (rules looked up by the first
# character, the guards of hr, table and setext headings, plain-text inline content)
# must still give the plain parser's tokens.
BLOCK_CASES = [
    "para\nmore\n===",
    "a\nb\n- c\n---",
    "- - -\n* * *\n_ _ _\n-- -\n- a\n-",
    "para\n2. not a list\n1. a list\n- \n-\tx",
    "text\n-|-\n| a | b |\n|-|-|\n- x | y\n-|-",
    "- a\n  b\n  ===\n> q\n> ---\n> r\n=",
    "\tcode\n    more\npara\n    lazy\n---",
    "# h\n#nospace\n## h ##\n<div>\nx\n</div>\n[ref]: /u\n[ref]",
    "%%\nc\n%%\n$$\nm\n$$\n%% one %% tail\n~~~\nf\n~~~\n```\nf",
    "plain words only\n\nanother plain one",
    "  \n\t\n \t x\n\n   ",
]
SOUP = [
    "\n", "\n\n", "- ", "* ", "1. ", "2) ", "> ", "# ", "---", "***", "___", "===", "- - -",
    "|", "|-|", ":-", "```", "~~~", "%%", "$$", "<div>", "</div>", "<!--", "-->", "[a]: /b",
    "    ", "\t", " ", "a", "word", "[[A]]", "#tag", "k:: v", "**k**:: v", "*", "_", "~~",
    "`", "\\", "[", "]", "(", ")", "!", "<% x %>", "<%*", "&amp;", "^id", "- [ ] ",
]  # fmt: skip


@pytest.mark.parametrize("text", BLOCK_CASES)
def test_tuned_parser_matches_on_block_edge_cases(text: str) -> None:
    assert flat(make_parser().parse(text)) == flat(plain_plugin_parser().parse(text))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(SOUP), max_size=40).map("".join))
def test_tuned_parser_matches_on_syntax_soup(text: str) -> None:
    assert flat(make_parser().parse(text)) == flat(plain_plugin_parser().parse(text))


def test_tuned_parser_is_in_place() -> None:
    """The speed-only parts are installed (else the tests above compare nothing new)."""
    md = make_parser()
    assert isinstance(md.block, _FastBlockParser)
    md.parse("# a\n\n- b\n")
    assert md.block.ruler.getRules("") is md.block.built_for  # no fallback to the stock loop
    assert type(md.inline).__name__ == "_FastInlineParser"
    assert md.inline.ruler.get_active_rules() == ["text", "dispatch"]


@pytest.mark.skipif(not VAULTS.is_dir(), reason="shared vaults not present")
def test_tuned_parser_matches_on_real_notes() -> None:
    plain = plain_plugin_parser()
    fast = make_parser()
    files = sorted((VAULTS / "obsidian-help-en").rglob("*.md"))
    files += sorted((VAULTS / "kepano-obsidian").rglob("*.md"))
    assert files
    for path in files:
        text = normalise_text(path.read_text(encoding="utf-8", errors="replace"))
        assert flat(fast.parse(text)) == flat(plain.parse(text)), path
