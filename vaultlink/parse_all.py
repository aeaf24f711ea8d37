"""Parse many notes fast: the worker pool and the notes level of the cache live here.

Each note's parsed record is kept in the cache (pickled on its own), keyed on what
``scan`` saw (path, size, mtime_ns): a note whose size and mtime are unchanged is not
read again, changed and new ones are parsed — in worker processes when there are many
(:data:`PARALLEL_THRESHOLD`). :class:`LazyNotes` hands cached notes out one at a time,
unpickled when first asked for. ``state.py`` builds the model on top of this.

Files changed too recently to trust their timestamps ("racy": modified within the
file system's timestamp granularity of being read) are parsed but not cached, so an
edit made in the same clock tick as a read is never missed. The cache is an
optimisation only: any failure to read or write it falls back to parsing, and results
are identical with or without it (tested).
"""

from __future__ import annotations

import gc
import os
import sys
import time
from collections.abc import (
    Callable,
    ItemsView,
    Iterator,
    KeysView,
    Mapping,
    Sequence,
    ValuesView,
)
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vaultlink.cache import CacheFile, dumps, loads, write_cache
from vaultlink.notes import Note, read_note
from vaultlink.scan import FileEntry

if TYPE_CHECKING:
    from vaultlink.model import Model
    from vaultlink.resolve import Resolver

__all__ = ["PARALLEL_THRESHOLD", "LazyNotes", "parse_entries"]

ProgressCallback = Callable[[int, int], None]
Builder = Callable[[Sequence[Note]], "tuple[Resolver, Model]"]

# Below this many notes to parse, starting worker processes costs more than it saves.
# Forked workers start in milliseconds (measured break-even on 2 cores: ~150-300 notes);
# spawned ones (macOS, Windows) import the parser first, a few hundred ms each.
PARALLEL_THRESHOLD = 400
SPAWN_THRESHOLD = 2000
# Sub-second timestamps: the kernel's file clock ticks every few ms. Whole seconds:
# a coarse file system (FAT keeps 2 s) — distrust anything that recent.
_RACY_FINE_NS = 50_000_000
_RACY_COARSE_NS = 2_000_000_000


# ------------------------------------------------------------------------------ helpers


@contextmanager
def _no_gc() -> Iterator[None]:
    """Building hundreds of thousands of small records triggers the cyclic GC over and
    over for nothing (records hold no cycles); pause it for bulk work."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            # Everything allocated meanwhile is still in the youngest generation, so the
            # next young collections would walk all of it (~0.3 s at 10k notes). Move
            # it to the oldest generation instead: still collectable, just not rescanned
            # by every young collection (freeze + unfreeze = promote without a scan).
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def _is_racy(mtime_ns: int, read_ns: int) -> bool:
    window = _RACY_COARSE_NS if mtime_ns % 1_000_000_000 == 0 else _RACY_FINE_NS
    return mtime_ns >= read_ns - window


def default_workers() -> int:
    """The CPUs this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


# ------------------------------------------------------------------------------ parsing


def _parse_one(entry: FileEntry, keep: bool) -> tuple[Note, bytes | None]:
    note = read_note(entry.path, entry.abspath)
    if not keep:
        return note, None
    try:
        blob: bytes | None = dumps(note)
    except Exception:  # a value the cache does not store: parse it again next time
        blob = None
    return note, blob


def _parse_chunk(items: Sequence[tuple[str, str]]) -> list[tuple[bytes | None, Note | None]]:
    """Worker side: parse files, send back each note pickled by the cache's fast
    pickler (the blob is reused as the cache record, so the parent never re-pickles)."""
    out: list[tuple[bytes | None, Note | None]] = []
    for path, abspath in items:
        note = read_note(path, Path(abspath))
        try:
            out.append((dumps(note), None))
        except Exception:
            out.append((None, note))
    return out


def _pool_context() -> Any:
    """How to start workers, or None to parse in this process.

    Linux: fork — workers start in milliseconds with the parser already imported, and
    never re-run the caller's script. Elsewhere fork is unsafe and spawn re-imports the
    caller's main module in every worker, which runs an unguarded script's code twice;
    spawn is used only when that is harmless: ``python -m ...``, an interactive session
    or notebook, or vaultlink's own console script.
    """
    import multiprocessing

    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    main = sys.modules.get("__main__")
    spec_name = getattr(getattr(main, "__spec__", None), "name", None) or ""
    script = getattr(main, "__file__", None)
    if (
        spec_name.endswith("__main__")
        or script is None
        or Path(script).stem.lower() in ("vaultlink", "vaultlink-script")
    ):
        return multiprocessing.get_context("spawn")
    return None


def parallel_context(
    workers: int | None, items: int, threshold: int | None = None, fork_only: bool = False
) -> tuple[Any, int]:
    """(multiprocessing context, worker count) for ``items`` notes of work, or
    (None, 1) to work in this process: one CPU, too few items to pay for workers
    (``threshold``, default :data:`PARALLEL_THRESHOLD`; spawn needs
    :data:`SPAWN_THRESHOLD`), or no safe way to start them."""
    count = min(workers if workers is not None else default_workers(), 61)
    if count <= 1 or items < (PARALLEL_THRESHOLD if threshold is None else threshold):
        return None, 1
    context = _pool_context()
    if context is None:
        return None, 1
    if context.get_start_method() != "fork" and (fork_only or items < SPAWN_THRESHOLD):
        return None, 1
    return context, count


def _parse_parallel(
    entries: Sequence[FileEntry],
    workers: int,
    context: Any,
    progress: Callable[[int], None],
) -> list[tuple[Note, bytes | None]]:
    from concurrent.futures import ProcessPoolExecutor, as_completed

    total = len(entries)
    size = max(25, min(400, total // (workers * 8) or 1))
    chunks = [
        [(e.path, str(e.abspath)) for e in entries[start : start + size]]
        for start in range(0, total, size)
    ]
    results: list[list[tuple[Note, bytes | None]] | None] = [None] * len(chunks)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool, _no_gc():
        futures = {pool.submit(_parse_chunk, chunk): index for index, chunk in enumerate(chunks)}
        for future in as_completed(futures):
            index = futures[future]
            # unpickle while the workers go on with the other chunks
            results[index] = _received(chunks[index], future.result())
            progress(len(chunks[index]))
    return [item for result in results if result is not None for item in result]


def _received(
    chunk: Sequence[tuple[str, str]], result: Sequence[tuple[bytes | None, Note | None]]
) -> list[tuple[Note, bytes | None]]:
    out: list[tuple[Note, bytes | None]] = []
    for (path, abspath), (blob, note) in zip(chunk, result, strict=True):
        if note is None and blob is not None:
            try:
                note = loads(blob)
            except Exception:
                note = None
        if not isinstance(note, Note) or note.path != path:
            note, blob = read_note(path, Path(abspath)), None
        out.append((note, blob))
    return out


def _parse_many(
    entries: Sequence[FileEntry],
    workers: int | None,
    progress: Callable[[int], None],
    keep: bool = True,
) -> list[tuple[Note, bytes | None]]:
    """Parse ``entries`` (in order), in worker processes when there are many; with
    ``keep`` each note also comes with its cache record."""
    context, count = parallel_context(workers, len(entries))
    if context is not None:
        try:
            return _parse_parallel(entries, count, context, progress)
        except Exception:  # no processes here (a sandbox, a frozen app): parse alone
            pass
    out: list[tuple[Note, bytes | None]] = []
    for index, entry in enumerate(entries, 1):
        out.append(_parse_one(entry, keep))
        if index % 100 == 0:
            progress(100)
    progress(len(entries) % 100)
    return out


# ------------------------------------------------------------------------------ for state.py

# (note or None, its cache record or None, what ``describe`` said of it or None)
Parsed = tuple["Note | None", "bytes | None", Any]


def _describe_chunk(
    items: Sequence[tuple[str, str]], describe: Callable[[Note], Any]
) -> list[tuple[bytes | None, Note | None, Any]]:
    """Worker side: parse, describe and pickle each note. The parent keeps the pickled
    record as it is (the cache stores it; the note is unpickled only if needed)."""
    out: list[tuple[bytes | None, Note | None, Any]] = []
    for path, abspath in items:
        note = read_note(path, Path(abspath))
        try:
            extra = describe(note)
        except Exception:
            extra = None
        try:
            out.append((dumps(note), None, extra))
        except Exception:
            out.append((None, note, extra))
    return out


def parse_described(
    entries: Sequence[FileEntry],
    describe: Callable[[Note], Any],
    workers: int | None,
    progress: Callable[[int], None],
) -> list[Parsed]:
    """Parse ``entries`` (in order) and describe each note; in worker processes when
    there are many, where notes come back pickled only (None in place of the note).
    ``describe`` must be picklable when spawn is used (a module-level function or a
    partial of one)."""
    context, count = parallel_context(workers, len(entries))
    if context is not None:
        try:
            return _describe_parallel(entries, describe, count, context, progress)
        except Exception:  # no processes here (a sandbox, a frozen app): parse alone
            pass
    out: list[Parsed] = []
    for index, entry in enumerate(entries, 1):
        note, blob = _parse_one(entry, True)
        try:
            extra = describe(note)
        except Exception:
            extra = None
        out.append((note, blob, extra))
        if index % 100 == 0:
            progress(100)
    progress(len(entries) % 100)
    return out


def _describe_parallel(
    entries: Sequence[FileEntry],
    describe: Callable[[Note], Any],
    workers: int,
    context: Any,
    progress: Callable[[int], None],
) -> list[Parsed]:
    from concurrent.futures import ProcessPoolExecutor, as_completed

    total = len(entries)
    size = max(25, min(400, total // (workers * 8) or 1))
    chunks = [
        [(e.path, str(e.abspath)) for e in entries[start : start + size]]
        for start in range(0, total, size)
    ]
    results: list[list[Parsed] | None] = [None] * len(chunks)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = {
            pool.submit(_describe_chunk, chunk, describe): index
            for index, chunk in enumerate(chunks)
        }
        for future in as_completed(futures):
            index = futures[future]
            results[index] = [(note, blob, extra) for blob, note, extra in future.result()]
            progress(len(chunks[index]))
    return [item for result in results if result is not None for item in result]


# ------------------------------------------------------------------------------ lazy notes


class LazyNotes(Mapping[str, Note]):
    """Notes by path, unpickled from the cache one at a time when first asked for.

    ``entries`` (the scan, in order) are the keys; ``load_blobs`` reads the cached
    records on first use. A note whose record is missing or unreadable is parsed from
    its file instead.
    """

    __slots__ = ("_blobs", "_entries", "_load_blobs", "_notes")

    def __init__(
        self,
        entries: Mapping[str, FileEntry],
        load_blobs: Callable[[], Mapping[str, bytes]],
        parsed: Mapping[str, Note] | None = None,
    ) -> None:
        self._entries = entries
        self._load_blobs = load_blobs
        self._blobs: Mapping[str, bytes] | None = None
        self._notes: dict[str, Note] = dict(parsed or {})

    def __getitem__(self, path: str) -> Note:
        note = self._notes.get(path)
        if note is not None:
            return note
        entry = self._entries[path]
        if self._blobs is None:
            self._blobs = self._load_blobs()
        blob = self._blobs.get(path)
        found: Any = None
        if blob is not None:
            try:
                found = loads(blob)
            except Exception:
                found = None
        note = (
            found
            if isinstance(found, Note) and found.path == path
            else read_note(entry.path, entry.abspath)
        )
        self._notes[path] = note
        return note

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, path: object) -> bool:
        return path in self._entries

    def load_all(self) -> dict[str, Note]:
        """Every note, in scan order (unpickled in one go, with the GC paused)."""
        if len(self._notes) != len(self._entries):
            with _no_gc():
                self._notes = {path: self[path] for path in self._entries}
        return self._notes

    # Bulk access (``dict(notes)``, ``.values()``) unpickles everything at once.
    def keys(self) -> KeysView[str]:
        return self.load_all().keys()

    def values(self) -> ValuesView[Note]:
        return self.load_all().values()

    def items(self) -> ItemsView[str, Note]:
        return self.load_all().items()


def _parse_with_index(
    entries: Sequence[FileEntry],
    index: Mapping[str, tuple[int, int, bytes]],
    workers: int | None,
    progress: ProgressCallback | None,
    started: int,
    keep: bool,
) -> list[tuple[Note, bytes | None]]:
    """Notes for ``entries`` in order: from ``index`` when size and mtime match, else
    parsed. The blob is None for a note that must not be cached (racy or unpicklable)
    and for every note when not ``keep``ing them."""
    total = len(entries)
    done = 0

    def step(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None and count:
            progress(done, total)

    out: list[tuple[Note, bytes | None] | None] = [None] * total
    todo: list[int] = []
    with _no_gc():
        for position, entry in enumerate(entries):
            cached = index.get(entry.path)
            if cached is not None and cached[0] == entry.size and cached[1] == entry.mtime_ns:
                try:
                    note = loads(cached[2])
                except Exception:
                    note = None
                if isinstance(note, Note) and note.path == entry.path:
                    out[position] = (note, cached[2])
                    continue
            todo.append(position)
    step(total - len(todo))
    fresh = _parse_many([entries[i] for i in todo], workers, step, keep)
    for position, (note, blob) in zip(todo, fresh, strict=True):
        if blob is not None and _is_racy(entries[position].mtime_ns, started):
            blob = None
        out[position] = (note, blob)
    return [item for item in out if item is not None]



# ------------------------------------------------------------------------------ the old API


def parse_entries(
    root: Path,
    entries: Sequence[FileEntry],
    *,
    use_cache: bool = True,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
) -> list[Note]:
    """Parse every entry into a Note, in the order given (the notes level of the cache
    only; ``load_state`` adds the state level)."""
    started = time.time_ns()
    cache = CacheFile.open(root) if use_cache else None
    index = cache.section("notes") if cache is not None else None
    parsed = _parse_with_index(
        entries, index if isinstance(index, dict) else {}, workers, progress, started,
        keep=use_cache,
    )
    if use_cache:
        write_cache(
            root,
            {
                "notes": dumps(
                    {
                        entry.path: (entry.size, entry.mtime_ns, blob)
                        for entry, (_, blob) in zip(entries, parsed, strict=True)
                        if blob is not None
                    }
                )
            },
        )
    return [note for note, _ in parsed]
