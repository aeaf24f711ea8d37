"""JSON Canvas 1.0 (https://jsoncanvas.org/spec/1.0/): the network as a picture in Obsidian.

Layout, all integer and deterministic (same graph -> same bytes):

- a header row: a legend (text node) on the left, "you" (the ``type: me`` note as a file
  node, else a text node) centred above the companies;
- one group per company, labelled with its name, holding the company note (purple)
  and then its people as file nodes on a grid of up to four columns;
- groups packed left to right into shelves no wider than ``MAX_ROW_WIDTH``, companies
  you applied to first, then the largest; a last group holds people without a company;
- people are coloured by how recently you were in touch (green ≤ 30 days, yellow ≤ 90,
  orange longer ago; no colour: no contact yet) when ``today`` is given;
- edges: from you to each company you applied to (labelled with date and status) and
  from the introducer to each person they introduced. Contact edges are left out (the
  colours carry them); with hundreds of people they would be a hairball.

Cards never overlap: a grid cell is a card plus a gap, groups are disjoint rectangles,
and the group label (drawn by Obsidian above the box) has a shelf gap to live in.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from math import ceil, isqrt
from typing import Any

import networkx as nx

from vaultlink.export import CompanyBox, PeopleView, application_label, people_view

__all__ = ["canvas_data", "to_canvas"]

CARD_W = 260
CARD_H = 60
GAP_X = 60  # room for an edge label between two cards side by side
GAP_Y = 40
PAD = 30
SHELF_GAP = 110  # the group label is drawn above the box
COLUMN_GAP = 80
MAX_COLUMNS = 4
MAX_ROW_WIDTH = 2800
MAX_APPLIED_WIDTH = 6000
LEGEND_W = 520
LEGEND_H = 170
APPLIED_GAP = 300  # room under "you" for the fan of labelled application edges

COMPANY_COLOR = "6"
ME_COLOR = "5"
WARM = ((30, "4"), (90, "3"))
STALE = "2"


@dataclass(slots=True)
class _Box:
    x: int
    y: int
    w: int
    h: int

    def side_towards(self, other: _Box) -> tuple[str, str]:
        """(fromSide, toSide) for an edge from this box to ``other``."""
        if other.y >= self.y + self.h:
            return "bottom", "top"
        if other.y + other.h <= self.y:
            return "top", "bottom"
        if other.x >= self.x + self.w:
            return "right", "left"
        return "left", "right"


def _id(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def _grid_columns(cells: int, limit: int) -> int:
    """Columns for a near-square grid, at most ``limit`` wide."""
    if cells <= 1:
        return 1
    return max(1, min(limit, ceil(cells / max(1, isqrt(cells))), cells))


def _group_size(cells: int, columns: int) -> tuple[int, int]:
    rows = max(1, ceil(cells / columns))
    width = 2 * PAD + columns * CARD_W + (columns - 1) * GAP_X
    height = 2 * PAD + rows * CARD_H + (rows - 1) * GAP_Y
    return width, height


@dataclass(slots=True)
class _Unit:
    """One group to place: a company (``box``) or the people without one (``box=None``)."""

    box: CompanyBox | None
    cells: list[str]
    columns: int
    width: int = 0
    height: int = 0

    @property
    def key(self) -> str:
        return self.box.node if self.box is not None else ""

    @property
    def label(self) -> str:
        return self.box.name if self.box is not None else "No company"


def canvas_data(g: nx.MultiDiGraph, *, today: date | None = None) -> dict[str, Any]:
    """The canvas as a dict: ``{"nodes": [...], "edges": [...]}`` (groups first, so cards
    are drawn above them)."""
    view = people_view(g)
    applied, others, loose = _units(view)
    header = max(LEGEND_H, CARD_H)
    y = header + APPLIED_GAP
    placed: list[tuple[_Unit, int, int]] = []
    width = CARD_W
    for band, limit in ((applied, MAX_APPLIED_WIDTH), (others, MAX_ROW_WIDTH)):
        for row in _shelves(band, max(limit, width if band is others else 0)):
            x = 0
            for unit in row:
                placed.append((unit, x, y))
                x += unit.width + COLUMN_GAP
            width = max(width, x - COLUMN_GAP)
            y += max(u.height for u in row) + SHELF_GAP
    if loose is not None:
        loose.columns = _loose_columns(len(loose.cells), width)
        loose.width, loose.height = _group_size(len(loose.cells), loose.columns)
        placed.append((loose, 0, y))
        width = max(width, loose.width)

    groups: list[dict[str, Any]] = []
    cards: list[dict[str, Any]] = []
    boxes: dict[str, _Box] = {}
    for unit, x, top in placed:
        group_id = _id("group", unit.key)
        groups.append({"id": group_id, "type": "group", "x": x, "y": top,
                       "width": unit.width, "height": unit.height, "label": unit.label})
        boxes[unit.key] = _Box(x, top, unit.width, unit.height)
        for i, node in enumerate(unit.cells):
            cx = x + PAD + (i % unit.columns) * (CARD_W + GAP_X)
            cy = top + PAD + (i // unit.columns) * (CARD_H + GAP_Y)
            cards.append(_card(view, node, cx, cy, today, company=node == unit.key))
            if node != unit.key:
                boxes[node] = _Box(cx, cy, CARD_W, CARD_H)

    first = {id(u) for u in applied}
    band_width = max((x + u.width for u, x, _ in placed if id(u) in first), default=width)
    me_x = max(LEGEND_W + COLUMN_GAP, (band_width - CARD_W) // 2)
    boxes[view.me] = _Box(me_x, 0, CARD_W, CARD_H)
    me_card: dict[str, Any] = {"id": _id("me"), "type": "text", "x": me_x, "y": 0,
                               "width": CARD_W, "height": CARD_H, "color": ME_COLOR}
    if view.me_is_note:
        me_card.update(type="file", file=view.me)
    else:
        me_card["text"] = "**You**" if view.me_name == "me" else f"**You** ({view.me_name})"
    legend = {"id": _id("legend"), "type": "text", "x": 0, "y": 0,
              "width": LEGEND_W, "height": LEGEND_H, "text": _legend(view, today)}
    card_ids = {c["file"]: c["id"] for c in cards}
    edges = _edges(view, boxes, me_card["id"], card_ids)
    return {"nodes": [*groups, legend, me_card, *cards], "edges": edges}


def to_canvas(g: nx.MultiDiGraph, *, today: date | None = None) -> str:
    """The ``.canvas`` file text (tab-indented JSON, as Obsidian writes it)."""
    return json.dumps(canvas_data(g, today=today), ensure_ascii=False, indent="\t") + "\n"


def _units(view: PeopleView) -> tuple[list[_Unit], list[_Unit], _Unit | None]:
    """(companies you applied to, by name; other companies, biggest first; the people
    without a company or None)."""
    applied: list[_Unit] = []
    others: list[_Unit] = []
    for box in view.companies:
        cells = ([box.node] if box.is_note else []) + box.members
        if not cells and not box.applications:
            continue  # a name someone also works at, shown in their main company
        unit = _Unit(box, cells, _grid_columns(len(cells), MAX_COLUMNS))
        unit.width, unit.height = _group_size(len(cells), unit.columns)
        (applied if box.applications else others).append(unit)
    others.sort(key=lambda u: (-len(u.cells), u.label.lower(), u.key))
    loose = _Unit(None, list(view.loose), 1) if view.loose else None
    return applied, others, loose


def _shelves(units: list[_Unit], limit: int) -> list[list[_Unit]]:
    """Shelf packing: left to right, a new shelf when the row would get wider than
    ``limit`` (a single group wider than that gets a shelf of its own)."""
    shelves: list[list[_Unit]] = []
    row: list[_Unit] = []
    x = 0
    for unit in units:
        if row and x + unit.width > limit:
            shelves.append(row)
            row, x = [], 0
        row.append(unit)
        x += unit.width + COLUMN_GAP
    if row:
        shelves.append(row)
    return shelves


def _loose_columns(cells: int, width: int) -> int:
    """As many columns as the companies above are wide (4..12), never more than needed."""
    fit = (max(width, CARD_W) - 2 * PAD + GAP_X) // (CARD_W + GAP_X)
    return max(1, min(cells, max(4, min(12, fit))))


def _card(
    view: PeopleView, node: str, x: int, y: int, today: date | None, *, company: bool
) -> dict[str, Any]:
    card: dict[str, Any] = {"id": _id("node", node), "type": "file", "file": node,
                            "x": x, "y": y, "width": CARD_W, "height": CARD_H}
    color = COMPANY_COLOR if company else _warmth(view, node, today)
    if color is not None:
        card["color"] = color
    return card


def _warmth(view: PeopleView, person: str, today: date | None) -> str | None:
    if today is None or person not in view.contacts:
        return None
    days = (today - view.contacts[person][1]).days
    for limit, color in WARM:
        if days <= limit:
            return color
    return STALE


def _legend(view: PeopleView, today: date | None) -> str:
    lines = [
        f"**Network** — {len(view.people)} people, {len(view.companies)} companies",
        "Groups are companies; arrows from you are applications, "
        "arrows between people are introductions.",
    ]
    if today is not None:
        lines.append(f"Colours (as of {today.isoformat()}): green in touch ≤ 30 days, "
                     "yellow ≤ 90 days, orange longer ago, none: no contact yet.")
    return "\n\n".join(lines)


def _edges(
    view: PeopleView,
    boxes: dict[str, _Box],
    me_id: str,
    card_ids: dict[str, str],
) -> list[dict[str, Any]]:
    edges: list[dict[str, Any]] = []
    me_box = boxes[view.me]
    for box in view.companies:
        if not box.applications:
            continue
        target = _id("group", box.node)
        target_box = boxes[box.node]
        label = "; ".join(application_label(status, when) for _, status, when in box.applications)
        from_side, to_side = me_box.side_towards(target_box)
        edges.append({"id": _id("applied", box.node), "fromNode": me_id, "fromSide": from_side,
                      "toNode": target, "toSide": to_side, "label": label})
    for introducer, person, _ in view.introductions:
        a, b = card_ids.get(introducer), card_ids.get(person)
        if a is None or b is None:
            continue
        from_side, to_side = boxes[introducer].side_towards(boxes[person])
        label = "introduced"
        edges.append({"id": _id("introduced", introducer, person), "fromNode": a,
                      "fromSide": from_side, "toNode": b, "toSide": to_side, "label": label})
    return edges
