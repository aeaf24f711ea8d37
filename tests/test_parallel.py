"""Parallel parsing gives exactly what sequential parsing gives, and a worker that is
missing or dies changes nothing but the time it takes."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import vaultlink
import vaultlink.parse_all as parse_all
import vaultlink.state as state
from benchmarks.generate import generate
from vaultlink.model import contribute
from vaultlink.notes import read_note
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


def _spy_on_pools(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record the number of notes each worker pool is asked to parse."""
    calls: list[int] = []
    real = parse_all.NoteWorkers.parse

    def spy(self: parse_all.NoteWorkers, entries: Any, progress: Any) -> Any:
        calls.append(len(entries))
        return real(self, entries, progress)

    monkeypatch.setattr(parse_all.NoteWorkers, "parse", spy)
    return calls


def _spy_on_answers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the notes whose second pass (reading against the vault) a worker did."""
    answered: list[str] = []
    real = parse_all.NoteWorkers._answers

    def spy(self: parse_all.NoteWorkers, waiting: Any) -> Any:
        for path, answer in real(self, waiting):
            answered.append(path)
            yield path, answer

    monkeypatch.setattr(parse_all.NoteWorkers, "_answers", spy)
    return answered


def _same_vault(one: vaultlink.Vault, two: vaultlink.Vault) -> None:
    assert dict(one.notes) == dict(two.notes)
    assert one.model == two.model
    assert one.problems == two.problems
    assert one.due(TODAY) == two.due(TODAY)


def test_parallel_and_sequential_parses_are_identical(
    synthetic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parse_all, "PARALLEL_THRESHOLD", 1)
    settings, _ = read_settings(synthetic)
    entries = scan(synthetic, settings.ignore_filters).notes
    sequential = parse_all.parse_entries(synthetic, entries, use_cache=False, workers=1)
    calls = _spy_on_pools(monkeypatch)
    seen: list[tuple[int, int]] = []
    parallel = parse_all.parse_entries(
        synthetic, entries, use_cache=False, workers=2, progress=lambda d, t: seen.append((d, t))
    )
    assert calls == [len(entries)]  # the pool really ran
    assert parallel == sequential
    assert [n.path for n in parallel] == [e.path for e in entries]
    assert seen[-1] == (len(entries), len(entries))
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    broken = next(n for n in parallel if n.path == "Notes/broken.md")
    assert {p.code for p in broken.problems} >= {"unreadable-file"}


@pytest.mark.parametrize("use_cache", [True, False])
def test_parallel_and_sequential_loads_give_the_same_vault(
    synthetic: Path, monkeypatch: pytest.MonkeyPatch, use_cache: bool, tmp_path: Path
) -> None:
    monkeypatch.setenv("VAULTLINK_CACHE_DIR", str(tmp_path / "cache"))
    one = vaultlink.load(synthetic, use_cache=False, workers=1)
    monkeypatch.setattr(parse_all, "PARALLEL_THRESHOLD", 1)
    calls = _spy_on_pools(monkeypatch)
    two = vaultlink.load(synthetic, use_cache=use_cache, workers=3)
    assert calls == [len(one.notes)]
    _same_vault(one, two)


def test_every_note_is_read_against_the_vault_in_the_worker_that_parsed_it(
    synthetic: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Cold: workers keep the notes they parse and read them against the whole vault
    there; this process parses and reads none of them."""
    sequential = vaultlink.load(synthetic, use_cache=False, workers=1)
    monkeypatch.setattr(parse_all, "PARALLEL_THRESHOLD", 1)
    log = tmp_path / "pids.txt"
    real_read, real_contribute = read_note, contribute

    def reading(*args: Any) -> Any:
        with log.open("a") as handle:  # workers are forked: they inherit this patch
            handle.write(f"read {os.getpid()}\n")
        return real_read(*args)

    def contributing(*args: Any) -> Any:
        with log.open("a") as handle:
            handle.write(f"contribute {os.getpid()}\n")
        return real_contribute(*args)

    monkeypatch.setattr(parse_all, "read_note", reading)
    monkeypatch.setattr(state, "contribute", contributing)
    parallel = vaultlink.load(synthetic, use_cache=False, workers=2)
    _same_vault(sequential, parallel)
    lines = [line.split() for line in log.read_text().splitlines()]
    readers = {pid for kind, pid in lines if kind == "read"}
    contributors = {pid for kind, pid in lines if kind == "contribute"}
    assert len(readers) == 2
    assert str(os.getpid()) not in readers
    assert contributors == readers
    assert sum(kind == "contribute" for kind, _ in lines) == len(sequential.notes)


def test_without_worker_processes_it_parses_alone(
    synthetic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parse_all, "PARALLEL_THRESHOLD", 1)
    sequential = vaultlink.load(synthetic, use_cache=False, workers=1)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise OSError("no processes in this sandbox")

    monkeypatch.setattr(parse_all.NoteWorkers, "__init__", broken)
    _same_vault(sequential, vaultlink.load(synthetic, use_cache=False, workers=4))


@pytest.mark.parametrize("stage", ["parse", "contribute"])
def test_a_worker_that_dies_loses_nothing(
    synthetic: Path, monkeypatch: pytest.MonkeyPatch, stage: str
) -> None:
    """A worker killed while parsing (or while reading notes against the vault) leaves
    its share to this process: the vault is the same."""
    sequential = vaultlink.load(synthetic, use_cache=False, workers=1)
    monkeypatch.setattr(parse_all, "PARALLEL_THRESHOLD", 1)
    parent = os.getpid()
    victim = "Notes/broken.md"
    real_read, real_contribute = read_note, contribute

    def dies_reading(path: str, *args: Any) -> Any:
        if path == victim and os.getpid() != parent:
            os._exit(1)
        return real_read(path, *args)

    def dies_contributing(note: Any, *args: Any) -> Any:
        if note.path == victim and os.getpid() != parent:
            os._exit(1)
        return real_contribute(note, *args)

    if stage == "parse":
        monkeypatch.setattr(parse_all, "read_note", dies_reading)
    else:
        monkeypatch.setattr(state, "contribute", dies_contributing)
    calls = _spy_on_pools(monkeypatch)
    answered = _spy_on_answers(monkeypatch)
    _same_vault(sequential, vaultlink.load(synthetic, use_cache=False, workers=2))
    assert calls  # the pool ran,
    assert answered  # the surviving worker answered,
    assert victim not in answered  # and this process read the victim itself


def test_small_vaults_are_parsed_in_process(
    synthetic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a pool for a small vault")

    monkeypatch.setattr(parse_all.NoteWorkers, "__init__", forbidden)
    vaultlink.load(synthetic, use_cache=False, workers=8)  # 241 notes < the threshold


def test_spawned_workers_give_the_same_vault(
    synthetic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """macOS and Windows start workers by spawning (a fresh interpreter that imports
    vaultlink): the parse and the second pass work there too."""
    import multiprocessing

    sequential = vaultlink.load(synthetic, use_cache=False, workers=1)
    monkeypatch.setattr(parse_all, "_pool_context", lambda: multiprocessing.get_context("spawn"))
    monkeypatch.setattr(parse_all, "SPAWN_THRESHOLD", 1)
    monkeypatch.setattr(parse_all, "PARALLEL_THRESHOLD", 1)
    calls = _spy_on_pools(monkeypatch)
    answered = _spy_on_answers(monkeypatch)
    _same_vault(sequential, vaultlink.load(synthetic, use_cache=False, workers=2))
    assert calls == [len(sequential.notes)]
    assert sorted(answered) == sorted(sequential.notes)


def test_workers_exit_on_their_own_once_the_load_is_done(
    synthetic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parse_all, "PARALLEL_THRESHOLD", 1)
    started: list[Any] = []
    real = parse_all.NoteWorkers.close

    def spy(self: parse_all.NoteWorkers) -> None:
        started.extend(self._processes)
        real(self)

    monkeypatch.setattr(parse_all.NoteWorkers, "close", spy)
    vaultlink.load(synthetic, use_cache=False, workers=2)
    assert len(started) == 2
    for process in started:
        process.join(10)
    assert [p.exitcode for p in started] == [0, 0]  # stopped when told, not killed
    parse_all._reap(0)
    assert parse_all._STOPPING == []
