"""``vaultlink import linkedin|vcard``: readers, matching, note text, preview and --yes."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

import vaultlink
from tests.vaultfiles import write_vault
from vaultlink.cli import app
from vaultlink.importers import (
    Candidate,
    apply_import,
    linkedin_key,
    note_filename,
    person_note,
    plan_import,
    yaml_quote,
)
from vaultlink.importers.linkedin import parse_connections, parse_date, read_connections
from vaultlink.importers.vcard import parse_birthday, parse_vcards, read_vcards, unfold
from vaultlink.notes import parse_note

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "importers"
CSV = FIXTURES / "Connections.csv"
VCF = FIXTURES / "contacts.vcf"
ENV = {"COLUMNS": "200", "NO_COLOR": "1", "VAULTLINK_VAULT": None}

VAULT = {
    "People/Jane Doe.md": """\
        ---
        type: person
        company: "[[Acme Corp]]"
        linkedin: https://linkedin.com/in/janedoe
        email: jane.doe@acme.example
        ---
        # Jane Doe
        """,
    "People/Sam Lee.md": """\
        ---
        type: person
        email: sam.lee@example.com
        ---
        """,
    "Companies/Acme Corp.md": """\
        ---
        type: company
        aliases: [Acme]
        ---
        """,
}


@pytest.fixture
def vault_dir(tmp_path: Path) -> Path:
    return write_vault(tmp_path / "vault", VAULT)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def invoke(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), env=ENV)


# ---------------------------------------------------------------------------- LinkedIn


def test_linkedin_reader_handles_bom_preamble_quotes_and_lines() -> None:
    assert CSV.read_bytes().startswith(b"\xef\xbb\xbfNotes:")
    people, problems = read_connections(CSV)
    names = [p.name for p in people]
    assert names[:5] == ["Siobhán O'Brien", "Jane Doe", "Samuel Lee", "Marcus Chen, PhD",
                         'Ana "Nana" Silva']
    first = people[0]
    assert first.company == "Smith, Jones & Partners, LLP"
    assert first.role == "Senior Data Engineer"
    assert first.linkedin == "https://www.linkedin.com/in/siobhan-obrien"
    assert first.met == date(2024, 11, 12)
    assert first.line == 5  # physical line in the file, after the 4 preamble/header lines
    assert people[3].role == "VP, Platform: Infra #1"
    assert people[2].emails == ("Sam.Lee@Example.com",)
    # the all-empty row is dropped; the nameless one is kept (the plan reports it)
    assert "" in names
    kofi = next(p for p in people if p.name == "Kofi Mensah")
    assert kofi.met is None
    assert [(p.line, p.code) for p in problems] == [(12, "bad-date")]


def test_linkedin_header_found_by_name_in_any_order_without_preamble() -> None:
    text = "Connected On,Email Address,Last Name,First Name,Company\n" \
           "02 Jan 2025,a@b.example,Ng,Wei,Hooli\n"
    people, problems = parse_connections(text)
    assert problems == []
    assert people[0].name == "Wei Ng"
    assert people[0].company == "Hooli"
    assert people[0].met == date(2025, 1, 2)
    assert people[0].linkedin is None


def test_not_a_linkedin_export_is_an_error() -> None:
    people, problems = parse_connections("name,phone\nA,1\n")
    assert people == []
    assert problems[0].severity == "error"
    assert "First Name" in problems[0].message


@pytest.mark.parametrize(("text", "expected"), [
    ("12 Nov 2024", date(2024, 11, 12)),
    ("1 Feb 2025", date(2025, 2, 1)),
    ("05 September 2023", date(2023, 9, 5)),
    ("Nov 12, 2024", date(2024, 11, 12)),
    ("2024-11-12", date(2024, 11, 12)),
    ("11/12/2024", date(2024, 11, 12)),
    ("12-Nov-24", date(2024, 11, 12)),
    ("31 Nov 2024", None),
    ("yesterday", None),
    ("", None),
])
def test_linkedin_dates(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


# ------------------------------------------------------------------------------- vCard


def test_unfold_joins_continuation_lines() -> None:
    assert unfold("NOTE:ab\r\n c\r\n\td\r\nFN:x") == [(1, "NOTE:abcd"), (4, "FN:x")]
    # only one whitespace character is removed
    assert unfold("NOTE:a\n  b") == [(1, "NOTE:a b")]


def test_vcard_reader_on_fixture() -> None:
    people, problems = read_vcards(VCF)
    by_name = {p.name: p for p in people}
    assert list(by_name) == ["Adaeze Okonkwo", "Tomás Rivera", "Zoë Müller", "Jane Doe",
                             "Kenji Nakamura"]
    ada = by_name["Adaeze Okonkwo"]
    assert ada.company == "Halcyon Health, Inc."  # escaped comma, first ORG component
    assert ada.role == "Director of Engineering"
    assert ada.emails == ("ada.okonkwo@halcyon.example", "ada@home.example")
    assert ada.linkedin == "https://www.linkedin.com/in/adaeze-okonkwo"
    assert ada.birthday == "1988-07-04"
    assert ada.aliases == ("Ada",)
    assert ada.note == ("Met at the PyData London meetup, talked about on-call rotations and "
                        "how her team moved to SLOs.\nShe offered to review my resume.")
    tomas = by_name["Tomás Rivera"]
    assert tomas.emails[0] == "tomas.rivera@kestrel.example"  # PREF=1 first
    assert tomas.linkedin == "https://www.linkedin.com/in/tomas-rivera-eng"  # folded URL
    assert tomas.birthday == "03-14"
    zoe = by_name["Zoë Müller"]  # vCard 2.1 quoted-printable with a soft line break
    assert zoe.note == "Recruiter at Umbrella — reach out after the holidays."
    assert zoe.company == "Umbrella Labs"
    kenji = by_name["Kenji Nakamura"]
    assert kenji.birthday == "11-02"  # Apple's year-less 1604
    assert kenji.linkedin == "https://www.linkedin.com/in/kenji-nakamura"
    assert [(p.code, p.line) for p in problems] == [("not-a-person", 40)]


def test_vcard_n_only_quoted_params_and_groups() -> None:
    text = (
        "BEGIN:VCARD\nVERSION:3.0\nN:Smith;John;Q.;Mr.;Jr.\n"
        'ORG:"Weird;Org":ignored\n'
        'item3.URL;TYPE="work,pref":https://example.com/jsmith\n'
        "item3.X-ABLabel:_$!<HomePage>!$_\n"
        "item4.URL:https://lnkd.example/js\nitem4.X-ABLabel:LinkedIn\n"
        "TITLE:Head of R\\&D\\, EMEA\nEND:VCARD\n"
    )
    people, problems = parse_vcards(text)
    assert problems == []
    [person] = people
    assert person.name == "John Q. Smith"
    assert person.linkedin == "https://lnkd.example/js"  # labelled LinkedIn by its group
    assert person.role == "Head of R&D, EMEA"


def test_vcard_without_cards_is_an_error() -> None:
    people, problems = parse_vcards("hello\n")
    assert people == []
    assert problems[0].severity == "error"


@pytest.mark.parametrize(("value", "expected"), [
    ("1990-03-14", "1990-03-14"), ("19900314", "1990-03-14"), ("--0314", "03-14"),
    ("--03-14", "03-14"), ("1990-03-14T00:00:00Z", "1990-03-14"), ("--0229", "02-29"),
    ("1990-02-30", None), ("circa 1990", None),
])
def test_vcard_birthdays(value: str, expected: str | None) -> None:
    assert parse_birthday(value) == expected


# ------------------------------------------------------------------------ note text


@given(st.text())
def test_yaml_quote_round_trips_any_string(text: str) -> None:
    clean = text.encode("utf-8", "replace").decode("utf-8")  # lone surrogates can't be written
    assert yaml.safe_load(f"key: {yaml_quote(clean)}\n") == {"key": clean}


@given(
    name=st.text(min_size=1).filter(lambda s: s.strip()),
    role=st.text(),
    company=st.text(alphabet=st.characters(exclude_categories=["Cs"]), min_size=1),
)
def test_person_note_frontmatter_round_trips(name: str, role: str, company: str) -> None:
    candidate = Candidate(name=name, role=role or None, emails=("a@b.example",))
    safe = company.encode("utf-8", "replace").decode("utf-8")
    text = person_note(candidate, company_link=(note_filename(safe) or "X", safe),
                       aliases=[name.encode("utf-8", "replace").decode("utf-8")],
                       tag="person/linkedin")
    front = text.split("---\n")[1]
    for data in (yaml.safe_load(front), parse_note("People/x.md", text).properties):
        assert data["type"] == "person"
        assert data["aliases"] == [name.encode("utf-8", "replace").decode("utf-8")]
        if role:
            assert data["role"] == role.encode("utf-8", "replace").decode("utf-8")
        assert data["tags"] == ["person/linkedin"]


def test_names_with_quotes_and_colons_survive_vaultlinks_own_loader() -> None:
    candidate = Candidate(name='Ana "Nana": Silva', role="VP: Ops, #1 \\ lead",
                          met=date(2024, 3, 20), emails=("ana@x.example",))
    text = person_note(candidate, company_link=("Smith, Jones", "Smith, Jones: Ltd"),
                       aliases=['Ana "Nana": Silva'], tag="person/linkedin")
    note = parse_note("People/Ana Nana Silva.md", text)
    assert note.problems == ()
    props = note.properties
    assert props["aliases"] == ['Ana "Nana": Silva']
    assert props["role"] == "VP: Ops, #1 \\ lead"
    assert props["email"] == "ana@x.example"
    assert props["met"] == date(2024, 3, 20)
    [link] = [link for link in note.links if link.key == "company"]
    assert (link.target, link.display) == ("Smith, Jones", "Smith, Jones: Ltd")
    assert [h.text for h in note.headings] == ["Log"]


@pytest.mark.parametrize(("name", "expected"), [
    ("Jane Doe", "Jane Doe"),
    ('Ana "Nana" Silva', "Ana Nana Silva"),
    ("A/B: C*D?", "A B C D"),
    ("[[Jane]] #1 ^x | y", "Jane 1 x y"),
    ("...hidden", "hidden"),
    ("trailing. ", "trailing"),
    ("CON", "CON (contact)"),
    ("  ", ""),
    ("x" * 300, "x" * 200),
])
def test_note_filename(name: str, expected: str) -> None:
    assert note_filename(name) == expected


def test_linkedin_key_normalises_urls() -> None:
    same = {linkedin_key(u) for u in (
        "https://www.linkedin.com/in/JaneDoe/", "http://linkedin.com/in/janedoe",
        "linkedin.com/in/janedoe?trk=abc", "https://uk.linkedin.com/in/janedoe#x",
    )}
    assert same == {"linkedin.com/in/janedoe"}


# ------------------------------------------------------------------------------- plan


def test_plan_skips_existing_people_duplicates_and_nameless(vault_dir: Path) -> None:
    vault = vaultlink.load(vault_dir, use_cache=False)
    people, problems = read_connections(CSV)
    plan = plan_import(vault, people, source="linkedin", tag="person/linkedin",
                       problems=problems)
    assert [p.path for p in plan.create] == [
        "People/Siobhán O'Brien.md", "People/Marcus Chen, PhD.md",
        "People/Ana Nana Silva.md", "People/Kofi Mensah.md",
    ]
    reasons = {(s.candidate.name, s.existing): s.reason for s in plan.skip}
    assert "same LinkedIn profile" in reasons[("Jane Doe", "People/Jane Doe.md")]
    assert "same email" in reasons[("Samuel Lee", "People/Sam Lee.md")]
    assert reasons[("", None)] == "no name"
    assert "appears twice" in reasons[("Siobhán O'Brien", "People/Siobhán O'Brien.md")]
    marcus = next(p for p in plan.create if p.candidate.name == "Marcus Chen, PhD")
    assert marcus.company_path == "Companies/Acme Corp.md"  # "ACME CORP, INC." matched


def test_plan_matches_by_name_and_alias_and_refuses_taken_file_names(tmp_path: Path) -> None:
    root = write_vault(tmp_path, {
        **VAULT,
        "People/Bob Stone.md": "---\ntype: person\naliases: [Robert Stone]\n---\n",
        "Notes/Priya Patel.md": "Just a note that happens to have this name.\n",
    })
    vault = vaultlink.load(root, use_cache=False)
    plan = plan_import(vault, [
        Candidate(name="jane  DOE"), Candidate(name="Robert Stone"),
        Candidate(name="Priya Patel"), Candidate(name="Liu Yang"),
    ], source="linkedin", tag="person/linkedin")
    assert [p.path for p in plan.create] == ["People/Liu Yang.md"]
    skipped = {s.candidate.name: s for s in plan.skip}
    assert skipped["jane DOE"].existing == "People/Jane Doe.md"
    assert skipped["Robert Stone"].existing == "People/Bob Stone.md"
    assert skipped["Priya Patel"].existing == "Notes/Priya Patel.md"
    assert "not overwriting" in skipped["Priya Patel"].reason


def test_plan_rejects_folders_outside_the_vault(vault_dir: Path) -> None:
    vault = vaultlink.load(vault_dir, use_cache=False)
    for bad in ("../elsewhere", "/abs", ".hidden", "a/../../b", "~/x", "C:/x"):
        with pytest.raises(ValueError, match="inside the vault"):
            plan_import(vault, [Candidate(name="A B")], source="x", tag="t", folder=bad)
    plan = plan_import(vault, [Candidate(name="A B")], source="x", tag="t",
                       folder="Network/Imported/")
    assert plan.create[0].path == "Network/Imported/A B.md"


def test_apply_refuses_a_file_created_after_the_plan(vault_dir: Path) -> None:
    vault = vaultlink.load(vault_dir, use_cache=False)
    plan = plan_import(vault, [Candidate(name="Liu Yang"), Candidate(name="Omar Haddad")],
                       source="linkedin", tag="person/linkedin")
    (vault_dir / "People" / "Liu Yang.md").write_text("mine\n", encoding="utf-8")
    report = apply_import(vault, plan)
    assert report.written == ("People/Omar Haddad.md",)
    assert [r.path for r in report.refused] == ["People/Liu Yang.md"]
    assert (vault_dir / "People" / "Liu Yang.md").read_text(encoding="utf-8") == "mine\n"


# -------------------------------------------------------------------------------- CLI


def test_cli_preview_writes_nothing(vault_dir: Path) -> None:
    before = snapshot(vault_dir)
    result = invoke("import", "linkedin", str(CSV), "--vault", str(vault_dir))
    assert result.exit_code == 0, result.output
    assert "4 to create, 4 to skip" in result.stdout
    assert "Nothing was written" in result.stdout
    assert "Siobhán O'Brien" in result.stdout
    assert "same email as People/Sam Lee.md" in result.stdout
    assert snapshot(vault_dir) == before


def test_cli_yes_creates_notes_vaultlink_loads_as_people(vault_dir: Path) -> None:
    result = invoke("import", "linkedin", str(CSV), "--vault", str(vault_dir), "--yes")
    assert result.exit_code == 0, result.output
    assert "4 note(s) created, 4 skipped" in result.stdout
    vault = vaultlink.load(vault_dir, use_cache=False)
    siobhan = vault.people["People/Siobhán O'Brien.md"]
    assert siobhan.company_name == "Smith, Jones & Partners, LLP"
    assert siobhan.role == "Senior Data Engineer"
    assert siobhan.met == date(2024, 11, 12)
    assert siobhan.linkedin == "https://www.linkedin.com/in/siobhan-obrien"
    assert "person/linkedin" in siobhan.tags
    marcus = vault.people["People/Marcus Chen, PhD.md"]
    assert marcus.company == "Companies/Acme Corp.md"  # linked to the existing company note
    assert marcus.email == "marcus@example.org"
    assert marcus.role == "VP, Platform: Infra #1"
    ana = vault.person('Ana "Nana" Silva')  # alias keeps the real name reachable
    assert ana.path == "People/Ana Nana Silva.md"
    text = (vault_dir / "People" / "Marcus Chen, PhD.md").read_text(encoding="utf-8")
    assert text.startswith("---\ntype: person\n")
    assert 'company: "[[Acme Corp]]"' in text
    assert text.endswith("\n## Log\n")
    # the existing notes are untouched
    assert (vault_dir / "People" / "Jane Doe.md").read_text(encoding="utf-8").endswith(
        "# Jane Doe\n")
    assert not [p for p in vault.problems if p.code in ("malformed-frontmatter", "bad-date")]
    # a second run creates nothing: everyone is now in the vault
    again = invoke("import", "linkedin", str(CSV), "--vault", str(vault_dir), "--json")
    data = json.loads(again.stdout)
    assert data["create"] == []
    assert data["dry_run"] is True


def test_cli_vcard_yes_and_json(vault_dir: Path) -> None:
    result = invoke("import", "vcard", str(VCF), "--vault", str(vault_dir), "--yes", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["written"] == ["People/Adaeze Okonkwo.md", "People/Tomás Rivera.md",
                               "People/Zoë Müller.md", "People/Kenji Nakamura.md"]
    assert [s["existing"] for s in data["skip"]] == ["People/Jane Doe.md"]
    vault = vaultlink.load(vault_dir, use_cache=False)
    ada = vault.people["People/Adaeze Okonkwo.md"]
    assert ada.aliases == ("Ada",)
    assert ada.birthday == "07-04"  # the model keeps month and day
    assert vault.notes["People/Adaeze Okonkwo.md"].properties["birthday"] == "1988-07-04"
    assert ada.company_name == "Halcyon Health, Inc."
    assert ada.email == "ada.okonkwo@halcyon.example"
    assert "person/vcard" in ada.tags
    note = vault.notes["People/Adaeze Okonkwo.md"]
    assert any("review my resume" in b.text for b in note.blocks)


def test_cli_folder_option_and_errors(vault_dir: Path, tmp_path: Path) -> None:
    result = invoke("import", "vcard", str(VCF), "--vault", str(vault_dir), "--folder",
                    "Contacts/Phone", "--yes")
    assert result.exit_code == 0, result.output
    assert (vault_dir / "Contacts" / "Phone" / "Zoë Müller.md").is_file()
    bad = invoke("import", "vcard", str(VCF), "--vault", str(vault_dir), "--folder", "../x")
    assert bad.exit_code == 2
    assert "inside the vault" in bad.stderr
    missing = invoke("import", "linkedin", str(tmp_path / "nope.csv"), "--vault",
                     str(vault_dir))
    assert missing.exit_code == 2
    assert "cannot read" in missing.stderr
    wrong = tmp_path / "other.csv"
    wrong.write_text("a,b\n1,2\n", encoding="utf-8")
    not_linkedin = invoke("import", "linkedin", str(wrong), "--vault", str(vault_dir))
    assert not_linkedin.exit_code == 2
    assert "First Name" in not_linkedin.stderr
    assert "Traceback" not in not_linkedin.output


def test_cli_refused_write_exits_1(vault_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import vaultlink.importers as importers

    real = importers.apply_import

    def racing(vault: Any, plan: Any) -> Any:
        (vault_dir / "People" / "Kofi Mensah.md").write_text("mine\n", encoding="utf-8")
        return real(vault, plan)

    monkeypatch.setattr(importers, "apply_import", racing)
    result = invoke("import", "linkedin", str(CSV), "--vault", str(vault_dir), "--yes")
    assert result.exit_code == 1
    assert "refused" in result.stderr
    assert (vault_dir / "People" / "Kofi Mensah.md").read_text(encoding="utf-8") == "mine\n"


def test_import_into_a_copy_of_the_sample_vault(tmp_path: Path) -> None:
    sample = Path(__file__).resolve().parent.parent / "sample_vault"
    root = tmp_path / "sample"
    shutil.copytree(sample, root)
    vault = vaultlink.load(root, use_cache=False)
    existing = next(p for p in vault.people.values() if p.linkedin)
    assert existing.linkedin is not None
    plan = plan_import(vault, [
        Candidate(name="Someone New", linkedin=existing.linkedin.upper() + "/"),
        Candidate(name=existing.name.upper()),
        Candidate(name="Brand New Person", company=existing.company_name),
    ], source="linkedin", tag="person/linkedin")
    assert [s.existing for s in plan.skip] == [existing.path, existing.path]
    [created] = plan.create
    if existing.company is not None:
        assert created.company_path == existing.company


def test_new_notes_follow_the_vaults_conventions(tmp_path: Path) -> None:
    """A vault that files people under References/ with ``categories: [[People]]`` (the
    kepano template) gets new people there, in the same style."""
    root = write_vault(tmp_path, {
        "References/Steph Ango.md": '---\ncategories:\n  - "[[People]]"\norg: []\n---\n',
        "References/Kevin Kelly.md": '---\ncategories:\n  - "[[People]]"\n---\n',
        "References/A Book.md": '---\ncategories:\n  - "[[Books]]"\n---\n',
    })
    vault = vaultlink.load(root, use_cache=False)
    plan = plan_import(vault, [Candidate(name="Liu Yang", company="Hooli")],
                       source="linkedin", tag="person/linkedin")
    [planned] = plan.create
    assert planned.path == "References/Liu Yang.md"
    assert planned.text.startswith('---\ncategories: ["[[People]]"]\ncompany: "[[Hooli]]"\n')
    assert "type: person" not in planned.text
    apply_import(vault, plan)
    again = vaultlink.load(root, use_cache=False)
    assert again.people["References/Liu Yang.md"].company_name == "Hooli"
    # an explicit --folder still wins; a vault without people uses the configured folder
    assert plan_import(vault, [Candidate(name="Wei Ng")], source="x", tag="t",
                       folder="Contacts").create[0].path == "Contacts/Wei Ng.md"
    empty = vaultlink.load(write_vault(tmp_path / "empty", {"Home.md": "hi\n"}), use_cache=False)
    [fresh] = plan_import(empty, [Candidate(name="Wei Ng")], source="x", tag="t").create
    assert fresh.path == "People/Wei Ng.md"
    assert fresh.text.startswith("---\ntype: person\n")


def test_import_into_a_copy_of_the_kepano_vault(tmp_path: Path) -> None:
    kepano = Path("/work/shared/vaults/kepano-obsidian")
    if not kepano.is_dir():
        pytest.skip("the real vaults are not available")
    root = tmp_path / "kepano"
    shutil.copytree(kepano, root)
    before = snapshot(root)
    result = invoke("import", "vcard", str(VCF), "--vault", str(root), "--yes", "--json")
    assert result.exit_code == 0, result.output
    written = json.loads(result.stdout)["written"]
    assert written
    assert all(p.startswith("References/") for p in written)
    after = snapshot(root)
    assert {k: v for k, v in after.items() if k not in written} == before  # nothing else changed
    vault = vaultlink.load(root, use_cache=False)
    assert set(written) <= set(vault.people)


def test_windows_1252_exports_are_read_with_a_warning(tmp_path: Path) -> None:
    from vaultlink.importers.linkedin import read_connections
    from vaultlink.importers.vcard import read_vcards

    csv_file = tmp_path / "Connections.csv"
    csv_file.write_bytes(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Zoë,Müller,,,Café Ltd,CTO,12 Nov 2024\n".encode("cp1252")
    )
    people, problems = read_connections(csv_file)
    assert [p.name for p in people] == ["Zoë Müller"]
    assert [(p.code, p.path) for p in problems] == [("bad-import", "Connections.csv")]

    vcf = tmp_path / "c.vcf"
    vcf.write_bytes("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoë Müller\r\nEND:VCARD\r\n".encode("cp1252"))
    cards, problems = read_vcards(vcf)
    assert [c.name for c in cards] == ["Zoë Müller"]
    assert [p.code for p in problems] == ["bad-import"]
