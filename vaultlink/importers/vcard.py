"""vCards (``.vcf``) as exported by phones, Apple Contacts, Google and Outlook.

A small reader for what a person note needs, versions 2.1, 3.0 and 4.0: ``FN``/``N``,
``NICKNAME``, ``ORG``, ``TITLE``/``ROLE``, ``EMAIL``, ``URL``/``X-SOCIALPROFILE``
(LinkedIn), ``BDAY`` and ``NOTE``. It unfolds lines (RFC 6350 §3.2), understands
quoted parameter values, property groups (``item1.URL`` with an Apple ``X-ABLabel``),
backslash escapes, and vCard 2.1's ``QUOTED-PRINTABLE`` values with their ``=`` soft
line breaks and ``CHARSET``. Photos and everything else are ignored. Company cards
(``X-ABShowAs:COMPANY``, ``KIND:org``) are not people and are reported as skipped.
"""

from __future__ import annotations

import quopri
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from vaultlink.importers import Candidate, decode_export, is_linkedin
from vaultlink.problems import Problem

__all__ = [
    "SOURCE",
    "TAG",
    "ContentLine",
    "parse_birthday",
    "parse_line",
    "parse_vcards",
    "read_vcards",
    "unfold",
]

SOURCE = "vcard"
TAG = "person/vcard"

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class ContentLine:
    """``[group.]NAME;PARAM=a,b:value`` split up; names upper-cased, raw value kept."""

    group: str | None
    name: str
    params: dict[str, list[str]]
    value: str
    line: int

    def param(self, name: str) -> list[str]:
        return self.params.get(name, [])

    @property
    def types(self) -> set[str]:
        return {t.lower() for value in self.param("TYPE") for t in value.split(",")}


def unfold(text: str) -> list[tuple[int, str]]:
    """Logical lines with the physical line each starts on.

    A line starting with a space or tab continues the previous one; that one
    whitespace character and the line break are removed (RFC 6350 §3.2).
    """
    out: list[tuple[int, str]] = []
    for number, raw in enumerate(_LINE_BREAK.split(text), start=1):
        if raw[:1] in (" ", "\t") and out:
            start, previous = out[-1]
            out[-1] = (start, previous + raw[1:])
        else:
            out.append((number, raw))
    return out


def parse_line(text: str, line: int = 0) -> ContentLine | None:
    """Split one content line; None when it has no ``:`` (not a property)."""
    in_quotes = False
    parts: list[str] = []
    current: list[str] = []
    for index, ch in enumerate(text):
        if ch == '"':
            in_quotes = not in_quotes
            current.append(ch)
        elif ch == ";" and not in_quotes:
            parts.append("".join(current))
            current = []
        elif ch == ":" and not in_quotes:
            parts.append("".join(current))
            return _content_line(parts, text[index + 1:], line)
        else:
            current.append(ch)
    return None


_BARE_ENCODINGS = {"QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT", "B"}


def _content_line(parts: list[str], value: str, line: int) -> ContentLine | None:
    head = parts[0].strip()
    if not head:
        return None
    group, _, name = head.rpartition(".")
    params: dict[str, list[str]] = {}
    for raw in parts[1:]:
        key, sep, val = raw.partition("=")
        if not sep:  # vCard 2.1 bare parameters: ``;WORK;QUOTED-PRINTABLE``
            upper = key.strip().upper()
            key, val = ("ENCODING", upper) if upper in _BARE_ENCODINGS else ("TYPE", key)
        values = [v.strip().strip('"') for v in _split_unquoted(val, ",")] if val else [""]
        params.setdefault(key.strip().upper(), []).extend(values)
    return ContentLine(group or None, name.upper(), params, value, line)


def _split_unquoted(text: str, sep: str) -> list[str]:
    out: list[str] = []
    current: list[str] = []
    in_quotes = False
    for ch in text:
        if ch == '"':
            in_quotes = not in_quotes
        if ch == sep and not in_quotes:
            out.append("".join(current))
            current = []
        else:
            current.append(ch)
    out.append("".join(current))
    return out


def _split_escaped(value: str, sep: str) -> list[str]:
    """Split on ``sep`` not preceded by a backslash (structured values such as N, ORG)."""
    out: list[str] = []
    current: list[str] = []
    escaped = False
    for ch in value:
        if escaped:
            current.append("\\" + ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == sep:
            out.append("".join(current))
            current = []
        else:
            current.append(ch)
    if escaped:
        current.append("\\")
    out.append("".join(current))
    return out


def unescape(value: str) -> str:
    """``\\n`` newline, ``\\,`` ``\\;`` ``\\:`` ``\\\\`` themselves (RFC 6350 §3.4)."""
    out: list[str] = []
    escaped = False
    for ch in value:
        if escaped:
            out.append("\n" if ch in "nN" else ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        else:
            out.append(ch)
    if escaped:
        out.append("\\")
    return "".join(out)


def _decode(prop: ContentLine) -> str:
    """The raw value with vCard 2.1 quoted-printable undone (in its CHARSET)."""
    encodings = {e.upper() for e in prop.param("ENCODING")}
    if "QUOTED-PRINTABLE" not in encodings:
        return prop.value
    charset = (prop.param("CHARSET") or ["utf-8"])[0] or "utf-8"
    raw = quopri.decodestring(prop.value.encode("utf-8", errors="replace"))
    try:
        return raw.decode(charset)
    except (LookupError, UnicodeDecodeError):
        return raw.decode("latin-1")


_BDAY = re.compile(r"^(?:(\d{4})|--)-?(\d{2})-?(\d{2})(?:T.*)?$")


def parse_birthday(value: str, omit_year: str | None = None) -> str | None:
    """``1990-03-14``/``19900314`` -> ``1990-03-14``; ``--0314`` -> ``03-14``.

    Apple writes year-less birthdays as year 1604 with ``X-APPLE-OMIT-YEAR=1604``.
    """
    match = _BDAY.match(value.strip())
    if not match:
        return None
    year, month, day = match.group(1), int(match.group(2)), int(match.group(3))
    try:
        date(2000, month, day)  # a leap year: 02-29 is a real birthday
    except ValueError:
        return None
    if year is None or year == omit_year or year == "1604":
        return f"{month:02d}-{day:02d}"
    try:
        return date(int(year), month, day).isoformat()
    except ValueError:
        return None


@dataclass(slots=True)
class _Card:
    line: int
    props: list[ContentLine] = field(default_factory=list)

    def first(self, name: str) -> ContentLine | None:
        return next((p for p in self.props if p.name == name), None)

    def all(self, name: str) -> list[ContentLine]:
        return [p for p in self.props if p.name == name]

    def labels(self, group: str | None) -> str:
        if group is None:
            return ""
        return " ".join(_decode(p).lower() for p in self.props
                        if p.group == group and p.name == "X-ABLABEL")


def _cards(lines: list[tuple[int, str]]) -> list[_Card]:
    """Group content lines into cards; nested cards (2.1 ``AGENT``) are skipped."""
    cards: list[_Card] = []
    current: _Card | None = None
    depth = 0
    index = 0
    while index < len(lines):
        number, text = lines[index]
        index += 1
        prop = parse_line(text, number)
        if prop is None:
            continue
        if prop.name == "BEGIN" and prop.value.strip().upper() == "VCARD":
            depth += 1
            if depth == 1:
                current = _Card(number)
            continue
        if prop.name == "END" and prop.value.strip().upper() == "VCARD":
            depth = max(0, depth - 1)
            if depth == 0 and current is not None:
                cards.append(current)
                current = None
            continue
        if current is None or depth != 1:
            continue
        if "QUOTED-PRINTABLE" in {e.upper() for e in prop.param("ENCODING")}:
            value = prop.value
            while value.endswith("=") and index < len(lines):  # soft line breaks
                value = value[:-1] + lines[index][1]
                index += 1
            prop = ContentLine(prop.group, prop.name, prop.params, value, prop.line)
        current.props.append(prop)
    return cards


def _name(card: _Card) -> str:
    fn = card.first("FN")
    if fn is not None and unescape(_decode(fn)).strip():
        return unescape(_decode(fn)).strip()
    n = card.first("N")
    if n is None:
        return ""
    parts = [unescape(p).strip() for p in _split_escaped(_decode(n), ";")]
    parts += [""] * (5 - len(parts))
    family, given, additional = parts[0], parts[1], parts[2]
    return " ".join(p.replace(",", " ") for p in (given, additional, family) if p)


def _emails(card: _Card) -> tuple[str, ...]:
    props = card.all("EMAIL")

    def rank(prop: ContentLine) -> int:
        pref = prop.param("PREF")
        if pref and pref[0].isdigit():
            return int(pref[0])
        return 1 if "pref" in prop.types else 100

    ordered = sorted(props, key=rank)  # stable: file order among equals
    return tuple(v for v in (unescape(_decode(p)).strip() for p in ordered) if v)


def _linkedin(card: _Card) -> str | None:
    for prop in card.all("X-SOCIALPROFILE"):
        value = unescape(_decode(prop)).strip()
        if is_linkedin(value):
            return value
        if "linkedin" in prop.types:
            user = (prop.param("X-USER") or [""])[0]
            if value.startswith(("http://", "https://")):
                return value
            if user:
                return f"https://www.linkedin.com/in/{user}"
    for prop in card.all("URL"):
        value = unescape(_decode(prop)).strip()
        if is_linkedin(value) or (
            "linkedin" in card.labels(prop.group) and value.startswith(("http", "www."))
        ):
            return value
    return None


def _is_company_card(card: _Card) -> bool:
    show_as = card.first("X-ABSHOWAS")
    kind = card.first("KIND")
    return (show_as is not None and show_as.value.strip().upper() == "COMPANY") or (
        kind is not None and kind.value.strip().lower() in ("org", "group", "location")
    )


def _text(card: _Card, *names: str) -> str | None:
    for name in names:
        prop = card.first(name)
        if prop is not None:
            value = unescape(_decode(prop)).strip()
            if value:
                return value
    return None


def parse_vcards(text: str, origin: str = "contacts.vcf") -> tuple[
    list[Candidate], list[Problem]
]:
    """Candidates from the text of a ``.vcf`` file (one or many cards)."""
    problems: list[Problem] = []
    out: list[Candidate] = []
    cards = _cards(unfold(text.removeprefix("\ufeff")))
    if not cards:
        problems.append(Problem(origin, None, "error", "bad-import",
                                "no BEGIN:VCARD ... END:VCARD card found"))
    for card in cards:
        if _is_company_card(card):
            label = _text(card, "ORG", "FN") or "?"
            problems.append(Problem(origin, card.line, "warning", "not-a-person",
                                    f"{label.split(';')[0]}: a company card, not a person"))
            continue
        org = card.first("ORG")
        company = None
        if org is not None:
            company = unescape(_split_escaped(_decode(org), ";")[0]).strip() or None
        nicknames = card.first("NICKNAME")
        aliases: tuple[str, ...] = ()
        if nicknames is not None:
            aliases = tuple(unescape(a).strip() for a in _split_escaped(_decode(nicknames), ","))
        birthday = None
        bday = card.first("BDAY")
        if bday is not None and bday.value.strip():
            omit = next(iter(bday.param("X-APPLE-OMIT-YEAR")), None)
            birthday = parse_birthday(_decode(bday), omit)
            if birthday is None:
                problems.append(Problem(origin, bday.line, "warning", "bad-date",
                                        f"unreadable birthday {bday.value.strip()!r}"))
        out.append(Candidate(
            name=_name(card),
            company=company,
            role=_text(card, "TITLE", "ROLE"),
            emails=_emails(card),
            linkedin=_linkedin(card),
            birthday=birthday,
            aliases=tuple(a for a in aliases if a),
            note=_text(card, "NOTE") or "",
            line=card.line,
        ))
    return out, problems


def read_vcards(path: Path) -> tuple[list[Candidate], list[Problem]]:
    """Read a ``.vcf`` file (UTF-8, with or without BOM; else Windows-1252).

    Raises OSError when the file cannot be read.
    """
    text, problems = decode_export(path.read_bytes(), path.name)
    candidates, more = parse_vcards(text, path.name)
    return candidates, problems + more
