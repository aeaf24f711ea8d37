"""``vaultlink init``: a commented vaultlink.toml with every setting, and note templates;
never overwriting anything."""

from __future__ import annotations

import tomllib
from dataclasses import fields
from datetime import date
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

import vaultlink
from tests.fixtures.sync.support import snapshot, write_files
from vaultlink.cli import app
from vaultlink.config import Config, config_from_mapping, load_config
from vaultlink.templates import config_text, init_vault, note_templates

ENV = {"COLUMNS": "200", "NO_COLOR": "1", "VAULTLINK_VAULT": None}


def run(*args: str) -> Any:
    return CliRunner().invoke(app, ["init", *args], env=ENV)


def uncommented(text: str) -> str:
    """Every commented setting switched on (examples of unset settings left out)."""
    out = []
    for line in text.splitlines():
        if line.startswith("# ") and " = " in line and "# example" not in line:
            out.append(line[2:])
        else:
            out.append(line)
    return "\n".join(out)


def test_config_text_lists_every_setting_with_its_default() -> None:
    text = config_text()
    config = Config()
    for section, settings in (("output", config.output), ("folders", config.folders),
                              ("rules", config.rules), ("me", config.me)):
        assert f"[{section}]" in text
        for f in fields(settings):
            assert f"# {f.name} = " in text, f"{section}.{f.name} is missing"
    assert "# max_per_person = 5" in text
    assert "[tiers]" in text


def test_the_commented_file_means_the_defaults() -> None:
    text = config_text()
    assert config_from_mapping(tomllib.loads(text)) == (Config(path="vaultlink.toml"), ())
    switched_on = tomllib.loads(uncommented(text))
    assert switched_on["output"]["folder"] == "Vaultlink"
    assert config_from_mapping(switched_on) == (Config(path="vaultlink.toml"), ())


def test_init_writes_config_and_templates(tmp_path: Path) -> None:
    result = run("--vault", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "vaultlink.toml").read_text(encoding="utf-8") == config_text()
    for name, text in note_templates().items():
        assert (tmp_path / "Templates" / name).read_text(encoding="utf-8") == text
    assert "wrote Templates/Person.md" in result.stdout
    assert "set it as the template folder" in result.stdout
    config, problems = load_config(tmp_path)
    assert problems == ()
    assert config == Config(path="vaultlink.toml")


def test_templates_are_not_mistaken_for_people_or_applications(tmp_path: Path) -> None:
    # no templates folder configured in Obsidian: the {{date}} placeholders protect them
    init_vault(tmp_path)
    vault = vaultlink.load(tmp_path, use_cache=False)
    assert dict(vault.people) == {}
    assert dict(vault.applications) == {}
    assert vault.due(date(2026, 11, 23)) == []


def test_init_uses_obsidians_templates_folder(tmp_path: Path) -> None:
    write_files(tmp_path, {".obsidian/templates.json": '{"folder": "Meta/Templates"}'})
    result = run("--vault", str(tmp_path))
    assert result.exit_code == 0
    assert (tmp_path / "Meta/Templates/Person.md").is_file()
    assert not (tmp_path / "Templates").exists()
    assert "set it as the template folder" not in result.stdout


def test_init_never_overwrites(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "vaultlink.toml": "[output]\nfolder = \"CRM\"\n",
        "Templates/Person.md": "my own person template\n",
    })
    before = snapshot(tmp_path)
    result = run("--vault", str(tmp_path))
    assert result.exit_code == 0
    assert "skipped vaultlink.toml (it exists; left as it is)" in result.stdout
    assert "skipped Templates/Person.md" in result.stdout
    after = snapshot(tmp_path)
    assert {p: after[p] for p in before} == before
    assert set(after) - set(before) == {
        "Templates/Company.md", "Templates/Application.md", "Templates/Interview.md",
    }
    again = run("--vault", str(tmp_path))
    assert again.stdout.count("skipped") == 5
    assert snapshot(tmp_path) == after


def test_init_on_a_missing_folder_exits_2(tmp_path: Path) -> None:
    result = run("--vault", str(tmp_path / "nope"))
    assert result.exit_code == 2
