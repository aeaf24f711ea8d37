"""Records for one parsed note (file -> Note) and the entry point that builds them.

Everything here is a frozen, picklable record so notes can be cached on disk and
parsed in worker processes. Line numbers are 1-based and count from the top of the
file (frontmatter included), so a problem or a source points where an editor would.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from vaultlink.problems import Problem

BlockKind = Literal["paragraph", "item", "heading", "table"]


@dataclass(frozen=True, slots=True)
class Link:
    """A wikilink, embed or Markdown link to a note.

    ``target`` is the path/name part exactly as the user wrote it (unescaped, without
    ``#subpath``); an empty target means the note itself (``[[#Heading]]``).
    ``key`` names the frontmatter property a link came from (None for body links).
    """

    target: str
    line: int
    subpath: str | None = None
    alias: str | None = None
    embed: bool = False
    markdown: bool = False
    key: str | None = None

    @property
    def heading(self) -> str | None:
        if self.subpath and not self.subpath.startswith("^"):
            return self.subpath
        return None

    @property
    def block(self) -> str | None:
        if self.subpath and self.subpath.startswith("^"):
            return self.subpath[1:]
        return None

    @property
    def display(self) -> str:
        """What Obsidian shows for the link in reading view."""
        if self.alias:
            return self.alias
        name = self.target.rsplit("/", 1)[-1]
        if name.lower().endswith(".md"):
            name = name[:-3]
        if self.subpath:
            return f"{name} > {self.subpath}" if name else self.subpath
        return name


@dataclass(frozen=True, slots=True)
class Tag:
    """A tag without its ``#`` (``person/recruiter``), as written."""

    name: str
    line: int


@dataclass(frozen=True, slots=True)
class Field:
    """A Dataview inline field: ``key:: value``, ``[key:: value]`` or ``(key:: value)``."""

    key: str
    value: str
    line: int


@dataclass(frozen=True, slots=True)
class Task:
    """The checkbox part of a list item, with the Tasks plugin's emoji dates."""

    status: str
    due: date | None = None
    scheduled: date | None = None
    start: date | None = None
    completed: date | None = None

    @property
    def done(self) -> bool:
        return self.status in ("x", "X")

    @property
    def cancelled(self) -> bool:
        return self.status == "-"


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Block:
    """One inline-bearing block: a paragraph, a list item's own text, a heading or a table.

    ``text`` is plain text (links shown as Obsidian displays them, markup removed),
    ``raw`` the source lines as written. ``heading`` is the nearest heading above.
    ``quote`` marks blockquotes and callouts. ``task`` is set for checkbox items.
    """

    kind: BlockKind
    line: int
    end_line: int
    text: str
    raw: str
    links: tuple[Link, ...] = ()
    tags: tuple[Tag, ...] = ()
    fields: tuple[Field, ...] = ()
    heading: str | None = None
    quote: bool = False
    task: Task | None = None
    depth: int = 0
    block_id: str | None = None


@dataclass(frozen=True, slots=True)
class Note:
    """A parsed Markdown file.

    ``properties`` is the frontmatter as safely loaded YAML (empty when absent or
    malformed); ``property_lines`` maps each top-level key to its line. ``links`` holds
    property links (with ``key`` set) followed by body links in document order.
    ``has_placeholders`` marks an unrendered template: ``{{placeholders}}`` in the
    frontmatter, or a Templater command (``<% ... %>``, ``<%* ... %>``) in the
    frontmatter or in the body (outside code, math and comments).
    """

    path: str
    properties: Mapping[str, Any] = field(default_factory=dict)
    property_lines: Mapping[str, int] = field(default_factory=dict)
    body_line: int = 1
    blocks: tuple[Block, ...] = ()
    links: tuple[Link, ...] = ()
    tags: tuple[Tag, ...] = ()
    fields: tuple[Field, ...] = ()
    headings: tuple[Heading, ...] = ()
    problems: tuple[Problem, ...] = ()
    has_placeholders: bool = False

    @property
    def name(self) -> str:
        """The file name without folder and extension: what ``[[...]]`` matches."""
        base = self.path.rsplit("/", 1)[-1]
        return base[:-3] if base.lower().endswith(".md") else base

    @property
    def folder(self) -> str:
        """The vault-relative folder ('' for the vault root)."""
        return self.path.rsplit("/", 1)[0] if "/" in self.path else ""

    def line_of(self, key: str) -> int | None:
        """The line of a frontmatter key, for problems that point at a property."""
        return self.property_lines.get(key)


# --------------------------------------------------------------------------- parsing
# The parser lives in vaultlink.parse (markdown-it, YAML); it is imported on first
# use so that importing the records stays cheap.


def parse_note(path: str, text: str) -> Note:
    """Parse a note's text (``path`` is vault-relative POSIX). Never raises."""
    from vaultlink.parse import parse_note as _parse_note

    return _parse_note(path, text)


def read_note(path: str, abspath: str | os.PathLike[str]) -> Note:
    """Read a file as UTF-8 (BOM allowed) and parse it. Never raises: unreadable
    files give a Note with an ``unreadable-file`` problem."""
    from vaultlink.parse import read_note as _read_note

    return _read_note(path, abspath)
