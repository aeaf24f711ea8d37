"""The typer CLI: each command is one library call plus formatting.

Commands live in small modules that register themselves on ``app``; ``main`` makes
sure no command ever ends in a traceback.
"""

from __future__ import annotations

import sys

import typer

app = typer.Typer(
    name="vaultlink",
    help="Keep a job search's relationships warm from your Obsidian vault.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register() -> None:
    import importlib
    import pkgutil

    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("cmd_"):
            importlib.import_module(f"{__name__}.{info.name}")


_register()


def main() -> None:
    """Console entry point."""
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
