"""The language helpers behind starters: normalising words, rephrasing note lines."""

from __future__ import annotations

import pytest

from vaultlink.starters.text import (
    clean,
    first_name,
    gerund_phrase,
    impression_starter,
    interests_match,
    similar,
    stem,
    swap_person,
    topic_after,
)


@pytest.mark.parametrize(("a", "b"), [
    ("Climbing", "climbing"),
    ("board games", "Board Game"),
    ("climb", "climbing"),
    ("hiking", "hike"),
    ("running", "run"),
    ("Sourdough Baking", "sourdough bake"),
    ("rock climbing", "climbing"),
    ("activities", "activity"),
    ("jazz piano", "Jazz"),
])
def test_interests_match_through_case_plural_and_ing(a: str, b: str) -> None:
    assert interests_match(a, b)
    assert interests_match(b, a)


@pytest.mark.parametrize(("a", "b"), [
    ("board games", "video games"),
    ("chess", "ches"),
    ("running", "rowing"),
    ("tennis", "tenni s"),
    ("", "climbing"),
])
def test_interests_that_differ_do_not_match(a: str, b: str) -> None:
    assert not interests_match(a, b)


def test_stem_leaves_short_and_double_s_words_alone() -> None:
    assert stem("chess") == "chess"
    assert stem("tennis") == "tennis"
    assert stem("sing") == "sing"
    assert stem("swimming") == "swim"


def test_first_name() -> None:
    assert first_name("Dana Okafor") == "Dana"
    assert first_name("Dr. Jane Doe") == "Jane"
    assert first_name("Okafor, Dana") == "Dana"
    assert first_name("Cher") == "Cher"


def test_swap_person_speaks_to_the_user() -> None:
    assert swap_person("the backfill story from my last job") == (
        "the backfill story from your last job")
    assert swap_person("that I'd read the paper") == "that you'd read the paper"
    assert swap_person("I was late and told me so") == "you were late and told you so"
    assert swap_person("remote in the US") == "remote in the US"


def test_clean_strips_task_markup_but_keeps_words() -> None:
    line = "[ ] send [[Dana Okafor|Dana]] the article 📅 2026-11-24 #followup ^vl-1a2b3c"
    assert clean(line) == "send Dana the article"
    assert clean("post:: [Scaling Postgres](https://example.com) [due:: 2026-11-30]") == (
        "post:: Scaling Postgres")
    assert clean("2026-11-18 — promoted to EM") == "promoted to EM"


@pytest.mark.parametrize(("line", "expected"), [
    (
        "Dana Okafor was really impressed by the backfill story from my last job —",
        "Dana was impressed by your backfill story — share how it turned out",
    ),
    (
        "Marcus Lee enjoyed the whiteboard detour on exactly-once into Iceberg",
        "Marcus enjoyed the whiteboard detour on exactly-once into Iceberg — "
        "follow up with a thought that builds on it",
    ),
    (
        "She seemed genuinely excited about the new streaming platform.",
        "Dana was excited about the new streaming platform — ask how it's going",
    ),
    (
        "My migration story really resonated with Dana Okafor.",
        "Your migration story resonated with Dana — share how it turned out",
    ),
    (
        "I was impressed by Dana Okafor's talk on data contracts.",
        "Tell Dana you were impressed by their talk on data contracts — "
        "ask a follow-up question about it",
    ),
])
def test_impression_lines_become_starters(line: str, expected: str) -> None:
    assert impression_starter(line, ("Dana Okafor", "Marcus Lee", "Dana"), "Dana" if "Marcus"
                              not in line else "Marcus") == expected


def test_impression_without_a_recognisable_verb_is_none() -> None:
    assert impression_starter("Great chat about Kafka.", ("Dana",), "Dana") is None
    assert impression_starter("He worked at Copperline and loved it.", ("Leo",), "Leo") is None


@pytest.mark.parametrize(("text", "expected"), [
    ("promoted to Staff Engineer (saw it on LinkedIn)", "being promoted to Staff Engineer "
     "(saw it on LinkedIn)"),
    ("shipped the new ingestion pipeline", "shipping the new ingestion pipeline"),
    ("Dana gave a talk at PyCon", "giving a talk at PyCon"),
    ("got promoted", "getting promoted"),
    ("was named to the Data 50 list", "being named to the Data 50 list"),
    ("Series B", None),
])
def test_gerund_phrase(text: str, expected: str | None) -> None:
    assert gerund_phrase(text, ("Dana",)) == expected


def test_topic_after_a_log_line() -> None:
    assert topic_after("coffee — talked about her move to Berlin") == "her move to Berlin"
    assert topic_after("sent the resume") is None


def test_similar_ignores_order_and_case_but_not_content() -> None:
    assert similar("Ask Dana: how is the Kafka migration going?",
                   "ask dana how is the kafka migration going")
    weights = {"you're": 0.2, "both": 0.2, "into": 0.2, "ask": 0.2, "priya": 0.2,
               "what'": 0.2, "new": 0.2, "front": 0.2}
    assert not similar("You're both into climbing — ask Priya what's new on that front",
                       "You're both into chess — ask Priya what's new on that front", weights)
