"""render.py: the Markdown of the generated notes, links that resolve, stable bytes."""

from __future__ import annotations

from datetime import date

from vaultlink.notes import parse_note
from vaultlink.records import Source
from vaultlink.render import (
    DailyItems,
    Linker,
    StarterGroup,
    describe,
    frontmatter,
    item_line,
    one_line,
    render_daily_block,
    render_due_note,
    render_starters_note,
)
from vaultlink.resolve import Resolver
from vaultlink.rules import FollowUp
from vaultlink.starters.base import Starter

TODAY = date(2026, 11, 23)
RESOLVER = Resolver([
    "People/Jane Doe.md",
    "People/Ann Lee.md",
    "Archive/Ann Lee.md",
    "Companies/Acme Corp.md",
    "People/Odd #1 [x].md",
])
LINK = Linker(RESOLVER, "Vaultlink/Due this week.md")


def item(**kw: object) -> FollowUp:
    base: dict[str, object] = {
        "person": "People/Jane Doe.md",
        "name": "Jane Doe",
        "company": "Companies/Acme Corp.md",
        "due": date(2026, 11, 27),
        "rule": "rejection-checkin",
        "reason": "a month since the Acme rejection",
        "trigger": "Applications/Acme.md",
        "section": "this_week",
    }
    base.update(kw)
    return FollowUp(**base)  # type: ignore[arg-type]


# -------------------------------------------------------------------------------- links


def test_a_unique_name_links_by_name() -> None:
    assert LINK("People/Jane Doe.md") == "[[Jane Doe]]"


def test_a_shared_name_links_by_path_with_the_name_as_alias() -> None:
    assert LINK("People/Ann Lee.md") == "[[People/Ann Lee|Ann Lee]]"
    assert LINK("Archive/Ann Lee.md") == "[[Archive/Ann Lee|Ann Lee]]"
    # and the path form resolves to the right note from the generated note
    for path in ("People/Ann Lee.md", "Archive/Ann Lee.md"):
        target = LINK(path)[2:].split("|")[0]
        assert RESOLVER.resolve(target, "Vaultlink/Due this week.md") == path


def test_a_name_a_wikilink_cannot_hold_becomes_a_markdown_link() -> None:
    link = LINK("People/Odd #1 [x].md")
    assert link == "[Odd #1 (x)](People/Odd%20%231%20%5Bx%5D.md)"
    assert RESOLVER.resolve("People/Odd%20%231%20%5Bx%5D.md", "Vaultlink/x.md") == (
        "People/Odd #1 [x].md"
    )


def test_full_links_always_use_the_path() -> None:
    assert LINK("People/Jane Doe.md", "Jane", full=True) == "[[People/Jane Doe|Jane]]"


def test_heading_links_drop_characters_obsidian_cannot_link() -> None:
    assert LINK.heading("People/Jane Doe.md", "Notes") == "[[Jane Doe#Notes]]"
    assert LINK.heading("People/Jane Doe.md", "Q&A: what [next]?") == "[[Jane Doe#Q&A what next ?]]"
    assert LINK.heading("People/Ann Lee.md", "Log") == "[[People/Ann Lee#Log|Ann Lee]]"
    assert LINK.heading("People/Jane Doe.md", None) == "[[Jane Doe]]"


# -------------------------------------------------------------------------------- items


def test_item_line_has_links_reason_due_date_and_block_id() -> None:
    it = item()
    line = item_line(it, LINK)
    assert line == (
        "- [ ] Reach out to [[Jane Doe]] ([[Acme Corp]]) — a month since the Acme rejection "
        f"📅 2026-11-27 ^{it.block_id}"
    )
    block = parse_note("x.md", line + "\n").blocks[0]
    assert block.task is not None
    assert block.task.due == date(2026, 11, 27)
    assert block.block_id == it.block_id
    assert [link.target for link in block.links] == ["Jane Doe", "Acme Corp"]


def test_a_reason_naming_the_person_links_the_name_in_place() -> None:
    it = item(reason="thank Jane Doe for the 20 Nov interview at Acme Corp", rule="thank-you")
    assert describe(it, LINK) == "Thank [[Jane Doe]] for the 20 Nov interview at [[Acme Corp]]"


def test_names_inside_longer_words_are_not_linked() -> None:
    it = item(reason="the Jane Doesburg talk", company=None)
    assert describe(it, LINK).startswith("Reach out to [[Jane Doe]] — the Jane Doesburg talk")


def test_a_company_level_item_links_the_company() -> None:
    it = item(person=None, name="Acme Corp", rule="reach-in", reason="know nobody there yet")
    assert describe(it, LINK) == "Reach out to someone at [[Acme Corp]] — know nobody there yet"


def test_done_items_carry_the_done_date() -> None:
    line = item_line(item(), LINK, status="x", done_on=date(2026, 11, 24))
    assert line.startswith("- [x] ")
    assert "📅 2026-11-27 ✅ 2026-11-24 ^vl-" in line


def test_one_line_defuses_what_would_change_a_line() -> None:
    assert one_line("a\nb  c") == "a b c"
    assert "%%" not in one_line("50%% done %%hidden%%")
    assert "%%" not in one_line("odd %%%% and %%% runs")
    assert one_line("due 📅 2026-01-01 ✅ x") == "due 2026-01-01 x"
    assert one_line("ends with an id ^abc") == "ends with an id"


# ----------------------------------------------------------------------------- due note


def test_due_note_has_the_marker_sections_and_nothing_time_varying() -> None:
    items = [
        item(section="overdue", due=date(2026, 11, 20), overdue_days=3, trigger="a"),
        item(section="this_week", trigger="b"),
        item(section="coming_up", due=date(2026, 12, 2), trigger="c"),
        item(section="later", due=date(2027, 1, 2), trigger="d"),
    ]
    text = render_due_note(items, today=TODAY, link=LINK)
    assert text.startswith(frontmatter(TODAY))
    note = parse_note("Vaultlink/Due this week.md", text)
    assert note.properties["generated_by"] == "vaultlink"
    assert [h.text for h in note.headings] == ["Overdue", "This week", "Coming up"]
    tasks = [b for b in note.blocks if b.task is not None]
    assert len(tasks) == 3  # "later" is not shown
    assert all(b.block_id and b.block_id.startswith("vl-") for b in tasks)
    assert render_due_note(items, today=TODAY, link=LINK) == text


def test_empty_due_note_says_so_and_has_no_empty_sections() -> None:
    text = render_due_note([], today=TODAY, link=LINK)
    assert "Nobody is due" in text
    assert "##" not in text


def test_due_note_keeps_states_and_carried_lines() -> None:
    it = item()
    text = render_due_note(
        [it], today=TODAY, link=LINK, statuses={it.block_id: "-"},
        kept={"Ticked, not logged yet": ["- [x] something old ^vl-000000"]},
    )
    assert "- [-] Reach out to [[Jane Doe]]" in text
    assert "## Ticked, not logged yet\n\n- [x] something old ^vl-000000\n" in text


# ------------------------------------------------------------------------- starters note


def test_starters_note_groups_by_person_and_ends_each_starter_with_its_source() -> None:
    starter = Starter("interest", "You both climb — ask about the new gym",
                      Source("People/Jane Doe.md", 9, "Notes"), "[[Jane Doe#Notes]]", 1.0)
    group = StarterGroup("People/Jane Doe.md", "Jane Doe", "a month since the rejection",
                         date(2026, 11, 27), (starter,), (("People/Jane Doe.md", "Notes"),))
    linker = Linker(RESOLVER, "Vaultlink/Conversation starters.md")
    text = render_starters_note([group], today=TODAY, linker=linker)
    assert "\n## [[Jane Doe]]\n" in text
    assert "- You both climb — ask about the new gym — [[Jane Doe#Notes]]\n" in text
    assert "*A month since the rejection · 📅 2026-11-27*" in text
    assert parse_note("s.md", text).properties["generated_by"] == "vaultlink"


def test_starters_note_without_anyone_due_says_so() -> None:
    linker = Linker(RESOLVER, "Vaultlink/Conversation starters.md")
    text = render_starters_note([], today=TODAY, linker=linker)
    assert "Nobody is due this week" in text


# ---------------------------------------------------------------------------- daily block


def test_daily_block_lists_items_and_says_so_when_empty() -> None:
    it = item(section="overdue")
    due_link = LINK("Vaultlink/Due this week.md", "all follow-ups", full=True)
    text = render_daily_block(DailyItems((it,)), link=LINK, due_note=due_link)
    lines = text.splitlines()
    assert lines[0] == "**Follow-ups today** · [[Vaultlink/Due this week|all follow-ups]]"
    assert lines[1] == item_line(it, LINK)
    empty = render_daily_block(DailyItems(()), link=LINK, due_note=due_link)
    assert empty == "Nothing due today · [[Vaultlink/Due this week|all follow-ups]]\n"
