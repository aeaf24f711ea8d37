"""People in from outside: LinkedIn's connections export and vCards (SPEC §7.1).

An importer is two steps, so a preview is the default:

1. a reader (``linkedin.read_connections``, ``vcard.read_vcards``) turns a file into
   ``Candidate`` records plus problems for rows it could not use;
2. ``plan_import`` matches them against the vault and plans one new person note per
   new person. Nobody is ever overwritten: a candidate who already exists (same name,
   alias, email or LinkedIn URL) or whose file name is taken is skipped, with the reason.

``apply_import`` hands the planned notes to ``writer.apply`` as creations, so a file
that appeared in the meantime is refused, not replaced. The note text is written as
text (every string double-quoted YAML), never through a YAML dumper.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from vaultlink.problems import Problem
from vaultlink.writer import ApplyReport, FileChange, apply

if TYPE_CHECKING:
    from vaultlink.vault import Vault

__all__ = [
    "Candidate",
    "ImportPlan",
    "PlannedPerson",
    "SkippedPerson",
    "apply_import",
    "email_key",
    "linkedin_key",
    "name_key",
    "note_filename",
    "person_note",
    "plan_import",
    "yaml_quote",
]


@dataclass(frozen=True, slots=True)
class Candidate:
    """One person read from an import file. ``line`` is where they start in that file."""

    name: str
    company: str | None = None
    role: str | None = None
    emails: tuple[str, ...] = ()
    linkedin: str | None = None
    met: date | None = None
    birthday: str | None = None
    aliases: tuple[str, ...] = ()
    note: str = ""
    line: int | None = None

    @property
    def email(self) -> str | None:
        return self.emails[0] if self.emails else None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "company": self.company,
            "role": self.role,
            "email": self.email,
            "linkedin": self.linkedin,
            "met": self.met.isoformat() if self.met else None,
            "birthday": self.birthday,
            "line": self.line,
        }


@dataclass(frozen=True, slots=True)
class PlannedPerson:
    """A note to create: where, its full text, and the company note it links (if any)."""

    candidate: Candidate
    path: str
    text: str
    company_path: str | None = None

    def to_json(self) -> dict[str, Any]:
        return self.candidate.to_json() | {"path": self.path, "company_path": self.company_path}


@dataclass(frozen=True, slots=True)
class SkippedPerson:
    """A candidate not imported, why, and the existing note that made it a duplicate."""

    candidate: Candidate
    reason: str
    existing: str | None = None

    def to_json(self) -> dict[str, Any]:
        return self.candidate.to_json() | {"reason": self.reason, "existing": self.existing}


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """What an import would do. Nothing is written until ``apply_import``."""

    source: str
    create: tuple[PlannedPerson, ...] = ()
    skip: tuple[SkippedPerson, ...] = ()
    problems: tuple[Problem, ...] = ()

    def changes(self) -> list[FileChange]:
        return [FileChange(p.path, p.text, None, f"import from {self.source}")
                for p in self.create]

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "create": [p.to_json() for p in self.create],
            "skip": [s.to_json() for s in self.skip],
            "problems": [p.to_json() for p in self.problems],
        }


# ------------------------------------------------------------------------------ keys

_SPACES = re.compile(r"\s+")


def decode_export(data: bytes, name: str) -> tuple[str, list[Problem]]:
    """Exported contact files are UTF-8 (with or without BOM) or, from older Windows
    tools, Windows-1252: decode either, and say so when it was the latter."""
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), [
            Problem(name, None, "warning", "bad-import", "not UTF-8; read as Windows-1252")
        ]


def _clean(text: str | None) -> str:
    """One line of text: whitespace collapsed, control characters dropped."""
    if not text:
        return ""
    if text.isprintable():  # the common case: no control or format characters
        return _SPACES.sub(" ", text).strip()
    kept = "".join(ch for ch in text if not _is_control(ch) or ch.isspace())
    return _SPACES.sub(" ", kept).strip()


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") and ch not in "\u200d"


def name_key(name: str) -> str:
    """Names compared as people read them: case, accents, spacing and dots ignored."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().replace(".", " ")
    return _SPACES.sub(" ", text).strip()


def email_key(email: str) -> str:
    text = email.strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    return text.strip().strip("<>").lower()


_LINKEDIN_PROFILE = re.compile(r"(?:^|\.)linkedin\.com/(in|pub|company|school)/([^/?#]+)", re.I)


def linkedin_key(url: str) -> str:
    """``https://www.linkedin.com/in/Jane-Doe/?x=1`` -> ``linkedin.com/in/jane-doe``."""
    text = unquote(url.strip())
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    host = parts.netloc.lower().split("@")[-1].split(":")[0]
    match = _LINKEDIN_PROFILE.search(f"{host}{parts.path}")
    if match:
        return f"linkedin.com/{match.group(1).lower()}/{match.group(2).casefold()}"
    host = host.removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}".casefold()


def is_linkedin(url: str) -> bool:
    text = url.strip().lower()
    if "://" not in text:
        text = "https://" + text
    host = urlsplit(text).netloc.split("@")[-1].split(":")[0]
    return host == "linkedin.com" or host.endswith(".linkedin.com")


# ------------------------------------------------------------------------ file names

# Obsidian refuses * " \ / < > : | ? in file names; # ^ [ ] | break links to them.
_FORBIDDEN = frozenset('/\\:*?"<>|#^[]')
_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(1, 10)}
    | {f"lpt{i}" for i in range(1, 10)}
)
_MAX_NAME_BYTES = 200  # file names are at most 255 bytes; leave room for ".md" and temp names


def note_filename(name: str) -> str:
    """A note name Obsidian accepts and links can reach ('' if nothing is left).

    Forbidden characters become spaces; no leading dot (it would hide the note), no
    trailing dot or space (Windows drops them), no reserved device names.
    """
    text = "".join(" " if ch in _FORBIDDEN or _is_control(ch) else ch for ch in name)
    text = _SPACES.sub(" ", text).strip(" .")
    while len(text.encode("utf-8")) > _MAX_NAME_BYTES:
        text = text[:-1].rstrip(" .")
    if text.lower().split(".")[0] in _RESERVED:
        text = f"{text} (contact)"
    return text


# ------------------------------------------------------------------------------ text


def yaml_quote(text: str) -> str:
    """A YAML double-quoted scalar for any string: ``yaml.safe_load`` gives it back exactly.

    Quotes and backslashes are escaped; characters YAML would fold or reject (line
    breaks, controls, NEL, LS/PS, BOM, lone surrogates) become ``\\u`` escapes.
    """
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif (
            code < 0x20 or 0x7F <= code <= 0x9F or code in (0x2028, 0x2029, 0xFEFF)
            or 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF)
        ):
            out.append(f"\\u{code:04x}" if code < 0xD800 or code > 0xDFFF else "\\ufffd")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _link_value(target: str, display: str | None = None) -> str:
    inner = target if not display or display == target else f"{target}|{display}"
    return yaml_quote(f"[[{inner}]]")


def person_note(
    candidate: Candidate,
    *,
    company_link: tuple[str, str | None] | None,
    aliases: Sequence[str],
    tag: str,
    log_heading: str = "Log",
    category: str | None = None,
) -> str:
    """The text of a new person note: frontmatter written as text, a note, a Log heading.

    With ``category`` (a vault whose people carry ``categories: ["[[People]]"]``) the
    note follows that convention instead of ``type: person``.
    """
    lines = ["---", f"categories: [{yaml_quote(category)}]" if category else "type: person"]
    if aliases:
        lines.append(f"aliases: [{', '.join(yaml_quote(a) for a in aliases)}]")
    if company_link is not None:
        lines.append(f"company: {_link_value(*company_link)}")
    if candidate.role:
        lines.append(f"role: {yaml_quote(candidate.role)}")
    if candidate.email:
        lines.append(f"email: {yaml_quote(candidate.email)}")
    if candidate.linkedin:
        lines.append(f"linkedin: {yaml_quote(candidate.linkedin)}")
    if candidate.met:
        lines.append(f"met: {candidate.met.isoformat()}")
    if candidate.birthday:
        lines.append(f"birthday: {yaml_quote(candidate.birthday)}")
    lines.append(f"tags: [{tag}]")
    lines.append("---")
    body = _body(candidate.note)
    if body:
        lines.extend(["", body])
    lines.extend(["", f"## {log_heading}", ""])
    return "\n".join(lines)


def _body(note: str) -> str:
    """A free-text note as Markdown: line endings normalised, blank runs squeezed."""
    text = note.replace("\r\n", "\n").replace("\r", "\n")
    kept = "".join(ch for ch in text if ch == "\n" or ch == "\t" or not _is_control(ch))
    lines = [line.rstrip() for line in kept.split("\n")]
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


# ------------------------------------------------------------------------------ plan

_LEGAL_SUFFIXES = frozenset({
    "inc", "incorporated", "llc", "llp", "ltd", "limited", "corp", "corporation", "co",
    "company", "plc", "gmbh", "ag", "sa", "sas", "bv", "nv", "ab", "as", "oy", "pty", "srl",
})


def company_key(name: str) -> str:
    """``Acme Corp, Inc.`` and ``ACME`` compare equal: case, punctuation, legal suffixes."""
    words = re.findall(r"\w+", name_key(name).replace("&", " and "))
    while len(words) > 1 and words[-1] in _LEGAL_SUFFIXES:
        words.pop()
    return " ".join(words)


@dataclass(slots=True)
class _Index:
    """Who and what the vault already has, by the keys duplicates are found with."""

    names: dict[str, str] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)
    linkedin: dict[str, str] = field(default_factory=dict)
    stems: dict[str, str] = field(default_factory=dict)

    def add(self, path: str, names: Iterable[str], emails: Iterable[str],
            linkedin: str | None) -> None:
        for name in names:
            if name.strip():
                self.names.setdefault(name_key(name), path)
        for email in emails:
            if email.strip():
                self.emails.setdefault(email_key(email), path)
        if linkedin and linkedin.strip():
            self.linkedin.setdefault(linkedin_key(linkedin), path)

    def match(self, candidate: Candidate) -> tuple[str, str] | None:
        """(why, path) of the existing person this candidate duplicates, if any."""
        if candidate.linkedin:
            found = self.linkedin.get(linkedin_key(candidate.linkedin))
            if found:
                return "same LinkedIn profile as", found
        for email in candidate.emails:
            found = self.emails.get(email_key(email))
            if found:
                return "same email as", found
        for name in (candidate.name, *candidate.aliases):
            found = self.names.get(name_key(name))
            if found:
                return "same name as", found
        return None


def _person_index(vault: Vault) -> _Index:
    index = _Index()
    for person in vault.people.values():
        emails = _string_values(vault, person.path, "email", "emails")
        if person.email:
            emails.insert(0, person.email)
        index.add(person.path, (person.name, *person.aliases), emails, person.linkedin)
    return index


def _string_values(vault: Vault, path: str, *keys: str) -> list[str]:
    note = vault.notes.get(path)
    if note is None:
        return []
    out: list[str] = []
    for key in keys:
        value = note.properties.get(key)
        values = value if isinstance(value, list) else [value]
        out.extend(v for v in values if isinstance(v, str))
    return out


def _companies(vault: Vault) -> Mapping[str, str]:
    """Company key -> the company note it names, for names that name only one."""
    seen: dict[str, set[str]] = {}
    for company in vault.companies.values():
        for name in (company.name, *company.aliases):
            key = company_key(name)
            if key:
                seen.setdefault(key, set()).add(company.path)
    return {key: next(iter(paths)) for key, paths in seen.items() if len(paths) == 1}


def _company_link(
    vault: Vault, name: str, from_path: str, companies: Mapping[str, str]
) -> tuple[tuple[str, str | None], str | None]:
    """((link target, display), resolved company path) for a company name."""
    from vaultlink.starters.base import link_target

    existing = companies.get(company_key(name))
    if existing is None:
        target = vault.resolver.resolve(name, from_path) if name else None
        if target is not None and vault.model.kinds.get(target) == "company":
            existing = target
    if existing is not None:  # the user's own name for the company wins
        return (link_target(vault, existing), None), existing
    safe = note_filename(name)
    return (safe, None if safe == name else name), None


_PERSON_CATEGORIES = frozenset({"people", "person", "contacts", "contact"})


def _conventions(vault: Vault) -> tuple[str, str | None]:
    """Where the vault keeps its people, and the ``categories`` link most of them carry.

    New notes go where most existing people are (the first configured people folder in
    a vault without people), so they sit next to the notes they resemble.
    """
    folders: Counter[str] = Counter()
    categories: Counter[str] = Counter()
    for person in vault.people.values():
        folders[str(PurePosixPath(person.path).parent).removeprefix(".")] += 1
        for value in _string_values(vault, person.path, "categories"):
            categories[value.strip()] += 1
    default = (vault.config.folders.people or ("People",))[0]
    folder = min(folders, key=lambda f: (-folders[f], f)) if folders else default
    category = None
    if categories:
        value, count = min(categories.items(), key=lambda kv: (-kv[1], kv[0]))
        name = value.strip().removeprefix("[[").removesuffix("]]").split("|")[0].strip()
        if count * 2 > len(vault.people) and name.lower() in _PERSON_CATEGORIES:
            category = value
    return folder, category


def _folder(vault: Vault, folder: str | None, default: str) -> str:
    """The vault-relative folder for new notes: ``folder``, else ``default``."""
    chosen = folder if folder is not None else default
    text = chosen.replace("\\", "/").strip()
    parts = PurePosixPath(text).parts if text else ()
    if (
        text.startswith(("/", "~")) or (len(text) > 1 and text[1] == ":")
        or any(p in ("..", ".") or p.startswith(".") for p in parts)
    ):
        raise ValueError(f"folder {chosen!r} must be a plain folder inside the vault")
    text = text.strip("/")
    parts = PurePosixPath(text).parts if text else ()
    return "/".join(parts)


def plan_import(
    vault: Vault,
    candidates: Iterable[Candidate],
    *,
    source: str,
    tag: str,
    folder: str | None = None,
    problems: Sequence[Problem] = (),
) -> ImportPlan:
    """Match candidates against the vault and plan a note for each new person.

    Raises ValueError when ``folder`` is not a plain folder inside the vault.
    """
    usual_folder, category = _conventions(vault)
    where = _folder(vault, folder, usual_folder)
    index = _person_index(vault)
    companies = _companies(vault)
    taken: dict[str, str] = {}  # lower-cased note stems in the vault and planned
    for path in vault.notes:
        taken.setdefault(name_key(PurePosixPath(path).stem), path)
    planned = _Index()
    create: list[PlannedPerson] = []
    skip: list[SkippedPerson] = []
    for raw in candidates:
        candidate = _normalised(raw)
        if not candidate.name:
            skip.append(SkippedPerson(candidate, "no name"))
            continue
        found = index.match(candidate)
        if found is not None:
            why, path = found
            skip.append(SkippedPerson(candidate, f"already in the vault ({why} {path})", path))
            continue
        again = planned.match(candidate)
        if again is not None:
            why, path = again
            skip.append(SkippedPerson(candidate, f"appears twice in the file ({why} {path})",
                                      path))
            continue
        stem = note_filename(candidate.name)
        if not stem:
            skip.append(SkippedPerson(candidate, "the name leaves no usable file name"))
            continue
        path = f"{where}/{stem}.md" if where else f"{stem}.md"
        clash = taken.get(name_key(stem))
        if clash is None and (vault.root / path).exists():
            clash = path
        if clash is not None:
            skip.append(SkippedPerson(
                candidate, f"a note named {stem!r} already exists ({clash}); not overwriting",
                clash,
            ))
            continue
        link, company_path = (None, None)
        if candidate.company:
            link, company_path = _company_link(vault, candidate.company, path, companies)
        aliases = [a for a in candidate.aliases if name_key(a) != name_key(stem)]
        if stem != candidate.name and candidate.name not in aliases:
            aliases.insert(0, candidate.name)
        text = person_note(candidate, company_link=link, aliases=aliases, tag=tag,
                           log_heading=vault.config.output.log_heading, category=category)
        create.append(PlannedPerson(candidate, path, text, company_path))
        taken[name_key(stem)] = path
        planned.add(path, (candidate.name, *candidate.aliases), candidate.emails,
                    candidate.linkedin)
    return ImportPlan(source, tuple(create), tuple(skip), tuple(problems))


def _normalised(candidate: Candidate) -> Candidate:
    name = _clean(candidate.name)
    aliases = tuple(dict.fromkeys(a for a in (_clean(x) for x in candidate.aliases)
                                  if a and a != name))
    return Candidate(
        name=name,
        company=_clean(candidate.company) or None,
        role=_clean(candidate.role) or None,
        emails=tuple(dict.fromkeys(e for e in (_clean(x) for x in candidate.emails) if e)),
        linkedin=_clean(candidate.linkedin) or None,
        met=candidate.met,
        birthday=_clean(candidate.birthday) or None,
        aliases=aliases,
        note=candidate.note,
        line=candidate.line,
    )


def apply_import(vault: Vault, plan: ImportPlan) -> ApplyReport:
    """Create the planned notes (atomically; a file that appeared meanwhile is refused)."""
    return apply(vault.root, plan.changes())
