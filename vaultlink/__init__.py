"""vaultlink: keep a job search's relationships warm from a Markdown vault.

The public API is re-exported here; heavy modules load lazily so that
``vaultlink --help`` and a no-change sync import only what they need.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from vaultlink.problems import Problem
    from vaultlink.records import (
        Application,
        Company,
        Contact,
        Interaction,
        Me,
        Person,
        Signal,
        Source,
    )
    from vaultlink.vault import Vault, load

__all__ = [
    "Application",
    "Company",
    "Contact",
    "Interaction",
    "Me",
    "Person",
    "Problem",
    "Signal",
    "Source",
    "Vault",
    "__version__",
    "load",
]

_LAZY = {
    "Problem": "vaultlink.problems",
    "Application": "vaultlink.records",
    "Company": "vaultlink.records",
    "Contact": "vaultlink.records",
    "Interaction": "vaultlink.records",
    "Me": "vaultlink.records",
    "Person": "vaultlink.records",
    "Signal": "vaultlink.records",
    "Source": "vaultlink.records",
    "Vault": "vaultlink.vault",
    "load": "vaultlink.vault",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'vaultlink' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
