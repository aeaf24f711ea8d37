"""The starters' shortcuts give exactly what the plain definitions give.

Name matching without a regex compiled per person, near-duplicate checks on summed
weights, and link targets remembered per vault: each is compared with the definition it
replaces, or shown not to leak between vaults.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import vaultlink
from tests.vaultfiles import write_vault
from vaultlink.records import Source
from vaultlink.starters import Starter, starters_for
from vaultlink.starters.base import link_target
from vaultlink.starters.builtin import (
    _has_word,
    _possessive_to_your,
    _without_lead,
    loop_phrase,
    to_direct,
)
from vaultlink.starters.engine import SIMILAR, _near, select

TODAY = date(2026, 11, 23)

# Word, non-word and space characters, apostrophes, dashes and a few non-ASCII letters:
# what decides a regex ``\b``, ``\s`` and the ``[:—–-]`` separator.
pieces = st.sampled_from([
    "a", "b", "Al", "al", "'", "’", "s", " ", "_", "1", "é", "É", ".", ":", "—", "–", "-",
    "\u00a0", "\t", "J.", "O'", "x", "ß", "Ann", "'s", "’s", "Al's", "Ann’s",
])
texts = st.lists(pieces, max_size=14).map("".join)
names = st.sampled_from(["a", "al", "Al", "J.", "O'", "é", "s", "'", ".", "a.b", "_a",
                         "Al b", "-", "J. R", "Ann", "ß"])


@settings(max_examples=2000, deadline=None)
@given(text=texts, name=names)
def test_name_matching_matches_the_regex_it_replaces(text: str, name: str) -> None:
    assert _has_word(text, name) == bool(re.search(rf"\b{re.escape(name)}\b", text))
    assert _without_lead(text, name) == re.sub(rf"^{re.escape(name)}\s*[:—–-]\s*", "", text)
    assert _without_lead(text, "") == re.sub(r"^\s*[:—–-]\s*", "", text)
    assert _possessive_to_your(text, name) == \
        re.sub(rf"\b{re.escape(name)}['’]s\b", "your", text)
    assert _possessive_to_your(text, "") == re.sub(r"\b['’]s\b", "your", text)


def test_the_name_helpers_on_real_phrasings() -> None:
    assert _without_lead("Dana — send the deck", "Dana") == "send the deck"
    assert _without_lead("Danae: send the deck", "Dana") == "Danae: send the deck"
    assert _possessive_to_your("Is Dana's team growing? Dana’s move?", "Dana") == \
        "Is your team growing? your move?"
    assert _possessive_to_your("Danas's", "Dana") == "Danas's"
    assert _has_word("notes on dana okafor", "dana okafor")
    assert not _has_word("notes on danae", "dana")
    assert to_direct("Is Dana's team hiring", ["Dana Okafor", "Dana"]) == "Is your team hiring?"


def _near_plain(a: frozenset[str], b: frozenset[str], weights: dict[str, float]) -> bool:
    """The near-duplicate test as first written: every sum taken afresh."""
    if not a or not b:
        return False
    if a == b:
        return True
    shared = sum(weights[w] for w in a & b)
    if not shared:
        return False
    union = sum(weights[w] for w in a | b)
    if shared / union >= SIMILAR:
        return True
    small = a if sum(weights[w] for w in a) <= sum(weights[w] for w in b) else b
    return len(small) >= 3 and shared / sum(weights[w] for w in small) >= SIMILAR


VOCABULARY = [f"w{i}" for i in range(14)]
words = st.frozensets(st.sampled_from(VOCABULARY), max_size=12)


@settings(max_examples=1000, deadline=None)
@given(sets=st.lists(words, min_size=2, max_size=8), counted=st.booleans(),
       drawn=st.lists(st.sampled_from([1.0, 0.5, 1 / 3, 0.25, 0.2, 1 / 7, 0.125]),
                      min_size=len(VOCABULARY), max_size=len(VOCABULARY)))
def test_near_duplicates_match_the_plain_definition(
    sets: list[frozenset[str]], counted: bool, drawn: list[float]
) -> None:
    if counted:  # as select() weighs them: 1 / how many candidates use the word
        counts = Counter(w for s in sets for w in s)
        weights = {w: 1.0 / n for w, n in counts.items()}
    else:  # any positive weights: ratios all around the threshold
        weights = dict(zip(VOCABULARY, drawn, strict=True))
    totals = [sum(weights[w] for w in s) for s in sets]
    for i, a in enumerate(sets):
        for j, b in enumerate(sets):
            assert _near(a, b, weights, totals[i], totals[j]) == _near_plain(a, b, weights)


def test_near_duplicates_right_at_the_threshold() -> None:
    # 17 shared words of weight 1 and 3 of the others': shared / union == 17 / 20 == 0.85
    common = {f"c{i}" for i in range(17)}
    a, b = frozenset(common | {"x1", "x2"}), frozenset(common | {"y1"})
    weights = dict.fromkeys(a | b, 1.0)
    assert _near(a, b, weights, 19.0, 18.0) == _near_plain(a, b, weights)
    assert _near_plain(a, b, weights)  # 0.85 counts as a near duplicate
    # 0.85 of the union on one shared word, the smaller set too small for the other test
    one, both = frozenset({"s"}), frozenset({"s", "x"})
    for weights in ({"s": 0.85, "x": 0.15}, {"s": 1.0, "x": 0.125}, {"s": 0.8, "x": 0.2}):
        expected = _near_plain(both, one, weights)
        assert expected == (weights["s"] / (weights["s"] + weights["x"]) >= SIMILAR)
        assert _near(both, one, weights, weights["s"] + weights["x"], weights["s"]) == expected
        assert _near(one, both, weights, weights["s"], weights["s"] + weights["x"]) == expected


def test_select_keeps_distinct_starters_and_drops_rephrasings() -> None:
    def make(kind: str, text: str, score: float) -> Starter:
        return Starter(kind, text, Source("Daily/x.md", 1), "[[x]]", score)

    chosen = select([
        make("question", "Ask Dana whether the platform team is hiring", 0.8),
        make("question", "Ask Dana whether the platform team is still hiring", 0.7),
        make("news", "Ask Dana about the Series B", 0.75),
    ], 5)
    assert [s.text for s in chosen] == [
        "Ask Dana whether the platform team is hiring", "Ask Dana about the Series B",
    ]


def test_link_targets_are_remembered_per_vault(tmp_path: Path) -> None:
    """The same path links by name in a vault where the name is unique, by path where
    it is not; asking one vault first must not change the other's answer."""
    unique = vaultlink.load(write_vault(tmp_path / "one", {
        "People/Alex Kim.md": "---\ntype: person\n---\n",
    }), use_cache=False)
    shared = vaultlink.load(write_vault(tmp_path / "two", {
        "People/Alex Kim.md": "---\ntype: person\n---\n",
        "Archive/Alex Kim.md": "# old\n",
    }), use_cache=False)
    for _ in range(2):
        assert link_target(unique, "People/Alex Kim.md") == "Alex Kim"
        assert link_target(shared, "People/Alex Kim.md") == "People/Alex Kim"


def test_open_loop_addressed_to_them_by_name(tmp_path: Path) -> None:
    vault = vaultlink.load(write_vault(tmp_path, {
        "People/Dana Okafor.md": "---\ntype: person\n---\n# Dana\n",
        "Daily/2026-11-19.md": "- [ ] [[Dana Okafor]]: send the deck 📅 2026-11-24\n",
    }), use_cache=False)
    [loop] = [s for s in starters_for(vault, "People/Dana Okafor.md", TODAY)
              if s.kind == "open-loop"]
    assert loop.text == "You said you'd send the deck — due Nov 24"


def test_loop_phrase_strips_the_name_before_a_separator(tmp_path: Path) -> None:
    from vaultlink.records import Person
    from vaultlink.starters.base import StarterContext

    vault = vaultlink.load(write_vault(tmp_path, {
        "People/Dana Okafor.md": "---\ntype: person\n---\n",
    }), use_cache=False)
    ctx = StarterContext(vault=vault, person=Person("People/Dana Okafor.md", "Dana Okafor"),
                         today=TODAY)
    assert loop_phrase(ctx, "Dana Okafor: send the deck") == "send the deck"
    assert loop_phrase(ctx, "Dana-send the deck") == "send the deck"
    assert loop_phrase(ctx, "Danae-send the deck") is None  # another name: not a lead
