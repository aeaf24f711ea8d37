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

import atexit
import gc
import os
import sys
import time
from collections.abc import (
    Callable,
    ItemsView,
    Iterable,
    Iterator,
    KeysView,
    Mapping,
    Sequence,
    ValuesView,
)
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from vaultlink.cache import CacheFile, dumps, loads, write_cache
from vaultlink.notes import Note, read_note
from vaultlink.scan import FileEntry

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from vaultlink.model import Model
    from vaultlink.resolve import Resolver

__all__ = ["PARALLEL_THRESHOLD", "LazyNotes", "NoteWorkers", "parse_entries"]

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


def _parse_one(path: str, location: str, keep: bool) -> tuple[Note, bytes | None]:
    note = read_note(path, location)
    if not keep:
        return note, None
    try:
        blob: bytes | None = dumps(note)
    except Exception:  # a value the cache does not store: parse it again next time
        blob = None
    return note, blob


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


# ------------------------------------------------------------------------------ workers

# (note or None, its cache record or None, what ``describe`` said of it or None)
Parsed = tuple["Note | None", "bytes | None", Any]
# A second pass over the notes a worker holds: (note, what ``describe`` said of it, the
# payload sent once to every worker) -> an answer for the parent, or None.
HeldTask = Callable[[Note, Any, Any], Any]
_BATCH = 250  # answers a message in a second pass


def _describe_one(note: Note, describe: Callable[[Note], Any] | None) -> Any:
    if describe is None:
        return None
    try:
        return describe(note)
    except Exception:  # the caller works it out again, and reports what went wrong
        return None


def _work(conn: Connection, describe: Callable[[Note], Any] | None) -> None:
    """A worker: parse the chunks it is sent, keeping every note (with what ``describe``
    said of it), then run second passes over the notes it holds, until told to stop
    or the parent is gone."""
    gc.disable()  # records hold no cycles, and the worker lives for seconds
    held: dict[str, tuple[Note, Any]] = {}
    payload: Any = None
    try:
        while True:
            message = conn.recv()
            if message[0] == "parse":
                out: list[tuple[bytes | None, Note | None, Any]] = []
                for path, abspath in message[1]:
                    note = read_note(path, abspath)
                    extra = _describe_one(note, describe)
                    held[path] = (note, extra)
                    try:
                        out.append((dumps(note), None, extra))
                    except Exception:  # a value the cache does not store: send it whole
                        out.append((None, note, extra))
                conn.send(out)
            elif message[0] == "payload":
                payload = message[1]
            elif message[0] == "each":
                task: HeldTask = message[1]
                batch: list[tuple[str, Any]] = []
                for path in message[2]:
                    found = held.get(path)
                    answer = None
                    if found is not None:
                        try:
                            answer = task(found[0], found[1], payload)
                        except Exception:  # the parent does this note itself
                            answer = None
                    batch.append((path, answer))
                    if len(batch) == _BATCH:
                        conn.send(("more", batch))
                        batch = []
                conn.send(("done", batch))
            else:
                return
    except (EOFError, OSError, KeyboardInterrupt):  # the parent stopped listening, or ^C
        return


_STOPPING: list[Any] = []  # workers told to stop, not yet collected


def _reap(timeout: float) -> None:
    """Collect the stopped workers that have exited, waiting up to ``timeout`` for each
    (a worker still there after a real wait is stuck, and terminated)."""
    for process in list(_STOPPING):
        process.join(timeout)
        if process.is_alive() and timeout:  # pragma: no cover - a stuck worker
            process.terminate()
            process.join(2)
        if not process.is_alive():
            _STOPPING.remove(process)


atexit.register(_reap, 2)


def _ready(conns: list[Connection]) -> list[Connection]:
    """The connections with something to read (blocks until one has)."""
    from multiprocessing.connection import wait

    return cast("list[Connection]", wait(conns))


class NoteWorkers:
    """Worker processes that keep the notes they parse.

    A second pass over those notes (:meth:`each`: reading them against the whole
    vault's index) then runs where the notes already are, so only answers travel,
    never the notes. Workers are fed one chunk at a time, whichever is free first. A
    worker that dies loses nothing: its chunk is parsed here, and the notes it held
    are missing from :meth:`each`'s answers, for the caller to do itself.
    """

    def __init__(self, context: Any, count: int, describe: Callable[[Note], Any] | None):
        _reap(0)
        self._conns: list[Connection] = []
        self._processes: list[Any] = []
        self._alive: set[int] = set()
        self._describe = describe
        self.holder: dict[str, int] = {}  # path -> the worker holding its note
        try:
            for number in range(count):
                mine, theirs = context.Pipe()
                process = context.Process(
                    target=_work, args=(theirs, describe), daemon=True,
                    name=f"vaultlink-worker-{number}",
                )
                process.start()
                theirs.close()
                self._conns.append(mine)
                self._processes.append(process)
                self._alive.add(number)
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> NoteWorkers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _lost(self, number: int) -> None:
        self._alive.discard(number)
        self.holder = {p: w for p, w in self.holder.items() if w != number}

    def _send(self, number: int, message: Any) -> bool:
        try:
            self._conns[number].send(message)
        except (OSError, ValueError):
            self._lost(number)
            return False
        return True

    def parse(self, entries: Sequence[FileEntry], progress: Callable[[int], None]) -> list[Parsed]:
        """Parse and describe ``entries``; results in order, each note pickled only
        (None in place of the note) unless it could not be pickled.

        Each worker has two chunks in hand, so it never waits for the next; chunks
        shrink towards the end, so the workers finish together."""
        from collections import deque

        items = [(e.path, e.location) for e in entries]
        total = len(items)
        start = 0
        chunks: dict[int, list[tuple[str, str]]] = {}  # by where they start
        results: dict[int, list[Parsed]] = {}
        busy: dict[int, deque[int]] = {n: deque() for n in self._alive}

        def feed(number: int) -> None:
            nonlocal start
            while start < total and number in self._alive and len(busy[number]) < 2:
                size = max(25, min(400, (total - start) // (len(self._alive) * 4)))
                chunk = items[start : start + size]
                if not self._send(number, ("parse", chunk)):
                    return
                chunks[start] = chunk
                busy[number].append(start)
                start += len(chunk)

        def here(at: int) -> None:
            results[at] = self._parse_here(chunks[at])
            progress(len(chunks[at]))

        for number in sorted(self._alive):
            feed(number)
        while any(busy.values()):
            for conn in _ready([self._conns[n] for n, held in busy.items() if held]):
                number = self._conns.index(conn)
                at = busy[number].popleft()
                try:
                    answer = conn.recv()
                except (EOFError, OSError):
                    self._lost(number)
                    for lost in (at, *busy.pop(number)):
                        here(lost)
                    continue
                results[at] = [(note, blob, extra) for blob, note, extra in answer]
                for path, _ in chunks[at]:
                    self.holder[path] = number
                progress(len(chunks[at]))
                feed(number)
        if start < total:  # every worker is gone: the rest is parsed here
            chunks[start] = items[start:]
            here(start)
        return [item for at in sorted(results) for item in results[at]]

    def _parse_here(self, chunk: Sequence[tuple[str, str]]) -> list[Parsed]:
        out: list[Parsed] = []
        for path, abspath in chunk:
            note, blob = _parse_one(path, abspath, True)
            out.append((note, blob, _describe_one(note, self._describe)))
        return out

    def each(self, task: HeldTask, payload: Any, paths: Iterable[str]) -> Iterator[tuple[str, Any]]:
        """Start ``task`` on every held note among ``paths`` (``payload`` is sent once
        to each worker); the answers arrive as the returned iterator is read. Notes no
        live worker holds, and those whose answer is None, are left out."""
        groups: dict[int, list[str]] = {}
        for path in paths:
            number = self.holder.get(path)
            if number is not None:
                groups.setdefault(number, []).append(path)
        waiting: set[int] = set()
        for number, group in groups.items():
            if self._send(number, ("payload", payload)) and self._send(
                number, ("each", task, group)
            ):
                waiting.add(number)
        return self._answers(waiting)

    def _answers(self, waiting: set[int]) -> Iterator[tuple[str, Any]]:
        by_conn = {self._conns[n]: n for n in waiting}
        while by_conn:
            for conn in _ready(list(by_conn)):
                number = by_conn[conn]
                try:
                    kind, batch = conn.recv()
                except (EOFError, OSError):
                    self._lost(number)
                    del by_conn[conn]
                    continue
                for path, answer in batch:
                    if answer is not None:
                        yield path, answer
                if kind == "done":
                    del by_conn[conn]

    def close(self) -> None:
        """Tell every worker to stop (and with it drop the notes it holds). Nobody
        waits for them to exit: freeing a worker's memory takes tens of milliseconds
        at 10k notes. They are collected later (:func:`_reap`)."""
        for number in sorted(self._alive):
            self._send(number, ("stop",))
        for conn in self._conns:
            conn.close()
        _STOPPING.extend(self._processes)
        _reap(0)
        self._alive.clear()
        self._conns = []
        self._processes = []
        self.holder = {}


def start_workers(
    workers: int | None, items: int, describe: Callable[[Note], Any] | None
) -> NoteWorkers | None:
    """Worker processes for parsing ``items`` notes, or None when they would not pay
    (see :func:`parallel_context`) or cannot be started here (a sandbox, a frozen app)."""
    context, count = parallel_context(workers, items)
    if context is None:
        return None
    try:
        return NoteWorkers(context, count, describe)
    except Exception:
        return None


def parse_described(
    entries: Sequence[FileEntry],
    describe: Callable[[Note], Any] | None,
    progress: Callable[[int], None],
    pool: NoteWorkers | None = None,
    keep: bool = True,
) -> list[Parsed]:
    """Parse ``entries`` (in order) and describe each note, in ``pool``'s workers when
    given (notes then come back pickled only: None in place of the note); in this
    process each note comes with its cache record if ``keep``. ``describe`` must be
    picklable when spawn is used (a module-level function or a partial of one)."""
    if pool is not None:
        return pool.parse(entries, progress)
    out: list[Parsed] = []
    for index, entry in enumerate(entries, 1):
        note, blob = _parse_one(entry.path, entry.location, keep)
        out.append((note, blob, _describe_one(note, describe)))
        if index % 100 == 0:
            progress(100)
    progress(len(entries) % 100)
    return out


def note_of(path: str, location: str, parsed: Parsed) -> tuple[Note, bytes | None]:
    """The note (unpickled if it came back pickled only) and its record; a record that
    does not unpickle to this very note is dropped and the file parsed again."""
    note, blob, _ = parsed
    if note is None and blob is not None:
        try:
            note = loads(blob)
        except Exception:
            note = None
    if not isinstance(note, Note) or note.path != path:
        return read_note(path, location), None
    return note, blob


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
        note, _ = note_of(path, entry.location, (None, self._blobs.get(path), None))
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
    chosen = [entries[i] for i in todo]
    pool = start_workers(workers, len(chosen), None)
    try:
        with _no_gc():
            parsed = parse_described(chosen, None, step, pool, keep)
    finally:
        if pool is not None:
            pool.close()
    for position, entry, item in zip(todo, chosen, parsed, strict=True):
        note, blob = note_of(entry.path, entry.location, item)
        if not keep or (blob is not None and _is_racy(entry.mtime_ns, started)):
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
