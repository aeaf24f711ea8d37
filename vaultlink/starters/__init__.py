"""Conversation starters (SPEC §4): short, concrete, sourced things to talk about.

Sources are registered functions (``@starter_source("name")``), built-in ones in
``vaultlink.starters.builtin`` and third-party ones from the ``vaultlink.starters``
entry-point group. ``starters_for`` runs them for one person; ``starters_for_due`` for
everyone due this week.
"""

from __future__ import annotations

from vaultlink.starters.base import (
    ENTRY_POINT_GROUP,
    PluginError,
    SourceFunc,
    Starter,
    StarterContext,
    link_target,
    load_plugins,
    obsidian_link,
    plugin_errors,
    registered_sources,
    starter_source,
    unregister,
)
from vaultlink.starters.engine import select, starters_for, starters_for_due

__all__ = [
    "ENTRY_POINT_GROUP",
    "PluginError",
    "SourceFunc",
    "Starter",
    "StarterContext",
    "link_target",
    "load_plugins",
    "obsidian_link",
    "plugin_errors",
    "registered_sources",
    "select",
    "starter_source",
    "starters_for",
    "starters_for_due",
    "unregister",
]
