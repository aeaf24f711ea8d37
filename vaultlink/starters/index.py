"""Per-vault lookups the starter sources share, built once per loaded vault.

Sources run once per person; without this each would scan every interaction,
application and daily note for every person (quadratic on a 10,000-note vault).
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from vaultlink.records import Application, Interaction, Person

if TYPE_CHECKING:
    from vaultlink.vault import Vault


@dataclass(frozen=True, slots=True)
class SharedLine:
    """One line of a daily note that links this person and others."""

    path: str
    line: int
    heading: str | None
    day: date | None
    others: frozenset[str]


@dataclass(frozen=True, slots=True)
class VaultIndex:
    interactions: Mapping[str, tuple[Interaction, ...]] = field(default_factory=dict)
    applications: Mapping[str, tuple[Application, ...]] = field(default_factory=dict)
    introduced: Mapping[str, tuple[Person, ...]] = field(default_factory=dict)
    daily_lines: Mapping[str, tuple[SharedLine, ...]] = field(default_factory=dict)
    circle: frozenset[str] = frozenset()


_CACHE: weakref.WeakKeyDictionary[Vault, VaultIndex] = weakref.WeakKeyDictionary()


def index_for(vault: Vault) -> VaultIndex:
    """The index for a vault (built on first use, dropped with the vault)."""
    found = _CACHE.get(vault)
    if found is None:
        found = _build(vault)
        _CACHE[vault] = found
    return found


def _build(vault: Vault) -> VaultIndex:
    model = vault.model
    people = model.people
    interactions: dict[str, list[Interaction]] = defaultdict(list)
    for interaction in model.interactions.values():
        for person in dict.fromkeys(interaction.people):
            interactions[person].append(interaction)
    applications: dict[str, list[Application]] = defaultdict(list)
    for application in model.applications.values():
        for person in dict.fromkeys(application.contacts):
            applications[person].append(application)
    introduced: dict[str, list[Person]] = defaultdict(list)
    for someone in sorted(people.values(), key=lambda p: p.path):
        if someone.met_via is not None and someone.met_via != someone.path:
            introduced[someone.met_via].append(someone)
    return VaultIndex(
        interactions={k: tuple(v) for k, v in interactions.items()},
        applications={k: tuple(v) for k, v in applications.items()},
        introduced={k: tuple(v) for k, v in introduced.items()},
        daily_lines=_DailyLines(vault),
        circle=_circle(vault),
    )


class _DailyLines(Mapping[str, tuple[SharedLine, ...]]):
    """Person -> the daily-note lines that link them together with someone else.

    Worked out per person on first ask: only the daily notes whose resolved links name
    that person and at least one other are read, so a sync that asks for the few people
    due never loads the thousands of other daily notes.
    """

    def __init__(self, vault: Vault) -> None:
        self._vault = vault
        model = vault.model
        people = model.people
        by_person: dict[str, list[str]] = defaultdict(list)
        for path in model.daily:
            if model.kinds.get(path) != "daily":
                continue
            present = {t for t in model.resolved.get(path, ()) if t is not None and t in people}
            if len(present) > 1:
                for person in present:
                    by_person[person].append(path)
        self._candidates = by_person
        self._lines: dict[str, list[tuple[int, str | None, frozenset[str]]]] = {}
        self._found: dict[str, tuple[SharedLine, ...]] = {}

    def _note_lines(self, path: str) -> list[tuple[int, str | None, frozenset[str]]]:
        """(line, heading, people linked on it) for lines of a daily note naming 2+."""
        found = self._lines.get(path)
        if found is not None:
            return found
        found = []
        model = self._vault.model
        note = self._vault.notes.get(path)
        if note is not None:
            by_line: dict[int, set[str]] = defaultdict(set)
            for link, target in zip(note.links, model.resolved.get(path, ()), strict=False):
                if target is not None and target in model.people and link.key is None \
                        and not link.embed:
                    by_line[link.line].add(target)
            for line, present in by_line.items():
                if len(present) < 2:
                    continue
                heading = next(
                    (b.heading for b in note.blocks if b.line <= line <= b.end_line), None
                )
                found.append((line, heading, frozenset(present)))
        self._lines[path] = found
        return found

    def __getitem__(self, person: str) -> tuple[SharedLine, ...]:
        found = self._found.get(person)
        if found is None:
            if person not in self._candidates:
                raise KeyError(person)
            daily = self._vault.model.daily
            found = tuple(
                SharedLine(path, line, heading, daily.get(path), present - {person})
                for path in self._candidates[person]
                for line, heading, present in self._note_lines(path)
                if person in present
            )
            self._found[person] = found
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._candidates)

    def __len__(self) -> int:
        return len(self._candidates)


def _circle(vault: Vault) -> frozenset[str]:
    """The people you have been in touch with: the graph's mutual connections with "me"
    are drawn from these. The graph's own answer is used when the graph has been built
    already (building it only for this would cost more than it adds)."""
    people = vault.model.people
    if "graph" in vars(vault):
        try:
            from vaultlink.graph import mutual_connections

            me = vault.me.path or "me"
            return frozenset(p for p in mutual_connections(vault, me, me) if p in people)
        except Exception:  # the graph is an enhancement here, never a reason to fail
            pass
    return frozenset(path for path, person in people.items() if person.contacts)
