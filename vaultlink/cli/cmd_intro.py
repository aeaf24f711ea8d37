"""``vaultlink intro TARGET``: the warmest ways to reach a person or company."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from vaultlink.cli.common import (
    JsonOption,
    NoCacheOption,
    TodayOption,
    VaultOption,
    app,
    fail,
    open_vault,
    parse_today,
    print_json,
    stdout,
    warn_problems,
)

LimitOption = Annotated[
    int,
    typer.Option("--limit", "-k", min=1, max=20, help="How many paths to show."),
]


@app.command()
def intro(
    target: Annotated[str, typer.Argument(help="A person or company: name, alias or path.")],
    vault: VaultOption = None,
    today: TodayOption = None,
    json_output: JsonOption = False,
    limit: LimitOption = 3,
    no_cache: NoCacheOption = False,
) -> None:
    """Warm-intro paths from you to a person or company, strongest first, each hop explained."""
    from vaultlink.graph import NodeNotFound, intro_paths, intro_target, people_at

    day = parse_today(today)
    loaded = open_vault(vault, no_cache=no_cache, quiet=json_output)
    warn_problems(loaded.problems)
    try:
        node = intro_target(loaded, target)
    except NodeNotFound as exc:
        fail(str(exc))
    paths = intro_paths(loaded, node, day, k=limit)
    attrs = loaded.graph.nodes[node]
    name = str(attrs.get("name", node))
    kind = "company" if attrs.get("kind") == "missing" else str(attrs.get("kind"))
    there = [p.name for p in people_at(loaded, node)] if kind == "company" else []
    if json_output:
        data = {"target": node, "name": name, "kind": kind, "today": day.isoformat(),
                "paths": [path.to_json() for path in paths]}
        if kind == "company":
            data["people_there"] = there
        print_json(data)
        return
    where = "" if node.startswith("missing:") else f" · {node}"
    stdout.print(f"[bold]Warm intros to {escape(name)}[/] ({kind}{escape(where)}), "
                 f"as of {day.isoformat()}", highlight=False)
    if not paths:
        stdout.print(f"\nNo warm path to {escape(name)} yet: nobody you have been in touch "
                     "with is connected to them in your notes.", highlight=False)
        if there:
            stdout.print(f"People there: {escape(', '.join(there))}", highlight=False)
        return
    for number, path in enumerate(paths, 1):
        how = f"via {path.names[1]}" if path.via else "direct"
        stdout.print(f"\n{number}. {escape(how)}  [dim](strength {path.strength:.2f})[/]",
                     highlight=False)
        for hop in path.hops:
            stdout.print(f"   {escape(hop.text)}", highlight=False)
