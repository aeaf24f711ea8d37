"""The rules' shortcuts give exactly what the plain definitions give.

``RuleContext`` cuts the model's contacts at today instead of re-sorting them (and sorts
only when they arrive out of order), ``drift`` and ``congratulate`` skip people early,
and block ids are remembered. Each test compares against the straightforward version
of the same computation, on contacts and signals drawn at random, so a shortcut that
drops or reorders anything fails here.
"""

from __future__ import annotations

import hashlib
import itertools
import statistics
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from vaultlink.config import RuleSettings
from vaultlink.model import Model
from vaultlink.records import Contact, Me, Person, Signal, Source
from vaultlink.rules import FollowUp, RuleContext, registered
from vaultlink.rules.core import _in_order
from vaultlink.rules.engine import evaluate

TODAY = date(2026, 11, 23)
PATHS = ("Daily/a.md", "Daily/b.md", "Meetings/c.md")
TEXTS = ("Promoted to Staff", "promoted  to staff", "Series B", "series b", "Won an award")


def _contact(person: str, day: date, path: str, line: int | None) -> Contact:
    return Contact(person=person, date=day, via="log", source=Source(path, line))


# a first contact, then the gaps to the next ones (0: the same day): rhythms that drift
contacts = st.tuples(
    st.integers(-120, 5),
    st.lists(
        st.tuples(st.sampled_from((0, 1, 1, 2, 3, 5, 8, 14, 30)), st.sampled_from(PATHS),
                  st.one_of(st.none(), st.integers(1, 4))),
        max_size=10,
    ),
)
signals = st.lists(
    st.tuples(
        st.sampled_from(("win", "news", "impression")),
        # no date; days from today; or the day of one of the person's contacts
        st.one_of(st.none(), st.integers(-90, 10), st.integers(0, 9).map(str)),
        st.sampled_from(TEXTS),
        st.sampled_from((None, "own", "Companies/Acme.md")),
        st.sampled_from(PATHS),
    ),
    max_size=5,
)
people = st.lists(st.tuples(contacts, signals, st.booleans(), st.booleans()),
                  min_size=1, max_size=6)


Drawn = list[tuple[tuple[int, list[tuple[int, str, int | None]]],
                   list[tuple[str, int | str | None, str, str | None, str]], bool, bool]]


def _model(drawn: Drawn) -> Model:
    found: dict[str, Person] = {}
    for n, ((start, steps), noted, shuffle, never) in enumerate(drawn):
        path = f"People/P{n}.md"
        made: list[Contact] = []
        day = TODAY + timedelta(days=start)
        for gap, where, line in steps:
            day += timedelta(days=gap)
            made.append(_contact(path, day, where, line))
        made.sort(key=lambda c: (c.date, c.source.path, c.source.line or 0))

        def when(d: int | str | None, made: list[Contact] = made) -> date | None:
            if isinstance(d, str):
                return made[int(d) % len(made)].date if made else None
            return None if d is None else TODAY + timedelta(days=d)

        if shuffle:  # out of order, as a hand-built or plugin model may hand them over
            made.reverse()
        found[path] = Person(
            path=path, name=f"P{n}", contacts=tuple(made), cadence_never=never,
            signals=tuple(
                Signal(kind, text, Source(src, 1),  # type: ignore[arg-type]
                       date=when(d), subject=path if subject == "own" else subject)
                for kind, d, text, subject, src in noted
            ),
        )
    return Model(kinds={}, people=found, companies={}, applications={}, interactions={},
                 daily={}, me=Me(), resolved={})


def _plain_contacts(ctx: RuleContext, path: str) -> list[Contact]:
    """What ``RuleContext`` promised before the shortcut: sort, keep up to today."""
    return sorted((c for c in ctx.model.people[path].contacts if c.date <= ctx.today),
                  key=lambda c: (c.date, c.source.path, c.source.line or 0))


def _plain_drift(ctx: RuleContext) -> Iterator[tuple[str, date, str]]:
    """SPEC §3 ``drift``, computed the long way."""
    s = ctx.settings
    for path in sorted(ctx.model.people):
        kept = _plain_contacts(ctx, path)
        days = sorted({c.date for c in kept})
        if len(days) < s.drift_min_gaps + 1 or (days[-1] - days[0]).days < s.drift_min_span_days:
            continue
        if ctx.model.people[path].cadence_never:
            continue
        median = float(statistics.median([(b - a).days for a, b in itertools.pairwise(days)]))
        silence = (ctx.today - days[-1]).days
        low = max(s.drift_factor * median, float(s.drift_floor_days))
        high = max(s.drift_ceiling_factor * median, float(s.drift_ceiling_floor_days))
        if low < silence < high:
            yield path, ctx.today, f"last:{kept[-1].date.isoformat()}"


def _plain_congratulate(ctx: RuleContext) -> Iterator[tuple[str, date, str]]:
    """SPEC §3 ``congratulate`` (due date and trigger), computed the long way."""
    s = ctx.settings
    for path in sorted(ctx.model.people):
        kept = _plain_contacts(ctx, path)
        chosen: list[tuple[date, Signal]] = []
        lapsed: list[tuple[date, Signal]] = []
        seen: set[tuple[date, str]] = set()
        wins = [g for g in ctx.model.people[path].signals
                if g.kind in ("win", "news") and g.date is not None]
        for g in sorted(wins, key=lambda g: (g.date, g.source.path)):
            assert g.date is not None
            key = (g.date, " ".join(g.text.lower().split()))
            if g.date > ctx.today or key in seen:
                continue
            seen.add(key)
            if any(c.date >= g.date for c in kept):
                continue
            if g.subject not in (None, path) and not any(c.date < g.date for c in kept):
                continue
            due = g.date + timedelta(days=s.congratulate_days)
            late = ctx.today > due + timedelta(days=s.congratulate_lapse_days)
            (lapsed if late else chosen).append((due, g))
        picked = chosen or lapsed[-1:]
        if picked:
            due, first = picked[0]
            assert first.date is not None
            norm = " ".join(first.text.lower().split())
            yield path, due, f"{first.source.path}@{first.date.isoformat()}:{norm}"


def _found(rule_id: str, ctx: RuleContext) -> list[tuple[str | None, date, str]]:
    return [(i.person, i.due, i.trigger) for i in registered()[rule_id].func(ctx)]


@settings(max_examples=300, deadline=None)
@given(drawn=people, shift=st.integers(-40, 40))
def test_contacts_drift_and_congratulate_match_the_plain_definitions(
    drawn: Drawn, shift: int
) -> None:
    rules = RuleSettings(drift_min_gaps=2, drift_min_span_days=10, drift_floor_days=5,
                         drift_ceiling_floor_days=60)
    ctx = RuleContext(model=_model(drawn), settings=rules,
                      today=TODAY + timedelta(days=shift))
    for path in ctx.model.people:
        plain = _plain_contacts(ctx, path)
        assert list(ctx.contacts(path)) == plain
        assert list(ctx.contact_dates(path)) == [c.date for c in plain]
        for day in (ctx.today - timedelta(days=30), ctx.today):
            assert ctx.contacted_after(path, day) == bool(ctx.contacts_after(path, day))
    assert _found("drift", ctx) == list(_plain_drift(ctx))
    assert _found("congratulate", ctx) == list(_plain_congratulate(ctx))


def test_contacts_out_of_order_give_the_same_due_list() -> None:
    """The fallback sort: a model whose contacts are not in (date, path, line) order."""
    a = date(2026, 10, 1)
    weekly = [_contact("People/Dana.md", a + timedelta(days=7 * k), PATHS[k % 2], k)
              for k in range(6)]
    ordered = (*weekly, _contact("People/Dana.md", a + timedelta(days=35), "Daily/z.md", 1))
    dana = Person(path="People/Dana.md", name="Dana", cadence=14, contacts=ordered)
    model = Model(kinds={}, people={dana.path: dana}, companies={}, applications={},
                  interactions={}, daily={}, me=Me(), resolved={})
    shuffled = replace(model, people={dana.path: replace(dana, contacts=ordered[::-1])})
    rules = RuleSettings()
    for today in (date(2026, 11, 5), date(2026, 11, 23), date(2026, 12, 20)):
        first = RuleContext(model=model, settings=rules, today=today)
        second = RuleContext(model=shuffled, settings=rules, today=today)
        assert second.contacts(dana.path) == first.contacts(dana.path)
        # two contacts on 5 Nov: the path decides which is last
        assert second.contacts(dana.path)[-1].source.path == "Daily/z.md"
        assert evaluate(second, "all", True).items == evaluate(first, "all", True).items
    assert evaluate(first, "all", True).items  # something to compare at all


def test_in_order_looks_at_paths_and_lines_on_the_same_day() -> None:
    day = date(2026, 11, 2)

    def check(*made: Contact) -> bool:
        return _in_order(made, [c.date for c in made])

    assert check()
    assert check(_contact("P", day, "b.md", 1))
    assert check(_contact("P", day, "b.md", 1), _contact("P", day + timedelta(1), "a.md", 1))
    assert check(_contact("P", day, "a.md", 2), _contact("P", day, "b.md", 1))
    assert check(_contact("P", day, "a.md", None), _contact("P", day, "a.md", 1))
    assert not check(_contact("P", day, "b.md", 1), _contact("P", day, "a.md", 1))
    assert not check(_contact("P", day, "a.md", 3), _contact("P", day, "a.md", 2))
    assert not check(_contact("P", day + timedelta(1), "a.md", 1), _contact("P", day, "a.md", 1))


def test_block_id_is_the_hash_of_subject_rule_and_trigger() -> None:
    item = FollowUp(person="People/Jane Doe.md", name="Jane Doe", company=None,
                    due=date(2026, 11, 27), rule="cadence", reason="r", trigger="last:x")

    def sha(*parts: str) -> str:
        return "vl-" + hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:6]

    assert item.block_id == sha("People/Jane Doe.md", "cadence", "last:x")
    assert item.block_id == sha("People/Jane Doe.md", "cadence", "last:x")  # remembered
    other = replace(item, trigger="")
    assert other.block_id == sha("People/Jane Doe.md", "cadence", "2026-11-27")
    company = replace(item, person=None, company="Companies/Acme.md", trigger="")
    assert company.block_id == sha("Companies/Acme.md", "cadence", "2026-11-27")


def test_drift_right_above_the_floor() -> None:
    """Every other day for three weeks, then quiet: drift on the first day past the floor."""
    start = date(2026, 11, 1)
    made = tuple(_contact("People/Ann.md", start + timedelta(days=2 * k), PATHS[0], k)
                 for k in range(12))  # 1 .. 23 Nov
    ann = Person(path="People/Ann.md", name="Ann", contacts=made)
    model = Model(kinds={}, people={ann.path: ann}, companies={}, applications={},
                  interactions={}, daily={}, me=Me(), resolved={})
    rules = RuleSettings(drift_floor_days=6)
    for quiet, expected in ((6, 0), (7, 1)):
        ctx = RuleContext(model=model, settings=rules,
                          today=date(2026, 11, 23) + timedelta(days=quiet))
        assert len(_found("drift", ctx)) == expected == len(list(_plain_drift(ctx)))
