"""Pure text edits of user notes: the managed block, log lines and template filling.

These functions take and return ``str`` decoded from UTF-8 *without* newline
translation, and touch nothing but the lines they insert or replace, so every other
byte of a user's note survives (SPEC §5.3). Inserted lines use the note's dominant
line ending; a leading BOM and a missing final newline are kept. Frontmatter is
never parsed or re-dumped: it is only skipped so that ``# comments`` in YAML are not
taken for headings.

Line structure is tracked just enough to edit safely (ATX headings, ``` / ~~~
fences, frontmatter); this is line-oriented text editing, not Markdown parsing.
Setext headings (``Title`` over ``===``) are not recognised as section boundaries.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, time
from typing import cast

__all__ = [
    "BLOCK_END",
    "BLOCK_START",
    "ManagedBlockError",
    "append_log_line",
    "dominant_newline",
    "fill_template",
    "find_managed_block",
    "format_moment_time",
    "replace_managed_block",
]

BLOCK_START = "%% vaultlink:start %%"
BLOCK_END = "%% vaultlink:end %%"

_BOM = "\ufeff"


class ManagedBlockError(ValueError):
    """The note's vaultlink markers are unbalanced or repeated; editing would be a guess."""


# --------------------------------------------------------------------------- lines


@dataclass(frozen=True, slots=True)
class _Line:
    """One physical line: the exact original string plus what the editor needs of it."""

    raw: str  # exactly as in the file, line ending included
    body: str  # without line ending (and without the BOM on the first line)
    eol: str  # "\r\n", "\n" or "" (last line without newline)
    fenced: bool  # inside a ``` / ~~~ fence, or the fence's own delimiter line
    front: bool  # part of the YAML frontmatter (delimiters included)

    @property
    def blank(self) -> bool:
        return not self.body.strip()


_ATX = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*\Z")
_ATX_CLOSE = re.compile(r"(?:^|[ \t]+)#+[ \t]*\Z")
_FENCE_OPEN = re.compile(r" {0,3}(`{3,}|~{3,})(.*)\Z")
_FENCE_CLOSE = re.compile(r" {0,3}(`{3,}|~{3,})[ \t]*\Z")
_PHYSICAL_LINE = re.compile(r"[^\n]*\n|[^\n]+\Z")


def _split(text: str) -> list[str]:
    """Split on ``\\n`` only (not ``str.splitlines``, which also breaks on \\x0c etc.)."""
    return _PHYSICAL_LINE.findall(text)


def _analyse(text: str, *, frontmatter: bool = True) -> tuple[list[_Line], str | None]:
    """Lines of ``text`` with fence/frontmatter state, and the fence still open at EOF.

    The second value is the closing delimiter needed to end a fence that runs to the
    end of the file (None if every fence is closed).
    """
    raws = _split(text)
    bodies: list[tuple[str, str, str]] = []
    for i, raw in enumerate(raws):
        eol = "\r\n" if raw.endswith("\r\n") else "\n" if raw.endswith("\n") else ""
        body = raw[: len(raw) - len(eol)]
        if i == 0:
            body = body.removeprefix(_BOM)
        bodies.append((raw, body, eol))

    front_end = -1  # index of the closing "---" of the frontmatter
    if frontmatter and bodies and bodies[0][1].rstrip() == "---":
        for j in range(1, len(bodies)):
            if bodies[j][1].rstrip() == "---":
                front_end = j
                break

    lines: list[_Line] = []
    fence: tuple[str, int] | None = None  # (char, length) of the open fence
    for i, (raw, body, eol) in enumerate(bodies):
        if i <= front_end:
            lines.append(_Line(raw, body, eol, fenced=False, front=True))
            continue
        if fence is None:
            m = _FENCE_OPEN.match(body)
            if m and not (m.group(1)[0] == "`" and "`" in m.group(2)):
                fence = (m.group(1)[0], len(m.group(1)))
                lines.append(_Line(raw, body, eol, fenced=True, front=False))
                continue
            lines.append(_Line(raw, body, eol, fenced=False, front=False))
            continue
        m = _FENCE_CLOSE.match(body)
        if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= fence[1]:
            fence = None
        lines.append(_Line(raw, body, eol, fenced=True, front=False))
    still_open = fence[0] * fence[1] if fence is not None else None
    return lines, still_open


def _heading(line: _Line) -> tuple[int, str] | None:
    """(level, text) if the line is an ATX heading outside fences and frontmatter."""
    if line.fenced or line.front:
        return None
    m = _ATX.match(line.body)
    if m is None:
        return None
    text = _ATX_CLOSE.sub("", m.group(2) or "").strip()
    return len(m.group(1)), text


def _norm_heading(text: str) -> str:
    return " ".join(text.split()).casefold()


def dominant_newline(text: str) -> str:
    """``"\\r\\n"`` if CRLF line endings outnumber bare LF ones, else ``"\\n"``."""
    crlf = text.count("\r\n")
    return "\r\n" if crlf > text.count("\n") - crlf else "\n"


def _find_section(lines: list[_Line], heading: str) -> tuple[int, int] | None:
    """(heading index, end index) of the first section titled ``heading``.

    The section ends before the next heading of the same or a higher level.
    """
    want = _norm_heading(heading.strip().lstrip("#"))
    for i, line in enumerate(lines):
        found = _heading(line)
        if found is None or _norm_heading(found[1]) != want:
            continue
        level = found[0]
        for j in range(i + 1, len(lines)):
            nxt = _heading(lines[j])
            if nxt is not None and nxt[0] <= level:
                return i, j
        return i, len(lines)
    return None


def _fence_open_before(lines: list[_Line], index: int) -> str | None:
    """Closing delimiter for a fence still open just before ``lines[index]``."""
    text = "".join(line.raw for line in lines[:index])
    return _analyse(text)[1]


def _insert(
    lines: list[_Line],
    at: int,
    new: list[str],
    eol: str,
    *,
    separate: bool,
) -> str:
    """Insert ``new`` lines before ``lines[at]``; everything else stays byte-identical.

    ``separate`` asks for one blank line between the preceding non-blank line and the
    inserted lines. A fence left open at the insertion point is closed first, so the
    inserted lines are not swallowed by a code block (and stay findable next time).
    If the insertion is at the very end of a file that lacks a final newline, the
    inserted part also ends without one.
    """
    if all(not line.raw.removeprefix(_BOM) for line in lines):
        # An empty note (maybe just a BOM): the inserted lines are the whole file.
        bom = lines[0].raw if lines else ""
        return bom + "".join(line + eol for line in new)
    head = [line.raw for line in lines[:at]]
    tail = [line.raw for line in lines[at:]]
    ends_without_newline = not tail and bool(head) and lines[at - 1].eol == ""
    if ends_without_newline:
        head[-1] += eol
    closing = _fence_open_before(lines, at)
    extra: list[str] = []
    if closing is not None:
        extra.append(closing)
    previous_blank = lines[at - 1].blank if at > 0 else True
    if at > 0 and separate and (closing is not None or not previous_blank):
        extra.append("")
    block = [line + eol for line in [*extra, *new]]
    if ends_without_newline:
        block[-1] = block[-1][: -len(eol)]
    return "".join(head) + "".join(block) + "".join(tail)


# ---------------------------------------------------------------------- managed block


def _marker_positions(lines: list[_Line]) -> tuple[list[int], list[int]]:
    starts: list[int] = []
    ends: list[int] = []
    for i, line in enumerate(lines):
        if line.fenced or line.front:
            continue
        stripped = line.body.strip()
        if stripped == BLOCK_START:
            starts.append(i)
        elif stripped == BLOCK_END:
            ends.append(i)
    return starts, ends


def _block_lines(lines: list[_Line]) -> tuple[int, int] | None:
    """Indices of the start and end marker lines, None if there is no block."""
    starts, ends = _marker_positions(lines)
    if not starts and not ends:
        return None
    if len(starts) > 1 or len(ends) > 1:
        where = ", ".join(str(i + 1) for i in sorted(starts + ends))
        raise ManagedBlockError(
            f"several vaultlink blocks (markers on lines {where}); leaving the note alone"
        )
    if not ends:
        raise ManagedBlockError(f"'{BLOCK_START}' on line {starts[0] + 1} has no '{BLOCK_END}'")
    if not starts:
        raise ManagedBlockError(f"'{BLOCK_END}' on line {ends[0] + 1} has no '{BLOCK_START}'")
    if ends[0] < starts[0]:
        raise ManagedBlockError(
            f"'{BLOCK_END}' on line {ends[0] + 1} comes before "
            f"'{BLOCK_START}' on line {starts[0] + 1}"
        )
    return starts[0], ends[0]


def find_managed_block(text: str) -> tuple[int, int] | None:
    """Character span ``(begin, end)`` of the block's content (between the marker lines).

    None if the note has no block; raises ManagedBlockError if the markers are
    unbalanced or repeated.
    """
    lines, _ = _analyse(text)
    found = _block_lines(lines)
    if found is None:
        return None
    start, end = found
    begin = sum(len(line.raw) for line in lines[: start + 1])
    return begin, begin + sum(len(line.raw) for line in lines[start + 1 : end])


def _content_lines(content: str) -> list[str]:
    """The block content as lines (no endings); rejects content that would break the block."""
    if not content:
        return []
    normalised = content.replace("\r\n", "\n")
    parts = normalised.split("\n")
    if normalised.endswith("\n"):
        parts.pop()
    for part in parts:
        if part.strip() in (BLOCK_START, BLOCK_END):
            raise ValueError("managed block content must not contain vaultlink markers")
    if _analyse("\n".join(parts) + "\n", frontmatter=False)[1] is not None:
        raise ValueError("managed block content leaves a code fence open")
    return parts


def replace_managed_block(
    text: str, content: str, heading: str | None = None, *, create_heading: bool = False
) -> str:
    """Put ``content`` between the vaultlink markers, adding the block once if missing.

    An existing block is replaced in place (its marker lines are kept as they are);
    otherwise the block goes at the end of the ``heading`` section if that heading
    exists. If it does not, ``create_heading`` adds the heading at the end of the note
    (after one blank line; ``## <heading>`` unless ``heading`` gives its own ``#``
    level) with the block right under it; without it the block goes at the end of the
    note after one blank line. Applying the same content twice gives the same text as
    once. Raises ManagedBlockError when the markers are unbalanced or repeated, rather
    than guessing which block is ours, and ValueError for a heading that cannot be
    written as one line.
    """
    lines, _ = _analyse(text)
    found = _block_lines(lines)
    new = _content_lines(content)
    if found is not None:
        start, end = found
        # Dominant ending of what stays: the old content must not sway it, or a second
        # run could pick another ending and rewrite the block again.
        kept = "".join(line.raw for line in (*lines[: start + 1], *lines[end:]))
        eol = dominant_newline(kept)
        replacement = "".join(line + eol for line in new)
        if replacement == "".join(line.raw for line in lines[start + 1 : end]):
            return text
        return (
            "".join(line.raw for line in lines[: start + 1])
            + replacement
            + "".join(line.raw for line in lines[end:])
        )

    eol = dominant_newline(text)
    block = [BLOCK_START, *new, BLOCK_END]
    section = _find_section(lines, heading) if heading else None
    if section is None:
        if heading and create_heading:
            block = [_heading_line(heading), *block]
        return _insert(lines, len(lines), block, eol, separate=True)
    head, stop = section
    at = _last_non_blank(lines, head, stop) + 1
    return _insert(lines, at, block, eol, separate=at > head + 1)


def _heading_line(heading: str) -> str:
    """The ATX heading line for a configured heading: ``"Follow-ups"`` -> ``"## Follow-ups"``,
    ``"### Follow-ups"`` as given; written so that ``_find_section`` finds it again."""
    if "\n" in heading or "\r" in heading:
        raise ValueError(f"the heading {heading!r} is not one line")
    stripped = heading.strip()
    title = " ".join(stripped.lstrip("#").split())
    if not title:
        raise ValueError(f"the heading {heading!r} has no text")
    level = len(stripped) - len(stripped.lstrip("#"))
    return f"{'#' * (level if 1 <= level <= 6 else 2)} {title}"


def _last_non_blank(lines: list[_Line], head: int, stop: int) -> int:
    """Index of the section's last non-blank line (the heading itself if it is empty)."""
    for i in range(stop - 1, head, -1):
        if not lines[i].blank:
            return i
    return head


# ------------------------------------------------------------------------- log lines


def append_log_line(text: str, line: str, heading: str = "Log") -> str:
    """Append ``line`` as the last line of the ``## Log`` section, creating it if missing.

    The section is the first heading titled ``heading`` (any level, case-insensitive);
    the line goes after its last non-blank line. A missing heading is added as
    ``## <heading>`` at the end of the note after a blank line. If the exact line is
    already in the section, the text is returned unchanged, so replays are harmless.
    """
    if not line.strip() or "\n" in line or "\r" in line:
        raise ValueError("a log line must be one non-empty line")
    lines, _ = _analyse(text)
    eol = dominant_newline(text)
    section = _find_section(lines, heading)
    if section is None:
        title = heading.strip().lstrip("#").strip()
        return _insert(lines, len(lines), [f"## {title}", line], eol, separate=True)
    head, stop = section
    wanted = line.rstrip()
    for existing in lines[head + 1 : stop]:
        if not existing.fenced and existing.body.rstrip() == wanted:
            return text
    at = _last_non_blank(lines, head, stop) + 1
    return _insert(lines, at, [line], eol, separate=False)


# -------------------------------------------------------------------------- templates

# moment.js formatting tokens (longest first), after moment's own tokenizer regex.
_MOMENT_TOKENS = re.compile(
    r"\[([^\[]*)\]|\\(.)|("
    r"[Hh]mmss|[Hh]mm|Mo|MMMM|MMM|MM|M|Do|DDDo|DDDD|DDD|DD|D|dddd|ddd|dd|do|d|"
    r"wo|ww|w|Wo|WW|W|Qo|Q|YYYYYY|YYYYY|YYYY|YY|Y|gggg|gg|GGGG|GG|e|E|"
    r"a|A|hh|h|HH|H|kk|k|mm|m|ss|s|S{1,9}|x|X|ZZ|Z|zz|z"
    r")",
    re.DOTALL,
)
_TIME_TOKENS = frozenset(
    {
        "Hmmss",
        "hmmss",
        "Hmm",
        "hmm",
        "a",
        "A",
        "hh",
        "h",
        "HH",
        "H",
        "kk",
        "k",
        "mm",
        "m",
        "ss",
        "s",
        "ZZ",
        "Z",
    }
    | {"S" * n for n in range(1, 10)}
)
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_WEEKDAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")


def _ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"


def _time_token(t: time, token: str) -> str | None:
    """One moment.js time token for ``t``; None if it cannot be rendered."""
    h12 = t.hour % 12 or 12
    simple = {
        "H": str(t.hour),
        "HH": f"{t.hour:02d}",
        "h": str(h12),
        "hh": f"{h12:02d}",
        "k": str(t.hour or 24),
        "kk": f"{t.hour or 24:02d}",
        "m": str(t.minute),
        "mm": f"{t.minute:02d}",
        "s": str(t.second),
        "ss": f"{t.second:02d}",
        "A": "AM" if t.hour < 12 else "PM",
        "a": "am" if t.hour < 12 else "pm",
        "Hmm": f"{t.hour}{t.minute:02d}",
        "hmm": f"{h12}{t.minute:02d}",
        "Hmmss": f"{t.hour}{t.minute:02d}{t.second:02d}",
        "hmmss": f"{h12}{t.minute:02d}{t.second:02d}",
    }
    if token in simple:
        return simple[token]
    if token.startswith("S"):
        return f"{t.microsecond:06d}000"[: len(token)]
    offset = t.utcoffset()
    if token in ("Z", "ZZ") and offset is not None:
        minutes = int(offset.total_seconds()) // 60
        sign = "-" if minutes < 0 else "+"
        hh, mm = divmod(abs(minutes), 60)
        return f"{sign}{hh:02d}:{mm:02d}" if token == "Z" else f"{sign}{hh:02d}{mm:02d}"
    return None


def _date_token_fallback(d: date, token: str) -> str | None:
    """Minimal moment.js date tokens, used only when vaultlink.dates is unavailable."""
    iso_year, iso_week, _ = d.isocalendar()
    weekday = (d.weekday() + 1) % 7  # moment: Sunday = 0
    day_of_year = d.timetuple().tm_yday
    quarter = (d.month - 1) // 3 + 1
    values = {
        "YYYY": f"{d.year:04d}",
        "YY": f"{d.year % 100:02d}",
        "Y": str(d.year),
        "M": str(d.month),
        "MM": f"{d.month:02d}",
        "Mo": _ordinal(d.month),
        "MMM": _MONTHS[d.month - 1][:3],
        "MMMM": _MONTHS[d.month - 1],
        "D": str(d.day),
        "DD": f"{d.day:02d}",
        "Do": _ordinal(d.day),
        "DDD": str(day_of_year),
        "DDDD": f"{day_of_year:03d}",
        "DDDo": _ordinal(day_of_year),
        "d": str(weekday),
        "do": _ordinal(weekday),
        "e": str(weekday),
        "E": str(d.isoweekday()),
        "dd": _WEEKDAYS[weekday][:2],
        "ddd": _WEEKDAYS[weekday][:3],
        "dddd": _WEEKDAYS[weekday],
        "W": str(iso_week),
        "WW": f"{iso_week:02d}",
        "Wo": _ordinal(iso_week),
        "GGGG": f"{iso_year:04d}",
        "GG": f"{iso_year % 100:02d}",
        "Q": str(quarter),
        "Qo": _ordinal(quarter),
    }
    return values.get(token)


DateFormatter = Callable[[date, str], str]


def _date_formatter() -> DateFormatter | None:
    """``vaultlink.dates.format_moment`` if that module provides it (imported lazily)."""
    try:
        module = importlib.import_module("vaultlink.dates")
    except ImportError:
        return None
    found = getattr(module, "format_moment", None)
    return cast(DateFormatter, found) if callable(found) else None


def _tokens(fmt: str) -> Iterator[tuple[str, bool]]:
    """Split a moment.js format into (piece, is_token) pairs; escapes become literals."""
    pos = 0
    for m in _MOMENT_TOKENS.finditer(fmt):
        if m.start() > pos:
            yield fmt[pos : m.start()], False
        if m.group(1) is not None:
            yield m.group(1), False
        elif m.group(2) is not None:
            yield m.group(2), False
        else:
            yield m.group(3), True
        pos = m.end()
    if pos < len(fmt):
        yield fmt[pos:], False


def _format_moment(d: date | None, t: time | None, fmt: str) -> str:
    """Render ``fmt`` for a date and/or time; tokens that cannot be rendered stay as is."""
    delegate = _date_formatter() if d is not None else None
    out: list[str] = []
    for piece, is_token in _tokens(fmt):
        rendered: str | None = None
        if is_token and piece in _TIME_TOKENS:
            rendered = _time_token(t, piece) if t is not None else None
        elif is_token and d is not None:
            if delegate is not None:
                rendered = delegate(d, piece)
            else:
                rendered = _date_token_fallback(d, piece)
        out.append(piece if rendered is None else rendered)
    return "".join(out)


def format_moment_time(t: time, fmt: str) -> str:
    """Format a time with moment.js tokens (``HH H hh h kk k mm m ss s A a S… Z ZZ``).

    Date tokens and unknown letters are left as written; ``[...]`` escapes text.
    """
    return _format_moment(None, t, fmt)


_PLACEHOLDER = re.compile(r"\{\{(date|time|title)(?::(.*?))?\}\}", re.IGNORECASE | re.DOTALL)
_TEMPLATER = re.compile(r"<%.*?%>", re.DOTALL)


def fill_template(template: str, *, today: date, title: str, now: time) -> str:
    """Fill Obsidian core Templates placeholders: ``{{date}}``, ``{{time}}``, ``{{title}}``,
    ``{{date:FORMAT}}``, ``{{time:FORMAT}}`` (moment.js formats; defaults ``YYYY-MM-DD``
    and ``HH:mm``). Templater commands (``<% ... %>``) are left exactly as written.
    """

    def substitute(m: re.Match[str]) -> str:
        kind = m.group(1).lower()
        fmt = m.group(2) or None
        if kind == "title":
            return title if fmt is None else m.group(0)
        if kind == "date":
            return _format_moment(today, now, fmt or "YYYY-MM-DD")
        return _format_moment(today, now, fmt or "HH:mm")

    out: list[str] = []
    pos = 0
    for m in _TEMPLATER.finditer(template):
        out.append(_PLACEHOLDER.sub(substitute, template[pos : m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(_PLACEHOLDER.sub(substitute, template[pos:]))
    return "".join(out)
