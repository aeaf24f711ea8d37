"""Node-link JSON: ``networkx.node_link_data(G, edges="edges")`` with ISO dates.

Reading it back is ``networkx.node_link_graph(json.load(f), edges="edges")``.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime, time
from typing import Any

import networkx as nx

__all__ = ["node_link", "to_node_link"]


def node_link(g: nx.MultiDiGraph) -> dict[str, Any]:
    """The node-link dict with every value made JSON-safe (dates as ISO strings)."""
    data: dict[str, Any] = nx.node_link_data(g, edges="edges")
    return {key: _plain(value) for key, value in data.items()}


def to_node_link(g: nx.MultiDiGraph) -> str:
    return json.dumps(node_link(g), ensure_ascii=False, indent=1, allow_nan=False) + "\n"


def _plain(value: Any) -> Any:
    """Dates -> ISO strings, tuples/sets -> lists, NaN/inf -> None, unknown -> str."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((_plain(v) for v in value), key=str)
    return str(value)
