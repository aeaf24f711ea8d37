"""The docs cannot go stale: every command and option is in docs/cli.md, and the Python
examples in docs/library.md run."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import typer.main

from vaultlink.cli import app

ROOT = Path(__file__).resolve().parent.parent
CLI_DOC = ROOT / "docs" / "cli.md"
LIBRARY_DOC = ROOT / "docs" / "library.md"
_HEADING = re.compile(r"^## `vaultlink ([a-z][a-z -]*)`\s*$", re.M)


def commands() -> dict[str, Any]:
    """Every leaf command on the typer app, by its full name (``import linkedin``)."""
    out: dict[str, Any] = {}

    def walk(command: Any, prefix: list[str]) -> None:
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for name, sub in subcommands.items():
                walk(sub, [*prefix, name])
        else:
            out[" ".join(prefix)] = command

    walk(typer.main.get_command(app), [])
    return out


def sections() -> dict[str, str]:
    """docs/cli.md split at its ``## `vaultlink ...` `` headings."""
    text = CLI_DOC.read_text(encoding="utf-8")
    matches = list(_HEADING.finditer(text))
    out: dict[str, str] = {}
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        out[match.group(1)] = text[match.end():end]
    return out


def test_the_app_has_the_spec_commands() -> None:
    expected = {
        "sync", "due", "starters", "graph", "intro", "check", "log", "init", "watch",
        "import linkedin", "import vcard", "export ics", "plugins",
    }
    assert expected <= set(commands())


def test_every_command_has_a_section_and_every_section_a_command() -> None:
    documented = sections()
    registered = commands()
    assert sorted(set(registered) - set(documented)) == [], "commands missing from docs/cli.md"
    assert sorted(set(documented) - set(registered)) == [], "docs/cli.md documents ghosts"


@pytest.mark.parametrize("name", sorted(commands()))
def test_every_option_and_argument_is_documented(name: str) -> None:
    section = sections().get(name, "")
    command = commands()[name]
    missing: list[str] = []
    for param in command.params:
        if getattr(param, "param_type_name", "") == "argument":
            if str(param.name).upper() not in section:
                missing.append(str(param.name).upper())
            continue
        for opt in [*param.opts, *getattr(param, "secondary_opts", [])]:
            if not re.search(rf"`{re.escape(opt)}[` ]", section):
                missing.append(opt)
    assert missing == [], f"{name}: not in its docs/cli.md section"


def test_contents_links_every_section() -> None:
    text = CLI_DOC.read_text(encoding="utf-8")
    for name in sections():
        anchor = "#vaultlink-" + name.replace(" ", "-")
        assert f"]({anchor})" in text, anchor


def python_blocks() -> list[str]:
    """The ```python blocks of docs/library.md (```py blocks are illustrations only)."""
    text = LIBRARY_DOC.read_text(encoding="utf-8")
    return re.findall(r"^```python\n(.*?)^```", text, re.M | re.S)


def test_library_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOT / "sample_vault", tmp_path / "sample_vault")
    shutil.copytree(ROOT / "tests" / "fixtures" / "importers",
                    tmp_path / "tests" / "fixtures" / "importers")
    monkeypatch.chdir(tmp_path)
    before = {p: p.read_bytes() for p in (tmp_path / "sample_vault").rglob("*") if p.is_file()}
    blocks = python_blocks()
    assert len(blocks) >= 8
    namespace: dict[str, Any] = {"__name__": "library_doc"}
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        for number, block in enumerate(blocks, 1):
            try:
                exec(compile(block, f"docs/library.md block {number}", "exec"), namespace)
            except Exception as exc:  # pragma: no cover - the failure message is the point
                pytest.fail(f"docs/library.md python block {number} failed: {exc!r}\n{block}")
    printed = output.getvalue()
    # the outputs the page shows in comments
    assert "People/Mei Tanaka.md Kestrel Payments Senior Data Engineer 14 2026-10-30" in printed
    assert "would write 2 notes" in printed
    assert "flowchart LR" in printed
    after = {p: p.read_bytes() for p in (tmp_path / "sample_vault").rglob("*") if p.is_file()}
    assert after == before  # the examples only read (and dry-run)
