"""``vaultlink import linkedin|vcard FILE``: people in from outside, preview first.

Without ``--yes`` nothing is written: the command shows who would be created and who
is skipped (and why). With ``--yes`` it creates one person note per new person.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from vaultlink.cli.common import (
    JsonOption,
    NoCacheOption,
    VaultOption,
    app,
    fail,
    open_vault,
    print_json,
    stderr,
    stdout,
)

if TYPE_CHECKING:
    from vaultlink.importers import Candidate, ImportPlan
    from vaultlink.problems import Problem

import_app = typer.Typer(
    name="import",
    help="Import people from LinkedIn's Connections.csv or vCards (preview first).",
    no_args_is_help=True,
)
app.add_typer(import_app, name="import")

CsvArgument = Annotated[
    Path, typer.Argument(help="LinkedIn's Connections.csv.", metavar="FILE.csv",
                         show_default=False)
]
VcfArgument = Annotated[
    Path, typer.Argument(help="A .vcf file.", metavar="FILE.vcf", show_default=False)
]
FolderOption = Annotated[
    str | None,
    typer.Option("--folder", help="Vault folder for new notes (default: where most of "
                 "your people notes are; in a vault without any, People).",
                 show_default=False),
]
YesOption = Annotated[
    bool, typer.Option("--yes", "-y", help="Create the notes (without it: preview only).")
]
Reader = Callable[[Path], "tuple[list[Candidate], list[Problem]]"]


@import_app.command("linkedin")
def import_linkedin(
    file: CsvArgument,
    vault: VaultOption = None,
    folder: FolderOption = None,
    yes: YesOption = False,
    json_output: JsonOption = False,
    no_cache: NoCacheOption = False,
) -> None:
    """People from LinkedIn's Connections.csv export (Settings → Data privacy → Get a copy)."""
    from vaultlink.importers import linkedin

    _run(file, vault, folder, yes, json_output, no_cache,
         linkedin.read_connections, linkedin.SOURCE, linkedin.TAG)


@import_app.command("vcard")
def import_vcard(
    file: VcfArgument,
    vault: VaultOption = None,
    folder: FolderOption = None,
    yes: YesOption = False,
    json_output: JsonOption = False,
    no_cache: NoCacheOption = False,
) -> None:
    """People from a .vcf file (vCard 2.1, 3.0 or 4.0; one or many cards)."""
    from vaultlink.importers import vcard

    _run(file, vault, folder, yes, json_output, no_cache,
         vcard.read_vcards, vcard.SOURCE, vcard.TAG)


def _run(
    file: Path,
    vault: Path | None,
    folder: str | None,
    yes: bool,
    json_output: bool,
    no_cache: bool,
    reader: Reader,
    source: str,
    tag: str,
) -> None:
    from vaultlink.importers import apply_import, plan_import

    try:
        candidates, problems = reader(file.expanduser())
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror or exc}")
    errors = [p for p in problems if p.severity == "error"]
    if errors and not candidates:
        fail(str(errors[0]))
    loaded = open_vault(vault, no_cache=no_cache, quiet=json_output)
    try:
        plan = plan_import(loaded, candidates, source=source, tag=tag, folder=folder,
                           problems=problems)
    except ValueError as exc:
        fail(f"--folder: {exc}")
    for problem in plan.problems:
        style = "red" if problem.severity == "error" else "yellow"
        stderr.print(f"[{style}]{escape(str(problem))}[/]", highlight=False)
    if not yes:
        if json_output:
            print_json(plan.to_json() | {"dry_run": True, "written": [], "refused": []})
        else:
            _preview(plan, file)
        return
    report = apply_import(loaded, plan)
    if json_output:
        print_json(plan.to_json() | {
            "dry_run": False,
            "written": list(report.written),
            "refused": [{"path": r.path, "reason": r.reason} for r in report.refused],
        })
    else:
        for path in report.written:
            stdout.print(f"created {escape(path)}", highlight=False)
        for refusal in report.refused:
            stderr.print(f"[red]refused[/] {escape(refusal.path)}: {escape(refusal.reason)}",
                         highlight=False)
        stdout.print(
            f"{len(report.written)} note(s) created, {len(plan.skip)} skipped"
            + (f", {len(report.refused)} refused" if report.refused else ""),
            highlight=False,
        )
    if report.refused:
        raise typer.Exit(1)


def _preview(plan: ImportPlan, file: Path) -> None:
    from rich.table import Table

    table = Table(title=f"Import preview: {file.name}", title_justify="left",
                  title_style="bold")
    table.add_column("", no_wrap=True)
    table.add_column("name")
    table.add_column("company")
    table.add_column("role")
    table.add_column("note / reason", ratio=1)
    for planned in plan.create:
        c = planned.candidate
        table.add_row("[green]create[/]", escape(c.name), escape(c.company or ""),
                      escape(c.role or ""), escape(planned.path))
    for skipped in plan.skip:
        c = skipped.candidate
        line = f" (line {c.line})" if c.line else ""
        table.add_row("[yellow]skip[/]", escape(c.name or "?"), escape(c.company or ""),
                      escape(c.role or ""), escape(skipped.reason + line), style="dim")
    if plan.create or plan.skip:
        stdout.print(table)
    stdout.print(
        f"{len(plan.create)} to create, {len(plan.skip)} to skip. Nothing was written; "
        "run again with --yes to create the notes.",
        highlight=False,
    )
