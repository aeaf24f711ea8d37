"""``vaultlink graph``: every format to stdout or a file, ``--around/--depth``, errors."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from typer.testing import CliRunner

from tests.test_export import validate_canvas, validate_mermaid
from vaultlink.cli import app

NETWORK = Path(__file__).resolve().parent / "fixtures" / "graph" / "network"
ENV = {"COLUMNS": "200", "NO_COLOR": "1", "VAULTLINK_VAULT": None}


def run(*args: str) -> Any:
    return CliRunner().invoke(
        app, ["graph", "--vault", str(NETWORK), "--today", "2026-11-23", "--no-cache", *args],
        env=ENV,
    )


def test_default_is_node_link_json_on_stdout() -> None:
    result = run()
    assert result.exit_code == 0, result.output
    g = nx.node_link_graph(json.loads(result.stdout), edges="edges")
    assert "People/Jane Doe.md" in g
    assert g.graph["me"] == "Me.md"


def test_graphml_on_stdout() -> None:
    result = run("--format", "graphml")
    assert result.exit_code == 0, result.output
    g = nx.read_graphml(io.StringIO(result.stdout), force_multigraph=True)
    assert g.nodes["People/Jane Doe.md"]["kind"] == "person"


def test_canvas_on_stdout_is_valid() -> None:
    result = run("-f", "canvas")
    assert result.exit_code == 0, result.output
    validate_canvas(json.loads(result.stdout))


def test_mermaid_on_stdout_is_valid() -> None:
    result = run("-f", "mermaid")
    assert result.exit_code == 0, result.output
    labels = validate_mermaid(result.stdout)
    assert "Leo Park" in labels.values()


def test_output_file_written_atomically(tmp_path: Path) -> None:
    target = tmp_path / "Network.canvas"
    target.write_text("old", encoding="utf-8")
    result = run("-f", "canvas", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "wrote" in result.stderr
    validate_canvas(json.loads(target.read_text(encoding="utf-8")))
    assert os.listdir(tmp_path) == ["Network.canvas"]  # no temp file left behind


def test_mermaid_into_a_markdown_note_is_fenced(tmp_path: Path) -> None:
    target = tmp_path / "Network.md"
    assert run("-f", "mermaid", "-o", str(target)).exit_code == 0
    text = target.read_text(encoding="utf-8")
    assert text.startswith("```mermaid\nflowchart LR\n")
    plain = tmp_path / "network.mmd"
    assert run("-f", "mermaid", "-o", str(plain)).exit_code == 0
    assert plain.read_text(encoding="utf-8").startswith("flowchart LR\n")


def test_around_and_depth_filter_the_graph() -> None:
    def people(*args: str) -> set[str]:
        result = run(*args)
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        return {n["id"] for n in data["nodes"] if n["kind"] == "person"}

    everyone = people()
    one = people("--around", "Leo Park")
    two = people("--around", "Leo Park", "--depth", "2")
    assert one == {"People/Leo Park.md", "People/Jane Doe.md"}
    assert one < two < everyone
    assert people("--around", "Acme", "--depth", "0") == set()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--around", "Nobody At All"), "matches no note"),
        (("--depth", "2"), "--depth needs --around"),
        (("-f", "dot"), "dot"),
    ],
)
def test_usage_errors_exit_2(args: tuple[str, ...], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_unwritable_output_exits_2(tmp_path: Path) -> None:
    result = run("-o", str(tmp_path / "no" / "such" / "folder.json"))
    assert result.exit_code == 2
    assert "cannot write" in result.stderr
