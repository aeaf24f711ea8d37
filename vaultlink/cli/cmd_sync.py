"""``vaultlink sync``: harvest ticks, regenerate the notes, update today's daily note."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Annotated

import typer
from rich.markup import escape

from vaultlink.cli.common import (
    JsonOption,
    NoCacheOption,
    TodayOption,
    VaultOption,
    app,
    open_vault,
    parse_today,
    print_json,
    stderr,
    stdout,
    warn_problems,
)

DryRunOption = Annotated[
    bool,
    typer.Option("--dry-run", help="Show what would change as unified diffs; write nothing."),
]
_SHOWN = 8


@app.command()
def sync(
    vault: VaultOption = None,
    today: TodayOption = None,
    dry_run: DryRunOption = False,
    json_output: JsonOption = False,
    no_cache: NoCacheOption = False,
) -> None:
    """Log ticked items, rewrite the due list and starters, update today's daily note."""
    from vaultlink.config import CONFIG_NAME

    day = parse_today(today)
    loaded = open_vault(vault, no_cache=no_cache, quiet=json_output)
    report = loaded.sync(today=day, dry_run=dry_run, now=datetime.now())
    warn_problems((*loaded.problems, *report.problems))
    for refusal in report.refused:
        stderr.print(f"[red]refused[/]: {escape(refusal.path)}: {escape(refusal.reason)}",
                     highlight=False)
    if json_output:
        print_json(report.to_json())
    else:
        if dry_run:
            for diff in report.diffs:
                sys.stdout.write(diff)
                sys.stdout.write("\n")
        stdout.print(report.summary(), highlight=False, markup=False)
        for tick in report.logged:
            stdout.print(f"  logged in {tick.path}: {tick.line}", highlight=False, markup=False)
        if not any(r.path == CONFIG_NAME for r in report.refused):
            done = report.done  # usually empty: then no item's block id is worked out
            for section, title in (("overdue", "overdue"), ("this_week", "this week")):
                names = list(dict.fromkeys(
                    i.name for i in report.due
                    if i.section == section and (not done or i.block_id not in done)
                ))
                if names:
                    shown = ", ".join(names[:_SHOWN])
                    more = f" and {len(names) - _SHOWN} more" if len(names) > _SHOWN else ""
                    stdout.print(f"  {title}: {shown}{more}", highlight=False, markup=False)
            if report.due:
                stdout.print(f"  details: {loaded.config.output.due_path}",
                             highlight=False, markup=False)
    if report.refused:
        raise typer.Exit(1)
