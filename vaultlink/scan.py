"""Find the files of a vault the way Obsidian sees them, fast enough for 100k notes.

One ``os.scandir`` pass over real folders, then symlinks. Hidden names (``.obsidian``,
``.git``, ``.trash``, any ``.name``) are skipped. Symlinks are followed only when their
real target lies inside the vault and is not already part of it (Obsidian ignores links
from one vault folder to another: they would duplicate every note behind them); a link
out of the vault is reported and never followed; loops end because every real folder
is walked once.
"""

from __future__ import annotations

import os
import re
import stat as stat_module
from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path

from vaultlink.problems import Problem, Severity

__all__ = ["FileEntry", "IgnoreFilters", "ScanResult", "is_markdown", "scan"]


@dataclass(frozen=True, slots=True)
class FileEntry:
    """A Markdown file: its vault path plus the size and mtime the cache is keyed on.

    ``location`` is where the file is read from: the vault root as given to ``scan``
    joined with the path (symlinks not resolved), a plain string because building a
    ``Path`` for every file of a large vault costs more than scanning it; ``abspath``
    is the same as a ``Path``.
    """

    path: str  # vault-relative POSIX
    location: str
    size: int
    mtime_ns: int

    @property
    def abspath(self) -> Path:
        return Path(self.location)


@dataclass(frozen=True, slots=True)
class ScanResult:
    """The vault's files.

    ``notes`` are Markdown files sorted by path; ``files`` every other file (attachments,
    ``.canvas``, ``.base``, ``.pdf``...) so links to them resolve. ``ignored`` lists the
    paths (notes and files) excluded by the user's ignore filters: Obsidian still
    resolves links to them, so callers can too without treating them as notes.
    """

    notes: tuple[FileEntry, ...]
    files: tuple[str, ...]
    problems: tuple[Problem, ...]
    ignored: tuple[str, ...] = ()


def is_markdown(path: str) -> bool:
    """Whether a path is a note: ``.md`` in any case."""
    return path[-3:].lower() == ".md"


class IgnoreFilters:
    """Obsidian's "Excluded files": ``Archive/`` is a path prefix, ``/regex/`` a regex.

    Each filter is tested against the vault-relative path of a file, as Obsidian does.
    """

    __slots__ = ("_prefixes", "_regexes", "problems")

    def __init__(self, filters: Sequence[str], source: str = ".obsidian/app.json") -> None:
        prefixes: list[str] = []
        regexes: list[re.Pattern[str]] = []
        problems: list[Problem] = []
        for raw in filters:
            if len(raw) > 2 and raw.startswith("/") and raw.endswith("/"):
                try:
                    regexes.append(re.compile(raw[1:-1]))
                except re.error as exc:
                    problems.append(
                        Problem(
                            source,
                            None,
                            "warning",
                            "bad-config",
                            f"ignore filter {raw!r} is not a valid regular expression: {exc}",
                        )
                    )
            elif raw.strip("/"):
                prefixes.append(raw.lstrip("/"))
        self._prefixes = tuple(prefixes)
        self._regexes = tuple(regexes)
        self.problems = tuple(problems)

    def __bool__(self) -> bool:
        return bool(self._prefixes or self._regexes)

    def __call__(self, path: str) -> bool:
        """Whether the user excluded this vault-relative path."""
        if self._prefixes and path.startswith(self._prefixes):
            return True
        # called for every file: no generator when there is no regex (the usual case)
        return bool(self._regexes) and any(r.search(path) for r in self._regexes)


def _inside(real: str, root_real: str) -> bool:
    return real == root_real or real.startswith(root_real.rstrip(os.sep) + os.sep)


def _hidden_below(real: str, root_real: str) -> bool:
    """Whether a real path inside the vault lies in a hidden folder (not walked)."""
    rel = os.path.relpath(real, root_real)
    return any(part.startswith(".") for part in rel.split(os.sep) if part != ".")


def scan(root: Path, ignore_filters: Sequence[str] = ()) -> ScanResult:
    """List the vault's notes and other files, with problems for what could not be read.

    Never raises for vault content: an unreadable folder or a symlink out of the vault
    becomes a Problem and the rest of the vault is still listed.
    """
    problems: list[Problem] = []
    ignore = IgnoreFilters(ignore_filters)
    problems.extend(ignore.problems)
    try:
        root_real = os.path.realpath(root)
    except OSError as exc:  # pragma: no cover - realpath rarely fails
        problem = Problem(".", None, "error", "unreadable-file", f"cannot read vault: {exc}")
        return ScanResult((), (), (problem,))

    notes: list[FileEntry] = []
    files: list[str] = []
    ignored: list[str] = []
    seen_dirs: set[str] = set()
    seen_files: set[str] = set()  # real paths of files reached through symlinks
    links: list[tuple[str, str]] = []  # (vault path, location) of symlinks, followed later
    filtered = bool(ignore)
    # Every step below runs once per file: locations are strings joined by hand (a Path
    # per file cost more than the rest of the scan), nothing is looked up twice.

    def add_file(rel: str, location: str, stat: os.stat_result) -> None:
        if filtered and ignore(rel):
            ignored.append(rel)
        elif rel[-3:].lower() == ".md":  # is_markdown, inlined: called for every file
            notes.append(FileEntry(rel, location, stat.st_size, stat.st_mtime_ns))
        else:
            files.append(rel)

    def walk(rel: str, location: str, real: str) -> None:
        """Walk a real folder tree; symlinks met on the way are queued in ``links``."""
        stack = [(rel, location, real)]
        while stack:
            rel_dir, abs_dir, real_dir = stack.pop()
            if real_dir in seen_dirs:
                continue
            seen_dirs.add(real_dir)
            prefix = f"{rel_dir}/" if rel_dir else ""
            abs_prefix = os.path.join(abs_dir, "")  # ends in one separator, as Path joins
            try:
                with os.scandir(abs_dir) as it:
                    entries = list(it)
            except OSError as exc:
                where = rel_dir or "."
                severity: Severity = "warning" if rel_dir else "error"
                problems.append(
                    Problem(
                        where,
                        None,
                        severity,
                        "unreadable-file",
                        f"cannot read folder {where}: {exc.strerror or exc}",
                    )
                )
                continue
            for entry in entries:
                name = entry.name
                if name.startswith("."):
                    continue
                path = prefix + name
                try:
                    # The three kinds exclude each other (no symlink is followed here);
                    # files first, as nearly every entry is one.
                    if entry.is_file(follow_symlinks=False):
                        add_file(path, abs_prefix + name, entry.stat(follow_symlinks=False))
                    elif entry.is_dir(follow_symlinks=False):
                        stack.append((path, abs_prefix + name, f"{real_dir}{os.sep}{name}"))
                    elif entry.is_symlink():
                        links.append((path, abs_prefix + name))
                except OSError as exc:
                    problems.append(
                        Problem(path, None, "warning", "unreadable-file", f"cannot read: {exc}")
                    )

    walk("", os.fspath(root), root_real)
    # Symlinks after the real tree, so a real folder always keeps its own path.
    while links:
        batch = sorted(links)
        links.clear()
        for rel, location in batch:
            real = os.path.realpath(location)
            try:
                stat = os.stat(real)
            except OSError:
                continue  # dangling or a loop: nothing to list
            if not _inside(real, root_real):
                problems.append(
                    Problem(
                        rel,
                        None,
                        "warning",
                        "symlink-outside-vault",
                        "symlink points outside the vault; not followed",
                    )
                )
                continue
            if stat_module.S_ISDIR(stat.st_mode):
                if real not in seen_dirs and _hidden_below(real, root_real):
                    walk(rel, location, real)
            elif real not in seen_files and _hidden_below(real, root_real):
                seen_files.add(real)
                add_file(rel, location, stat)

    notes.sort(key=attrgetter("path"))
    files.sort()
    ignored.sort()
    return ScanResult(tuple(notes), tuple(files), tuple(problems), tuple(ignored))
