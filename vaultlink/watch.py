"""Watch mode: sync again whenever the vault changes (``vaultlink watch``).

The loop is separate from the file watcher so it can be driven by any iterable of
change batches (a test passes a list). The real watcher is ``watchfiles`` (an optional
extra, ``pip install 'vaultlink[watch]'``), which groups bursts of events into one
batch: it yields once the vault has been quiet for ``debounce`` seconds (or after ten
times that while changes keep coming).

What does not trigger a sync:

* vaultlink's own writes: after each sync the content hash of every file it wrote
  (generated notes, today's daily note, Log lines) is remembered; an event for such a
  file whose bytes still hash the same is an echo of that sync, not a user edit (a
  ticked box changes the bytes, so it does trigger one);
* hidden files and folders (``.obsidian``, ``.git``, ``.trash``, vaultlink's own temp
  files), editor temp and backup files, and anything that is not a note or
  ``vaultlink.toml``.

A day that starts while watching triggers a sync too (today's daily note and the due
list change), when the watcher reports idle time.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Protocol

from vaultlink.config import CONFIG_NAME

if TYPE_CHECKING:
    from vaultlink.sync import SyncReport

__all__ = [
    "INSTALL_HINT",
    "OwnWrites",
    "WatchUnavailable",
    "is_relevant",
    "watch",
]

INSTALL_HINT = "watch mode needs the watchfiles package: pip install 'vaultlink[watch]'"

# Editor and OS droppings: vim swap/backup (and its 4913 probe), emacs locks and
# autosaves, partial downloads, Office lock files, Syncthing/Dropbox temp files.
_TEMP_NAME = re.compile(
    r"(~$|\.sw[a-p]$|\.tmp$|\.temp$|\.bak$|\.part$|\.crdownload$|^4913$|^#.*#$|^~\$"
    r"|\.syncthing\.|\.dropbox|\.vaultlink-tmp-)",
    re.IGNORECASE,
)

SyncFn = Callable[[Path, date], "SyncReport"]
Batch = Iterable[Any]


class WatchUnavailable(ImportError):
    """``watchfiles`` is not installed; the message says how to install it."""


class StopFlag(Protocol):
    def is_set(self) -> bool: ...


def is_relevant(rel: str) -> bool:
    """Whether a change to this vault-relative path can change what a sync writes."""
    parts = PurePosixPath(rel).parts
    if not parts or any(p.startswith(".") or p == ".." for p in parts):
        return False
    name = parts[-1]
    if _TEMP_NAME.search(name):
        return False
    return name.lower().endswith(".md") or rel == CONFIG_NAME


def _relative(root: Path, path: str | os.PathLike[str]) -> str | None:
    """The vault-relative POSIX path of an event's path, None if it is outside."""
    candidate = Path(path)
    if not candidate.is_absolute():
        return PurePosixPath(candidate.as_posix()).as_posix()
    for base in (root, Path(os.path.realpath(root))):
        try:
            return candidate.relative_to(base).as_posix()
        except ValueError:
            continue
    try:
        return Path(os.path.realpath(candidate)).relative_to(os.path.realpath(root)).as_posix()
    except ValueError:
        return None


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class OwnWrites:
    """What the last sync wrote, by path and content hash, to tell echoes from edits."""

    def __init__(self) -> None:
        self._hashes: dict[str, str] = {}

    def record(self, report: SyncReport) -> None:
        """Remember the files this sync wrote (and those it left as they are)."""
        written = set(report.written) | set(report.unchanged)
        self._hashes = {
            change.path: _digest(change.new_text.encode("utf-8"))
            for change in report.changes
            if change.path in written
        }

    def __contains__(self, path: object) -> bool:
        return path in self._hashes

    def is_echo(self, root: Path, rel: str) -> bool:
        """True when ``rel`` holds exactly what vaultlink wrote there last."""
        expected = self._hashes.get(rel)
        if expected is None:
            return False
        try:
            data = (root / rel).read_bytes()
        except OSError:
            return False  # deleted or unreadable: the user did something; sync again
        return _digest(data) == expected


def _paths(batch: Batch) -> list[str | os.PathLike[str]]:
    """Paths from a batch of ``(Change, path)`` pairs (watchfiles) or bare paths."""
    out: list[str | os.PathLike[str]] = []
    for entry in batch:
        if isinstance(entry, tuple) and len(entry) == 2:
            out.append(entry[1])
        elif isinstance(entry, str | os.PathLike):
            out.append(entry)
    return out


def _default_sync(use_cache: bool) -> SyncFn:
    def run(root: Path, today: date) -> SyncReport:
        from datetime import datetime

        from vaultlink.vault import load

        return load(root, use_cache=use_cache).sync(today=today, now=datetime.now())

    return run


def file_changes(root: Path, debounce: float, stop: StopFlag | None) -> Iterable[Batch]:
    """Batches of changes from ``watchfiles``; raises WatchUnavailable without it.

    Yields an empty batch when the vault stays quiet for a while, so the loop can
    notice that a new day began.
    """
    try:
        import watchfiles
    except ImportError as exc:
        raise WatchUnavailable(INSTALL_HINT) from exc

    def keep(_change: Any, path: str) -> bool:
        rel = _relative(root, path)
        return rel is not None and is_relevant(rel)

    step = max(50, int(debounce * 1000))
    batches: Iterable[Batch] = watchfiles.watch(
        root,
        watch_filter=keep,
        step=step,
        debounce=max(step * 10, 1600),
        stop_event=stop,
        yield_on_timeout=True,
        rust_timeout=60_000,
        raise_interrupt=True,
    )
    return batches


def watch(
    root: str | os.PathLike[str],
    *,
    on_sync: Callable[[SyncReport, tuple[str, ...]], None] | None = None,
    on_error: Callable[[Exception], None] | None = None,
    stop: StopFlag | None = None,
    changes: Iterable[Batch] | None = None,
    debounce: float = 2.0,
    today: Callable[[], date] = date.today,
    initial: bool = True,
    use_cache: bool = True,
    sync: SyncFn | None = None,
) -> int:
    """Sync now (``initial``), then once per batch of relevant changes; return the count.

    ``changes`` replaces the file watcher with any iterable of batches (each an
    iterable of ``(change, path)`` pairs or paths; an empty batch means "idle"), and
    ``sync`` replaces load-and-sync: both exist so the loop can be tested without
    ``watchfiles`` and without timing. ``on_sync(report, changed_paths)`` is called
    after each sync (``changed_paths`` is empty for the initial one and a new day).
    An exception from a sync goes to ``on_error`` and the loop goes on; without
    ``on_error`` it propagates. ``stop.is_set()`` ends the loop between batches.
    """
    base = Path(root).expanduser().resolve()
    run = sync or _default_sync(use_cache)
    own = OwnWrites()
    last_day: date | None = None
    count = 0

    def do_sync(paths: tuple[str, ...]) -> None:
        nonlocal last_day, count
        day = today()
        last_day = day
        try:
            report = run(base, day)
        except Exception as exc:
            if on_error is None:
                raise
            on_error(exc)
            return
        count += 1
        own.record(report)
        if on_sync is not None:
            on_sync(report, paths)

    if initial:
        do_sync(())
    batches = changes if changes is not None else file_changes(base, debounce, stop)
    for batch in batches:
        if stop is not None and stop.is_set():
            break
        relevant: list[str] = []
        for path in _paths(batch):
            rel = _relative(base, path)
            if rel is None or not is_relevant(rel) or own.is_echo(base, rel):
                continue
            relevant.append(rel)
        if relevant:
            do_sync(tuple(sorted(set(relevant))))
        elif last_day is not None and today() != last_day:
            do_sync(())
    return count
