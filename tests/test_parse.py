"""File -> Note: links, tags, fields, tasks, blocks, frontmatter, lines, reading."""

from __future__ import annotations

import pickle
from datetime import date, datetime
from pathlib import Path

import pytest

from vaultlink.notes import Block, Link, Note, Task, parse_note, read_note

FIXTURES = Path(__file__).parent / "fixtures" / "parse"


def note(text: str, path: str = "Note.md") -> Note:
    return parse_note(path, text)


def link(text: str) -> Link:
    [only] = note(text).links
    return only


def targets(text: str) -> list[str]:
    return [x.target for x in note(text).links]


def tag_names(text: str) -> list[str]:
    return [t.name for t in note(text).tags]


def only_block(text: str) -> Block:
    [block] = note(text).blocks
    return block


# --------------------------------------------------------------------------- link forms


def test_wikilink_plain() -> None:
    assert link("see [[Jane Doe]]") == Link(target="Jane Doe", line=1)


def test_wikilink_alias() -> None:
    got = link("[[Jane Doe|Jane]]")
    assert (got.target, got.alias, got.display) == ("Jane Doe", "Jane", "Jane")


def test_wikilink_heading() -> None:
    got = link("[[Acme#History]]")
    assert (got.target, got.subpath, got.heading, got.block) == ("Acme", "History", "History", None)


def test_wikilink_block() -> None:
    got = link("[[Acme#^abc-123]]")
    assert (got.target, got.subpath, got.block) == ("Acme", "^abc-123", "abc-123")


def test_wikilink_same_note_heading() -> None:
    got = link("[[#Log]]")
    assert (got.target, got.heading) == ("", "Log")


@pytest.mark.parametrize("target", ["X.md", "Folder/X", "./X", "../X", "/Root/X", "Figure 1.png"])
def test_wikilink_targets_kept_as_written(target: str) -> None:
    assert targets(f"a [[{target}]] b") == [target]


def test_table_escaped_pipe() -> None:
    text = "| who | note |\n| --- | --- |\n| [[Jane Doe\\|Jane]] | met |\n"
    n = note(text)
    [got] = n.links
    assert (got.target, got.alias, got.line) == ("Jane Doe", "Jane", 3)
    assert [b.text for b in n.blocks] == ["who | note", "Jane | met"]


def test_escaped_pipe_outside_table_is_alias_too() -> None:
    got = link("[[A\\|b]]")
    assert (got.target, got.alias) == ("A", "b")


def test_embed_flagged() -> None:
    n = note("![[Jane Doe]] and ![[photo.png|200]]")
    assert [(x.target, x.embed) for x in n.links] == [("Jane Doe", True), ("photo.png", True)]
    assert n.blocks[0].links[0].embed


def test_markdown_links_to_notes() -> None:
    n = note(
        "[a](Some%20Note.md) [b](<Other Note.md>) [c](Folder/N.md#Part) "
        "[web](https://x.com/a.md) [img](pic.png) [d](mailto:x@y.md)"
    )
    got = [(x.target, x.subpath, x.alias, x.markdown) for x in n.links]
    assert got == [
        ("Some Note.md", None, "a", True),
        ("Other Note.md", None, "b", True),
        ("Folder/N.md", "Part", "c", True),
    ]


def test_link_text_shown_in_block_text() -> None:
    block = only_block("Met [[Jane Doe]], [[Acme|the firm]] and [[Bob#Log]]; see [doc](D.md).")
    assert block.text == "Met Jane Doe, the firm and Bob > Log; see doc."


def test_emphasis_and_code_markers_removed() -> None:
    assert only_block("**bold** _it_ `code` ~~gone~~").text == "bold it code gone"


@pytest.mark.parametrize(
    "text",
    [
        "```\n[[A]]\n```",
        "~~~md\n[[A]]\n~~~",
        "    [[A]]",
        "`[[A]]`",
        "$[[A]]$",
        "$$\n[[A]]\n$$",
        "<!-- [[A]] -->",
        "<!--\n[[A]]\n\n[[B]]\n-->",
        "x <!-- [[A]] --> y",
        "%%[[A]]%%",
        "%%\n[[A]]\n\n[[B]]\n%%",
    ],
)
def test_links_not_found_in_code_math_comments(text: str) -> None:
    assert note(text).links == ()


def test_link_lines_in_multiline_paragraph_after_code_span() -> None:
    n = note("a `code\nspan` b\nc [[X]]\n<span\nclass=x> [[Y]]")
    assert [(x.target, x.line) for x in n.links] == [("X", 3), ("Y", 5)]


# --------------------------------------------------------------------------- tags


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("#café", ["café"]),
        ("#日本語", ["日本語"]),
        ("#person/recruiter", ["person/recruiter"]),
        ("#1984", []),
        ("#y2024", ["y2024"]),
        ("http://x.com/#frag", []),
        ("a#b", []),
        ("# Heading", []),
        ("## Heading #tagged", ["tagged"]),
        ("`#code`", []),
        ("```\n#fenced\n```", []),
    ],
)
def test_body_tags(text: str, names: list[str]) -> None:
    assert tag_names(text) == names


def test_tags_line_numbers() -> None:
    n = note("one\n\ntwo #a\nthree #b")
    assert [(t.name, t.line) for t in n.tags] == [("a", 3), ("b", 4)]


@pytest.mark.parametrize(
    ("yaml_tags", "names"),
    [
        ("tags: [person, '#recruiter']", ["person", "recruiter"]),
        ("tags:\n  - person/recruiter\n  - '#company'", ["person/recruiter", "company"]),
        ("tags: person, company", ["person", "company"]),
        ("tags: person company", ["person", "company"]),
        ("tag: person", ["person"]),
        ("tags: '#a, #b'", ["a", "b"]),
        ("tags:", []),
        ("tags: 1984", []),
    ],
)
def test_frontmatter_tags(yaml_tags: str, names: list[str]) -> None:
    n = note(f"---\ntitle: x\n{yaml_tags}\n---\nbody #body")
    fm = [t for t in n.tags if t.name != "body"]
    assert [t.name for t in fm] == names
    assert all(t.line == 3 for t in fm)
    assert n.tags[-1].name == "body"  # frontmatter first, then body


# --------------------------------------------------------------------------- fields


def test_fields_three_forms() -> None:
    n = note("met:: 2026-10-02\n\nWe talked [mood:: great] about (topic:: hiking) today.")
    assert [(f.key, f.value, f.line) for f in n.fields] == [
        ("met", "2026-10-02", 1),
        ("mood", "great", 3),
        ("topic", "hiking", 3),
    ]


def test_field_value_links_are_links() -> None:
    n = note("company:: [[Acme]]")
    assert [(f.key, f.value) for f in n.fields] == [("company", "[[Acme]]")]
    assert targets("company:: [[Acme]]") == ["Acme"]
    assert n.links[0].key is None


def test_field_in_list_item() -> None:
    block = only_block("- win:: promoted to VP")
    assert [(f.key, f.value) for f in block.fields] == [("win", "promoted to VP")]


def test_fields_not_found_in_code() -> None:
    assert note("`k:: v`\n\n```\nk:: v\n```\n\n%% k:: v %%").fields == ()


# --------------------------------------------------------------------------- tasks


@pytest.mark.parametrize(
    ("marker", "status", "done", "cancelled"),
    [
        ("[ ]", " ", False, False),
        ("[x]", "x", True, False),
        ("[X]", "X", True, False),
        ("[/]", "/", False, False),
        ("[-]", "-", False, True),
        ("[>]", ">", False, False),
    ],
)
def test_task_status(marker: str, status: str, done: bool, cancelled: bool) -> None:
    block = only_block(f"- {marker} write to [[Jane]]")
    assert block.kind == "item"
    assert block.task is not None
    assert (block.task.status, block.task.done, block.task.cancelled) == (status, done, cancelled)
    assert block.text == "write to Jane"


def test_ordered_task() -> None:
    task = only_block("1. [x] sent").task
    assert task is not None
    assert task.done


@pytest.mark.parametrize(
    ("emoji", "attr"),
    [
        ("📅", "due"),
        ("📆", "due"),
        ("🗓", "due"),
        ("🗓️", "due"),
        ("⏳", "scheduled"),
        ("⌛", "scheduled"),
        ("🛫", "start"),
        ("✅", "completed"),
    ],
)
def test_task_emoji_dates(emoji: str, attr: str) -> None:
    task = only_block(f"- [ ] follow up {emoji} 2026-11-01").task
    assert task is not None
    assert getattr(task, attr) == date(2026, 11, 1)


def test_task_several_dates() -> None:
    task = only_block("- [x] call 🛫 2026-10-01 ⏳ 2026-10-02 📅 2026-10-03 ✅ 2026-10-04").task
    assert task == Task(
        "x", date(2026, 10, 3), date(2026, 10, 2), date(2026, 10, 1), date(2026, 10, 4)
    )


@pytest.mark.parametrize(
    ("field", "attr"),
    [
        ("due", "due"),
        ("completion", "completed"),
        ("scheduled", "scheduled"),
        ("start", "start"),
    ],
)
def test_task_dataview_dates(field: str, attr: str) -> None:
    task = only_block(f"- [ ] follow up [{field}:: 2026-11-01]").task
    assert task is not None
    assert getattr(task, attr) == date(2026, 11, 1)


def test_task_bad_date_ignored() -> None:
    task = only_block("- [ ] x 📅 2026-13-45").task
    assert task is not None
    assert task.due is None


def test_task_date_in_code_ignored() -> None:
    task = only_block("- [ ] x `📅 2026-11-01`").task
    assert task is not None
    assert task.due is None


def test_plain_item_has_no_task() -> None:
    block = only_block("- [link] not a box")
    assert block.task is None
    assert only_block("- [[Jane]] met").task is None


def test_nested_items_are_separate_blocks() -> None:
    n = note("- parent [[P]]\n  - child [[C]]\n    - grandchild\n- sibling")
    got = [(b.kind, b.text, b.depth, b.line, [x.target for x in b.links]) for b in n.blocks]
    assert got == [
        ("item", "parent P", 0, 1, ["P"]),
        ("item", "child C", 1, 2, ["C"]),
        ("item", "grandchild", 2, 3, []),
        ("item", "sibling", 0, 4, []),
    ]


def test_nested_task_under_task() -> None:
    n = note("- [ ] parent\n  - [x] child 📅 2026-01-02")
    parent, child = n.blocks
    assert parent.task == Task(" ")
    assert child.task == Task("x", due=date(2026, 1, 2))
    assert child.depth == 1


def test_loose_item_continuation_paragraph() -> None:
    n = note("- first\n\n  more text\n- next")
    assert [(b.kind, b.text) for b in n.blocks] == [
        ("item", "first"),
        ("paragraph", "more text"),
        ("item", "next"),
    ]


# --------------------------------------------------------------------------- blocks


def test_quotes_and_callouts_flagged() -> None:
    n = note("> quoted [[A]]\n\n> [!note] Callout\n> - item [[B]]\n\nplain [[C]]")
    got = [(b.kind, b.quote, [x.target for x in b.links]) for b in n.blocks]
    assert got == [
        ("paragraph", True, ["A"]),
        ("paragraph", True, []),
        ("item", True, ["B"]),
        ("paragraph", False, ["C"]),
    ]


def test_callout_marker_not_in_text() -> None:
    n = note(
        "> [!question]+ Ask about the team?\n> more\n\n> [!note]\n> body\n\n> [!x] a\n>\n> [!y] b"
    )
    assert [b.text for b in n.blocks] == ["Ask about the team?\nmore", "body", "a", "[!y] b"]
    assert all(b.quote for b in n.blocks)


def test_headings_and_nearest_heading() -> None:
    n = note("intro\n\n# Top\n\ntext\n\n## Log\n\n- 2026-10-02 call\n\nSetext\n---\n\nlast")
    assert [(h.level, h.text, h.line) for h in n.headings] == [
        (1, "Top", 3),
        (2, "Log", 7),
        (2, "Setext", 11),
    ]
    got = [(b.kind, b.text, b.heading) for b in n.blocks]
    assert got == [
        ("paragraph", "intro", None),
        ("heading", "Top", None),
        ("paragraph", "text", "Top"),
        ("heading", "Log", "Top"),
        ("item", "2026-10-02 call", "Log"),
        ("heading", "Setext", "Log"),
        ("paragraph", "last", "Setext"),
    ]


def test_block_raw_and_lines() -> None:
    block = only_block("first line [[A]]\nsecond *line*")
    assert (block.line, block.end_line) == (1, 2)
    assert block.raw == "first line [[A]]\nsecond *line*"
    assert block.text == "first line A\nsecond line"


def test_block_id() -> None:
    block = only_block("Jane got promoted ^win-1")
    assert block.block_id == "win-1"
    assert block.text == "Jane got promoted"


def test_block_id_on_item() -> None:
    n = note("- [ ] one ^a1\n- two")
    assert [b.block_id for b in n.blocks] == ["a1", None]


def test_block_id_after_table_names_the_table() -> None:
    n = note("| a |\n| - |\n| b |\n\n^tbl")
    assert [(b.kind, b.block_id) for b in n.blocks] == [("table", None), ("table", "tbl")]


def test_table_rows_are_blocks() -> None:
    n = note("| Person | Company |\n|---|---|\n| [[Jane]] | [[Acme]] #client |\n")
    header, row = n.blocks
    assert (header.kind, header.line, header.text) == ("table", 1, "Person | Company")
    assert (row.line, row.text) == (3, "Jane | Acme #client")
    assert [x.target for x in row.links] == ["Jane", "Acme"]
    assert [t.name for t in row.tags] == ["client"]


def test_note_level_collections_in_order() -> None:
    n = note("---\ncompany: '[[Acme]]'\n---\n# H\n\n[[B]] #t\nk:: v\n\n- [[C]]")
    assert [(x.target, x.key) for x in n.links] == [("Acme", "company"), ("B", None), ("C", None)]
    assert [t.name for t in n.tags] == ["t"]
    assert [f.key for f in n.fields] == ["k"]


# --------------------------------------------------------------------------- lines


def test_lines_count_frontmatter() -> None:
    n = note("---\ntype: person\n---\n\n[[A]]\n")
    assert n.body_line == 4
    assert n.links[0].line == 5
    assert n.blocks[0].line == 5


def test_crlf_lines() -> None:
    n = note("---\r\ntype: person\r\n---\r\n\r\nline [[A]]\r\n\r\n- [[B]]\r\n")
    assert n.properties == {"type": "person"}
    assert [(x.target, x.line) for x in n.links] == [("A", 5), ("B", 7)]
    assert "\r" not in n.blocks[0].raw


def test_lone_cr_lines() -> None:
    n = note("a\r\rb [[A]]\rc [[B]]")
    assert [(x.target, x.line) for x in n.links] == [("A", 3), ("B", 4)]


def test_bom() -> None:
    n = note("\ufeff---\ntype: person\n---\n[[A]]")
    assert n.properties == {"type": "person"}
    assert n.links[0].line == 4


def test_closing_dashes_without_newline() -> None:
    n = note("---\na: 1\n---")
    assert n.properties == {"a": 1}
    assert n.body_line == 4
    assert n.blocks == ()


# --------------------------------------------------------------------------- frontmatter


def test_property_lines() -> None:
    n = note("---\ntype: person\n\ncompany: x\nlist:\n  - a\n  - b\nafter: 1\n---\n")
    assert n.property_lines == {"type": 2, "company": 4, "list": 5, "after": 8}
    assert n.line_of("after") == 8


def test_frontmatter_dot_close() -> None:
    assert note("---\na: 1\n...\nbody").properties == {"a": 1}


def test_frontmatter_must_start_the_file() -> None:
    n = note("\n---\na: 1\n---\n")
    assert n.properties == {}
    assert n.body_line == 1


def test_unclosed_frontmatter_is_body() -> None:
    n = note("---\na: [[X]]\n")
    assert n.properties == {}
    assert n.problems == ()
    assert [(x.target, x.line, x.key) for x in n.links] == [("X", 2, None)]


def test_empty_frontmatter() -> None:
    n = note("---\n---\nbody")
    assert (n.properties, n.problems, n.body_line) == ({}, (), 3)


def test_malformed_yaml() -> None:
    n = note("---\ntype: person\ncompany: [Acme\nrole: x\n---\n\n# Body\n\n[[Still Found]]\n")
    assert n.properties == {}
    [problem] = n.problems
    assert (problem.code, problem.severity, problem.path) == (
        "malformed-frontmatter",
        "error",
        "Note.md",
    )
    assert problem.line in (3, 4)  # the unclosed flow list on 3, detected at 4
    assert [x.target for x in n.links] == ["Still Found"]
    assert n.links[0].line == 9
    assert n.headings[0].line == 7


def test_malformed_yaml_line_points_at_error() -> None:
    n = note("---\na: 1\nb: 2\nc: : :\n  bad: indent\n---\n")
    [problem] = n.problems
    assert problem.code == "malformed-frontmatter"
    assert problem.line is not None
    assert 4 <= problem.line <= 5


def test_malformed_yaml_control_character_line() -> None:
    [problem] = note("---\na: 1\nb: \x01\n---\nbody").problems
    assert (problem.code, problem.line) == ("malformed-frontmatter", 3)


@pytest.mark.parametrize("yaml_text", ["- a\n- b", "just a string", "42"])
def test_frontmatter_not_a_mapping(yaml_text: str) -> None:
    n = note(f"---\n{yaml_text}\n---\nbody [[A]]")
    assert n.properties == {}
    [problem] = n.problems
    assert (problem.code, problem.line) == ("malformed-frontmatter", 2)
    assert [x.target for x in n.links] == ["A"]


def test_dates_typed_and_bad_date_stays_string() -> None:
    n = note("---\nmet: 2026-10-02\nbad: 2026-13-45\nwhen: 2026-10-02 10:30:00\nname: Jane\n---\n")
    assert n.problems == ()
    assert n.properties["met"] == date(2026, 10, 2)
    assert n.properties["bad"] == "2026-13-45"
    assert n.properties["when"] == datetime(2026, 10, 2, 10, 30)
    assert n.properties["name"] == "Jane"


def test_non_string_keys_are_read_as_written() -> None:
    n = note("---\n2024: year\ntrue: yes\n---\n")
    assert n.properties == {"2024": "year", "true": True}


def test_placeholders_flagged_and_rest_loaded() -> None:
    n = note("---\ntitle: {{title}}\ndate: {{date}}\ntype: person\ncompany: '[[Acme]]'\n---\n")
    assert n.has_placeholders
    assert n.problems == ()
    assert n.properties["type"] == "person"
    assert n.properties["date"] == "{{date}}"
    assert [(x.target, x.key) for x in n.links] == [("Acme", "company")]


def test_quoted_placeholders_flagged() -> None:
    n = note('---\ncreated: "{{date:YYYY-MM-DD}}"\n---\n')
    assert n.has_placeholders
    assert n.properties == {"created": "{{date:YYYY-MM-DD}}"}


def test_no_placeholders() -> None:
    assert not note("---\na: '{not one}'\n---\n{{in body}}").has_placeholders


def test_unquoted_wikilink_property() -> None:
    n = note("---\ncompany: [[Acme]]\n---\n")
    assert n.problems == ()
    assert n.properties["company"] == "[[Acme]]"
    assert n.links == (Link(target="Acme", line=2, key="company"),)


def test_unquoted_wikilink_date_like_target() -> None:
    n = note("---\nmet: [[2026-10-02]]\n---\n")
    assert n.properties["met"] == "[[2026-10-02]]"
    assert n.links[0].target == "2026-10-02"


def test_quoted_link_list_each_with_its_line() -> None:
    n = note(
        '---\ntype: meeting\nwith:\n  - "[[Jane Doe]]"\n  - "[[Bob|Bobby]]"\n  - [[Ann]]\n---\n'
    )
    got = [(x.target, x.alias, x.line, x.key) for x in n.links]
    assert got == [
        ("Jane Doe", None, 4, "with"),
        ("Bob", "Bobby", 5, "with"),
        ("Ann", None, 6, "with"),
    ]
    assert n.properties["with"] == ["[[Jane Doe]]", "[[Bob|Bobby]]", "[[Ann]]"]


def test_flow_list_of_quoted_links() -> None:
    n = note('---\ncategories: ["[[People]]", "[[Friends]]"]\n---\n')
    assert [(x.target, x.line, x.key) for x in n.links] == [
        ("People", 2, "categories"),
        ("Friends", 2, "categories"),
    ]


def test_property_link_with_heading() -> None:
    got = note('---\nsource: "[[Meeting#Notes|the notes]]"\n---\n').links[0]
    assert (got.target, got.subpath, got.alias) == ("Meeting", "Notes", "the notes")


def test_several_links_in_one_property_string() -> None:
    n = note('---\nwith: "[[A]], [[B]]"\n---\n')
    assert [x.target for x in n.links] == ["A", "B"]


def test_anchor_aliases_are_not_exploded() -> None:
    """Each level refers twice to the one above: 2**24 paths, 26 distinct nodes."""
    lines = ["a0: &a0 ['[[X]]', '[[Y]]']"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]" for i in range(1, 25)]
    n = note("---\n" + "\n".join(lines) + "\n---\n")
    assert n.problems == ()
    assert len(n.links) == 2 * 25


def test_unsafe_yaml_tags_rejected() -> None:
    n = note("---\nx: !!python/object/apply:os.system ['echo hi']\n---\n")
    assert n.properties == {}
    assert n.problems[0].code == "malformed-frontmatter"


# --------------------------------------------------------------------------- read_note


def test_fast_block_constructor_makes_the_same_frozen_block() -> None:
    from dataclasses import FrozenInstanceError

    from vaultlink.parse import _new_block

    links = (Link("A", 3),)
    made = _new_block("item", 3, 4, "t", "r", links, (), (), "H", True, Task(" "), 1, "id")
    assert type(made) is Block
    assert made == Block("item", 3, 4, "t", "r", links, (), (), "H", True, Task(" "), 1, "id")
    assert pickle.loads(pickle.dumps(made)) == made
    with pytest.raises(FrozenInstanceError):
        made.text = "changed"  # type: ignore[misc]


def test_note_pickles() -> None:
    n = read_note("People/Jane Doe.md", FIXTURES / "person.md")
    assert pickle.loads(pickle.dumps(n)) == n


def test_read_note_fixture(tmp_path: Path) -> None:
    n = read_note("People/Jane Doe.md", FIXTURES / "person.md")
    assert n.path == "People/Jane Doe.md"
    assert n.name == "Jane Doe"
    assert n.properties["type"] == "person"
    assert n.problems == ()
    assert [x.target for x in n.links if x.key == "company"] == ["Acme Corp"]
    open_loops = [b for b in n.blocks if b.task and not b.task.done]
    assert [b.task.due for b in open_loops if b.task] == [date(2026, 11, 20)]


def test_read_note_crlf_bom_fixture() -> None:
    n = read_note("crlf.md", FIXTURES / "crlf_bom.md")
    assert n.problems == ()
    assert n.properties == {"type": "person"}
    assert [(x.target, x.line) for x in n.links] == [("Acme", 5)]


def test_read_note_not_utf8() -> None:
    n = read_note("latin1.md", FIXTURES / "latin1.md")
    [problem] = n.problems
    assert (problem.code, problem.severity, problem.line) == ("unreadable-file", "warning", 3)
    assert [x.target for x in n.links] == ["Caf\ufffd", "Still Here"]


def test_read_note_missing_file(tmp_path: Path) -> None:
    n = read_note("gone.md", tmp_path / "gone.md")
    [problem] = n.problems
    assert (problem.code, problem.severity, problem.path) == ("unreadable-file", "error", "gone.md")
    assert n.blocks == ()


def test_read_note_directory(tmp_path: Path) -> None:
    assert read_note("dir.md", tmp_path).problems[0].code == "unreadable-file"
