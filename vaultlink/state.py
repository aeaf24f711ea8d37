"""Load a vault's state — notes, resolver, model — doing only the work its changes need.

Three levels of reuse, all keyed on what ``scan`` saw (path, size, mtime_ns):

* **nothing changed** (every note, every other file, Obsidian's settings and
  ``vaultlink.toml``): the stored resolver, model and problems are handed out as they
  are, each unpickled on first use, notes too (:class:`~vaultlink.parse_all.LazyNotes`).
  A repeat ``sync`` then touches almost nothing.
* **some notes changed**: only those are parsed. The model is rebuilt from per-note
  parts (``model.py``): each unchanged note's *facts* (kind, daily date, aliases) and
  *contribution* (its links, record, contacts, signals) are reused unless what it
  looked up changed — a link name whose notes or aliases changed, or a path whose kind
  or daily date changed — and only the rest is read again. Unchanged notes are not
  even unpickled unless something asks for them.
* **settings or config changed**: every note's facts and contribution are rebuilt
  (notes still come from the cache).

Files changed too recently to trust their timestamps ("racy") are parsed but not
cached. The cache is an optimisation only: any failure to read or write it falls back
to doing the work, and results are identical with or without it (tested).
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any, TypeGuard

from vaultlink.cache import CacheFile, dumps, loads, write_cache
from vaultlink.config import Config
from vaultlink.model import (
    Contribution,
    Model,
    NoteFacts,
    VaultIndex,
    assemble,
    contribute,
    note_facts,
    vault_index,
)
from vaultlink.notes import Note
from vaultlink.parse_all import (
    LazyNotes,
    NoteWorkers,
    _is_racy,
    _no_gc,
    parallel_context,
    parse_described,
    start_workers,
)
from vaultlink.problems import Problem
from vaultlink.resolve import Resolver, changed_names, path_name
from vaultlink.scan import FileEntry, ScanResult, is_markdown
from vaultlink.settings import ObsidianSettings

__all__ = [
    "LoadedState",
    "ModelPieces",
    "SyncCache",
    "load_state",
    "rebuild_model",
    "state_key",
]

ProgressCallback = Callable[[int, int], None]

SECTIONS = ("notes", "parts", "key", "resolver", "model", "problems", "sync-day", "sync")


# ------------------------------------------------------------------------------ keys


def state_key(
    scanned: ScanResult, settings: ObsidianSettings, config: Config
) -> tuple[bytes, ObsidianSettings, Config]:
    """Everything the resolver and the model depend on: every file's path (notes with
    size and mtime), Obsidian's settings and vaultlink's config."""
    digest = hashlib.blake2b(digest_size=32)
    digest.update(
        "\0".join(f"{e.path}\0{e.size}\0{e.mtime_ns}" for e in scanned.notes).encode(
            "utf-8", "surrogateescape"
        )
    )
    for group in (scanned.files, scanned.ignored):
        digest.update(b"\1")
        digest.update("\0".join(group).encode("utf-8", "surrogateescape"))
    return digest.digest(), settings, config


def resolver_paths(scanned: ScanResult) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(note paths, other paths) links may resolve to. Files the user excluded in
    Obsidian are not read, but Obsidian still resolves links to them, and so do we."""
    ignored_notes = tuple(p for p in scanned.ignored if is_markdown(p))
    ignored_files = tuple(p for p in scanned.ignored if not is_markdown(p))
    notes = tuple(e.path for e in scanned.notes) + ignored_notes
    return notes, scanned.files + ignored_files


# ------------------------------------------------------------------------------ the parts


@dataclass(frozen=True, slots=True)
class _Parts:
    """The stored per-note parts of the model: what it was built under (settings,
    config, the paths links resolve to) and, by path, (size, mtime_ns, facts, the
    contribution pickled, the link names and the paths it looked up, NUL-joined)."""

    under: tuple[ObsidianSettings, Config]
    notes: tuple[str, ...]  # every path links could resolve to as a note, and
    others: tuple[str, ...]  # every other one
    resolver: bytes  # the Resolver they made, pickled
    entries: Mapping[str, tuple[int, int, NoteFacts, bytes, str, str]]

    @classmethod
    def read(cls, value: Any) -> _Parts | None:
        if not (isinstance(value, tuple) and len(value) == 5):
            return None
        under, notes, others, resolver, entries = value
        if not (isinstance(under, tuple) and isinstance(notes, tuple)
                and isinstance(others, tuple) and isinstance(resolver, bytes)
                and isinstance(entries, dict)):
            return None
        return cls(under, notes, others, resolver, entries)

    def dumps(self) -> bytes:
        return dumps(
            (self.under, self.notes, self.others, self.resolver, dict(self.entries))
        )


def _unchanged(record: Any, entry: FileEntry) -> TypeGuard[tuple[Any, ...]]:
    """A cache record ``(size, mtime_ns, ...)`` made from this very file."""
    return (
        isinstance(record, tuple)
        and len(record) >= 2
        and record[0] == entry.size
        and record[1] == entry.mtime_ns
    )


_Blobs = tuple[bytes, str, str]  # the contribution pickled; its names; its paths

# Reading thousands of notes against the index is worth a second process (fork only:
# the worker inherits notes and index instead of receiving them pickled).
PARALLEL_CONTRIBUTIONS = 2000
_SHARED: tuple[Mapping[str, Note], Mapping[str, NoteFacts], VaultIndex, Config] | None = None


def _pickled(part: Contribution) -> _Blobs:
    return (
        dumps(replace(part, names=frozenset(), targets=frozenset())),
        "\0".join(part.names),
        "\0".join(part.targets),
    )


def _held_contribution(note: Note, fact: Any, payload: tuple[VaultIndex, Config]) -> _Blobs | None:
    """Worker side (a parse worker holding ``note``): its contribution, pickled as the
    cache stores it."""
    if not isinstance(fact, NoteFacts):
        return None
    index, config = payload
    return _pickled(contribute(note, fact, index, config))


def _contribute_chunk(paths: Sequence[str]) -> list[tuple[str, _Blobs | None]]:
    """Worker side (forked): read these notes against the inherited index."""
    assert _SHARED is not None
    notes, facts, index, config = _SHARED
    out: list[tuple[str, _Blobs | None]] = []
    for path in paths:
        try:
            out.append((path, _pickled(contribute(notes[path], facts[path], index, config))))
        except Exception:  # unpicklable: the parent reads this note itself
            out.append((path, None))
    return out


def _contribute_many(
    paths: Sequence[str],
    notes: Mapping[str, Note],
    facts: Mapping[str, NoteFacts],
    index: VaultIndex,
    config: Config,
    workers: int | None,
    pool: NoteWorkers | None = None,
) -> dict[str, tuple[Contribution, _Blobs | None]]:
    """Contributions of ``paths``. With ``pool``, the notes its workers hold (they parsed
    them) are read there and the rest here, meanwhile; without, this process reads a
    share while forked workers read the others (:func:`_contribute_forked`). Workers
    send contributions back pickled, which is what the cache stores."""
    out: dict[str, tuple[Contribution, _Blobs | None]] = {}
    if pool is not None and paths:
        answers = pool.each(_held_contribution, (index, config), paths)
        for path in paths:
            if path not in pool.holder:
                out[path] = (contribute(notes[path], facts[path], index, config), None)
        for path, blobs in answers:
            try:
                part = loads(blobs[0])
            except Exception:
                continue
            if isinstance(part, Contribution):
                out[path] = (part, blobs)
        for path in paths:  # a worker failed, or its answer did not come back whole
            if path not in out:
                out[path] = (contribute(notes[path], facts[path], index, config), None)
        return out
    return _contribute_forked(paths, notes, facts, index, config, workers)


def _contribute_forked(
    paths: Sequence[str],
    notes: Mapping[str, Note],
    facts: Mapping[str, NoteFacts],
    index: VaultIndex,
    config: Config,
    workers: int | None,
) -> dict[str, tuple[Contribution, _Blobs | None]]:
    """Contributions of ``paths`` no worker holds: this process reads a share while
    forked workers (which inherit the notes and the index) read the rest."""
    global _SHARED
    out: dict[str, tuple[Contribution, _Blobs | None]] = {}
    context, count = parallel_context(
        workers, len(paths), threshold=PARALLEL_CONTRIBUTIONS, fork_only=True
    )
    if context is None:
        for path in paths:
            out[path] = (contribute(notes[path], facts[path], index, config), None)
        return out
    from concurrent.futures import ProcessPoolExecutor

    helpers = count - 1
    share = len(paths) // (helpers + 1)
    mine, theirs = paths[:share], paths[share:]
    size = max(200, len(theirs) // (helpers * 4) or 1)
    chunks = [theirs[i : i + size] for i in range(0, len(theirs), size)]
    _SHARED = (notes, facts, index, config)
    try:
        with ProcessPoolExecutor(max_workers=helpers, mp_context=context) as pool:
            futures = [pool.submit(_contribute_chunk, chunk) for chunk in chunks]
            for path in mine:
                out[path] = (contribute(notes[path], facts[path], index, config), None)
            for future in futures:
                for path, blobs in future.result():
                    part = loads(blobs[0]) if blobs is not None else None
                    if not isinstance(part, Contribution):
                        out[path] = (contribute(notes[path], facts[path], index, config),
                                     None)
                    else:
                        out[path] = (part, blobs)
    except Exception:  # no processes here (a sandbox, a frozen app): read them alone
        for path in paths:
            if path not in out:
                out[path] = (contribute(notes[path], facts[path], index, config), None)
    finally:
        _SHARED = None
    return out


def _stale(looked_up: Any, consulted: Any, names: frozenset[str], paths: frozenset[str]) -> bool:
    """Whether a contribution that looked up these link names and consulted these paths
    (each stored NUL-joined) may differ now that ``names`` and ``paths`` changed."""
    if not (isinstance(looked_up, str) and isinstance(consulted, str)):
        return True
    return Contribution(
        names=frozenset(looked_up.split("\0")), targets=frozenset(consulted.split("\0"))
    ).stale(names, paths)


def _kind_day(fact: NoteFacts | None) -> tuple[Any, ...] | None:
    return None if fact is None else (fact.kind, fact.day, fact.generated)


@dataclass
class _Built:
    resolver: Resolver
    model: Model
    parts: _Parts | None  # None when a note could not be stored (racy)
    reused: int  # contributions taken from the cache (for tests and benchmarks)
    pieces: ModelPieces


@dataclass(frozen=True)
class ModelPieces:
    """The per-note pieces a model was merged from, kept in memory after a load that
    built them, so a sync that changes a few notes (log lines, an emptied block)
    rebuilds only those (:func:`rebuild_model`)."""

    facts: Mapping[str, NoteFacts]
    contributions: Mapping[str, Contribution]
    index: VaultIndex
    settings: ObsidianSettings
    config: Config


def rebuild_model(
    pieces: ModelPieces, replaced: Mapping[str, Note], dropped: Iterable[str] = ()
) -> Model | None:
    """The model with ``replaced`` notes read again and ``dropped`` notes' contributions
    left out (their paths still resolve: the resolver is unchanged). None when a
    replaced note's kind, daily date or aliases changed: then other notes' readings
    may change too, and the caller builds the model from scratch."""
    facts = dict(pieces.facts)
    contributions = dict(pieces.contributions)
    for path, note in replaced.items():
        fact = note_facts(note, pieces.settings, pieces.config)
        old = facts.get(path)
        if old is None or _kind_day(old) != _kind_day(fact) or old.aliases != fact.aliases:
            return None
        facts[path] = fact
        contributions[path] = contribute(note, fact, pieces.index, pieces.config)
    for path in dropped:
        if path in contributions:
            contributions[path] = Contribution()
    return assemble(facts, contributions, pieces.index, pieces.config)


def build_state(
    entries: Sequence[FileEntry],
    notes: Mapping[str, Note],
    scanned: ScanResult,
    settings: ObsidianSettings,
    config: Config,
    old: _Parts | None = None,
    fresh: frozenset[str] = frozenset(),
    uncacheable: frozenset[str] = frozenset(),
    keep: bool = False,
    workers: int | None = None,
    given: Mapping[str, NoteFacts] | None = None,
    pool: NoteWorkers | None = None,
) -> _Built:
    """Facts, resolver, contributions and model, reusing ``old`` parts where valid.

    ``fresh`` are paths parsed in this run (their parts are never reused), ``given``
    facts already worked out for some of them (by the parse workers), ``pool`` the
    workers still holding the notes they parsed;
    ``uncacheable`` paths get no stored parts; with ``keep`` the new parts are pickled
    for the cache.
    """
    under = (settings, config)
    stored: Mapping[str, tuple[int, int, NoteFacts, bytes, str, str]] = {}
    if old is not None and old.under == under:
        # Only well-formed records: a damaged one is as good as none.
        stored = {
            path: record for path, record in old.entries.items()
            if isinstance(record, tuple) and len(record) == 6
            and isinstance(record[2], NoteFacts)
        }
    # Paths whose stored parts were made from the very file scanned now.
    same = {
        entry.path for entry in entries
        if entry.path not in fresh and _unchanged(stored.get(entry.path), entry)
    }
    facts: dict[str, NoteFacts] = {}
    given = given or {}
    for entry in entries:
        path = entry.path
        fact = stored[path][2] if path in same else given.get(path)
        facts[path] = fact if isinstance(fact, NoteFacts) else \
            note_facts(notes[path], settings, config)
    note_paths, others = resolver_paths(scanned)
    aliases = {path: fact.aliases for path, fact in facts.items() if fact.aliases}

    names: frozenset[str] = frozenset()
    paths: frozenset[str] = frozenset()
    resolver: Resolver | None = None
    if stored:
        assert old is not None
        old_aliases = {p: r[2].aliases for p, r in stored.items() if r[2].aliases}
        found = set(changed_names(
            (old.notes, old.others, old_aliases), (note_paths, others, aliases)
        ))
        # Notes with no stored parts (racy last time): their old aliases are unknown.
        for path, fact in facts.items():
            if path not in stored:
                found.add(path_name(path, True))
                found.update(path_name(alias, True) for alias in fact.aliases)
        names = frozenset(found)
        # Paths whose kind or daily date changed. A path in ``same`` kept its stored
        # facts (the very object), so only new, re-parsed and vanished paths can.
        moved = [p for p in facts if p not in same]
        moved.extend(p for p in stored if p not in facts)
        paths = frozenset(
            path for path in moved
            if _kind_day(r[2] if (r := stored.get(path)) else None)
            != _kind_day(facts.get(path))
        )
        if not names:  # the same paths and aliases: the same resolver
            try:
                cached = loads(old.resolver)
            except Exception:
                cached = None
            if isinstance(cached, Resolver):
                resolver = cached
    resolver_blob = old.resolver if resolver is not None and old is not None else None
    if resolver is None:
        resolver = Resolver(note_paths, others, aliases)
    index = vault_index(facts, resolver)

    check = bool(names or paths)
    parts_found: dict[str, tuple[Contribution, _Blobs | None]] = {}
    todo: list[str] = []
    for entry in entries:
        path = entry.path
        record = stored[path] if path in same else None
        if record is not None and len(record) == 6:
            try:
                # What it looked up is checked only when something it may depend on moved.
                stale = check and _stale(record[4], record[5], names, paths)
                cached = None if stale else loads(record[3])
            except Exception:
                cached = None
            if isinstance(cached, Contribution):
                parts_found[path] = (cached, (record[3], record[4], record[5]))
                continue
        todo.append(path)
    reused = len(parts_found)
    parts_found.update(_contribute_many(todo, notes, facts, index, config, workers, pool))
    contributions: dict[str, Contribution] = {}
    kept: dict[str, tuple[int, int, NoteFacts, bytes, str, str]] = {}
    for entry in entries:
        path = entry.path
        part, blobs = parts_found[path]
        contributions[path] = part
        if keep and path not in uncacheable:
            if blobs is None:
                try:
                    blobs = _pickled(part)
                except Exception:  # a value the cache does not store
                    continue
            kept[path] = (entry.size, entry.mtime_ns, facts[path], *blobs)
    model = assemble(facts, contributions, index, config)
    parts: _Parts | None = None
    if keep:
        try:
            parts = _Parts(under, note_paths, others, resolver_blob or dumps(resolver), kept)
        except Exception:
            parts = None

    pieces = ModelPieces(facts, contributions, index, settings, config)
    return _Built(resolver, model, parts, reused, pieces)


# ------------------------------------------------------------------------------ loading


@dataclass
class LoadedState:
    """What ``load`` needs: notes, resolver, model and the model's problems.

    From a warm cache ``resolver`` and ``model`` are zero-argument loaders, called on
    first use; ``cache`` is what the repeat-sync shortcut reads and writes.
    """

    notes: Mapping[str, Note]
    resolver: Resolver | Callable[[], Resolver]
    model: Model | Callable[[], Model]
    problems: tuple[Problem, ...]
    cache: SyncCache | None = None
    from_cache: bool = False
    reused: int = 0  # model parts reused from the cache
    pieces: ModelPieces | None = None


def load_state(
    root: Path,
    scanned: ScanResult,
    settings: ObsidianSettings,
    config: Config,
    *,
    use_cache: bool = True,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
) -> LoadedState:
    """Parse what changed and build resolver + model, reusing the cache as far as
    what changed allows. With ``use_cache=False`` the cache is neither read nor
    written."""
    started = time.time_ns()
    key = state_key(scanned, settings, config) if use_cache else None
    cache = CacheFile.open(root) if use_cache else None
    index: Mapping[str, Any] = {}
    old: _Parts | None = None
    same_state = False
    if cache is not None:
        if cache.section("key") == key:
            same_state = True
            warm = _warm(root, cache, scanned, settings, config, workers, progress)
            if warm is not None:
                return warm
        with _no_gc():  # tens of thousands of records: no collection pass meanwhile
            raw_index = cache.section("notes")
            old = _Parts.read(cache.section("parts"))
        if isinstance(raw_index, dict):
            index = raw_index

    # Parse the notes that changed; the others stay pickled until asked for.
    total = len(scanned.notes)
    todo = [e for e in scanned.notes if not _unchanged(index.get(e.path), e)]
    done = total - len(todo)
    if progress is not None:
        progress(done, total)

    def step(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None and count:
            progress(done, total)

    describe = partial(note_facts, settings=settings, config=config)
    # Workers keep the notes they parse, and read them against the vault later.
    pool = start_workers(workers, len(todo), describe)
    try:
        with _no_gc():
            parsed = parse_described(todo, describe, step, pool, keep=use_cache)
        # Notes parsed in workers come back pickled only: unpickled when read.
        parsed_notes: dict[str, Note] = {}
        given: dict[str, NoteFacts] = {}
        loadable: dict[str, bytes] = {}
        blobs: dict[str, bytes] = {}  # what the notes section stores
        uncacheable: set[str] = set()
        for entry, (note, blob, fact) in zip(todo, parsed, strict=True):
            if note is not None:
                parsed_notes[entry.path] = note
            if isinstance(fact, NoteFacts):
                given[entry.path] = fact
            if blob is not None:
                loadable[entry.path] = blob
            if blob is None or _is_racy(entry.mtime_ns, started):
                uncacheable.add(entry.path)
            else:
                blobs[entry.path] = blob
        del parsed
        fresh = frozenset(entry.path for entry in todo)
        for entry in scanned.notes:
            if entry.path not in fresh:
                record = index.get(entry.path)
                blobs[entry.path] = loadable[entry.path] = record[2]  # type: ignore[index]
        index = {}
        entries = {entry.path: entry for entry in scanned.notes}
        notes = LazyNotes(entries, lambda: loadable, parsed_notes)

        with _no_gc():
            built = build_state(
                scanned.notes, notes, scanned, settings, config, old=old,
                fresh=fresh, uncacheable=frozenset(uncacheable), keep=use_cache,
                workers=workers, given=given, pool=pool,
            )
    finally:
        if pool is not None:
            pool.close()
    if key is None:  # no cache
        return LoadedState(notes, built.resolver, built.model, built.model.problems,
                           pieces=built.pieces)
    model = built.model
    racy = bool(uncacheable)
    with _no_gc():
        sections: dict[str, bytes] = {
            "notes": dumps({
                entry.path: (entry.size, entry.mtime_ns, blobs[entry.path])
                for entry in scanned.notes
                if entry.path in blobs
            }),
        }
        if built.parts is not None:
            sections["parts"] = built.parts.dumps()
    sync_cache = SyncCache(root, sections, racy=racy, state=(built.resolver, model))
    if not racy:
        try:
            sections["problems"] = dumps(model.problems)
            sections["key"] = dumps(key)
        except Exception:
            sync_cache.racy = True
            sections.pop("problems", None)
    # The resolver and model are worth storing once the same state is loaded twice (a
    # second command on an unchanged vault) or a sync finds nothing to change; right
    # after an edit the next sync usually rewrites notes and the stored state is stale.
    if same_state and not sync_cache.racy:
        sync_cache.add_state()
    written = write_cache(root, sections)
    # Keep no bytes around: a sync that changes nothing re-reads them from the file.
    sync_cache.sections = None
    sync_cache.file = CacheFile.open(root) if written else None
    return LoadedState(notes, built.resolver, model, model.problems, cache=sync_cache,
                       reused=built.reused, pieces=built.pieces)


def _warm(
    root: Path,
    cache: CacheFile,
    scanned: ScanResult,
    settings: ObsidianSettings,
    config: Config,
    workers: int | None,
    progress: ProgressCallback | None,
) -> LoadedState | None:
    """Nothing changed since the cache was written (its key matches): hand out the
    cached state, each piece read and unpickled on first use. A piece found unreadable
    later (the file replaced meanwhile) is rebuilt from the files."""
    problems = cache.section("problems")
    if not isinstance(problems, tuple) or not all(
        cache.has(name) for name in ("notes", "resolver", "model")
    ):
        return None
    rebuilt: list[tuple[Resolver, Model]] = []

    def rebuild() -> tuple[Resolver, Model]:
        if not rebuilt:
            state = load_state(root, scanned, settings, config, use_cache=False,
                               workers=workers, progress=None)
            assert not callable(state.resolver)
            assert not callable(state.model)
            rebuilt.append((state.resolver, state.model))
        return rebuilt[0]

    def section(name: str, kind: str) -> Any:
        with _no_gc():
            value = cache.section(name)
        if f"{type(value).__module__}.{type(value).__qualname__}" != kind:
            resolver, model = rebuild()
            value = resolver if name == "resolver" else model
        return value

    def blobs() -> Mapping[str, bytes]:
        index = cache.section("notes")
        out: dict[str, bytes] = {}
        if isinstance(index, dict):
            for entry in scanned.notes:
                record = index.get(entry.path)
                if _unchanged(record, entry) and isinstance(record[2], bytes):
                    out[entry.path] = record[2]
        return out

    entries = {entry.path: entry for entry in scanned.notes}
    if progress is not None:
        progress(len(entries), len(entries))
    return LoadedState(
        LazyNotes(entries, blobs),
        lambda: section("resolver", "vaultlink.resolve.Resolver"),
        lambda: section("model", "vaultlink.model.Model"),
        problems,
        cache=SyncCache(root, None, cache),
        from_cache=True,
    )


# ------------------------------------------------------------------------------ repeat sync


def _environment() -> tuple[tuple[str, int], ...]:
    """The folders Python imports from, with their mtimes: installing, upgrading or
    removing a package (a rules or starters plugin) changes one, and with it what a
    sync would say, so a stored report no longer applies."""
    out: list[tuple[str, int]] = []
    for entry in sys.path[1:]:  # [0] is the script's folder or the working directory
        try:
            out.append((entry, os.stat(entry or ".").st_mtime_ns))
        except OSError:
            continue
    return tuple(out)


class SyncCache:
    """The cache of one loaded vault, tied to the state it was loaded in; ``Vault.sync``
    uses it to skip a sync that is known to change nothing.

    ``sections`` are the bytes just written (a cold load), else they are read from
    ``file`` when needed: the repeat path reads only the small ``sync-day`` and ``sync``
    sections.
    """

    def __init__(
        self,
        root: Path,
        sections: dict[str, bytes] | None,
        file: CacheFile | None = None,
        racy: bool = False,
        state: tuple[Resolver, Model] | None = None,
    ) -> None:
        self.root = root
        self.sections = sections
        self.file = file
        self.racy = racy
        self.state = state

    def add_state(self) -> None:
        """Put the resolver and model (if held and not yet stored) into ``sections``."""
        if self.sections is None or self.state is None or "model" in self.sections:
            return
        try:
            with _no_gc():  # pickling the model allocates enough to set off a full GC
                resolver = dumps(self.state[0])
                model = dumps(self.state[1])
        except Exception:
            return
        self.sections["resolver"] = resolver
        self.sections["model"] = model

    def _section(self, name: str) -> bytes | None:
        if self.sections is not None:
            return self.sections.get(name)
        return self.file.raw(name) if self.file is not None else None

    def replay(self, today: Any, dry_run: bool) -> Any:
        """The report of an earlier sync of this exact vault state and day that changed
        nothing, or None."""
        when = self._section("sync-day")
        if when is None:
            return None
        try:
            if loads(when) != (today, dry_run, _environment()):
                return None
            blob = self._section("sync")
            return loads(blob) if blob is not None else None
        except Exception:
            return None

    def record(self, today: Any, dry_run: bool, report: Any) -> None:
        """Remember a sync that changed nothing (no write, no refusal, nothing logged),
        so repeating it on the same state and day can return at once. Its ``changes``
        (each file's text, unchanged) are dropped: they say nothing a replay needs."""
        if self.racy:
            return
        sections = self.sections
        if sections is None:
            if self.file is None:
                return
            sections = {}
            for name in SECTIONS:
                data = self.file.raw(name)
                if data is not None:
                    sections[name] = data
            if "key" not in sections:
                return
        try:
            from dataclasses import replace

            blob = dumps(replace(report, changes=()))
            when = dumps((today, dry_run, _environment()))
        except Exception:
            return
        if sections.get("sync") == blob and sections.get("sync-day") == when:
            return
        sections["sync-day"] = when
        sections["sync"] = blob
        self.sections = sections
        self.add_state()
        write_cache(self.root, sections)
