"""Conversation starters (SPEC §4): one tiny fixture vault per source and behaviour."""

from __future__ import annotations

import importlib.metadata
import textwrap
from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path

import pytest

import vaultlink
from tests.vaultfiles import write_vault
from vaultlink.records import Source
from vaultlink.starters import (
    Starter,
    StarterContext,
    starter_source,
    starters_for,
    unregister,
)
from vaultlink.starters import base as starters_base
from vaultlink.vault import PersonNotFound, Vault

TODAY = date(2026, 11, 23)

ME = """
---
type: me
name: Sam Rivera
interests: [climbing, board games, sourdough baking]
---
# Sam
"""


@pytest.fixture(autouse=True)
def _isolated_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    """Plugin state is process-wide: give each test its own error list and registry."""
    import vaultlink.starters.builtin  # noqa: F401  (the built-ins register on import)

    monkeypatch.setattr(starters_base, "_PLUGIN_ERRORS", [])
    monkeypatch.setattr(starters_base, "_REGISTRY", dict(starters_base._REGISTRY))
    monkeypatch.setattr(starters_base, "_plugins_loaded", starters_base._plugins_loaded)


def load(tmp_path: Path, files: Mapping[str, str], with_me: bool = True) -> Vault:
    all_files = {"Me.md": ME, **files} if with_me else dict(files)
    return vaultlink.load(write_vault(tmp_path, all_files), use_cache=False)


def kinds(items: list[Starter]) -> list[str]:
    return [s.kind for s in items]


def of_kind(items: list[Starter], kind: str) -> list[Starter]:
    return [s for s in items if s.kind == kind]


# -- shared interests -----------------------------------------------------------------------


def test_shared_interest_matches_across_case_and_plural(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "People/Alex Kim.md": """
            ---
            type: person
            interests: [Climbing, Board Game, knitting]
            ---
            # Alex Kim
            """,
    })
    items = starters_for(vault, "People/Alex Kim.md", TODAY)
    shared = of_kind(items, "shared-interest")
    texts = sorted(s.text for s in shared)
    assert texts == [
        "You're both into board games — ask Alex what's new on that front",
        "You're both into climbing — ask Alex what's new on that front",
    ]
    for starter in shared:
        assert starter.source.path == "People/Alex Kim.md"
        assert starter.source.line == 3  # the interests property
        assert starter.link == "[[Alex Kim]]"
    assert not any("knitting" in s.text for s in items)


def test_shared_interest_found_in_an_interview_note_links_the_conversation(
    tmp_path: Path,
) -> None:
    vault = load(tmp_path, {
        "People/Dana Okafor.md": "---\ntype: person\n---\n# Dana\n",
        "Interviews/2026-10-16 Onsite.md": """
            ---
            type: interview
            date: 2026-10-16
            with: ["[[Dana Okafor]]", "[[Sofia Lindgren]]"]
            ---
            ## Data modeling — Dana
            We spent five minutes on sourdough: she bakes every weekend.
            """,
        "People/Sofia Lindgren.md": "---\ntype: person\n---\n# Sofia\n",
    })
    shared = of_kind(starters_for(vault, "People/Dana Okafor.md", TODAY), "shared-interest")
    assert [s.text for s in shared] == [
        "You're both into sourdough baking — ask Dana what's new on that front"
    ]
    assert shared[0].link == "[[2026-10-16 Onsite#Data modeling — Dana]]"
    sofia = starters_for(vault, "People/Sofia Lindgren.md", TODAY)
    assert not of_kind(sofia, "shared-interest")  # the line is under Dana's heading


def test_no_shared_interest_without_a_me_profile(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "People/Alex Kim.md": "---\ntype: person\ninterests: [climbing]\n---\n",
    }, with_me=False)
    assert not of_kind(starters_for(vault, "People/Alex Kim.md", TODAY), "shared-interest")


# -- impressions ----------------------------------------------------------------------------

INTERVIEW = {
    "People/Dana Okafor.md": "---\ntype: person\nlast_contact: 2026-10-16\n---\n# Dana\n",
    "People/Sofia Lindgren.md": "---\ntype: person\n---\n# Sofia\n",
    "Interviews/2026-10-16 Halcyon onsite.md": """
        ---
        type: interview
        date: 2026-10-16
        with: ["[[Dana Okafor]]", "[[Sofia Lindgren]]"]
        ---
        # Halcyon onsite

        ## Data modeling
        [[Dana Okafor]] was really impressed by the backfill story from my last job —
        she stopped me to ask how I validated it.

        ## System design
        Design a claims-event store. [[Sofia Lindgren]] liked
        that I asked about retention requirements before drawing anything.
        """,
}


def test_impression_from_an_interview_note_is_rephrased_not_echoed(tmp_path: Path) -> None:
    vault = load(tmp_path, INTERVIEW)
    impressions = of_kind(starters_for(vault, "People/Dana Okafor.md", TODAY), "impression")
    assert [s.text for s in impressions] == [
        "Dana was impressed by your backfill story — share how it turned out"
    ]
    starter = impressions[0]
    assert starter.source.path == "Interviews/2026-10-16 Halcyon onsite.md"
    assert starter.source.heading == "Data modeling"
    assert starter.link == "[[2026-10-16 Halcyon onsite#Data modeling]]"
    assert starter.to_json() == {
        "kind": "impression",
        "text": "Dana was impressed by your backfill story — share how it turned out",
        "source": "Interviews/2026-10-16 Halcyon onsite.md#Data modeling",
    }


def test_impression_sentence_wrapping_onto_the_next_line(tmp_path: Path) -> None:
    vault = load(tmp_path, INTERVIEW)
    impressions = of_kind(starters_for(vault, "People/Sofia Lindgren.md", TODAY), "impression")
    assert len(impressions) == 1
    text = impressions[0].text
    assert text.startswith("Sofia liked that you asked about retention requirements")
    assert "[[" not in text
    assert "I asked" not in text


def test_impressed_field_names_what_impressed_them(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "People/Marcus Lee.md": "---\ntype: person\n---\n",
        "Interviews/2026-11-04 Technical.md": """
            ---
            type: interview
            date: 2026-11-04
            with: ["[[Marcus Lee]]"]
            ---
            impressed:: the on-call runbook I showed
            """,
    })
    impressions = of_kind(starters_for(vault, "People/Marcus Lee.md", TODAY), "impression")
    assert [s.text for s in impressions] == [
        "Marcus was impressed by the on-call runbook you showed — "
        "send them the link or a follow-up"
    ]


# -- wins and company news since the last contact ----------------------------------------------

NEWS = {
    "People/Priya Natarajan.md": """
        ---
        type: person
        company: "[[Northwind Labs]]"
        last_contact: 2026-10-01
        ---
        # Priya

        ## Log
        - 2026-09-01 #win gave a talk at PyCon
        - 2026-11-18 #win promoted to Staff Engineer
        """,
    "Companies/Northwind Labs.md": """
        ---
        type: company
        ---
        # Northwind Labs

        ## News
        - 2026-09-30 #win launched Northwind Streams GA
        - 2026-11-10 #win raised a $40M Series B
        """,
}


def test_company_news_after_last_contact_is_offered_and_older_news_is_not(
    tmp_path: Path,
) -> None:
    vault = load(tmp_path, NEWS)
    items = starters_for(vault, "People/Priya Natarajan.md", TODAY)
    congrats = of_kind(items, "congratulate")
    texts = [s.text for s in congrats]
    assert "Congratulate Priya on being promoted to Staff Engineer" in texts
    assert ("Northwind Labs raised a $40M Series B — congratulate Priya and ask what it "
            "means for their team") in texts
    assert len(congrats) == 2
    assert not any("PyCon" in s.text or "Streams" in s.text for s in items)
    news = next(s for s in congrats if "Series B" in s.text)
    assert news.source.path == "Companies/Northwind Labs.md"
    assert news.link == "[[Northwind Labs#News]]"


def test_a_contact_after_the_news_means_it_is_no_longer_offered(tmp_path: Path) -> None:
    files = dict(NEWS)
    files["People/Priya Natarajan.md"] = files["People/Priya Natarajan.md"].replace(
        "last_contact: 2026-10-01", "last_contact: 2026-11-20"
    )
    vault = load(tmp_path, files)
    assert not of_kind(starters_for(vault, "People/Priya Natarajan.md", TODAY), "congratulate")


# -- open loops and questions ----------------------------------------------------------------


def test_open_loop_becomes_a_promise_to_keep(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "People/Dana Okafor.md": "---\ntype: person\n---\n# Dana\n",
        "Daily/2026-11-19.md": """
            ## Today
            - [ ] send [[Dana Okafor]] the article on event sourcing 📅 2026-11-24
            - [x] call [[Dana Okafor]] ✅ 2026-11-19
            """,
        "Daily/2026-11-20.md": "- [ ] share my notes with [[Dana Okafor]]\n",
    })
    loops = of_kind(starters_for(vault, "People/Dana Okafor.md", TODAY), "open-loop")
    assert [s.text for s in loops] == [
        "You said you'd send Dana the article on event sourcing — due Nov 24",
        "You said you'd share your notes with Dana — close the loop",
    ]
    assert loops[0].source.path == "Daily/2026-11-19.md"
    assert loops[0].link == "[[2026-11-19#Today]]"
    earlier = of_kind(starters_for(vault, "People/Dana Okafor.md", date(2026, 11, 19)),
                      "open-loop")
    assert [s.source.path for s in earlier] == ["Daily/2026-11-19.md"]  # 11-20 not written yet


def test_questions_from_ask_fields_and_question_lines(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "People/Leo Park.md": """
            ---
            type: person
            ---
            # Leo

            ## Questions
            - Is she going for the principal track next cycle?
            ask:: which team has the healthiest on-call rotation
            """,
    })
    questions = of_kind(starters_for(vault, "People/Leo Park.md", TODAY), "question")
    assert sorted(s.text for s in questions) == [
        "Ask Leo which team has the healthiest on-call rotation",
        "Ask Leo: “Are you going for the principal track next cycle?”",
    ]
    assert all(s.link == "[[Leo Park#Questions]]" for s in questions)


def test_near_duplicate_starters_are_dropped(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "People/Leo Park.md": """
            ---
            type: person
            ---
            # Leo

            ## Questions
            - How is the Kafka migration going?
            - How's the Kafka migration going??

            ## More
            ask:: how is the kafka migration going?
            """,
    })
    questions = of_kind(starters_for(vault, "People/Leo Park.md", TODAY), "question")
    assert len(questions) == 1
    assert "Kafka migration" in questions[0].text


def test_recent_posts_are_offered_and_old_ones_are_not(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "People/Dana Okafor.md": """
            ---
            type: person
            last_contact: 2026-10-01
            ---
            ## Posts
            - 2026-11-15 [post:: [Scaling Postgres at Acme](https://example.com/p)]
            - 2025-01-10 [post:: Old thoughts on Hadoop]
            """,
    })
    posts = of_kind(starters_for(vault, "People/Dana Okafor.md", TODAY), "post")
    assert [s.text for s in posts] == [
        "Dana posted “Scaling Postgres at Acme” — comment with what you took from it, "
        "or share it"
    ]
    assert posts[0].link == "[[Dana Okafor#Posts]]"


def test_thank_you_after_an_interview_until_it_lapses(tmp_path: Path) -> None:
    files = {
        "People/Marcus Lee.md": "---\ntype: person\n---\n",
        "Interviews/2026-11-20 Northwind final round.md": """
            ---
            type: interview
            date: 2026-11-20
            with: ["[[Marcus Lee]]"]
            ---
            System design.
            """,
    }
    vault = load(tmp_path, files)
    thanks = of_kind(starters_for(vault, "People/Marcus Lee.md", TODAY), "thank-you")
    assert [s.text for s in thanks] == [
        "Thank Marcus for the Northwind final round on Nov 20 — mention one thing you took "
        "away from it"
    ]
    assert thanks[0].source.path == "Interviews/2026-11-20 Northwind final round.md"
    late = starters_for(vault, "People/Marcus Lee.md", date(2026, 12, 10))
    assert not of_kind(late, "thank-you")
    files["Daily/2026-11-21.md"] = "Sent [[Marcus Lee]] a thank-you note.\n"
    vault = load(tmp_path / "after", files)
    assert not of_kind(starters_for(vault, "People/Marcus Lee.md", TODAY), "thank-you")


def test_pick_up_the_last_conversation(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "People/Sofia Lindgren.md": """
            ---
            type: person
            ---
            ## Log
            - 2026-09-01 — intro call
            - 2026-11-10 — coffee, talked about her move to Berlin
            """,
    })
    items = of_kind(starters_for(vault, "People/Sofia Lindgren.md", TODAY), "follow-up")
    assert [s.text for s in items] == [
        "Last time (Nov 10) you talked about her move to Berlin — ask how that's going"
    ]
    assert items[0].source.line == 6


# -- connections ------------------------------------------------------------------------------


def test_mutual_connection_from_a_shared_interview(tmp_path: Path) -> None:
    vault = load(tmp_path, INTERVIEW)
    mutual = of_kind(starters_for(vault, "People/Dana Okafor.md", TODAY), "mutual")
    assert [s.text for s in mutual] == [
        "Ask Dana how Sofia Lindgren is doing — you met them both at the Halcyon onsite"
    ]
    assert mutual[0].source.path == "Interviews/2026-10-16 Halcyon onsite.md"


def test_a_shared_daily_note_alone_is_not_a_mutual_connection(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "People/Dana Okafor.md": "---\ntype: person\n---\n",
        "People/Jonah Whitaker.md": "---\ntype: person\n---\n",
        "People/Theo Marchetti.md": "---\ntype: person\n---\n",
        "People/Aisha Bello.md": "---\ntype: person\n---\n",
        "Daily/2026-10-01.md": """
            Standup with [[Jonah Whitaker]] moved to today.
            [[Dana Okafor]] replied within ten minutes.

            Bouldering with [[Theo Marchetti]]. He introduced me to [[Aisha Bello]].
            """,
    })
    assert not of_kind(starters_for(vault, "People/Dana Okafor.md", TODAY), "mutual")
    theo = of_kind(starters_for(vault, "People/Theo Marchetti.md", TODAY), "mutual")
    assert [s.text for s in theo] == [
        "Ask Theo how Aisha Bello is doing — you noted them together on Oct 1"
    ]


def test_introducer_and_the_people_they_introduced(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "People/Priya Natarajan.md": "---\ntype: person\n---\n",
        "People/Keisha Brandt.md": """
            ---
            type: person
            met: 2026-10-15
            met_via: "[[Priya Natarajan]]"
            ---
            """,
    })
    keisha = starters_for(vault, "People/Keisha Brandt.md", TODAY)
    intro = of_kind(keisha, "introducer")
    assert [s.text for s in intro] == [
        "Priya Natarajan introduced you two — mention Priya and ask how they know each other"
    ]
    assert intro[0].source.path == "People/Keisha Brandt.md"
    assert intro[0].source.line == 4
    priya = of_kind(starters_for(vault, "People/Priya Natarajan.md", TODAY), "introduced")
    assert [s.text for s in priya] == [
        "Priya introduced you to Keisha Brandt — tell Priya how it's going with Keisha"
    ]


# -- after a rejection -----------------------------------------------------------------------

REJECTION = {
    "People/Rafael Moreno.md": """
        ---
        type: person
        company: "[[Halcyon Health]]"
        interests: [Climbing]
        ---
        # Rafael
        """,
    "People/Dana Okafor.md": "---\ntype: person\ncompany: \"[[Halcyon Health]]\"\n---\n",
    "Companies/Halcyon Health.md": "---\ntype: company\n---\n",
    "Applications/Halcyon - Senior DE.md": """
        ---
        type: application
        company: "[[Halcyon Health]]"
        role: Senior Data Engineer
        status: rejected
        applied: 2026-10-05
        decided: 2026-10-26
        contacts: ["[[Rafael Moreno]]"]
        ---
        """,
}


def test_rejection_script_right_after_a_rejection(tmp_path: Path) -> None:
    vault = load(tmp_path, REJECTION)
    items = starters_for(vault, "People/Rafael Moreno.md", date(2026, 10, 28))
    script = of_kind(items, "rejection")
    assert [s.text for s in script] == [
        "Thank Rafael for their time on the Senior Data Engineer process at Halcyon Health "
        "and ask for any feedback on how you could have done better",
        "Ask Rafael to connect on LinkedIn and say you're still interested in other roles "
        "at Halcyon Health",
    ]
    assert {s.source.path for s in script} == {"Applications/Halcyon - Senior DE.md"}
    assert {s.source.line for s in script} == {7}  # the decided: line
    assert not of_kind(items, "check-in")


def test_no_rejection_script_for_someone_without_a_rejected_application(
    tmp_path: Path,
) -> None:
    files = dict(REJECTION)
    vault = load(tmp_path, files)
    dana = starters_for(vault, "People/Dana Okafor.md", date(2026, 10, 28))
    assert not of_kind(dana, "rejection")
    assert not of_kind(dana, "check-in")
    files["Applications/Halcyon - Senior DE.md"] = files[
        "Applications/Halcyon - Senior DE.md"].replace("status: rejected", "status: interviewing")
    vault = load(tmp_path, files)
    rafael = starters_for(vault, "People/Rafael Moreno.md", date(2026, 10, 28))
    assert not of_kind(rafael, "rejection")


def test_check_in_a_month_later_uses_other_material(tmp_path: Path) -> None:
    vault = load(tmp_path, REJECTION)
    items = starters_for(vault, "People/Rafael Moreno.md", TODAY)  # 28 days later
    assert not of_kind(items, "rejection")
    check_in = of_kind(items, "check-in")
    assert [s.text for s in check_in] == [
        "It's been about a month since the Halcyon Health decision — check in and ask "
        "about climbing — you're both into it"
    ]
    assert "feedback" not in check_in[0].text
    assert "LinkedIn" not in check_in[0].text


def test_no_script_once_you_have_talked_since_the_rejection(tmp_path: Path) -> None:
    files = dict(REJECTION)
    files["People/Rafael Moreno.md"] = textwrap.dedent(files["People/Rafael Moreno.md"]) + (
        "\n## Log\n- 2026-10-28 — asked for feedback\n")
    vault = load(tmp_path, files)
    items = starters_for(vault, "People/Rafael Moreno.md", date(2026, 11, 2))
    assert not of_kind(items, "rejection")
    before = load(tmp_path / "before", REJECTION)
    assert of_kind(starters_for(before, "People/Rafael Moreno.md", date(2026, 11, 2)),
                   "rejection")


# -- ranking, cap, generic filler --------------------------------------------------------------

BUSY = {
    "vaultlink.toml": "[starters]\nmax_per_person = 3\n",
    "People/Priya Natarajan.md": """
        ---
        type: person
        interests: [climbing, board games]
        last_contact: 2026-10-01
        ---
        # Priya

        ## Log
        - 2026-11-20 #win shipped the new ingestion pipeline

        ## Questions
        - Is the platform team hiring?
        - What happened with the Iceberg experiment?
        ask:: which team has the healthiest on-call rotation
        """,
    "Daily/2026-11-21.md": "- [ ] send [[Priya Natarajan]] the compaction paper 📅 2026-11-22\n",
}


def test_cap_per_person_and_best_first(tmp_path: Path) -> None:
    vault = load(tmp_path, BUSY)
    assert vault.config.max_starters == 3
    items = starters_for(vault, "People/Priya Natarajan.md", TODAY)
    assert len(items) == 3
    scores = [s.score for s in items]
    assert scores == sorted(scores, reverse=True)
    # fresh, specific material first: the win and the overdue promise beat undated questions
    assert kinds(items)[:2] == ["congratulate", "open-loop"] or kinds(items)[:2] == [
        "open-loop", "congratulate"]
    assert "generic" not in kinds(items)


def test_fresh_personal_material_ranks_above_the_rejection_script(tmp_path: Path) -> None:
    files = dict(REJECTION)
    files["People/Rafael Moreno.md"] = textwrap.dedent(files["People/Rafael Moreno.md"]) + (
        "\n## Log\n- 2026-10-27 #win promoted to Director\n")
    vault = load(tmp_path, files)
    items = starters_for(vault, "People/Rafael Moreno.md", date(2026, 10, 28),
                         due_rules={"rejection-feedback"})
    assert kinds(items)[0] == "congratulate"
    assert "rejection" in kinds(items)  # still offered: it is what made Rafael due


def test_default_cap_is_five_with_variety(tmp_path: Path) -> None:
    files = {k: v for k, v in BUSY.items() if k != "vaultlink.toml"}
    vault = load(tmp_path, files)
    items = starters_for(vault, "People/Priya Natarajan.md", TODAY)
    assert len(items) == 5
    assert kinds(items).count("question") <= 2
    assert len({s.text for s in items}) == 5


def test_generic_starters_only_fill_when_there_is_too_little(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "People/Quiet Person.md": """
            ---
            type: person
            company: "[[Acme]]"
            last_contact: 2026-10-01
            ---
            """,
        "Companies/Acme.md": "---\ntype: company\n---\n",
    })
    items = starters_for(vault, "People/Quiet Person.md", TODAY)
    assert kinds(items) == ["generic", "generic"]
    assert items[0].text == "Ask Quiet what they're focused on at Acme these days"
    assert all(s.source.path == "People/Quiet Person.md" for s in items)
    busy = load(tmp_path / "busy", BUSY)
    assert "generic" not in kinds(starters_for(busy, "People/Priya Natarajan.md", TODAY))


# -- links, lookup, plugins ---------------------------------------------------------------------


def test_link_uses_the_path_when_the_note_name_is_not_unique(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "People/Alex Kim.md": """
            ---
            type: person
            ---
            ## Questions
            - Is the team growing?
            """,
        "Archive/Alex Kim.md": "# old notes\n",
    })
    question = of_kind(starters_for(vault, "People/Alex Kim.md", TODAY), "question")[0]
    assert question.link == "[[People/Alex Kim#Questions]]"
    assert question.to_json()["source"] == "People/Alex Kim.md#Questions"


def test_vault_starters_resolves_names_and_reports_unknown_ones(tmp_path: Path) -> None:
    vault = load(tmp_path, INTERVIEW)
    by_name = vault.starters("dana okafor", today=TODAY)
    assert by_name == starters_for(vault, "People/Dana Okafor.md", TODAY)
    with pytest.raises(PersonNotFound) as info:
        vault.starters("Dana Okafr", today=TODAY)
    assert "Dana Okafor" in info.value.candidates


def test_every_starter_has_a_source_in_the_vault(tmp_path: Path) -> None:
    @starter_source("test-unsourced")
    def unsourced(ctx: StarterContext) -> Iterator[Starter]:
        yield ctx.make("custom", "Talk about the weather", Source("Nope.md"), 9.0)
        yield ctx.make("custom", "Mention the onsite",
                       Source("Interviews/2026-10-16 Halcyon onsite.md"), 9.0)

    try:
        vault = load(tmp_path, INTERVIEW)
        items = starters_for(vault, "People/Dana Okafor.md", TODAY)
    finally:
        unregister("test-unsourced")
    assert "Mention the onsite" in [s.text for s in items]
    assert "Talk about the weather" not in [s.text for s in items]
    assert all(s.source.path in vault.notes for s in items)


def test_a_failing_source_is_reported_not_fatal(tmp_path: Path) -> None:
    @starter_source("test-broken")
    def broken(ctx: StarterContext) -> Iterator[Starter]:
        raise ValueError("boom")

    try:
        vault = load(tmp_path, INTERVIEW)
        with pytest.warns(RuntimeWarning, match="test-broken"):
            items = starters_for(vault, "People/Dana Okafor.md", TODAY)
    finally:
        unregister("test-broken")
    assert items  # the other sources still ran
    assert any(e.name == "test-broken" and "boom" in e.message
               for e in starters_base.plugin_errors())


class _EntryPoint:
    def __init__(self, name: str, value: str, target: object) -> None:
        self.name, self.value, self._target = name, value, target

    def load(self) -> object:
        if isinstance(self._target, Exception):
            raise self._target
        return self._target


def test_entry_point_plugins_load_and_broken_ones_are_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def weather(ctx: StarterContext) -> list[Starter]:
        return [ctx.make("weather", f"Ask {ctx.first} about the rain",
                         Source(ctx.person.path), 5.0)]

    entries = [
        _EntryPoint("weather", "pkg.weather:weather", weather),
        _EntryPoint("broken", "pkg.broken:source", ImportError("no module named pkg.broken")),
    ]
    monkeypatch.setattr(importlib.metadata, "entry_points",
                        lambda group: entries if group == "vaultlink.starters" else [])
    try:
        errors = starters_base.load_plugins(reload=True)
        assert any(e.name == "broken" and "ImportError" in e.message for e in errors)
        vault = load(tmp_path, INTERVIEW)
        items = starters_for(vault, "People/Dana Okafor.md", TODAY)
        assert items[0].text == "Ask Dana about the rain"
    finally:
        unregister("weather")
