"""The relationship graph (SPEC §6): nodes, every edge kind, the queries, intro ranking."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

import vaultlink
from tests.vaultfiles import write_vault
from vaultlink.graph import (
    ME,
    NodeNotFound,
    build_graph,
    contact_strength,
    find_node,
    intro_paths,
    known_at_applied,
    me_node,
    mutual_connections,
    people_at,
    subgraph_around,
)

NETWORK = Path(__file__).resolve().parent / "fixtures" / "graph" / "network"
TODAY = date(2026, 11, 23)
JANE, LEO = "People/Jane Doe.md", "People/Leo Park.md"
RITA, OLD = "People/Rita Recent.md", "People/Old Friend.md"
NADIA, GUS = "People/Nadia Nocompany.md", "People/Gus Gamma.md"
ACME, BETA = "Companies/Acme.md", "Companies/Beta Labs.md"
APP = "Applications/Beta Labs SRE.md"
SCREEN = "Interviews/2026-10-20 Acme screen.md"
DAILY = "Daily/2026-11-18.md"


def _shared_vault(name: str) -> Path:
    for base in (Path(__file__).resolve().parents[2] / "shared" / "vaults",
                 Path("/work/shared/vaults")):
        if (base / name).is_dir():
            return base / name
    pytest.skip(f"shared vault {name} not available")


@pytest.fixture(scope="module")
def vault() -> vaultlink.Vault:
    return vaultlink.load(NETWORK, use_cache=False)


def edges_of(g: nx.MultiDiGraph, kind: str) -> list[tuple[str, str, dict[str, Any]]]:
    return sorted(((u, v, d) for u, v, d in g.edges(data=True) if d["kind"] == kind),
                  key=lambda e: (e[0], e[1]))


def pairs(g: nx.MultiDiGraph, kind: str) -> set[tuple[str, str]]:
    return {(u, v) for u, v, _ in edges_of(g, kind)}


# -- nodes --------------------------------------------------------------------------------------
def test_nodes_are_paths_with_kind_name_and_properties(vault: vaultlink.Vault) -> None:
    g = vault.graph
    assert isinstance(g, nx.MultiDiGraph)
    assert set(vault.notes) <= set(g.nodes)
    assert g.nodes[JANE]["kind"] == "person"
    assert g.nodes[JANE]["name"] == "Jane Doe"
    assert g.nodes[JANE]["role"] == "Staff Engineer"  # a frontmatter property
    assert g.nodes[JANE]["aliases"] == ["JD"]
    assert g.nodes[ACME]["kind"] == "company"
    assert g.nodes[APP]["kind"] == "application"
    assert g.nodes[SCREEN]["kind"] == "interaction"
    assert g.nodes[SCREEN]["date"] == date(2026, 10, 20)
    assert g.nodes[DAILY]["kind"] == "daily"
    assert g.nodes[DAILY]["date"] == date(2026, 11, 18)
    assert g.nodes["Vaultlink/Due this week.md"]["kind"] == "note"


def test_me_note_is_the_me_node(vault: vaultlink.Vault) -> None:
    g = vault.graph
    assert me_node(g) == "Me.md"
    assert g.nodes["Me.md"]["kind"] == "me"
    assert g.nodes["Me.md"]["name"] == "Sam Rivera"
    assert ME not in g


def test_synthetic_me_node_without_a_me_note(tmp_path: Path) -> None:
    root = write_vault(tmp_path, {
        "People/Ann.md": "---\ntype: person\n---\n- 2026-11-01 — call\n",
    })
    g = vaultlink.load(root, use_cache=False).graph
    assert me_node(g) == ME
    assert g.nodes[ME]["kind"] == "me"
    assert pairs(g, "contacted") == {(ME, "People/Ann.md")}


def test_unresolved_links_become_missing_nodes(vault: vaultlink.Vault) -> None:
    g = vault.graph
    assert g.nodes["missing:Nobody Yet"] == {"kind": "missing", "name": "Nobody Yet"}
    assert (DAILY, "missing:Nobody Yet") in pairs(g, "links_to")


def test_missing_nodes_merge_case_insensitively(tmp_path: Path) -> None:
    root = write_vault(tmp_path, {"a.md": "[[Ghost]] and [[ghost]] and [[Ghost.md]]\n"})
    g = vaultlink.load(root, use_cache=False).graph
    assert [n for n, k in g.nodes(data="kind") if k == "missing"] == ["missing:Ghost"]
    assert g.number_of_edges("a.md", "missing:Ghost") == 3


# -- edges --------------------------------------------------------------------------------------
def test_links_to_one_edge_per_link_with_property_key(vault: vaultlink.Vault) -> None:
    g = vault.graph
    links = edges_of(g, "links_to")
    company_links = [d for u, v, d in links if (u, v) == (JANE, ACME)]
    assert company_links == [{"kind": "links_to", "line": 3, "property": "company"}]
    assert (SCREEN, JANE) in pairs(g, "links_to")
    # links from a dated note carry its date
    assert all(d.get("date") == date(2026, 11, 18) for u, _, d in links if u == DAILY)


def test_generated_notes_have_no_outgoing_links(vault: vaultlink.Vault) -> None:
    assert vault.graph.out_degree("Vaultlink/Due this week.md") == 0


def test_works_at_including_a_company_with_no_note(vault: vaultlink.Vault) -> None:
    g = vault.graph
    assert pairs(g, "works_at") == {
        (JANE, ACME), (LEO, ACME), (OLD, BETA), (RITA, BETA), (GUS, "missing:Gamma Inc"),
    }
    jane = next(d for u, _, d in edges_of(g, "works_at") if u == JANE)
    assert jane["role"] == "Staff Engineer"


def test_applied_to_with_date_and_status(vault: vaultlink.Vault) -> None:
    applied = edges_of(vault.graph, "applied_to")
    assert [(u, v) for u, v, _ in applied] == [(APP, BETA), ("Applications/Zeta idea.md",
                                                            "missing:Zeta")]
    assert applied[0][2] == {"kind": "applied_to", "date": date(2026, 11, 10),
                             "status": "applied"}
    assert applied[1][2] == {"kind": "applied_to", "status": "planned"}


def test_contact_for_person_to_application(vault: vaultlink.Vault) -> None:
    assert edges_of(vault.graph, "contact_for") == [
        (OLD, APP, {"kind": "contact_for", "date": date(2026, 11, 10)}),
    ]


def test_attended_person_to_interaction(vault: vaultlink.Vault) -> None:
    attended = edges_of(vault.graph, "attended")
    assert [(u, v) for u, v, _ in attended] == [(JANE, SCREEN), (NADIA, SCREEN)]
    assert all(d["date"] == date(2026, 10, 20) for _, _, d in attended)


def test_attended_counts_people_linked_in_the_interaction_body(tmp_path: Path) -> None:
    root = write_vault(tmp_path, {
        "People/Ann.md": "---\ntype: person\n---\n",
        "People/Bo.md": "---\ntype: person\n---\n",
        "Sync.md": "---\ntype: meeting\ndate: 2026-03-02\nwith: ['[[Ann]]']\n---\n"
                   "Bo joined late: [[Bo]]\n",
    })
    g = vaultlink.load(root, use_cache=False).graph
    assert pairs(g, "attended") == {("People/Ann.md", "Sync.md"), ("People/Bo.md", "Sync.md")}


def test_introduced_by_person_to_person(vault: vaultlink.Vault) -> None:
    assert edges_of(vault.graph, "introduced_by") == [
        (LEO, JANE, {"kind": "introduced_by", "date": date(2026, 6, 1)}),
    ]


def test_mentions_daily_note_to_person_but_not_intentions(tmp_path: Path) -> None:
    root = write_vault(tmp_path, {
        "People/Ann.md": "---\ntype: person\n---\n",
        "People/Bo.md": "---\ntype: person\n---\n",
        "2026-03-02.md": "Lunch with [[Ann]].\n\n- [ ] call [[Bo]] next week\n",
    })
    g = vaultlink.load(root, use_cache=False).graph
    assert edges_of(g, "mentions") == [
        ("2026-03-02.md", "People/Ann.md", {"kind": "mentions", "date": date(2026, 3, 2)}),
    ]
    assert ("2026-03-02.md", "People/Bo.md") in pairs(g, "links_to")


def test_me_connects_to_everyone_contacted_with_count_and_last_date(
    vault: vaultlink.Vault,
) -> None:
    contacted = {v: d for _, v, d in edges_of(vault.graph, "contacted")}
    assert set(contacted) == {JANE, RITA, OLD, NADIA}  # not Leo or Gus: no contact yet
    assert contacted[RITA]["count"] == 4
    assert contacted[RITA]["date"] == date(2026, 11, 18)
    assert contacted[JANE]["first"] == date(2026, 10, 20)
    assert contacted[OLD]["date"] == date(2024, 9, 1)


def test_every_edge_kind_is_present(vault: vaultlink.Vault) -> None:
    kinds = {d["kind"] for _, _, d in vault.graph.edges(data=True)}
    assert kinds == {"links_to", "works_at", "applied_to", "contact_for", "attended",
                     "introduced_by", "mentions", "contacted"}


# -- finding nodes ------------------------------------------------------------------------------
def test_find_node_by_path_name_alias_and_missing_company(vault: vaultlink.Vault) -> None:
    g, m = vault.graph, vault.model
    assert find_node(g, m, "People/Jane Doe") == JANE
    assert find_node(g, m, "jane doe") == JANE
    assert find_node(g, m, "JD") == JANE
    assert find_node(g, m, "acme corp") == ACME
    assert find_node(g, m, "Gamma Inc", ("company", "missing")) == "missing:Gamma Inc"


def test_find_node_unknown_lists_close_matches(vault: vaultlink.Vault) -> None:
    with pytest.raises(NodeNotFound) as err:
        find_node(vault.graph, vault.model, "Jane Do")
    assert "Jane Doe" in err.value.candidates
    assert not err.value.ambiguous
    with pytest.raises(NodeNotFound):
        # a missing note nobody works at is not a company
        find_node(vault.graph, vault.model, "Nobody Yet", ("person", "company", "missing"))


# -- queries -------------------------------------------------------------------------------------
def test_people_at(vault: vaultlink.Vault) -> None:
    assert [p.name for p in people_at(vault, "Acme")] == ["Jane Doe", "Leo Park"]
    assert [p.name for p in people_at(vault, "ACME Corp")] == ["Jane Doe", "Leo Park"]
    assert [p.path for p in people_at(vault, BETA)] == [OLD, RITA]
    assert [p.name for p in people_at(vault, "Gamma Inc")] == ["Gus Gamma"]
    with pytest.raises(NodeNotFound):
        people_at(vault, "Jane Doe")


def test_mutual_connections(vault: vaultlink.Vault) -> None:
    # Leo: introduced by Jane, co-worker of Jane; Jane is someone you know
    assert mutual_connections(vault, "me", "Leo Park") == [JANE]
    # Nadia sat in Jane's interview and shares a daily note with Rita
    assert mutual_connections(vault, "Rita Recent", "Jane Doe") == [NADIA]
    # co-workers: Old Friend and Rita share Beta Labs; Jane and Leo are not at Beta
    assert mutual_connections(vault, "Old Friend", "Nadia Nocompany") == [RITA]
    assert mutual_connections(vault, "Leo Park", "Gus Gamma") == []


def test_known_at_applied(vault: vaultlink.Vault) -> None:
    assert known_at_applied(vault) == {BETA: [RITA, OLD], "missing:Zeta": []}


# -- intro paths ---------------------------------------------------------------------------------
def test_contact_strength_recent_and_frequent_beats_stale() -> None:
    assert contact_strength(4, 5) > contact_strength(1, 5) > contact_strength(1, 400)
    assert contact_strength(10, 400) < contact_strength(1, 10)
    assert contact_strength(8, 0) == pytest.approx(1.0)
    assert contact_strength(1, 5000) == pytest.approx(0.01)
    assert contact_strength(0, 0) == 0.0


def test_intro_recent_strong_contact_beats_stale_one(vault: vaultlink.Vault) -> None:
    paths = intro_paths(vault, "Beta Labs", TODAY)
    assert [p.via for p in paths] == [RITA, OLD]
    best, stale = paths
    assert best.strength > 10 * stale.strength
    assert best.nodes == ("Me.md", RITA, BETA)
    assert [h.text for h in best.hops] == [
        "you ↔ Rita Recent: 4 interactions, last 2026-11-18",
        "Rita Recent works at Beta Labs",
    ]
    assert stale.hops[0].text == "you ↔ Old Friend: 1 interaction, last 2024-09-01"
    assert best.names == ("you", "Rita Recent", "Beta Labs")


def test_intro_ranking_follows_today(vault: vaultlink.Vault) -> None:
    # on 2024-09-02 Old Friend was fresh and Rita not yet met
    paths = intro_paths(vault, "Beta Labs", date(2024, 9, 2))
    assert [p.via for p in paths] == [OLD]


def test_intro_through_an_introduction(vault: vaultlink.Vault) -> None:
    paths = intro_paths(vault, "Leo Park", TODAY)
    assert len(paths) == 1  # the co-worker path via Jane is weaker than her introduction
    (path,) = paths
    assert path.nodes == ("Me.md", JANE, LEO)
    assert [h.text for h in path.hops] == [
        "you ↔ Jane Doe: 2 interactions, last 2026-11-05",
        "Jane Doe introduced you to Leo Park",
    ]
    assert [h.kind for h in path.hops] == ["contact", "introduced_by"]
    assert path.strength == pytest.approx(path.hops[0].strength * path.hops[1].strength)


def test_intro_direct_contact_is_one_hop(vault: vaultlink.Vault) -> None:
    (path,) = intro_paths(vault, "Rita Recent", TODAY)
    assert path.via is None
    assert path.nodes == ("Me.md", RITA)


def test_intro_application_stands_for_its_company(vault: vaultlink.Vault) -> None:
    assert [p.target for p in intro_paths(vault, APP, TODAY)] == [BETA, BETA]


def test_intro_no_path_is_empty(vault: vaultlink.Vault) -> None:
    assert intro_paths(vault, "Gamma Inc", TODAY) == []
    assert intro_paths(vault, "Zeta", TODAY) == []


def test_intro_unknown_target_raises_with_candidates(vault: vaultlink.Vault) -> None:
    with pytest.raises(NodeNotFound) as err:
        intro_paths(vault, "Beta Lab", TODAY)
    assert "Beta Labs" in err.value.candidates


def test_intro_k_limits_and_orders(tmp_path: Path) -> None:
    files = {"Companies/Big.md": "---\ntype: company\n---\n"}
    for i, day in enumerate(["2026-11-20", "2026-09-01", "2026-11-01", "2025-01-01"]):
        files[f"People/P{i}.md"] = (f"---\ntype: person\ncompany: '[[Big]]'\n---\n"
                                    f"- {day} — chat\n")
    vault = vaultlink.load(write_vault(tmp_path, files), use_cache=False)
    paths = intro_paths(vault, "Big", TODAY, k=3)
    assert [p.via for p in paths] == ["People/P0.md", "People/P2.md", "People/P1.md"]
    strengths = [p.strength for p in paths]
    assert strengths == sorted(strengths, reverse=True)


# -- sub-graphs ----------------------------------------------------------------------------------
def people(g: nx.MultiDiGraph) -> set[str]:
    return {n for n, k in g.nodes(data="kind") if k == "person"}


def test_subgraph_around_counts_relationship_steps(vault: vaultlink.Vault) -> None:
    g = vault.graph
    zero = subgraph_around(g, LEO, 0)
    assert people(zero) == {LEO}
    assert ACME in zero  # a person's company always comes along
    assert "Me.md" in zero
    one = subgraph_around(g, LEO, 1)
    assert people(one) == {LEO, JANE}
    two = subgraph_around(g, LEO, 2)
    assert people(two) == {LEO, JANE, NADIA}
    assert SCREEN in two  # the interaction that links Jane and Nadia
    # "me" is not walked through: Rita is only reachable via me
    assert RITA not in two
    around_company = subgraph_around(g, BETA, 1)
    assert people(around_company) == {RITA, OLD}
    assert APP in around_company


# -- real vaults ---------------------------------------------------------------------------------
def test_obsidian_help_same_folder_note_wins(tmp_path: Path) -> None:
    root = tmp_path / "help"
    shutil.copytree(_shared_vault("obsidian-help-en"), root)
    vault = vaultlink.load(root, use_cache=False)
    g = vault.graph
    publish = "Obsidian Publish/Introduction to Obsidian Publish.md"
    sync = "Obsidian Sync/Introduction to Obsidian Sync.md"
    assert g.has_edge(publish, "Obsidian Publish/Security and privacy.md")
    assert not g.has_edge(publish, "Obsidian Sync/Security and privacy.md")
    assert g.has_edge(sync, "Obsidian Sync/Security and privacy.md")
    assert not g.has_edge(sync, "Obsidian Publish/Security and privacy.md")
    assert all(d["kind"] == "links_to"
               for _, _, d in g.out_edges(publish, data=True))
    # ``vault.graph`` is ``build_graph(vault)``, cached
    assert build_graph(vault).number_of_edges() == g.number_of_edges()
