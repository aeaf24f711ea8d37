"""The typed model of a job search: people, companies, applications, interactions.

These records are what rules, starters, the graph and the renderers work on. They
are frozen; collections are tuples; every date that vaultlink shows keeps a
``Source`` so it can be traced back to a note and a line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

_Date = date

NoteKind = Literal[
    "person", "company", "application", "interaction", "daily", "me", "note"
]
InteractionKind = Literal["interview", "meeting", "call", "coffee", "informational"]
ContactVia = Literal["note", "daily", "task", "log", "decision", "floor"]
SignalKind = Literal["win", "news", "impression", "open_loop", "question", "post"]
ApplicationStatus = Literal[
    "planned", "applied", "interviewing", "rejected", "offer", "accepted", "withdrawn"
]


@dataclass(frozen=True, slots=True)
class Source:
    """Where a fact came from: a vault-relative path, a line and the nearest heading."""

    path: str
    line: int | None = None
    heading: str | None = None

    def __str__(self) -> str:
        return self.path if self.line is None else f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True)
class Contact:
    """One dated contact with a person (SPEC §2.5); ``via`` says which rule found it."""

    person: str
    date: date
    via: ContactVia
    source: Source
    text: str = ""
    interaction: str | None = None


@dataclass(frozen=True, slots=True)
class Signal:
    """Material about a person or company that is not contact: wins, news, impressions,
    open loops, questions, posts. ``due`` is set for open loops with a due date."""

    kind: SignalKind
    text: str
    source: Source
    date: date | None = None
    due: _Date | None = None  # `date` is shadowed by the field above inside this class
    subject: str | None = None


@dataclass(frozen=True, slots=True)
class Person:
    path: str
    name: str
    aliases: tuple[str, ...] = ()
    company: str | None = None
    company_name: str | None = None
    companies: tuple[str, ...] = ()
    role: str | None = None
    email: str | None = None
    linkedin: str | None = None
    met: date | None = None
    met_via: str | None = None
    interests: tuple[str, ...] = ()
    cadence: int | None = None
    tier: str | None = None
    last_contact: date | None = None
    last_contact_source: Source | None = None
    next_contact: date | None = None
    next_contact_source: Source | None = None
    snooze_until: date | None = None
    paused: bool = False
    birthday: str | None = None
    tags: tuple[str, ...] = ()
    contacts: tuple[Contact, ...] = ()
    signals: tuple[Signal, ...] = ()
    cadence_never: bool = False  # ``cadence: never``: no drift or cadence reminders

    def _repr_html_(self) -> str:
        from vaultlink.display import person_html

        return person_html(self)


@dataclass(frozen=True, slots=True)
class Company:
    path: str
    name: str
    aliases: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    signals: tuple[Signal, ...] = ()

    def _repr_html_(self) -> str:
        from vaultlink.display import record_html

        return record_html(self, ("name", "path", "aliases", "people"))


@dataclass(frozen=True, slots=True)
class Application:
    path: str
    name: str
    company: str | None = None
    role: str | None = None
    status: ApplicationStatus | None = None
    applied: date | None = None
    decided: date | None = None
    contacts: tuple[str, ...] = ()
    source: Source | None = None

    def _repr_html_(self) -> str:
        from vaultlink.display import record_html

        return record_html(
            self, ("name", "company", "role", "status", "applied", "decided", "contacts")
        )


@dataclass(frozen=True, slots=True)
class Interaction:
    """An interaction note: an interview, meeting, call, coffee or informational chat."""

    path: str
    name: str
    kind: InteractionKind
    date: date | None = None
    people: tuple[str, ...] = ()
    company: str | None = None
    outcome: str | None = None

    def _repr_html_(self) -> str:
        from vaultlink.display import record_html

        return record_html(self, ("name", "kind", "date", "people", "company", "outcome"))


@dataclass(frozen=True, slots=True)
class Me:
    """The vault owner's profile (``type: me`` or ``[me]`` in vaultlink.toml)."""

    name: str = "me"
    path: str | None = None
    interests: tuple[str, ...] = ()
