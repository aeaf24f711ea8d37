"""The parse cache: identical results, only changed notes re-parsed, bad files ignored,
never code execution, never inside the vault, ``--no-cache`` honoured."""

from __future__ import annotations

import dataclasses
import os
import pickle
import shutil
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from typer.testing import CliRunner

import vaultlink
import vaultlink.parse_all as parse_all
from vaultlink import cache
from vaultlink.notes import Note, read_note
from vaultlink.vault import Vault

from .vaultfiles import write_vault

SAMPLE = Path(__file__).resolve().parent.parent / "sample_vault"
TODAY = date(2026, 11, 23)


def _age(root: Path, seconds: int = 120) -> None:
    """Backdate every file: files written moments ago are "racy" and never cached."""
    when = time.time() - seconds
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, (when, when))


def _copy_sample(tmp_path: Path) -> Path:
    root = tmp_path / "vault"
    shutil.copytree(SAMPLE, root)
    _age(root)
    return root


def _count_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    parsed: list[str] = []
    real = read_note

    def counting(path: str, abspath: Path) -> Note:
        parsed.append(path)
        return real(path, abspath)

    monkeypatch.setattr(parse_all, "read_note", counting)
    return parsed


def _cache_path(root: Path) -> Path:
    found = cache.cache_file(root)
    assert found is not None
    return found


def _same(a: Vault, b: Vault) -> None:
    assert dict(a.notes) == dict(b.notes)
    assert a.model == b.model
    assert a.problems == b.problems
    assert a.due(TODAY) == b.due(TODAY)
    assert a.due(TODAY, horizon="all", include_lapsed=True) == b.due(
        TODAY, horizon="all", include_lapsed=True
    )


def _tree(root: Path) -> dict[str, tuple[int, int]]:
    return {
        p.relative_to(root).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file()
    }


# ------------------------------------------------------------------------------ results


def test_cached_and_uncached_runs_give_identical_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _copy_sample(tmp_path)
    uncached = vaultlink.load(root, use_cache=False)
    cold = vaultlink.load(root)
    parsed = _count_parses(monkeypatch)
    second = vaultlink.load(root)  # notes from the cache; stores the model too
    warm = vaultlink.load(root)
    assert parsed == []  # nothing re-read
    assert "model" not in warm.__dict__  # the state is loaded only when asked for
    _same(uncached, cold)
    _same(uncached, second)
    _same(uncached, warm)


def test_only_changed_notes_are_parsed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _copy_sample(tmp_path)
    vaultlink.load(root)
    note = root / "People" / "Dana Okafor.md"
    note.write_text(
        note.read_text(encoding="utf-8") + "- 2026-11-22 — coffee, talked sourdough\n",
        encoding="utf-8",
    )
    new = root / "People" / "New Person.md"
    new.write_text("---\ntype: person\ncadence: 2w\n---\n# New Person\n", encoding="utf-8")
    (root / "People" / "Carla Jensen.md").unlink()
    _age(root / "People")  # the three edits are "racy"-fresh otherwise; age People/ only
    parsed = _count_parses(monkeypatch)
    again = vaultlink.load(root)
    # every file in People/ got a new mtime; nothing outside it was read again
    assert parsed
    assert all(p.startswith("People/") for p in parsed)
    assert "People/New Person.md" in parsed
    _same(vaultlink.load(root, use_cache=False), again)
    dana = again.people["People/Dana Okafor.md"]
    assert dana.last_contact == date(2026, 11, 22)
    assert "People/Carla Jensen.md" not in again.notes


def test_settings_or_config_change_rebuilds_the_model(tmp_path: Path) -> None:
    root = _copy_sample(tmp_path)
    first = vaultlink.load(root)
    (root / "vaultlink.toml").write_text('[folders]\npeople = ["Nobody"]\n', encoding="utf-8")
    _age(root)
    second = vaultlink.load(root)
    _same(vaultlink.load(root, use_cache=False), second)
    assert first.config != second.config


def test_lazy_notes_behave_like_a_mapping(tmp_path: Path) -> None:
    root = _copy_sample(tmp_path)
    expected = dict(vaultlink.load(root, use_cache=False).notes)
    vaultlink.load(root)
    vaultlink.load(root)
    warm = vaultlink.load(root)
    assert isinstance(warm.notes, MappingProxyType)
    assert len(warm.notes) == len(expected)
    assert list(warm.notes) == list(expected)
    assert "Me.md" in warm.notes
    assert warm.notes["Me.md"] == expected["Me.md"]
    assert dict(warm.notes.items()) == expected
    with pytest.raises(KeyError):
        warm.notes["Nope.md"]


def test_a_note_edited_in_the_same_clock_tick_as_the_read_is_not_cached(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "vault", {"People/Ann.md": "---\ntype: person\n---\n"})
    _age(root)
    fresh = root / "People" / "Bo.md"
    fresh.write_text("---\ntype: person\n---\n", encoding="utf-8")  # mtime: now
    vaultlink.load(root)
    found = cache.CacheFile.open(root)
    assert found is not None
    index = found.section("notes")
    assert set(index) == {"People/Ann.md"}
    assert not found.has("key")  # no state while a note is racy


# ------------------------------------------------------------------------------ bad files


def _assert_rebuilt(root: Path, monkeypatch: pytest.MonkeyPatch, everything: bool = True) -> None:
    """The next load gives the right results and leaves a good cache; with
    ``everything``, no record of the bad file was used (every note parsed again)."""
    parsed = _count_parses(monkeypatch)
    loaded = vaultlink.load(root)
    if everything:
        assert len(parsed) == len(loaded.notes)
    _same(vaultlink.load(root, use_cache=False), loaded)
    found = cache.CacheFile.open(root)  # and a good cache written in its place
    assert found is not None
    assert found.has("key")


def test_a_cache_from_another_format_version_is_ignored_and_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _copy_sample(tmp_path)
    monkeypatch.setattr(cache, "_FORMAT", "vaultlink 0.0.1; schema 0; python 3.11; code x")
    vaultlink.load(root)
    assert cache.CacheFile.open(root) is not None
    monkeypatch.setattr(cache, "_FORMAT", None)  # the real version again
    assert cache.CacheFile.open(root) is None
    _assert_rebuilt(root, monkeypatch)


@pytest.mark.parametrize("keep", [0.0, 0.01, 0.5, 0.99])
def test_a_truncated_cache_is_ignored_and_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keep: float
) -> None:
    root = _copy_sample(tmp_path)
    vaultlink.load(root)
    path = _cache_path(root)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    # sections before the cut are intact (their CRC says so) and may be reused
    _assert_rebuilt(root, monkeypatch, everything=keep < 0.5)


def test_a_corrupt_cache_is_ignored_and_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _copy_sample(tmp_path)
    vaultlink.load(root)
    path = _cache_path(root)
    data = bytearray(path.read_bytes())
    for offset in range(len(data) // 3, len(data), len(data) // 7):
        data[offset] ^= 0x5A
    path.write_bytes(bytes(data))
    _assert_rebuilt(root, monkeypatch, everything=False)


def test_garbage_and_foreign_cache_files_are_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _copy_sample(tmp_path)
    other = _copy_sample(tmp_path / "other")
    vaultlink.load(other)
    path = _cache_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_cache_path(other), path)  # another vault's cache under our name
    assert cache.CacheFile.open(root) is None
    _assert_rebuilt(root, monkeypatch)
    path.write_bytes(os.urandom(5000))
    assert cache.CacheFile.open(root) is None
    _assert_rebuilt(root, monkeypatch)


# ------------------------------------------------------------------------------ safety


class _Boom:
    """Pickles to ``os.system("touch <marker>")``."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Callable[..., Any], tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


def test_a_malicious_pickle_is_rejected_without_running(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    payload = pickle.dumps(_Boom(marker))
    with pytest.raises(pickle.UnpicklingError):
        cache.loads(payload)
    for nasty in (
        pickle.dumps(print),
        pickle.dumps(getattr),
        b"cbuiltins\neval\n(S'1+1'\ntR.",  # GLOBAL + REDUCE, protocol 0
        b"cos\nsystem\n(S'true'\ntR.",
        pickle.dumps(Path("/")),  # a class outside the allowed list
        # cache.py's own functions other than record makers
        b"cvaultlink.cache\nwrite_cache\n(S'/tmp'\n(dtR.",
        b"cvaultlink.cache\n_maker\n(cbuiltins\ndict\ntR.",
        b"cvaultlink.cache\n_new_Nothing\n(tR.",
    ):
        with pytest.raises(pickle.UnpicklingError):
            cache.loads(nasty)
    assert not marker.exists()


def test_a_malicious_cache_file_does_not_execute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _copy_sample(tmp_path)
    marker = tmp_path / "pwned"
    bomb = pickle.dumps(_Boom(marker))
    # 1. the whole header is a bomb
    path = _cache_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(cache.MAGIC + cache._LEN.pack(len(bomb)) + bomb)
    assert cache.CacheFile.open(root) is None
    # 2. a well-formed file (right format, vault, token and CRC) whose sections are bombs
    cache.write_cache(root, dict.fromkeys(("notes", "key", "model", "resolver"), bomb))
    found = cache.CacheFile.open(root)
    assert found is not None
    assert found.section("notes") is None
    _assert_rebuilt(root, monkeypatch)
    # 3. a well-formed notes index whose per-note records are bombs
    entries = {
        e.relative_to(root).as_posix(): (e.stat().st_size, e.stat().st_mtime_ns, bomb)
        for e in root.rglob("*.md")
    }
    cache.write_cache(root, {"notes": cache.dumps(entries)})
    _assert_rebuilt(root, monkeypatch)
    assert not marker.exists()


def test_records_round_trip_through_the_fast_pickler(tmp_path: Path) -> None:
    root = _copy_sample(tmp_path)
    loaded = vaultlink.load(root, use_cache=False)
    model = loaded.model
    assert cache.loads(cache.dumps(model)) == model
    notes = dict(loaded.notes)
    assert cache.loads(cache.dumps(notes)) == notes
    # records are rebuilt by their makers, which set the slots without __init__
    assert b"_new_Person" in cache.dumps(model)
    person = next(iter(model.people.values()))
    copy = cache.loads(cache.dumps(person))
    assert copy == person
    assert type(copy) is type(person)
    with pytest.raises(dataclasses.FrozenInstanceError):
        copy.name = "changed"  # type: ignore[misc]
    # what the cache would refuse to read is never trusted: it fails on load
    with pytest.raises(pickle.UnpicklingError):
        cache.loads(cache.dumps({"x": Path("/")}))


def test_the_cache_lives_outside_the_vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _copy_sample(tmp_path)
    before = _tree(root)
    vaultlink.load(root)
    vaultlink.load(root)
    assert _tree(root) == before  # not a byte written into the vault
    path = _cache_path(root)
    assert path.exists()
    assert root.resolve() not in path.resolve().parents
    assert path.parent == Path(os.environ[cache.ENV_VAR])


def test_a_cache_folder_inside_the_vault_is_never_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _copy_sample(tmp_path)
    before = _tree(root)
    monkeypatch.setenv(cache.ENV_VAR, str(root / ".cache"))
    assert cache.cache_file(root) is None
    monkeypatch.setenv(cache.ENV_VAR, str(root))
    assert cache.cache_file(root) is None
    _same(vaultlink.load(root, use_cache=False), vaultlink.load(root))
    assert _tree(root) == before


def test_the_default_folder_is_the_platform_user_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(cache.ENV_VAR)
    monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere/cache")
    if os.name == "posix" and os.uname().sysname != "Darwin":
        assert cache.cache_dir() == Path("/somewhere/cache/vaultlink")
    assert cache.cache_dir().name in ("vaultlink", "Cache")


def test_no_cache_neither_reads_nor_writes(tmp_path: Path) -> None:
    root = _copy_sample(tmp_path)
    folder = Path(os.environ[cache.ENV_VAR])
    runner = CliRunner()
    from vaultlink.cli import app

    result = runner.invoke(
        app, ["due", "--vault", str(root), "--today", "2026-11-23", "--no-cache", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert list(folder.iterdir()) == []  # not written
    # A stale cache (same size and mtime, other content) shows whether it is read.
    vaultlink.load(root)
    note = root / "People" / "Dana Okafor.md"
    stat = note.stat()
    text = note.read_text(encoding="utf-8")
    note.write_text(text.replace("cadence: 6 weeks", "cadence: 9 weeks"), encoding="utf-8")
    os.utime(note, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    stale = vaultlink.load(root)
    cached_bytes = _cache_path(root).read_bytes()
    fresh = vaultlink.load(root, use_cache=False)
    assert stale.notes["People/Dana Okafor.md"].properties["cadence"] == "6 weeks"
    assert fresh.notes["People/Dana Okafor.md"].properties["cadence"] == "9 weeks"
    assert _cache_path(root).read_bytes() == cached_bytes  # untouched by --no-cache
    result = runner.invoke(
        app, ["sync", "--vault", str(root), "--today", "2026-11-23", "--no-cache", "--dry-run"]
    )
    assert result.exit_code == 0, result.output
    assert _cache_path(root).read_bytes() == cached_bytes


# ------------------------------------------------------------------------------ repeat sync


def test_a_repeat_sync_that_changes_nothing_is_replayed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _copy_sample(tmp_path)
    first = vaultlink.load(root).sync(TODAY)
    assert first.written  # the notes are created
    _age(root)
    second = vaultlink.load(root).sync(TODAY)
    assert not second.written
    assert not second.pending
    import vaultlink.sync as sync_module

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the full sync ran")

    monkeypatch.setattr(sync_module, "sync", refuse)
    third_vault = vaultlink.load(root)
    third = third_vault.sync(TODAY)
    assert "model" not in third_vault.__dict__  # nothing but the report was unpickled
    assert third.summary() == second.summary()
    assert third.due == second.due
    assert third.to_json() == second.to_json()
    # another day, a dry run, or any edit: computed afresh
    runs: list[Callable[[], object]] = [
        lambda: vaultlink.load(root).sync(date(2026, 11, 24)),
        lambda: vaultlink.load(root).sync(TODAY, dry_run=True),
    ]
    for run in runs:
        with pytest.raises(AssertionError, match="full sync ran"):
            run()
    note = root / "People" / "Dana Okafor.md"
    note.write_text(note.read_text(encoding="utf-8") + "\nmore\n", encoding="utf-8")
    _age(root / "People")
    with pytest.raises(AssertionError, match="full sync ran"):
        vaultlink.load(root).sync(TODAY)


def test_installing_a_package_invalidates_a_stored_sync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new rules plugin could change the due list: the replay must not hide it."""
    root = _copy_sample(tmp_path)
    vaultlink.load(root).sync(TODAY)
    _age(root)
    vaultlink.load(root).sync(TODAY)  # changes nothing: stored
    site = tmp_path / "site-packages"
    site.mkdir()
    monkeypatch.setattr(sys, "path", [*sys.path, str(site)])
    import vaultlink.sync as sync_module

    calls: list[date] = []
    real = sync_module.sync

    def counting(vault: Vault, today: date, **kwargs: Any) -> Any:
        calls.append(today)
        return real(vault, today, **kwargs)

    monkeypatch.setattr(sync_module, "sync", counting)
    vaultlink.load(root).sync(TODAY)
    assert calls == [TODAY]  # the new folder on the path: computed afresh
    (site / "plugin-1.0.dist-info").mkdir()  # "pip install plugin"
    vaultlink.load(root).sync(TODAY)
    assert calls == [TODAY, TODAY]
    vaultlink.load(root).sync(TODAY)
    assert calls == [TODAY, TODAY]  # and stored again
