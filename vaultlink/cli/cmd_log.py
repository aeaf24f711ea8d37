"""``vaultlink log PERSON "text"``: append a dated line to the person's ``## Log``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from vaultlink.cli.common import (
    JsonOption,
    NoCacheOption,
    VaultOption,
    app,
    fail,
    open_vault,
    parse_today,
    print_json,
    stderr,
    stdout,
)


@app.command("log")
def log_command(
    person: Annotated[str, typer.Argument(help="The person: a name, an alias or a note path.")],
    text: Annotated[str, typer.Argument(help="What happened, e.g. \"coffee, talked about Rust\".")],
    date: Annotated[
        str | None,
        typer.Option("--date", help="The day it happened (YYYY-MM-DD; default today).",
                     show_default=False),
    ] = None,
    vault: VaultOption = None,
    json_output: JsonOption = False,
    no_cache: NoCacheOption = False,
) -> None:
    """Append "- DATE — text" under the person's ## Log heading (added if missing)."""
    from vaultlink.sync import log_interaction
    from vaultlink.vault import PersonNotFound

    if date is not None:
        try:
            from datetime import date as date_type

            day = date_type.fromisoformat(date)
        except ValueError:
            fail(f"--date {date!r} is not a date (YYYY-MM-DD)")
    else:
        day = parse_today(None)
    if not text.strip():
        fail("the text to log is empty")
    loaded = open_vault(vault, no_cache=no_cache, quiet=True)
    try:
        result = log_interaction(loaded, person, text, day)
    except PersonNotFound as exc:
        fail(str(exc))
    if json_output:
        print_json({
            "path": result.path,
            "line": result.line,
            "written": result.written,
            "refused": result.refused.reason if result.refused else None,
        })
    if result.refused is not None:
        stderr.print(
            f"[red]refused[/]: {escape(result.path)}: {escape(result.refused.reason)}",
            highlight=False,
        )
        raise typer.Exit(1)
    if not json_output:
        verb = "logged in" if result.written else "already in"
        stdout.print(f"{verb} {result.path}: {result.line}", highlight=False, markup=False)
