"""The starter record, the context a source sees, and the registry of sources.

A starter source is a plain function ``(ctx: StarterContext) -> Iterable[Starter]``
registered with ``@starter_source("name")``. Third-party packages add theirs through the
``vaultlink.starters`` entry-point group; a plugin that fails to load is reported
(``plugin_errors()``) and skipped, never a crash.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from vaultlink.records import Person, Source
from vaultlink.starters.text import first_name

if TYPE_CHECKING:
    from vaultlink.notes import Note
    from vaultlink.vault import Vault

ENTRY_POINT_GROUP = "vaultlink.starters"


@dataclass(frozen=True, slots=True)
class Starter:
    """One thing to talk about, with where it came from.

    ``text`` is short natural text a person could say or adapt; ``source`` is the note
    (and nearest heading) it came from; ``link`` renders that source as an Obsidian link
    (``[[Note#Heading]]``) so one click shows the context; ``score`` orders starters
    (higher first): fresh, specific, personal material beats generic scripts.
    """

    kind: str
    text: str
    source: Source
    link: str
    score: float

    @property
    def source_ref(self) -> str:
        """The vault-relative path plus ``#Heading`` when there is one."""
        heading = _link_heading(self.source.heading) if self.source.heading else ""
        return f"{self.source.path}#{heading}" if heading else self.source.path

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "text": self.text, "source": self.source_ref}

    def markdown(self) -> str:
        """The starter as a line of a note: the text, ending in its source link."""
        return f"{self.text} ({self.link})"

    def __str__(self) -> str:
        return self.markdown()


SourceFunc = Callable[["StarterContext"], Iterable[Starter]]


@dataclass(frozen=True, slots=True)
class PluginError:
    """A third-party starter source that could not be loaded or that failed while running."""

    name: str
    value: str
    message: str

    def __str__(self) -> str:
        where = f" ({self.value})" if self.value else ""
        return f"starter source {self.name!r}{where}: {self.message}"


_REGISTRY: dict[str, SourceFunc] = {}
_PLUGIN_ERRORS: list[PluginError] = []
_plugins_loaded = False


def starter_source(name: str) -> Callable[[SourceFunc], SourceFunc]:
    """Register a starter source under ``name`` (a later registration replaces an earlier one)."""

    def register(func: SourceFunc) -> SourceFunc:
        _REGISTRY[name] = func
        return func

    return register


def unregister(name: str) -> None:
    """Remove a source (tests and users who want to switch a built-in off)."""
    _REGISTRY.pop(name, None)


def load_plugins(*, reload: bool = False) -> tuple[PluginError, ...]:
    """Load sources from the ``vaultlink.starters`` entry points, once.

    An entry point may name a function (registered under the entry point's name) or a
    module whose import registers functions with ``@starter_source``. Anything that goes
    wrong is recorded and returned; nothing propagates.
    """
    global _plugins_loaded
    if _plugins_loaded and not reload:
        return tuple(_PLUGIN_ERRORS)
    _plugins_loaded = True
    from importlib import metadata  # only here: listing plugins costs more than it seems

    try:
        entries = list(metadata.entry_points(group=ENTRY_POINT_GROUP))
    except Exception as exc:  # a broken installed distribution must not stop a run
        _record(PluginError("*", "", f"cannot list entry points: {type(exc).__name__}: {exc}"))
        return tuple(_PLUGIN_ERRORS)
    for entry in entries:
        try:
            loaded = entry.load()
        except Exception as exc:
            _record(PluginError(entry.name, entry.value,
                                f"failed to load: {type(exc).__name__}: {exc}"))
            continue
        if callable(loaded) and not isinstance(loaded, type):
            if loaded not in _REGISTRY.values():
                _REGISTRY[entry.name] = loaded
        elif not hasattr(loaded, "__file__"):  # a module registers itself on import
            _record(PluginError(entry.name, entry.value, "is not a function or a module"))
    return tuple(_PLUGIN_ERRORS)


def _record(error: PluginError) -> None:
    if error not in _PLUGIN_ERRORS:
        _PLUGIN_ERRORS.append(error)


def record_failure(name: str, exc: BaseException) -> PluginError:
    """Note a source that raised while running; the run goes on without it."""
    error = PluginError(name, "", f"failed: {type(exc).__name__}: {exc}")
    _record(error)
    return error


def plugin_errors() -> tuple[PluginError, ...]:
    return tuple(_PLUGIN_ERRORS)


def registered_sources() -> Mapping[str, SourceFunc]:
    """Every source: the built-ins first, then plugins (loaded on first call)."""
    import vaultlink.starters.builtin  # noqa: F401  (registers the built-ins)

    load_plugins()
    return MappingProxyType(dict(_REGISTRY))


# -- what a source sees -----------------------------------------------------------------------


@dataclass(frozen=True)
class StarterContext:
    """Everything a source needs about one person, plus helpers to build sourced starters.

    ``due_rules`` are the follow-up rules that made the person due (empty on demand);
    sources may use them, and the ranking nudges matching starters up.
    """

    vault: Vault
    person: Person
    today: date
    due_rules: frozenset[str] = field(default_factory=frozenset)

    @cached_property
    def first(self) -> str:
        return first_name(self.person.name)

    @cached_property
    def names(self) -> tuple[str, ...]:
        """Every way notes may name this person, longest first."""
        names = {self.person.name, *self.person.aliases, self.first}
        return tuple(sorted((n for n in names if n), key=len, reverse=True))

    def note(self, path: str) -> Note | None:
        return self.vault.notes.get(path)

    def name_of(self, path: str) -> str:
        """A display name for any note path (person, company, other)."""
        for table in (self.vault.model.people, self.vault.model.companies,
                      self.vault.model.applications, self.vault.model.interactions):
            record = table.get(path)
            if record is not None:
                return str(record.name)
        base = path.rsplit("/", 1)[-1]
        return base[:-3] if base.lower().endswith(".md") else base

    def property_source(self, path: str, *keys: str) -> Source:
        """The line of the first of ``keys`` present in a note's frontmatter."""
        lines = self.vault.model.property_lines.get(path)
        if lines is None:
            note = self.note(path)
            lines = note.property_lines if note is not None else {}
        for key in keys:
            line = lines.get(key)
            if line is not None:
                return Source(path, line)
        return Source(path)

    def freshness(self, day: date | None, *, half_life: float = 30.0) -> float:
        """1.0 today, halving every ``half_life`` days; undated material gets 0.25."""
        if day is None:
            return 0.25
        age = (self.today - day).days
        if age <= 0:
            return 1.0
        return float(0.5 ** (age / half_life))

    def make(self, kind: str, text: str, source: Source, score: float) -> Starter:
        """A starter with its source rendered as an Obsidian link."""
        return Starter(kind=kind, text=text.strip(), source=source,
                       link=obsidian_link(self.vault, source), score=round(score, 4))


# -- links ---------------------------------------------------------------------------------

_HEADING_UNSAFE = re.compile(r"[\[\]|#^:%\\]+")


def _link_heading(heading: str) -> str:
    """A heading as Obsidian writes it inside a link (characters it cannot hold dropped)."""
    return re.sub(r"\s+", " ", _HEADING_UNSAFE.sub(" ", heading)).strip()


_TARGETS: weakref.WeakKeyDictionary[Any, dict[str, str]] = weakref.WeakKeyDictionary()


def link_target(vault: Any, path: str) -> str:
    """The note name when it is unique in the vault, else the path without ``.md``."""
    hasher: object = type(vault).__hash__
    if hasher is not object.__hash__:  # remembered per vault object (identity) only
        return _link_target(vault, path)
    try:
        known = _TARGETS.get(vault)
        if known is None:
            known = _TARGETS[vault] = {}
    except TypeError:  # a vault-like object that takes no weak reference: no memo
        return _link_target(vault, path)
    found = known.get(path)
    if found is None:
        found = known[path] = _link_target(vault, path)
    return found


def _link_target(vault: Any, path: str) -> str:
    base = path.rsplit("/", 1)[-1]
    stem = base[:-3] if base.lower().endswith(".md") else base
    no_ext = path[:-3] if path.lower().endswith(".md") else path
    try:
        candidates = vault.resolver.candidates(stem)
    except Exception:  # a resolver without candidates(): count notes with the same name
        candidates = [p for p in vault.notes if p.rsplit("/", 1)[-1].lower() == base.lower()]
    return stem if len(candidates) <= 1 else no_ext


def obsidian_link(vault: Any, source: Source) -> str:
    """``[[Note#Heading]]``, or ``[[Note]]`` when the source has no heading."""
    target = link_target(vault, source.path)
    heading = _link_heading(source.heading) if source.heading else ""
    return f"[[{target}#{heading}]]" if heading else f"[[{target}]]"
