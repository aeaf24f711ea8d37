"""Per-vault lookups the starter sources share, built once per loaded vault.

Sources run once per person; without this each would scan every interaction,
application and daily note for every person (quadratic on a 10,000-note vault).
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Mapping
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
    daily_lines: dict[str, list[SharedLine]] = defaultdict(list)
    for path, day in model.daily.items():
        if model.kinds.get(path) != "daily":
            continue
        note = vault.notes.get(path)
        if note is None:
            continue
        by_line: dict[int, set[str]] = defaultdict(set)
        for link, target in zip(note.links, model.resolved.get(path, ()), strict=False):
            if target is not None and target in people and link.key is None and not link.embed:
                by_line[link.line].add(target)
        for line, present in by_line.items():
            if len(present) < 2:
                continue
            heading = next((b.heading for b in note.blocks if b.line <= line <= b.end_line),
                           None)
            for person in present:
                daily_lines[person].append(
                    SharedLine(path, line, heading, day, frozenset(present - {person}))
                )
    return VaultIndex(
        interactions={k: tuple(v) for k, v in interactions.items()},
        applications={k: tuple(v) for k, v in applications.items()},
        introduced={k: tuple(v) for k, v in introduced.items()},
        daily_lines={k: tuple(v) for k, v in daily_lines.items()},
        circle=_circle(vault),
    )


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
