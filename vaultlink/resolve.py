"""Link resolution as Obsidian does it (SPEC §2.4), with indexes built once per vault.

Matching is case-insensitive and Unicode-normalised (NFC), ``X`` and ``X.md`` are the
same note, other files are named with their extension (``image.png``). Order of
preference for ``[[target]]`` linked from a note in folder F:

1. ``/path`` is anchored at the vault root; ``./path`` and ``../path`` are relative to F
   (and never climb out of the vault). These match one exact path or nothing.
2. the file at F/target (for a bare name: the file with that name in F);
3. any file whose path ends with ``/target`` — the shortest path, then alphabetical;
4. only when no file matches, a note with that alias (same tie-breaks).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import unquote

__all__ = ["Resolver", "changed_names", "link_folder", "lookup_names", "path_name"]


def _fold(text: str) -> str:
    """The case- and normalisation-insensitive form paths and targets are compared in."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return text.lower()


def _link_key(path: str) -> str:
    """A path as a link names it: folded, and without ``.md`` for notes."""
    key = _fold(path)
    return key[:-3] if key.endswith(".md") else key


def _normalize(parts: Iterable[str]) -> str | None:
    """Collapse ``.`` and ``..``; None when ``..`` would leave the vault."""
    out: list[str] = []
    for part in parts:
        if part in ("", "."):
            continue
        if part == "..":
            if not out:
                return None
            out.pop()
        else:
            out.append(part)
    return "/".join(out)


def link_folder(from_path: str) -> str:
    """The folder a link in ``from_path`` is resolved from (folded). A non-empty target
    resolves to the same path from every note with the same link folder."""
    return _fold(from_path).rpartition("/")[0]


def lookup_names(target: str) -> tuple[str, ...]:
    """The names resolving ``target`` consults: the last part of its link key (and of
    its percent-decoded form). A resolution can change only when the notes, files or
    aliases under one of these names change (see :func:`changed_names`)."""
    target = target.strip()
    names = [_link_key(target).rpartition("/")[2]]
    if "%" in target:
        names.append(_link_key(unquote(target)).rpartition("/")[2])
    return tuple(names)


def path_name(path: str, is_note: bool) -> str:
    """The name a path is found under (folded; notes without ``.md``)."""
    return (_link_key(path) if is_note else _fold(path)).rpartition("/")[2]


def changed_names(
    before: tuple[Iterable[str], Iterable[str], Mapping[str, Sequence[str]]],
    after: tuple[Iterable[str], Iterable[str], Mapping[str, Sequence[str]]],
) -> frozenset[str]:
    """Names whose resolution may differ between two vault states, each given as the
    ``Resolver`` arguments (note paths, other paths, aliases): the names of paths added
    or removed and of aliases added or removed."""
    notes_a, notes_b = frozenset(before[0]), frozenset(after[0])
    others_a, others_b = frozenset(before[1]) - notes_a, frozenset(after[1]) - notes_b
    out: set[str] = set()
    for path in notes_a ^ notes_b:
        out.add(path_name(path, True))
    for path in others_a ^ others_b:
        out.add(path_name(path, False))
    aliases_a, aliases_b = before[2], after[2]
    for path in set(aliases_a) | set(aliases_b):
        old, new = tuple(aliases_a.get(path, ())), tuple(aliases_b.get(path, ()))
        if old == new and (path in notes_a) == (path in notes_b):
            continue
        for alias in (*old, *new):
            if isinstance(alias, str) and alias.strip():
                out.add(_link_key(alias.strip()).rpartition("/")[2])
    return frozenset(out)


def _rank(path: str) -> tuple[int, str]:
    return (len(path), path)


class Resolver:
    """Resolves link targets to vault paths; build once per vault, then O(1)-ish lookups.

    ``note_paths`` are Markdown notes, ``other_paths`` every other file (attachments,
    canvases, PDFs); ``aliases`` maps a note path to its ``aliases`` property. A result
    is always one of the given paths, or None.
    """

    __slots__ = ("_aliases", "_by_name", "_exact", "_notes", "_paths")

    def __init__(
        self,
        note_paths: Iterable[str],
        other_paths: Iterable[str] = (),
        aliases: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        notes = frozenset(note_paths)
        others = frozenset(other_paths) - notes
        self._notes = notes
        self._paths = notes | others
        exact: dict[str, str] = {}
        by_name: dict[str, list[tuple[str, str]]] = {}
        # Notes last, so a note wins the rare clash with an extensionless file.
        for path in sorted(others) + sorted(notes):
            key = _link_key(path) if path in notes else _fold(path)
            exact[key] = path
            by_name.setdefault(key.rpartition("/")[2], []).append((key, path))
        self._exact = exact
        # Shortest first; keys of one name differ in length exactly as their paths do,
        # and a note sorts before a same-named extensionless file.
        self._by_name = {
            name: tuple(sorted(entries, key=lambda e: (len(e[0]), e[1] not in notes, e[1])))
            for name, entries in by_name.items()
        }
        by_alias: dict[str, set[str]] = {}
        for path, names in (aliases or {}).items():
            if path not in notes:
                continue
            if isinstance(names, str):
                names = (names,)
            elif not isinstance(names, Iterable):
                continue  # a stray YAML scalar: no aliases
            for alias in names:
                if isinstance(alias, str) and alias.strip():
                    by_alias.setdefault(_link_key(alias.strip()), set()).add(path)
        self._aliases = {a: tuple(sorted(ps, key=_rank)) for a, ps in by_alias.items()}

    def __contains__(self, path: object) -> bool:
        return path in self._paths

    def resolve(self, target: str, from_path: str) -> str | None:
        """The vault path ``target`` points to when linked from ``from_path``, or None.

        ``target`` is the link's path part as written, without ``#heading``/``|alias``;
        an empty target is the linking note itself (``[[#Heading]]``).
        """
        found = self._resolve(target.strip(), from_path)
        if found is None and "%" in target:
            decoded = unquote(target.strip())
            if decoded != target.strip():
                found = self._resolve(decoded, from_path)
        return found

    def _resolve(self, target: str, from_path: str) -> str | None:
        if not target:
            return from_path if from_path in self._paths else None
        key = _link_key(target)
        folder = link_folder(from_path)
        if key.startswith("/"):
            anchored = _normalize(key.split("/"))
            return self._exact.get(anchored) if anchored else None
        parts = key.split("/")
        if "." in parts or ".." in parts:
            relative = _normalize([*folder.split("/"), *parts])
            return self._exact.get(relative) if relative else None
        candidates = self._by_name.get(parts[-1])
        if candidates:
            local = self._exact.get(f"{folder}/{key}" if folder else key)
            if local is not None:
                return local
            if len(parts) == 1:
                return candidates[0][1]
            suffix = "/" + key
            for candidate_key, path in candidates:
                if candidate_key == key or candidate_key.endswith(suffix):
                    return path
        by_alias = self._aliases.get(key)
        if by_alias:
            for path in by_alias:
                if _fold(path).rpartition("/")[0] == folder:
                    return path
            return by_alias[0]
        return None

    def resolves_alike(self, target: str) -> bool:
        """Whether ``target`` resolves to the same path (or to none) from every note, so
        that one answer serves links from any folder: an anchored path, or a name (path
        suffix) that at most one file has and at most one note has as an alias. False,
        to be safe, for empty, relative and percent-encoded targets."""
        stripped = target.strip()
        if not stripped or "%" in target:
            return False
        key = _link_key(stripped)
        if key.startswith("/"):
            return True
        parts = key.split("/")
        if "." in parts or ".." in parts:
            return False
        # One file of that name: it is the file in the linking folder when there is
        # one, so it is the answer from everywhere (if its path fits the target).
        return len(self._by_name.get(parts[-1], ())) < 2 and len(self._aliases.get(key, ())) < 2

    def candidates(self, name: str) -> tuple[str, ...]:
        """Every note a bare ``[[name]]`` could mean (shortest path first).

        A name with ``/`` narrows to notes whose path ends with it.
        """
        key = _link_key(name.strip()).strip("/")
        if not key:
            return ()
        parts = key.split("/")
        suffix = "/" + key
        return tuple(
            path
            for candidate_key, path in self._by_name.get(parts[-1], ())
            if path in self._notes and (candidate_key == key or candidate_key.endswith(suffix))
        )

    def ambiguous(self) -> dict[str, tuple[str, ...]]:
        """Lower-cased note names shared by two or more notes, with their paths."""
        out: dict[str, tuple[str, ...]] = {}
        for name, entries in self._by_name.items():
            paths = tuple(path for _, path in entries if path in self._notes)
            if len(paths) > 1:
                out[name] = paths
        return dict(sorted(out.items()))
