"""Parallel parsing gives exactly what sequential parsing gives."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

import vaultlink
import vaultlink.parse_all as parse_all
from benchmarks.generate import generate
from vaultlink.scan import scan
from vaultlink.settings import read_settings

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("synthetic") / "vault"
    generate(240, root, seed=7)
    broken = b"---\ntype: [person\n---\n\xff\xfe bad bytes [[X]]\n"
    (root / "Notes" / "broken.md").write_bytes(broken)
    return root


def test_parallel_and_sequential_parses_are_identical(
    synthetic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parse_all, "PARALLEL_THRESHOLD", 1)
    settings, _ = read_settings(synthetic)
    entries = scan(synthetic, settings.ignore_filters).notes
    sequential = parse_all.parse_entries(synthetic, entries, use_cache=False, workers=1)
    calls: list[int] = []
    real = parse_all._parse_parallel

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(len(args[0]))
        return real(*args, **kwargs)

    monkeypatch.setattr(parse_all, "_parse_parallel", spy)
    seen: list[tuple[int, int]] = []
    parallel = parse_all.parse_entries(
        synthetic, entries, use_cache=False, workers=2, progress=lambda d, t: seen.append((d, t))
    )
    assert calls == [len(entries)]  # the pool really ran
    assert parallel == sequential
    assert [n.path for n in parallel] == [e.path for e in entries]
    assert seen[-1] == (len(entries), len(entries))
    broken = next(n for n in parallel if n.path == "Notes/broken.md")
    assert {p.code for p in broken.problems} >= {"unreadable-file"}


def test_parallel_and_sequential_loads_give_the_same_vault(
    synthetic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parse_all, "PARALLEL_THRESHOLD", 1)
    one = vaultlink.load(synthetic, use_cache=False, workers=1)
    two = vaultlink.load(synthetic, workers=2)  # parallel, and writes the cache
    assert dict(one.notes) == dict(two.notes)
    assert one.model == two.model
    assert one.problems == two.problems
    assert one.due(TODAY) == two.due(TODAY)


def test_without_worker_processes_it_parses_alone(
    synthetic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parse_all, "PARALLEL_THRESHOLD", 1)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise OSError("no processes in this sandbox")

    monkeypatch.setattr(parse_all, "_parse_parallel", broken)
    settings, _ = read_settings(synthetic)
    entries = scan(synthetic, settings.ignore_filters).notes
    assert parse_all.parse_entries(synthetic, entries, use_cache=False, workers=4) == (
        parse_all.parse_entries(synthetic, entries, use_cache=False, workers=1)
    )


def test_small_vaults_are_parsed_in_process(
    synthetic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a pool for a small vault")

    monkeypatch.setattr(parse_all, "_parse_parallel", forbidden)
    vaultlink.load(synthetic, use_cache=False, workers=8)  # 241 notes < the threshold
