"""Build tiny fixture vaults in a temporary folder: one behaviour per vault."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path


def write_vault(root: Path, files: Mapping[str, str]) -> Path:
    """Write ``files`` (vault-relative path -> text, dedented) under ``root``."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root
