"""File -> Note: frontmatter, then one walk over markdown-it's token stream.

``parse_note`` and ``read_note`` never raise. Everything in the body comes from
tokens (``vaultlink.markdown``'s plugin turns Obsidian syntax into tokens); the only
regexes here run on one token's text (task emoji dates) or on frontmatter.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import fields as dataclass_fields
from dataclasses import replace
from datetime import date
from typing import Any
from urllib.parse import unquote

from markdown_it.token import Token

from vaultlink.frontmatter_text import Frontmatter, load_frontmatter, split_frontmatter
from vaultlink.markdown import make_parser
from vaultlink.notes import Block, BlockKind, Field, Heading, Link, Note, Tag, Task
from vaultlink.problems import Problem

__all__ = ["normalise_text", "parse_note", "read_note"]

# Tasks plugin: the emoji, an optional variation selector and spaces, then the date.
_EMOJI_DATE_RE = re.compile(
    "(\U0001f4c5|\U0001f4c6|\U0001f5d3|\u23f3|\u231b|\U0001f6eb|\u2705)\ufe0f?[ \t]*"
    r"(\d{4}-\d{2}-\d{2})"
)
_EMOJI_ROLE = {
    "\U0001f4c5": "due",  # 📅
    "\U0001f4c6": "due",  # 📆
    "\U0001f5d3": "due",  # 🗓
    "\u23f3": "scheduled",  # ⏳
    "\u231b": "scheduled",  # ⌛
    "\U0001f6eb": "start",  # 🛫
    "\u2705": "completed",  # ✅
}
# Dataview task fields.
_FIELD_ROLE = {
    "due": "due",
    "completion": "completed",
    "scheduled": "scheduled",
    "start": "start",
}
_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_SKIP_INLINE = frozenset(
    {
        "em_open",
        "em_close",
        "strong_open",
        "strong_close",
        "s_open",
        "s_close",
        "field_close",
        "html_inline",
    }
)


# Block's fields in order; ``_new_block`` takes them positionally.
_BLOCK_FIELDS = (
    "kind",
    "line",
    "end_line",
    "text",
    "raw",
    "links",
    "tags",
    "fields",
    "heading",
    "quote",
    "task",
    "depth",
    "block_id",
)


def _block_factory() -> Callable[..., Block]:
    """``Block`` called with its fields positionally, made without the frozen
    dataclass ``__init__`` (which sets each field through ``object.__setattr__``):
    about half the cost of the parse's most frequent record, and the same Block.
    Plain ``Block`` if its fields are no longer ``_BLOCK_FIELDS``."""
    if tuple(f.name for f in dataclass_fields(Block)) != _BLOCK_FIELDS:
        return Block
    new = object.__new__
    (s_kind, s_line, s_end, s_text, s_raw, s_links, s_tags, s_fields, s_heading, s_quote,
     s_task, s_depth, s_id) = (getattr(Block, name).__set__ for name in _BLOCK_FIELDS)  # fmt: skip

    def new_block(
        kind: BlockKind,
        line: int,
        end_line: int,
        text: str,
        raw: str,
        links: tuple[Link, ...],
        tags: tuple[Tag, ...],
        fields: tuple[Field, ...],
        heading: str | None,
        quote: bool,
        task: Task | None,
        depth: int,
        block_id: str | None,
    ) -> Block:
        block: Block = new(Block)
        s_kind(block, kind)
        s_line(block, line)
        s_end(block, end_line)
        s_text(block, text)
        s_raw(block, raw)
        s_links(block, links)
        s_tags(block, tags)
        s_fields(block, fields)
        s_heading(block, heading)
        s_quote(block, quote)
        s_task(block, task)
        s_depth(block, depth)
        s_id(block, block_id)
        return block

    return new_block


_new_block = _block_factory()


def normalise_text(text: str) -> str:
    """Drop a leading BOM; CRLF and lone CR become LF; NUL becomes U+FFFD (what
    markdown-it's own ``normalize`` pass does, done once here so line numbers and
    the parser agree)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\0" in text:
        text = text.replace("\0", "\ufffd")
    return text


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _markdown_target(href: str) -> tuple[str, str | None] | None:
    """(target, subpath) of a Markdown link to a note, or None for anything else."""
    if not href or href.startswith("#") or _SCHEME_RE.match(href):
        return None
    path, _, fragment = href.partition("#")
    path = unquote(path)
    if not path.lower().endswith(".md"):
        return None
    subpath = (unquote(fragment).strip() or None) if fragment else None
    return path, subpath


class _Inline:
    """What one walk over an inline token's children collects."""

    __slots__ = ("block_id", "fields", "links", "parts", "scan", "tags", "templater")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.scan: list[str] = []
        self.links: list[Link] = []
        self.tags: list[Tag] = []
        self.fields: list[Field] = []
        self.block_id: str | None = None
        self.templater = False

    def walk(self, children: list[Token], base: int) -> None:
        """Walk the children of one inline token whose first line is file line ``base``."""
        parts = self.parts
        scan = self.scan
        line = base
        link_starts: list[tuple[int, tuple[str, str | None] | None, int]] = []
        for child in children:
            kind = child.type
            if kind == "text" or kind == "text_special":
                parts.append(child.content)
                scan.append(child.content)
            elif kind == "softbreak" or kind == "hardbreak":
                parts.append("\n")
                scan.append("\n")
                line += 1
            elif kind in _SKIP_INLINE:
                if kind == "html_inline":
                    line += child.content.count("\n")
                continue
            elif kind == "wikilink":
                meta = child.meta
                line = base + meta["line"]
                embed = bool(meta["embed"])
                inner = meta["target"] + (meta["alias"] or "")
                if "<%" in inner and "%>" in inner:
                    self.templater = True  # ``[[<% tp.date.yesterday() %>]]``
                self.links.append(
                    Link(
                        target=meta["target"],
                        line=line,
                        subpath=meta["subpath"],
                        alias=meta["alias"],
                        embed=embed,
                    )
                )
                if not embed:
                    parts.append(child.content)
                scan.append("\0")
            elif kind == "obsidian_tag":
                meta = child.meta
                line = base + meta["line"]
                self.tags.append(Tag(name=meta["name"], line=line))
                parts.append("#" + meta["name"])
                scan.append("\0")
            elif kind == "code_inline":
                parts.append(child.content)
                scan.append("\0")
                if child.meta:
                    line += child.meta.get("nl", 0)
            elif kind == "field_open":
                meta = child.meta
                line = base + meta["line"]
                self.fields.append(Field(key=meta["key"], value=meta["value"], line=line))
                if meta["form"] != "(":
                    parts.append(meta["key"] + "::")
                scan.append("\0")
            elif kind == "link_open":
                href = child.attrs.get("href")
                target = _markdown_target(href) if isinstance(href, str) else None
                link_starts.append((len(parts), target, line))
            elif kind == "link_close":
                if link_starts:
                    start, target, link_line = link_starts.pop()
                    if target is not None:
                        alias = "".join(parts[start:]).strip() or None
                        self.links.append(
                            Link(
                                target=target[0],
                                line=link_line,
                                subpath=target[1],
                                alias=alias,
                                markdown=True,
                            )
                        )
            elif kind == "image":
                src = child.attrs.get("src")
                target = _markdown_target(src) if isinstance(src, str) else None
                if target is not None:
                    self.links.append(
                        Link(
                            target=target[0],
                            line=line,
                            subpath=target[1],
                            embed=True,
                            markdown=True,
                        )
                    )
            elif kind == "math_inline":
                parts.append(child.content)
                scan.append("\0")
                line += child.meta.get("nl", 0)
            elif kind == "obsidian_comment":
                scan.append("\0")
                line += child.meta.get("nl", 0)
            elif kind == "block_id":
                self.block_id = child.meta["id"]
            elif kind == "templater":
                self.templater = True
                parts.append(child.content)
                scan.append("\0")
                line += child.meta.get("nl", 0)

    def text(self) -> str:
        return "".join(self.parts).strip()


# What walking a lone text child would collect besides the text: nothing. Shared,
# never walked.
_PLAIN = _Inline()


def _task(status: str, scan: str, found: _Inline) -> Task:
    """The task of an item: ``scan`` is its text with links, code and fields masked."""
    dates: dict[str, date] = {}
    for match in _EMOJI_DATE_RE.finditer(scan):
        role = _EMOJI_ROLE[match.group(1)]
        value = _date(match.group(2))
        if value is not None:
            dates[role] = value
    for fld in found.fields:
        field_role = _FIELD_ROLE.get(fld.key.strip().lower())
        if field_role is not None:
            value = _date(fld.value)
            if value is not None:
                dates[field_role] = value
    return Task(
        status=status,
        due=dates.get("due"),
        scheduled=dates.get("scheduled"),
        start=dates.get("start"),
        completed=dates.get("completed"),
    )


def _checkbox(content: str) -> str | None:
    """The status character of a ``[c]`` checkbox opening an item's text."""
    if (
        len(content) >= 3
        and content[0] == "["
        and content[2] == "]"
        and content[1] not in "[]\n"
        and (len(content) == 3 or content[3] in " \t")
    ):
        return content[1]
    return None


def _strip_callout(text: str) -> str:
    """``[!note]+ Title`` -> ``Title``: the callout marker is not shown as text."""
    if not text.startswith("[!"):
        return text
    close = text.find("]")
    if close <= 2 or "\n" in text[:close]:
        return text
    return text[close + 1 :].lstrip("+-").lstrip(" \t\n")


class _Walker:
    """One pass over the block tokens of a body, building Blocks and Headings."""

    def __init__(self, lines: list[str], offset: int) -> None:
        self.lines = lines
        self.offset = offset  # file line of body line 0
        self.blocks: list[Block] = []
        self.headings: list[Heading] = []
        self.templater = False  # a Templater command was seen in the body

    def raw(self, start: int, end: int) -> str:
        if end == start + 1 and start < len(self.lines):
            return self.lines[start]
        return "\n".join(self.lines[start:end])

    def run(self, tokens: list[Token]) -> None:
        offset = self.offset
        blocks = self.blocks
        heading: str | None = None
        quote = 0
        lists = 0
        # one entry per open list item: has its own text been seen yet?
        items: list[bool] = []
        # the container each open token belongs to, innermost last
        containers: list[str] = []
        count = len(tokens)
        i = 0
        while i < count:
            token = tokens[i]
            kind = token.type
            # the first block of a blockquote may carry a callout marker
            first_in_quote = False
            if containers and containers[-1] == "quote-first" and token.nesting != -1:
                containers[-1] = "quote"
                first_in_quote = True
            if kind == "paragraph_open" or kind == "heading_open":
                inline = tokens[i + 1]
                i += 3
                if inline.type != "inline" or inline.map is None:
                    continue
                base = inline.map[0] + offset
                children = inline.children
                if children and len(children) == 1 and children[0].type == "text":
                    # plain text (about half of all blocks): nothing else to collect
                    found = _PLAIN
                    scan = children[0].content
                    text = scan.strip()
                else:
                    found = _Inline()
                    found.walk(children or [], base)
                    scan = ""
                    text = found.text()
                if kind == "heading_open":
                    level = int(token.tag[1:]) if token.tag[1:].isdigit() else 1
                    self.headings.append(Heading(level=level, text=text, line=base))
                    blocks.append(self.block("heading", inline, found, text, heading, quote, 0))
                    heading = text
                    continue
                block_kind: BlockKind = "paragraph"
                task: Task | None = None
                if first_in_quote:
                    text = _strip_callout(text)
                if items and containers and containers[-1] == "item" and not items[-1]:
                    items[-1] = True
                    block_kind = "item"
                    status = _checkbox(inline.content)
                    if status is not None:
                        task = _task(status, scan or "".join(found.scan), found)
                        if text.startswith(inline.content[:3]):
                            text = text[3:].lstrip()
                if (
                    block_kind == "paragraph"
                    and found.block_id is not None
                    and not text
                    and not found.links
                    and blocks
                    and blocks[-1].block_id is None
                ):
                    # ``^id`` alone after a list, table or quote names that block
                    blocks[-1] = replace(blocks[-1], block_id=found.block_id)
                    continue
                depth = max(lists - 1, 0)
                blocks.append(
                    self.block(block_kind, inline, found, text, heading, quote, depth, task)
                )
                continue
            if kind == "list_item_open":
                items.append(False)
                containers.append("item")
            elif kind == "list_item_close":
                if items:
                    items.pop()
                if containers:
                    containers.pop()
            elif kind == "bullet_list_open" or kind == "ordered_list_open":
                lists += 1
            elif kind == "bullet_list_close" or kind == "ordered_list_close":
                lists -= 1
            elif kind == "blockquote_open":
                quote += 1
                containers.append("quote-first")
            elif kind == "blockquote_close":
                quote -= 1
                if containers:
                    containers.pop()
            elif kind == "tr_open":
                i = self.row(tokens, i, heading, quote, max(lists - 1, 0))
                continue
            i += 1

    def block(
        self,
        kind: BlockKind,
        inline: Token,
        found: _Inline,
        text: str,
        heading: str | None,
        quote: int,
        depth: int,
        task: Task | None = None,
    ) -> Block:
        start, end = inline.map or (0, 1)
        if found is _PLAIN:
            links: tuple[Link, ...] = ()
            tags: tuple[Tag, ...] = ()
            fields: tuple[Field, ...] = ()
        else:
            links = tuple(found.links)
            tags = tuple(found.tags)
            fields = tuple(found.fields)
            if found.templater:
                self.templater = True
        offset = self.offset
        return _new_block(
            kind,
            start + offset,
            max(end - 1, start) + offset,
            text,
            self.raw(start, max(end, start + 1)),
            links,
            tags,
            fields,
            heading,
            quote > 0,
            task,
            depth,
            found.block_id,
        )

    def row(self, tokens: list[Token], i: int, heading: str | None, quote: int, depth: int) -> int:
        """One table row (``tr_open`` at ``i``) -> one "table" Block; returns the index
        after its ``tr_close``."""
        row_map = tokens[i].map
        found = _Inline()
        cells: list[str] = []
        i += 1
        count = len(tokens)
        while i < count and tokens[i].type != "tr_close":
            token = tokens[i]
            if token.type == "inline":
                before = len(found.parts)
                line = (token.map or row_map or [0])[0] + self.offset
                found.walk(token.children or [], line)
                cells.append("".join(found.parts[before:]).strip())
            i += 1
        if found.templater:
            self.templater = True
        if row_map is not None:
            start = row_map[0]
            self.blocks.append(
                _new_block(
                    "table",
                    start + self.offset,
                    start + self.offset,
                    " | ".join(cells),
                    self.raw(start, start + 1),
                    tuple(found.links),
                    tuple(found.tags),
                    tuple(found.fields),
                    heading,
                    quote > 0,
                    None,
                    depth,
                    found.block_id,
                )
            )
        return i + 1


def _parse(path: str, text: str) -> Note:
    text = normalise_text(text)
    yaml_text, body_start = split_frontmatter(text)
    front = Frontmatter() if yaml_text is None else load_frontmatter(path, yaml_text, 2)
    body = text[body_start:]
    body_line = text.count("\n", 0, body_start) + 1
    if body_start and text[body_start - 1] != "\n":
        body_line += 1  # the closing ``---`` is the last line, with no line break
    tokens = make_parser().parse(body)
    walker = _Walker(body.split("\n"), body_line)
    walker.run(tokens)
    blocks = walker.blocks
    links: list[Link] = list(front.links)
    tags: list[Tag] = list(front.tags)
    fields: list[Field] = []
    for block in blocks:
        links.extend(block.links)
        tags.extend(block.tags)
        fields.extend(block.fields)
    properties: dict[str, Any] = front.properties
    return Note(
        path=path,
        properties=properties,
        property_lines=front.property_lines,
        body_line=body_line,
        blocks=tuple(blocks),
        links=tuple(links),
        tags=tuple(tags),
        fields=tuple(fields),
        headings=tuple(walker.headings),
        problems=tuple(front.problems),
        has_placeholders=front.has_placeholders or walker.templater,
    )


def parse_note(path: str, text: str) -> Note:
    """Parse one note's text; ``path`` is its vault-relative POSIX path. Never raises:
    anything unexpected becomes a ``parse-error`` problem on an otherwise empty Note."""
    try:
        return _parse(path, text)
    except Exception as exc:  # a broken note must never take a run down
        return Note(
            path=path,
            problems=(
                Problem(
                    path=path,
                    line=None,
                    severity="error",
                    code="parse-error",
                    message=f"could not parse this note: {type(exc).__name__}: {exc}",
                ),
            ),
        )


def read_note(path: str, abspath: str | os.PathLike[str]) -> Note:
    """Read and parse one file (``abspath``: where it is read from). Never raises.

    An OSError gives a Note with only an ``unreadable-file`` error. Bytes that are not
    valid UTF-8 are decoded with U+FFFD replacements and still parsed (links and
    properties in the readable parts are worth keeping), with an ``unreadable-file``
    warning naming the line of the first bad byte.
    """
    try:
        with open(abspath, "rb") as handle:  # not Path.read_bytes: a Path per note costs
            data = handle.read()
    except OSError as exc:
        return Note(
            path=path,
            problems=(
                Problem(
                    path=path,
                    line=None,
                    severity="error",
                    code="unreadable-file",
                    message=f"cannot read this file: {exc.strerror or exc}",
                ),
            ),
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        note = parse_note(path, data.decode("utf-8", errors="replace"))
        bad_line = data.count(b"\n", 0, exc.start) + 1
        problem = Problem(
            path=path,
            line=bad_line,
            severity="warning",
            code="unreadable-file",
            message="this file is not valid UTF-8; unreadable bytes were replaced",
        )
        return replace(note, problems=(*note.problems, problem))
    return parse_note(path, text)
