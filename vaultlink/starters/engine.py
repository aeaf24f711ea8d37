"""Run every starter source for a person, then validate, deduplicate, rank and cap.

Pure: the vault and ``today`` come in, a list of starters goes out. A source that raises
is reported (``plugin_errors()`` and a ``RuntimeWarning``) and skipped.
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from vaultlink.records import Person
from vaultlink.starters.base import (
    Starter,
    StarterContext,
    record_failure,
    registered_sources,
)
from vaultlink.starters.text import normalise, similar

if TYPE_CHECKING:
    from vaultlink.vault import Vault

MIN_STARTERS = 2  # generic starters only fill up to this many
PER_KIND = 2  # at most this many of one kind before other kinds get a turn
DUE_BONUS = 0.15  # a starter that answers the rule that made the person due ranks higher
SIMILAR = 0.85  # weighted word overlap at which two starters count as near-duplicates
_MARGIN = 1e-9  # far above the rounding of any sum of word weights

# Follow-up rule ids (SPEC §3) -> starter kinds that act on them.
RULE_KINDS: dict[str, frozenset[str]] = {
    "thank-you": frozenset({"thank-you"}),
    "rejection-feedback": frozenset({"rejection"}),
    "rejection-checkin": frozenset({"check-in"}),
    "congratulate": frozenset({"congratulate", "news"}),
    "open-loop": frozenset({"open-loop"}),
}


def starters_for(
    vault: Vault,
    person_path: str,
    today: date,
    *,
    due_rules: Iterable[str] = (),
) -> list[Starter]:
    """Conversation starters for one person, best first (at most ``config.max_starters``).

    ``person_path`` is a person's vault path (a name or alias is accepted too and resolved
    like ``Vault.person``). ``due_rules`` are the rules that made the person due, if any.
    """
    person = _person(vault, person_path)
    ctx = StarterContext(vault=vault, person=person, today=today,
                         due_rules=frozenset(due_rules))
    candidates = list(_run_sources(ctx))
    return select(candidates, vault.config.max_starters, ctx.due_rules)


def starters_for_due(vault: Vault, today: date) -> list[tuple[Person, list[Starter]]]:
    """Starters for everyone due this week, in the due list's order (one entry per person)."""
    order: list[str] = []
    rules: dict[str, set[str]] = {}
    for item in vault.due(today=today):
        path = item.person
        if path is None or path not in vault.model.people:
            continue
        if path not in rules:
            order.append(path)
            rules[path] = set()
        rules[path].add(item.rule)
    return [
        (vault.model.people[path], starters_for(vault, path, today, due_rules=rules[path]))
        for path in order
    ]


def _person(vault: Vault, query: str) -> Person:
    person = vault.model.people.get(query)
    if person is not None:
        return person
    from vaultlink.lookup import find_person

    return find_person(vault.model, query)


def _run_sources(ctx: StarterContext) -> Iterable[Starter]:
    notes, resolver = ctx.vault.notes, ctx.vault.resolver
    for name, func in registered_sources().items():
        try:
            produced = list(func(ctx))
        except Exception as exc:  # a plugin's bug must not stop the run
            error = record_failure(name, exc)
            warnings.warn(str(error), RuntimeWarning, stacklevel=2)
            continue
        for starter in produced:
            if (
                isinstance(starter, Starter)
                and starter.text.strip()
                # no starter without a real source
                and (starter.source.path in notes or starter.source.path in resolver)
            ):
                yield starter


def select(
    candidates: Iterable[Starter], limit: int, due_rules: frozenset[str] = frozenset()
) -> list[Starter]:
    """Dedupe near-duplicates, keep generic ones only as filler, prefer variety, cap, rank."""
    boosted = [_boost(s, due_rules) for s in candidates]
    ranked = sorted(boosted, key=lambda s: (-s.score, s.kind, s.text))
    words = [frozenset(normalise(s.text)) for s in ranked]
    counts: Counter[str] = Counter(w for ws in words for w in ws)
    weights = {word: 1.0 / n for word, n in counts.items()}
    # each set's total weight, summed once (the same set object sums the same way)
    totals = [sum(weights[w] for w in ws) for ws in words]
    unique: list[Starter] = []
    kept_words: list[tuple[frozenset[str], float]] = []
    for starter, ws, total in zip(ranked, words, totals, strict=True):
        if any(_near(ws, other, weights, total, other_total)
               or (not ws and similar(starter.text, kept.text))
               for kept, (other, other_total) in zip(unique, kept_words, strict=True)):
            continue
        unique.append(starter)
        kept_words.append((ws, total))
    specific = [s for s in unique if s.kind != "generic"]
    generic = [s for s in unique if s.kind == "generic"]
    if len(specific) < MIN_STARTERS:
        specific.extend(generic[: MIN_STARTERS - len(specific)])
    chosen: list[Starter] = []
    per_kind: dict[str, int] = {}
    for starter in specific:
        if per_kind.get(starter.kind, 0) < PER_KIND:
            chosen.append(starter)
            per_kind[starter.kind] = per_kind.get(starter.kind, 0) + 1
    for starter in specific:  # fill with the rest when variety ran out
        if len(chosen) >= limit:
            break
        if starter not in chosen:
            chosen.append(starter)
    chosen = sorted(chosen, key=lambda s: (-s.score, s.kind, s.text))
    return chosen[: max(limit, 0)]


def _boost(starter: Starter, due_rules: frozenset[str]) -> Starter:
    from dataclasses import replace

    if any(starter.kind in RULE_KINDS.get(rule, ()) for rule in due_rules):
        return replace(starter, score=round(starter.score + DUE_BONUS, 4))
    return starter


def _near(a: frozenset[str], b: frozenset[str], weights: dict[str, float],
          total_a: float, total_b: float) -> bool:
    """``text.similar`` on precomputed word sets: words weighted 1 / (how many candidates
    use them), so the words every template shares count for little. ``total_a`` and
    ``total_b`` are the sets' summed weights."""
    if not a or not b:
        return False
    if a == b:
        return True
    if a.isdisjoint(b):  # every weight is positive: nothing shared weighs nothing
        return False
    shared = sum(weights[w] for w in a & b)
    if not shared:
        return False
    # The union weighs total_a + total_b - shared. Summed in another order that can be
    # off in the last bits (a few ulps per word), so it only settles pairs clearly on one
    # side of the line; a pair within _MARGIN of it is summed exactly as before.
    estimate = shared / (total_a + total_b - shared)
    if estimate >= SIMILAR + _MARGIN:
        return True
    if estimate > SIMILAR - _MARGIN:
        union = sum(weights[w] for w in a | b)
        if shared / union >= SIMILAR:
            return True
    small, total = (a, total_a) if total_a <= total_b else (b, total_b)
    return len(small) >= 3 and shared / total >= SIMILAR
