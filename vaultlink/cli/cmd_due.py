"""``vaultlink due``: who to follow up with, grouped Overdue / This week / Coming up."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.text import Text

from vaultlink.cli.common import (
    JsonOption,
    NoCacheOption,
    TodayOption,
    VaultOption,
    app,
    open_vault,
    parse_today,
    print_json,
    stdout,
    warn_problems,
)

if TYPE_CHECKING:
    from rich.table import Table

    from vaultlink.rules import FollowUp
    from vaultlink.vault import Vault

WIDE_TABLE = 110  # columns from which the five-column table stays readable

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
    wide = stdout.width >= WIDE_TABLE
    for section in SECTIONS:
        rows = [i for i in items if i.section == section]
        if not rows:
            continue
        title = f"{SECTION_TITLES[section]} ({len(rows)})"
        if wide:
            stdout.print(_table(loaded, rows, title))
        else:
            _compact(loaded, rows, title)
        stdout.print()
    counts = {s: sum(1 for i in items if i.section == s and not i.lapsed) for s in SECTIONS}
    lapsed = sum(1 for i in items if i.lapsed)
    summary = (
        f"{counts['overdue']} overdue, {counts['this_week']} this week, "
        f"{counts['coming_up']} coming up"
    )
    if show_all:
        summary += f", {counts['later']} later, {lapsed} lapsed"
    stdout.print(f"{summary} (as of {day.isoformat()})", highlight=False, soft_wrap=False)


def _who(loaded: Vault, item: FollowUp) -> str:
    if item.person is None:
        return f"{item.name} (company)"
    company = _company(loaded, item.company)
    return f"{item.name} ({company})" if company else item.name


def _table(loaded: Vault, rows: list[FollowUp], title: str) -> Table:
    """Wide terminals: one row per item, every field in its own column."""
    from rich.table import Table

    table = Table(title=title, title_justify="left", title_style="bold", expand=False)
    table.add_column("due", no_wrap=True)
    table.add_column("person (company)")
    table.add_column("rule", no_wrap=True)
    table.add_column("reason", ratio=1)
    table.add_column("overdue", justify="right", no_wrap=True)
    for item in rows:
        rule = f"{item.rule} [dim](lapsed)[/]" if item.lapsed else item.rule
        style = "dim" if item.lapsed else ("red" if item.overdue_days else None)
        table.add_row(
            item.due.isoformat(),
            escape(_who(loaded, item)),
            rule,
            escape(item.reason),
            f"{item.overdue_days}d" if item.overdue_days else "",
            style=style,
        )
    return table


def _compact(loaded: Vault, rows: list[FollowUp], title: str) -> None:
    """Narrow terminals and 80-column pipes: a five-column table wraps the reason into a
    sliver, so each item is a header line (due, who · rule · overdue) with the reason
    wrapped below it; lines carry no trailing padding, so pipes and diffs stay clean."""
    stdout.print(Text(title, style="bold"))
    indent = " " * (len("YYYY-MM-DD") + 2)
    width = max(20, stdout.width - len(indent))
    for item in rows:
        dim = "dim" if item.lapsed else ""
        head = Text(item.due.isoformat(), style=dim)
        head.append("  ")
        head.append(_who(loaded, item), style="bold")
        head.append(f" · {item.rule}", style="cyan")
        if item.lapsed:
            head.append(" (lapsed)", style="dim")
        if item.overdue_days:
            head.append(f" · {item.overdue_days}d overdue", style="red")
        lines = list(head.wrap(stdout, stdout.width))
        if len(lines) > 1:  # a long name: wrap under the name, not under the date
            rest = len(lines[0].plain)
            while head.plain[rest:rest + 1] == " ":
                rest += 1
            lines = [lines[0], *head[rest:].wrap(stdout, width)]
        for number, line in enumerate(lines):
            line.rstrip()
            stdout.print(line if number == 0 else Text(indent) + line)
        for line in Text(item.reason, style=dim).wrap(stdout, width):
            line.rstrip()
            stdout.print(Text(indent) + line)


def _company(loaded: Vault, path: str | None) -> str | None:
    if path is None:
        return None
    company = loaded.model.companies.get(path)
    if company is not None:
        return company.name
    base = path.rsplit("/", 1)[-1]
    return base[:-3] if base.endswith(".md") else base
