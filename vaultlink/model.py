"""Parsed notes + resolved links -> people, companies, applications, interactions, signals.

This stage is pure: it reads ``Note`` records and returns a ``Model``. It decides each
note's kind (SPEC §2.1), reads properties with their synonyms (§2.2), and collects
every dated contact and every signal with its source (§2.5). It knows nothing about
today: rules decide what is due.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from functools import lru_cache
from operator import attrgetter
from typing import Any, TypeVar

from vaultlink.cadence import Cadence, parse_cadence
from vaultlink.config import Config
from vaultlink.dates import daily_note_date, parse_date
from vaultlink.notes import Block, Link, Note
from vaultlink.problems import Problem
from vaultlink.records import (
    Application,
    ApplicationStatus,
    Company,
    Contact,
    Interaction,
    InteractionKind,
    Me,
    NoteKind,
    Person,
    Signal,
    Source,
)
from vaultlink.resolve import Resolver, link_folder, lookup_names
from vaultlink.settings import ObsidianSettings

INTERACTION_KINDS: tuple[InteractionKind, ...] = (
    "interview", "meeting", "call", "coffee", "informational",
)
_KIND_WORDS: Mapping[str, NoteKind | InteractionKind] = {
    "person": "person", "people": "person", "contact": "person", "contacts": "person",
    "company": "company", "companies": "company", "organization": "company",
    "organisation": "company", "org": "company",
    "application": "application", "applications": "application",
    "interview": "interview", "interviews": "interview",
    "meeting": "meeting", "meetings": "meeting",
    "call": "call", "calls": "call",
    "coffee": "coffee", "coffees": "coffee",
    "informational": "informational", "informational interview": "informational",
    "me": "me",
}
_TAG_KINDS = {"person", "company", "application", "interview", "meeting", "call", "coffee",
              "informational", "contact"}
STATUSES: frozenset[str] = frozenset(
    {"planned", "applied", "interviewing", "rejected", "offer", "accepted", "withdrawn"}
)
_IMPRESSION_WORDS = (
    "impressed", "liked", "loved", "enjoyed", "appreciated", "excited about",
    "keen on", "lit up", "resonated", "praised", "was interested in", "were interested in",
    "fan of",
)
_WIN_TAGS = frozenset({"win", "congrats", "news"})
_TRUE = frozenset({"true", "yes", "y", "on", "1"})
GENERATED_MARKER = "vaultlink"

PERSON_KEYS = {
    "company": ("company", "org", "organization", "organisation", "employer"),
    "role": ("role", "title"),
    "met_via": ("met_via", "introduced_by", "met-via", "introduced-by"),
    "interests": ("interests", "hobbies"),
    "cadence": ("cadence", "prm-cadence"),
    "last_contact": ("last_contact", "prm-last-contacted", "last-contact", "last_contacted"),
    "next_contact": ("next_contact", "follow_up", "next-contact", "follow-up"),
    "snooze_until": ("snooze_until", "prm-snooze-until", "snooze-until"),
    "paused": ("paused", "prm-paused"),
    "birthday": ("birthday", "prm-birthday"),
    "tier": ("tier", "prm-tier"),
}


@dataclass(frozen=True, slots=True)
class Model:
    """The typed view of a vault. Mappings are keyed by vault-relative path."""

    kinds: Mapping[str, NoteKind]
    people: Mapping[str, Person]
    companies: Mapping[str, Company]
    applications: Mapping[str, Application]
    interactions: Mapping[str, Interaction]
    daily: Mapping[str, date]
    me: Me
    resolved: Mapping[str, tuple[str | None, ...]]
    problems: tuple[Problem, ...] = ()
    generated: frozenset[str] = field(default_factory=frozenset)
    # Notes holding vaultlink checkboxes (task blocks with a ``^vl-`` id, ticked or not):
    # sync harvests ticks from these only, without loading every note.
    tick_notes: frozenset[str] = field(default_factory=frozenset)
    # ``^vl-`` ids closed (ticked or cancelled boxes, logged lines), by the note that
    # closes them; only notes that close any are listed.
    closed: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # Frontmatter key -> line for each note with a record (person, company,
    # application, interaction, me): sources point at properties without the notes.
    property_lines: Mapping[str, Mapping[str, int]] = field(default_factory=dict)

    @property
    def done_ids(self) -> frozenset[str]:
        """Every ``^vl-`` id closed anywhere in the vault."""
        return frozenset().union(*self.closed.values())


def is_generated(note: Note) -> bool:
    """A note vaultlink wrote itself (it carries the marker in its frontmatter)."""
    return str(note.properties.get("generated_by", "")).strip().lower() == GENERATED_MARKER


# The model is built in three steps so that a changed note costs only its own share
# (SPEC §8): each note's *facts* (what it says about itself: kind, daily date, aliases),
# then, given every note's facts and the resolver, each note's *contribution* (its
# resolved links, its own record, the contacts and signals it holds), then the merge.
# Facts depend on the note and the settings alone; a contribution depends on the note
# and on the few names and paths it looked up, which it records so a cached one can be
# checked against a changed vault (``Contribution.stale``). ``build_model`` runs all
# three; the cache (parse_all.py) reuses facts and contributions of unchanged notes.


@dataclass(frozen=True, slots=True)
class NoteFacts:
    """What a note says about itself, read without looking at any other note."""

    kind: NoteKind
    interaction_kind: InteractionKind | None = None
    day: date | None = None  # the date its path gives it as a daily note
    generated: bool = False
    aliases: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()  # the parser's and classification's


_Lookup = tuple[tuple[str, ...], str | None]


@dataclass(frozen=True, slots=True)
class VaultIndex:
    """What reading one note may look up about the others."""

    kinds: Mapping[str, NoteKind]
    daily: Mapping[str, date]
    people: frozenset[str]
    resolver: Resolver
    # Memos, filled as notes are read (link targets repeat a lot):
    # link target -> the names resolving it consults;
    names: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # link target -> (its names, the path it resolves to), for targets that resolve alike
    # from every note (``Resolver.resolves_alike``: nearly all);
    found: dict[str, _Lookup] = field(default_factory=dict)
    # link folder (``resolve.link_folder`` of the linking note) -> the same for the other
    # non-empty targets.
    found_in: dict[str, dict[str, _Lookup]] = field(default_factory=dict)


NoteRecord = Person | Company | Application | Interaction | Me


@dataclass(frozen=True, slots=True)
class Contribution:
    """What one note adds to the model.

    ``record`` is the note's own record (a person without contacts and signals yet);
    ``contacts`` and ``signals`` name their person or subject; ``done_ids`` are the
    ``^vl-`` ids the note closes. ``names`` and ``targets`` are what reading it looked
    up (link names, and the paths whose kind or daily date it consulted).
    """

    resolved: tuple[str | None, ...] = ()
    record: NoteRecord | None = None
    contacts: tuple[Contact, ...] = ()
    signals: tuple[Signal, ...] = ()
    problems: tuple[Problem, ...] = ()
    done_ids: frozenset[str] = frozenset()
    has_ticks: bool = False
    property_lines: Mapping[str, int] | None = None
    names: frozenset[str] = frozenset()
    targets: frozenset[str] = frozenset()

    def stale(self, names: frozenset[str], paths: frozenset[str]) -> bool:
        """Whether a change to these link names or to these paths' kind or daily date
        can change what this note contributes."""
        return bool(self.names & names) or bool(self.targets & paths)


def build_model(
    notes: Sequence[Note],
    resolver: Resolver,
    settings: ObsidianSettings,
    config: Config,
) -> Model:
    """Build the model from parsed notes. Never raises for bad input: it reports."""
    facts = {note.path: note_facts(note, settings, config) for note in notes}
    index = vault_index(facts, resolver)
    contributions = {note.path: contribute(note, facts[note.path], index, config)
                     for note in notes}
    return assemble(facts, contributions, index, config)


# -- facts (SPEC §2.1) ------------------------------------------------------------------------
def note_facts(note: Note, settings: ObsidianSettings, config: Config) -> NoteFacts:
    """Classify one note: its kind, daily date, aliases and the problems found so far."""
    aliases = note_aliases(note)
    if is_generated(note):
        return NoteFacts("note", generated=True, aliases=aliases, problems=note.problems)
    problems = list(note.problems)
    kind = _kind_of(note, config)
    template = _is_template(note, settings)
    if settings.date_properties and not template:
        problems.extend(_typed_date_problems(note, settings))
    day = daily_note_date(note.path, settings)
    if kind is None and day is not None:
        return NoteFacts("daily", day=day, aliases=aliases, problems=tuple(problems))
    if kind is not None and template:
        if kind == "person" and not _in_templates_folder(note, settings):
            problems.append(Problem(
                note.path, 1, "warning", "template-person",
                "looks like a person but is a template (unfilled {{placeholders}}, Templater "
                "commands or a "
                "template name); not treated as a person",
            ))
        kind = None
    if kind in INTERACTION_KINDS:
        return NoteFacts("interaction", interaction_kind=kind,
                         day=day, aliases=aliases, problems=tuple(problems))
    return NoteFacts(kind or "note", day=day, aliases=aliases,  # type: ignore[arg-type]
                     problems=tuple(problems))


def note_aliases(note: Note) -> tuple[str, ...]:
    """The note's ``aliases`` property as the resolver reads it."""
    value = note.properties.get("aliases")
    if isinstance(value, str):
        return (value,) if value.strip() else ()
    if isinstance(value, list):
        return tuple(str(v) for v in value if isinstance(v, str | int) and str(v).strip())
    return ()


def _typed_date_problems(note: Note, settings: ObsidianSettings) -> list[Problem]:
    """Properties Obsidian types as dates (``.obsidian/types.json``) must hold dates."""
    out: list[Problem] = []
    for key, value in note.properties.items():
        if value in (None, "", []) or not settings.is_date_property(str(key)):
            continue
        values = value if isinstance(value, list) else [value]
        for item in values:
            if parse_date(item) is None:
                out.append(Problem(
                    note.path, note.line_of(str(key)), "warning", "bad-date",
                    f"{key}: {item!r} is typed as a date in Obsidian but is not one",
                ))
                break
    return out


def _kind_of(note: Note, config: Config) -> NoteKind | InteractionKind | None:
    props = note.properties
    for value in _as_list(props.get("type")):
        word = _link_name(value)
        if word and word.lower() in _KIND_WORDS:
            return _KIND_WORDS[word.lower()]
    for value in _as_list(props.get("categories")):
        word = _link_name(value)
        if word and word.lower() in _KIND_WORDS:
            return _KIND_WORDS[word.lower()]
    for tag in note.tags:
        head = tag.name.split("/", 1)[0].lower()
        if head in _TAG_KINDS:
            return _KIND_WORDS[head]
    folders = config.folders
    parts = {part.lower() for part in note.folder.split("/") if part}
    for names, kind in (
        (folders.people, "person"),
        (folders.companies, "company"),
        (folders.applications, "application"),
        (folders.interviews, "interview"),
        (folders.meetings, "meeting"),
    ):
        if any(name.lower() in parts for name in names):
            return kind  # type: ignore[return-value]
    return None


def _in_templates_folder(note: Note, settings: ObsidianSettings) -> bool:
    folder = (settings.templates_folder or "").strip("/")
    if folder:
        return note.path.lower().startswith(folder.lower() + "/")
    return False


def _is_template(note: Note, settings: ObsidianSettings) -> bool:
    return (
        _in_templates_folder(note, settings)
        or "template" in note.name.lower()
        or note.has_placeholders
    )


# -- the index -------------------------------------------------------------------------------
def vault_index(facts: Mapping[str, NoteFacts], resolver: Resolver) -> VaultIndex:
    """Every note's kind and daily date, the set of people, and the resolver."""
    kinds: dict[str, NoteKind] = {}
    daily: dict[str, date] = {}
    for path, fact in facts.items():
        kinds[path] = fact.kind
        if fact.day is not None and not fact.generated:
            daily[path] = fact.day
    people = frozenset(path for path, kind in kinds.items() if kind == "person")
    return VaultIndex(kinds, daily, people, resolver)


# -- contributions (SPEC §2.2-2.5) ---------------------------------------------------------
def contribute(note: Note, facts: NoteFacts, index: VaultIndex, config: Config) -> Contribution:
    """What ``note`` adds to the model, given every note's facts."""
    return _Reader(note, facts, index, config).read()


class _Reader:
    """Reads one note against the index, recording every name and path it looks up."""

    __slots__ = (
        "config", "contacts", "facts", "found", "found_here", "index", "link_targets",
        "names", "note", "problems", "property_links", "resolved", "signals", "targets",
    )

    def __init__(self, note: Note, facts: NoteFacts, index: VaultIndex, config: Config):
        self.note = note
        self.facts = facts
        self.index = index
        self.config = config
        self.problems: list[Problem] = []
        self.contacts: list[Contact] = []
        self.signals: list[Signal] = []
        self.names: set[str] = set()
        self.targets: set[str] = set()
        # id(link) -> target, for the later passes over the same Link objects
        self.link_targets: dict[int, str | None] = {}
        self.resolved: tuple[str | None, ...] = ()
        # (lowered key, link, target) of the property links, once asked for
        self.property_links: list[tuple[str, Link, str | None]] | None = None
        # what targets resolve to (the index's memos; ``found_here``: from this folder)
        self.found = index.found
        self.found_here: dict[str, _Lookup] | None = None

    # -- lookups (each one recorded) -------------------------------------------------------
    def resolve(self, target: str) -> str | None:
        looked_up = self.found.get(target)
        if looked_up is None:
            looked_up = self._look_up(target)
        names, found = looked_up
        self.names.update(names)
        if found is not None:
            self.targets.add(found)
        return found

    def _look_up(self, target: str) -> _Lookup:
        """What ``resolve`` finds for a target not in the index's memo of targets that
        resolve alike from every note."""
        here = self.found_here
        if here is None:
            here = self.index.found_in.setdefault(link_folder(self.note.path), {})
            self.found_here = here
        looked_up = here.get(target)
        if looked_up is None:
            index = self.index
            names = index.names.get(target)
            if names is None:
                names = index.names[target] = lookup_names(target)
            looked_up = (names, index.resolver.resolve(target, self.note.path))
            if index.resolver.resolves_alike(target):
                index.found[target] = looked_up
            elif target.strip():  # an empty target is the note itself: not the folder's
                here[target] = looked_up
        return looked_up

    # Every path asked about below came from ``resolve``, so it is in ``targets``.
    def kind(self, path: str) -> NoteKind | None:
        return self.index.kinds.get(path)

    def day(self, path: str) -> date | None:
        return self.index.daily.get(path)

    def is_person(self, path: str) -> bool:
        return path in self.index.people

    # -- entry -------------------------------------------------------------------------------
    def read(self) -> Contribution:
        note, facts = self.note, self.facts
        self._resolve_links()
        record: NoteRecord | None = None
        if not facts.generated:
            kind = facts.kind
            if kind == "company":
                record = Company(path=note.path, name=note.name,
                                 aliases=_strings(note.properties.get("aliases")))
            elif kind == "application":
                record = self._application()
            elif kind == "interaction":
                record = self._interaction()
            elif kind == "person":
                record = self._person()
            elif kind == "me":
                record = self._me()
            self._collect(record)
        done_ids, has_ticks = _ticks(note, facts.generated)
        return Contribution(
            resolved=self.resolved,
            record=record,
            contacts=tuple(self.contacts),
            signals=tuple(self.signals),
            problems=tuple(self.problems),
            done_ids=done_ids,
            has_ticks=has_ticks,
            property_lines=note.property_lines if record is not None else None,
            names=frozenset(self.names),
            targets=frozenset(self.targets - {note.path}),
        )

    # -- links -------------------------------------------------------------------------------
    def _resolve_links(self) -> None:
        note = self.note
        if not note.links:
            return
        resolve = self.resolve
        link_targets = self.link_targets
        report = not self.facts.generated
        targets: list[str | None] = []
        for link in note.links:
            target = resolve(link.target)
            targets.append(target)
            link_targets[id(link)] = target
            if target is None and report:
                self.problems.append(Problem(
                    note.path, link.line, "warning", "unresolved-link",
                    f"[[{link.target}]] does not match any note",
                ))
        self.resolved = tuple(targets)

    def _target_of(self, link: Link) -> str | None:
        key = id(link)
        if key in self.link_targets:
            return self.link_targets[key]
        return self.resolve(link.target)

    def _resolve_block_links(self, block: Block) -> list[tuple[Link, str]]:
        out: list[tuple[Link, str]] = []
        link_targets = self.link_targets
        for link in block.links:
            key = id(link)
            target = link_targets[key] if key in link_targets else self.resolve(link.target)
            if target is not None:
                out.append((link, target))
        return out

    def _property_paths(self, keys: tuple[str, ...]) -> list[str]:
        """The resolved paths of :meth:`_property_targets`, without the names."""
        return self._property_targets(keys, with_names=False)[0]

    def _property_targets(
        self, keys: tuple[str, ...], with_names: bool = True
    ) -> tuple[list[str], list[str]]:
        """(resolved paths, display names) for links in the given properties, in order.

        Plain strings that name an existing note count as links too: many people write
        ``company: Acme`` without brackets.
        """
        note = self.note
        paths: list[str] = []
        names: list[str] = []
        lower = _lowered(keys)
        found = False
        if self.property_links is None:
            self.property_links = [
                (link.key.lower(), link, target)
                for link, target in zip(note.links, self.resolved, strict=False)
                if link.key is not None
            ]
        for key, link, target in self.property_links:
            if key in lower:
                found = True
                if with_names:
                    names.append(link.display)
                if target is not None and target not in paths:
                    paths.append(target)
        if not found:
            for key in keys:
                for value in _as_list(note.properties.get(key)):
                    if isinstance(value, str) and value.strip():
                        text = value.strip()
                        names.append(text)
                        target = self.resolve(text)
                        if target is not None and target not in paths:
                            paths.append(target)
        return paths, names

    # -- records -----------------------------------------------------------------------------
    def _application(self) -> Application:
        note = self.note
        props = note.properties
        companies = self._property_paths(PERSON_KEYS["company"])
        contacts = self._property_paths(("contacts", "people", "contact"))
        status_raw = _first_str(props.get("status"))
        status: ApplicationStatus | None = None
        if status_raw:
            word = status_raw.strip().lower()
            if word in STATUSES:
                status = word  # type: ignore[assignment]
            else:
                self._problem("status", "warning", "unknown-status",
                              f"unknown application status {status_raw!r}")
        return Application(
            path=note.path,
            name=note.name,
            company=companies[0] if companies else None,
            role=_first_str(_get(props, "role", "title")),
            status=status,
            applied=self._date("applied", "applied_on", "date_applied"),
            decided=self._date("decided", "status_date", "decision_date"),
            contacts=tuple(contacts),
            source=Source(note.path, note.line_of("status")),
        )

    def _interaction(self) -> Interaction:
        note = self.note
        kind = self.facts.interaction_kind
        assert kind is not None
        day = self._date("date", "day") or self.facts.day
        people = self._property_paths(("with", "people", "attendees"))
        companies = self._property_paths(("company", "org", "organization"))
        return Interaction(
            path=note.path,
            name=note.name,
            kind=kind,
            date=day,
            people=tuple(people),
            company=companies[0] if companies else None,
            outcome=_first_str(note.properties.get("outcome")),
        )

    def _person(self) -> Person:
        note = self.note
        props = note.properties
        companies, company_names = self._property_targets(PERSON_KEYS["company"])
        company_paths = [c for c in companies if self.kind(c) == "company"] or companies
        met_via = self._property_paths(PERSON_KEYS["met_via"])
        tier = _first_str(_get(props, *PERSON_KEYS["tier"]))
        cadence = self._cadence_property()
        floor = self._date(*PERSON_KEYS["last_contact"])
        if floor is not None:
            self.contacts.append(Contact(
                person=note.path, date=floor, via="floor",
                source=self._source_of(PERSON_KEYS["last_contact"]) or Source(note.path),
                text="last contact (property)",
            ))
        return Person(
            path=note.path,
            name=note.name,
            aliases=_strings(_get(props, "aliases", "alias")),
            company=company_paths[0] if company_paths else None,
            company_name=company_names[0] if company_names else None,
            companies=tuple(company_paths),
            role=_first_str(_get(props, *PERSON_KEYS["role"])),
            email=_first_str(props.get("email")),
            linkedin=_first_str(props.get("linkedin")),
            met=self._date("met"),
            met_via=met_via[0] if met_via else None,
            interests=tuple(name for name in map(_link_name, _strings_or_links(
                _get(props, *PERSON_KEYS["interests"]))) if name),
            cadence=self._cadence(tier, cadence),
            cadence_never=cadence is not None and cadence[1].never,
            tier=tier,
            next_contact=self._date(*PERSON_KEYS["next_contact"]),
            next_contact_source=self._source_of(PERSON_KEYS["next_contact"]),
            snooze_until=self._date(*PERSON_KEYS["snooze_until"]),
            paused=_truthy(_get(props, *PERSON_KEYS["paused"])),
            birthday=self._birthday(),
            tags=tuple(tag.name for tag in note.tags),
        )

    def _me(self) -> Me:
        """The note's side of the profile; ``[me]`` in vaultlink.toml wins (assemble)."""
        note = self.note
        interests: list[str] = []
        for value in _strings_or_links(_get(note.properties, "interests", "hobbies")):
            label = _link_name(value)
            if label and label not in interests:
                interests.append(label)
        name = _first_str(note.properties.get("name")) or note.name
        return Me(name=name, path=note.path, interests=tuple(interests))

    def _cadence_property(self) -> tuple[str, Cadence] | None:
        """The first cadence property (key, parsed), if the note has one."""
        properties = self.note.properties
        for key in PERSON_KEYS["cadence"]:
            if key in properties:
                return key, parse_cadence(properties[key], self.config.tiers)
        return None

    def _cadence(self, tier: str | None, found: tuple[str, Cadence] | None) -> int | None:
        if found is not None:
            key, parsed = found
            if not parsed.error:
                return parsed.days
            self._problem(key, "warning", "unknown-cadence", parsed.error)
        if tier:
            parsed = parse_cadence(tier, self.config.tiers)
            if not parsed.error:
                return parsed.days
        return self.config.rules.default_cadence

    def _birthday(self) -> str | None:
        for key in PERSON_KEYS["birthday"]:
            value = self.note.properties.get(key)
            if value is None:
                continue
            if isinstance(value, date):
                return value.strftime("%m-%d")
            text = str(value).strip()
            if len(text) == 5 and text[2] == "-" and text.replace("-", "").isdigit():
                return text
            day = parse_date(text)
            if day is not None:
                return day.strftime("%m-%d")
            self._problem(key, "warning", "bad-date", f"birthday {text!r} is not MM-DD")
        return None

    # -- contacts and signals (SPEC §2.5) ------------------------------------------------------
    def _collect(self, record: NoteRecord | None) -> None:
        note = self.note
        path = note.path
        blocks = note.blocks
        kind = self.facts.kind
        note_day = self.facts.day
        interaction = record if isinstance(record, Interaction) else None
        if interaction is not None and interaction.date is not None:
            note_day = note_day or interaction.date
        if note_day is None:
            note_day = self._date("date", report=False)
        # Every block's resolved links, read once for all the passes below. This looks up
        # every link of every block, so whatever a pass reads again (or skips reading,
        # like ``_own_plain_block``) adds no name or path to what the note looked up.
        block_links: list[Sequence[tuple[Link, str]]] = [
            self._resolve_block_links(block) if block.links else () for block in blocks
        ]
        people = self.index.people  # every path checked against it came from ``resolve``

        if interaction is not None and interaction.date is not None:
            line = note.line_of("with") or note.line_of("people") or note.line_of("attendees")
            seen: set[str] = set()
            for person in interaction.people:
                if person in people and person not in seen:
                    seen.add(person)
                    self._contact(person, interaction.date, "note", Source(path, line),
                                  f"{interaction.kind}: {note.name}", path)
            for block, linked in zip(blocks, block_links, strict=True):
                if not linked or block.quote or (block.task is not None and not block.task.done):
                    continue
                for link, target in linked:
                    if target in people and target not in seen and not link.embed:
                        seen.add(target)
                        self._contact(target, interaction.date, "note",
                                      Source(path, block.line, block.heading),
                                      f"{interaction.kind}: {note.name}", path)
            self._impressions(interaction, block_links)

        if isinstance(record, Application) and record.decided is not None:
            for person in record.contacts:
                if self.is_person(person):
                    outcome = record.status or "decision"
                    self._contact(person, record.decided, "decision",
                                  Source(path, note.line_of("decided")
                                         or note.line_of("status_date")),
                                  f"{note.name}: {outcome}", path)

        is_daily = kind == "daily" and self.facts.day is not None
        own_person = path if kind == "person" else None
        own_company = path if kind == "company" else None
        own = own_person is not None or own_company is not None
        for block, linked in zip(blocks, block_links, strict=True):
            if linked:
                targets = [(link, t) for link, t in linked if t in people]
                if targets:
                    self._people_in_block(block, targets, note_day, is_daily)
            if own:
                if block.tags or block.fields:
                    self._own_note_block(block, own_person, own_company)
                elif own_person is not None:  # most blocks: no win, news or field
                    self._own_plain_block(block, own_person)

    def _people_in_block(
        self,
        block: Block,
        targets: list[tuple[Link, str]],
        note_day: date | None,
        is_daily: bool,
    ) -> None:
        """Contacts and open loops from a block that links people (``targets``)."""
        path = self.note.path
        task = block.task
        if task is not None and not task.cancelled:
            if task.done:
                day = task.completed or note_day
                if day is not None:
                    for link, target in targets:
                        if not link.embed:
                            self._contact(target, day, "task",
                                          Source(path, block.line, block.heading),
                                          block.text)
            elif not (block.block_id and block.block_id.startswith("vl-")):  # not managed
                for link, target in targets:
                    if not link.embed:
                        self.signals.append(Signal(
                            "open_loop", block.text, Source(path, block.line, block.heading),
                            date=note_day, due=task.due, subject=target,
                        ))
        elif is_daily and note_day is not None and not block.quote and task is None:
            for link, target in targets:
                if not link.embed and target != path:
                    self._contact(target, note_day, "daily",
                                  Source(path, block.line, block.heading), block.text)

    def _own_note_block(self, block: Block, person: str | None, company: str | None) -> None:
        note = self.note
        subject = person or company
        assert subject is not None
        source = Source(note.path, block.line, block.heading)
        tags = {tag.name.split("/", 1)[0].lower() for tag in block.tags}
        fields = {f.key.strip().lower(): f for f in block.fields}
        day = _leading_date(block) or self._linked_daily(block)
        is_win = bool(tags & _WIN_TAGS) or "win" in fields or "news" in fields
        if is_win:
            for key in ("win", "news"):
                if key in fields:
                    value = fields[key].value
                    when = _leading_date_text(value) or day
                    self.signals.append(Signal(
                        "news" if company or key == "news" else "win",
                        _strip_leading_date(value), source, date=when, subject=subject,
                    ))
                    break
            else:
                self.signals.append(Signal(
                    "news" if company else "win", _strip_leading_date(_strip_tags(block.text)),
                    source, date=day, subject=subject,
                ))
            return
        for key, kind in (("ask", "question"), ("question", "question"),
                          ("post", "post"), ("impressed", "impression")):
            if key in fields:
                self.signals.append(Signal(
                    kind, fields[key].value, source, date=day, subject=subject,  # type: ignore[arg-type]
                ))
        if person is None:
            return
        about_them = bool(fields.keys() & {"post", "ask", "question", "impressed"})
        if block.task is None and block.kind == "item" and day is not None and not about_them:
            self._contact(person, day, "log", source, _strip_leading_date(block.text))
        elif block.kind in ("paragraph", "item") and (block.task is None or not block.task.done):
            self._questions(block, person, day)

    def _own_plain_block(self, block: Block, person: str) -> None:
        """``_own_note_block`` for a block without tags or fields (in a company note such
        a block says nothing): it can only log a contact with the person or ask them a
        question, so its day is read only when one of those needs it."""
        task = block.task
        asks = "?" in block.text
        if block.kind == "item" and task is None:
            day, text = _split_leading_date(block.text)
            if day is None:
                day = self._linked_daily(block)
            if day is not None:
                self._contact(person, day, "log",
                              Source(self.note.path, block.line, block.heading), text)
                return
        elif asks and block.kind in ("paragraph", "item") and (task is None or not task.done):
            day = _leading_date(block) or self._linked_daily(block)
        else:
            return
        if asks:
            self._questions(block, person, day)

    def _questions(self, block: Block, person: str, day: date | None) -> None:
        # A question is a line of its own that ends in "?" (not a field line).
        path = self.note.path
        for offset, line in enumerate(block.text.split("\n")):
            text = line.strip()
            if text.endswith("?") and "::" not in text and len(text) > 3:
                self.signals.append(Signal(
                    "question", text, Source(path, block.line + offset, block.heading),
                    date=day, subject=person,
                ))

    def _impressions(
        self, interaction: Interaction, block_links: Sequence[Sequence[tuple[Link, str]]]
    ) -> None:
        note = self.note
        people = self.index.people
        attendees = [p for p in interaction.people if p in people]
        for block, resolved in zip(note.blocks, block_links, strict=True):
            if block.kind == "heading":
                continue
            linked = [t for _, t in resolved if t in people]
            fields = [f for f in block.fields if f.key.strip().lower() == "impressed"]
            if fields:
                source = Source(note.path, block.line, block.heading)
                for f in fields:
                    for person in linked or attendees:
                        self.signals.append(Signal(
                            "impression", f.value.strip(), source, date=interaction.date,
                            subject=person,
                        ))
            text = block.text
            if not _impressed(text.lower()):  # a line's words are words of the whole text
                continue
            for offset, line in enumerate(text.split("\n")):
                if "::" in line or not _impressed(line.lower()):
                    continue
                targets = linked or (attendees if len(attendees) == 1 else [])
                for person in dict.fromkeys(targets):
                    self.signals.append(Signal(
                        "impression", line.strip(),
                        Source(note.path, block.line + offset, block.heading),
                        date=interaction.date, subject=person,
                    ))

    def _linked_daily(self, block: Block) -> date | None:
        for link in block.links:
            target = self._target_of(link)
            if target is not None:
                day = self.day(target)
                if day is not None:
                    return day
            day = _day(link.target) if len(link.target) == 10 else None
            if day is not None:
                return day
        return None

    def _contact(
        self,
        person: str,
        day: date,
        via: Any,
        source: Source,
        text: str,
        interaction: str | None = None,
    ) -> None:
        self.contacts.append(Contact(person, day, via, source, text.strip(), interaction))

    # -- property helpers ------------------------------------------------------------------
    def _date(self, *keys: str, report: bool = True) -> date | None:
        note = self.note
        for key in keys:
            if key not in note.properties:
                continue
            value = note.properties[key]
            if value is None or value == "" or value == []:
                continue
            if isinstance(value, list) and len(value) == 1:
                value = value[0]
            day = parse_date(value)
            if day is None and report:
                self._problem(key, "error", "bad-date",
                              f"{key}: {value!r} is not a date (use YYYY-MM-DD)")
            if day is not None:
                return day
        return None

    def _source_of(self, keys: Sequence[str]) -> Source | None:
        for key in keys:
            if key in self.note.properties:
                return Source(self.note.path, self.note.line_of(key))
        return None

    def _problem(self, key: str, severity: Any, code: str, message: str) -> None:
        self.problems.append(
            Problem(self.note.path, self.note.line_of(key), severity, code, message)
        )


# a vaultlink block id written as text (the id of a logged tick), not as ``^vl-...``
_VL_ID = re.compile(r"(?<![0-9A-Za-z^-])(vl-[0-9a-f]{6})(?![0-9A-Za-z-])")


def _ticks(note: Note, generated: bool) -> tuple[frozenset[str], bool]:
    """The ``^vl-`` ids this note closes, and whether it holds a vaultlink checkbox
    (a task block with a ``^vl-`` id, ticked or not).

    Closed are a completed or cancelled vaultlink task anywhere, and in a user note any
    line carrying one (the ``## Log`` line sync appends when it harvests a tick), so an
    item is closed even before the tick becomes a contact."""
    done: set[str] = set()
    has_ticks = False
    for block in note.blocks:
        task = block.task
        block_id = block.block_id
        if task is not None:
            if block_id and block_id.startswith("vl-"):
                has_ticks = True
                if task.done or task.cancelled:
                    done.add(block_id)
            continue
        if generated:
            continue
        if block_id and block_id.startswith("vl-"):
            done.add(block_id)
        if "vl-" in block.text:
            done.update(m.group(1) for m in _VL_ID.finditer(block.text))
    return frozenset(done), has_ticks


# -- the merge -------------------------------------------------------------------------------
def assemble(
    facts: Mapping[str, NoteFacts],
    contributions: Mapping[str, Contribution],
    index: VaultIndex,
    config: Config,
) -> Model:
    """Merge every note's contribution (in note order) into the model."""
    problems: list[Problem] = []
    companies: dict[str, Company] = {}
    applications: dict[str, Application] = {}
    interactions: dict[str, Interaction] = {}
    people_base: dict[str, Person] = {}
    contacts: dict[str, list[Contact]] = defaultdict(list)
    signals: dict[str, list[Signal]] = defaultdict(list)
    resolved: dict[str, tuple[str | None, ...]] = {}
    closed: dict[str, frozenset[str]] = {}
    property_lines: dict[str, Mapping[str, int]] = {}
    me_record: Me | None = None
    for path, fact in facts.items():
        part = contributions[path]
        problems.extend(fact.problems)
        problems.extend(part.problems)
        resolved[path] = part.resolved
        record = part.record
        if isinstance(record, Person):
            people_base[path] = record
        elif isinstance(record, Company):
            companies[path] = record
        elif isinstance(record, Application):
            applications[path] = record
        elif isinstance(record, Interaction):
            interactions[path] = record
        elif isinstance(record, Me) and me_record is None:
            me_record = record
        for contact in part.contacts:
            contacts[contact.person].append(contact)
        for signal in part.signals:
            signals[signal.subject or ""].append(signal)
        if part.done_ids:
            closed[path] = part.done_ids
        if part.property_lines is not None:
            property_lines[path] = part.property_lines
    people = _people(people_base, contacts, signals)
    return Model(
        kinds=index.kinds,
        people=people,
        companies=_attach_people(companies, people, signals),
        applications=applications,
        interactions=interactions,
        daily=index.daily,
        me=_me(config, me_record),
        resolved=resolved,
        problems=(*problems, *_ambiguous(index)),
        generated=frozenset(path for path, fact in facts.items() if fact.generated),
        tick_notes=frozenset(path for path, part in contributions.items() if part.has_ticks),
        closed=closed,
        property_lines=property_lines,
    )


def _people(
    base: Mapping[str, Person],
    contacts: Mapping[str, list[Contact]],
    signals: Mapping[str, list[Signal]],
) -> dict[str, Person]:
    out: dict[str, Person] = {}
    for path, person in base.items():
        found = sorted(
            _dedupe_contacts(contacts.get(path, [])),
            key=lambda c: (c.date, c.source.path, c.source.line or 0),
        )
        last = found[-1] if found else None
        theirs = list(signals.get(path, []))
        for company in person.companies:
            theirs.extend(signals.get(company, []))
        out[path] = _evolve(
            person,
            contacts=tuple(found),
            signals=tuple(theirs),
            last_contact=last.date if last else None,
            last_contact_source=last.source if last else None,
        )
    return out


def _attach_people(
    companies: Mapping[str, Company],
    people: Mapping[str, Person],
    signals: Mapping[str, list[Signal]],
) -> dict[str, Company]:
    at: dict[str, list[str]] = defaultdict(list)
    for person in people.values():
        for company in person.companies:
            at[company].append(person.path)
    return {
        path: _evolve(
            company,
            people=tuple(sorted(at.get(path, []))),
            signals=tuple(signals.get(path, [])),
        )
        for path, company in companies.items()
    }


_T = TypeVar("_T")
_GETTERS: dict[type, tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]] = {}


def _evolve(record: _T, **changes: Any) -> _T:
    """``dataclasses.replace`` for the model's records, several times faster (it is
    called for every person and company of every build)."""
    cls = type(record)
    found = _GETTERS.get(cls)
    if found is None:
        names = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]
        found = _GETTERS[cls] = (names, attrgetter(*names))
    names, get = found
    values = dict(zip(names, get(record), strict=True))
    values.update(changes)
    return cls(**values)


def _me(config: Config, found: Me | None) -> Me:
    configured = config.me
    interests = list(configured.interests)
    if found is None:
        return Me(name=configured.name or "me", path=None, interests=tuple(interests))
    for label in found.interests:
        if label not in interests:
            interests.append(label)
    return Me(name=configured.name or found.name or "me", path=found.path,
              interests=tuple(interests))


def _ambiguous(index: VaultIndex) -> list[Problem]:
    out: list[Problem] = []
    for name, paths in sorted(index.resolver.ambiguous().items()):
        if any(index.kinds.get(p) in ("person", "company") for p in paths):
            out.append(Problem(
                paths[0], None, "warning", "ambiguous-name",
                f"{len(paths)} notes are named {name!r}: " + ", ".join(paths),
            ))
    return out


# -- value helpers -----------------------------------------------------------------------------
def _get(props: Mapping[str, Any], *keys: str) -> Any:
    for key in keys:
        if key in props and props[key] not in (None, "", []):
            return props[key]
    return None


_LOWERED: dict[tuple[str, ...], frozenset[str]] = {}


def _lowered(keys: tuple[str, ...]) -> frozenset[str]:
    """``keys`` lower-cased (memo: the same few key tuples are asked for every note)."""
    found = _LOWERED.get(keys)
    if found is None:
        found = _LOWERED[keys] = frozenset(key.lower() for key in keys)
    return found


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        out: list[Any] = []
        for item in value:
            out.extend(_as_list(item) if isinstance(item, list | tuple) else [item])
        return out
    return [value]


def _first_str(value: Any) -> str | None:
    if isinstance(value, str):  # the usual case, without the list
        text = value.strip()
        return (_link_name(text) or text) if text else None
    for item in _as_list(value):
        if isinstance(item, str | int | float) and not isinstance(item, bool):
            text = str(item).strip()
            if text:
                return _link_name(text) or text
    return None


def _strings(value: Any) -> tuple[str, ...]:
    out: list[str] = []
    for item in _as_list(value):
        if isinstance(item, str) and item.strip():
            out.append(item.strip())
    return tuple(out)


def _strings_or_links(value: Any) -> list[str]:
    if isinstance(value, str):
        if "[[" in value:
            return [value]
        return [part.strip() for part in value.split(",") if part.strip()]
    return [str(v) for v in _as_list(value) if v is not None and str(v).strip()]


def _link_name(value: Any) -> str | None:
    """``"[[Acme|ACME]]"`` -> ``Acme``; a plain string -> itself; anything else -> None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.startswith("[[") and text.endswith("]]"):
        text = text[2:-2]
        text = text.split("|", 1)[0].split("#", 1)[0].strip()
        return text.rsplit("/", 1)[-1] or None
    return text or None


def _truthy(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.strip().lower() in _TRUE
    return False


def _leading_date_text(text: str) -> date | None:
    stripped = text.lstrip("*_ ")
    # only YYYY-MM-DD / YYYY/MM/DD fit in 10 characters: skip the regex for other text
    if len(stripped) < 10 or stripped[4] not in "-/":
        return None
    return _day(stripped[:10])


@lru_cache(maxsize=4096)
def _day(text: str) -> date | None:
    """``parse_date`` of a ``YYYY-MM-DD``-sized text, remembered: notes name the same few
    hundred days over and over."""
    return parse_date(text)


def _leading_date(block: Block) -> date | None:
    text = block.text
    if block.task is not None and text.startswith("[") and "]" in text[:4]:
        text = text[text.index("]") + 1 :]
    return _leading_date_text(text)


def _strip_leading_date(text: str) -> str:
    return _split_leading_date(text)[1]


def _split_leading_date(text: str) -> tuple[date | None, str]:
    """``text``'s leading date (as ``_leading_date_text``), and ``text`` without it."""
    stripped = text.lstrip("*_ ")
    day = _leading_date_text(stripped)
    if day is not None:
        stripped = stripped[10:].lstrip("*_ :—–-").strip()
    return day, stripped or text.strip()


def _impressed(lowered: str) -> bool:
    """Whether lower-cased text has one of the words that mark an impression."""
    for word in _IMPRESSION_WORDS:  # noqa: SIM110 (no generator: a hot path)
        if word in lowered:
            return True
    return False


def _strip_tags(text: str) -> str:
    words = [w for w in text.split() if not (w.startswith("#") and len(w) > 1)]
    return " ".join(words)


def _dedupe_contacts(contacts: Iterable[Contact]) -> list[Contact]:
    seen: set[tuple[date, str, int | None, str]] = set()
    out: list[Contact] = []
    for contact in contacts:
        key = (contact.date, contact.source.path, contact.source.line, contact.via)
        if key not in seen:
            seen.add(key)
            out.append(contact)
    return out
