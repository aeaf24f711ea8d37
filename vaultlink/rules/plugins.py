"""Third-party rules from the ``vaultlink.rules`` entry-point group.

An entry point may name a module (importing it runs its ``@rule`` decorators) or a rule
function (registered under the entry point's name unless it registered itself). A plugin
that fails to import is a warning, never a crash: the built-in rules still run.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import ModuleType
from typing import TYPE_CHECKING

from vaultlink.problems import Problem
from vaultlink.rules.core import _origin, registered, rule

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

GROUP = "vaultlink.rules"
_loaded: tuple[Problem, ...] | None = None


def entry_points(group: str) -> Iterable[EntryPoint]:
    """The installed entry points of ``group``. ``importlib.metadata`` is imported here,
    not with the module: importing it and listing the installed distributions is a
    noticeable share of a command that never runs a rule (``--help``, a repeat sync)."""
    from importlib.metadata import entry_points as installed

    return installed(group=group)


def load_plugins(force: bool = False) -> tuple[Problem, ...]:
    """Import every ``vaultlink.rules`` entry point once; return what went wrong."""
    global _loaded
    if _loaded is not None and not force:
        return _loaded
    problems: list[Problem] = []
    try:
        points = list(entry_points(group=GROUP))
    except Exception as exc:  # a broken installed distribution's metadata
        points = []
        problems.append(_problem("entry points", f"cannot list plugins: {exc}"))
    for point in points:
        problems.extend(_load_one(point))
    _loaded = tuple(problems)
    return _loaded


def _load_one(point: EntryPoint) -> list[Problem]:
    origin = point.dist.name if point.dist is not None else point.value
    try:
        with _origin(origin):
            obj = point.load()
            if isinstance(obj, ModuleType):
                return []
            if not callable(obj):
                return [_problem(point.value, f"rule plugin {point.name!r} is not a function")]
            if not any(r.func is obj for r in registered().values()):
                rule(point.name)(obj)
    except Exception as exc:
        return [_problem(
            point.value,
            f"rule plugin {point.name!r} ({point.value}) failed to load: "
            f"{type(exc).__name__}: {exc}",
        )]
    return []


def _problem(where: str, message: str) -> Problem:
    return Problem(f"plugin {where}", None, "warning", "plugin-error", message)
