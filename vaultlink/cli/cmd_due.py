"""``vaultlink due``: who to follow up with, grouped Overdue / This week / Coming up."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from vaultlink.cli import app
from vaultlink.cli.common import (
    JsonOption,
    NoCacheOption,
    TodayOption,
    VaultOption,
    open_vault,
    parse_today,
    print_json,
    stdout,
    warn_problems,
)

if TYPE_CHECKING:
    from vaultlink.vault import Vault

AllOption = Annotated[
    bool,
    typer.Option("--all", help="Also show later and lapsed items (lapsed ones are marked)."),
]


@app.command()
def due(
    vault: VaultOption = None,
    today: TodayOption = None,
    json_output: JsonOption = False,
    show_all: AllOption = False,
    no_cache: NoCacheOption = False,
) -> None:
    """The follow-up list: overdue, this week and coming up (with --all: everything)."""
    from vaultlink.rules import SECTION_TITLES, SECTIONS, due_report

    day = parse_today(today)
    loaded = open_vault(vault, no_cache=no_cache, quiet=json_output)
    report = due_report(
        loaded, day, horizon="all" if show_all else "next", include_lapsed=show_all
    )
    warn_problems((*loaded.problems, *report.problems))
    items = report.items
    if json_output:
        print_json([item.to_json() for item in items])
        return
    if not items:
        stdout.print(
            f"Nothing due as of {day.isoformat()}: no overdue items, nothing this week "
            "or next." + ("" if show_all else " (--all shows later and lapsed items)"),
            highlight=False,
        )
        return
    for section in SECTIONS:
        rows = [i for i in items if i.section == section]
        if not rows:
            continue
        table = Table(
            title=f"{SECTION_TITLES[section]} ({len(rows)})",
            title_justify="left",
            title_style="bold",
            show_lines=False,
            expand=False,
        )
        table.add_column("due", no_wrap=True)
        table.add_column("person (company)")
        table.add_column("rule", no_wrap=True)
        table.add_column("reason", ratio=1)
        table.add_column("overdue", justify="right", no_wrap=True)
        for item in rows:
            who = item.name
            if item.person is None:
                who = f"{item.name} (company)"
            else:
                company = _company(loaded, item.company)
                if company:
                    who = f"{item.name} ({company})"
            rule = f"{item.rule} [dim](lapsed)[/]" if item.lapsed else item.rule
            style = "dim" if item.lapsed else ("red" if item.overdue_days else None)
            table.add_row(
                item.due.isoformat(),
                who,
                rule,
                item.reason,
                f"{item.overdue_days}d" if item.overdue_days else "",
                style=style,
            )
        stdout.print(table)
        stdout.print()
    counts = {s: sum(1 for i in items if i.section == s and not i.lapsed) for s in SECTIONS}
    lapsed = sum(1 for i in items if i.lapsed)
    summary = (
        f"{counts['overdue']} overdue, {counts['this_week']} this week, "
        f"{counts['coming_up']} coming up"
    )
    if show_all:
        summary += f", {counts['later']} later, {lapsed} lapsed"
    stdout.print(f"{summary} (as of {day.isoformat()})", highlight=False)


def _company(loaded: Vault, path: str | None) -> str | None:
    if path is None:
        return None
    company = loaded.model.companies.get(path)
    if company is not None:
        return company.name
    base = path.rsplit("/", 1)[-1]
    return base[:-3] if base.endswith(".md") else base
