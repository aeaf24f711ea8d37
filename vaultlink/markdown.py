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
                      (``"line"``, ``"["``, ``"("``), ``line``.
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
tried in turn, and block rules guarded by the first character of the line.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.ruler import RuleOptionsType
from markdown_it.rules_block.state_block import StateBlock
from markdown_it.rules_inline import backtick
from markdown_it.rules_inline.state_inline import StateInline

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


def _next_close(state: StateInline, start: int) -> int:
    """Index of the first ``]]`` at or after ``start`` in the inline source, or -1.

    Remembered on the state: a line of a thousand unmatched ``[[`` costs one search.
    """
    cached: tuple[str, int, int] | None = getattr(state, "_vl_close", None)
    src = state.src
    if cached is not None and cached[0] is src and cached[1] <= start:
        found = cached[2]
        if found == -1 or found >= start:
            return found
    found = src.find("]]", start)
    state._vl_close = (src, start, found)  # type: ignore[attr-defined]
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


def _bracket_field(state: StateInline, silent: bool) -> bool:
    """``[key:: value]``; the value may hold links and brackets."""
    src = state.src
    start = state.pos
    limit = state.posMax
    sep = src.find("::", start + 1, min(limit, start + 1 + _MAX_KEY))
    if sep == -1:
        return False
    key = src[start + 1 : sep].strip()
    if not key or _KEY_RE.fullmatch(key) is None:
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
    "obsidian": "[!#:%$^",
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
        return any(candidate(state, silent) for candidate in multi.get(ch, ()))

    ruler.push("dispatch", dispatch)
    ruler.enableOnly(["text", "dispatch"])
    # ``]`` starts no rule but must stop text: link labels are found by skipping
    # tokens up to it (``parseLinkLabel``).
    stops = "".join(sorted({*table, "]"}))
    md.inline.terminator_re = re.compile("[" + re.escape(stops) + "]")


def _line_start_char(state: StateBlock, line: int) -> str:
    pos = state.bMarks[line] + state.tShift[line]
    return state.src[pos : pos + 1]


def _guard(rule: BlockRule, chars: str) -> BlockRule:
    def guarded(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        pos = state.bMarks[start] + state.tShift[start]
        if state.src[pos : pos + 1] not in chars:
            return False
        return rule(state, start, end, silent)

    return guarded


def _guard_table(rule: BlockRule) -> BlockRule:
    def guarded(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        # a table needs a delimiter row (starting with | - or :) right below
        if start + 2 > end:
            return False
        if _line_start_char(state, start + 1) not in ("|", "-", ":"):
            return False
        return rule(state, start, end, silent)

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


def _guard_block_rules(md: MarkdownIt) -> None:
    """Wrap block rules with a cheap test of the line's first character.

    markdown-it tries every block rule at every line (and every rule that may
    interrupt a paragraph at every paragraph line); each stock rule logs a debug
    message and computes its preamble before failing. The wrappers keep the same
    names, chains and behaviour, and fail in a few bytecodes instead.
    """
    ruler = md.block.ruler
    for rule in list(ruler.__rules__):
        options: RuleOptionsType = {"alt": list(rule.alt)}
        if rule.name in _BLOCK_START:
            ruler.at(rule.name, _guard(rule.fn, _BLOCK_START[rule.name]), options)
        elif rule.name == "table":
            ruler.at(rule.name, _guard_table(rule.fn), options)
        elif rule.name == "code":
            ruler.at(rule.name, _guard_code(rule.fn), options)


@functools.cache
def make_parser() -> MarkdownIt:
    """The shared parser: commonmark + GFM tables and strikethrough + Obsidian syntax.

    Work vaultlink does not need is off: linkify and the typographer; the core
    ``normalize`` pass (the text is normalised before parsing) and ``text_join``
    (``text_special`` tokens are read as text). Inline rules are dispatched by
    character and block rules guarded by the line's first character (same tokens,
    fewer failed rule calls). Cached: build once per process.
    """
    md = MarkdownIt("commonmark", {"linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.disable(["normalize", "text_join"])
    obsidian_plugin(md)
    _guard_block_rules(md)
    _dispatch_inline(md)
    return md
