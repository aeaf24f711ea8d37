"""Unrendered Templater templates are marked, and Dataview fields with bold keys are read."""

from __future__ import annotations

from pathlib import Path

import pytest

import vaultlink
from tests.vaultfiles import write_vault
from vaultlink.notes import Note, parse_note


def note(text: str, path: str = "People/Note.md") -> Note:
    return parse_note(path, text)


# --------------------------------------------------------------------------- templater


@pytest.mark.parametrize(
    "text",
    [
        "---\ntype: person\ncreated: <% tp.date.now() %>\n---\n",
        "---\ntype: person\ncreated: \"<% tp.file.creation_date('YYYY-MM-DD') %>\"\n---\n",
        "---\ntype: person\naliases: [<% tp.file.title %>]\n---\n",
        "---\n<%* const who = await tp.system.prompt('Who') %>\ntype: person\n---\n",
        "---\ntype: person\n---\n# <% tp.file.title %>\n",
        "---\ntype: person\n---\nmet:: <% tp.date.now() %>\n",
        "---\ntype: person\n---\n- [[<% tp.date.yesterday('YYYY-MM-DD') %>]]\n",
        "---\ntype: person\n---\n| a | b |\n|---|---|\n| <% tp.file.title %> | x |\n",
        "<%*\nconst name = await tp.system.prompt('Name');\n\nawait tp.file.rename(name);\n-%>\n",
        "> [!info]\n> <%_ tp.file.cursor() _%>\n",
    ],
)
def test_templater_syntax_marks_a_template(text: str) -> None:
    assert note(text).has_placeholders


@pytest.mark.parametrize(
    "text",
    [
        "---\ntype: person\n---\nShe wrote `<% if x %>` in the ERB talk.\n",
        "---\ntype: person\n---\n```erb\n<%= user.name %>\n```\n",
        "---\ntype: person\n---\nRevenue fell <% 5 and costs rose.\n",
        "---\ntype: person\n---\n%% <% tp.file.title %> %%\n<!-- <% x %> -->\n",
        "---\ntype: person\nnote: growth <% target\n---\n",
    ],
)
def test_mentions_of_templater_do_not(text: str) -> None:
    assert not note(text).has_placeholders


def test_templater_frontmatter_still_loads() -> None:
    n = note('---\ntype: person\ncreated: <% tp.date.now("YYYY-MM-DD HH: mm") %>\n---\n')
    assert n.problems == ()  # ``: `` inside the command: loaded again with it quoted
    assert n.properties == {"type": "person", "created": '<% tp.date.now("YYYY-MM-DD HH: mm") %>'}


def test_templater_command_lines_and_text() -> None:
    n = note("---\ntype: person\n---\nintro <%* x\ny %> [[After]]\n")
    [block] = n.blocks
    assert block.text == "intro <%* x\ny %> After"
    assert [(x.target, x.line) for x in n.links] == [("After", 5)]


def test_templater_template_is_not_a_person(tmp_path: Path) -> None:
    vault = vaultlink.load(
        write_vault(
            tmp_path,
            {
                "People/New person.md": "---\ntype: person\nmet: <% tp.date.now() %>\n---\n",
                "People/Intake.md": "---\ntype: person\n---\n# <% tp.file.title %>\n",
                "People/Real.md": "---\ntype: person\n---\nTalks about `<% erb %>` a lot.\n",
            },
        ),
        use_cache=False,
    )
    assert list(vault.people) == ["People/Real.md"]


# --------------------------------------------------------------------------- bold keys


def test_bold_keys_in_all_three_forms() -> None:
    n = note("**Met at**:: PyCon\n\nWe talked [**mood**:: great] about (*topic*:: hiking).\n")
    assert [(f.key, f.value, f.line) for f in n.fields] == [
        ("Met at", "PyCon", 1),
        ("mood", "great", 3),
        ("topic", "hiking", 3),
    ]
    assert n.blocks[0].text == "Met at:: PyCon"


def test_bold_key_in_list_item_and_callout() -> None:
    n = note("- **company**:: [[Acme]]\n\n> [!info]\n> **Met via**:: [[Jane]]\n")
    assert [(f.key, f.value, f.line) for f in n.fields] == [
        ("company", "[[Acme]]", 1),
        ("Met via", "[[Jane]]", 4),
    ]
    assert [(x.target, x.line) for x in n.links] == [("Acme", 1), ("Jane", 4)]


def test_bold_key_as_task_date() -> None:
    [block] = note("- [ ] send the deck [**due**:: 2026-11-24]").blocks
    assert block.task is not None
    assert str(block.task.due) == "2026-11-24"


def test_bold_text_that_is_not_a_key() -> None:
    n = note("We met **at PyCon**: great talk.\n\nsome **k**:: v\n")
    assert n.fields == ()
    assert n.blocks[0].text == "We met at PyCon: great talk."
