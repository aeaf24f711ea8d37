"""The fast paths of reading a note against the index (``model.contribute``).

Notes share the index's memo of what link targets resolve to: across folders only for
targets the resolver says resolve alike from every note, otherwise per folder. A note
read against a warm index (every other note already read) must contribute exactly what
it contributes against a fresh one, names and paths looked up included.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import vaultlink
from tests.vaultfiles import write_vault
from vaultlink.model import VaultIndex, contribute
from vaultlink.resolve import Resolver

FOLDERS = ("", "A", "B", "A/Sub", "People", "Daily")
NAMES = ("Jane", "jane", "Acme", "Plan", "Café", "Cafe\u0301", "2026-03-01", "Dup")
FROM = [f"{folder}/From.md" if folder else "From.md" for folder in (*FOLDERS, "Elsewhere")]


def _path(folder: str, name: str, ext: str) -> str:
    return f"{folder}/{name}{ext}" if folder else f"{name}{ext}"


paths = st.tuples(st.sampled_from(FOLDERS), st.sampled_from(NAMES),
                  st.sampled_from((".md", ".md", "", ".png")))
targets = st.one_of(
    st.sampled_from(NAMES),
    st.builds(_path, st.sampled_from(FOLDERS), st.sampled_from(NAMES), st.just("")),
    st.builds(lambda p, n: f"{p}{n}", st.sampled_from(("/", "./", "../", "/A/", "Sub/", " ")),
              st.sampled_from(NAMES)),
    st.sampled_from(("", " ", "Jane.md", "Caf%C3%A9", "Ja%6Ee", "%", "A/../Jane", "jd", "JD ")),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(paths, max_size=12),
    st.dictionaries(st.integers(0, 11), st.lists(st.sampled_from(("JD", "jd", "Acme", "Plan")),
                                                 max_size=2), max_size=4),
    st.lists(targets, min_size=1, max_size=8),
)
def test_resolves_alike_means_the_same_answer_from_every_folder(
    found: list[tuple[str, str, str]], alias_at: dict[int, list[str]], asked: list[str]
) -> None:
    all_paths = sorted({_path(*p) for p in found})
    notes = [p for p in all_paths if p.endswith(".md")]
    others = [p for p in all_paths if not p.endswith(".md")]
    aliases = {notes[i]: names for i, names in alias_at.items() if i < len(notes)}
    resolver = Resolver(notes, others, aliases)
    for target in asked:
        if resolver.resolves_alike(target):
            answers = {resolver.resolve(target, source) for source in FROM}
            assert len(answers) == 1, (target, answers)


def test_bare_unique_names_resolve_alike_and_others_do_not() -> None:
    resolver = Resolver(
        ["A/Jane.md", "B/Jane.md", "People/Acme.md", "Daily/2026-03-01.md", "x/Solo.md"],
        ["Acme", "img/Solo.png"],
        {"People/Acme.md": ["ACME Inc"], "A/Jane.md": ["J"], "B/Jane.md": ["J"]},
    )
    assert resolver.resolves_alike("2026-03-01")
    assert resolver.resolves_alike("Solo")
    assert resolver.resolves_alike("Nobody")
    assert resolver.resolves_alike("ACME Inc")
    assert resolver.resolves_alike("/A/Jane")
    assert not resolver.resolves_alike("Jane")  # one per folder: the local one wins
    assert not resolver.resolves_alike("Acme")  # a note and an extensionless file
    assert not resolver.resolves_alike("J")  # an alias of two notes
    assert not resolver.resolves_alike("./Jane")
    assert not resolver.resolves_alike("../Solo")
    assert not resolver.resolves_alike("Jan%65")
    assert not resolver.resolves_alike(" ")
    assert resolver.resolve("Jane", "A/x.md") != resolver.resolve("Jane", "B/x.md")


def _vault(root: Path) -> Path:
    person = """\
        ---
        type: person
        company: "[[Acme]]"
        met_via: "[[Jane]]"
        cadence: {cadence}
        last_contact: 2026-01-05
        ---
        Talked with [[Jane]] and [[./Jane|her]] about [[../Acme]]. Is it going well?

        ## Log
        - [[2026-03-01]] call: about [[Jane]]
        - 2026-03-02 — lunch
        - **2026/03/03** DM
        - [[Missing Day]] nothing dated
        - [ ] ask [[Jane]] about the offsite?
        - [x] sent [[Jane]] the deck ✅ 2026-03-04
        - How was the trip?
        - win:: 2026-03-05 promoted
        - #news big launch
        - post:: a thread
        """
    files = {
        "A/Jane.md": person.format(cadence="monthly"),
        "B/Jane.md": person.format(cadence="never"),
        "A/Sub/Jane.md": person.format(cadence="bogus"),
        "Acme.md": "---\ntype: company\naliases: [ACME Inc]\n---\n- 2026-03-06 — [[Jane]] joined\n",
        "B/Acme.md": "---\ntype: company\n---\n- #win [[Jane]] shipped\n",
        "Daily/2026-03-01.md": (
            "Met [[Jane]], [[A/Jane]] and [[/B/Jane]].\n\n- [x] call [[Jane]]\n"
            "- [ ] email [[Jane]] ^vl-abc123\n- [[#Heading]] and [[Caf%C3%A9]]\n"
        ),
        "A/Meeting.md": (
            "---\ntype: meeting\ndate: 2026-03-07\nwith: ['[[Jane]]', '[[B/Jane]]']\n"
            "company: '[[ACME Inc]]'\n---\n[[Jane]] was impressed by the demo.\n\n"
            "impressed:: the roadmap\n"
        ),
        "B/Application.md": (
            "---\ntype: application\ncompany: Acme\ncontacts: '[[Jane]]'\nstatus: offer\n"
            "decided: 2026-03-08\n---\nLogged vl-abc123 here.\n"
        ),
        "Café.md": "plain note linking [[Jane]] and [[Nobody]]\n",
    }
    return write_vault(root, files)


def test_a_warm_index_reads_every_note_as_a_fresh_one_does(tmp_path: Path) -> None:
    vault = vaultlink.load(_vault(tmp_path / "vault"), use_cache=False, workers=1)
    pieces = vault._pieces
    assert pieces is not None
    index = pieces.index
    warm = VaultIndex(index.kinds, index.daily, index.people, index.resolver)
    for path in vault.notes:  # every note against the index the others filled
        contribute(vault.notes[path], pieces.facts[path], warm, pieces.config)
    assert warm.found or warm.found_in
    for path in vault.notes:
        note, facts = vault.notes[path], pieces.facts[path]
        fresh = VaultIndex(index.kinds, index.daily, index.people, index.resolver)
        expected = contribute(note, facts, fresh, pieces.config)
        assert contribute(note, facts, warm, pieces.config) == expected
        assert pieces.contributions[path] == expected
    contacts = {c.person for part in pieces.contributions.values() for c in part.contacts}
    assert {"A/Jane.md", "B/Jane.md", "A/Sub/Jane.md"} <= contacts
