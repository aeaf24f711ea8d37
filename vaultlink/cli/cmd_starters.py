"""``vaultlink starters [PERSON]``: what to talk about, for one person or everyone due."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Annotated, Any

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
    stderr,
    stdout,
    warn_problems,
)

if TYPE_CHECKING:
    from vaultlink.records import Person
    from vaultlink.starters import Starter
    from vaultlink.vault import Vault

PersonArgument = Annotated[
    str | None,
    typer.Argument(
        help="A person's name, alias or note path (default: everyone due this week).",
        show_default=False,
    ),
]


@app.command()
def starters(
    person: PersonArgument = None,
    vault: VaultOption = None,
    today: TodayOption = None,
    json_output: JsonOption = False,
    no_cache: NoCacheOption = False,
) -> None:
    """Conversation starters, each with the note it came from."""
    from vaultlink.starters import load_plugins, plugin_errors, starters_for, starters_for_due
    from vaultlink.vault import PersonNotFound

    day = parse_today(today)
    loaded = open_vault(vault, no_cache=no_cache, quiet=json_output)
    warn_problems(loaded.problems)
    load_plugins()
    with warnings.catch_warnings(record=True):  # failures are reported below, once each
        warnings.simplefilter("always")
        if person is not None:
            try:
                found = loaded.person(person)
            except PersonNotFound as exc:
                fail(_not_found(exc))
            groups = [(found, starters_for(loaded, found.path, day))]
        else:
            groups = starters_for_due(loaded, day)
    for error in plugin_errors():
        stderr.print(f"[yellow]warning[/]: {escape(str(error))}", highlight=False)
    if json_output:
        print_json([_group_json(p, items) for p, items in groups])
        return
    _print_human(loaded, groups, day.isoformat(), one=person is not None)


def _not_found(exc: Any) -> str:
    if exc.ambiguous:
        return (f"{exc.query!r} matches more than one person: "
                + ", ".join(exc.candidates) + " — use the note's path")
    if exc.candidates:
        return f"no person matches {exc.query!r}; closest matches: " + ", ".join(exc.candidates)
    return f"no person matches {exc.query!r}"


def _group_json(person: Person, items: list[Starter]) -> dict[str, Any]:
    return {
        "person": person.path,
        "name": person.name,
        "starters": [s.to_json() for s in items],
    }


def _print_human(
    loaded: Vault, groups: list[tuple[Person, list[Starter]]], day: str, *, one: bool
) -> None:
    if not groups:
        stdout.print(
            f"Nobody is due this week (as of {day}). "
            "`vaultlink starters PERSON` shows starters for anyone.",
            highlight=False, markup=False,
        )
        return
    if not one:
        count = len(groups)
        stdout.print(
            f"Conversation starters for the {count} {'person' if count == 1 else 'people'} "
            f"due this week (as of {day})",
            style="bold", highlight=False, markup=False,
        )
        stdout.print()
    for person, items in groups:
        company = person.company_name or ""
        header = f"{person.name}" + (f" — {company}" if company else "")
        stdout.print(header, style="bold", highlight=False, markup=False, end="")
        stdout.print(f"  {person.path}", style="dim", highlight=False, markup=False)
        if not items:
            stdout.print("  (nothing specific noted yet)", style="dim", markup=False)
        for index, starter in enumerate(items, 1):
            stdout.print(f"  {index}. {starter.text}", highlight=False, markup=False)
            stdout.print(f"     ↳ {starter.link}", style="cyan", highlight=False, markup=False)
        stdout.print()
