"""``vaultlink graph``: the relationship graph as JSON, GraphML, a Canvas or Mermaid."""

from __future__ import annotations

import contextlib
import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from vaultlink.cli.common import (
    NoCacheOption,
    TodayOption,
    VaultOption,
    app,
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
        GraphFormat | None,
        typer.Option("--format", "-f", show_default=False,
                     help="Output format (default: from the -o file's extension, else json)."),
    ] = None,
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
                     "(default: 1).", show_default=False),
    ] = None,
    no_cache: NoCacheOption = False,
) -> None:
    """Export the relationship graph: node-link JSON, GraphML, JSON Canvas or Mermaid."""
    from vaultlink.export import export
    from vaultlink.graph import NodeNotFound, find_node, subgraph_around

    if depth is not None and around is None:
        fail("--depth needs --around NAME")
    day = parse_today(today)
    if output is not None and str(output) == "-":  # the usual spelling of "stdout"
        output = None
    if fmt is None:
        fmt = SUFFIX_FORMATS.get(output.suffix.lower(), GraphFormat.json) if output else (
            GraphFormat.json)
    if output is not None and _is_a_note(output):
        fail(f"{output} is a note; not overwriting it with the graph (choose a new file)")
    loaded = open_vault(vault, no_cache=no_cache, quiet=output is None)
    warn_problems(loaded.problems)
    g = loaded.graph
    if around is not None:
        try:
            center = find_node(g, loaded.model, around, AROUND_KINDS, what="note")
        except NodeNotFound as exc:
            fail(str(exc))
        g = subgraph_around(g, center, 1 if depth is None else depth)
    text = export(g, fmt.value, today=day)
    if output is None:
        typer.echo(text, nl=False)
        return
    if fmt is GraphFormat.mermaid and output.suffix.lower() == ".md":
        text = f"{MERMAID_FENCE}{text}```\n"
    try:
        write_atomic(output, text)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")
    stderr.print(
        escape(f"wrote {output} ({fmt.value}: {g.number_of_nodes()} nodes, "
               f"{g.number_of_edges()} edges)"),
        highlight=False,
    )


# `-o graph.graphml` without `-f` means GraphML, not JSON in a file named .graphml
SUFFIX_FORMATS = {
    ".json": GraphFormat.json,
    ".graphml": GraphFormat.graphml,
    ".canvas": GraphFormat.canvas,
    ".mmd": GraphFormat.mermaid,
    ".mermaid": GraphFormat.mermaid,
    ".md": GraphFormat.mermaid,
}


def _is_a_note(path: Path) -> bool:
    """An existing .md file that is not a graph this command wrote: someone's note."""
    target = path.expanduser()
    if target.suffix.lower() != ".md" or not target.is_file():
        return False
    try:
        with open(target, encoding="utf-8", errors="replace") as handle:
            head = handle.read(len(MERMAID_FENCE))
    except OSError:
        return False
    return head != MERMAID_FENCE


MERMAID_FENCE = "```mermaid\n"


def write_atomic(path: Path, text: str) -> None:
    """Temp file in the same folder, fsync, rename: the file is old or new, never torn.

    ``-o`` is the user's explicit choice, so it may point outside the vault; the vault
    writer (which refuses that) is not involved.
    """
    import secrets

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
