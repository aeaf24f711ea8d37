"""``vaultlink check``: what is wrong with the vault, with path and line."""

from __future__ import annotations

from collections import Counter

import typer
from rich.markup import escape

from vaultlink.cli.common import (
    JsonOption,
    NoCacheOption,
    VaultOption,
    app,
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
    problems = tuple(sorted(loaded.problems, key=lambda p: (p.path, p.line or 0, p.code)))
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
            where = problem.path if problem.line is None else f"{problem.path}:{problem.line}"
            stdout.print(
                f"{escape(where)}: [{style}]{problem.severity}[/] "
                f"[dim]{problem.code}[/] {escape(problem.message)}",
                highlight=False,
            )
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
