"""HTML for Jupyter (``_repr_html_``) and pandas conversion, kept out of the records."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, is_dataclass
from html import escape
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vaultlink.records import Person


def person_html(person: Person) -> str:
    rows = [
        ("company", person.company_name or person.company or ""),
        ("role", person.role or ""),
        ("cadence", f"{person.cadence} days" if person.cadence else "—"),
        ("last contact", str(person.last_contact or "—")
         + (f" ({person.last_contact_source})" if person.last_contact_source else "")),
        ("interests", ", ".join(person.interests)),
        ("contacts", str(len(person.contacts))),
        ("signals", str(len(person.signals))),
    ]
    body = "".join(
        f"<tr><th style='text-align:left'>{escape(k)}</th><td>{escape(v)}</td></tr>"
        for k, v in rows
    )
    return f"<b>{escape(person.name)}</b> <code>{escape(person.path)}</code><table>{body}</table>"


def records_html(records: Iterable[Any], columns: Iterable[str]) -> str:
    """A small HTML table of records, for lists shown in a notebook."""
    cols = list(columns)
    head = "".join(f"<th>{escape(c)}</th>" for c in cols)
    rows = []
    for record in records:
        cells = "".join(f"<td>{escape(_cell(getattr(record, c, '')))}</td>" for c in cols)
        rows.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple | list):
        return ", ".join(_cell(v) for v in value)
    return str(value)


def to_dataframe(records: Iterable[Any]) -> Any:
    """Records -> pandas.DataFrame (needs the ``pandas`` extra)."""
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("pandas is not installed: pip install 'vaultlink[pandas]'") from exc
    rows = [asdict(r) if is_dataclass(r) and not isinstance(r, type) else r for r in records]
    return pd.DataFrame(rows)


class RecordList(list[Any]):
    """A list of records that shows as a table in Jupyter and converts to pandas.

    ``vault.due()`` and ``vault.starters()`` return one, so a notebook cell shows a
    readable table instead of a wall of dataclass reprs; it is still a plain ``list``.
    """

    def __init__(self, items: Iterable[Any] = (), columns: Iterable[str] = ()) -> None:
        super().__init__(items)
        self.columns = tuple(columns)

    def _repr_html_(self) -> str:
        columns = self.columns
        if not columns and self and is_dataclass(self[0]):
            from dataclasses import fields

            columns = tuple(f.name for f in fields(self[0]))
        if not self:
            return "<i>(none)</i>"
        return records_html(self, columns)

    def to_dataframe(self) -> Any:
        """The records as a pandas DataFrame (needs the ``pandas`` extra)."""
        return to_dataframe(self)


def record_html(record: Any, columns: Iterable[str]) -> str:
    """One record as a two-column table: field, value."""
    body = "".join(
        f"<tr><th style='text-align:left'>{escape(c)}</th>"
        f"<td>{escape(_cell(getattr(record, c, '')))}</td></tr>"
        for c in columns
    )
    return f"<table>{body}</table>"
