"""Notebook use: records and lists render as HTML; pandas conversion (the extra)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import vaultlink

SAMPLE = Path(__file__).resolve().parents[1] / "sample_vault"
TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def vault() -> vaultlink.Vault:
    return vaultlink.load(SAMPLE, use_cache=False)


def test_due_and_starters_are_lists_that_render_as_tables(vault: vaultlink.Vault) -> None:
    due = vault.due(today=TODAY)
    assert isinstance(due, list)
    html = due._repr_html_()  # type: ignore[attr-defined]
    assert html.startswith("<table>")
    assert html.count("<tr>") == len(due) + 1
    assert "Mei Tanaka" in html
    starters = vault.starters("Dana Okafor", today=TODAY)
    assert "<th>text</th>" in starters._repr_html_()  # type: ignore[attr-defined]


def test_records_render_as_html(vault: vaultlink.Vault) -> None:
    person = vault.people["People/Dana Okafor.md"]
    assert "Dana Okafor" in person._repr_html_()
    company = next(iter(vault.companies.values()))
    assert company.name in company._repr_html_()
    application = next(iter(vault.applications.values()))
    assert "status" in application._repr_html_()
    interaction = next(iter(vault.interactions.values()))
    assert "kind" in interaction._repr_html_()


def test_dataframes(vault: vaultlink.Vault) -> None:
    pytest.importorskip("pandas")
    people = vault.to_dataframe("people")
    assert len(people) == len(vault.people)
    assert {"path", "name", "company", "cadence", "last_contact"} <= set(people.columns)
    due = vault.due(today=TODAY).to_dataframe()  # type: ignore[attr-defined]
    assert list(due["rule"])[:2] == ["cadence", "thank-you"]
    with pytest.raises(ValueError, match="what must be one of"):
        vault.to_dataframe("nothing")
