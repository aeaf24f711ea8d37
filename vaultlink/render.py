"""Follow-ups and starters -> the Markdown text of the notes ``sync`` writes.

Pure functions: no disk, no clock. What they return is the *full* text of a generated
note (or the content of the daily block), so the planner can compare it with what is
on disk and skip the write when nothing changed. Nothing in the output varies with
the time of day: the same items on the same day render to the same bytes.

The notes are made for Obsidian's reading view: short lines, one intro line, empty
sections left out, an empty-state sentence when nothing is due. Every item is a Tasks
plugin checkbox ending in its 📅 due date and its stable ``^vl-`` block id, so ticking
it can be read back by id next time (SPEC §5.2).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol
from urllib.parse import quote

from vaultlink.resolve import Resolver
from vaultlink.rules.core import FollowUp

__all__ = [
    "GENERATED_BY",
    "DailyItems",
    "Linker",
    "StarterGroup",
    "frontmatter",
    "item_line",
    "one_line",
    "render_daily_block",
    "render_due_note",
    "render_starters_note",
]

GENERATED_BY = "vaultlink"
SHOWN_SECTIONS = (("overdue", "Overdue"), ("this_week", "This week"), ("coming_up", "Coming up"))
# Characters that cannot appear in a wikilink target (Obsidian forbids them in links).
_UNLINKABLE = frozenset("|#^[]")
# Characters Obsidian drops from a heading when it makes a ``[[Note#Heading]]`` link.
_HEADING_UNSAFE = frozenset("[]|#^:%\\")
# Tasks plugin markers that must not appear inside an item's text: they would be read
# as the item's own dates or recurrence.
_TASK_MARKERS = frozenset("📅⏳🛫✅➕❌🔁⏫🔼🔽🔺⏬")
_DEFUSE = {ord(ch): None for ch in _TASK_MARKERS}
# Finds a marker far faster than ``str.translate`` with a dict goes through the text.
_HAS_MARKER = re.compile("[" + "".join(sorted(_TASK_MARKERS)) + "]")
_SHOWN = frozenset(section for section, _ in SHOWN_SECTIONS)

LinkFn = Callable[[str], str]


# ------------------------------------------------------------------------------ links


class Linker:
    """Makes links from a generated note (``from_path``) that resolve as Obsidian would.

    The bare note name when it is unique in the vault and resolves to the right note
    from ``from_path``; otherwise the path without ``.md`` with ``|Name`` as alias. A
    path holding characters a wikilink cannot carry becomes a Markdown link. Links are
    remembered: a due list names the same people many times.
    """

    __slots__ = ("_cache", "from_path", "resolver")

    def __init__(self, resolver: Resolver | None, from_path: str) -> None:
        self.resolver = resolver
        self.from_path = from_path
        self._cache: dict[tuple[str, str | None, bool], str] = {}

    def __call__(self, path: str, display: str | None = None, *, full: bool = False) -> str:
        """A link to ``path``; ``full`` always uses the path form (for notes that may not
        exist yet, so the link reads the same before and after they are created)."""
        key = (path, display, full)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._link(path, display, full)
        return found

    def _link(self, path: str, display: str | None, full: bool) -> str:
        name = _stem(path.rsplit("/", 1)[-1])
        label = one_line(display) if display else name
        target_path = path[:-3] if path.lower().endswith(".md") else path
        if not _UNLINKABLE.isdisjoint(target_path) or "]]" in label or "|" in label:
            text = label.replace("[", "(").replace("]", ")")
            return f"[{text}]({quote(path, safe='/')})"
        target = target_path
        if not full and self._name_is_enough(name, path):
            target = name
        if target == label:
            return f"[[{target}]]"
        return f"[[{target}|{label}]]"

    def _name_is_enough(self, name: str, path: str) -> bool:
        if self.resolver is None:
            return "/" not in path
        return (
            self.resolver.candidates(name) == (path,)
            and self.resolver.resolve(name, self.from_path) == path
        )

    def heading(self, path: str, heading: str | None, display: str | None = None) -> str:
        """A link to a heading inside a note (``[[Note#Heading]]``); the note if none."""
        base = self(path, display)
        section = " ".join("".join(" " if ch in _HEADING_UNSAFE else ch
                                   for ch in heading or "").split())
        if not section or not base.startswith("[["):
            return base
        inner = base[2:-2]
        if "|" in inner:
            target, label = inner.split("|", 1)
            return f"[[{target}#{section}|{label}]]"
        return f"[[{inner}#{section}]]"


def _stem(name: str) -> str:
    return name[:-3] if name.lower().endswith(".md") else name


# ------------------------------------------------------------------------------- text


def one_line(text: str) -> str:
    """Text made safe for one Markdown list line of a generated note.

    Whitespace collapsed, Obsidian comments (``%%``) and Tasks markers defused, no
    trailing ``^block-id``, so the text cannot change what the line means.
    """
    out = text.translate(_DEFUSE) if _HAS_MARKER.search(text) else text
    while "%%" in out:
        out = out.replace("%%", "%")
    words = out.split()
    while words and words[-1].startswith("^"):
        words.pop()
    return " ".join(words)


def frontmatter(today: date) -> str:
    """The marker that makes a note vaultlink's own (SPEC §5.3), and the day it is for."""
    return f"---\ngenerated_by: {GENERATED_BY}\ndate: {today.isoformat()}\n---\n"


def item_line(item: FollowUp, link: LinkFn, *, status: str = " ",
              done_on: date | None = None) -> str:
    """One Tasks-plugin checkbox: what to do, 📅 due date, (✅ done date,) ^block id.

    ``- [ ] Thank [[Jane Doe]] for the 20 Nov interview at [[Acme Corp]] 📅 2026-11-21
    ^vl-3f9a2c``: the person and company are linked where the reason names them, else
    the line reads ``Reach out to [[Jane Doe]] ([[Acme Corp]]) — <reason>``.
    """
    return _item_line(item, link, status, done_on, item.block_id)


def _item_line(item: FollowUp, link: LinkFn, status: str, done_on: date | None,
               block_id: str) -> str:
    if done_on is not None:
        return (f"- [{status}] {describe(item, link)} 📅 {item.due.isoformat()} "
                f"✅ {done_on.isoformat()} ^{block_id}")
    return f"- [{status}] {describe(item, link)} 📅 {item.due.isoformat()} ^{block_id}"


def describe(item: FollowUp, link: LinkFn) -> str:
    """The words of an item, with the person and company linked once each."""
    reason = one_line(item.reason)
    person = item.person
    company = item.company if item.company != person else None
    person_name = one_line(item.name) if person is not None else None
    company_name = _stem(company.rsplit("/", 1)[-1]) if company is not None else None
    text, person_done = _link_first(reason, person_name, person, link)
    text, company_done = _link_first(text, company_name, company, link)
    if person is not None and not person_done:
        who = f"Reach out to {link(person)}"
        if company is not None and not company_done:
            who += f" ({link(company)})"
        return f"{who} — {text}" if text else who
    if person is None and company is not None and not company_done:
        who = f"Reach out to someone at {link(company)}"
        return f"{who} — {text}" if text else who
    if not text:
        return f"Reach out: {one_line(item.name)}"
    return _capital(text)


def _capital(text: str) -> str:
    return text[0].upper() + text[1:] if text and text[0].islower() else text


def _link_first(text: str, name: str | None, path: str | None,
                link: LinkFn) -> tuple[str, bool]:
    """Replace the first whole-word ``name`` in ``text`` with a link to ``path``."""
    if not name or path is None:
        return text, False
    start = 0
    while True:
        at = text.find(name, start)
        if at < 0:
            return text, False
        before = text[at - 1] if at > 0 else " "
        after_at = at + len(name)
        after = text[after_at] if after_at < len(text) else " "
        inside_link = text.count("[[", 0, at) > text.count("]]", 0, at)
        if not (before.isalnum() or after.isalnum() or inside_link):
            return text[:at] + link(path) + text[after_at:], True
        start = at + 1


# --------------------------------------------------------------------------- due note


def _rendered_items(
    items: Iterable[FollowUp], link: LinkFn, done: Mapping[str, date],
    statuses: Mapping[str, str],
) -> list[str]:
    lines: list[str] = []
    for item in items:
        block_id = item.block_id
        done_on = done.get(block_id)
        if done_on is not None:
            lines.append(_item_line(item, link, "x", done_on, block_id))
        else:
            lines.append(_item_line(item, link, statuses.get(block_id, " "), None, block_id))
    return lines


def render_due_note(
    items: Sequence[FollowUp],
    *,
    today: date,
    link: LinkFn,
    done: Mapping[str, date] | None = None,
    statuses: Mapping[str, str] | None = None,
    kept: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """The full text of ``Due this week``: Overdue / This week / Coming up.

    ``done`` maps block ids to the date they were ticked (shown ticked, with ✅);
    ``statuses`` keeps other checkbox states the user set (``/`` in progress);
    ``kept`` adds sections of lines carried over verbatim (ticked items that could not
    be logged, dismissed items) so nothing the user ticked is lost.
    """
    done = done or {}
    statuses = statuses or {}
    parts = [frontmatter(today)]
    shown = [i for i in items if i.section in _SHOWN]
    monday = date.fromordinal(today.toordinal() - today.weekday())
    if shown:
        parts.append(
            f"Who to get in touch with, week of {_long_date(monday)}. Tick a box when "
            "done: the next `vaultlink sync` logs it in their note.\n"
        )
    else:
        parts.append(
            f"Nobody is due for a follow-up this week or next (week of {_long_date(monday)}). "
            "Enjoy the quiet.\n"
        )
    for section, title in SHOWN_SECTIONS:
        lines = _rendered_items([i for i in shown if i.section == section], link, done, statuses)
        if lines:
            parts.append(f"\n## {title}\n\n" + "".join(line + "\n" for line in lines))
    for title, carried in (kept or {}).items():
        if carried:
            parts.append(f"\n## {title}\n\n" + "".join(line + "\n" for line in carried))
    return "".join(parts)


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B} {day.year}"


# -------------------------------------------------------------------- starters note


class StarterLike(Protocol):
    """What the renderer needs of a conversation starter (``vaultlink.starters.Starter``)."""

    @property
    def kind(self) -> str: ...

    @property
    def text(self) -> str: ...


@dataclass(frozen=True, slots=True)
class StarterGroup:
    """The starters for one person, with the link to where each came from.

    ``sources`` holds, per starter, ``(note path, heading or None)``.
    """

    person: str
    name: str
    reason: str
    due: date
    starters: tuple[StarterLike, ...] = ()
    sources: tuple[tuple[str, str | None], ...] = field(default_factory=tuple)


def render_starters_note(
    groups: Sequence[StarterGroup], *, today: date, linker: Linker, more: int = 0
) -> str:
    """The full text of ``Conversation starters``: one ``## [[Person]]`` section each.

    ``more`` counts people due but left out (the note covers the most urgent ones).
    """
    parts = [frontmatter(today)]
    if not groups:
        parts.append("Nobody is due this week, so there is nothing to prepare.\n")
        return "".join(parts)
    parts.append(
        "What to talk about with the people due this week; each idea links to the note "
        "it came from.\n"
    )
    for group in groups:
        parts.append(f"\n## {linker(group.person)}\n\n")
        reason = _capital(one_line(group.reason)).replace("*", "\\*")
        parts.append(f"*{reason} · 📅 {group.due.isoformat()}*\n\n" if reason else "")
        if not group.starters:
            parts.append("- Nothing noted yet — ask how things are going.\n")
            continue
        for starter, (path, heading) in zip(group.starters, group.sources, strict=False):
            text = one_line(starter.text)
            parts.append(f"- {text} — {linker.heading(path, heading)}\n")
    if more:
        parts.append(
            f"\n*…and {more:,} more {'person' if more == 1 else 'people'} due: run "
            "`vaultlink starters NAME` for anyone.*\n"
        )
    return "".join(parts)


# ----------------------------------------------------------------------- daily block


@dataclass(frozen=True, slots=True)
class DailyItems:
    """What goes in today's managed block: overdue items and those due today."""

    items: tuple[FollowUp, ...]
    done: Mapping[str, date] = field(default_factory=dict)
    statuses: Mapping[str, str] = field(default_factory=dict)
    kept: tuple[str, ...] = ()
    more: int = 0


def render_daily_block(daily: DailyItems, *, link: LinkFn, due_note: str) -> str:
    """The lines between the vaultlink markers in today's daily note.

    ``due_note`` is a ready link to the due note. With nothing to show the block says
    so in one line, so items already done never linger.
    """
    lines = _rendered_items(daily.items, link, daily.done, daily.statuses)
    lines.extend(daily.kept)
    if not lines:
        return f"Nothing due today · {due_note}\n"
    if daily.more:
        lines.append(f"- …and {daily.more:,} more in {due_note}")
    head = f"**Follow-ups today** · {due_note}"
    return head + "\n" + "".join(line + "\n" for line in lines)
