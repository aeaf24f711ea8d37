"""The typer CLI: each command is one library call plus formatting.

Every command lives in its own module, ``cmd_<name>.py``, which registers the command
``<name>`` on the shared typer app (``vaultlink.cli.common.app``) when imported. Turning
a registered command into a click command (its signature, type hints and options) costs
typer more than many commands take to run, so ``main`` imports only the module of the
command on its command line: ``vaultlink sync`` never builds the other eleven.
``vaultlink --help``, a typo and anything else get them all, and so does ``app`` as
imported from here (tests, docs). ``main`` makes sure no command ever ends in a
traceback.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from vaultlink.cli.common import app

__all__ = ["app", "main"]

_PREFIX = "cmd_"


def _command_modules() -> list[str]:
    """The command modules' names (``cmd_sync``...), in the order commands are listed."""
    import pkgutil

    return sorted(
        info.name for info in pkgutil.iter_modules(__path__) if info.name.startswith(_PREFIX)
    )


def _register(command: str | None = None) -> None:
    """Import the command modules, each registering its command on the app: only
    ``cmd_<command>`` when ``command`` names one, else all of them (in listing order,
    whatever was imported before)."""
    import importlib

    from vaultlink.cli.common import app

    modules = _command_modules()
    if command is not None and _PREFIX + command in modules:
        importlib.import_module(f"{__name__}.{_PREFIX}{command}")
        return
    for module in modules:
        importlib.import_module(f"{__name__}.{module}")
    order = {f"{__name__}.{module}": index for index, module in enumerate(modules)}
    app.registered_commands.sort(
        key=lambda info: order.get(getattr(info.callback, "__module__", ""), -1)
    )
    app.registered_groups.sort(key=lambda info: str(info.name))


def __getattr__(name: str) -> Any:
    if name == "app":  # the app with every command, for everyone but ``main``
        from vaultlink.cli.common import app

        _register()
        globals()["app"] = app
        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    """Console entry point."""
    from vaultlink.cli.common import app

    args = sys.argv[1:]
    _register(args[0] if args and not args[0].startswith("-") else None)
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:  # the last line of defence: report, never a traceback
        sys.stderr.write(f"error: internal error: {type(exc).__name__}: {exc}\n")
        sys.stderr.write("please report this with the command you ran\n")
        sys.exit(1)


def run() -> NoReturn:
    """The ``vaultlink`` script: :func:`main`, then exit without tearing the interpreter
    down. A sync of a big vault leaves a few million small records in memory; freeing
    them one by one at exit costs ~0.4 s at 10,000 notes and achieves nothing (every
    file vaultlink wrote is closed and synced by then). ``main`` itself returns normally,
    for callers that embed it."""
    code: int = 0
    from vaultlink.cli import common

    common.SHORT_LIVED = True
    try:
        main()
    except SystemExit as exc:
        if exc.code is None:
            code = 0
        elif isinstance(exc.code, int):
            code = exc.code
        else:
            sys.stderr.write(f"{exc.code}\n")
            code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing left to say anyway
            code = code or 1
    os._exit(code)
