"""What the CLI imports: only what the command being run needs.

Not timings (those are in benchmarks/): which modules are in ``sys.modules`` after
loading the app, after ``vaultlink --help`` and after a repeat ``sync`` that is replayed,
each in a fresh interpreter. A heavy import creeping back into one of these paths, or
plugin discovery running where no rule or starter runs, fails here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.vaultfiles import write_vault

# Runs in a fresh interpreter: the CLI as the console script runs it (or only the app
# imported), then what got imported and whether entry-point plugins were listed.
PROBE = """
import json, sys
out, args = sys.argv[1], sys.argv[2:]
code = 0
if args == ["(import)"]:
    from vaultlink.cli import app
else:
    sys.argv = ["vaultlink", *args]
    from vaultlink.cli import main
    try:
        main()
    except SystemExit as exc:
        code = exc.code
rules = sys.modules.get("vaultlink.rules.plugins")
starters = sys.modules.get("vaultlink.starters.base")
with open(out, "w", encoding="utf-8") as handle:
    json.dump({
        "code": code,
        "modules": sorted(sys.modules),
        "rule plugins listed": rules is not None and rules._loaded is not None,
        "starter plugins listed": starters is not None and starters._plugins_loaded,
    }, handle)
"""

# Never needed to start the CLI or show its help: the graph, the Markdown and YAML
# parsers, typer's option validation (pydantic), entry-point discovery, and the
# library's own pipeline.
NOT_FOR_HELP = (
    "networkx",
    "yaml",
    "pydantic",
    "importlib.metadata",
    "vaultlink.vault",
    "vaultlink.config",
    "vaultlink.model",
    "vaultlink.markdown",
    "vaultlink.parse",
    "vaultlink.rules",
    "vaultlink.starters",
    "vaultlink.sync",
    "vaultlink.graph",
)

# A sync that only replays the stored report of an earlier one parses nothing and runs
# no rule, starter source or graph query.
NOT_FOR_A_REPLAY = (
    "networkx",
    "pydantic",
    "yaml",
    "markdown_it",
    "rich.table",
    "typer.rich_utils",
    "vaultlink.markdown",
    "vaultlink.parse",
    "vaultlink.graph",
    "vaultlink.starters",
)

TODAY = "2026-11-23"

FILES = {
    "Me.md": """\
        ---
        type: me
        ---
        # Me
        """,
    "People/Jane Doe.md": """\
        ---
        type: person
        company: "[[Acme Corp]]"
        cadence: weekly
        last_contact: 2026-11-01
        ---
        # Jane Doe

        ## Notes
        - Asked whether I had tried Zig yet.
        """,
    "Companies/Acme Corp.md": """\
        ---
        type: company
        ---
        # Acme Corp
        """,
}


def probe(tmp_path: Path, *args: str) -> dict[str, Any]:
    out = tmp_path / "probe.json"
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(out), *args],
        capture_output=True, text=True, timeout=120, check=False, cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    result["stdout"] = proc.stdout
    return result


def loaded(modules: list[str], names: tuple[str, ...]) -> list[str]:
    """Which of ``names`` (or a submodule of one) were imported."""
    return [m for m in modules if m in names or m.startswith(tuple(f"{n}." for n in names))]


def test_loading_the_app_imports_no_command_body_and_no_pipeline(tmp_path: Path) -> None:
    result = probe(tmp_path, "(import)")
    modules = result["modules"]
    # every command is registered...
    assert {m for m in modules if m.startswith("vaultlink.cli.cmd_")} >= {
        "vaultlink.cli.cmd_sync", "vaultlink.cli.cmd_due", "vaultlink.cli.cmd_plugins",
    }
    # ... and none of them imported what only its body needs
    heavy = (*NOT_FOR_HELP, "markdown_it", "rich.table", "typer.rich_utils", "secrets")
    assert loaded(modules, heavy) == []


def test_help_imports_no_pipeline_and_lists_plugins_nowhere(tmp_path: Path) -> None:
    result = probe(tmp_path, "--help")
    assert result["code"] == 0
    assert "sync" in result["stdout"]
    assert "plugins" in result["stdout"]
    assert loaded(result["modules"], NOT_FOR_HELP) == []
    assert not result["rule plugins listed"]
    assert not result["starter plugins listed"]


def test_a_command_builds_only_its_own_module(tmp_path: Path) -> None:
    result = probe(tmp_path, "sync", "--help")
    assert result["code"] == 0
    assert "--dry-run" in result["stdout"]
    assert [m for m in result["modules"] if m.startswith("vaultlink.cli.cmd_")] == [
        "vaultlink.cli.cmd_sync"
    ]
    assert loaded(result["modules"], NOT_FOR_HELP) == []


def _age(root: Path) -> None:
    """Backdate every file: files written moments ago are "racy" and never cached."""
    when = time.time() - 120
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, (when, when))


def test_a_replayed_repeat_sync_imports_no_parser_and_lists_no_plugins(
    tmp_path: Path,
) -> None:
    root = write_vault(tmp_path / "vault", FILES)
    _age(root)
    args = ("sync", "--vault", str(root), "--today", TODAY)
    first = probe(tmp_path, *args)  # writes the due list, starters and daily note
    assert first["code"] == 0
    # the control: a sync that computes runs the rules, the starters and the parser
    assert first["rule plugins listed"]
    assert first["starter plugins listed"]
    assert "vaultlink.starters" in first["modules"]
    _age(root)
    second = probe(tmp_path, *args)  # changes nothing: its report is stored
    assert second["code"] == 0
    assert "nothing to change" in second["stdout"]
    third = probe(tmp_path, *args)  # the same state and day: replayed
    assert third["code"] == 0
    assert third["stdout"] == second["stdout"]
    assert loaded(third["modules"], NOT_FOR_A_REPLAY) == []
    assert not third["rule plugins listed"]
    assert not third["starter plugins listed"]
    assert [m for m in third["modules"] if m.startswith("vaultlink.cli.cmd_")] == [
        "vaultlink.cli.cmd_sync"
    ]


@pytest.mark.parametrize("module", ["vaultlink.rules", "vaultlink.starters"])
def test_importing_rules_or_starters_does_not_list_plugins(tmp_path: Path, module: str) -> None:
    """Entry points are listed when rules or starters run, not when they are imported."""
    code = (
        f"import sys, {module}\n"
        "assert 'importlib.metadata' not in sys.modules, 'importlib.metadata imported'\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
        check=False, cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr


def test_every_command_module_registers_the_command_it_is_named_after() -> None:
    """``main`` imports ``cmd_<name>`` for ``vaultlink <name>``: the names must agree."""
    import typer.main

    from vaultlink.cli import _command_modules, app

    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    names = list(group.commands)
    assert sorted(names) == sorted(m.removeprefix("cmd_") for m in _command_modules())
    for name in names:
        command = group.commands[name]
        callbacks = [command.callback]
        if isinstance(command, typer.core.TyperGroup):  # export, import: their subcommands
            callbacks = [sub.callback for sub in command.commands.values()]
        assert all(
            getattr(c, "__module__", None) == f"vaultlink.cli.cmd_{name}" for c in callbacks
        ), name


def test_commands_are_listed_in_the_same_order_whatever_was_imported_first(
    tmp_path: Path,
) -> None:
    code = (
        "import sys, typer.main\n"
        "if sys.argv[1:]: import vaultlink.cli.cmd_watch, vaultlink.cli.cmd_import\n"
        "from vaultlink.cli import app\n"
        "print(' '.join(typer.main.get_command(app).commands))\n"
    )
    orders = []
    for extra in ([], ["first"]):
        proc = subprocess.run(
            [sys.executable, "-c", code, *extra], capture_output=True, text=True,
            timeout=120, check=False, cwd=tmp_path,
        )
        assert proc.returncode == 0, proc.stderr
        orders.append(proc.stdout.split())
    assert orders[0] == orders[1]
    assert orders[0][:3] == ["check", "due", "graph"]
    assert orders[0][-2:] == ["export", "import"]  # groups after the plain commands
