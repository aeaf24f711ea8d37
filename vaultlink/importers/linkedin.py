"""LinkedIn's "Connections.csv" (Settings → Data privacy → Get a copy of your data).

The export starts with a few "Notes:" lines before the header
``First Name,Last Name,URL,Email Address,Company,Position,Connected On``; dates read
``12 Nov 2024``; the file may start with a UTF-8 BOM. The header is found by its
column names (older exports lack ``URL``; columns may move), so the preamble's length
does not matter. Files re-saved by a spreadsheet in a legacy encoding are read as
Windows-1252, with a warning.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

from vaultlink.importers import Candidate, decode_export
from vaultlink.problems import Problem

__all__ = ["SOURCE", "TAG", "parse_connections", "parse_date", "read_connections"]

SOURCE = "linkedin"
TAG = "person/linkedin"

_COLUMNS: dict[str, tuple[str, ...]] = {
    "first": ("first name", "firstname", "given name"),
    "last": ("last name", "lastname", "family name", "surname"),
    "url": ("url", "profile url", "linkedin url", "profile"),
    "email": ("email address", "email", "e-mail address", "e-mail"),
    "company": ("company", "organization", "organisation"),
    "position": ("position", "title", "job title"),
    "connected": ("connected on", "connected", "date connected"),
}
_MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")],
        start=1,
    )
    for name in names
}
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[\s\-/.]+([A-Za-z]+)\.?[\s\-/.,]+(\d{2}|\d{4})$")
_MONTH_DAY_YEAR = re.compile(r"^([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")
_US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})$")


def parse_date(text: str) -> date | None:
    """``12 Nov 2024`` (LinkedIn's format), ``Nov 12, 2024``, ISO, or US ``11/12/2024``.

    Month names are matched in English whatever the machine's locale.
    """
    value = text.strip()
    if not value:
        return None
    try:
        if match := _ISO.match(value):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := _DAY_MONTH_YEAR.match(value):
            month = _MONTHS.get(match[2].lower())
            return date(_year(match[3]), month, int(match[1])) if month else None
        if match := _MONTH_DAY_YEAR.match(value):
            month = _MONTHS.get(match[1].lower())
            return date(int(match[3]), month, int(match[2])) if month else None
        if match := _US.match(value):
            return date(_year(match[3]), int(match[1]), int(match[2]))
    except ValueError:
        return None
    return None


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if len(text) == 2 else year


def _columns(row: list[str]) -> dict[str, int] | None:
    """Column positions when ``row`` is the header, else None."""
    cells = [" ".join(cell.replace("\ufeff", "").split()).lower() for cell in row]
    found: dict[str, int] = {}
    for key, names in _COLUMNS.items():
        for index, cell in enumerate(cells):
            if cell in names:
                found[key] = index
                break
    return found if "first" in found and "last" in found else None


def parse_connections(text: str, origin: str = "Connections.csv") -> tuple[
    list[Candidate], list[Problem]
]:
    """Candidates from the text of a connections export, and problems naming lines."""
    text = text.removeprefix("\ufeff")
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    columns: dict[str, int] | None = None
    out: list[Candidate] = []
    start = 1
    try:
        for row in reader:
            line = start
            start = reader.line_num + 1
            if columns is None:
                columns = _columns(row)
                continue
            if not any(cell.strip() for cell in row):
                continue

            def cell(key: str, row: list[str] = row, found: dict[str, int] = columns) -> str:
                index = found.get(key)
                return row[index].strip() if index is not None and index < len(row) else ""

            name = " ".join(part for part in (cell("first"), cell("last")) if part)
            connected = cell("connected")
            met = parse_date(connected)
            if connected and met is None:
                problems.append(Problem(origin, line, "warning", "bad-date",
                                        f"{name or 'row'}: unreadable date {connected!r}"))
            email = cell("email")
            out.append(Candidate(
                name=name,
                company=cell("company") or None,
                role=cell("position") or None,
                emails=(email,) if email else (),
                linkedin=cell("url") or None,
                met=met,
                line=line,
            ))
    except csv.Error as exc:
        problems.append(Problem(origin, reader.line_num, "error", "bad-import",
                                f"not readable as CSV: {exc}"))
    if columns is None:
        problems.append(Problem(
            origin, None, "error", "bad-import",
            "not a LinkedIn connections export: no header row with "
            "'First Name' and 'Last Name' columns",
        ))
    return out, problems


def read_connections(path: Path) -> tuple[list[Candidate], list[Problem]]:
    """Read a ``Connections.csv`` file (UTF-8 with or without BOM; else Windows-1252).

    Raises OSError when the file cannot be read.
    """
    text, problems = decode_export(path.read_bytes(), path.name)
    candidates, more = parse_connections(text, path.name)
    return candidates, problems + more
