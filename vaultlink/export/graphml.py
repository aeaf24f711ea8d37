"""GraphML: the whole graph with attribute values GraphML can hold.

GraphML attributes are typed per name (``<key attr.type=...>``), so every value becomes
a str, int, float or bool: dates become ISO strings, lists are joined with ", ",
mappings become JSON, None is dropped. An attribute name whose values have more than
one type across the graph (``status: 3`` here, ``status: open`` there) is written as
strings everywhere, so ``networkx.read_graphml`` reads back what was written.
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from datetime import date, datetime, time
from typing import Any

import networkx as nx

__all__ = ["graphml_ready", "to_graphml"]

# Characters XML 1.0 cannot hold at all (not even escaped).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def graphml_ready(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of ``g`` whose attribute values are all GraphML scalars of one type per name."""
    out = nx.MultiDiGraph()
    out.graph.update(_clean_attrs(g.graph))
    out.add_nodes_from((_text(n), _clean_attrs(d)) for n, d in g.nodes(data=True))
    out.add_edges_from(
        (_text(u), _text(v), k, _clean_attrs(d)) for u, v, k, d in g.edges(keys=True, data=True)
    )
    _unify_all([d for _, d in out.nodes(data=True)])
    _unify_all([d for _, _, d in out.edges(data=True)])
    return out


def to_graphml(g: nx.MultiDiGraph) -> str:
    return "\n".join(nx.generate_graphml(graphml_ready(g))) + "\n"


def _clean_attrs(attrs: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in attrs.items():
        name = _text(str(key))
        if not name:
            continue
        scalar = _scalar(value)
        if scalar is not None:
            out[name] = scalar
    return out


def _scalar(value: Any) -> str | int | float | bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if -(2**63) <= value < 2**63 else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        items = [_scalar(v) for v in value]
        parts = [str(v) for v in items if v is not None]
        if isinstance(value, set | frozenset):
            parts.sort()
        return ", ".join(parts) if parts else None
    if isinstance(value, dict):
        return _text(json.dumps(value, ensure_ascii=False, default=str, sort_keys=True))
    return _text(str(value))


def _text(value: Any) -> str:
    return _XML_INVALID.sub("", str(value))


def _kind(value: Any) -> type:
    return bool if isinstance(value, bool) else type(value)


def _unify_all(records: list[dict[str, Any]]) -> None:
    types: dict[str, set[type]] = defaultdict(set)
    for record in records:
        for key, value in record.items():
            types[key].add(_kind(value))
    mixed = {key for key, seen in types.items() if len(seen) > 1}
    if not mixed:
        return
    for record in records:
        for key in mixed & record.keys():
            value = record[key]
            record[key] = str(value).lower() if isinstance(value, bool) else str(value)
