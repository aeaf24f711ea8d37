"""``vaultlink export ics``: the due list as a calendar file to subscribe to."""

from __future__ import annotations

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

export_app = typer.Typer(
    name="export",
    help="Export the due list for other tools (ics: a calendar).",
    no_args_is_help=True,
)
app.add_typer(export_app, name="export")


@export_app.command("ics")
def export_ics(
    vault: VaultOption = None,
    today: TodayOption = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file (atomically) instead of "
                     "stdout; it may be outside the vault, e.g. a synced calendar folder.",
                     show_default=False),
    ] = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also later and lapsed items, not just overdue, "
                           "this week and coming up.")
    ] = False,
    no_cache: NoCacheOption = False,
) -> None:
    """The due items as an iCalendar file: one all-day event per follow-up.

    Overdue, this week and coming up (--all: everything); overdue ones are placed on today.
    """
    from vaultlink.cli.cmd_graph import write_atomic
    from vaultlink.export.ics import to_ics
    from vaultlink.rules import due_report

    day = parse_today(today)
    if output is not None and str(output) == "-":  # the usual spelling of "stdout"
        output = None
    if output is not None and output.suffix.lower() == ".md" and output.exists():
        fail(f"{output} is a note; not overwriting it with a calendar (use .ics)")
    loaded = open_vault(vault, no_cache=no_cache, quiet=output is None)
    report = due_report(loaded, day, horizon="all" if show_all else "next",
                        include_lapsed=show_all)
    warn_problems((*loaded.problems, *report.problems))
    text = to_ics(report.items, day, vault_name=loaded.root.name)
    if output is None:
        typer.echo(text.encode("utf-8"), nl=False)  # bytes: CRLF stays CRLF on Windows
        return
    try:
        write_atomic(output, text)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")
    stderr.print(escape(f"wrote {output} ({len(report.items)} events)"), highlight=False)
