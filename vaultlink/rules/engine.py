"""Run the enabled rules and turn their items into the due list.

Order of work: run rules → normalise (overdue days, section, urgency) → hide paused and
snoozed people and items the user ticked → drop redundant items → lapse filter →
horizon → rank → one item per block id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from vaultlink.config import RuleSettings
from vaultlink.problems import Problem
from vaultlink.rules.core import (
    SECTIONS,
    FollowUp,
    RegisteredRule,
    RuleContext,
    Section,
    registered,
)
from vaultlink.rules.plugins import load_plugins

if TYPE_CHECKING:
    from vaultlink.vault import Vault

HORIZONS: Mapping[str, tuple[Section, ...]] = {
    "week": ("overdue", "this_week"),
    "next": ("overdue", "this_week", "coming_up"),
    "all": SECTIONS,
}
BUILTIN_RULES: tuple[str, ...] = RuleSettings().enabled
DEFAULT_SCALE = 30.0


@dataclass(frozen=True, slots=True)
class DueReport:
    """The due list plus what went wrong on the way (broken plugins, unknown rule ids)."""

    items: tuple[FollowUp, ...]
    problems: tuple[Problem, ...] = ()


def active_rules(settings: RuleSettings) -> tuple[list[RegisteredRule], list[Problem]]:
    """The rules to run: built-ins listed in ``enabled``; plugin rules unless disabled
    (or unless ``enabled`` was set explicitly and leaves them out)."""
    problems = list(load_plugins())
    rules = registered()
    builtin_ids = set(BUILTIN_RULES)
    # `disabled = [...]` alone leaves `enabled` at the defaults minus those: not custom.
    custom_enabled = set(settings.enabled) | (set(settings.disabled) & builtin_ids) != builtin_ids
    for name in (*settings.enabled, *settings.disabled):
        if name not in rules:
            problems.append(Problem(
                "vaultlink.toml", None, "warning", "bad-config",
                f"[rules] unknown rule id {name!r} (known: {', '.join(rules)})",
            ))
    chosen: list[RegisteredRule] = []
    for rule_id, registered_rule in rules.items():
        if rule_id in settings.disabled:
            continue
        builtin = registered_rule.origin == "builtin"
        if (builtin or custom_enabled) and rule_id not in settings.enabled:
            continue
        chosen.append(registered_rule)
    return chosen, problems


def evaluate(
    ctx: RuleContext,
    horizon: str = "week",
    include_lapsed: bool = False,
) -> DueReport:
    """The due list for a context: the engine behind ``compute_due``."""
    if horizon not in HORIZONS:
        raise ValueError(f"horizon must be one of {', '.join(HORIZONS)}, not {horizon!r}")
    rules, problems = active_rules(ctx.settings)
    items: list[FollowUp] = []
    for registered_rule in rules:
        try:
            found = list(registered_rule.func(ctx))
        except Exception as exc:
            if registered_rule.origin == "builtin":
                raise
            problems.append(Problem(
                f"plugin {registered_rule.origin}", None, "warning", "plugin-error",
                f"rule {registered_rule.id!r} failed: {type(exc).__name__}: {exc}",
            ))
            continue
        items.extend(_normalise(ctx, item) for item in found if isinstance(item, FollowUp))
    done = ctx.done_ids
    if done:
        items = [item for item in items if item.block_id not in done]
    items = [item for item in items if _visible(ctx, item)]
    items = _drop_redundant(items)
    if not include_lapsed:
        items = [item for item in items if not item.lapsed]
    wanted = HORIZONS[horizon]
    items = [item for item in items if item.section in wanted]
    items.sort(key=rank_key)
    seen: set[str] = set()
    unique: list[FollowUp] = []
    for item in items:
        block_id = item.block_id
        if block_id not in seen:
            seen.add(block_id)
            unique.append(item)
    return DueReport(tuple(unique), tuple(problems))


def due_report(
    vault: Vault,
    today: date,
    horizon: str = "week",
    include_lapsed: bool = False,
) -> DueReport:
    """Follow-ups for a loaded vault, with the problems met on the way."""
    ctx = RuleContext(
        model=vault.model,
        settings=vault.config.rules,
        today=today,
        notes=vault.notes,
        tiers=vault.config.tiers,
    )
    return evaluate(ctx, horizon=horizon, include_lapsed=include_lapsed)


def compute_due(
    vault: Vault,
    today: date,
    horizon: str = "week",
    include_lapsed: bool = False,
) -> list[FollowUp]:
    """Who is due: overdue and this ISO week (``"week"``), plus next week (``"next"``),
    or everything (``"all"``); lapsed items only with ``include_lapsed``."""
    return list(due_report(vault, today, horizon, include_lapsed).items)


def rank_key(item: FollowUp) -> tuple[int, int, float, date, str, str, str]:
    """Overdue first, most urgent first; then by due date and name. Lapsed items last."""
    overdue = item.overdue_days > 0
    return (
        1 if item.lapsed else 0,
        0 if overdue else 1,
        -item.urgency if overdue else 0.0,
        item.due,
        item.name.lower(),
        item.rule,
        item.trigger,
    )


def _normalise(ctx: RuleContext, item: FollowUp) -> FollowUp:
    """Recompute what depends only on today, so plugin items rank like built-in ones."""
    overdue = max(0, (ctx.today - item.due).days)
    urgency = item.urgency
    if overdue and urgency <= 0:
        person = ctx.person(item.person) if item.person else None
        scale = float(person.cadence) if person is not None and person.cadence else \
            DEFAULT_SCALE
        urgency = overdue / scale
    if not overdue:
        urgency = 0.0
    section = ctx._section(item.due)  # section_for(item.due, ctx.today), faster
    if (overdue, urgency, section) == (item.overdue_days, item.urgency, item.section):
        return item
    return replace(item, overdue_days=overdue, urgency=urgency, section=section)


def _visible(ctx: RuleContext, item: FollowUp) -> bool:
    """Paused people and people snoozed past today are hidden."""
    if item.person is not None:
        person = ctx.person(item.person)
        if person is not None:
            if person.paused:
                return False
            if person.snooze_until is not None and person.snooze_until > ctx.today:
                return False
    return True


def _drop_redundant(items: Iterable[FollowUp]) -> list[FollowUp]:
    """One reminder where two would say the same thing.

    - ``cadence`` is dropped when an ``explicit`` date is pending for that person (you
      already said when);
    - ``drift`` is dropped when that person has a pending ``explicit`` date (you planned
      the next contact) or a ``cadence`` item due by the end of this week;
    - ``reach-in`` is dropped when ``let-them-know`` items name people at that company.
    """
    items = list(items)
    explicit = {i.person for i in items if i.rule == "explicit" and not i.lapsed}
    soon = {
        i.person for i in items
        if i.rule == "cadence" and not i.lapsed
        and i.section in ("overdue", "this_week")
    }
    told = {i.company for i in items if i.rule == "let-them-know" and not i.lapsed}
    out: list[FollowUp] = []
    for item in items:
        if item.rule == "cadence" and item.person in explicit:
            continue
        if item.rule == "drift" and (item.person in soon or item.person in explicit):
            continue
        if item.rule == "reach-in" and item.company is not None and item.company in told:
            continue
        out.append(item)
    return out
