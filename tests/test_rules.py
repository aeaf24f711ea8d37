"""The follow-up rules (SPEC §3): one small vault per behaviour, built in tmp_path."""

from __future__ import annotations

import re
import sys
import textwrap
from collections.abc import Iterator
from datetime import date, timedelta
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import pytest

import vaultlink
from vaultlink.rules import (
    FollowUp,
    RuleContext,
    compute_due,
    due_report,
    load_plugins,
    registered,
    rule,
    section_for,
    unregister,
)
from vaultlink.rules import plugins as rule_plugins
from vaultlink.vault import Vault

D = date(2026, 11, 18)  # a Wednesday


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def load(root: Path, files: dict[str, str], config: str | None = None) -> Vault:
    write(root, files)
    if config is not None:
        (root / "vaultlink.toml").write_text(textwrap.dedent(config), encoding="utf-8")
    return vaultlink.load(root, use_cache=False)


def person(company: str | None = None, body: str = "", **props: Any) -> str:
    lines = ["---", "type: person"]
    if company:
        lines.append(f'company: "[[{company}]]"')
    for key, value in props.items():
        lines.append(f"{key.replace('__', '-')}: {value}")
    lines.append("---")
    return "\n".join(lines) + "\n" + textwrap.dedent(body)


def company() -> str:
    return "---\ntype: company\n---\n"


def interview(day: date, *people: str, company: str | None = None, **props: Any) -> str:
    lines = ["---", "type: interview", f"date: {day.isoformat()}", "with:"]
    lines += [f'  - "[[{p}]]"' for p in people]
    if company:
        lines.append(f'company: "[[{company}]]"')
    lines += [f"{k}: {v}" for k, v in props.items()]
    return "\n".join([*lines, "---", "Notes from the interview.", ""])


def application(company: str, status: str, **props: Any) -> str:
    lines = ["---", "type: application", f'company: "[[{company}]]"', f"status: {status}"]
    lines += [f"{k}: {v}" for k, v in props.items()]
    return "\n".join([*lines, "---", ""])


def items(vault: Vault, today: date, rule_id: str | None = None, **kw: Any) -> list[FollowUp]:
    kw.setdefault("horizon", "all")
    found = vault.due(today=today, **kw)
    return [i for i in found if rule_id is None or i.rule == rule_id]


# -- thank-you ---------------------------------------------------------------------------------
def test_thank_you_due_the_day_after_the_interview(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "People/Dana.md": person("Acme"),
        "Companies/Acme.md": company(),
        "Interviews/Acme onsite.md": interview(D, "Dana", company="Acme"),
    })
    [item] = items(vault, D + timedelta(days=3), "thank-you")
    assert item.person == "People/Dana.md"
    assert item.name == "Dana"
    assert item.company == "Companies/Acme.md"
    assert item.due == D + timedelta(days=1)
    assert item.overdue_days == 2
    assert item.section == "overdue"
    assert item.reason == "thank Dana for the 18 Nov interview at Acme"
    assert [s.path for s in item.sources] == ["Interviews/Acme onsite.md"]
    assert item.trigger == "Interviews/Acme onsite.md"


def test_thank_you_satisfied_by_a_later_contact_only(tmp_path: Path) -> None:
    files = {
        "People/Dana.md": person(),
        "Interviews/Call.md": interview(D, "Dana"),
        # same day: the interview itself, not a thank-you
        "2026-11-18.md": "Interview with [[Dana]] went well.\n",
    }
    vault = load(tmp_path, files)
    assert len(items(vault, D + timedelta(days=2), "thank-you")) == 1
    write(tmp_path, {"2026-11-19.md": "Sent [[Dana]] a thank-you note.\n"})
    vault = vaultlink.load(tmp_path, use_cache=False)
    assert items(vault, D + timedelta(days=2), "thank-you") == []


def test_contact_dated_in_the_future_does_not_satisfy(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "People/Dana.md": person(),
        "Interviews/Call.md": interview(D, "Dana"),
        "2026-11-25.md": "Lunch with [[Dana]] (planned).\n",
    })
    assert len(items(vault, D + timedelta(days=2), "thank-you")) == 1
    assert items(vault, date(2026, 11, 25), "thank-you") == []


def test_unchecked_task_is_not_contact_but_a_completed_one_is(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "People/Dana.md": person(),
        "Interviews/Call.md": interview(D, "Dana"),
        "2026-11-19.md": "- [ ] email [[Dana]] a thank-you\n",
    })
    assert len(items(vault, D + timedelta(days=3), "thank-you")) == 1
    write(tmp_path, {"Notes/Todo.md": "- [x] emailed [[Dana]] a thank-you ✅ 2026-11-20\n"})
    vault = vaultlink.load(tmp_path, use_cache=False)
    assert items(vault, D + timedelta(days=3), "thank-you") == []


def test_thank_you_lapses_after_fourteen_days_and_shows_with_include_lapsed(
    tmp_path: Path,
) -> None:
    vault = load(tmp_path, {"People/Dana.md": person(), "Interviews/Call.md": interview(D, "Dana")})
    due = D + timedelta(days=1)
    assert len(items(vault, due + timedelta(days=14), "thank-you")) == 1  # last day
    late = due + timedelta(days=15)
    assert items(vault, late, "thank-you") == []
    [item] = items(vault, late, "thank-you", include_lapsed=True)
    assert item.lapsed
    assert item.overdue_days == 15


def test_cancelled_interview_and_future_interview_get_no_thank_you(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "People/Dana.md": person(),
        "Interviews/Call.md": interview(D, "Dana", outcome="cancelled"),
        "Interviews/Later.md": interview(D + timedelta(days=5), "Dana"),
    })
    assert items(vault, D + timedelta(days=2), "thank-you") == []


def test_thank_you_falls_back_to_people_linked_in_the_body(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "People/Dana.md": person(),
        "Meetings/Coffee.md": f"---\ntype: coffee\ndate: {D}\n---\nCoffee with [[Dana]].\n",
    })
    [item] = items(vault, D + timedelta(days=1), "thank-you")
    assert item.reason == "thank Dana for the 18 Nov coffee"
    assert item.sources[0].line == 5


# -- rejection ---------------------------------------------------------------------------------
REJECTED = {
    "People/Rafael.md": person("Halcyon"),
    "Companies/Halcyon.md": company(),
    "Applications/Halcyon - role.md": application(
        "Halcyon", "rejected", applied="2026-10-05", decided="2026-10-26",
        contacts='["[[Rafael]]"]',
    ),
}
R = date(2026, 10, 26)


def test_rejection_gives_feedback_at_d_plus_2_and_checkin_at_d_plus_30(tmp_path: Path) -> None:
    vault = load(tmp_path, REJECTED)
    found = items(vault, R + timedelta(days=1))
    feedback = [i for i in found if i.rule == "rejection-feedback"]
    checkin = [i for i in found if i.rule == "rejection-checkin"]
    assert [i.due for i in feedback] == [R + timedelta(days=2)]
    assert [i.due for i in checkin] == [R + timedelta(days=30)]
    reason = feedback[0].reason
    for words in ("feedback", "thank them", "LinkedIn", "still interested"):
        assert words in reason
    assert feedback[0].sources[0].path == "Applications/Halcyon - role.md"
    assert checkin[0].reason.startswith("about a month since Halcyon's rejection on 26 Oct")
    # the default horizon shows the feedback this week, not the check-in a month out
    week = vault.due(today=R + timedelta(days=1))
    assert [i.rule for i in week] == ["rejection-feedback"]


def test_feedback_exchange_does_not_cancel_the_month_checkin(tmp_path: Path) -> None:
    files = dict(REJECTED)
    files["People/Rafael.md"] = person("Halcyon", body="""
        ## Log
        - 2026-10-28 — asked for feedback, he replied with notes
    """)
    vault = load(tmp_path, files)
    today = R + timedelta(days=29)
    assert items(vault, today, "rejection-feedback") == []
    [checkin] = items(vault, today, "rejection-checkin")
    assert checkin.due == R + timedelta(days=30)
    assert checkin.section == "this_week"


def test_recent_contact_before_the_checkin_satisfies_it(tmp_path: Path) -> None:
    files = dict(REJECTED)
    files["People/Rafael.md"] = person("Halcyon", body="- 2026-11-15 — coffee, he's doing well\n")
    vault = load(tmp_path, files)
    assert items(vault, R + timedelta(days=31), "rejection-checkin") == []


def test_rejection_feedback_lapses_after_21_days(tmp_path: Path) -> None:
    vault = load(tmp_path, REJECTED)
    today = R + timedelta(days=2 + 22)
    assert items(vault, today, "rejection-feedback") == []
    [item] = items(vault, today, "rejection-feedback", include_lapsed=True)
    assert item.lapsed


def test_rejection_without_contacts_uses_the_interviewers(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "People/Dana.md": person(),
        "Companies/Halcyon.md": company(),
        "Interviews/Onsite.md": interview(date(2026, 10, 16), "Dana", company="Halcyon"),
        "Applications/Halcyon - role.md": application("Halcyon", "rejected", decided="2026-10-26"),
    })
    [item] = items(vault, R + timedelta(days=1), "rejection-feedback")
    assert item.person == "People/Dana.md"


# -- let-them-know and reach-in ----------------------------------------------------------------
def test_let_them_know_for_each_person_at_the_company(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "People/Leo.md": person("Tidewater", body="- 2026-10-29 — coffee\n"),
        "People/Ann.md": person("Tidewater", body="- 2026-10-20 — call\n"),
        "People/Bob.md": person("Elsewhere"),
        "Companies/Tidewater.md": company(),
        "Applications/Tidewater - role.md": application(
            "Tidewater", "applied", applied="2026-11-22", role="Senior Data Engineer"
        ),
    })
    found = items(vault, date(2026, 11, 23), "let-them-know")
    assert [i.name for i in found] == ["Ann", "Leo"]
    assert all(i.due == date(2026, 11, 23) for i in found)
    assert found[0].reason == (
        "you applied to Tidewater (Senior Data Engineer) on 22 Nov — let Ann know"
    )
    # someone you know there was contacted: no reach-in
    assert items(vault, date(2026, 11, 23), "reach-in") == []


def test_let_them_know_satisfied_by_contact_on_or_after_the_application(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "People/Leo.md": person("Tidewater", body="- 2026-11-22 — told him I applied\n"),
        "Companies/Tidewater.md": company(),
        "Applications/Tidewater - role.md": application(
            "Tidewater", "applied", applied="2026-11-22"
        ),
    })
    assert items(vault, date(2026, 11, 23), "let-them-know") == []


def test_reach_in_when_you_know_nobody_there(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "Companies/Copperline.md": company(),
        "Applications/Copperline - role.md": application("Copperline", "planned"),
    })
    [item] = items(vault, date(2026, 11, 23), "reach-in")
    assert item.person is None
    assert item.name == "Copperline"
    assert item.company == "Companies/Copperline.md"
    assert item.due == date(2026, 11, 23)
    assert "find someone to talk to at Copperline first" in item.reason
    assert item.to_json()["person"] is None
    assert item.sources[0].path == "Applications/Copperline - role.md"


def test_reach_in_suggests_people_there_and_who_can_introduce(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "Companies/Copperline.md": company(),
        "People/Hannah.md": person("Copperline", role="Director of Data"),
        "People/Leo.md": person(body="Used to work with [[Hannah]].\n- 2026-11-01 — lunch\n"),
        "Applications/Copperline - role.md": application("Copperline", "planned"),
    })
    [item] = items(vault, date(2026, 11, 23), "reach-in")
    assert item.reason == (
        "before you apply to Copperline — reach out to Hannah (Director of Data) there "
        "(Leo could introduce you)"
    )


def test_reach_in_for_an_applied_application_lapses(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "Companies/Copperline.md": company(),
        "Applications/Copperline - role.md": application(
            "Copperline", "applied", applied="2026-08-01"
        ),
    })
    assert items(vault, date(2026, 8, 3), "reach-in")[0].reason.startswith(
        "you applied to Copperline on 1 Aug but know nobody there"
    )
    assert items(vault, date(2026, 11, 23), "reach-in") == []
    [item] = items(vault, date(2026, 11, 23), "reach-in", include_lapsed=True)
    assert item.lapsed


def test_reach_in_is_dropped_when_let_them_know_names_people(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "People/Leo.md": person("Tidewater"),
        "Companies/Tidewater.md": company(),
        "Applications/Tidewater - role.md": application(
            "Tidewater", "applied", applied="2026-11-22"
        ),
    })
    found = items(vault, date(2026, 11, 23))
    assert [i.rule for i in found] == ["let-them-know"]


# -- congratulate ------------------------------------------------------------------------------
def test_congratulate_a_win_after_the_last_contact(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "People/Marcus.md": person(body="""
            - 2026-11-04 — technical interview
            - 2026-11-18 #win promoted to Engineering Manager
            - 2026-09-10 #win keynote at DataEng Summit
        """),
    })
    [item] = items(vault, date(2026, 11, 20), "congratulate")
    assert item.due == date(2026, 11, 21)
    assert item.reason == "congratulate Marcus: promoted to Engineering Manager (18 Nov)"
    assert item.sources[0].path == "People/Marcus.md"
    assert item.sources[0].line == 6


def test_congratulate_satisfied_and_lapsed(tmp_path: Path) -> None:
    files = {"People/Marcus.md": person(body="- 2026-11-18 #win promoted\n")}
    vault = load(tmp_path, files)
    assert len(items(vault, date(2026, 11, 21) + timedelta(days=30), "congratulate")) == 1
    late = date(2026, 11, 21) + timedelta(days=31)
    assert items(vault, late, "congratulate") == []
    assert items(vault, late, "congratulate", include_lapsed=True)[0].lapsed
    marcus = files["People/Marcus.md"] + "- 2026-11-19 — congrats DM\n"
    write(tmp_path, {"People/Marcus.md": marcus})
    vault = vaultlink.load(tmp_path, use_cache=False)
    assert items(vault, date(2026, 11, 20), "congratulate") == []


def test_company_news_congratulates_people_you_know_there(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "Companies/Brightfield.md": company() + "- 2026-11-19 #win raised a Series C\n",
        "People/Aisha.md": person("Brightfield", body="- 2026-11-01 — coffee\n"),
        "People/Stranger.md": person("Brightfield"),
    })
    [item] = items(vault, date(2026, 11, 23), "congratulate")
    assert item.name == "Aisha"
    assert "Brightfield news — raised a Series C (19 Nov)" in item.reason
    assert item.sources[0].path == "Companies/Brightfield.md"


# -- cadence -----------------------------------------------------------------------------------
def test_cadence_from_the_last_contact(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "People/Priya.md": person(cadence="monthly", body="## Log\n- 2026-10-02 — coffee\n"),
    })
    [item] = items(vault, date(2026, 11, 10), "cadence")
    assert item.due == date(2026, 11, 1)
    assert item.overdue_days == 9
    assert item.urgency == pytest.approx(9 / 30)
    assert item.reason == "6 weeks since you were last in touch (2 Oct); you aim for every month"
    assert [str(s) for s in item.sources] == ["People/Priya.md:6", "People/Priya.md:3"]
    assert item.trigger == "last:2026-10-02"


def test_no_cadence_means_no_cadence_item(tmp_path: Path) -> None:
    vault = load(tmp_path, {"People/Jo.md": person(body="- 2026-01-02 — lunch\n")})
    assert items(vault, date(2026, 11, 10), "cadence") == []


def test_default_cadence_applies_but_never_wins(tmp_path: Path) -> None:
    vault = load(
        tmp_path,
        {
            "People/Jo.md": person(body="- 2026-10-01 — lunch\n"),
            "People/Hannah.md": person(cadence="never", body="- 2026-10-01 — lunch\n"),
        },
        config="[rules]\ndefault_cadence = \"2w\"\n",
    )
    found = items(vault, date(2026, 11, 10), "cadence")
    assert [(i.name, i.due) for i in found] == [("Jo", date(2026, 10, 15))]


def test_tier_name_maps_to_a_cadence(tmp_path: Path) -> None:
    vault = load(
        tmp_path,
        {
            "People/Mei.md": person(tier="close", body="- 2026-11-01 — call\n"),
            "People/Ann.md": person(cadence="inner", body="- 2026-11-01 — call\n"),
        },
        config='[tiers]\nclose = "10d"\ninner = 5\n',
    )
    found = {i.name: i.due for i in items(vault, date(2026, 11, 2), "cadence")}
    assert found == {"Mei": date(2026, 11, 11), "Ann": date(2026, 11, 6)}


def test_personal_crm_plugin_keys(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "People/Mei.md": person(prm__cadence=14, prm__last__contacted="2026-10-30"),
        "People/Snoozed.md": person(prm__cadence=14, prm__last__contacted="2026-10-30",
                                    prm__snooze__until="2026-12-01"),
        "People/Paused.md": person(prm__cadence=14, prm__last__contacted="2026-10-30",
                                   prm__paused="true"),
    })
    found = items(vault, date(2026, 11, 23), "cadence")
    assert [(i.name, i.due, i.overdue_days) for i in found] == [
        ("Mei", date(2026, 11, 13), 10)
    ]
    assert [str(s) for s in found[0].sources] == ["People/Mei.md:4", "People/Mei.md:3"]


def test_never_contacted_is_due_from_met_or_today(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "People/Met.md": person(cadence="2w", met="2026-11-01"),
        "People/New.md": person(cadence="2w"),
    })
    found = {i.name: i for i in items(vault, date(2026, 11, 20), "cadence")}
    assert found["Met"].due == date(2026, 11, 15)
    assert found["New"].due == date(2026, 11, 20)
    assert found["New"].overdue_days == 0


def test_last_contact_property_is_a_floor(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "People/Jo.md": person(cadence="30d", last_contact="2026-11-01",
                               body="- 2026-10-01 — lunch\n"),
    })
    [item] = items(vault, date(2026, 11, 20), "cadence")
    assert item.due == date(2026, 12, 1)
    assert item.section == "later"


# -- explicit and open loops -------------------------------------------------------------------
def test_explicit_next_contact_and_follow_up(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "People/Ines.md": person(follow_up="2026-12-02"),
        "People/Kai.md": person(next_contact="2026-11-10", body="- 2026-11-12 — call\n"),
        "People/Lu.md": person(next_contact="2026-11-10", body="- 2026-11-05 — call\n"),
    })
    found = {i.name: i for i in items(vault, date(2026, 11, 23), "explicit")}
    assert set(found) == {"Ines", "Lu"}
    assert found["Ines"].due == date(2026, 12, 2)
    assert found["Ines"].section == "coming_up"
    assert str(found["Ines"].sources[0]) == "People/Ines.md:3"
    assert found["Lu"].overdue_days == 13


def test_explicit_date_replaces_the_cadence_item(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "People/Jo.md": person(cadence="2w", next_contact="2027-01-10",
                               body="- 2026-10-01 — lunch\n"),
    })
    assert [i.rule for i in items(vault, date(2026, 11, 23))] == ["explicit"]


def test_open_loop_with_due_date_stays_until_ticked(tmp_path: Path) -> None:
    files = {
        "People/Dana.md": person(),
        "2026-11-19.md": (
            "- [ ] send [[Dana]] the article on event sourcing 📅 2026-11-24\n"
            "- [ ] ask [[Dana]] about the rewrite\n"
        ),
        "2026-11-25.md": "Long call with [[Dana]].\n",
    }
    vault = load(tmp_path, files)
    [item] = items(vault, date(2026, 11, 26), "open-loop")
    assert item.due == date(2026, 11, 24)
    assert item.reason == "close the loop: send Dana the article on event sourcing"
    assert str(item.sources[0]) == "2026-11-19.md:1"
    write(tmp_path, {"2026-11-19.md": files["2026-11-19.md"].replace("- [ ] send", "- [x] send")})
    vault = vaultlink.load(tmp_path, use_cache=False)
    assert items(vault, date(2026, 11, 26), "open-loop") == []


# -- drift -------------------------------------------------------------------------------------
def log(*days: str) -> str:
    return "## Log\n" + "".join(f"- {d} — catch-up\n" for d in days)


WEEKLY = log("2026-09-18", "2026-09-25", "2026-10-01", "2026-10-09", "2026-10-16")


def test_drift_when_a_weekly_rhythm_goes_quiet(tmp_path: Path) -> None:
    vault = load(tmp_path, {"People/Jonah.md": person(body=WEEKLY)})
    [item] = items(vault, date(2026, 11, 23), "drift")
    assert item.due == date(2026, 11, 23)
    assert item.reason == (
        "you were in touch with Jonah about every 7 days, but it has been 5 weeks since 16 Oct"
    )
    assert item.sources[0].line == 9
    # two weeks of silence is under the 14-day floor
    assert items(vault, date(2026, 10, 30), "drift") == []


def test_drift_floor_a_daily_rhythm_is_not_drifting_after_three_quiet_days(
    tmp_path: Path,
) -> None:
    days = [(date(2026, 10, 1) + timedelta(days=n)).isoformat() for n in range(30)]
    vault = load(tmp_path, {"People/Daily.md": person(body=log(*days))})
    assert items(vault, date(2026, 11, 2), "drift") == []  # 3 quiet days: 3 > 2x1 but < 14
    assert len(items(vault, date(2026, 11, 15), "drift")) == 1  # 16 quiet days


def test_drift_ceiling_silent_for_a_year_is_not_drift(tmp_path: Path) -> None:
    vault = load(tmp_path, {"People/Jonah.md": person(body=WEEKLY)})
    assert items(vault, date(2027, 10, 16), "drift", include_lapsed=True) == []
    # the ceiling is at least 90 days even for a weekly rhythm (12 x 7 = 84)
    assert len(items(vault, date(2027, 1, 10), "drift")) == 1


def test_drift_needs_three_gaps_over_three_weeks(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "People/Few.md": person(body=log("2026-09-01", "2026-09-08", "2026-09-15")),
        "People/Short.md": person(body=log("2026-09-01", "2026-09-03", "2026-09-05",
                                           "2026-09-08", "2026-09-10")),
    })
    assert items(vault, date(2026, 10, 20), "drift") == []


def test_drift_is_redundant_next_to_a_cadence_item_and_off_for_never(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "People/Jonah.md": person(cadence="2w", body=WEEKLY),
        "People/Planned.md": person(next_contact="2027-01-05", body=WEEKLY),
        "People/Never.md": person(cadence="never", body=WEEKLY),
        "People/Quarterly.md": person(cadence="quarterly", body=WEEKLY),
    })
    found = items(vault, date(2026, 11, 23))
    assert [(i.name, i.rule) for i in found] == [
        ("Jonah", "cadence"), ("Quarterly", "drift"), ("Planned", "explicit"),
        ("Quarterly", "cadence"),
    ]


# -- exclusions --------------------------------------------------------------------------------
def test_snoozed_and_paused_people_are_hidden(tmp_path: Path) -> None:
    body = "- 2026-10-01 — lunch\n"
    vault = load(tmp_path, {
        "People/Snoozed.md": person(cadence="2w", snooze_until="2026-12-05", body=body),
        "People/Woken.md": person(cadence="2w", snooze_until="2026-11-23", body=body),
        "People/Old snooze.md": person(cadence="2w", snooze_until="2026-11-01", body=body),
        "People/Paused.md": person(cadence="2w", paused="true", body=body),
        "Interviews/Call.md": interview(date(2026, 11, 20), "Snoozed", "Paused"),
    })
    found = items(vault, date(2026, 11, 23))
    assert sorted(i.name for i in found) == ["Old snooze", "Woken"]


# -- sections, ranking, ids --------------------------------------------------------------------
def test_iso_week_boundaries_sunday_vs_next_monday() -> None:
    wednesday = date(2026, 11, 25)
    assert section_for(date(2026, 11, 24), wednesday) == "overdue"
    assert section_for(wednesday, wednesday) == "this_week"
    assert section_for(date(2026, 11, 29), wednesday) == "this_week"  # Sunday
    assert section_for(date(2026, 11, 30), wednesday) == "coming_up"  # next Monday
    assert section_for(date(2026, 12, 6), wednesday) == "coming_up"
    assert section_for(date(2026, 12, 7), wednesday) == "later"
    sunday = date(2026, 11, 29)
    assert section_for(date(2026, 11, 30), sunday) == "coming_up"


def test_horizons_follow_the_iso_week(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "People/Sun.md": person(next_contact="2026-11-29"),
        "People/Mon.md": person(next_contact="2026-11-30"),
        "People/Far.md": person(next_contact="2026-12-07"),
    })
    today = date(2026, 11, 25)
    assert [i.name for i in vault.due(today=today)] == ["Sun"]
    assert [i.name for i in vault.due(today=today, horizon="next")] == ["Sun", "Mon"]
    assert [i.name for i in vault.due(today=today, horizon="all")] == ["Sun", "Mon", "Far"]
    with pytest.raises(ValueError, match="horizon"):
        vault.due(today=today, horizon="month")


def test_ranking_overdue_first_by_urgency_then_due_date_and_name(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        # 10 days overdue on a 30-day cadence: urgency 0.33
        "People/Monthly.md": person(cadence="30d", body="- 2026-10-14 — call\n"),
        # 5 days overdue on a 7-day cadence: urgency 0.71
        "People/Weekly.md": person(cadence="7d", body="- 2026-11-06 — call\n"),
        # due later this week, and today
        "People/Beta.md": person(next_contact="2026-11-20"),
        "People/Alpha.md": person(next_contact="2026-11-20"),
        "People/Today.md": person(next_contact="2026-11-18"),
    })
    found = vault.due(today=date(2026, 11, 18))
    assert [i.name for i in found] == ["Weekly", "Monthly", "Today", "Alpha", "Beta"]
    assert [i.section for i in found] == ["overdue", "overdue", "this_week", "this_week",
                                          "this_week"]


def test_block_ids_are_stable_across_loads_and_unique(tmp_path: Path) -> None:
    files = {
        "People/Dana.md": person("Acme", cadence="2w", body="- 2026-10-01 — call\n"),
        "Companies/Acme.md": company(),
        "Interviews/Call.md": interview(D, "Dana"),
        "Applications/Acme - role.md": application("Acme", "rejected", decided="2026-11-19",
                                            contacts='["[[Dana]]"]'),
    }
    first = items(load(tmp_path, files), D + timedelta(days=2))
    second = items(vaultlink.load(tmp_path, use_cache=False), D + timedelta(days=2))
    ids = [i.block_id for i in first]
    assert ids == [i.block_id for i in second]
    assert all(re.fullmatch(r"vl-[0-9a-f]{6}", i) for i in ids)
    assert len(set(ids)) == len(ids)
    # the same trigger on another day keeps its id
    later = items(vaultlink.load(tmp_path, use_cache=False), D + timedelta(days=5))
    assert {i.block_id for i in later if i.rule == "rejection-checkin"} == {
        i.block_id for i in first if i.rule == "rejection-checkin"
    }


def test_to_json_is_exactly_the_spec_object(tmp_path: Path) -> None:
    item = FollowUp(
        person="People/Dana.md", name="Dana", company=None, due=date(2026, 11, 27),
        rule="cadence", reason="r", overdue_days=0,
        sources=(vaultlink.Source("People/Dana.md", 3), vaultlink.Source("a.md", 1),
                 vaultlink.Source("People/Dana.md", 9)),
        trigger="t",
    )
    assert item.to_json() == {
        "person": "People/Dana.md", "name": "Dana", "company": None, "due": "2026-11-27",
        "rule": "cadence", "reason": "r", "overdue_days": 0,
        "sources": ["People/Dana.md", "a.md"],
    }
    assert "<td>cadence</td>" in item._repr_html_()


# -- ticking a box closes the loop -------------------------------------------------------------
def test_a_ticked_vaultlink_checkbox_closes_its_item(tmp_path: Path) -> None:
    vault = load(tmp_path, {"People/Dana.md": person(), "Interviews/Call.md": interview(D, "Dana")})
    today = D + timedelta(days=2)
    [item] = items(vault, today, "thank-you")
    due_note = (
        "---\ngenerated_by: vaultlink\n---\n## Overdue\n"
        f"- [x] Thank [[Dana]] 📅 {item.due} ^{item.block_id}\n"
    )
    write(tmp_path, {"Vaultlink/Due this week.md": due_note})
    assert items(vaultlink.load(tmp_path, use_cache=False), today, "thank-you") == []
    # an unticked copy of the same line does not close it
    write(tmp_path, {"Vaultlink/Due this week.md": due_note.replace("[x]", "[ ]")})
    assert len(items(vaultlink.load(tmp_path, use_cache=False), today, "thank-you")) == 1
    # sync's harvested log line (same day as the interview) carries the id
    write(tmp_path, {
        "Vaultlink/Due this week.md": "---\ngenerated_by: vaultlink\n---\n",
        "People/Dana.md": person(body=f"## Log\n- {D} — thanked Dana ({item.block_id})\n"),
    })
    assert items(vaultlink.load(tmp_path, use_cache=False), today, "thank-you") == []


# -- configuration -----------------------------------------------------------------------------
def test_config_changes_a_timing_and_disables_a_rule(tmp_path: Path) -> None:
    files = {
        "People/Dana.md": person(),
        "Interviews/Call.md": interview(D, "Dana"),
        "Applications/Acme - role.md": application("Acme", "planned"),
        "Companies/Acme.md": company(),
    }
    vault = load(tmp_path, files, config="""
        [rules]
        thank_you_days = 3
        thank_you_lapse_days = 2
        disabled = ["reach-in"]
    """)
    [item] = vault.due(today=D + timedelta(days=1))
    assert (item.rule, item.due) == ("thank-you", D + timedelta(days=3))
    assert vault.due(today=D + timedelta(days=6)) == []  # lapsed after 2 days


def test_config_enabled_list_runs_only_those(tmp_path: Path) -> None:
    vault = load(
        tmp_path,
        {"People/Dana.md": person(cadence="2w", body="- 2026-10-01 — x\n"),
         "Interviews/Call.md": interview(D, "Dana")},
        config='[rules]\nenabled = ["cadence"]\nrejection_checkin_window_days = 7\n',
    )
    assert vault.config.rules.rejection_checkin_window_days == 7
    assert [i.rule for i in items(vault, D + timedelta(days=1))] == ["cadence"]


def test_unknown_rule_id_in_config_is_a_warning(tmp_path: Path) -> None:
    vault = load(tmp_path, {"People/Dana.md": person()}, config='[rules]\ndisabled = ["thanks"]\n')
    report = due_report(vault, D)
    assert any("unknown rule id 'thanks'" in p.message for p in report.problems)


# -- plugins -----------------------------------------------------------------------------------
@pytest.fixture
def plugin_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    module_dir = tmp_path / "plugins"
    module_dir.mkdir()
    monkeypatch.syspath_prepend(str(module_dir))
    before = set(registered())
    yield module_dir
    for name in set(registered()) - before:
        unregister(name)
    for name in [m for m in sys.modules if m.startswith("vl_test_plugin")]:
        del sys.modules[name]
    monkeypatch.undo()
    load_plugins(force=True)


def test_entry_point_plugins_add_rules_and_broken_ones_only_warn(
    plugin_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (plugin_env / "vl_test_plugin.py").write_text(textwrap.dedent("""
        from vaultlink.rules import rule

        @rule("birthday")
        def birthday(ctx):
            for person in ctx.model.people.values():
                yield ctx.item(person=person.path, name=person.name, company=None,
                               due=ctx.today, rule="birthday", reason="say happy birthday",
                               sources=(), trigger="bday", scale=7)

        def crashing(ctx):
            raise RuntimeError("boom")
    """))
    points = [
        EntryPoint("birthday", "vl_test_plugin", "vaultlink.rules"),
        EntryPoint("crashing", "vl_test_plugin:crashing", "vaultlink.rules"),
        EntryPoint("broken", "vl_test_plugin_missing:rule", "vaultlink.rules"),
    ]
    monkeypatch.setattr(rule_plugins, "entry_points", lambda group: points)
    problems = load_plugins(force=True)
    assert [p.code for p in problems] == ["plugin-error"]
    assert "broken" in problems[0].message
    assert registered()["birthday"].origin != "builtin"
    vault = load(tmp_path / "v", {"People/Dana.md": person()})
    report = due_report(vault, D)
    assert [i.rule for i in report.items] == ["birthday"]
    messages = " ".join(p.message for p in report.problems)
    assert "broken" in messages
    assert "'crashing' failed: RuntimeError: boom" in messages
    # a disabled plugin rule does not run
    vault = load(tmp_path / "w", {"People/Dana.md": person()},
                 config='[rules]\ndisabled = ["birthday", "crashing"]\n')
    assert due_report(vault, D).items == ()


def test_rule_decorator_registers_a_pure_function(tmp_path: Path) -> None:
    @rule("test-custom")
    def custom(ctx: RuleContext) -> list[FollowUp]:
        return []

    try:
        assert registered()["test-custom"].func is custom
        assert registered()["test-custom"].origin == "builtin"
    finally:
        unregister("test-custom")
    assert "test-custom" not in registered()


def test_compute_due_is_what_vault_due_returns(tmp_path: Path) -> None:
    vault = load(tmp_path, {"People/Dana.md": person(), "Interviews/Call.md": interview(D, "Dana")})
    today = D + timedelta(days=1)
    assert compute_due(vault, today) == vault.due(today=today)


def test_context_helpers_ignore_future_contacts(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "People/Dana.md": person(body=log("2026-10-01", "2026-10-10", "2026-12-01")),
    })
    ctx = RuleContext(vault.model, vault.config.rules, date(2026, 11, 1), vault.notes)
    last = ctx.last_contact("People/Dana.md")
    assert last is not None
    assert last.date == date(2026, 10, 10)
    before = ctx.last_contact("People/Dana.md", before=date(2026, 10, 10))
    assert before is not None
    assert before.date == date(2026, 10, 1)
    assert [c.date for c in ctx.contacts_after("People/Dana.md", date(2026, 10, 1))] == [
        date(2026, 10, 10)
    ]
    assert ctx.contacted_since("People/Dana.md", date(2026, 10, 10))
    assert not ctx.contacted_since("People/Dana.md", date(2026, 10, 11))
