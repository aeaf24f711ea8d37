"""Parsed notes + resolved links -> people, companies, applications, interactions, signals.

This stage is pure: it reads ``Note`` records and returns a ``Model``. It decides each
note's kind (SPEC §2.1), reads properties with their synonyms (§2.2), and collects
every dated contact and every signal with its source (§2.5). It knows nothing about
today: rules decide what is due.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from vaultlink.cadence import parse_cadence
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
from vaultlink.resolve import Resolver
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


def is_generated(note: Note) -> bool:
    """A note vaultlink wrote itself (it carries the marker in its frontmatter)."""
    return str(note.properties.get("generated_by", "")).strip().lower() == GENERATED_MARKER


def build_model(
    notes: Sequence[Note],
    resolver: Resolver,
    settings: ObsidianSettings,
    config: Config,
) -> Model:
    """Build the model from parsed notes. Never raises for bad input: it reports."""
    return _Builder(notes, resolver, settings, config).build()


class _Builder:
    def __init__(
        self,
        notes: Sequence[Note],
        resolver: Resolver,
        settings: ObsidianSettings,
        config: Config,
    ) -> None:
        self.notes = {note.path: note for note in notes}
        self.resolver = resolver
        self.settings = settings
        self.config = config
        self.problems: list[Problem] = []
        self.kinds: dict[str, NoteKind] = {}
        self.interaction_kinds: dict[str, InteractionKind] = {}
        self.daily: dict[str, date] = {}
        self.generated: set[str] = set()
        self.resolved: dict[str, tuple[str | None, ...]] = {}
        # id(link) -> target for every link resolved in _resolve_links: the later passes
        # look the same Link objects up instead of resolving each one a second time.
        self.link_targets: dict[int, str | None] = {}
        self.contacts: dict[str, list[Contact]] = defaultdict(list)
        self.signals: dict[str, list[Signal]] = defaultdict(list)

    # -- entry -------------------------------------------------------------------------
    def build(self) -> Model:
        for note in self.notes.values():
            self.problems.extend(note.problems)
            self._classify(note)
        for note in self.notes.values():
            self._resolve_links(note)
        companies = self._companies()
        applications = self._applications()
        interactions = self._interactions()
        people_base = self._people_base()
        person_paths = frozenset(people_base)
        for note in self.notes.values():
            if note.path in self.generated:
                continue
            self._collect(note, person_paths, interactions, applications)
        people = self._people(people_base)
        companies = self._attach_people(companies, people)
        me = self._me()
        self._check_ambiguous()
        return Model(
            kinds=self.kinds,
            people=people,
            companies=companies,
            applications=applications,
            interactions=interactions,
            daily=self.daily,
            me=me,
            resolved=self.resolved,
            problems=tuple(self.problems),
            generated=frozenset(self.generated),
        )

    # -- classification (SPEC §2.1) -----------------------------------------------------
    def _classify(self, note: Note) -> None:
        if is_generated(note):
            self.generated.add(note.path)
            self.kinds[note.path] = "note"
            return
        kind = self._kind_of(note)
        if self.settings.date_properties and not self._is_template(note):
            self._check_typed_dates(note)
        day = daily_note_date(note.path, self.settings)
        if kind is None and day is not None:
            self.daily[note.path] = day
            self.kinds[note.path] = "daily"
            return
        if day is not None:
            self.daily[note.path] = day
        if kind is not None and self._is_template(note):
            if kind == "person" and not self._in_templates_folder(note):
                self.problems.append(Problem(
                    note.path, 1, "warning", "template-person",
                    "looks like a person but is a template (unfilled {{placeholders}} or a "
                    "template name); not treated as a person",
                ))
            kind = None
        if kind in INTERACTION_KINDS:
            self.interaction_kinds[note.path] = kind
            self.kinds[note.path] = "interaction"
        elif kind is None:
            self.kinds[note.path] = "note"
        else:
            self.kinds[note.path] = kind  # type: ignore[assignment]

    def _check_typed_dates(self, note: Note) -> None:
        """Properties Obsidian types as dates (``.obsidian/types.json``) must hold dates."""
        for key, value in note.properties.items():
            if value in (None, "", []) or not self.settings.is_date_property(str(key)):
                continue
            values = value if isinstance(value, list) else [value]
            for item in values:
                if parse_date(item) is None:
                    self._problem(note, str(key), "warning", "bad-date",
                                  f"{key}: {item!r} is typed as a date in Obsidian but is not one")
                    break

    def _kind_of(self, note: Note) -> NoteKind | InteractionKind | None:
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
        folders = self.config.folders
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

    def _in_templates_folder(self, note: Note) -> bool:
        folder = (self.settings.templates_folder or "").strip("/")
        if folder:
            return note.path.lower().startswith(folder.lower() + "/")
        return False

    def _is_template(self, note: Note) -> bool:
        return (
            self._in_templates_folder(note)
            or "template" in note.name.lower()
            or note.has_placeholders
        )

    # -- links ----------------------------------------------------------------------------
    def _resolve_links(self, note: Note) -> None:
        targets: list[str | None] = []
        for link in note.links:
            target = self.resolver.resolve(link.target, note.path)
            targets.append(target)
            self.link_targets[id(link)] = target
            if target is None and note.path not in self.generated:
                self.problems.append(Problem(
                    note.path, link.line, "warning", "unresolved-link",
                    f"[[{link.target}]] does not match any note",
                ))
        self.resolved[note.path] = tuple(targets)

    def _targets(self, note: Note, links: Iterable[Link]) -> list[str]:
        """Resolved paths for some of a note's links (by identity with ``note.links``)."""
        wanted = {id(link) for link in links}
        resolved = self.resolved.get(note.path, ())
        out: list[str] = []
        for link, target in zip(note.links, resolved, strict=False):
            if id(link) in wanted and target is not None:
                out.append(target)
        return out

    def _target_of(self, note: Note, link: Link) -> str | None:
        key = id(link)
        if key in self.link_targets:
            return self.link_targets[key]
        return self.resolver.resolve(link.target, note.path)

    def _resolve_block_links(self, note: Note, block: Block) -> list[tuple[Link, str]]:
        out: list[tuple[Link, str]] = []
        for link in block.links:
            target = self._target_of(note, link)
            if target is not None:
                out.append((link, target))
        return out

    def _property_targets(self, note: Note, keys: Sequence[str]) -> tuple[list[str], list[str]]:
        """(resolved paths, display names) for links in the given properties, in order.

        Plain strings that name an existing note count as links too: many people write
        ``company: Acme`` without brackets.
        """
        paths: list[str] = []
        names: list[str] = []
        lower = {k.lower() for k in keys}
        found = False
        for link, target in zip(note.links, self.resolved.get(note.path, ()), strict=False):
            if link.key is not None and link.key.lower() in lower:
                found = True
                names.append(link.display)
                if target is not None and target not in paths:
                    paths.append(target)
        if not found:
            for key in keys:
                for value in _as_list(note.properties.get(key)):
                    if isinstance(value, str) and value.strip():
                        text = value.strip()
                        names.append(text)
                        target = self.resolver.resolve(text, note.path)
                        if target is not None and target not in paths:
                            paths.append(target)
        return paths, names

    # -- records -----------------------------------------------------------------------------
    def _of_kind(self, kind: NoteKind) -> list[Note]:
        return [self.notes[p] for p, k in self.kinds.items() if k == kind]

    def _companies(self) -> dict[str, Company]:
        out: dict[str, Company] = {}
        for note in self._of_kind("company"):
            out[note.path] = Company(
                path=note.path, name=note.name, aliases=_strings(note.properties.get("aliases"))
            )
        return out

    def _applications(self) -> dict[str, Application]:
        out: dict[str, Application] = {}
        for note in self._of_kind("application"):
            props = note.properties
            companies, _ = self._property_targets(note, PERSON_KEYS["company"])
            contacts, _ = self._property_targets(note, ("contacts", "people", "contact"))
            status_raw = _first_str(props.get("status"))
            status: ApplicationStatus | None = None
            if status_raw:
                word = status_raw.strip().lower()
                if word in STATUSES:
                    status = word  # type: ignore[assignment]
                else:
                    self._problem(note, "status", "warning", "unknown-status",
                                  f"unknown application status {status_raw!r}")
            out[note.path] = Application(
                path=note.path,
                name=note.name,
                company=companies[0] if companies else None,
                role=_first_str(_get(props, "role", "title")),
                status=status,
                applied=self._date(note, "applied", "applied_on", "date_applied"),
                decided=self._date(note, "decided", "status_date", "decision_date"),
                contacts=tuple(contacts),
                source=Source(note.path, note.line_of("status")),
            )
        return out

    def _interactions(self) -> dict[str, Interaction]:
        out: dict[str, Interaction] = {}
        for path, kind in self.interaction_kinds.items():
            note = self.notes[path]
            day = self._date(note, "date", "day") or self.daily.get(path)
            people, _ = self._property_targets(note, ("with", "people", "attendees"))
            companies, _ = self._property_targets(note, ("company", "org", "organization"))
            out[path] = Interaction(
                path=path,
                name=note.name,
                kind=kind,
                date=day,
                people=tuple(people),
                company=companies[0] if companies else None,
                outcome=_first_str(note.properties.get("outcome")),
            )
        return out

    def _people_base(self) -> dict[str, Person]:
        out: dict[str, Person] = {}
        for note in self._of_kind("person"):
            props = note.properties
            companies, company_names = self._property_targets(note, PERSON_KEYS["company"])
            company_paths = [c for c in companies if self.kinds.get(c) == "company"] or companies
            met_via, _ = self._property_targets(note, PERSON_KEYS["met_via"])
            tier = _first_str(_get(props, *PERSON_KEYS["tier"]))
            cadence_days = self._cadence(note, tier)
            out[note.path] = Person(
                path=note.path,
                name=note.name,
                aliases=_strings(_get(props, "aliases", "alias")),
                company=company_paths[0] if company_paths else None,
                company_name=company_names[0] if company_names else None,
                companies=tuple(company_paths),
                role=_first_str(_get(props, *PERSON_KEYS["role"])),
                email=_first_str(props.get("email")),
                linkedin=_first_str(props.get("linkedin")),
                met=self._date(note, "met"),
                met_via=met_via[0] if met_via else None,
                interests=tuple(_link_name(v) or "" for v in _strings_or_links(
                    _get(props, *PERSON_KEYS["interests"])) if _link_name(v)),
                cadence=cadence_days,
                tier=tier,
                next_contact=self._date(note, *PERSON_KEYS["next_contact"]),
                next_contact_source=self._source_of(note, PERSON_KEYS["next_contact"]),
                snooze_until=self._date(note, *PERSON_KEYS["snooze_until"]),
                paused=_truthy(_get(props, *PERSON_KEYS["paused"])),
                birthday=self._birthday(note),
                tags=tuple(tag.name for tag in note.tags),
            )
            floor = self._date(note, *PERSON_KEYS["last_contact"])
            if floor is not None:
                self.contacts[note.path].append(Contact(
                    person=note.path, date=floor, via="floor",
                    source=self._source_of(note, PERSON_KEYS["last_contact"])
                    or Source(note.path),
                    text="last contact (property)",
                ))
        return out

    def _cadence(self, note: Note, tier: str | None) -> int | None:
        for key in PERSON_KEYS["cadence"]:
            if key in note.properties:
                value = note.properties[key]
                parsed = parse_cadence(value, self.config.tiers)
                if parsed.error:
                    self._problem(note, key, "warning", "unknown-cadence", parsed.error)
                    break
                return parsed.days
        if tier:
            parsed = parse_cadence(tier, self.config.tiers)
            if not parsed.error:
                return parsed.days
        return self.config.rules.default_cadence

    def _birthday(self, note: Note) -> str | None:
        for key in PERSON_KEYS["birthday"]:
            value = note.properties.get(key)
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
            self._problem(note, key, "warning", "bad-date", f"birthday {text!r} is not MM-DD")
        return None

    # -- contacts and signals (SPEC §2.5) ------------------------------------------------------
    def _collect(
        self,
        note: Note,
        people: frozenset[str],
        interactions: Mapping[str, Interaction],
        applications: Mapping[str, Application],
    ) -> None:
        path = note.path
        note_day = self.daily.get(path)
        interaction = interactions.get(path)
        if interaction is not None and interaction.date is not None:
            note_day = note_day or interaction.date
        if note_day is None:
            note_day = self._date(note, "date", report=False)
        kind = self.kinds.get(path)

        if interaction is not None and interaction.date is not None:
            line = note.line_of("with") or note.line_of("people") or note.line_of("attendees")
            seen: set[str] = set()
            for person in interaction.people:
                if person in people and person not in seen:
                    seen.add(person)
                    self._contact(person, interaction.date, "note", Source(path, line),
                                  f"{interaction.kind}: {note.name}", path)
            for block in note.blocks:
                if block.quote or (block.task is not None and not block.task.done):
                    continue
                for link, target in self._resolve_block_links(note, block):
                    if target in people and target not in seen and not link.embed:
                        seen.add(target)
                        self._contact(target, interaction.date, "note",
                                      Source(path, block.line, block.heading),
                                      f"{interaction.kind}: {note.name}", path)
            self._impressions(note, interaction, people)

        application = applications.get(path)
        if application is not None and application.decided is not None:
            for person in application.contacts:
                if person in people:
                    outcome = application.status or "decision"
                    self._contact(person, application.decided, "decision",
                                  Source(path, note.line_of("decided")
                                         or note.line_of("status_date")),
                                  f"{note.name}: {outcome}", path)

        is_daily = path in self.daily and kind == "daily"
        own_person = path if kind == "person" else None
        own_company = path if kind == "company" else None
        for block in note.blocks:
            targets = [(link, t) for link, t in self._resolve_block_links(note, block)
                       if t in people]
            task = block.task
            managed = bool(block.block_id and block.block_id.startswith("vl-"))
            if task is not None and targets and not task.cancelled:
                if task.done:
                    day = task.completed or note_day
                    if day is not None:
                        for link, target in targets:
                            if not link.embed:
                                self._contact(target, day, "task",
                                              Source(path, block.line, block.heading),
                                              block.text)
                elif not managed:
                    for link, target in targets:
                        if not link.embed:
                            self.signals[target].append(Signal(
                                "open_loop", block.text, Source(path, block.line, block.heading),
                                date=note_day, due=task.due, subject=target,
                            ))
            elif is_daily and note_day is not None and not block.quote and task is None:
                for link, target in targets:
                    if not link.embed and target != path:
                        self._contact(target, note_day, "daily",
                                      Source(path, block.line, block.heading), block.text)
            if own_person is not None or own_company is not None:
                self._own_note_block(note, block, own_person, own_company)

    def _own_note_block(
        self, note: Note, block: Block, person: str | None, company: str | None
    ) -> None:
        subject = person or company
        assert subject is not None
        source = Source(note.path, block.line, block.heading)
        tags = {tag.name.split("/", 1)[0].lower() for tag in block.tags}
        fields = {f.key.strip().lower(): f for f in block.fields}
        day = _leading_date(block) or self._linked_daily(note, block)
        is_win = bool(tags & _WIN_TAGS) or "win" in fields or "news" in fields
        if is_win:
            for key in ("win", "news"):
                if key in fields:
                    value = fields[key].value
                    when = _leading_date_text(value) or day
                    self.signals[subject].append(Signal(
                        "news" if company or key == "news" else "win",
                        _strip_leading_date(value), source, date=when, subject=subject,
                    ))
                    break
            else:
                self.signals[subject].append(Signal(
                    "news" if company else "win", _strip_leading_date(_strip_tags(block.text)),
                    source, date=day, subject=subject,
                ))
            return
        for key, kind in (("ask", "question"), ("question", "question"),
                          ("post", "post"), ("impressed", "impression")):
            if key in fields:
                self.signals[subject].append(Signal(
                    kind, fields[key].value, source, date=day, subject=subject,  # type: ignore[arg-type]
                ))
        if person is None:
            return
        about_them = bool(fields.keys() & {"post", "ask", "question", "impressed"})
        if block.task is None and block.kind == "item" and day is not None and not about_them:
            self._contact(person, day, "log", source, _strip_leading_date(block.text))
        elif block.kind in ("paragraph", "item") and (block.task is None or not block.task.done):
            # A question is a line of its own that ends in "?" (not a field line).
            for offset, line in enumerate(block.text.split("\n")):
                text = line.strip()
                if text.endswith("?") and "::" not in text and len(text) > 3:
                    self.signals[person].append(Signal(
                        "question", text, Source(note.path, block.line + offset, block.heading),
                        date=day, subject=person,
                    ))

    def _impressions(
        self, note: Note, interaction: Interaction, people: frozenset[str]
    ) -> None:
        attendees = [p for p in interaction.people if p in people]
        for block in note.blocks:
            if block.kind == "heading":
                continue
            linked = [t for _, t in self._resolve_block_links(note, block) if t in people]
            source = Source(note.path, block.line, block.heading)
            fields = [f for f in block.fields if f.key.strip().lower() == "impressed"]
            for f in fields:
                for person in linked or attendees:
                    self.signals[person].append(Signal(
                        "impression", f.value.strip(), source, date=interaction.date,
                        subject=person,
                    ))
            for offset, line in enumerate(block.text.split("\n")):
                lowered = line.lower()
                if "::" in line or not any(word in lowered for word in _IMPRESSION_WORDS):
                    continue
                targets = linked or (attendees if len(attendees) == 1 else [])
                for person in dict.fromkeys(targets):
                    self.signals[person].append(Signal(
                        "impression", line.strip(),
                        Source(note.path, block.line + offset, block.heading),
                        date=interaction.date, subject=person,
                    ))

    def _linked_daily(self, note: Note, block: Block) -> date | None:
        for link in block.links:
            target = self._target_of(note, link)
            if target is not None and target in self.daily:
                return self.daily[target]
            day = parse_date(link.target) if len(link.target) == 10 else None
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
        self.contacts[person].append(Contact(
            person=person, date=day, via=via, source=source, text=text.strip(),
            interaction=interaction,
        ))

    # -- finishing ---------------------------------------------------------------------------
    def _people(self, base: Mapping[str, Person]) -> dict[str, Person]:
        from dataclasses import replace

        out: dict[str, Person] = {}
        for path, person in base.items():
            contacts = sorted(
                _dedupe_contacts(self.contacts.get(path, [])),
                key=lambda c: (c.date, c.source.path, c.source.line or 0),
            )
            last = contacts[-1] if contacts else None
            signals = list(self.signals.get(path, []))
            for company in person.companies:
                signals.extend(self.signals.get(company, []))
            out[path] = replace(
                person,
                contacts=tuple(contacts),
                signals=tuple(signals),
                last_contact=last.date if last else None,
                last_contact_source=last.source if last else None,
            )
        return out

    def _attach_people(
        self, companies: Mapping[str, Company], people: Mapping[str, Person]
    ) -> dict[str, Company]:
        from dataclasses import replace

        at: dict[str, list[str]] = defaultdict(list)
        for person in people.values():
            for company in person.companies:
                at[company].append(person.path)
        return {
            path: replace(
                company,
                people=tuple(sorted(at.get(path, []))),
                signals=tuple(self.signals.get(path, [])),
            )
            for path, company in companies.items()
        }

    def _me(self) -> Me:
        configured = self.config.me
        note = next((self.notes[p] for p, k in self.kinds.items() if k == "me"), None)
        name = configured.name
        interests = list(configured.interests)
        path = None
        if note is not None:
            path = note.path
            name = name or _first_str(note.properties.get("name")) or note.name
            for value in _strings_or_links(_get(note.properties, "interests", "hobbies")):
                label = _link_name(value)
                if label and label not in interests:
                    interests.append(label)
        return Me(name=name or "me", path=path, interests=tuple(interests))

    def _check_ambiguous(self) -> None:
        for name, paths in sorted(self.resolver.ambiguous().items()):
            if any(self.kinds.get(p) in ("person", "company") for p in paths):
                self.problems.append(Problem(
                    paths[0], None, "warning", "ambiguous-name",
                    f"{len(paths)} notes are named {name!r}: " + ", ".join(paths),
                ))

    # -- property helpers ------------------------------------------------------------------
    def _date(self, note: Note, *keys: str, report: bool = True) -> date | None:
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
                self._problem(note, key, "error", "bad-date",
                              f"{key}: {value!r} is not a date (use YYYY-MM-DD)")
            if day is not None:
                return day
        return None

    def _source_of(self, note: Note, keys: Sequence[str]) -> Source | None:
        for key in keys:
            if key in note.properties:
                return Source(note.path, note.line_of(key))
        return None

    def _problem(self, note: Note, key: str, severity: Any, code: str, message: str) -> None:
        self.problems.append(Problem(note.path, note.line_of(key), severity, code, message))


# -- value helpers -----------------------------------------------------------------------------
def _get(props: Mapping[str, Any], *keys: str) -> Any:
    for key in keys:
        if key in props and props[key] not in (None, "", []):
            return props[key]
    return None


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
    return parse_date(stripped[:10])


def _leading_date(block: Block) -> date | None:
    text = block.text
    if block.task is not None and text.startswith("[") and "]" in text[:4]:
        text = text[text.index("]") + 1 :]
    return _leading_date_text(text)


def _strip_leading_date(text: str) -> str:
    stripped = text.lstrip("*_ ")
    if len(stripped) >= 10 and parse_date(stripped[:10]) is not None:
        stripped = stripped[10:].lstrip("*_ :—–-").strip()
    return stripped or text.strip()


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
