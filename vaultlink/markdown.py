"""Obsidian syntax for markdown-it-py: a plugin, and the cached parser vaultlink uses.

``obsidian_plugin`` registers rules on a ``MarkdownIt`` instance the way the
mdit-py-plugins do; every Obsidian construct becomes a token, so callers walk the
token stream and never look at raw Markdown with regexes. Tokens added:

inline (children of ``inline`` tokens)
    ``wikilink``      ``[[T]]`` / ``![[T]]``; ``meta``: ``target``, ``subpath``,
                      ``alias``, ``embed``, ``line`` (0-based line offset inside the
                      inline content); ``content``: what Obsidian displays.
    ``obsidian_tag``  ``#tag``; ``meta``: ``name`` (without ``#``), ``line``.
    ``field_open`` / ``field_close``  a Dataview inline field around its parsed
                      value; ``meta``: ``key``, ``value`` (raw text), ``form``
                      (``"line"``, ``"["``, ``"("``), ``line``. A key written bold
                      or italic (``**Met at**:: PyCon``, ``[*k*:: v]``) is given
                      without the ``*`` markers, as Dataview reads it.
    ``templater``     a Templater command ``<% ... %>`` (also ``<%* ... %>``, ``<%_``,
                      ``-%>``...); ``content`` is the command as written, ``meta["nl"]``
                      the newlines it spans. An execution command left open (``<%*``
                      without ``%>``, a script cut by a blank line) runs to the end
                      of the inline content.
    ``obsidian_comment``  ``%%...%%`` (``content`` is the comment; ``meta["nl"]``
                      the newlines it spans) — nothing inside is parsed.
    ``math_inline``   ``$...$`` / ``$$...$$`` (same, ``meta["nl"]``).
    ``block_id``      ``^abc-123`` at the end of a block; ``meta``: ``id``.
    ``code_inline``   unchanged, but ``meta["nl"]`` counts the source newlines it spans.

block
    ``obsidian_comment_block``  ``%%`` ... ``%%`` spanning lines (``map`` set).
    ``math_block``              ``$$`` ... ``$$`` spanning lines (``map`` set).

HTML comments, fenced/indented code and inline code are markdown-it's own tokens
(``html_block``, ``html_inline``, ``fence``, ``code_block``, ``code_inline``), so
nothing inside them reaches these rules.

The plugin also swaps markdown-it's ``text`` rule for one that respects ``posMax``
(field values are parsed as a nested range). ``make_parser`` adds speed-only
changes that leave the token stream identical (tested against the plain plugin
parser on real vaults): inline rules looked up by the character at hand instead of
tried in turn; block rules looked up, and guarded, by the first character of the
line; tokens built without the dataclass ``__init__``; no inline parse for content
without a single special character; no emphasis post-processing without delimiters.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable
from typing import Literal

from markdown_it import MarkdownIt
from markdown_it.parser_block import ParserBlock
from markdown_it.parser_inline import ParserInline
from markdown_it.ruler import RuleOptionsType
from markdown_it.rules_block.state_block import StateBlock
from markdown_it.rules_core.state_core import StateCore
from markdown_it.rules_inline import backtick
from markdown_it.rules_inline.state_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType

__all__ = ["make_parser", "obsidian_plugin", "split_wikilink"]

InlineRule = Callable[[StateInline, bool], bool]
BlockRule = Callable[[StateBlock, int, int, bool], bool]

# Characters a tag may hold: Unicode letters and digits (``\w`` also admits ``_``),
# ``-`` and ``/``, plus combining marks and joiners so scripts such as Devanagari or
# Thai and emoji sequences are not cut in the middle of a word.
_TAG_RE = re.compile(
    r"[\w\-/\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u0610-\u061a\u064b-\u065f"
    r"\u0900-\u0dff\u0e31-\u0e4e\u0eb1-\u0ecd\u1ab0-\u1aff\u1dc0-\u1dff"
    r"\u200c\u200d\u20d0-\u20ff\ufe00-\ufe0f\ufe20-\ufe2f]+"
)
# A Dataview key: starts with a letter/digit/underscore; may hold spaces and ``-``.
_KEY_RE = re.compile(r"\w[\w \-]*")
_BLOCK_ID_RE = re.compile(r"\^([A-Za-z0-9\-]+)[ \t]*")
_MAX_KEY = 80
# A key between runs of one to three ``*`` (bold, italic or both), then ``::``.
_STARRED_KEY_RE = re.compile(r"(\*{1,3})(\w[\w \-]*)\1::")
# Longest wikilink / field value looked at: bounds the search for the closing
# marker so a line full of unmatched ``[[`` stays linear.
_MAX_SPAN = 4096
# How far back a ``#`` looks for the start of a URL it may sit in.
_MAX_URL = 512
# A field value holding more brackets than this is not a field (keeps lines of
# unmatched ``[k::`` linear).
_MAX_BRACKETS = 64
_BRACKETS_RE = re.compile(r"[\[\]()\n\\]")
_URL_MARKERS = ("://", "www.")


def split_wikilink(inner: str) -> tuple[str, str | None, str | None]:
    """Split the inside of ``[[...]]`` into (target, subpath, alias).

    The first ``|`` separates the alias; ``\\|`` (the table-escaped form) counts as
    the separator too. The first ``#`` separates the heading or ``^block`` subpath.
    """
    alias: str | None = None
    bar = inner.find("|")
    if bar != -1:
        alias = inner[bar + 1 :].strip() or None
        inner = inner[:bar]
        if inner.endswith("\\"):
            inner = inner[:-1]
    subpath: str | None = None
    hash_at = inner.find("#")
    if hash_at != -1:
        subpath = inner[hash_at + 1 :].strip() or None
        inner = inner[:hash_at]
    return inner.strip(), subpath, alias


def _display(target: str, subpath: str | None, alias: str | None) -> str:
    if alias:
        return alias
    name = target.rsplit("/", 1)[-1]
    if name.lower().endswith(".md"):
        name = name[:-3]
    if subpath:
        return f"{name} > {subpath}" if name else subpath
    return name


class _LineCounter:
    """0-based line offset of a position in one inline source, counted incrementally.

    Non-silent rule calls arrive in increasing position order, so the total work is
    linear in the length of the inline content.
    """

    __slots__ = ("count", "pos", "src")

    def __init__(self, src: str) -> None:
        self.src = src
        self.pos = 0
        self.count = 0

    def at(self, pos: int) -> int:
        if pos < self.pos:
            self.pos = 0
            self.count = 0
        self.count += self.src.count("\n", self.pos, pos)
        self.pos = pos
        return self.count


def _line_of(state: StateInline, pos: int) -> int:
    counter: _LineCounter | None = getattr(state, "_vl_lines", None)
    if counter is None or counter.src is not state.src:
        counter = _LineCounter(state.src)
        state._vl_lines = counter  # type: ignore[attr-defined]
    return counter.at(pos)


# --------------------------------------------------------------------------- inline


def _next_close(state: StateInline, start: int, marker: str = "]]") -> int:
    """Index of the first ``marker`` at or after ``start`` in the inline source, or -1.

    Remembered on the state: a line of a thousand unmatched ``[[`` costs one search.
    """
    cache: dict[str, tuple[str, int, int]] | None = getattr(state, "_vl_close", None)
    if cache is None:
        cache = {}
        state._vl_close = cache  # type: ignore[attr-defined]
    src = state.src
    cached = cache.get(marker)
    if cached is not None and cached[0] is src and cached[1] <= start:
        found = cached[2]
        if found == -1 or found >= start:
            return found
    found = src.find(marker, start)
    cache[marker] = (src, start, found)
    return found


def _wikilink(state: StateInline, silent: bool, start: int, embed: bool) -> bool:
    """``[[...]]`` starting at ``start`` (the first ``[``)."""
    src = state.src
    end = _next_close(state, start + 2)
    if end == -1 or end + 2 > state.posMax or end - start > _MAX_SPAN:
        return False
    inner = src[start + 2 : end]
    if not inner.strip() or "\n" in inner or "[[" in inner:
        return False
    if not silent:
        target, subpath, alias = split_wikilink(inner)
        token = state.push("wikilink", "", 0)
        token.markup = "![[" if embed else "[["
        token.content = _display(target, subpath, alias)
        token.meta = {
            "target": target,
            "subpath": subpath,
            "alias": alias,
            "embed": embed,
            "line": _line_of(state, state.pos),
        }
    state.pos = end + 2
    return True


def _matching_close(src: str, start: int, limit: int, opener: str, closer: str) -> int:
    """Index of the ``closer`` that balances the ``opener`` at ``start``, on one line
    and within ``_MAX_SPAN`` characters; -1 if there is none."""
    depth = 0
    skip = -1
    for seen, match in enumerate(_BRACKETS_RE.finditer(src, start, min(limit, start + _MAX_SPAN))):
        if seen == _MAX_BRACKETS:
            return -1
        at = match.start()
        if at == skip:
            continue
        ch = src[at]
        if ch == opener:
            depth += 1
        elif ch == closer:
            depth -= 1
            if depth == 0:
                return at
        elif ch == "\n":
            return -1
        elif ch == "\\":
            skip = at + 1
    return -1


def _emit_field(
    state: StateInline,
    key: str,
    value_start: int,
    value_end: int,
    resume: int,
    form: str,
    line: int,
) -> None:
    """Push ``field_open``, the value's own inline tokens, ``field_close``."""
    src = state.src
    value = src[value_start:value_end].strip()
    token = state.push("field_open", "", 1)
    token.markup = form
    token.meta = {"key": key, "value": value, "form": form, "line": line}
    old_max = state.posMax
    state.pos = value_start
    state.posMax = value_end
    state.md.inline.tokenize(state)
    state.posMax = old_max
    close = state.push("field_close", "", -1)
    close.markup = form
    state.pos = resume


def _field_key(written: str) -> str | None:
    """The key of ``written`` (stripped text before ``::``), or None if it is not one.

    Dataview drops the emphasis around a key, so ``**Met at**`` is the key ``Met at``.
    """
    if not written:
        return None
    if _KEY_RE.fullmatch(written) is not None:
        return written
    if written[0] == "*":
        match = _STARRED_KEY_RE.fullmatch(written + "::")
        if match is not None and not match.group(2).endswith(" "):
            return match.group(2)
    return None


def _bracket_field(state: StateInline, silent: bool) -> bool:
    """``[key:: value]``; the value may hold links and brackets."""
    src = state.src
    start = state.pos
    limit = state.posMax
    sep = src.find("::", start + 1, min(limit, start + 1 + _MAX_KEY))
    if sep == -1:
        return False
    key = _field_key(src[start + 1 : sep].strip())
    if key is None:
        return False
    end = _matching_close(src, start, limit, "[", "]")
    if end == -1:
        return False
    if silent:
        state.pos = end + 1
        return True
    _emit_field(state, key, sep + 2, end, end + 1, "[", _line_of(state, start))
    return True


def _colon_field(state: StateInline, silent: bool) -> bool:
    """At ``::``: a whole-line ``key:: value``, or ``(key:: value)``.

    The key was already taken in as plain text, so it is the tail of the pending text
    (as markdown-it's own linkify rule does with a URL scheme); it is taken back out
    of the pending text and the value is parsed as inline content between
    ``field_open`` and ``field_close``. Handling ``(`` here rather than at the ``(``
    keeps parentheses, common in prose, off the list of characters that stop text.
    """
    src = state.src
    pos = state.pos
    if silent or pos + 1 >= state.posMax or src[pos + 1] != ":":
        # Silent calls come from link-label look-ahead: never a field boundary.
        return False
    window = max(0, pos - _MAX_KEY - 1)
    newline = src.rfind("\n", window, pos)
    # the line start, or -1 when it is too far back for a key to reach
    line_start = newline + 1 if newline != -1 or window == 0 else -1
    opener = src.rfind("(", max(line_start, pos - _MAX_KEY), pos)
    if opener != -1:
        key = src[opener + 1 : pos].strip()
        if key and _KEY_RE.fullmatch(key) is not None:
            close = _matching_close(src, opener, state.posMax, "(", ")")
            pending = state.pending
            written = src[opener:pos]
            if close != -1 and pending.endswith(written):
                state.pending = pending[: len(pending) - len(written)]
                _emit_field(state, key, pos + 2, close, close + 1, "(", _line_of(state, pos))
                return True
    if line_start == -1:
        return False
    written = src[line_start:pos].lstrip(" \t")
    if not written or written[-1] in " \t" or _KEY_RE.fullmatch(written) is None:
        return False
    pending = state.pending
    if not pending.endswith(written):
        return False  # part of the line became other tokens: not a whole-line field
    line_end = src.find("\n", pos, state.posMax)
    if line_end == -1:
        line_end = state.posMax
    state.pending = pending[: len(pending) - len(written)]
    _emit_field(state, written.strip(), pos + 2, line_end, line_end, "line", _line_of(state, pos))
    return True


def _starred_field(state: StateInline, silent: bool) -> bool:
    """At ``*``: a field whose key is bold or italic, on its own line
    (``**Met at**:: PyCon``) or in parentheses (``(**k**:: v)``); ``[**k**:: v]`` is
    found at its ``[``. Runs before emphasis, which would otherwise take the markers.
    """
    if silent:
        return False
    src = state.src
    pos = state.pos
    limit = state.posMax
    match = _STARRED_KEY_RE.match(src, pos, min(limit, pos + _MAX_KEY + 8))
    if match is None or match.group(2).endswith(" "):
        return False
    key = match.group(2)
    before = pos
    while before > 0 and src[before - 1] in " \t":
        before -= 1
    if before == 0 or src[before - 1] == "\n":
        # the key opens its line: the value is the rest of the line
        if state.pending.strip(" \t"):
            return False
        line_end = src.find("\n", pos, limit)
        if line_end == -1:
            line_end = limit
        line = _line_of(state, pos)
        _emit_field(state, key, match.end(), line_end, line_end, "line", line)
        return True
    if before == pos and src[pos - 1] == "(" and state.pending.endswith("("):
        close = _matching_close(src, pos - 1, limit, "(", ")")
        if close == -1:
            return False
        state.pending = state.pending[:-1]
        _emit_field(state, key, match.end(), close, close + 1, "(", _line_of(state, pos))
        return True
    return False


def _templater(state: StateInline, silent: bool) -> bool:
    """``<% ... %>``: a Templater command (an unrendered template); nothing inside counts.

    An execution command (``<%*``, ``<%_*``, ``<%-*``) left open runs to the end of
    the inline content: a script cut by a blank line."""
    src = state.src
    pos = state.pos
    limit = state.posMax
    end = _next_close(state, pos + 2, "%>")
    if end != -1 and end + 2 <= limit:
        stop = end + 2
    elif src[pos + 2 : pos + 4].lstrip("_-")[:1] == "*" and pos + 2 < limit:
        stop = limit
    else:
        return False
    if not silent:
        content = src[pos:stop]
        token = state.push("templater", "", 0)
        token.markup = "<%"
        token.content = content
        token.meta = {"nl": content.count("\n")}
    state.pos = stop
    return True


def _tag(state: StateInline, silent: bool) -> bool:
    src = state.src
    pos = state.pos
    if pos > 0:
        prev = src[pos - 1]
        if prev.isalnum() or prev in "_/&#\\-.:=@`'\"":
            return False
        # not inside a URL written as plain text
        floor = max(0, pos - _MAX_URL)
        chunk_start = max(
            src.rfind(" ", floor, pos), src.rfind("\n", floor, pos), src.rfind("\t", floor, pos)
        )
        chunk = src[max(chunk_start + 1, floor) : pos]
        if chunk and any(marker in chunk for marker in _URL_MARKERS):
            return False
    match = _TAG_RE.match(src, pos + 1, state.posMax)
    if match is None:
        return False
    name = match.group().rstrip("/")
    # at least one non-digit, and not punctuation alone (``#--``)
    if not name or name.isdigit() or not any(ch.isalnum() or ch == "_" for ch in name):
        return False
    if not silent:
        token = state.push("obsidian_tag", "", 0)
        token.markup = "#"
        token.content = name
        token.meta = {"name": name, "line": _line_of(state, pos)}
    state.pos = pos + 1 + len(name)
    return True


def _comment(state: StateInline, silent: bool) -> bool:
    """``%%comment%%``; an unclosed ``%%`` hides the rest, as in Obsidian."""
    src = state.src
    pos = state.pos
    if pos + 1 >= state.posMax or src[pos + 1] != "%":
        return False
    end = src.find("%%", pos + 2, state.posMax)
    stop = state.posMax if end == -1 else end + 2
    if not silent:
        content = src[pos + 2 : end if end != -1 else stop]
        token = state.push("obsidian_comment", "", 0)
        token.markup = "%%"
        token.content = content
        token.meta = {"nl": content.count("\n")}
    state.pos = stop
    return True


def _math(state: StateInline, silent: bool) -> bool:
    """``$$...$$`` or ``$...$`` (opening ``$`` followed by a non-space, closing ``$``
    preceded by a non-space and not followed by a digit, so "$5 and $10" is text)."""
    src = state.src
    pos = state.pos
    limit = state.posMax
    if pos + 1 >= limit:
        return False
    display = src[pos + 1] == "$"
    if display:
        end = src.find("$$", pos + 2, limit)
        if end == -1 or end == pos + 2:
            return False
        stop = end + 2
        content = src[pos + 2 : end]
    else:
        if src[pos + 1] in " \t\n$":
            return False
        end = src.find("$", pos + 1, limit)
        while end != -1 and src[end - 1] == "\\":
            end = src.find("$", end + 1, limit)
        if end == -1 or src[end - 1] in " \t\n" or src[end + 1 : end + 2].isdigit():
            return False
        stop = end + 1
        content = src[pos + 1 : end]
    if not silent:
        token = state.push("math_inline", "math", 0)
        token.markup = "$$" if display else "$"
        token.content = content
        token.meta = {"nl": content.count("\n")}
    state.pos = stop
    return True


def _block_id(state: StateInline, silent: bool) -> bool:
    """``^id`` closing a block (after whitespace, or alone on its line)."""
    src = state.src
    pos = state.pos
    if pos > 0 and src[pos - 1] not in " \t\n":
        return False
    match = _BLOCK_ID_RE.match(src, pos, state.posMax)
    if match is None or match.end() != state.posMax:
        return False
    if not silent:
        token = state.push("block_id", "", 0)
        token.markup = "^"
        token.content = match.group(1)
        token.meta = {"id": match.group(1)}
    state.pos = state.posMax
    return True


def _obsidian_inline(state: StateInline, silent: bool) -> bool:
    """One rule for every Obsidian inline construct, dispatched on the first character
    (one call per special character instead of one per construct)."""
    src = state.src
    pos = state.pos
    ch = src[pos]
    if ch == "[":
        if src.startswith("[[", pos):
            return _wikilink(state, silent, pos, False)
        return _bracket_field(state, silent)
    if ch == "#":
        return _tag(state, silent)
    if ch == ":":
        return _colon_field(state, silent)
    if ch == "!":
        return src.startswith("![[", pos) and _wikilink(state, silent, pos + 1, True)
    if ch == "%":
        return _comment(state, silent)
    if ch == "$":
        return _math(state, silent)
    if ch == "^":
        return _block_id(state, silent)
    if ch == "*":
        return _starred_field(state, silent)
    if ch == "<":
        return src.startswith("<%", pos) and _templater(state, silent)
    return False


def _with_newline_count(rule: InlineRule) -> InlineRule:
    """Wrap the backticks rule so ``code_inline`` tokens record the newlines they span
    (their content has newlines folded into spaces)."""

    def backticks(state: StateInline, silent: bool) -> bool:
        start = state.pos
        count = len(state.tokens)
        if not rule(state, silent):
            return False
        if not silent and len(state.tokens) > count:
            token = state.tokens[-1]
            if token.type == "code_inline":
                newlines = state.src.count("\n", start, state.pos)
                if newlines:
                    token.meta = {"nl": newlines}
        return True

    return backticks


# --------------------------------------------------------------------------- block


def _fenced_block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """``%%`` comment blocks and ``$$`` math blocks that span lines.

    A comment block runs to the line holding the closing ``%%`` (or, unclosed, to the
    end of the container, as Obsidian hides everything after an unclosed ``%%``). A
    one-line ``%% ... %%`` is a block only when nothing follows the closing marker.
    A math block needs its closing ``$$``.
    """
    src = state.src
    pos = state.bMarks[start_line] + state.tShift[start_line]
    marker = src[pos : pos + 2]
    if marker != "%%" and marker != "$$":
        return False
    if state.is_code_block(start_line):
        return False
    first_end = state.eMarks[start_line]
    close = src.find(marker, pos + 2, first_end)
    last = start_line
    found = close != -1
    if found:
        if src[close + 2 : first_end].strip():
            return False
    else:
        line = start_line + 1
        while line < end_line:
            begin = state.bMarks[line] + state.tShift[line]
            stop = state.eMarks[line]
            if begin < stop and state.sCount[line] < state.blkIndent:
                break  # left the container (list item, blockquote)
            last = line
            if src.find(marker, begin, stop) != -1:
                found = True
                break
            line += 1
        if not found:
            if marker == "$$":
                return False
            last = line - 1
    if silent:
        return True
    kind = "obsidian_comment_block" if marker == "%%" else "math_block"
    token = state.push(kind, "", 0)
    token.block = True
    token.markup = marker
    token.map = [start_line, last + 1]
    token.content = state.getLines(start_line, last + 1, state.sCount[start_line], True)
    state.line = last + 1
    return True


# --------------------------------------------------------------------------- plugin


def _bounded_text(state: StateInline, silent: bool) -> bool:
    """markdown-it's ``text`` rule, stopping at ``posMax``.

    The stock rule searches for the next terminator character without a bound, so
    inside a nested range (a field value ending at ``)``) it could run past the end
    of the range; this version passes ``posMax`` to the search.
    """
    pos = state.pos
    limit = state.posMax
    found = state.md.inline.terminator_re.search(state.src, pos, limit)
    end = found.start() if found else limit
    if end == pos:
        return False
    if not silent:
        state.append_pending(state.src[pos:end])
    state.pos = end
    return True


def obsidian_plugin(md: MarkdownIt) -> None:
    """Teach ``md`` Obsidian's syntax: wikilinks, embeds, tags, Dataview inline fields,
    ``%%comments%%``, math and block ids (see the module docstring for the tokens)."""
    md.block.ruler.before(
        "fence",
        "obsidian_block",
        _fenced_block,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
    md.inline.ruler.after("newline", "obsidian", _obsidian_inline)
    md.inline.ruler.at("text", _bounded_text)
    md.inline.ruler.at("backticks", _with_newline_count(backtick))


# --------------------------------------------------------------------------- speed

# The characters at which each inline rule can match. ``text`` always runs first.
_INLINE_START = {
    "newline": "\n",
    "escape": "\\",
    "backticks": "`",
    "strikethrough": "~",
    "emphasis": "*_",
    "link": "[",
    "image": "!",
    "autolink": "<",
    "html_inline": "<",
    "entity": "&",
    "obsidian": "[!#:%$^*<",
}


def _dispatch_inline(md: MarkdownIt) -> None:
    """Replace the inline rule chain by ``text`` + one rule that looks up, by the
    character at ``state.pos``, only the rules that can start there (in chain order).

    markdown-it tries every rule at every character that stops plain text, so a
    colon in prose costs a dozen failed calls; with the lookup it costs one. The
    characters that stop text become exactly those some rule starts with. Leaves
    the parser untouched if an unknown rule is enabled.
    """
    ruler = md.inline.ruler
    names = ruler.get_active_rules()
    if not names or names[0] != "text" or any(n not in _INLINE_START for n in names[1:]):
        return
    table: dict[str, list[InlineRule]] = {}
    for name, fn in zip(names[1:], ruler.getRules("")[1:], strict=True):
        for ch in _INLINE_START[name]:
            table.setdefault(ch, []).append(fn)
    single = {ch: fns[0] for ch, fns in table.items() if len(fns) == 1}
    multi = {ch: tuple(fns) for ch, fns in table.items() if len(fns) > 1}

    def dispatch(state: StateInline, silent: bool) -> bool:
        ch = state.src[state.pos]
        rule = single.get(ch)
        if rule is not None:
            return rule(state, silent)
        for candidate in multi.get(ch, ()):  # noqa: SIM110 (no generator: a hot path)
            if candidate(state, silent):
                return True
        return False

    ruler.push("dispatch", dispatch)
    ruler.enableOnly(["text", "dispatch"])
    # ``]`` starts no rule but must stop text: link labels are found by skipping
    # tokens up to it (``parseLinkLabel``).
    stops = "".join(sorted({*table, "]"}))
    md.inline.terminator_re = re.compile("[" + re.escape(stops) + "]")


def _guard(rule: BlockRule, chars: str) -> BlockRule:
    def guarded(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        pos = state.bMarks[start] + state.tShift[start]
        if state.src[pos : pos + 1] not in chars:
            return False
        return rule(state, start, end, silent)

    return guarded


def _guard_table(rule: BlockRule) -> BlockRule:
    def guarded(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        # a table needs a delimiter row right below, starting with | - or : and not
        # with "- " (a list item): the first checks of the table rule itself
        if start + 2 > end:
            return False
        pos = state.bMarks[start + 1] + state.tShift[start + 1]
        head = state.src[pos : pos + 2]
        if head[:1] not in ("|", "-", ":") or head in ("- ", "-\t"):
            return False
        return rule(state, start, end, silent)

    return guarded


def _guard_hr(rule: BlockRule) -> BlockRule:
    def guarded(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        # a rule is one marker repeated (spaces between): "- item" is not one
        pos = state.bMarks[start] + state.tShift[start]
        src = state.src
        marker = src[pos : pos + 1]
        if marker not in ("*", "-", "_"):
            return False
        if src[pos + 1 : state.eMarks[start]].lstrip(" \t")[:1] != marker:
            return False
        return rule(state, start, end, silent)

    return guarded


def _guard_lheading(rule: BlockRule) -> BlockRule:
    def guarded(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        # a setext heading needs a line of - or = before the next blank line
        src = state.src
        b_marks = state.bMarks
        t_shift = state.tShift
        e_marks = state.eMarks
        line = start + 1
        while line < end:
            pos = b_marks[line] + t_shift[line]
            if pos >= e_marks[line]:
                break  # a blank line ends the paragraph
            if src[pos] in ("-", "="):
                return rule(state, start, end, silent)
            line += 1
        if not state.is_code_block(start):
            # what the rule leaves behind when it finds no underline
            state.parentType = "paragraph"
        return False

    return guarded


def _guard_code(rule: BlockRule) -> BlockRule:
    def guarded(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        if state.sCount[start] - state.blkIndent < 4:
            return False
        return rule(state, start, end, silent)

    return guarded


# Block rules that can only match when the line starts with one of these characters.
_BLOCK_START = {
    "fence": "`~",
    "blockquote": ">",
    "hr": "*-_",
    "list": "*-+0123456789",
    "reference": "[",
    "html_block": "<",
    "heading": "#",
}


def _guard_block_rules(md: MarkdownIt) -> dict[str, BlockRule]:
    """Wrap block rules with a cheap test of the line's first character.

    markdown-it tries every block rule at every line (and every rule that may
    interrupt a paragraph at every paragraph line); each stock rule logs a debug
    message and computes its preamble before failing. The wrappers keep the same
    names, chains and behaviour, and fail in a few bytecodes instead. Returns the
    unwrapped rules of those guarded by the first character.
    """
    ruler = md.block.ruler
    unwrapped: dict[str, BlockRule] = {}
    for rule in list(ruler.__rules__):
        options: RuleOptionsType = {"alt": list(rule.alt)}
        if rule.name == "hr":
            unwrapped[rule.name] = _guard_hr(rule.fn)  # its own guard is finer
            ruler.at(rule.name, _guard_hr(rule.fn), options)
        elif rule.name == "lheading":
            ruler.at(rule.name, _guard_lheading(rule.fn), options)
        elif rule.name in _BLOCK_START:
            unwrapped[rule.name] = rule.fn
            ruler.at(rule.name, _guard(rule.fn, _BLOCK_START[rule.name]), options)
        elif rule.name == "table":
            ruler.at(rule.name, _guard_table(rule.fn), options)
        elif rule.name == "code":
            ruler.at(rule.name, _guard_code(rule.fn), options)
    return unwrapped


# The fields of markdown-it's Token, in order: ``_FastStateBlock`` sets them all.
_TOKEN_FIELDS = (
    "type",
    "tag",
    "nesting",
    "attrs",
    "map",
    "level",
    "children",
    "content",
    "markup",
    "info",
    "meta",
    "block",
    "hidden",
)
_new_token = Token.__new__


class _FastStateBlock(StateBlock):
    """markdown-it's block state, building tokens without the dataclass ``__init__``
    (about half the cost of a block token); the token is the same."""

    def push(self, ttype: str, tag: str, nesting: Literal[-1, 0, 1]) -> Token:
        token = _new_token(Token)
        token.type = ttype
        token.tag = tag
        token.nesting = nesting
        token.attrs = {}
        token.map = None
        if nesting < 0:
            self.level -= 1  # closing tag
        token.level = self.level
        if nesting > 0:
            self.level += 1  # opening tag
        token.children = None
        token.content = ""
        token.markup = ""
        token.info = ""
        token.meta = {}
        token.block = True
        token.hidden = False
        self.tokens.append(token)
        return token


class _FastBlockParser(ParserBlock):
    """markdown-it's block parser, trying at each line only the rules that can start
    with its first character (in chain order), on a ``_FastStateBlock``.

    ``by_char`` maps a first character to its rules; ``other`` serves every other
    character. Both are built for one rule chain (``built_for``) and the parser
    falls back to the stock loop if the chain changes.
    """

    def __init__(
        self,
        original: ParserBlock,
        by_char: dict[str, tuple[BlockRule, ...]],
        other: tuple[BlockRule, ...],
    ) -> None:
        super().__init__()
        vars(self).update(vars(original))  # its configured ruler
        self.built_for = self.ruler.getRules("")
        self.by_char = by_char
        self.other = other

    def parse(
        self, src: str, md: MarkdownIt, env: EnvType, outTokens: list[Token]
    ) -> list[Token] | None:
        if not src:
            return None
        state = _FastStateBlock(src, md, env, outTokens)
        self.tokenize(state, state.line, state.lineMax)
        return state.tokens

    def tokenize(self, state: StateBlock, startLine: int, endLine: int) -> None:
        # the loop of ParserBlock.tokenize, with the rules looked up by character
        if self.ruler.getRules("") is not self.built_for:
            super().tokenize(state, startLine, endLine)
            return
        by_char = self.by_char
        other = self.other
        src = state.src
        b_marks = state.bMarks
        t_shift = state.tShift
        s_count = state.sCount
        line = startLine
        max_nesting = state.md.options.maxNesting
        has_empty_lines = False

        while line < endLine:
            state.line = line = state.skipEmptyLines(line)
            if line >= endLine:
                break
            if s_count[line] < state.blkIndent:
                break  # nested calls (blockquotes, lists) end here
            if state.level >= max_nesting:
                state.line = endLine
                break
            pos = b_marks[line] + t_shift[line]
            ok = False
            for rule in by_char.get(src[pos : pos + 1], other):
                ok = rule(state, line, endLine, False)
                if ok:
                    if state.line <= line:
                        raise RuntimeError("block rule didn't increment state.line")
                    break
            if not ok:
                raise RuntimeError("none of the block rules matched")
            state.tight = not has_empty_lines
            line = state.line
            if (line - 1) < endLine and state.isEmpty(line - 1):
                has_empty_lines = True
            if line < endLine and state.isEmpty(line):
                has_empty_lines = True
                line += 1
                state.line = line


class _FastStateInline(StateInline):
    """markdown-it's inline state, building tokens without the dataclass ``__init__``
    (``push`` and ``pushPending`` as in markdown-it, token for token)."""

    def pushPending(self) -> Token:
        token = _new_token(Token)
        token.type = "text"
        token.tag = ""
        token.nesting = 0
        token.attrs = {}
        token.map = None
        token.level = self.pendingLevel
        token.children = None
        token.content = self.pending
        token.markup = ""
        token.info = ""
        token.meta = {}
        token.block = False
        token.hidden = False
        self.tokens.append(token)
        self.pending = ""
        return token

    def push(self, ttype: str, tag: str, nesting: Literal[-1, 0, 1]) -> Token:
        if self.pending:
            self.pushPending()
        token = _new_token(Token)
        token.type = ttype
        token.tag = tag
        token.nesting = nesting
        token.attrs = {}
        token.map = None
        token_meta = None
        if nesting < 0:
            self.level -= 1  # closing tag
            self.delimiters = self._prev_delimiters.pop()
        token.level = self.level
        if nesting > 0:
            self.level += 1  # opening tag
            self._prev_delimiters.append(self.delimiters)
            self.delimiters = []
            token_meta = {"delimiters": self.delimiters}
        token.children = None
        token.content = ""
        token.markup = ""
        token.info = ""
        token.meta = {}
        token.block = False
        token.hidden = False
        self.pendingLevel = self.level
        self.tokens.append(token)
        self.tokens_meta.append(token_meta)
        return token


# The post-process chain ``_FastInlineParser`` knows: the first three only pair
# emphasis and strikethrough delimiters, so they have nothing to do without any.
_POST_RULES = ["balance_pairs", "strikethrough", "emphasis", "fragments_join"]


class _FastInlineParser(ParserInline):
    """markdown-it's inline parser on a ``_FastStateInline``; when the content holds
    no emphasis or strikethrough delimiter, only ``fragments_join`` of the
    post-process chain runs (the others would find nothing to pair). ``known_post``
    is the post-process chain that holds for (None if it is another)."""

    def __init__(self, original: ParserInline) -> None:
        super().__init__()
        vars(self).update(vars(original))  # its configured rulers and terminators
        post = self.ruler2
        self.known_post = post.getRules("") if post.get_active_rules() == _POST_RULES else None

    def parse(self, src: str, md: MarkdownIt, env: EnvType, tokens: list[Token]) -> list[Token]:
        state = _FastStateInline(src, md, env, tokens)
        self.tokenize(state)
        rules2 = self.ruler2.getRules("")
        if (
            rules2 is self.known_post
            and not state.delimiters
            and not any(meta and meta["delimiters"] for meta in state.tokens_meta)
        ):
            rules2 = rules2[-1:]
        for rule in rules2:
            rule(state)
        return state.tokens


def _token_fields_known() -> bool:
    """Whether markdown-it's Token has exactly the fields the fast states set."""
    return tuple(f.name for f in dataclasses.fields(Token)) == _TOKEN_FIELDS


def _dispatch_block(md: MarkdownIt, unwrapped: dict[str, BlockRule]) -> None:
    """Swap in ``_FastBlockParser``: the block rules of the main chain looked up by
    the line's first character (the guarded rules unwrapped: the lookup is their
    guard), and block tokens built directly. Rule chains used to end a paragraph,
    list or quote keep their guarded rules. Leaves the parser untouched if Token has
    fields ``_FastStateBlock`` does not know.
    """
    if not _token_fields_known():
        return
    ruler = md.block.ruler
    names = ruler.get_active_rules()
    fns = ruler.getRules("")
    starts = {**_BLOCK_START, "obsidian_block": "%$"}
    chain: list[tuple[str | None, BlockRule]] = []
    for name, fn in zip(names, fns, strict=True):
        if name in starts and fn is not _fenced_block and name not in unwrapped:
            return  # a guarded rule was replaced since: keep the stock loop
        chain.append((starts.get(name), unwrapped.get(name, fn)))

    def rules_for(ch: str | None) -> tuple[BlockRule, ...]:
        return tuple(fn for chars, fn in chain if chars is None or (ch is not None and ch in chars))

    by_char = {ch: rules_for(ch) for chars, _ in chain if chars for ch in chars}
    by_char[""] = tuple(fn for _, fn in chain)  # end of input: as the guards do
    md.block = _FastBlockParser(md.block, by_char, rules_for(None))


def _plain_text_shortcut(md: MarkdownIt) -> None:
    """Replace the core ``inline`` rule by one that skips the inline parser for content
    without a single character that stops text (about half of all inline tokens:
    headings, table cells, plain sentences).

    For such content the inline parser runs the ``text`` rule once, which takes the
    whole content as pending text, flushed as one ``text`` token; the post-process
    rules find no delimiters. The shortcut pushes that same token directly. It relies
    on the ``text`` rule being ``_bounded_text`` (which stops exactly at
    ``terminator_re``), so it leaves the parser untouched otherwise.
    """
    rules = md.inline.ruler.getRules("")
    core = md.core.ruler
    if not rules or rules[0] is not _bounded_text or "inline" not in core.get_active_rules():
        return

    def inline(state: StateCore) -> None:
        search = state.md.inline.terminator_re.search
        for token in state.tokens:
            if token.type == "inline":
                if token.children is None:
                    token.children = []
                content = token.content
                if content and search(content) is None:
                    text = Token("text", "", 0)
                    text.content = content
                    token.children.append(text)
                else:
                    state.md.inline.parse(content, state.md, state.env, token.children)

    core.at("inline", inline)


@functools.cache
def make_parser() -> MarkdownIt:
    """The shared parser: commonmark + GFM tables and strikethrough + Obsidian syntax.

    Work vaultlink does not need is off: linkify and the typographer; the core
    ``normalize`` pass (the text is normalised before parsing) and ``text_join``
    (``text_special`` tokens are read as text). The rest is speed only, with the same
    tokens: rules dispatched by character (inline) and by the line's first character
    (block), cheap guards in the chains that end paragraphs, lists and quotes, tokens
    built directly, and plain-text inline content turned into its one ``text`` token
    without the inline parser. Cached: build once per process.
    """
    md = MarkdownIt("commonmark", {"linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.disable(["normalize", "text_join"])
    obsidian_plugin(md)
    unwrapped = _guard_block_rules(md)
    _dispatch_block(md, unwrapped)
    if _token_fields_known():
        md.inline = _FastInlineParser(md.inline)
    _dispatch_inline(md)
    _plain_text_shortcut(md)
    return md
