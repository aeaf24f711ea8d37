"""``vaultlink graph``: the relationship graph as JSON, GraphML, a Canvas or Mermaid."""

from __future__ import annotations

import contextlib
import os
import secrets
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from vaultlink.cli import app
from vaultlink.cli.common import (
    NoCacheOption,
    TodayOption,
    VaultOption,
    fail,
    open_vault,
    parse_today,
    stderr,
    warn_problems,
)


class GraphFormat(StrEnum):
    json = "json"
    graphml = "graphml"
    canvas = "canvas"
    mermaid = "mermaid"


AROUND_KINDS = ("person", "company", "missing", "application", "interaction", "me", "note",
                "daily")


@app.command()
def graph(
    vault: VaultOption = None,
    today: TodayOption = None,
    fmt: Annotated[
        GraphFormat, typer.Option("--format", "-f", help="Output format.")
    ] = GraphFormat.json,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file instead of stdout.",
                     show_default=False),
    ] = None,
    around: Annotated[
        str | None,
        typer.Option("--around", help="Only the part of the graph around this person, "
                     "company or note.", show_default=False),
    ] = None,
    depth: Annotated[
        int | None,
        typer.Option("--depth", min=0, max=10, help="Steps from --around to include "
                     "[default: 1].", show_default=False),
    ] = None,
    no_cache: NoCacheOption = False,
) -> None:
    """Export the relationship graph: node-link JSON, GraphML, JSON Canvas or Mermaid."""
    from vaultlink.export import export
    from vaultlink.graph import NodeNotFound, find_node, subgraph_around

    if depth is not None and around is None:
        fail("--depth needs --around NAME")
    day = parse_today(today)
    loaded = open_vault(vault, no_cache=no_cache, quiet=output is None)
    warn_problems(loaded.problems)
    g = loaded.graph
    if around is not None:
        try:
            center = find_node(g, loaded.model, around, AROUND_KINDS, what="note")
        except NodeNotFound as exc:
            fail(escape(str(exc)))
        g = subgraph_around(g, center, 1 if depth is None else depth)
    text = export(g, fmt.value, today=day)
    if output is None:
        typer.echo(text, nl=False)
        return
    if fmt is GraphFormat.mermaid and output.suffix.lower() == ".md":
        text = f"```mermaid\n{text}```\n"
    try:
        write_atomic(output, text)
    except OSError as exc:
        fail(escape(f"cannot write {output}: {exc.strerror or exc}"))
    stderr.print(
        escape(f"wrote {output} ({fmt.value}: {g.number_of_nodes()} nodes, "
               f"{g.number_of_edges()} edges)"),
        highlight=False,
    )


def write_atomic(path: Path, text: str) -> None:
    """Temp file in the same folder, fsync, rename: the file is old or new, never torn.

    ``-o`` is the user's explicit choice, so it may point outside the vault; the vault
    writer (which refuses that) is not involved.
    """
    target = path.expanduser()
    folder = target.parent if str(target.parent) else Path(".")
    temp = folder / f".{target.name}.vaultlink-tmp-{secrets.token_hex(4)}"
    try:
        with open(temp, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
