"""The model stage: kinds (SPEC §2.1), properties (§2.2), contacts and signals (§2.5)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

import vaultlink
from tests.vaultfiles import write_vault

SHARED = Path(__file__).resolve().parents[2] / "shared" / "vaults"


def load(tmp_path: Path, files: dict[str, str]) -> vaultlink.Vault:
    return vaultlink.load(write_vault(tmp_path, files), use_cache=False)


# -- kinds ------------------------------------------------------------------------------------
def test_kind_from_type_string_and_list(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "a.md": "---\ntype: person\n---\n",
        "b.md": "---\ntype: [note, company]\n---\n",
        "c.md": "---\ntype: informational\n---\n",
    })
    assert vault.model.kinds["a.md"] == "person"
    assert vault.model.kinds["b.md"] == "company"
    assert vault.interactions["c.md"].kind == "informational"


def test_kind_from_categories_link(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "Jane.md": '---\ncategories:\n  - "[[People]]"\n---\n',
        "Acme.md": '---\ncategories: ["[[Companies]]"]\n---\n',
        "Sync.md": '---\ncategories: ["[[Meetings]]"]\ndate: 2026-01-02\n---\n',
    })
    assert "Jane.md" in vault.people
    assert "Acme.md" in vault.companies
    assert vault.interactions["Sync.md"].kind == "meeting"


def test_kind_from_tags_including_nested(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "Rec.md": "Met at the fair #person/recruiter\n",
        "Co.md": "---\ntags: [company]\n---\n",
    })
    assert "Rec.md" in vault.people
    assert "Co.md" in vault.companies


def test_kind_from_folder(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "People/Jane.md": "hi\n",
        "Contacts/Bob.md": "hi\n",
        "Companies/Acme.md": "",
        "Applications/Acme SRE.md": "---\nstatus: applied\n---\n",
        "Interviews/Screen.md": "---\ndate: 2026-01-02\n---\n",
        "Meetings/Sync.md": "---\ndate: 2026-01-03\n---\n",
    })
    assert set(vault.people) == {"People/Jane.md", "Contacts/Bob.md"}
    assert set(vault.companies) == {"Companies/Acme.md"}
    assert vault.applications["Applications/Acme SRE.md"].status == "applied"
    assert vault.interactions["Interviews/Screen.md"].kind == "interview"
    assert vault.interactions["Meetings/Sync.md"].kind == "meeting"


def test_type_beats_folder(tmp_path: Path) -> None:
    vault = load(tmp_path, {"People/Acme.md": "---\ntype: company\n---\n"})
    assert "People/Acme.md" in vault.companies
    assert "People/Acme.md" not in vault.people


def test_templates_are_never_people(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        ".obsidian/templates.json": '{"folder": "Templates"}',
        "Templates/Person.md": "---\ntype: person\ncompany: \"{{company}}\"\n---\n",
        "People/Person Template.md": "---\ntype: person\n---\n",
        "People/Draft.md": "---\ntype: person\nmet: {{date}}\n---\n",
        "People/Real.md": "---\ntype: person\n---\n",
    })
    assert list(vault.people) == ["People/Real.md"]
    codes = [(p.path, p.code) for p in vault.problems]
    assert ("People/Draft.md", "template-person") in codes
    assert ("Templates/Person.md", "template-person") not in codes


def test_daily_notes_from_settings_with_folder_format(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        ".obsidian/daily-notes.json": '{"folder": "Journal", "format": "YYYY/MM/YYYY-MM-DD"}',
        "Journal/2026/11/2026-11-02.md": "Called [[Jane]]\n",
        "People/Jane.md": "",
    })
    assert vault.model.daily == {"Journal/2026/11/2026-11-02.md": date(2026, 11, 2)}
    assert vault.people["People/Jane.md"].last_contact == date(2026, 11, 2)


def test_generated_notes_are_not_modelled(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "People/Jane.md": "",
        "Vaultlink/Due this week.md": (
            "---\ngenerated_by: vaultlink\n---\n"
            "- [ ] Reach out to [[Jane]] 📅 2026-11-27 ^vl-abc123\n"
        ),
    })
    assert vault.people["People/Jane.md"].signals == ()
    assert "Vaultlink/Due this week.md" in vault.model.generated


# -- properties ---------------------------------------------------------------------------------
def test_person_properties_and_synonyms(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "Companies/Acme Corp.md": "---\ntype: company\naliases: [Acme]\n---\n",
        "People/Priya.md": "---\ntype: person\n---\n",
        "People/Jane Doe.md": """\
            ---
            type: person
            employer: "[[Acme Corp]]"
            title: Staff Engineer
            aliases: [JD]
            email: jane@example.com
            linkedin: https://linkedin.com/in/jane
            met: 2026-09-01
            introduced_by: "[[Priya]]"
            hobbies: [Climbing, "[[Jazz]]"]
            cadence: 6 weeks
            follow_up: 2026-12-02
            snooze_until: 2026-11-30
            paused: false
            birthday: 1990-12-02
            ---
            """,
    })
    jane = vault.people["People/Jane Doe.md"]
    assert jane.company == "Companies/Acme Corp.md"
    assert jane.company_name == "Acme Corp"
    assert jane.role == "Staff Engineer"
    assert jane.aliases == ("JD",)
    assert jane.email == "jane@example.com"
    assert jane.met == date(2026, 9, 1)
    assert jane.met_via == "People/Priya.md"
    assert jane.interests == ("Climbing", "Jazz")
    assert jane.cadence == 42
    assert jane.next_contact == date(2026, 12, 2)
    assert jane.snooze_until == date(2026, 11, 30)
    assert jane.paused is False
    assert jane.birthday == "12-02"
    assert vault.companies["Companies/Acme Corp.md"].people == ("People/Jane Doe.md",)


def test_unquoted_wikilink_property_still_links(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "Companies/Acme.md": "",
        "People/Jane.md": "---\ncompany: [[Acme]]\n---\n",
    })
    assert vault.people["People/Jane.md"].company == "Companies/Acme.md"


def test_personal_crm_plugin_keys(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "People/Mei.md": """\
            ---
            prm-cadence: 14
            prm-last-contacted: 2026-10-30
            prm-snooze-until: 2026-12-01
            prm-paused: true
            prm-birthday: 03-14
            prm-tier: close
            ---
            """,
    })
    mei = vault.people["People/Mei.md"]
    assert mei.cadence == 14
    assert mei.last_contact == date(2026, 10, 30)
    assert mei.last_contact_source is not None
    assert mei.last_contact_source.line == 3
    assert mei.snooze_until == date(2026, 12, 1)
    assert mei.paused is True
    assert mei.birthday == "03-14"
    assert mei.tier == "close"


def test_tier_table_and_default_cadence(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "vaultlink.toml": '[tiers]\nclose = "2w"\n[rules]\ndefault_cadence = "quarterly"\n',
        "People/A.md": "---\ntier: close\n---\n",
        "People/B.md": "",
        "People/C.md": "---\ncadence: never\n---\n",
    })
    assert vault.people["People/A.md"].cadence == 14
    assert vault.people["People/B.md"].cadence == 91
    assert vault.people["People/C.md"].cadence is None


def test_bad_values_are_problems_with_lines_not_crashes(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "People/A.md": "---\ntype: person\ncadence: sometimes\nmet: 2026-13-45\n---\nbody\n",
        "People/B.md": "---\ntype: person\nbroken: [unclosed\n---\nStill parsed [[A]]\n",
    })
    found = {(p.path, p.code, p.line) for p in vault.problems}
    assert ("People/A.md", "unknown-cadence", 3) in found
    assert ("People/A.md", "bad-date", 4) in found
    assert ("People/B.md", "malformed-frontmatter") in {(p.path, p.code) for p in vault.problems}
    assert vault.people["People/A.md"].cadence is None
    assert "People/B.md" in vault.people  # folder rule still applies
    assert vault.model.resolved["People/B.md"] == ("People/A.md",)


def test_me_profile_from_note_and_config(tmp_path: Path) -> None:
    vault = load(tmp_path, {"Me.md": "---\ntype: me\nname: Sam\ninterests: [climbing]\n---\n"})
    assert vault.me.name == "Sam"
    assert vault.me.interests == ("climbing",)
    assert vault.me.path == "Me.md"
    other = load(tmp_path / "b", {"vaultlink.toml": '[me]\nname = "Alex"\ninterests = ["jazz"]\n'})
    assert other.me.name == "Alex"
    assert other.me.interests == ("jazz",)


# -- contacts (SPEC §2.5) --------------------------------------------------------------------------
def _contacts(vault: vaultlink.Vault, person: str) -> list[tuple[date, str]]:
    return [(c.date, c.via) for c in vault.people[person].contacts]


def test_interaction_note_with_and_body_links(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "People/Jane.md": "",
        "People/Bob.md": "",
        "Interviews/Onsite.md": (
            '---\ntype: interview\ndate: 2026-11-20\nwith: ["[[Jane]]"]\n---\n'
            "[[Bob]] joined for the last half hour.\n"
        ),
    })
    assert _contacts(vault, "People/Jane.md") == [(date(2026, 11, 20), "note")]
    assert _contacts(vault, "People/Bob.md") == [(date(2026, 11, 20), "note")]
    source = vault.people["People/Jane.md"].contacts[0].source
    assert (source.path, source.line) == ("Interviews/Onsite.md", 4)


def test_daily_note_mentions_count_except_intentions_quotes_code_embeds(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "People/Jane.md": "",
        "People/Bob.md": "",
        "People/Cy.md": "",
        "People/Di.md": "",
        "People/Ed.md": "",
        "People/Flo.md": "",
        "2026-11-02.md": """\
            Lunch with [[Jane]].
            - [ ] email [[Bob]] about the referral
            > [[Cy]] said the team is hiring
            ![[Di]]
            `[[Ed]]` and %% [[Flo]] %%

            ```
            [[Flo]]
            ```
            """,
    })
    assert _contacts(vault, "People/Jane.md") == [(date(2026, 11, 2), "daily")]
    for name in ("Bob", "Cy", "Di", "Ed", "Flo"):
        assert _contacts(vault, f"People/{name}.md") == [], name
    bob = vault.people["People/Bob.md"]
    assert [s.kind for s in bob.signals] == ["open_loop"]


def test_completed_task_anywhere_counts_with_done_date_or_note_date(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "People/Jane.md": "",
        "People/Bob.md": "",
        "Projects/Search.md": "- [x] thanked [[Jane]] for the referral ✅ 2026-11-10\n",
        "2026-11-12.md": "- [x] sent [[Bob]] my CV\n",
    })
    assert _contacts(vault, "People/Jane.md") == [(date(2026, 11, 10), "task")]
    assert _contacts(vault, "People/Bob.md") == [(date(2026, 11, 12), "task")]


def test_dated_list_items_in_own_note_but_not_wins(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "2026-10-14.md": "",
        "People/Jane.md": """\
            ## Log
            - 2026-10-02 — coffee at Blue Bottle
            - [[2026-10-14]] call about the role
            - 2026-11-18 #win promoted to Engineering Manager
            - win:: 2026-11-19 shipped the pipeline
            - no date here
            """,
    })
    assert _contacts(vault, "People/Jane.md") == [
        (date(2026, 10, 2), "log"), (date(2026, 10, 14), "log"),
    ]
    wins = [(s.kind, s.date, s.text) for s in vault.people["People/Jane.md"].signals]
    assert ("win", date(2026, 11, 18), "promoted to Engineering Manager") in wins
    assert ("win", date(2026, 11, 19), "shipped the pipeline") in wins


def test_application_decision_and_last_contact_floor(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "People/Rafael.md": "---\nlast_contact: 2026-09-01\n---\n",
        "Applications/Halcyon.md": (
            '---\ntype: application\nstatus: rejected\ndecided: 2026-10-26\n'
            'contacts: ["[[Rafael]]"]\n---\n'
        ),
    })
    assert _contacts(vault, "People/Rafael.md") == [
        (date(2026, 9, 1), "floor"), (date(2026, 10, 26), "decision"),
    ]
    rafael = vault.people["People/Rafael.md"]
    assert rafael.last_contact == date(2026, 10, 26)
    assert rafael.last_contact_source is not None
    assert rafael.last_contact_source.path == "Applications/Halcyon.md"


def test_signals_impressions_questions_open_loops_and_company_news(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "Companies/Acme.md": "## News\n- 2026-11-19 #win raised a Series C\n",
        "People/Jane.md": (
            '---\ncompany: "[[Acme]]"\n---\n'
            "ask:: how do they run on-call?\nWhat does the team use for orchestration?\n"
        ),
        "Interviews/Final.md": (
            '---\ntype: interview\ndate: 2026-11-20\nwith: ["[[Jane]]"]\n---\n'
            "[[Jane]] was really impressed by the backfill story.\n"
            "impressed:: the on-call runbook\n"
        ),
        "Todo.md": "- [ ] send [[Jane]] the article 📅 2026-11-24\n",
    })
    signals = {(s.kind, s.text) for s in vault.people["People/Jane.md"].signals}
    assert ("news", "raised a Series C") in signals
    assert ("question", "how do they run on-call?") in signals
    assert ("question", "What does the team use for orchestration?") in signals
    assert ("impression", "Jane was really impressed by the backfill story.") in signals
    assert ("impression", "the on-call runbook") in signals
    loops = [s for s in vault.people["People/Jane.md"].signals if s.kind == "open_loop"]
    assert len(loops) == 1
    assert loops[0].due == date(2026, 11, 24)


# -- the real vaults ------------------------------------------------------------
@pytest.mark.parametrize("name", ["kepano-obsidian", "obsidian-help-en"])
def test_real_vaults_load(tmp_path: Path, name: str) -> None:
    source = SHARED / name
    if not source.is_dir():
        pytest.skip(f"{source} not available")
    copy = tmp_path / name
    shutil.copytree(source, copy, symlinks=True)
    vault = vaultlink.load(copy, use_cache=False)
    assert len(vault.notes) > 50
    assert all(p.path for p in vault.problems)


def test_kepano_person_and_meeting(tmp_path: Path) -> None:
    source = SHARED / "kepano-obsidian"
    if not source.is_dir():
        pytest.skip("kepano vault not available")
    copy = tmp_path / "kepano"
    shutil.copytree(source, copy, symlinks=True)
    vault = vaultlink.load(copy, use_cache=False)
    assert "References/Steph Ango.md" in vault.people
    assert not any("Template" in path for path in vault.people)
    meeting = vault.interactions["Notes/2023-09-12 Meeting with Steph.md"]
    assert meeting.date == date(2023, 9, 12)
    assert "References/Steph Ango.md" in meeting.people
    steph = vault.people["References/Steph Ango.md"]
    assert any(
        c.date == date(2023, 9, 12) and c.interaction == meeting.path for c in steph.contacts
    )


def test_posts_and_questions_in_dated_items_are_not_contact(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "People/Jane.md": (
            "- 2026-11-15 [post:: wrote about event sourcing]\n"
            "- 2026-11-16 [ask:: how is the new team?]\n"
            "- 2026-11-01 coffee\n"
        ),
    })
    assert _contacts(vault, "People/Jane.md") == [(date(2026, 11, 1), "log")]
    kinds = sorted(s.kind for s in vault.people["People/Jane.md"].signals)
    assert kinds == ["post", "question"]


def test_person_lookup_by_path_name_alias_and_unique_first_name(tmp_path: Path) -> None:
    from vaultlink.vault import PersonNotFound

    vault = load(tmp_path, {
        "People/Dana Okafor.md": "---\naliases: [DO]\n---\n",
        "People/Dan Brown.md": "",
        "Other/Dan Brown.md": "---\ntype: person\n---\n",
    })
    assert vault.person("People/Dana Okafor.md").name == "Dana Okafor"
    assert vault.person("dana okafor").path == "People/Dana Okafor.md"
    assert vault.person("do").path == "People/Dana Okafor.md"
    assert vault.person("Dana").path == "People/Dana Okafor.md"
    with pytest.raises(PersonNotFound) as ambiguous:
        vault.person("Dan Brown")
    assert ambiguous.value.ambiguous
    assert ambiguous.value.candidates == ("Other/Dan Brown.md", "People/Dan Brown.md")
    with pytest.raises(PersonNotFound) as missing:
        vault.person("Dana Okafr")
    assert "Dana Okafor" in missing.value.candidates


def test_obsidian_date_types_are_checked(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        ".obsidian/types.json": '{"types": {"created": "date", "due": "datetime", "n": "number"}}',
        "a.md": "---\ncreated: last week\ndue: 2026-11-02T10:00\nn: abc\n---\n",
        "b.md": "---\ncreated: 2026-11-01\n---\n",
    })
    bad = [(p.path, p.line, p.code) for p in vault.problems if p.code == "bad-date"]
    assert bad == [("a.md", 2, "bad-date")]


def test_vault_mappings_are_read_only_views(tmp_path: Path) -> None:
    vault = load(tmp_path, {"People/Jane.md": "", "Companies/Acme.md": ""})
    assert vault.people is vault.people  # one view, not a copy per access
    for mapping in (vault.people, vault.companies, vault.applications, vault.interactions):
        with pytest.raises(TypeError):
            mapping["x"] = None  # type: ignore[index]
