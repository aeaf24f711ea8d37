"""Problems found while reading a vault: reported with path and line, never raised."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the vault, traceable to a file and (where known) a line.

    ``code`` is a stable machine id (``unresolved-link``, ``bad-date``, ``unknown-cadence``,
    ``ambiguous-name``, ``malformed-frontmatter``, ``template-person``, ``unreadable-file``,
    ``bad-config``, ...); ``message`` is for people.
    """

    path: str
    line: int | None
    severity: Severity
    code: str
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.severity}: {self.message} [{self.code}]"

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
        }
