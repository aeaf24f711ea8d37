"""``vaultlink plugins``: the follow-up rules and starter sources loaded, and from where."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.markup import escape

from vaultlink.cli.common import (
    JsonOption,
    VaultOption,
    app,
    print_json,
    print_problem,
    require_folder,
    stderr,
    stdout,
    vault_path,
)

if TYPE_CHECKING:
    from vaultlink.config import Config


@dataclass(frozen=True, slots=True)
class PluginInfo:
    """One registered rule or starter source: where it comes from, whether it runs."""

    kind: str  # "rule" or "starter"
    name: str
    origin: str  # "builtin", or the distribution that registered it
    module: str
    enabled: bool
    description: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "origin": self.origin,
            "module": self.module,
            "enabled": self.enabled,
            "description": self.description,
        }


def _first_line(func: Callable[..., Any]) -> str:
    return (func.__doc__ or "").strip().split("\n", 1)[0]


def _starter_origins() -> dict[str, str]:
    """Module or entry-point name -> the distribution providing it."""
    from importlib import metadata

    from vaultlink.starters import ENTRY_POINT_GROUP

    out: dict[str, str] = {}
    try:
        points = list(metadata.entry_points(group=ENTRY_POINT_GROUP))
    except Exception:  # broken metadata: plugins_loaded already reported it
        return out
    for point in points:
        dist = point.dist.name if point.dist is not None else point.value
        out[point.name] = dist
        out[point.value.split(":", 1)[0]] = dist
    return out


def list_plugins(config: Config) -> tuple[list[PluginInfo], list[str]]:
    """Every rule and starter source registered (built-in and from entry points), and the
    messages of plugins that failed to load."""
    from vaultlink.rules import active_rules, load_plugins, registered
    from vaultlink.starters import load_plugins as load_starters
    from vaultlink.starters import registered_sources

    errors = [p.message for p in load_plugins()]
    chosen, _ = active_rules(config.rules)
    enabled = {r.id for r in chosen}
    out = [
        PluginInfo("rule", rule.id, rule.origin, rule.func.__module__, rule.id in enabled,
                   rule.description)
        for rule in registered().values()
    ]
    sources = registered_sources()
    errors.extend(str(e) for e in load_starters())
    origins = _starter_origins()
    for name, func in sources.items():
        module = getattr(func, "__module__", "") or ""
        if module.startswith("vaultlink."):
            origin = "builtin"
        else:
            origin = origins.get(name) or origins.get(module) or "runtime"
        out.append(PluginInfo("starter", name, origin, module, True, _first_line(func)))
    return out, list(dict.fromkeys(errors))


@app.command()
def plugins(
    vault: VaultOption = None,
    json_output: JsonOption = False,
) -> None:
    """The follow-up rules and starter sources loaded, and whether each is enabled.

    Shows where each comes from (built in, or its package) and if vaultlink.toml enables it.
    """
    from rich.table import Table

    from vaultlink.config import load_config

    root = vault_path(vault).expanduser()
    require_folder(root)
    config, problems = load_config(Path(root))
    for problem in problems:
        print_problem(problem)
    found, errors = list_plugins(config)
    for message in errors:
        stderr.print(f"[yellow]warning[/]: {escape(message)}", highlight=False)
    if json_output:
        print_json({
            "rules": [p.to_json() for p in found if p.kind == "rule"],
            "starters": [p.to_json() for p in found if p.kind == "starter"],
            "errors": errors,
        })
        return
    wide = stdout.width >= 120
    for kind, title in (("rule", "Follow-up rules"), ("starter", "Starter sources")):
        rows = [p for p in found if p.kind == kind]
        table = Table(title=f"{title} ({len(rows)})", title_justify="left", title_style="bold",
                      box=None, pad_edge=False)
        # names are what vaultlink.toml takes: never cut them short on a narrow terminal
        longest = max((len(p.name) for p in rows), default=4)
        table.add_column("name", no_wrap=True, min_width=longest)
        table.add_column("enabled", no_wrap=True, min_width=len("enabled"))
        table.add_column("from (module)", no_wrap=True)
        if wide:
            table.add_column("description")
        for info in rows:
            label = "built-in" if info.origin == "builtin" else info.origin
            cells = [escape(info.name), "yes" if info.enabled else "no",
                     escape(f"{label} ({info.module})")]
            if wide:
                cells.append(escape(info.description))
            table.add_row(*cells, style=None if info.enabled else "dim")
        stdout.print(table)
        stdout.print()
    stdout.print("Rules are switched on and off in vaultlink.toml (\\[rules] enabled / "
                 "disabled); starter sources always run.", highlight=False)
