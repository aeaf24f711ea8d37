"""``vaultlink init``: a commented vaultlink.toml and note templates, never overwriting."""

from __future__ import annotations

import typer
from rich.markup import escape

from vaultlink.cli.common import VaultOption, app, require_folder, stderr, stdout, vault_path


@app.command()
def init(vault: VaultOption = None) -> None:
    """Write a commented vaultlink.toml and person/company/application/interview templates."""
    from vaultlink.settings import read_settings
    from vaultlink.templates import init_vault

    root = vault_path(vault).expanduser()
    require_folder(root)
    settings, _ = read_settings(root)
    report = init_vault(root, settings.templates_folder)
    for path in report.written:
        stdout.print(f"wrote {path}", highlight=False, markup=False)
    for path in report.skipped:
        stdout.print(f"skipped {path} (it exists; left as it is)", highlight=False, markup=False)
    for refusal in report.refused:
        stderr.print(f"[red]refused[/]: {escape(refusal.path)}: {escape(refusal.reason)}",
                     highlight=False)
    if settings.templates_folder is None and any(
        p.startswith(report.templates_folder + "/") for p in report.written
    ):
        stdout.print(
            f"Templates are in {report.templates_folder}/: set it as the template folder "
            "in Obsidian (Settings → Templates) to use them.",
            highlight=False, markup=False,
        )
    if report.refused:
        raise typer.Exit(1)
