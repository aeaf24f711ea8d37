"""The follow-up engine (SPEC §3): registered rules -> the ranked due list.

``compute_due(vault, today)`` runs the enabled rules; ``@rule("id")`` registers a rule
(third-party packages do so through the ``vaultlink.rules`` entry-point group).
"""

from __future__ import annotations

from vaultlink.rules import builtin as _builtin  # noqa: F401  (registers the built-ins)
from vaultlink.rules.core import (
    SECTION_TITLES,
    SECTIONS,
    FollowUp,
    RegisteredRule,
    Rule,
    RuleContext,
    Section,
    registered,
    rule,
    section_for,
    unregister,
)
from vaultlink.rules.engine import (
    HORIZONS,
    DueReport,
    active_rules,
    compute_due,
    due_report,
    evaluate,
    rank_key,
)
from vaultlink.rules.plugins import load_plugins

__all__ = [
    "HORIZONS",
    "SECTIONS",
    "SECTION_TITLES",
    "DueReport",
    "FollowUp",
    "RegisteredRule",
    "Rule",
    "RuleContext",
    "Section",
    "active_rules",
    "compute_due",
    "due_report",
    "evaluate",
    "load_plugins",
    "rank_key",
    "registered",
    "rule",
    "section_for",
    "unregister",
]
