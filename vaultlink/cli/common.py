"""Options and helpers shared by every command: the CLI stays a thin layer."""

from __future__ import annotations

import gc
import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.text import Text

if TYPE_CHECKING:
    from vaultlink.problems import Problem
    from vaultlink.vault import Vault

# The app every ``cmd_<name>`` module registers its command on; ``vaultlink.cli`` decides
# which of those modules are imported (see there).
app = typer.Typer(
    name="vaultlink",
    help="Keep a job search's relationships warm from your Obsidian vault.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _group() -> None:
    # Keeps ``app`` a group of commands even when ``main`` registered only one of them
    # (typer runs a lone command as the whole program). Typer(help=...) stays the help.
    pass


stdout = Console(soft_wrap=True)
stderr = Console(stderr=True, soft_wrap=True)

VaultOption = Annotated[
    Path | None,
    typer.Option(
        "--vault",
        help="The vault folder (default: $VAULTLINK_VAULT, else the current folder).",
        show_default=False,
    ),
]
TodayOption = Annotated[
    str | None,
    typer.Option("--today", help="Pretend today is YYYY-MM-DD.", show_default=False),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Machine-readable output on stdout, nothing else there.")
]
NoCacheOption = Annotated[
    bool, typer.Option("--no-cache", help="Do not read or write the parse cache.")
]


def fail(message: str, code: int = 2) -> NoReturn:
    """Print a one-line error to stderr and exit: never a traceback.

    ``message`` is plain text, never markup: it quotes paths, names and note text, and a
    ``[/x]`` in any of those would otherwise crash rich's markup parser.
    """
    stderr.print(Text.assemble(("error:", "bold red"), " ", message), highlight=False)
    raise typer.Exit(code)


def require_folder(root: Path) -> None:
    """Exit 2 unless ``root`` is a folder, saying which of the two ways it is not."""
    if not root.exists():
        fail(f"{root}: no such folder")
    if not root.is_dir():
        fail(f"{root}: not a folder")


def vault_path(option: Path | None) -> Path:
    if option is not None:
        return option
    env = os.environ.get("VAULTLINK_VAULT")
    return Path(env) if env else Path.cwd()


# --today far from now makes week and horizon arithmetic overflow date.max (9999-12-31)
TODAY_RANGE = (date(1900, 1, 1), date(9000, 12, 31))


def parse_today(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        day = date.fromisoformat(value)
    except ValueError:
        fail(f"--today {value!r} is not a date (YYYY-MM-DD)")
    low, high = TODAY_RANGE
    if not low <= day <= high:
        fail(f"--today {value} is out of range ({low.isoformat()} to {high.isoformat()})")
    return day


# Set by ``run()``: this is the ``vaultlink`` script, a process that exits when its one
# command is done.
SHORT_LIVED = False


def open_vault(option: Path | None, *, no_cache: bool = False, quiet: bool = False) -> Vault:
    """Load the vault or exit 2 with the reason; warnings go to stderr."""
    from vaultlink.vault import VaultError, load

    path = vault_path(option)
    progress = _progress() if sys.stderr.isatty() and not quiet else None
    try:
        if progress is None:
            loaded = load(path, use_cache=not no_cache)
        else:
            with progress as bar:
                task = bar.add_task("reading vault", total=None)

                def update(done: int, total: int) -> None:
                    bar.update(task, completed=done, total=total)

                loaded = load(path, use_cache=not no_cache, progress=update)
    except VaultError as exc:
        fail(str(exc))
    if SHORT_LIVED:
        # What the load built lives until the process exits: the cyclic GC need never
        # scan it again. Without this, a full collection during the command walks every
        # record (0.3-0.6 s each at 50,000 notes; records hold no cycles).
        gc.freeze()
    return loaded


def _progress() -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        console=stderr, transient=True,
    )


def print_json(data: Any) -> None:
    """JSON to stdout, nothing else: scripts pipe this."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str))
    sys.stdout.write("\n")


def print_problem(problem: Problem) -> None:
    """One problem on stderr as ``path:line: severity: message [code]``, severity coloured
    (``str(problem)`` already names the severity: never prefix it a second time)."""
    style = "red" if problem.severity == "error" else "yellow"
    where = problem.path if problem.line is None else f"{problem.path}:{problem.line}"
    stderr.print(
        f"{escape(where)}: [{style}]{problem.severity}[/]: "
        f"{escape(problem.message)} [dim]\\[{escape(problem.code)}][/]",
        highlight=False,
    )


def warn_problems(problems: tuple[Problem, ...], limit: int = 20) -> None:
    """Warnings about bad notes go to stderr, with path and line; they never change exit codes."""
    shown = [p for p in problems if p.code != "unresolved-link"]
    for problem in shown[:limit]:
        print_problem(problem)
    hidden = len(problems) - min(len(shown), limit)
    if hidden > 0:
        unresolved = sum(1 for p in problems if p.code == "unresolved-link")
        what = f"{unresolved} unresolved link(s)" if hidden == unresolved else f"{hidden} more"
        stderr.print(f"[dim]{what}; run `vaultlink check` for details[/]", highlight=False)
