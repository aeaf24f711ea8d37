"""``vaultlink check``: what is wrong with the vault, with path and line."""

from __future__ import annotations

from collections import Counter

import typer

from vaultlink.cli import app
from vaultlink.cli.common import (
    JsonOption,
    NoCacheOption,
    VaultOption,
    open_vault,
    print_json,
    stdout,
)


@app.command()
def check(
    vault: VaultOption = None,
    json_output: JsonOption = False,
    no_cache: NoCacheOption = False,
) -> None:
    """Report unresolved links, bad dates, unknown cadences, ambiguous names, bad frontmatter."""
    loaded = open_vault(vault, no_cache=no_cache, quiet=json_output)
    problems = loaded.problems
    errors = sum(1 for p in problems if p.severity == "error")
    if json_output:
        print_json({
            "vault": str(loaded.root),
            "notes": len(loaded.notes),
            "people": len(loaded.people),
            "errors": errors,
            "warnings": len(problems) - errors,
            "problems": [p.to_json() for p in problems],
        })
    else:
        for problem in problems:
            style = "red" if problem.severity == "error" else "yellow"
            stdout.print(f"[{style}]{problem.severity:7}[/] {problem}", highlight=False)
        counts = Counter(p.code for p in problems)
        summary = ", ".join(f"{n} {code}" for code, n in counts.most_common()) or "no problems"
        stdout.print(
            f"\n{len(loaded.notes)} notes, {len(loaded.people)} people, "
            f"{len(loaded.companies)} companies: {errors} error(s), "
            f"{len(problems) - errors} warning(s) ({summary})",
            highlight=False,
        )
    if errors:
        raise typer.Exit(1)
