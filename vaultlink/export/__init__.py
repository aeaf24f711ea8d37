"""The graph as files: node-link JSON, GraphML, JSON Canvas and Mermaid.

JSON and GraphML are the whole graph (for tools). Canvas and Mermaid are pictures for a
person, so they draw the *people view* (``people_view``): "me", people grouped by
company, applications and introductions; daily notes and plain notes are left out.
Every exporter is a pure function from a graph to text; the CLI decides where it goes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import networkx as nx

from vaultlink.graph import me_node

__all__ = [
    "FORMATS",
    "CompanyBox",
    "PeopleView",
    "application_label",
    "export",
    "people_view",
]

FORMATS = ("json", "graphml", "canvas", "mermaid")


def export(g: nx.MultiDiGraph, fmt: str, *, today: date | None = None) -> str:
    """Render ``g`` in one of ``FORMATS``; ``today`` colours the canvas by recency."""
    if fmt == "json":
        from vaultlink.export.node_link import to_node_link

        return to_node_link(g)
    if fmt == "graphml":
        from vaultlink.export.graphml import to_graphml

        return to_graphml(g)
    if fmt == "canvas":
        from vaultlink.export.canvas import to_canvas

        return to_canvas(g, today=today)
    if fmt == "mermaid":
        from vaultlink.export.mermaid import to_mermaid

        return to_mermaid(g)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


@dataclass(slots=True)
class CompanyBox:
    """A company (a note, or a ``missing:`` name people work at) and who is there."""

    node: str
    name: str
    is_note: bool
    members: list[str] = field(default_factory=list)
    applications: list[tuple[str, str | None, date | None]] = field(default_factory=list)


@dataclass(slots=True)
class PeopleView:
    """What the pictures draw: "me", people, their companies, applications, introductions.

    ``contacts`` maps a person to (days with contact, last contact date).
    """

    me: str
    me_name: str
    me_is_note: bool
    people: list[str]
    names: Mapping[str, str]
    companies: list[CompanyBox]
    company_of: Mapping[str, str]
    loose: list[str]
    introductions: list[tuple[str, str, date | None]]
    contacts: Mapping[str, tuple[int, date]]


def people_view(g: nx.MultiDiGraph) -> PeopleView:
    """Extract the people view from a (possibly filtered) graph, deterministically."""
    me = me_node(g)
    kinds: dict[str, str] = dict(g.nodes(data="kind", default="note"))
    names = {n: str(g.nodes[n].get("name", n)) for n in g}
    people = sorted((n for n, k in kinds.items() if k == "person"),
                    key=lambda n: (names[n].lower(), n))
    person_set = set(people)

    works: dict[str, list[str]] = defaultdict(list)
    introductions: list[tuple[str, str, date | None]] = []
    applied: dict[str, list[tuple[str, str | None, date | None]]] = defaultdict(list)
    contacts: dict[str, tuple[int, date]] = {}
    for u, v, data in g.edges(data=True):
        kind = data.get("kind")
        if kind == "works_at" and u in person_set:
            works[u].append(v)
        elif kind == "introduced_by" and u in person_set and v in person_set:
            introductions.append((v, u, _as_date(data.get("date"))))
        elif kind == "applied_to":
            applied[v].append((u, _str_or_none(data.get("status")), _as_date(data.get("date"))))
        elif kind == "contacted" and u == me and v in person_set:
            when = _as_date(data.get("date"))
            if when is not None:
                contacts[v] = (int(data.get("count", 1)), when)

    company_nodes = {n for n, k in kinds.items() if k == "company"}
    company_nodes.update(c for targets in works.values() for c in targets)
    company_nodes.update(applied)
    company_nodes.discard(me)
    company_nodes -= person_set
    company_of: dict[str, str] = {}
    loose: list[str] = []
    for person in people:
        home = next((c for c in works.get(person, ()) if c in company_nodes), None)
        if home is None:
            loose.append(person)
        else:
            company_of[person] = home
    boxes: dict[str, CompanyBox] = {
        c: CompanyBox(c, names[c], kinds.get(c) != "missing") for c in company_nodes
    }
    for person in people:
        if person in company_of:
            boxes[company_of[person]].members.append(person)
    for company, apps in applied.items():
        if company in boxes:
            boxes[company].applications.extend(sorted(apps, key=lambda a: a[0]))
    return PeopleView(
        me=me,
        me_name=names.get(me, "me") if me in g else "me",
        me_is_note=me in g and me != "me",
        people=people,
        names=names,
        companies=sorted(boxes.values(), key=lambda b: (b.name.lower(), b.node)),
        company_of=company_of,
        loose=loose,
        introductions=sorted(introductions, key=lambda i: (i[0], i[1])),
        contacts=contacts,
    )


def application_label(status: str | None, when: date | None) -> str:
    """``applied 2026-10-05 · rejected`` (the date is when you applied), or ``planned``."""
    if status == "planned":
        return "planned"
    text = f"applied {when.isoformat()}" if when else "applied"
    return text if status in (None, "applied") else f"{text} · {status}"


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _str_or_none(value: Any) -> str | None:
    return str(value) if value is not None else None
