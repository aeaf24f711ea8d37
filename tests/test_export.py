"""Exports: node-link JSON and GraphML round-trip; the canvas obeys JSON Canvas 1.0 and
never overlaps; the Mermaid is structurally valid whatever the names hold."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

import vaultlink
from vaultlink.export import export, people_view
from vaultlink.export.canvas import canvas_data
from vaultlink.export.graphml import graphml_ready, to_graphml
from vaultlink.export.mermaid import escape_label, to_mermaid
from vaultlink.export.node_link import node_link, to_node_link

NETWORK = Path(__file__).resolve().parent / "fixtures" / "graph" / "network"
SAMPLE = Path(__file__).resolve().parent.parent / "sample_vault"
TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    return vaultlink.load(NETWORK, use_cache=False).graph


def synthetic(people: int = 300, companies: int = 60, loose: int = 40,
              applied: int = 15, names: list[str] | None = None) -> nx.MultiDiGraph:
    """A few hundred people: company sizes 1..20, some applications and introductions."""
    g = nx.MultiDiGraph(me="Me.md")
    g.add_node("Me.md", kind="me", name="Me")
    company_ids = [f"Companies/C{i:02d}.md" for i in range(companies)]
    for i, c in enumerate(company_ids):
        g.add_node(c, kind="company", name=names[i % len(names)] if names else f"C{i:02d}")
    person_ids = []
    for i in range(people + loose):
        p = f"People/P{i:03d}.md"
        person_ids.append(p)
        name = names[(i + 3) % len(names)] if names else f"Person {i:03d}"
        g.add_node(p, kind="person", name=name)
        if i < people:
            # skewed sizes: a few big companies, many small ones
            g.add_edge(p, company_ids[(i * i) % companies], kind="works_at")
        if i % 3 == 0:
            g.add_edge("Me.md", p, kind="contacted", count=1 + i % 5,
                       date=date(2026, 1 + i % 11, 1 + i % 28))
    for i in range(applied):
        a = f"Applications/A{i}.md"
        g.add_node(a, kind="application", name=f"A{i}")
        g.add_edge(a, company_ids[i * 3 % companies], kind="applied_to",
                   date=date(2026, 10, 1 + i), status=["applied", "rejected", None][i % 3])
    for i in range(0, people + loose - 7, 11):
        g.add_edge(person_ids[i], person_ids[i + 7], kind="introduced_by")
    g.add_node("missing:Ghost Co", kind="missing", name="Ghost Co")
    g.add_edge(person_ids[1], "missing:Ghost Co", kind="works_at")
    return g


# -- node-link JSON -------------------------------------------------------------------------------
def test_node_link_round_trips(graph: nx.MultiDiGraph) -> None:
    text = to_node_link(graph)
    data = json.loads(text)
    back = nx.node_link_graph(data, edges="edges")
    assert isinstance(back, nx.MultiDiGraph)
    assert set(back.nodes) == set(graph.nodes)
    assert sorted(back.edges(keys=True)) == sorted(graph.edges(keys=True))
    assert back.graph["me"] == "Me.md"
    kinds = {(u, v, k): d["kind"] for u, v, k, d in back.edges(keys=True, data=True)}
    assert kinds == {(u, v, k): d["kind"] for u, v, k, d in graph.edges(keys=True, data=True)}


def test_node_link_dates_are_iso_strings(graph: nx.MultiDiGraph) -> None:
    data = node_link(graph)
    screen = next(n for n in data["nodes"] if n["id"] == "Interviews/2026-10-20 Acme screen.md")
    assert screen["date"] == "2026-10-20"
    contacted = [e for e in data["edges"] if e["kind"] == "contacted"]
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", e["date"]) for e in contacted)
    json.dumps(data, allow_nan=False)  # plain JSON all the way down


def test_node_link_keeps_property_named_id(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("---\nid: 42\nkind: odd\n---\n", encoding="utf-8")
    g = vaultlink.load(tmp_path, use_cache=False).graph
    node = next(n for n in node_link(g)["nodes"] if n["id"] == "a.md")
    assert node["prop:id"] == 42
    assert node["prop:kind"] == "odd"
    assert node["kind"] == "note"


# -- GraphML --------------------------------------------------------------------------------------
def test_graphml_reads_back(graph: nx.MultiDiGraph) -> None:
    back = nx.read_graphml(io.StringIO(to_graphml(graph)), force_multigraph=True)
    assert set(back.nodes) == set(graph.nodes)
    assert back.number_of_edges() == graph.number_of_edges()
    assert sorted((u, v, d["kind"]) for u, v, d in back.edges(data=True)) == sorted(
        (u, v, d["kind"]) for u, v, d in graph.edges(data=True))
    jane = back.nodes["People/Jane Doe.md"]
    assert jane["kind"] == "person"
    assert jane["aliases"] == "JD"  # lists joined
    assert back.nodes["Me.md"]["interests"] == "climbing, Rust"
    dated = [d for _, _, d in back.edges(data=True) if d["kind"] == "contacted"]
    assert all(isinstance(d["date"], str) and isinstance(d["count"], int) for d in dated)


def test_graphml_values_are_scalars_of_one_type_per_name() -> None:
    g = nx.MultiDiGraph(me="me")
    g.add_node("a", kind="note", score=3, tags=["x", "y"], when=date(2026, 1, 2),
               meta={"k": [1, 2]}, empty=None, flag=True, bad="bell\x07char")
    g.add_node("b", kind="note", score="high", flag=False)
    g.add_edge("a", "b", kind="links_to", line=4, note=None)
    ready = graphml_ready(g)
    assert ready.nodes["a"]["tags"] == "x, y"
    assert ready.nodes["a"]["when"] == "2026-01-02"
    assert json.loads(ready.nodes["a"]["meta"]) == {"k": [1, 2]}
    assert "empty" not in ready.nodes["a"]
    assert ready.nodes["a"]["score"] == "3"  # mixed int/str -> str everywhere
    assert ready.nodes["a"]["flag"] is True
    assert "note" not in ready.edges["a", "b", 0]
    back = nx.read_graphml(io.StringIO(to_graphml(g)), force_multigraph=True)
    assert back.nodes["a"]["score"] == "3"
    assert back.nodes["b"]["score"] == "high"
    assert back.nodes["a"]["flag"] is True
    assert back.nodes["a"]["bad"] == "bellchar"
    assert back.edges["a", "b", 0]["line"] == 4


def test_graphml_of_the_sample_vault_reads_back() -> None:
    g = vaultlink.load(SAMPLE, use_cache=False).graph
    back = nx.read_graphml(io.StringIO(export(g, "graphml")), force_multigraph=True)
    assert back.number_of_nodes() == g.number_of_nodes()
    assert back.number_of_edges() == g.number_of_edges()


# -- JSON Canvas 1.0 ------------------------------------------------------------------------------
SIDES = {"top", "right", "bottom", "left"}
COLOR = re.compile(r"[1-6]|#[0-9a-fA-F]{6}")


def _rect(n: dict[str, Any]) -> tuple[int, int, int, int]:
    return n["x"], n["y"], n["x"] + n["width"], n["y"] + n["height"]


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _inside(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return b[0] <= a[0] and b[1] <= a[1] and a[2] <= b[2] and a[3] <= b[3]


def validate_canvas(data: Any) -> None:
    """JSON Canvas 1.0: top-level nodes/edges; typed nodes with integer geometry; unique
    ids; edges between existing nodes with valid sides/ends. Plus the layout promise: no
    two cards overlap, no two groups overlap, and a card is inside a group or clear of it."""
    assert isinstance(data, dict)
    assert set(data) <= {"nodes", "edges"}
    nodes, edges = data.get("nodes", []), data.get("edges", [])
    ids = [n["id"] for n in nodes] + [e["id"] for e in edges]
    assert all(isinstance(i, str) and i for i in ids)
    assert len(ids) == len(set(ids)), "ids must be unique"
    by_id = {n["id"]: n for n in nodes}
    for n in nodes:
        for key in ("x", "y", "width", "height"):
            assert type(n[key]) is int, (key, n)
        assert n["width"] > 0
        assert n["height"] > 0
        assert n["type"] in {"text", "file", "link", "group"}
        if n["type"] == "text":
            assert isinstance(n["text"], str)
        elif n["type"] == "file":
            assert isinstance(n["file"], str)
            assert n["file"]
        elif n["type"] == "link":
            assert isinstance(n["url"], str)
        else:
            assert isinstance(n.get("label", ""), str)
        if "color" in n:
            assert COLOR.fullmatch(n["color"])
    for e in edges:
        assert e["fromNode"] in by_id
        assert e["toNode"] in by_id
        for key in ("fromSide", "toSide"):
            assert e.get(key, "top") in SIDES
        for key in ("fromEnd", "toEnd"):
            assert e.get(key, "none") in {"none", "arrow"}
        assert isinstance(e.get("label", ""), str)
    groups = [_rect(n) for n in nodes if n["type"] == "group"]
    cards = [_rect(n) for n in nodes if n["type"] != "group"]
    for i, a in enumerate(groups):
        for b in groups[i + 1:]:
            assert not _overlap(a, b) or _inside(a, b) or _inside(b, a), (a, b)
    for i, a in enumerate(cards):
        for b in cards[i + 1:]:
            assert not _overlap(a, b), (a, b)
        for group in groups:
            assert not _overlap(a, group) or _inside(a, group), (a, group)
    # groups come first so cards are drawn above them
    kinds = [n["type"] == "group" for n in nodes]
    assert kinds == sorted(kinds, reverse=True)


def _group(data: dict[str, Any], label: str) -> dict[str, Any]:
    return next(n for n in data["nodes"] if n["type"] == "group" and n.get("label") == label)


def _file(data: dict[str, Any], path: str) -> dict[str, Any]:
    return next(n for n in data["nodes"] if n.get("file") == path)


def test_canvas_is_valid_and_groups_hold_their_people(graph: nx.MultiDiGraph) -> None:
    text = export(graph, "canvas", today=TODAY)
    data = json.loads(text)
    validate_canvas(data)
    acme = _rect(_group(data, "Acme"))
    for path in ("People/Jane Doe.md", "People/Leo Park.md", "Companies/Acme.md"):
        assert _inside(_rect(_file(data, path)), acme)
    beta = _rect(_group(data, "Beta Labs"))
    assert _inside(_rect(_file(data, "People/Rita Recent.md")), beta)
    assert not _overlap(_rect(_file(data, "People/Jane Doe.md")), beta)
    loose = _rect(_group(data, "No company"))
    assert _inside(_rect(_file(data, "People/Nadia Nocompany.md")), loose)
    assert _group(data, "Gamma Inc")  # a company with no note is still a group


def test_canvas_me_on_top_and_labelled_edges(graph: nx.MultiDiGraph) -> None:
    data = canvas_data(graph, today=TODAY)
    me = _file(data, "Me.md")
    others = [n for n in data["nodes"] if n["type"] != "text" and n is not me]
    assert all(n["y"] > me["y"] + me["height"] for n in others)
    labels = {(e["fromNode"], e["toNode"]): e["label"] for e in data["edges"]}
    beta = _group(data, "Beta Labs")
    assert labels[(me["id"], beta["id"])] == "applied 2026-11-10"
    assert labels[(me["id"], _group(data, "Zeta")["id"])] == "planned"
    jane, leo = _file(data, "People/Jane Doe.md"), _file(data, "People/Leo Park.md")
    assert labels[(jane["id"], leo["id"])] == "introduced"


def test_canvas_colours_people_by_recency(graph: nx.MultiDiGraph) -> None:
    data = canvas_data(graph, today=TODAY)
    assert _file(data, "People/Rita Recent.md")["color"] == "4"  # 5 days
    assert _file(data, "People/Jane Doe.md")["color"] == "4"  # 18 days
    assert _file(data, "People/Old Friend.md")["color"] == "2"  # two years
    assert "color" not in _file(data, "People/Leo Park.md")  # never contacted
    assert "color" not in _file(canvas_data(graph), "People/Rita Recent.md")


def test_canvas_without_me_note_uses_a_text_card() -> None:
    g = nx.MultiDiGraph(me="me")
    g.add_node("me", kind="me", name="Sam")
    g.add_node("People/A.md", kind="person", name="A")
    data = canvas_data(g)
    validate_canvas(data)
    texts = [n["text"] for n in data["nodes"] if n["type"] == "text"]
    assert "**You** (Sam)" in texts


def test_canvas_hundreds_of_people_no_overlap_and_deterministic() -> None:
    g = synthetic()
    first = export(g, "canvas", today=TODAY)
    assert first == export(g, "canvas", today=TODAY)
    data = json.loads(first)
    validate_canvas(data)
    files = [n for n in data["nodes"] if n["type"] == "file"]
    assert len({n["file"] for n in files}) == len(files)
    people = {n["file"] for n in files if n["file"].startswith("People/")}
    assert len(people) == 340
    right = max(n["x"] + n["width"] for n in data["nodes"])
    bottom = max(n["y"] + n["height"] for n in data["nodes"])
    assert right <= 7000
    assert bottom <= 12000
    view = people_view(g)
    groups = {n["label"] for n in data["nodes"] if n["type"] == "group"}
    assert "Ghost Co" not in groups  # nobody's main company, never applied to
    for box in view.companies:
        if not box.members:
            continue
        group = _rect(next(n for n in data["nodes"]
                           if n["type"] == "group" and n["label"] == box.name))
        for member in box.members:
            assert _inside(_rect(_file(data, member)), group)


def test_canvas_of_an_empty_graph() -> None:
    g = nx.MultiDiGraph(me="me")
    g.add_node("me", kind="me", name="me")
    validate_canvas(canvas_data(g))


# -- Mermaid --------------------------------------------------------------------------------------
NODE_ID = r"n\d+"
LABEL = r'"(?:[^"\[\](){}<>|`%&]|#(?:quot|\d+);)*"'
NODE = re.compile(rf"({NODE_ID})(\(\[{LABEL}\]\)|\[{LABEL}\]|\[\[{LABEL}\]\])")
SUBGRAPH = re.compile(rf"subgraph ({NODE_ID}) \[{LABEL}\]")
EDGE = re.compile(rf"({NODE_ID}) (-->|-\.->|==>)\|{LABEL}\| ({NODE_ID})")
CLASS = re.compile(rf"class ({NODE_ID}(?:,{NODE_ID})*) internal-link")
STYLE = re.compile(rf"style ({NODE_ID}) [a-z-]+:[0-9a-z#]+(?:,[a-z-]+:[0-9a-z#]+)*")


def validate_mermaid(text: str) -> dict[str, str]:
    """A strict structural check of what ``to_mermaid`` may emit: every statement one of
    the known shapes, ids safe identifiers defined once, labels quoted with no raw
    special characters, subgraphs balanced, every edge/class/style id defined.
    Returns the node id -> decoded label map."""
    lines = text.rstrip("\n").split("\n")
    assert lines[0] == "flowchart LR"
    defined: dict[str, str] = {}
    used: list[str] = []
    depth = 0
    for line in lines[1:]:
        statement = line.strip()
        assert line == line.rstrip()
        if m := NODE.fullmatch(statement):
            assert m.group(1) not in defined
            defined[m.group(1)] = _decode(m.group(2))
        elif m := SUBGRAPH.fullmatch(statement):
            assert depth == 0, "no nested subgraphs"
            assert m.group(1) not in defined
            defined[m.group(1)] = _decode(statement)
            depth += 1
        elif statement == "end":
            depth -= 1
            assert depth >= 0
        elif m := EDGE.fullmatch(statement):
            used += [m.group(1), m.group(3)]
        elif m := CLASS.fullmatch(statement):
            used += m.group(1).split(",")
        elif m := STYLE.fullmatch(statement):
            used.append(m.group(1))
        else:
            raise AssertionError(f"not a known statement: {line!r}")
    assert depth == 0
    assert set(used) <= set(defined), set(used) - set(defined)
    return defined


def _decode(shape: str) -> str:
    """The text Mermaid shows for a quoted label: entity codes back to characters."""
    label = shape[shape.index('"') + 1:shape.rindex('"')]
    return re.sub(r"#(quot|\d+);",
                  lambda m: '"' if m.group(1) == "quot" else chr(int(m.group(1))), label)


def test_mermaid_of_the_fixture(graph: nx.MultiDiGraph) -> None:
    text = to_mermaid(graph)
    labels = validate_mermaid(text)
    assert "Jane Doe" in labels.values()
    assert "You (Sam Rivera)" in labels.values()
    assert re.search(r'^ {4}subgraph n\d+ \["Acme"\]$', text, re.M)
    assert '-->|"introduced"|' in text
    assert '==>|"applied 2026-11-10"|' in text
    assert '-.->|"4× · last 2026-11-18"|' in text


NASTY = ['Jane "JJ" Doe', "[Draft] Acme (EU) {x}", "A|B & <b>C</b>", "C# dev #1;", "end",
         "%% not a comment", "`tick`", "subgraph", "Ünïcødé 名前", "100% sure; a -> b"]


def test_mermaid_escapes_every_special_character() -> None:
    for name in NASTY:
        label = escape_label(name)
        assert re.fullmatch(LABEL, label), label
        assert _decode(label) == name
    assert escape_label('say "hi"') == '"say #quot;hi#quot;"'
    assert escape_label("two\nlines") == '"two lines"'


def test_mermaid_with_nasty_names_is_valid() -> None:
    g = synthetic(people=30, companies=8, loose=5, applied=4, names=NASTY)
    labels = validate_mermaid(to_mermaid(g))
    assert set(NASTY) <= set(labels.values()) | {"You (Me)"}


def test_mermaid_fenced_for_a_note(graph: nx.MultiDiGraph) -> None:
    text = to_mermaid(graph, fenced=True)
    assert text.startswith("```mermaid\nflowchart LR\n")
    assert text.endswith("\n```\n")
    validate_mermaid(text.removeprefix("```mermaid\n").removesuffix("```\n"))


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown format"):
        export(nx.MultiDiGraph(), "dot")
