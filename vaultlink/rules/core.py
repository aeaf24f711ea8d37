"""The follow-up record, the context a rule sees, and the rule registry.

A rule is a pure function ``RuleContext -> Iterable[FollowUp]``: it reads the model
(never the disk), knows "today" only through the context, and reports each item with
the sources that fired it. The engine (``engine.py``) filters, ranks and deduplicates.
"""

from __future__ import annotations

import bisect
import hashlib
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property, lru_cache
from itertools import islice
from typing import Any, Literal

from vaultlink.config import RuleSettings
from vaultlink.model import Model
from vaultlink.notes import Note
from vaultlink.records import Company, Contact, Person, Source

Section = Literal["overdue", "this_week", "coming_up", "later"]
SECTIONS: tuple[Section, ...] = ("overdue", "this_week", "coming_up", "later")
SECTION_TITLES: Mapping[Section, str] = {
    "overdue": "Overdue",
    "this_week": "This week",
    "coming_up": "Coming up",
    "later": "Later",
}
# A bare ``vl-xxxxxx`` token in a user's line (not ``^vl-...``, which is a block reference).


@dataclass(frozen=True, slots=True)
class FollowUp:
    """One thing to do for one person (or, for ``reach-in``, one company).

    ``trigger`` is a stable key for what fired the item (an interaction path, an
    application path and date, a win's source, a last-contact date); with the person
    and the rule it makes ``block_id``, so the same item keeps its id across runs.
    ``urgency`` is days overdue divided by the person's cadence (or a per-rule scale).
    """

    person: str | None
    name: str
    company: str | None
    due: date
    rule: str
    reason: str
    overdue_days: int = 0
    sources: tuple[Source, ...] = ()
    trigger: str = ""
    section: Section = "this_week"
    urgency: float = 0.0
    lapsed: bool = False

    @property
    def block_id(self) -> str:
        """``vl-`` + 6 hex digits of a hash of (person or company, rule, trigger)."""
        return _block_id(
            self.person or self.company or self.name, self.rule,
            self.trigger or self.due.isoformat(),
        )

    @property
    def overdue(self) -> bool:
        return self.overdue_days > 0

    def _repr_html_(self) -> str:
        from vaultlink.display import records_html

        return records_html([self], ("due", "name", "rule", "reason", "overdue_days"))

    def to_json(self) -> dict[str, Any]:
        """Exactly the SPEC §7.1 object."""
        return {
            "person": self.person,
            "name": self.name,
            "company": self.company,
            "due": self.due.isoformat(),
            "rule": self.rule,
            "reason": self.reason,
            "overdue_days": self.overdue_days,
            "sources": list(dict.fromkeys(s.path for s in self.sources)),
        }


@lru_cache(maxsize=1 << 15)
def _block_id(subject: str, rule: str, trigger: str) -> str:
    """The hash behind ``FollowUp.block_id``, remembered: the engine, the renderer and the
    planner each ask for the id of the same item several times."""
    key = "\x1f".join((subject, rule, trigger))
    return "vl-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:6]


_Row = tuple[str, Person, tuple[date, ...], tuple[Contact, ...]]


@dataclass(frozen=True)
class RuleContext:
    """What a rule may look at: the model, its settings, today, and a few helpers.

    Contacts dated after ``today`` are ignored everywhere (a daily note written ahead
    is a plan, not contact). ``notes`` gives property lines for sources; it may be empty.
    """

    model: Model
    settings: RuleSettings
    today: date
    notes: Mapping[str, Note] = field(default_factory=dict)
    tiers: Mapping[str, str | int] = field(default_factory=dict)

    # -- people and companies ----------------------------------------------------------
    @cached_property
    def person_paths(self) -> tuple[str, ...]:
        """Every person's path, sorted (the order the built-in rules report in)."""
        return tuple(sorted(self.model.people))

    def person(self, path: str) -> Person | None:
        return self.model.people.get(path)

    def company(self, path: str | None) -> Company | None:
        return self.model.companies.get(path) if path else None

    def company_name(self, path: str | None) -> str | None:
        """The display name of a company path (its note's name even if not a company)."""
        if path is None:
            return None
        company = self.model.companies.get(path)
        if company is not None:
            return company.name
        base = path.rsplit("/", 1)[-1]
        return base[:-3] if base.lower().endswith(".md") else base

    @cached_property
    def _people_at(self) -> Mapping[str, tuple[str, ...]]:
        at: dict[str, list[str]] = {}
        for person in self.model.people.values():
            for company in person.companies:
                at.setdefault(company, []).append(person.path)
        return {k: tuple(sorted(v)) for k, v in at.items()}

    def people_at(self, company: str | None) -> tuple[str, ...]:
        """Paths of the people who work (or worked) at a company, sorted."""
        return self._people_at.get(company, ()) if company else ()

    def cadence_never(self, person: str) -> bool:
        """True when the person's note says ``cadence: never`` (not merely no cadence)."""
        found = self.model.people.get(person)
        return found is not None and found.cadence_never

    def property_source(self, path: str, *keys: str) -> Source | None:
        """The line of the first of ``keys`` present in a note's frontmatter."""
        lines = self.model.property_lines.get(path)
        if lines is None:
            note = self.notes.get(path)
            if note is None:
                return None
            lines = note.property_lines
        for key in keys:
            if key in lines:
                return Source(path, lines[key])
        return None

    # -- contacts --------------------------------------------------------------------------
    @cached_property
    def _contacts(self) -> Mapping[str, tuple[tuple[date, ...], tuple[Contact, ...]]]:
        out: dict[str, tuple[tuple[date, ...], tuple[Contact, ...]]] = {}
        today = self.today
        empty: tuple[tuple[date, ...], tuple[Contact, ...]] = ((), ())
        for path, person in self.model.people.items():
            contacts = person.contacts
            if not contacts:
                out[path] = empty
                continue
            dates = [c.date for c in contacts]
            if _in_order(contacts, dates):
                # The model keeps contacts in this order already: cut at today.
                cut = bisect.bisect_right(dates, today)
                out[path] = (tuple(dates[:cut]), tuple(contacts[:cut]))
                continue
            kept = sorted((c for c in contacts if c.date <= today), key=_contact_key)
            out[path] = (tuple(c.date for c in kept), tuple(kept))
        return out

    @cached_property
    def _people_rows(self) -> tuple[_Row, ...]:
        """(path, person, contact dates, contacts) up to today for everyone, by path: what
        the per-person rules walk, looked up once for all of them."""
        people = self.model.people
        contacts = self._contacts
        rows: list[_Row] = []
        for path in self.person_paths:
            dates, kept = contacts[path]
            rows.append((path, people[path], dates, kept))
        return tuple(rows)

    def contacts(self, person: str) -> tuple[Contact, ...]:
        """Every contact with the person up to today, oldest first."""
        return self._contacts.get(person, ((), ()))[1]

    def contact_dates(self, person: str) -> tuple[date, ...]:
        """The dates of ``contacts(person)``, oldest first (one per contact)."""
        return self._contacts.get(person, ((), ()))[0]

    def last_contact(self, person: str, before: date | None = None) -> Contact | None:
        """The latest contact up to today, or strictly before ``before`` when given."""
        dates, contacts = self._contacts.get(person, ((), ()))
        index = len(dates) if before is None else bisect.bisect_left(dates, before)
        return contacts[index - 1] if index else None

    def contacts_after(self, person: str, day: date) -> tuple[Contact, ...]:
        """Contacts dated strictly after ``day`` and no later than today."""
        dates, contacts = self._contacts.get(person, ((), ()))
        return contacts[bisect.bisect_right(dates, day):]

    def contacted_after(self, person: str, day: date) -> bool:
        """Whether there is any contact dated strictly after ``day`` (up to today):
        ``bool(contacts_after(person, day))`` without building the tuple."""
        dates = self._contacts.get(person, ((), ()))[0]
        return bool(dates) and dates[-1] > day

    def contacted_since(self, person: str, day: date) -> bool:
        """Whether there is any contact dated on or after ``day`` (up to today)."""
        dates, _ = self._contacts.get(person, ((), ()))
        return bisect.bisect_left(dates, day) < len(dates)

    # -- building items ---------------------------------------------------------------------
    def item(
        self,
        *,
        person: str | None,
        name: str,
        company: str | None,
        due: date,
        rule: str,
        reason: str,
        sources: Iterable[Source | None],
        trigger: str,
        scale: float,
        lapse_days: int | None = None,
        lapse_from: date | None = None,
    ) -> FollowUp:
        """A FollowUp with overdue days, urgency and the lapse flag filled in.

        An item lapses ``lapse_days`` after ``lapse_from`` (default: its due date).
        """
        overdue = max(0, (self.today - due).days)
        start = lapse_from or due
        lapsed = lapse_days is not None and self.today > start + timedelta(days=lapse_days)
        return FollowUp(
            person=person,
            name=name,
            company=company,
            due=due,
            rule=rule,
            reason=reason,
            overdue_days=overdue,
            sources=tuple(s for s in sources if s is not None),
            trigger=trigger,
            section=self._section(due),
            urgency=overdue / scale if scale > 0 else float(overdue),
            lapsed=lapsed,
        )

    @cached_property
    def _week_ends(self) -> tuple[date, date]:
        sunday = self.today + timedelta(days=6 - self.today.weekday())
        return sunday, sunday + timedelta(days=7)

    def _section(self, due: date) -> Section:
        """``section_for(due, self.today)``, with the week's bounds worked out once."""
        if due < self.today:
            return "overdue"
        sunday, next_sunday = self._week_ends
        if due <= sunday:
            return "this_week"
        if due <= next_sunday:
            return "coming_up"
        return "later"

    def when(self, day: date) -> str:
        """A date as people write it: ``26 Oct`` (with the year when it is not this year)."""
        return human_date(day, self.today)

    # -- ticked vaultlink checkboxes ------------------------------------------------------------
    @cached_property
    def done_ids(self) -> frozenset[str]:
        """Block ids of vaultlink items the user ticked or cancelled, wherever they are.

        A completed (or cancelled) task carrying a ``^vl-`` id anywhere, and a line in a
        user note carrying one (the ``## Log`` line sync appends when it harvests a tick),
        close that item even before the tick turns into a dated contact. Collected per
        note by the model, so no rule has to read every note.
        """
        return self.model.done_ids


def _contact_key(contact: Contact) -> tuple[date, str, int]:
    return (contact.date, contact.source.path, contact.source.line or 0)


def _in_order(contacts: Sequence[Contact], dates: Sequence[date]) -> bool:
    """Whether ``contacts`` are sorted by (date, path, line) already, as the model keeps
    them; then sorting them again would change nothing (``sorted`` is stable)."""
    if len(dates) < 2 or all(map(operator.lt, dates, islice(dates, 1, None))):
        return True
    if not all(map(operator.le, dates, islice(dates, 1, None))):
        return False
    return all(  # several on one day: their paths and lines decide
        _contact_key(contacts[i - 1]) <= _contact_key(contacts[i])
        for i in range(1, len(dates)) if dates[i - 1] == dates[i]
    )


def section_for(due: date, today: date) -> Section:
    """Overdue; this ISO week (up to Sunday); coming up (next ISO week); later."""
    if due < today:
        return "overdue"
    sunday = today + timedelta(days=6 - today.weekday())
    if due <= sunday:
        return "this_week"
    if due <= sunday + timedelta(days=7):
        return "coming_up"
    return "later"


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def human_date(day: date, today: date) -> str:
    text = f"{day.day} {_MONTHS[day.month - 1]}"
    return text if day.year == today.year else f"{text} {day.year}"


_NAMED_SPANS = {1: "day", 7: "week", 30: "month", 31: "month", 91: "quarter", 90: "quarter",
                182: "six months", 365: "year"}


def human_days(days: int) -> str:
    """A cadence in words: ``week``, ``2 weeks``, ``month``, ``45 days``."""
    named = _NAMED_SPANS.get(days)
    if named is not None:
        return named
    if days % 7 == 0 and days <= 84:
        return f"{days // 7} weeks"
    if days % 30 == 0 and days <= 330:
        return f"{days // 30} months"
    return f"{days} days"


def ago(days: int) -> str:
    """``3 days``, ``5 weeks``, ``4 months`` — rough, as a person would say it."""
    if days < 14:
        return f"{days} day{'s' if days != 1 else ''}"
    if days < 60:
        return f"{round(days / 7)} weeks"
    if days < 365 * 2:
        return f"{round(days / 30.4)} months"
    return f"{round(days / 365)} years"


# -- the registry --------------------------------------------------------------------------------
Rule = Callable[[RuleContext], Iterable[FollowUp]]


@dataclass(frozen=True, slots=True)
class RegisteredRule:
    """A rule function with its id, a one-line description and where it came from."""

    id: str
    func: Rule
    description: str = ""
    origin: str = "builtin"


_REGISTRY: dict[str, RegisteredRule] = {}
_ORIGIN: list[str] = ["builtin"]


def rule(rule_id: str, description: str = "") -> Callable[[Rule], Rule]:
    """Register a follow-up rule under ``rule_id`` (the id shown in every due item).

    Third-party packages decorate their functions with this in a module named by an
    entry point of the ``vaultlink.rules`` group.
    """
    if not rule_id or not isinstance(rule_id, str):
        raise ValueError("a rule needs a non-empty string id")

    def register(func: Rule) -> Rule:
        doc = description or (func.__doc__ or "").strip().split("\n", 1)[0]
        _REGISTRY[rule_id] = RegisteredRule(rule_id, func, doc, _ORIGIN[-1])
        return func

    return register


def registered() -> Mapping[str, RegisteredRule]:
    """Every rule registered so far (built-ins first, in registration order)."""
    return dict(_REGISTRY)


def unregister(rule_id: str) -> None:
    """Remove a rule (for tests and for plugins that replace a built-in)."""
    _REGISTRY.pop(rule_id, None)


class _origin:
    """Record which plugin registers the rules imported inside the block."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __enter__(self) -> None:
        _ORIGIN.append(self.name)

    def __exit__(self, *exc: object) -> None:
        _ORIGIN.pop()


def join_names(names: Sequence[str], limit: int = 3) -> str:
    """``A``, ``A and B``, ``A, B and C``, ``A, B, C and 2 others``."""
    items = list(names)
    if len(items) > limit:
        rest = len(items) - limit
        items = [*items[:limit], f"{rest} other{'s' if rest != 1 else ''}"]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
