"""Finding a person by what a user types: a path, a name or an alias."""

from __future__ import annotations

import difflib
import unicodedata

from vaultlink.model import Model
from vaultlink.records import Person


def fold(text: str) -> str:
    """What names compare by: NFC (macOS file names and some terminals send decomposed
    accents) and case-folded, so "ZOË", "zoë" and a decomposed "Zoë" are one name."""
    return unicodedata.normalize("NFC", text).casefold()


def find_person(model: Model, query: str) -> Person:
    """Exact path, then case-insensitive name, then alias, then a unique first name;
    else PersonNotFound (``ambiguous`` when several people share the name)."""
    from vaultlink.vault import PersonNotFound

    people = model.people
    text = unicodedata.normalize("NFC", query.strip())
    if text in people:
        return people[text]
    if text.lower().endswith(".md") and text[:-3] in people:
        return people[text[:-3]]
    wanted = fold(text).removesuffix(".md")
    by_path = [p for p in people.values() if fold(p.path).removesuffix(".md") == wanted]
    if len(by_path) == 1:
        return by_path[0]
    by_name = [p for p in people.values() if fold(p.name) == wanted]
    if len(by_name) == 1:
        return by_name[0]
    if len(by_name) > 1:
        raise PersonNotFound(query, tuple(sorted(p.path for p in by_name)), ambiguous=True)
    by_alias = [p for p in people.values() if wanted in (fold(a) for a in p.aliases)]
    if len(by_alias) == 1:
        return by_alias[0]
    if len(by_alias) > 1:
        raise PersonNotFound(query, tuple(sorted(p.path for p in by_alias)), ambiguous=True)
    by_first = [p for p in people.values() if fold(p.name).split()[:1] == [wanted]]
    if len(by_first) == 1:
        return by_first[0]
    if len(by_first) > 1:
        raise PersonNotFound(query, tuple(sorted(p.path for p in by_first)), ambiguous=True)
    labels: dict[str, str] = {}
    for person in people.values():
        labels[fold(person.name)] = person.name
        for alias in person.aliases:
            labels.setdefault(fold(alias), person.name)
    close = difflib.get_close_matches(wanted, list(labels), n=5, cutoff=0.5)
    partial = [p.name for p in people.values() if wanted and wanted in fold(p.name)]
    candidates = tuple(dict.fromkeys([*partial, *(labels[c] for c in close)]))[:5]
    raise PersonNotFound(query, candidates)
