"""Property tests: whatever a user's notes hold, sync only inserts its own lines into them,
and a second sync changes nothing (no write, same mtime)."""

from __future__ import annotations

import difflib
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from tests.fixtures.sync.support import (
    DAILY,
    DUE,
    make_vault,
    mtimes,
    read,
    run_sync,
    snapshot,
)
from vaultlink.edits import BLOCK_END, BLOCK_START

PERSON = "People/Pat Quinn.md"
PERSON_HEAD = "---\ntype: person\ncadence: weekly\nlast_contact: 2026-11-01\n---\n"

# Lines that matter to an editor of Markdown: headings (a Log one too), fences, tasks,
# comments, quotes, dates, block ids; plus free text with awkward characters.
FRAGMENTS = st.sampled_from([
    "## Log", "# Log", "### log", "## Notes", "```", "~~~", "```python", "- [ ] todo",
    "- [x] done ✅ 2026-11-02", "- 2026-10-01 — coffee", "> quote", "%% comment %%",
    "%%", "---", "", " ", "\t", "text ^blockid", "[[Acme Corp]]", "$$", "<!-- x -->",
    "- item", "  - nested", "| a | b |", "#tag", "Log", "## Log ##",
])
FREE = st.text(
    alphabet=st.sampled_from(list("abcLog #-[]`~%^|>*_\\é📅✅\u00a0\t\r")), max_size=30
)
LINE = st.one_of(FRAGMENTS, FREE)
ENDING = st.sampled_from(["\n", "\r\n"])


@st.composite
def note_bodies(draw: st.DrawFn) -> str:
    lines = draw(st.lists(LINE, max_size=12))
    endings = [draw(ENDING) for _ in lines]
    body = "".join(line + end for line, end in zip(lines, endings, strict=True))
    if draw(st.booleans()) and body:
        body = body.rstrip("\r\n")  # no final newline
    if draw(st.booleans()):
        body = "\ufeff" + body if not body.startswith("---") else body
    return body


@pytest.fixture(autouse=True)
def no_fsync(monkeypatch: pytest.MonkeyPatch) -> None:
    """Durability is not what these tests check (tests/test_crash.py does); skipping the
    disk flush keeps a hundred syncs fast."""
    monkeypatch.setattr(os, "fsync", lambda fd: None)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for every example's vault (removing folders one by one is slow)."""
    return tmp_path_factory.mktemp("sync-properties")


def inserted_only(old: bytes, new: bytes) -> str:
    """The text inserted into ``old`` to get ``new``; fails if any byte was removed or
    replaced."""
    # Compare whole lines: a character-level diff may align a stray space of the
    # original with the inserted "- " and report a mangled insertion.
    a = old.decode("utf-8").splitlines(keepends=True)
    b = new.decode("utf-8").splitlines(keepends=True)
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "replace" and i2 == len(a) and i2 - i1 == 1 and b[j1].startswith(a[i1]):
            # the old last line lacked a line ending and gained one, then lines followed
            out.append(b[j1][len(a[i1]):])
            out.extend(b[j1 + 1:j2])
            continue
        assert op in ("equal", "insert"), (op, a[i1:i2], b[j1:j2])
        if op == "insert":
            out.extend(b[j1:j2])
    return "".join(out)


def assert_second_sync_is_a_no_op(root: Path) -> None:
    before, stamps = snapshot(root), mtimes(root)
    report = run_sync(root)
    assert report.written == ()
    assert snapshot(root) == before
    assert mtimes(root) == stamps


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(body=note_bodies())
def test_a_person_note_only_gets_its_log_line(scratch: Path, body: str) -> None:
    tmp = tempfile.mkdtemp(dir=scratch)
    original = (PERSON_HEAD + body).encode("utf-8")
    root = make_vault(Path(tmp) / "v", {PERSON: original})
    run_sync(root)
    assert (root / PERSON).read_bytes() == original  # sync alone never edits it
    due = read(root, DUE)
    lines = due.split("\n")
    mine = [i for i, line in enumerate(lines) if "[[Pat Quinn]]" in line and "- [ ]" in line]
    for i in mine:
        lines[i] = lines[i].replace("- [ ]", "- [x]", 1)
    (root / DUE).write_text("\n".join(lines), encoding="utf-8")
    report = run_sync(root)
    assert report.ok, report.refused
    inserted = inserted_only(original, (root / PERSON).read_bytes())
    event("ticked and logged" if mine else "not due")
    if mine:
        assert [t.path for t in report.logged] == [PERSON] * len(mine)
        assert "— reached out: " in inserted
        assert "(vaultlink) ^vl-" in inserted
        # only the log lines, a "## Log" heading if there was none, blank lines, and
        # the closing of a code fence left open at the end of the note were added
        logged = {t.line for t in report.logged}
        for piece in inserted.replace("\r\n", "\n").split("\n"):
            fence = bool(piece) and set(piece.strip()) <= set("`~")
            assert piece in logged or piece in ("", "## Log") or fence, piece
    else:
        assert inserted == ""
    assert_second_sync_is_a_no_op(root)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(body=note_bodies())
def test_an_existing_daily_note_only_gets_the_block(scratch: Path, body: str) -> None:
    assume(BLOCK_START not in body and BLOCK_END not in body)
    tmp = tempfile.mkdtemp(dir=scratch)
    original = body.encode("utf-8")
    root = make_vault(Path(tmp) / "v", {DAILY: original})
    report = run_sync(root)
    assert report.ok, report.refused
    new = (root / DAILY).read_bytes()
    inserted = inserted_only(original, new)
    assert inserted.count(BLOCK_START) == 1
    assert inserted.count(BLOCK_END) == 1
    text = new.decode("utf-8")
    assert text.index(BLOCK_START) < text.index(BLOCK_END)
    assert_second_sync_is_a_no_op(root)
