"""The ten built-in follow-up rules (SPEC §3), each citing the advice it encodes (§1).

Each rule is a pure function of a ``RuleContext``. A rule drops the items it finds
satisfied (a later contact) and marks lapsed ones; the engine hides paused and snoozed
people, ranks, deduplicates and applies the horizon.
"""

from __future__ import annotations

import itertools
import statistics
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from vaultlink.records import Application, Contact, Interaction, Person, Signal, Source
from vaultlink.rules.core import (
    FollowUp,
    RuleContext,
    ago,
    human_days,
    join_names,
    rule,
)

# Urgency = days overdue / scale. Cadence-like rules use the person's cadence; event
# rules use how long a delay is still fine: a thank-you a week late is as bad as a whole
# missed cycle, a one-month check-in can slip a month.
SCALES: dict[str, float] = {
    "thank-you": 7,
    "let-them-know": 7,
    "rejection-feedback": 14,
    "congratulate": 14,
    "rejection-checkin": 30,
    "open-loop": 14,
    "reach-in": 14,
    "explicit": 30,
}
DEFAULT_SCALE = 30.0

_KIND_LABEL = {
    "interview": "interview",
    "informational": "informational interview",
    "meeting": "meeting",
    "coffee": "coffee",
    "call": "call",
}
_CANCELLED = frozenset({
    "cancelled", "canceled", "no-show", "no show", "noshow", "rescheduled", "postponed",
})
_TASK_DATE_MARKS = ("📅", "⏳", "🛫", "✅", "➕", "🔁", "[due::", "(due::")


def _plus(day: date, days: int) -> date:
    return day + timedelta(days=days)


def _first_words(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


# -- §1.3 after an interview: thank them -------------------------------------------------------
@rule("thank-you", "thank people the day after an interview, meeting, coffee or call")
def thank_you(ctx: RuleContext) -> Iterator[FollowUp]:
    """SPEC §1.3: after an interview (or any conversation note), thank them — D + 1."""
    settings = ctx.settings
    people = ctx.model.people
    by_interaction: dict[str, list[Contact]] = defaultdict(list)
    for person in people.values():
        for contact in person.contacts:
            if contact.interaction is not None and contact.via == "note":
                by_interaction[contact.interaction].append(contact)
    for path in sorted(ctx.model.interactions):
        interaction = ctx.model.interactions[path]
        day = interaction.date
        if day is None or day > ctx.today:
            continue
        if interaction.outcome and _norm(interaction.outcome) in _CANCELLED:
            continue
        contacts = by_interaction.get(path, [])
        attendees = [p for p in dict.fromkeys(interaction.people) if p in people]
        if not attendees:  # nobody in `with`: the people the note links count
            attendees = list(dict.fromkeys(c.person for c in contacts))
        company = ctx.company_name(interaction.company)
        label = _KIND_LABEL.get(interaction.kind, interaction.kind)
        for person_path in attendees:
            if ctx.contacted_after(person_path, day):
                continue
            person = people[person_path]
            source = next(
                (c.source for c in contacts if c.person == person_path), Source(path)
            )
            at = f" at {company}" if company and interaction.kind == "interview" else ""
            yield ctx.item(
                person=person_path,
                name=person.name,
                company=interaction.company or person.company,
                due=_plus(day, settings.thank_you_days),
                rule="thank-you",
                reason=f"thank {person.name} for the {ctx.when(day)} {label}{at}",
                sources=(source,),
                trigger=path,
                scale=SCALES["thank-you"],
                lapse_days=settings.thank_you_lapse_days,
            )


# -- §1.4 if rejected ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Rejection:
    application: Application
    day: date
    company: str
    people: tuple[str, ...]


def _rejections(ctx: RuleContext) -> Iterator[_Rejection]:
    """Rejected applications with a decision date, and whom to write to about them.

    The application's ``contacts`` first; else the people in interaction notes about that
    company up to the decision; else anyone known to work there.
    """
    people = ctx.model.people
    by_company: dict[str, list[Interaction]] = defaultdict(list)
    for interaction in ctx.model.interactions.values():
        if interaction.company is not None and interaction.date is not None:
            by_company[interaction.company].append(interaction)
    for path in sorted(ctx.model.applications):
        app = ctx.model.applications[path]
        if app.status != "rejected" or app.decided is None or app.decided > ctx.today:
            continue
        chosen = [p for p in app.contacts if p in people]
        if not chosen and app.company is not None:
            for interaction in sorted(by_company.get(app.company, ()), key=lambda i: i.path):
                if interaction.date is not None and interaction.date <= app.decided:
                    chosen.extend(p for p in interaction.people if p in people)
        if not chosen:
            chosen = list(ctx.people_at(app.company))
        company = ctx.company_name(app.company) or app.name
        yield _Rejection(app, app.decided, company, tuple(dict.fromkeys(chosen)))


def _app_sources(ctx: RuleContext, app: Application, *keys: str) -> list[Source | None]:
    return [ctx.property_source(app.path, *keys), app.source, Source(app.path)]


@rule("rejection-feedback", "after a rejection: ask for feedback, thank them, stay in touch")
def rejection_feedback(ctx: RuleContext) -> Iterator[FollowUp]:
    """SPEC §1.4: ask for feedback, thank them, connect on LinkedIn, say you're still
    interested — D + 2."""
    settings = ctx.settings
    for rejection in _rejections(ctx):
        app, day = rejection.application, rejection.day
        for person_path in rejection.people:
            if ctx.contacted_after(person_path, day):
                continue
            person = ctx.model.people[person_path]
            yield ctx.item(
                person=person_path,
                name=person.name,
                company=app.company or person.company,
                due=_plus(day, settings.rejection_feedback_days),
                rule="rejection-feedback",
                reason=(
                    f"{rejection.company} said no on {ctx.when(day)} — ask {person.name} "
                    "for feedback, thank them for their time, ask to connect on LinkedIn "
                    "and say you're still interested in other roles"
                ),
                sources=_app_sources(ctx, app, "decided", "status_date", "decision_date"),
                trigger=f"{app.path}@{day.isoformat()}",
                scale=SCALES["rejection-feedback"],
                lapse_days=settings.rejection_feedback_lapse_days,
            )


@rule("rejection-checkin", "about a month after a rejection: check in again")
def rejection_checkin(ctx: RuleContext) -> Iterator[FollowUp]:
    """SPEC §1.4: reach out again in about a month — D + 30.

    Only contact in the window just before the check-in (``rejection_checkin_window_days``,
    default 14) satisfies it, so the feedback exchange right after the rejection does not
    cancel the month check-in.
    """
    settings = ctx.settings
    for rejection in _rejections(ctx):
        app, day = rejection.application, rejection.day
        due = _plus(day, settings.rejection_checkin_days)
        window = timedelta(days=settings.rejection_checkin_window_days)
        window_start = max(_plus(day, 1), due - window)
        for person_path in rejection.people:
            if ctx.contacted_since(person_path, window_start):
                continue
            person = ctx.model.people[person_path]
            span = "about a month" if 21 <= settings.rejection_checkin_days <= 45 else \
                ago(settings.rejection_checkin_days)
            yield ctx.item(
                person=person_path,
                name=person.name,
                company=app.company or person.company,
                due=due,
                rule="rejection-checkin",
                reason=(
                    f"{span} since {rejection.company}'s rejection on {ctx.when(day)} — "
                    f"check in with {person.name}: share what you've been working on and "
                    "ask about other openings"
                ),
                sources=_app_sources(ctx, app, "decided", "status_date", "decision_date"),
                trigger=f"{app.path}@{day.isoformat()}",
                scale=SCALES["rejection-checkin"],
                lapse_days=settings.rejection_checkin_lapse_days,
            )


# -- §1.1 before applying / if you already applied --------------------------------------------
@rule("let-them-know", "you applied where someone you know works: tell them")
def let_them_know(ctx: RuleContext) -> Iterator[FollowUp]:
    """SPEC §1.1: if you already applied, let the people you know there know — D + 1.

    A contact on the application day itself counts (you likely mentioned it then).
    """
    settings = ctx.settings
    for path in sorted(ctx.model.applications):
        app = ctx.model.applications[path]
        day = app.applied
        if app.status != "applied" or day is None or day > ctx.today:
            continue
        company = ctx.company_name(app.company) or app.name
        role = f" ({app.role})" if app.role else ""
        for person_path in ctx.people_at(app.company):
            if ctx.contacted_since(person_path, day):
                continue
            person = ctx.model.people[person_path]
            yield ctx.item(
                person=person_path,
                name=person.name,
                company=app.company,
                due=_plus(day, settings.let_them_know_days),
                rule="let-them-know",
                reason=(
                    f"you applied to {company}{role} on {ctx.when(day)} — "
                    f"let {person.name} know"
                ),
                sources=_app_sources(ctx, app, "applied", "applied_on", "date_applied"),
                trigger=f"{app.path}@{day.isoformat()}",
                scale=SCALES["let-them-know"],
                lapse_days=settings.let_them_know_lapse_days,
            )


def _connectors(ctx: RuleContext, company: str | None, insiders: Sequence[str]) -> list[str]:
    """People you have been in touch with who know someone at the company.

    "Know" means: introduced one of the insiders (or was introduced by one), links one
    of them (or the company) from their note or is linked from an insider's note, or
    shared an interaction note with one of them.
    """
    people = ctx.model.people
    resolved = ctx.model.resolved
    targets = set(insiders)
    if company is not None:
        targets.add(company)
    found: list[str] = []
    for insider in insiders:
        person = people.get(insider)
        if person is not None and person.met_via:
            found.append(person.met_via)
        found.extend(p for p in resolved.get(insider, ()) if p is not None)
    for path, person in people.items():
        if path in targets:
            continue
        if person.met_via in targets or targets & {p for p in resolved.get(path, ()) if p}:
            found.append(path)
    for interaction in ctx.model.interactions.values():
        present = set(interaction.people)
        if present & set(insiders):
            found.extend(sorted(present))
    out: list[str] = []
    for path in dict.fromkeys(found):
        person = people.get(path)
        if person is None or path in targets or person.paused:
            continue
        if ctx.last_contact(path) is not None:
            out.append(path)
    return out


@rule("reach-in", "an application where you know nobody yet: find someone to talk to")
def reach_in(ctx: RuleContext) -> Iterator[FollowUp]:
    """SPEC §1.1: before applying, reach out to people who work there — due now.

    One company-level item per company (``person`` is None). It suggests people there you
    have not talked to yet, people you know who know someone there, or says to find
    someone first. A planned application never lapses; an applied one lapses
    ``reach_in_lapse_days`` after the application date.
    """
    people = ctx.model.people
    groups: dict[str, list[Application]] = defaultdict(list)
    for path in sorted(ctx.model.applications):
        app = ctx.model.applications[path]
        if app.status not in ("planned", "applied"):
            continue
        key = app.company or _company_label(ctx, app)
        groups[key].append(app)
    for key, apps in groups.items():
        company = apps[0].company
        name = ctx.company_name(company) or _company_label(ctx, apps[0])
        insiders = [p for p in ctx.people_at(company) if p in people]
        involved = [*insiders, *(p for a in apps for p in a.contacts if p in people)]
        if any(ctx.last_contact(p) is not None for p in involved):
            continue
        available = [p for p in insiders if not people[p].paused]
        connectors = _connectors(ctx, company, available)
        applied = [a.applied for a in apps if a.status == "applied" and a.applied is not None]
        planned = any(a.status == "planned" for a in apps)
        if planned or not applied:
            opening = f"before you apply to {name}"
        else:
            opening = f"you applied to {name} on {ctx.when(min(applied))} but know nobody there"
        if available:
            names = join_names([_with_role(people[p]) for p in available])
            advice = f"reach out to {names} there"
            if connectors:
                advice += (
                    f" ({join_names([people[p].name for p in connectors], 2)} "
                    "could introduce you)"
                )
        elif connectors:
            advice = (
                f"ask {join_names([people[p].name for p in connectors], 2)}, who "
                f"{'knows' if len(connectors) == 1 else 'know'} people there, "
                "for an introduction"
            )
        else:
            advice = (
                f"find someone to talk to at {name} first (a recruiter, a future "
                "teammate or an alum)"
            )
        lapse_from = None if planned or not applied else min(applied)
        sources: list[Source | None] = []
        for app in apps:
            sources.extend((app.source, Source(app.path)))
        yield ctx.item(
            person=None,
            name=name,
            company=company,
            due=ctx.today,
            rule="reach-in",
            reason=f"{opening} — {advice}",
            sources=sources,
            trigger=apps[0].path if company is None else key,
            scale=SCALES["reach-in"],
            lapse_days=None if lapse_from is None else ctx.settings.reach_in_lapse_days,
            lapse_from=lapse_from,
        )


def _company_label(ctx: RuleContext, app: Application) -> str:
    """The company as written in an application whose link did not resolve."""
    note = ctx.notes.get(app.path)
    raw = note.properties.get("company") if note is not None else None
    if isinstance(raw, list) and raw:
        raw = raw[0]
    if isinstance(raw, str) and raw.strip():
        text = raw.strip()
        if text.startswith("[[") and text.endswith("]]"):
            text = text[2:-2].split("|", 1)[-1].split("#", 1)[0]
        return text.strip() or app.name
    return app.name


def _with_role(person: Person) -> str:
    return f"{person.name} ({person.role})" if person.role else person.name


# -- §1.3 congratulate their successes ---------------------------------------------------------
@rule("congratulate", "a win or company news since you last talked: congratulate them")
def congratulate(ctx: RuleContext) -> Iterator[FollowUp]:
    """SPEC §1.3: congratulate their successes — win date + 3.

    One item per person, listing every win since the last contact. Company news counts
    for people you had already been in touch with before it.
    """
    settings = ctx.settings
    today = ctx.today
    for path, person, dates, _ in ctx._people_rows:
        if not person.signals:
            continue
        # Wins up to today and after the last contact: one dated on or before that
        # contact was talked about since, and so were its duplicates (same date).
        since = dates[-1] if dates else None
        wins = [
            s for s in person.signals
            if s.kind in ("win", "news") and s.date is not None and s.date <= today
            and (since is None or s.date > since)
        ]
        if not wins:
            continue
        active: list[tuple[date, Signal]] = []
        lapsed: list[tuple[date, Signal]] = []
        seen: set[tuple[date, str]] = set()
        for signal in sorted(wins, key=lambda s: (s.date, s.source.path)):
            day = signal.date
            assert day is not None
            key = (day, _norm(signal.text))
            if key in seen:
                continue
            seen.add(key)
            own = signal.subject in (None, path)
            if not own and ctx.last_contact(path, before=day) is None:
                continue
            due = _plus(day, settings.congratulate_days)
            if today > _plus(due, settings.congratulate_lapse_days):
                lapsed.append((due, signal))
            else:
                active.append((due, signal))
        chosen = active or lapsed[-1:]
        if not chosen:
            continue
        first_due, first = chosen[0]
        parts = [_win_text(ctx, person, signal) for _, signal in chosen[:3]]
        more = f" (and {len(chosen) - 3} more)" if len(chosen) > 3 else ""
        yield ctx.item(
            person=path,
            name=person.name,
            company=person.company,
            due=first_due,
            rule="congratulate",
            reason=f"congratulate {person.name}: " + "; ".join(parts) + more,
            sources=[signal.source for _, signal in chosen],
            trigger=_signal_key(first),
            scale=SCALES["congratulate"],
            lapse_days=settings.congratulate_lapse_days,
        )


def _win_text(ctx: RuleContext, person: Person, signal: Signal) -> str:
    assert signal.date is not None
    text = _first_words(signal.text.rstrip(" .")) or "good news"
    if signal.subject not in (None, person.path):
        company = ctx.company_name(signal.subject)
        return f"{company} news — {text} ({ctx.when(signal.date)})"
    return f"{text} ({ctx.when(signal.date)})"


def _signal_key(signal: Signal) -> str:
    day = signal.date.isoformat() if signal.date else ""
    return f"{signal.source.path}@{day}:{_norm(signal.text)}"


# -- keep in touch: cadence, explicit dates, open loops, drift -----------------------------------
@rule("cadence", "the rhythm you chose for this person came round again")
def cadence(ctx: RuleContext) -> Iterator[FollowUp]:
    """SPEC §1.3: plan to stay in touch — last contact + cadence.

    No cadence (and no ``default_cadence``) or ``never``: no item. Never contacted: due
    ``met`` + cadence when ``met`` is known, else today.
    """
    for path, person, _, contacts in ctx._people_rows:
        days = person.cadence
        if days is None or days <= 0:
            continue
        rhythm = human_days(days)
        cadence_source = ctx.property_source(path, "cadence", "prm-cadence", "tier", "prm-tier")
        last = contacts[-1] if contacts else None  # ctx.last_contact(path)
        if last is not None:
            due = _plus(last.date, days)
            silence = (ctx.today - last.date).days
            if due <= ctx.today:
                reason = (
                    f"{ago(silence)} since you were last in touch ({ctx.when(last.date)}); "
                    f"you aim for every {rhythm}"
                )
            else:
                reason = f"last in touch {ctx.when(last.date)}; you aim for every {rhythm}"
            sources: list[Source | None] = [last.source, cadence_source]
            trigger = f"last:{last.date.isoformat()}"
        elif person.met is not None and person.met <= ctx.today:
            due = _plus(person.met, days)
            reason = (
                f"met {ctx.when(person.met)} and not in touch since; "
                f"you aim for every {rhythm}"
            )
            sources = [ctx.property_source(path, "met"), cadence_source]
            trigger = f"met:{person.met.isoformat()}"
        else:
            due = ctx.today
            reason = f"no contact with {person.name} on record yet; you aim for every {rhythm}"
            sources = [cadence_source or Source(path)]
            trigger = "none"
        yield ctx.item(
            person=path,
            name=person.name,
            company=person.company,
            due=due,
            rule="cadence",
            reason=reason,
            sources=sources,
            trigger=trigger,
            scale=days,
        )


@rule("explicit", "a next_contact / follow_up date you set")
def explicit(ctx: RuleContext) -> Iterator[FollowUp]:
    """The date you wrote yourself (``next_contact``/``follow_up``); satisfied by a
    contact on or after it."""
    for path in ctx.person_paths:
        person = ctx.model.people[path]
        day = person.next_contact
        if day is None or ctx.contacted_since(path, day):
            continue
        verb = "wanted to get back in touch" if day <= ctx.today else "plan to be in touch"
        yield ctx.item(
            person=path,
            name=person.name,
            company=person.company,
            due=day,
            rule="explicit",
            reason=f"you {verb} with {person.name} on {ctx.when(day)}",
            sources=[person.next_contact_source or Source(path)],
            trigger=f"next:{day.isoformat()}",
            scale=float(person.cadence or SCALES["explicit"]),
        )


@rule("open-loop", "an unchecked task about this person with a due date")
def open_loop(ctx: RuleContext) -> Iterator[FollowUp]:
    """SPEC §1.3: ask relevant questions, share what they posted — close what you
    promised. Due on the task's date; it stays until the task (or this item) is ticked."""
    for path, person, _, _ in ctx._people_rows:
        if not person.signals:
            continue
        seen: set[tuple[str, int | None]] = set()
        for signal in person.signals:
            if signal.kind != "open_loop" or signal.due is None:
                continue
            if signal.subject not in (None, path):
                continue
            key = (signal.source.path, signal.source.line)
            if key in seen:
                continue
            seen.add(key)
            text = _task_text(signal.text)
            yield ctx.item(
                person=path,
                name=person.name,
                company=person.company,
                due=signal.due,
                rule="open-loop",
                reason=f"close the loop: {text}",
                sources=[signal.source],
                trigger=f"{signal.source.path}:{_norm(text)}",
                scale=SCALES["open-loop"],
            )


def _task_text(text: str) -> str:
    """A task's words without the Tasks plugin's emoji dates."""
    cut = len(text)
    for mark in _TASK_DATE_MARKS:
        index = text.find(mark)
        if index != -1:
            cut = min(cut, index)
    return _first_words(text[:cut].strip() or text.strip(), 120)


@rule("drift", "someone you used to talk to regularly went quiet")
def drift(ctx: RuleContext) -> Iterator[FollowUp]:
    """Silence longer than ``drift_factor`` × this person's median gap (at least
    ``drift_floor_days``) but shorter than ``drift_ceiling_factor`` × it (at least
    ``drift_ceiling_floor_days``): a rhythm slipping, not a relationship long gone.
    Needs ``drift_min_gaps`` gaps spanning ``drift_min_span_days``. Due today."""
    settings = ctx.settings
    today = ctx.today
    enough = settings.drift_min_gaps + 1
    min_span = settings.drift_min_span_days
    floor = float(settings.drift_floor_days)
    for path, person, dates, contacts in ctx._people_rows:  # dates oldest first
        if len(dates) < enough:  # fewer contacts than the days it needs
            continue
        last_day = dates[-1]
        if (last_day - dates[0]).days < min_span:
            continue
        silence = (today - last_day).days
        if silence <= floor:  # the threshold is never under the floor
            continue
        days = list(dict.fromkeys(dates))
        if len(days) < enough:
            continue
        if person.cadence_never:
            continue
        gaps = [(b - a).days for a, b in itertools.pairwise(days)]
        median = float(statistics.median(gaps))
        threshold = max(settings.drift_factor * median, floor)
        ceiling = max(settings.drift_ceiling_factor * median,
                      float(settings.drift_ceiling_floor_days))
        if not threshold < silence < ceiling:
            continue
        last = contacts[-1]
        usual = round(median)
        yield ctx.item(
            person=path,
            name=person.name,
            company=person.company,
            due=ctx.today,
            rule="drift",
            reason=(
                f"you were in touch with {person.name} about every "
                f"{usual} day{'s' if usual != 1 else ''}, but it has been {ago(silence)} "
                f"since {ctx.when(last.date)}"
            ),
            sources=[last.source],
            trigger=f"last:{last.date.isoformat()}",
            scale=max(median, 1.0),
        )
