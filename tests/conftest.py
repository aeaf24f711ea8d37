"""Suite-wide fixtures."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _private_cache_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test gets its own parse cache folder (outside any test vault): the suite
    never reads or writes the real user cache, and tests never share cache files."""
    monkeypatch.setenv("VAULTLINK_CACHE_DIR", str(tmp_path_factory.mktemp("vaultlink-cache")))
