"""``vaultlink watch``: sync now, then again whenever the vault changes (Ctrl-C stops)."""

from __future__ import annotations

import importlib.util
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from vaultlink.cli.common import (
    NoCacheOption,
    TodayOption,
    VaultOption,
    app,
    fail,
    parse_today,
    require_folder,
    stderr,
    stdout,
    vault_path,
)

if TYPE_CHECKING:
    from vaultlink.sync import SyncReport

_SHOWN = 5


@app.command()
def watch(
    vault: VaultOption = None,
    today: TodayOption = None,
    debounce: Annotated[
        float,
        typer.Option("--debounce", min=0.05, max=600.0,
                     help="Seconds the vault must be quiet before a sync."),
    ] = 2.0,
    no_cache: NoCacheOption = False,
) -> None:
    """Sync, then re-sync whenever a note changes (ignoring vaultlink's own writes)."""
    from vaultlink.watch import INSTALL_HINT, WatchUnavailable
    from vaultlink.watch import watch as watch_vault

    # Usage errors first (a bad --today or vault), then the optional dependency.
    fixed = parse_today(today) if today is not None else None
    root = vault_path(vault).expanduser()
    require_folder(root)
    if importlib.util.find_spec("watchfiles") is None:
        fail(INSTALL_HINT)

    def current_day() -> date:
        return fixed or date.today()

    def report(result: SyncReport, paths: tuple[str, ...]) -> None:
        stamp = datetime.now().strftime("%H:%M:%S")
        cause = ""
        if paths:
            shown = ", ".join(paths[:_SHOWN])
            more = f" and {len(paths) - _SHOWN} more" if len(paths) > _SHOWN else ""
            cause = f" (changed: {shown}{more})"
        stdout.print(f"[{stamp}] {result.summary()}{cause}", highlight=False, markup=False)
        for refusal in result.refused:
            stderr.print(f"[red]refused[/]: {escape(refusal.path)}: {escape(refusal.reason)}",
                         highlight=False)

    def error(exc: Exception) -> None:
        stderr.print(f"[red]sync failed[/]: {escape(f'{type(exc).__name__}: {exc}')}",
                     highlight=False)

    stderr.print(escape(f"watching {root.resolve()} (Ctrl-C to stop)"), highlight=False)
    try:
        watch_vault(root, on_sync=report, on_error=error, debounce=debounce,
                    today=current_day, use_cache=not no_cache)
    except WatchUnavailable:
        fail(INSTALL_HINT)
    except KeyboardInterrupt:
        stderr.print("stopped watching", highlight=False)
        raise typer.Exit(130) from None
