"""QA regressions for the CLI as a whole: awkward inputs must end in a clear message and
the SPEC's exit code (never a traceback), and human output must read well when piped."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.vaultfiles import write_vault
from vaultlink.cli import app

TODAY = "2026-11-23"

VAULT = {
    "People/Dana Okafor.md": """
        ---
        type: person
        company: "[[Acme]]"
        cadence: every 2 weeks
        ---
        # Dana Okafor

        ## Log
        - 2026-10-01 — coffee, talked about event sourcing
        """,
    "People/Dana Smith.md": """
        ---
        type: person
        ---
        # Dana Smith
        """,
    "People/Zoë Ñúñez.md": """
        ---
        type: person
        company: "[[Acme]]"
        cadence: monthly
        ---
        # Zoë Ñúñez

        ## Log
        - 2026-10-01 — talked about [/b] markup and [red]colour[/red] in notes
        """,
    "Companies/Acme.md": """
        ---
        type: company
        ---
        # Acme
        """,
}


def run(*args: str, columns: int = 200) -> Any:
    env = {"COLUMNS": str(columns), "NO_COLOR": "1", "VAULTLINK_VAULT": None}
    return CliRunner().invoke(app, list(args), env=env)


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return write_vault(tmp_path / "vault", VAULT)


# -- errors quote user text as plain text, never as rich markup ----------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("due", "--vault", "{tmp}/[/x]", "--today", TODAY),
        ("init", "--vault", "{tmp}/[/x]"),
        ("due", "--vault", "{vault}", "--today", "[/x]"),
        ("log", "[/x]", "hi", "--vault", "{vault}"),
        ("log", "Dana Okafor", "hi", "--date", "[/x]", "--vault", "{vault}"),
        ("starters", "[/x]", "--vault", "{vault}", "--today", TODAY),
    ],
)
def test_markup_in_user_input_is_an_error_message_not_a_crash(
    vault: Path, tmp_path: Path, args: tuple[str, ...]
) -> None:
    result = run(*(a.format(tmp=tmp_path, vault=vault) for a in args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2
    assert "[/x]" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("command", ["init", "plugins", "watch", "due", "check"])
def test_a_vault_that_is_a_file_is_not_a_folder(tmp_path: Path, command: str) -> None:
    path = tmp_path / "vault.md"
    path.write_text("hello\n", encoding="utf-8")
    result = run(command, "--vault", str(path))
    assert result.exit_code == 2
    assert "not a folder" in result.stderr
    assert "no such folder" not in result.stderr


# -- warnings name their severity once -----------------------------------------------------------


@pytest.mark.parametrize("command", [("due", "--today", TODAY), ("plugins",)])
def test_problem_warnings_do_not_repeat_the_severity(
    vault: Path, command: tuple[str, ...]
) -> None:
    (vault / "vaultlink.toml").write_text("this is = = not toml [[[\n", encoding="utf-8")
    result = run(*command, "--vault", str(vault))
    assert result.exit_code == 0
    line = next(x for x in result.stderr.splitlines() if "invalid TOML" in x)
    assert line.startswith("vaultlink.toml:1: error: invalid TOML")
    assert line.count("error") == 1
    assert line.endswith("[bad-config]")


# -- `due` in an 80-column pipe --------------------------------------------------------------------


def test_due_in_a_narrow_pipe_is_one_header_line_per_item_with_the_reason_below(
    vault: Path,
) -> None:
    result = run("due", "--vault", str(vault), "--today", TODAY, columns=80)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert all(line == line.rstrip() for line in lines)  # no table padding in a pipe
    assert not any(ch in result.stdout for ch in "┃│┏")
    head = next(line for line in lines if "Zoë Ñúñez" in line)
    assert head.startswith("2026-10-31  Zoë Ñúñez (Acme) · cadence · 23d overdue")
    reason = lines[lines.index(head) + 1]
    assert reason.startswith(" " * 12 + "8 weeks since you were last in touch")
    assert "2 overdue" in lines[-1]
    narrow = run("due", "--vault", str(vault), "--today", TODAY, columns=40).stdout
    assert all(len(line) <= 40 for line in narrow.splitlines())
    assert "23d overdue" in narrow


def test_due_table_on_a_wide_terminal_shows_note_text_literally(vault: Path) -> None:
    (vault / "Companies/Acme.md").write_text(
        "---\ntype: company\n---\n# Acme\n\n## News\n"
        "- 2026-11-20 #win launched [/b] the [red]Zap[/red] product\n",
        encoding="utf-8",
    )
    for columns in (200, 80):
        result = run("due", "--vault", str(vault), "--today", TODAY, columns=columns)
        assert result.exit_code == 0, result.exception
        assert "launched [/b] the [red]Zap[/red]" in " ".join(
            line.strip(" │") for line in result.stdout.splitlines()
        )


# -- finding people: ambiguous first names and composed/decomposed accents ---------------------


@pytest.mark.parametrize(
    "args",
    [
        ("log", "Dana", "hi"),
        ("starters", "Dana", "--today", TODAY),
        ("intro", "Dana", "--today", TODAY),
        ("graph", "--around", "Dana", "--today", TODAY),
    ],
)
def test_a_shared_first_name_is_ambiguous_not_unknown(
    vault: Path, args: tuple[str, ...]
) -> None:
    result = run(*args, "--vault", str(vault))
    assert result.exit_code == 2
    message = " ".join(result.stderr.split())
    assert "matches no" not in message
    assert "no person matches" not in message
    assert "Dana Okafor" in message
    assert "Dana Smith" in message
    assert not (vault / "People/Dana Okafor.md").read_text(encoding="utf-8").count("hi\n")


@pytest.mark.parametrize("spelling", ["NFD", "upper", "first"])
def test_names_match_whatever_the_unicode_form_or_case(vault: Path, spelling: str) -> None:
    name = {
        "NFD": unicodedata.normalize("NFD", "Zoë Ñúñez"),
        "upper": "ZOË ÑÚÑEZ",
        "first": "zoë",
    }[spelling]
    starters = run("starters", name, "--vault", str(vault), "--today", TODAY, "--json")
    assert starters.exit_code == 0, starters.stderr
    assert json.loads(starters.stdout)[0]["person"] == "People/Zoë Ñúñez.md"
    intro = run("intro", name, "--vault", str(vault), "--today", TODAY, "--json")
    assert intro.exit_code == 0, intro.stderr
    assert json.loads(intro.stdout)["target"] == "People/Zoë Ñúñez.md"
    logged = run("log", name, "sent the deck", "--date", TODAY, "--vault", str(vault))
    assert logged.exit_code == 0, logged.stderr
    text = (vault / "People/Zoë Ñúñez.md").read_text(encoding="utf-8")
    assert f"- {TODAY} — sent the deck" in text


# -- help and narrow tables --------------------------------------------------------------------


def test_plugins_on_a_narrow_terminal_never_cuts_a_name_short(vault: Path) -> None:
    from vaultlink.cli.cmd_plugins import list_plugins
    from vaultlink.config import load_config

    names = [p.name for p in list_plugins(load_config(vault)[0])[0]]
    result = run("plugins", "--vault", str(vault), columns=60)
    assert result.exit_code == 0, result.output
    first_words = {line.split()[0] for line in result.stdout.splitlines() if line.strip()}
    assert set(names) <= first_words
    assert "rejection-feedback" in names


def test_import_folder_help_keeps_its_default_text() -> None:
    # "[default: ...]" in a help string is eaten as rich markup: the default went missing
    result = run("import", "linkedin", "--help", columns=200)
    assert result.exit_code == 0
    assert "(default: where most of your people notes are" in result.stdout


# -- graph -o ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "start"),
    [("g.graphml", "<graphml"), ("g.canvas", '{\n\t"nodes"'), ("g.mmd", "flowchart"),
     ("g.md", "```mermaid\nflowchart"), ("g.json", "{")],
)
def test_graph_output_format_follows_the_file_extension(
    vault: Path, tmp_path: Path, name: str, start: str
) -> None:
    target = tmp_path / name
    result = run("graph", "--vault", str(vault), "--today", TODAY, "-o", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith(start)


def test_graph_never_overwrites_a_note(vault: Path, tmp_path: Path) -> None:
    note = vault / "People/Dana Okafor.md"
    before = note.read_text(encoding="utf-8")
    for fmt in ("json", "mermaid"):
        result = run("graph", "--vault", str(vault), "-f", fmt, "-o", str(note))
        assert result.exit_code == 2
        assert "is a note" in result.stderr
    assert note.read_text(encoding="utf-8") == before
    # a Mermaid note the command wrote itself may be refreshed
    mine = tmp_path / "Graph.md"
    assert run("graph", "--vault", str(vault), "-o", str(mine)).exit_code == 0
    again = run("graph", "--vault", str(vault), "-o", str(mine), "--around", "Acme")
    assert again.exit_code == 0, again.output
    assert "Dana Smith" not in mine.read_text(encoding="utf-8")


# -- intro agrees with `due` ---------------------------------------------------------------------


def test_intro_goes_through_a_person_whose_note_links_the_insider(tmp_path: Path) -> None:
    # `due` said "reach out to Hannah Cho there (Leo Park could introduce you)" while
    # `intro` found "no warm path": a person note linking another person was ignored
    root = write_vault(tmp_path / "v", {
        "People/Leo Park.md": """
            ---
            type: person
            ---
            # Leo Park
            Worked for [[Hannah Cho]] for two years.

            ## Log
            - 2026-11-09 — coffee
            """,
        "People/Hannah Cho.md": """
            ---
            type: person
            company: "[[Copperline]]"
            ---
            # Hannah Cho
            """,
        "Companies/Copperline.md": "---\ntype: company\n---\n# Copperline\n",
    })
    result = run("intro", "Copperline", "--vault", str(root), "--today", TODAY, "--json")
    assert result.exit_code == 0, result.output
    paths = json.loads(result.stdout)["paths"]
    assert paths
    assert "People/Leo Park.md" in paths[0]["nodes"]
    human = run("intro", "Copperline", "--vault", str(root), "--today", TODAY)
    assert "your note on Leo Park links to Hannah Cho" in human.stdout


@pytest.mark.parametrize("command", ["due", "starters", "sync", "export"])
def test_a_today_near_the_end_of_the_calendar_is_a_usage_error(
    vault: Path, command: str
) -> None:
    # --today 9999-12-31 used to overflow the week arithmetic: "internal error"
    args = ["export", "ics"] if command == "export" else [command]
    result = run(*args, "--vault", str(vault), "--today", "9999-12-31")
    assert result.exit_code == 2
    assert "out of range" in result.stderr
    later = run(*args, "--vault", str(vault), "--today", "9000-12-31", "--no-cache")
    assert later.exit_code == 0, later.output


@pytest.mark.parametrize(("args", "start"), [(("graph",), "{"), (("export", "ics"), "BEGIN:")])
def test_dash_output_means_stdout(
    vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...],
    start: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(*args, "--vault", str(vault), "--today", TODAY, "-o", "-")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(start)
    assert not (tmp_path / "-").exists()
