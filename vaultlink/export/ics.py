"""The due list as an iCalendar feed (RFC 5545) to subscribe to from a calendar app.

One all-day ``VEVENT`` per follow-up. The ``UID`` is the item's stable block id, so a
calendar that re-reads the file updates events instead of duplicating them. Overdue
items are placed on ``today`` (a reminder on a past day is one nobody sees); their
description says since when they are due. Output is a pure function of the items
and ``today`` (``DTSTAMP`` is derived from it): the same input gives the same bytes.

Format details that calendar apps are strict about: CRLF line endings, lines folded
at 75 octets without splitting a UTF-8 character, TEXT values escaped (``\\``, ``;``,
``,``, newlines), ``DTEND`` the day after ``DTSTART`` for an all-day event.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from urllib.parse import quote

from vaultlink import __version__
from vaultlink.rules.core import FollowUp

__all__ = ["CALENDAR_NAME", "escape_text", "fold", "summary", "to_ics"]

CALENDAR_NAME = "vaultlink follow-ups"
_MAX_OCTETS = 75


def escape_text(text: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines escaped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out: list[str] = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == ";":
            out.append("\\;")
        elif ch == ",":
            out.append("\\,")
        elif ch == "\n":
            out.append("\\n")
        elif (ord(ch) < 0x20 and ch != "\t") or ord(ch) == 0x7F:
            continue  # control characters are not allowed in TEXT
        else:
            out.append(ch)
    return "".join(out)


def fold(line: str) -> str:
    """Fold a content line into pieces of at most 75 octets, joined by CRLF + space.

    Never splits inside a UTF-8 sequence; each continuation line's leading space counts
    towards its 75 octets.
    """
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    limit = _MAX_OCTETS
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            pieces.append("".join(current))
            current, size, limit = [], 0, _MAX_OCTETS - 1
        current.append(ch)
        size += width
    pieces.append("".join(current))
    return "\r\n ".join(pieces)


def summary(item: FollowUp, company_name: str | None = None) -> str:
    """``Reach out to Jane Doe``, or ``Reach out to someone at Acme Corp`` for a company."""
    if item.person is not None:
        return f"Reach out to {item.name}"
    return f"Reach out to someone at {company_name or item.name}"


def _company_name(path: str | None) -> str | None:
    if path is None:
        return None
    base = path.rsplit("/", 1)[-1]
    return base[:-3] if base.lower().endswith(".md") else base


def _description(item: FollowUp, today: date) -> str:
    reason = " ".join(item.reason.split())
    lines = [reason[:1].upper() + reason[1:]] if reason else []
    if item.due < today:
        days = (today - item.due).days
        lines.append(f"Overdue: due {item.due.isoformat()} ({days} day{'s' * (days != 1)} ago).")
    if item.lapsed:
        lines.append("Lapsed: past the point where this reminder is usually useful.")
    lines.append(f"Rule: {item.rule}")
    paths = list(dict.fromkeys(s.path for s in item.sources))
    if paths:
        lines.append("Sources: " + "; ".join(paths))
    return "\n".join(lines)


def _obsidian_url(vault_name: str, path: str) -> str:
    file = path[:-3] if path.lower().endswith(".md") else path
    return f"obsidian://open?vault={quote(vault_name, safe='')}&file={quote(file, safe='')}"


def _date(day: date) -> str:
    return day.strftime("%Y%m%d")


def to_ics(
    items: Iterable[FollowUp],
    today: date,
    *,
    vault_name: str | None = None,
    calendar_name: str = CALENDAR_NAME,
) -> str:
    """The items as a ``VCALENDAR`` (CRLF line endings, folded, deterministic).

    With ``vault_name`` each event gets an ``obsidian://`` URL opening the person's (or
    company's) note in that vault.
    """
    stamp = f"{_date(today)}T000000Z"
    lines: list[str] = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//vaultlink//vaultlink {__version__}//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(calendar_name)}",
    ]
    seen: set[str] = set()
    for item in items:
        if item.block_id in seen:
            continue
        seen.add(item.block_id)
        lines.extend(_event(item, today, stamp, vault_name))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def _event(item: FollowUp, today: date, stamp: str, vault_name: str | None) -> Sequence[str]:
    start = max(item.due, today)
    company = _company_name(item.company)
    out = [
        "BEGIN:VEVENT",
        f"UID:{item.block_id}@vaultlink",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{_date(start)}",
        f"DTEND;VALUE=DATE:{_date(start + timedelta(days=1))}",
        f"SUMMARY:{escape_text(summary(item, company))}",
        f"DESCRIPTION:{escape_text(_description(item, today))}",
        f"CATEGORIES:vaultlink,{escape_text(item.rule)}",
        "TRANSP:TRANSPARENT",
    ]
    target = item.person or item.company
    if vault_name and target:
        out.append(f"URL:{_obsidian_url(vault_name, target)}")
    out.append("END:VEVENT")
    return out
