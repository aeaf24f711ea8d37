"""The renderer's shortcuts change no byte: every Tasks marker is still defused when the
text is first searched for one, and an item's block id is the same wherever it is used."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from vaultlink.render import (
    _DEFUSE,
    _TASK_MARKERS,
    DailyItems,
    Linker,
    item_line,
    one_line,
    render_daily_block,
    render_due_note,
)
from vaultlink.resolve import Resolver
from vaultlink.rules import FollowUp


def _plain_one_line(text: str) -> str:
    """``one_line`` as first written: translate every text."""
    out = text.translate(_DEFUSE)
    while "%%" in out:
        out = out.replace("%%", "%")
    words = out.split()
    while words and words[-1].startswith("^"):
        words.pop()
    return " ".join(words)


def test_every_task_marker_is_defused() -> None:
    for marker in sorted(_TASK_MARKERS):
        assert one_line(f"due{marker} 2026-01-01 — ok") == "due 2026-01-01 — ok"
        assert one_line(marker) == ""


@settings(max_examples=500, deadline=None)
@given(text=st.text(st.sampled_from([*_TASK_MARKERS, "a", " ", "%", "^", "—", "\n", "é",
                                     "\ufe0f"]), max_size=20))
def test_one_line_matches_the_plain_definition(text: str) -> None:
    assert one_line(text) == _plain_one_line(text)


def test_each_item_line_carries_its_own_block_id() -> None:
    resolver = Resolver(["People/Jane Doe.md", "People/Ann Lee.md"])
    link = Linker(resolver, "Vaultlink/Due this week.md")
    today = date(2026, 11, 23)
    items = [
        FollowUp(person=p, name=p[7:-3], company=None, due=date(2026, 11, 20), rule=r,
                 reason=f"reach out to {p[7:-3]}", trigger=t, section="overdue",
                 overdue_days=3)
        for p in ("People/Jane Doe.md", "People/Ann Lee.md")
        for r, t in (("cadence", "last:2026-10-01"), ("drift", "last:2026-10-01"))
    ]
    done = {items[1].block_id: date(2026, 11, 22)}
    statuses = {items[2].block_id: "/"}
    note = render_due_note(items, today=today, link=link, done=done, statuses=statuses)
    lines = [line for line in note.splitlines() if line.startswith("- [")]
    assert lines == [
        item_line(items[0], link),
        item_line(items[1], link, status="x", done_on=date(2026, 11, 22)),
        item_line(items[2], link, status="/"),
        item_line(items[3], link),
    ]
    assert len({line.rsplit("^", 1)[1] for line in lines}) == 4
    block = render_daily_block(DailyItems(tuple(items), done=done, statuses=statuses),
                               link=link, due_note="[[Due]]")
    assert block.splitlines()[1:] == lines
