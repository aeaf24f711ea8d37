"""``vaultlink intro TARGET``: text, ``--json`` and exit 2 for an unknown target."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from vaultlink.cli import app

NETWORK = Path(__file__).resolve().parent / "fixtures" / "graph" / "network"
ENV = {"COLUMNS": "200", "NO_COLOR": "1", "VAULTLINK_VAULT": None}


def run(*args: str) -> Any:
    return CliRunner().invoke(
        app, ["intro", *args, "--vault", str(NETWORK), "--today", "2026-11-23", "--no-cache"],
        env=ENV,
    )


def test_intro_text_lists_paths_with_explanations() -> None:
    result = run("Beta Labs")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Warm intros to Beta Labs (company · Companies/Beta Labs.md), as of 2026-11-23" in out
    assert "1. via Rita Recent" in out
    assert "   you ↔ Rita Recent: 4 interactions, last 2026-11-18" in out
    assert "   Rita Recent works at Beta Labs" in out
    assert out.index("via Rita Recent") < out.index("via Old Friend")


def test_intro_to_a_person_through_an_introduction() -> None:
    result = run("JD")  # an alias of Jane Doe: a direct path
    assert result.exit_code == 0, result.output
    assert "1. direct" in result.stdout
    result = run("Leo Park")
    assert "Jane Doe introduced you to Leo Park" in result.stdout


def test_intro_json() -> None:
    result = run("Beta Labs", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["target"] == "Companies/Beta Labs.md"
    assert data["kind"] == "company"
    assert data["today"] == "2026-11-23"
    assert data["people_there"] == ["Old Friend", "Rita Recent"]
    best = data["paths"][0]
    assert best["nodes"] == ["Me.md", "People/Rita Recent.md", "Companies/Beta Labs.md"]
    assert best["names"] == ["you", "Rita Recent", "Beta Labs"]
    assert [h["kind"] for h in best["hops"]] == ["contact", "works_at"]
    assert best["hops"][0] == {
        "from": "Me.md", "to": "People/Rita Recent.md", "kind": "contact",
        "strength": best["hops"][0]["strength"],
        "text": "you ↔ Rita Recent: 4 interactions, last 2026-11-18", "date": "2026-11-18",
    }
    assert 0 < best["strength"] <= 1
    assert data["paths"][0]["strength"] > data["paths"][1]["strength"]


def test_intro_json_limit_and_no_path() -> None:
    data = json.loads(run("Beta Labs", "--json", "-k", "1").stdout)
    assert len(data["paths"]) == 1
    data = json.loads(run("Gamma Inc", "--json").stdout)
    assert data == {"target": "missing:Gamma Inc", "name": "Gamma Inc", "kind": "company",
                    "today": "2026-11-23", "paths": [], "people_there": ["Gus Gamma"]}


def test_intro_no_path_text() -> None:
    result = run("Gamma Inc")
    assert result.exit_code == 0
    assert "No warm path to Gamma Inc yet" in result.stdout
    assert "People there: Gus Gamma" in result.stdout


def test_intro_unknown_target_exits_2_with_closest_matches() -> None:
    result = run("Beta Lab")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "'Beta Lab' matches no person or company; did you mean: Beta Labs" in result.stderr
    assert result.stdout == ""
    result = run("Zzyzx", "--json")
    assert result.exit_code == 2
    assert result.stdout == ""


def test_intro_bad_today_and_missing_vault_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["intro", "Acme", "--vault", str(tmp_path / "nope")],
                                env=ENV)
    assert result.exit_code == 2
    result = CliRunner().invoke(
        app, ["intro", "Acme", "--vault", str(NETWORK), "--today", "yesterday"], env=ENV
    )
    assert result.exit_code == 2
    assert "is not a date" in result.stderr
