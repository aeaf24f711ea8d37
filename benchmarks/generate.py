"""Generate a realistic synthetic job-search vault for benchmarks.

``python benchmarks/generate.py --notes 10000 --out /tmp/vault --seed 1``

The vault looks like one kept by a busy job seeker over several years: people,
companies, applications, interviews and meetings, daily notes and a few loose notes,
with the variety real vaults have — quoted wikilinks in frontmatter, wikilinks with
aliases, headings and block refs, embeds, Markdown links, nested tags, Dataview inline
fields in all three forms, Tasks-plugin checkboxes with emoji dates, fenced and inline
code (with link-like text inside that must not count), tables with escaped pipes,
callouts, HTML and ``%%`` comments, some unresolved links, and a few files with CRLF
line endings or a BOM. The same seed always gives byte-identical files.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

TODAY = date(2026, 11, 23)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST = _words(
    "Aisha Alex Amara Ana Ben Bruno Carla Chen Chloe Dana Daniel Diego Dmitri Elena Emeka "
    "Eva Fatima Felix Grace Hannah Hiro Ines Ivan Jamal Jonah Julia Kai Keisha Lars Leila "
    "Leo Lina Marcus Maria Mateo Maya Mei Nadia Noah Nora Omar Priya Rafael Rosa Sam Sara "
    "Sofia Tariq Theo Uma Victor Wen Yara Yusuf Zoe Ola Pablo Quinn Ravi Sven"
)
LAST = _words(
    "Okafor Lindgren Moreno Natarajan Park Lee Brandt Whitaker Cho Jensen Volkov Bello "
    "Garcia Kim Nguyen Smith Rossi Muller Silva Tanaka Kowalski Haddad Ivanova Dubois "
    "Schmidt Costa Novak Ahmed Larsen Weber Fischer Romano Santos Yilmaz Popescu Horvat "
    "Berg Walsh Murphy Kelly Singh Patel Sato Suzuki Wang Zhang Li Chen Ali Khan Osei "
    "Mensah Adeyemi Eze Nakamura Ortiz Ramos Castillo Vega Reyes Moreau"
)
CO_A = _words(
    "Northwind Halcyon Kestrel Tidewater Copperline Brightfield Bluebird Redwood Granite "
    "Silverline Ironclad Harbor Summit Lumen Vector Quartz Cobalt Meridian Polar Cedar "
    "Aurora Falcon Beacon Orbit Pioneer Sterling Willow Crescent Nimbus Atlas Helix Prism"
)
CO_B = _words(
    "Labs Health Payments Analytics Systems Energy Robotics Data Cloud Bio Logistics "
    "Media Security Finance Foods Mobility Networks Software Studio Works"
)
CO_C = ("", " Inc", " Group", " Co", " AI", " Digital", " Partners", " Global")
ROLES = (
    "Senior Data Engineer", "Staff Engineer", "Engineering Manager", "Technical Recruiter",
    "VP Engineering", "Product Manager", "Senior Backend Engineer", "Data Scientist",
    "Head of Platform", "Principal Engineer", "Talent Partner", "CTO",
)
INTERESTS = (
    "sourdough baking", "cycling", "running", "jazz", "vinyl", "climbing", "chess",
    "board games", "sci-fi", "photography", "gardening", "wine", "podcasts", "hiking",
    "woodworking", "cooking", "sailing", "pottery", "birding", "tennis",
)
TOPICS = (
    "event sourcing", "dbt incremental models", "Airflow migrations", "Iceberg tables",
    "data contracts", "on-call load", "the claims pipeline", "streaming joins",
    "the reorg", "hiring plans for Q1", "remote policy", "the Snowflake bill",
)
CADENCES = ("30d", "6 weeks", "monthly", "quarterly", "quarterly", "2w", "45", "yearly", "never")
STATUSES = ("planned", "applied", "interviewing", "rejected", "offer", "withdrawn")
WORDS = _words(
    "pipeline schema latency backfill partition ledger replay contract warehouse lineage "
    "retention snapshot schedule incident budget roadmap offsite mentor referral panel "
    "loop offer salary equity benefits timeline feedback follow-up coffee intro standup"
)


@dataclass
class _Plan:
    people: list[str]
    companies: list[str]
    applications: list[str]
    interactions: list[str]
    days: list[date]
    misc: int


def _plan(total: int) -> _Plan:
    """Split ``total`` notes into kinds with a real vault's proportions."""
    companies = max(2, total * 8 // 100)
    applications = max(1, total * 10 // 100)
    interactions = max(1, total * 12 // 100)
    daily = max(1, total * 28 // 100)
    misc = max(0, total * 4 // 100)
    people = max(1, total - companies - applications - interactions - daily - misc - 1)
    return _Plan(
        people=_unique_people(people),
        companies=_unique_companies(companies),
        applications=[""] * applications,
        interactions=[""] * interactions,
        days=[TODAY - timedelta(days=i) for i in range(daily)],
        misc=misc,
    )


def _unique_people(count: int) -> list[str]:
    out: list[str] = []
    initials = [""] + [f" {chr(c)}." for c in range(ord("A"), ord("Z") + 1)]
    for middle in initials:
        for last in LAST:
            for first in FIRST:
                out.append(f"{first}{middle} {last}")
                if len(out) == count:
                    return out
    index = 0
    while len(out) < count:  # astronomically large vaults: number them
        index += 1
        out.append(f"Person {index}")
    return out


def _unique_companies(count: int) -> list[str]:
    out: list[str] = []
    for suffix in CO_C:
        for b in CO_B:
            for a in CO_A:
                out.append(f"{a} {b}{suffix}")
                if len(out) == count:
                    return out
    index = 0
    while len(out) < count:
        index += 1
        out.append(f"Company {index}")
    return out


class _Writer:
    """Builds note texts from one seeded random stream."""

    def __init__(self, plan: _Plan, rng: random.Random) -> None:
        self.plan = plan
        self.rng = rng
        self.works_at: dict[str, str] = {}
        for person in plan.people:
            if rng.random() < 0.85:
                self.works_at[person] = rng.choice(plan.companies)

    # -- small pieces ---------------------------------------------------------------------
    def day(self, within: int = 400) -> date:
        return TODAY - timedelta(days=self.rng.randrange(within))

    def person(self) -> str:
        return self.rng.choice(self.plan.people)

    def company(self) -> str:
        return self.rng.choice(self.plan.companies)

    def sentence(self, low: int = 6, high: int = 16) -> str:
        words = [self.rng.choice(WORDS) for _ in range(self.rng.randint(low, high))]
        words[0] = words[0].capitalize()
        return " ".join(words) + "."

    def link(self, name: str) -> str:
        """A wikilink in one of the forms people write."""
        roll = self.rng.random()
        if roll < 0.6:
            return f"[[{name}]]"
        if roll < 0.75:
            return f"[[{name}|{name.split()[0]}]]"
        if roll < 0.85:
            return f"[[{name}#Log]]"
        if roll < 0.9:
            return f"[[{name}#^{self.rng.choice(('intro', 'call', 'note'))}]]"
        if roll < 0.95:
            return f"[{name}]({name.replace(' ', '%20')}.md)"
        return f"[[{name}.md|{name}]]"

    def task(self, who: str, written: date | None = None) -> str:
        """A task about ``who`` written on ``written`` (a recent day by default); like
        real ones, tasks from more than a month ago are nearly all done."""
        rng = self.rng
        written = written or self.day(45)
        when = written + timedelta(days=rng.randint(1, 14))
        roll = rng.random()
        if (TODAY - written).days > 30 and rng.random() < 0.95:
            roll = 0.5  # done
        if roll < 0.25:
            return f"- [ ] Send {self.link(who)} the article on {rng.choice(TOPICS)} 📅 {when}"
        if roll < 0.75:
            done = min(written + timedelta(days=rng.randint(0, 7)), TODAY)
            return f"- [x] Thank-you note to {self.link(who)} ✅ {done}"
        if roll < 0.9:
            return f"- [ ] Ask {self.link(who)} about {rng.choice(TOPICS)} [due:: {when}]"
        return f"- [ ] Follow up with {self.link(who)} ⏳ {when} 📅 {when + timedelta(days=3)}"

    def paragraph(self, links: int = 1) -> str:
        parts = [self.sentence()]
        for _ in range(links):
            parts.append(f"Talked with {self.link(self.person())} about {self.rng.choice(TOPICS)}.")
            parts.append(self.sentence(4, 10))
        return " ".join(parts)

    def extras(self) -> list[str]:
        """Syntax variety: code, tables, callouts, comments, math, embeds."""
        rng = self.rng
        out: list[str] = []
        if rng.random() < 0.25:
            out += [
                "```python",
                "# [[Not A Link]] #not-a-tag",
                f"rows = load('{rng.choice(WORDS)}')  # due:: never",
                "print(len(rows))",
                "```",
                "",
            ]
        if rng.random() < 0.2:
            a, b = self.person(), self.person()
            out += [
                "| Who | Topic | When |",
                "|---|---|---|",
                f"| [[{a}\\|{a.split()[0]}]] | {rng.choice(TOPICS)} | {self.day()} |",
                f"| [[{b}]] | `inline [[code]]` | {self.day()} |",
                "",
            ]
        if rng.random() < 0.2:
            out += [
                f"> [!note] {rng.choice(('Reminder', 'Idea', 'Quote'))}",
                f"> {self.sentence()} {self.link(self.person())}",
                "",
            ]
        if rng.random() < 0.15:
            out += [f"<!-- private: {self.sentence()} [[Hidden Link]] -->", ""]
        if rng.random() < 0.15:
            out += [f"%% draft: {self.sentence()} [[Draft Link]] %%", ""]
        if rng.random() < 0.05:
            out += ["$$", "x^2 + [[y]]", "$$", ""]
        if rng.random() < 0.1:
            out += [f"![[{self.person()}]]", ""]
        if rng.random() < 0.05:
            out += [f"See also [[Missing Note {rng.randrange(1000)}]].", ""]
        return out

    # -- notes ----------------------------------------------------------------------------
    def person_note(self, name: str) -> str:
        rng = self.rng
        company = self.works_at.get(name)
        key = rng.choice(("company", "company", "company", "org", "employer"))
        front = ["---", "type: person" if rng.random() < 0.7 else "tags: [person/engineer]"]
        if company:
            front.append(f'{key}: "[[{company}]]"')
        front.append(f"role: {rng.choice(ROLES)}")
        slug = name.lower().replace(" ", "").replace(".", "")
        front.append(f"email: {slug}@example.com")
        if rng.random() < 0.6:
            front.append(f"linkedin: https://www.linkedin.com/in/{slug}")
        front.append(f"met: {self.day(900)}")
        if rng.random() < 0.3:
            front.append(f'met_via: "[[{self.person()}]]"')
        interests = rng.sample(INTERESTS, rng.randint(0, 3))
        if interests:
            front.append(f"interests: [{', '.join(interests)}]")
        if rng.random() < 0.3:  # most people in a real vault have no cadence
            front.append(f"cadence: {rng.choice(CADENCES)}")
        if rng.random() < 0.3:
            front.append(f"last_contact: {self.day(120)}")
        if rng.random() < 0.05:
            front.append(f"snooze_until: {TODAY + timedelta(days=rng.randrange(1, 30))}")
        if rng.random() < 0.1:
            front.append(f"birthday: {rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
        if rng.random() < 0.2:
            front.append(f"aliases: [{name.split()[0]} from {company or 'the meetup'}]")
        front += ["---", f"# {name}", ""]
        body = [self.paragraph(rng.randint(0, 2)), ""]
        if company:
            body += [f"Works at [[{company}]] as a {rng.choice(ROLES).lower()}.", ""]
        body += ["## Log"]
        for _ in range(rng.randint(1, 6)):
            when = self.day(300)
            roll = rng.random()
            if roll < 0.6:
                body.append(f"- {when} — {self.sentence(4, 12)}")
            elif roll < 0.95:
                how = rng.choice(("call", "coffee", "DM"))
                body.append(f"- [[{when}]] {how}: {self.sentence(3, 8)}")
            else:
                body.append(f"- {when} #win {self.sentence(4, 8)}")
        body.append("")
        if rng.random() < 0.5:
            body += ["## Questions", f"- How is {rng.choice(TOPICS)} going?"]
            if rng.random() < 0.5:
                body.append(f"ask:: what does the team think about {rng.choice(TOPICS)}")
            body.append("")
        if rng.random() < 0.3:
            body += [f"impressed:: my answer on {rng.choice(TOPICS)}", ""]
        if rng.random() < 0.1:
            body += [self.task(name), ""]
        body += self.extras()
        return "\n".join(front + body)

    def company_note(self, name: str) -> str:
        rng = self.rng
        front = ["---", "type: company" if rng.random() < 0.8 else 'categories: ["[[Companies]]"]']
        front.append(f"industry: {rng.choice(CO_B).lower()}")
        front.append(f"tags: [company, {rng.choice(('remote', 'hybrid', 'onsite'))}]")
        front += ["---", f"# {name}", "", self.sentence(8, 20), ""]
        body = ["## News"]
        for _ in range(rng.choice((0, 0, 1, 2))):
            body.append(f"- {self.day(365)} [news:: {self.sentence(4, 10)}]")
        body += ["", "## People", ""]
        for _ in range(rng.randint(0, 3)):
            body.append(f"- {self.link(self.person())} — {rng.choice(ROLES)}")
        body += ["", (f"Glassdoor (rating:: {rng.randint(2, 5)}) says {self.sentence(4, 8)}"), ""]
        body += self.extras()
        return "\n".join(front + body)

    def application_note(self, index: int) -> tuple[str, str]:
        rng = self.rng
        company = self.company()
        role = rng.choice(ROLES)
        status = rng.choice(STATUSES)
        applied = self.day(300)
        name = f"{company} - {role} {index}"
        front = [
            "---",
            "type: application",
            f'company: "[[{company}]]"',
            f"role: {role}",
            f"status: {status}",
            f"applied: {applied}",
        ]
        if status in ("rejected", "offer", "withdrawn"):
            front.append(f"decided: {applied + timedelta(days=rng.randint(5, 40))}")
        contacts = [self.person() for _ in range(rng.randint(0, 2))]
        if contacts:
            front.append("contacts:")
            front += [f'  - "[[{c}]]"' for c in contacts]
        front += ["---", f"# {role} at [[{company}]]", ""]
        body = [
            f"Posting: https://jobs.example.com/{rng.randrange(10**6)} "
            f"(salary:: {rng.randint(120, 260)}k)",
            "",
            "## Timeline",
            f"- {applied} applied via {rng.choice(('referral', 'LinkedIn', 'careers page'))}",
        ]
        if contacts:
            when = applied + timedelta(days=1)
            if (TODAY - applied).days > 14:
                body.append(f"- [x] Let {self.link(contacts[0])} know I applied ✅ {when}")
            else:
                body.append(f"- [ ] Let {self.link(contacts[0])} know I applied 📅 {when}")
        body += ["", self.sentence(), ""]
        body += self.extras()
        return name, "\n".join(front + body)

    def interaction_note(self, index: int) -> tuple[str, str, str]:
        rng = self.rng
        kind = rng.choice(("interview", "interview", "meeting", "call", "coffee", "informational"))
        when = self.day(300)
        people = [self.person() for _ in range(rng.randint(1, 3))]
        company = self.works_at.get(people[0]) or self.company()
        folder = "Interviews" if kind == "interview" else "Meetings"
        name = f"{when} {kind.capitalize()} with {people[0]} {index}"
        front = ["---", f"type: {kind}", f"date: {when}"]
        key = rng.choice(("with", "attendees", "people"))
        if len(people) == 1 and rng.random() < 0.5:
            front.append(f'{key}: "[[{people[0]}]]"')
        else:
            front.append(f"{key}:")
            front += [f'  - "[[{p}]]"' for p in people]
        front.append(f'company: "[[{company}]]"')
        front.append(f"outcome: {rng.choice(('advanced', 'rejected', 'pending', 'good chat'))}")
        front += ["---", f"# {kind.capitalize()} — {company}", ""]
        body: list[str] = []
        for person in people:
            body += [
                f"## {person}",
                f"{self.link(person)} was really impressed by my {rng.choice(TOPICS)} story. "
                f"We talked about {rng.choice(INTERESTS)} for a while.",
                "",
            ]
        body += [
            "## Notes",
            f"- They use {rng.choice(TOPICS)}; team of {rng.randint(3, 30)}",
            f"- Next step:: {rng.choice(('onsite', 'take-home', 'HM call', 'none'))}",
            f"- {self.sentence(4, 9)} "
            f"#interview/{rng.choice(('technical', 'behavioral', 'screen'))}",
            "",
            self.task(people[0], when),
            "",
        ]
        body += self.extras()
        return folder, name, "\n".join(front + body)

    def daily_note(self, day: date) -> str:
        rng = self.rng
        lines = [f"# {day:%A, %d %B %Y}", "", "## Notes"]
        for _ in range(rng.randint(1, 4)):
            lines += [self.paragraph(rng.randint(0, 2)), ""]
        lines += ["## Tasks"]
        for _ in range(rng.randint(0, 3)):
            lines.append(self.task(self.person(), day))
        lines += ["", f"mood:: {rng.choice(('good', 'tired', 'hopeful', 'meh'))}", ""]
        if rng.random() < 0.3:
            tag = rng.choice(("jobsearch", "learning/sql", "health"))
            lines += [f"- Read `[[not a link]]` and #{tag}", ""]
        lines += self.extras()
        return "\n".join(lines)

    def misc_note(self, index: int) -> str:
        rng = self.rng
        lines = [f"# Notes {index}", "", self.paragraph(2), "", "## Reading list"]
        for _ in range(rng.randint(2, 6)):
            lines.append(f"1. {self.sentence(3, 8)} #reading/{rng.choice(('tech', 'career'))}")
        lines += ["", self.paragraph(1), ""]
        lines += self.extras()
        return "\n".join(lines)


def _safe(name: str) -> str:
    return name.replace("/", "-").replace(":", "-")


def generate(notes: int, out: Path, seed: int = 1) -> int:
    """Write a vault of about ``notes`` notes into ``out`` (emptied first); returns the
    number of notes written."""
    rng = random.Random(seed)
    plan = _plan(notes)
    writer = _Writer(plan, rng)
    if out.exists():
        shutil.rmtree(out)
    (out / ".obsidian").mkdir(parents=True)
    (out / ".obsidian" / "daily-notes.json").write_text(
        json.dumps({"folder": "Daily", "format": "YYYY-MM-DD"}), encoding="utf-8"
    )
    (out / ".obsidian" / "app.json").write_text(
        json.dumps({"userIgnoreFilters": ["Archive/"]}), encoding="utf-8"
    )
    files: list[tuple[str, str]] = []
    me = "---\ntype: me\nname: Sam Rivera\ninterests: [cycling, jazz, sourdough baking]\n---\n"
    files.append(("Me.md", me + "# Me\n"))
    for name in plan.people:
        files.append((f"People/{_safe(name)}.md", writer.person_note(name)))
    for name in plan.companies:
        files.append((f"Companies/{_safe(name)}.md", writer.company_note(name)))
    for index in range(len(plan.applications)):
        name, text = writer.application_note(index)
        files.append((f"Applications/{_safe(name)}.md", text))
    for index in range(len(plan.interactions)):
        folder, name, text = writer.interaction_note(index)
        files.append((f"{folder}/{_safe(name)}.md", text))
    for day in plan.days:
        files.append((f"Daily/{day.isoformat()}.md", writer.daily_note(day)))
    for index in range(plan.misc):
        files.append((f"Notes/Topic {index}.md", writer.misc_note(index)))
    for path, text in files:
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        data = (text.rstrip("\n") + "\n").encode("utf-8")
        roll = rng.random()
        if roll < 0.03:
            data = data.replace(b"\n", b"\r\n")
        elif roll < 0.04:
            data = b"\xef\xbb\xbf" + data
        target.write_bytes(data)
    return len(files)


def edit_notes(vault: Path, fraction: float, seed: int = 2) -> list[Path]:
    """Append a dated log line to ``fraction`` of the notes (at least one), as a user
    editing during the day would; returns the files changed."""
    paths = sorted(p for p in vault.rglob("*.md") if ".obsidian" not in p.parts)
    rng = random.Random(seed)
    count = max(1, round(len(paths) * fraction))
    chosen = sorted(rng.sample(paths, count))
    for path in chosen:
        with path.open("ab") as handle:
            line = f"\n- {TODAY} — edited: {rng.choice(WORDS)} [[{rng.choice(FIRST)}]]\n"
            handle.write(line.encode())
    return chosen


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--notes", type=int, default=1000, help="about how many notes")
    parser.add_argument("--out", type=Path, required=True, help="the vault folder (emptied)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    written = generate(args.notes, args.out, args.seed)
    print(f"wrote {written} notes to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
