"""Property tests: edits of user notes change nothing but the lines they own.

For arbitrary note text (random lines, headings, marker look-alikes, fences, CRLF/LF
mixes, a BOM, no final newline):

* ``replace_managed_block`` leaves every byte outside the block identical (or, when
  there was no block, only inserts), and applying it twice equals applying it once;
* ``append_log_line`` only inserts, the line lands in the Log section, and twice
  equals once;
* unbalanced markers raise ``ManagedBlockError`` exactly when a simple oracle says so;
* a note written through ``apply`` reads back byte for byte.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from vaultlink.edits import (
    BLOCK_END,
    BLOCK_START,
    ManagedBlockError,
    append_log_line,
    dominant_newline,
    find_managed_block,
    replace_managed_block,
)
from vaultlink.writer import FileChange, apply, read_state

LOG = "- 2026-11-24 — reached out (ticked in vaultlink: thank-you)"

_free_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="\r\n")
    | st.sampled_from(list("#`~%-* >[]\t\u2028\x0c\u00a0\ufeff")),
    max_size=24,
)
_structured = st.sampled_from(
    [
        "",
        "  ",
        "# Jane Doe",
        "## Log",
        "# log",
        "### LOG ##",
        "## Logs",
        "#Log",
        "## Notes",
        "### Sub",
        "## Vaultlink",
        "- a list item",
        "- 2026-10-01 — met for coffee",
        LOG,
        "> quote",
        "%% vaultlink:start%%",
        "`%% vaultlink:start %%`",
        "%% vaultlink:start %% trailing",
        "%%vaultlink:end%%",
        "% vaultlink:end %",
        "%% VAULTLINK:START %%",
        "text with %% vaultlink:end %% inside",
        "tags: [job]",
    ]
)
_fences = st.sampled_from(["```", "~~~", "```python", "````", "   ```", "``` a ` b", "---"])
_starts = st.sampled_from([BLOCK_START, f"  {BLOCK_START}"])
_ends = st.sampled_from([BLOCK_END, f"{BLOCK_END} \t"])
_markers = _starts | _ends


def _opens_no_fence(line: str) -> bool:
    return not line.lstrip(" ").startswith(("```", "~~~"))


def _plain_lines(fences: bool) -> st.SearchStrategy[list[str]]:
    # Free text can spell a fence too ("```"): without fences, it must not.
    text = _free_text if fences else _free_text.filter(_opens_no_fence)
    options = [text, _structured, *([_fences] if fences else [])]
    return st.lists(st.one_of(*options), max_size=25)


@st.composite
def _endings(draw: st.DrawFn, lines: list[str]) -> list[str]:
    """Give lines their endings: all LF, all CRLF or a random mix."""
    mode = draw(st.sampled_from(["lf", "crlf", "mixed"]))
    return [
        line + ({"lf": "\n", "crlf": "\r\n"}.get(mode) or draw(st.sampled_from(["\n", "\r\n"])))
        for line in lines
    ]


@st.composite
def notes(draw: st.DrawFn, *, fences: bool = True, markers: bool = True) -> str:
    """Random notes: half built around one balanced block, half with stray markers.

    Each part of a note gets its own line-ending mode, so a block whose content is
    CRLF inside an LF note (and the like) comes up.
    """
    plain = _plain_lines(fences)
    if markers and draw(st.booleans()):
        segments = [
            draw(plain),
            [draw(_starts)],
            draw(plain),
            [draw(_ends)],
            draw(plain),
        ]
    elif markers:
        segments = [
            draw(st.lists(st.one_of(_free_text, _structured, _fences, _markers), max_size=25))
        ]
    else:
        segments = [draw(plain)]
    parts = [part for segment in segments for part in draw(_endings(segment))]
    if parts and not draw(st.booleans()):
        parts[-1] = parts[-1].rstrip("\r\n")
    bom = "\ufeff" if draw(st.booleans()) else ""
    return bom + "".join(parts)


_content_line = st.one_of(
    st.sampled_from(
        [
            "",
            "### Overdue",
            "- [ ] Reach out to [[Jane Doe]] — a month since the Acme rejection "
            "📅 2026-11-27 ^vl-3f9a2c",
            "- [x] Thank [[Bob]] ^vl-000001",
            "%% not a marker %%",
        ]
    ),
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_characters="\r\n`~"),
        max_size=20,
    ).filter(lambda s: s.strip() not in (BLOCK_START, BLOCK_END)),
)


@st.composite
def contents(draw: st.DrawFn) -> str:
    lines: list[str] = draw(st.lists(_content_line, max_size=6))
    sep: str = draw(st.sampled_from(["\n", "\r\n"]))
    final: bool = draw(st.booleans())
    return sep.join(lines) + (sep if lines and final else "")


# ------------------------------------------------------------------------- oracles


def _physical(text: str) -> list[str]:
    """Line bodies as an editor shows them (BOM and line endings removed)."""
    text = text.removeprefix("\ufeff")
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _simple(text: str) -> bool:
    """True when no fences or frontmatter could hide lines, so the oracles apply."""
    lines = _physical(text)
    if lines and lines[0].rstrip() == "---":
        return False
    return not any(re.match(r" {0,3}(```|~~~)", line) for line in lines)


def _oracle_block_ok(text: str) -> bool:
    lines = [line.strip() for line in _physical(text)]
    starts = [i for i, line in enumerate(lines) if line == BLOCK_START]
    ends = [i for i, line in enumerate(lines) if line == BLOCK_END]
    return (not starts and not ends) or (
        len(starts) == 1 and len(ends) == 1 and starts[0] < ends[0]
    )


_HEADING = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")


def _oracle_log_section(lines: list[str]) -> tuple[int, int] | None:
    for i, line in enumerate(lines):
        m = _HEADING.match(line)
        text = re.sub(r"(?:^|[ \t]+)#+[ \t]*$", "", (m.group(2) or "")) if m else ""
        if m and text.strip().casefold() == "log":
            level = len(m.group(1))
            for j in range(i + 1, len(lines)):
                n = _HEADING.match(lines[j])
                if n and len(n.group(1)) <= level:
                    return i, j
            return i, len(lines)
    return None


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def _is_pure_insertion(before: str, after: str) -> bool:
    """``after`` is ``before`` with one run of characters inserted somewhere."""
    p = _common_prefix(before, after)
    rest = len(before) - p
    return len(after) >= len(before) and after[len(after) - rest :] == before[p:]


def _newline_counts(text: str) -> tuple[int, int]:
    crlf = text.count("\r\n")
    return crlf, text.count("\n") - crlf


def _inserted_newlines_follow_dominant(before: str, after: str) -> bool:
    crlf_b, lf_b = _newline_counts(before)
    crlf_a, lf_a = _newline_counts(after)
    if dominant_newline(before) == "\n":
        return crlf_a == crlf_b and lf_a >= lf_b
    return lf_a == lf_b and crlf_a >= crlf_b


def _expected_block(content: str, eol: str) -> str:
    lines = content.replace("\r\n", "\n").split("\n") if content else []
    if content.replace("\r\n", "\n").endswith("\n"):
        lines.pop()
    return "".join(line + eol for line in lines)


# ---------------------------------------------------------------------- properties

_settings = settings(max_examples=400, deadline=None)


@_settings
@given(
    text=notes(),
    content=contents(),
    heading=st.sampled_from([None, "Vaultlink", "log", "Notes"]),
)
def test_replace_managed_block_touches_only_the_block(
    text: str, content: str, heading: str | None
) -> None:
    try:
        out = replace_managed_block(text, content, heading=heading)
    except ManagedBlockError:
        event("markers unbalanced: refused")
        assert any(line.strip() in (BLOCK_START, BLOCK_END) for line in _physical(text)), (
            "raised without any marker line"
        )
        if _simple(text):
            assert not _oracle_block_ok(text)
        return
    if _simple(text):
        assert _oracle_block_ok(text)

    assert replace_managed_block(out, content, heading=heading) == out  # twice == once

    span_out = find_managed_block(out)
    assert span_out is not None
    a2, b2 = span_out
    span_in = find_managed_block(text)
    event("block replaced" if span_in is not None else "block inserted")
    if span_in is not None:
        a, b = span_in
        assert out[:a2] == text[:a]  # prefix, start marker line included, untouched
        assert out[b2:] == text[b:]  # end marker line and suffix untouched
        eol = dominant_newline(text[:a] + text[b:])
    else:
        assert _is_pure_insertion(text, out)
        assert _inserted_newlines_follow_dominant(text, out)
        assert out.startswith("\ufeff") == text.startswith("\ufeff")
        if text.replace("\ufeff", ""):
            assert out.endswith("\n") == text.endswith("\n")
        eol = dominant_newline(text)
    assert out[a2:b2] == _expected_block(content, eol)


@_settings
@given(text=notes(), heading=st.sampled_from(["Log", "log"]))
def test_append_log_line_only_inserts(text: str, heading: str) -> None:
    out = append_log_line(text, LOG, heading=heading)
    assert append_log_line(out, LOG, heading=heading) == out  # twice == once
    assert _is_pure_insertion(text, out)
    assert _inserted_newlines_follow_dominant(text, out)
    assert out.startswith("\ufeff") == text.startswith("\ufeff")
    if out != text and text.replace("\ufeff", ""):
        assert out.endswith("\n") == text.endswith("\n")
    if out != text:
        assert out.count(LOG) == text.count(LOG) + 1

    if _simple(text):
        before = _physical(text)
        after = _physical(out)
        section = _oracle_log_section(after)
        assert section is not None
        head, stop = section
        assert LOG in [line.rstrip() for line in after[head + 1 : stop]]
        if out == text:
            found = _oracle_log_section(before)
            assert found is not None
            assert LOG in [line.rstrip() for line in before[found[0] + 1 : found[1]]]


@_settings
@given(text=notes(fences=False, markers=False))
def test_append_log_line_in_simple_notes_goes_after_last_line_of_section(text: str) -> None:
    out = append_log_line(text, LOG)
    before, after = _physical(text), _physical(out)
    section = _oracle_log_section(before)
    if section is None or out == text:
        return
    head, stop = section
    last = max((i for i in range(head + 1, stop) if before[i].strip()), default=head)
    assert after[: last + 1] == before[: last + 1]
    assert after[last + 1] == LOG
    assert after[last + 2 :] == before[last + 1 :]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=notes(), new=notes())
def test_written_notes_read_back_byte_for_byte(text: str, new: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        report = apply(root, [FileChange("People/Jane.md", text, None, "create")])
        assert report.refused == ()
        data = (root / "People" / "Jane.md").read_bytes()
        assert data == text.encode("utf-8")
        old, state = read_state(root, "People/Jane.md")
        assert old == text
        report = apply(root, [FileChange("People/Jane.md", new, old, "update", state)])
        assert report.refused == ()
        assert (root / "People" / "Jane.md").read_bytes() == new.encode("utf-8")
        assert os.listdir(root / "People") == ["Jane.md"]
