"""The model rebuilt from cached per-note parts equals the model built from scratch,
whatever changed: a note's text, its kind, its aliases, new, deleted and renamed notes,
settings — and only the notes that need it are read again."""

from __future__ import annotations

import os
import random
import shutil
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import vaultlink
import vaultlink.state as state
from benchmarks.generate import generate
from vaultlink.cache import loads as cache_loads
from vaultlink.model import Model, contribute

SAMPLE = Path(__file__).resolve().parent.parent / "sample_vault"
TODAY = date(2026, 11, 23)


def _age(root: Path, seconds: int = 600) -> None:
    """Backdate every file: files written moments ago are "racy" and never cached."""
    when = time.time() - seconds
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, (when, when))


def _touch_old(path: Path, seconds: int = 300) -> None:
    when = time.time() - seconds
    os.utime(path, (when, when))


def _reused(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record how many contributions each build took from the cache."""
    counts: list[int] = []
    real = state.build_state

    def spy(*args: object, **kwargs: object) -> object:
        built = real(*args, **kwargs)  # type: ignore[arg-type]
        counts.append(built.reused)
        return built

    monkeypatch.setattr(state, "build_state", spy)
    return counts


def _assert_same(root: Path) -> Model:
    """Loading with the cache gives exactly the model, problems and due list of a load
    without it."""
    cached = vaultlink.load(root)
    fresh = vaultlink.load(root, use_cache=False)
    assert cached.model == fresh.model
    assert cached.problems == fresh.problems
    assert cached.due(TODAY, horizon="all") == fresh.due(TODAY, horizon="all")
    assert dict(cached.notes) == dict(fresh.notes)
    return fresh.model


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    root = tmp_path / "vault"
    shutil.copytree(SAMPLE, root)
    _age(root)
    vaultlink.load(root)  # fill the cache
    return root


def _edit(root: Path, rel: str, change: Callable[[str], str]) -> None:
    path = root / rel
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    _touch_old(path)


def test_a_text_edit_rereads_only_that_note(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counts = _reused(monkeypatch)
    _edit(sample, "People/Dana Okafor.md",
          lambda t: t + "\n- 2026-11-20 — coffee, talked about [[Acme Corp]]\n")
    model = _assert_same(sample)
    total = len(model.kinds)
    assert counts[0] == total - 1  # every other note's part was reused
    dana = model.people["People/Dana Okafor.md"]
    assert dana.last_contact == date(2026, 11, 20)


def test_a_new_note_rereads_the_notes_that_name_it(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (sample / "Notes" / "Plan.md").write_text(
        "- [ ] ask [[Brand New Person]] about the team\n", encoding="utf-8"
    )
    _touch_old(sample / "Notes" / "Plan.md")
    vaultlink.load(sample)  # cached while the link is unresolved
    counts = _reused(monkeypatch)
    (sample / "People" / "Brand New Person.md").write_text(
        "---\ntype: person\ncompany: \"[[Acme Corp]]\"\n---\nMet at a meetup.\n",
        encoding="utf-8",
    )
    _touch_old(sample / "People" / "Brand New Person.md")
    model = _assert_same(sample)
    person = model.people["People/Brand New Person.md"]
    assert [s.kind for s in person.signals] == ["open_loop"]
    # Only the new note and the one that names it were read; every other part reused.
    assert counts[0] == len(model.kinds) - 2


def test_kind_alias_rename_and_delete_changes(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A person note stops being a person: notes that log contact with them change.
    _edit(sample, "People/Leo Park.md", lambda t: t.replace("type: person", "type: note", 1))
    _assert_same(sample)
    # An alias appears: links to that alias now resolve.
    _edit(sample, "People/Mei Tanaka.md",
          lambda t: t.replace("---\n", "---\naliases: [Meimei]\n", 1))
    _edit(sample, "Notes/Scratch.md" if (sample / "Notes/Scratch.md").exists()
          else "Me.md", lambda t: t + "\nTalked to [[Meimei]] today.\n")
    _assert_same(sample)
    # A rename and a delete.
    (sample / "People" / "Marcus Lee.md").rename(sample / "People" / "Marcus T Lee.md")
    (sample / "People" / "Rafael Moreno.md").unlink()
    _assert_same(sample)
    # A daily note appears (links to its date now resolve to it).
    (sample / "Daily" / "2026-11-22.md").write_text(
        "- Lunch with [[Dana Okafor]] and [[Priya Natarajan]]\n", encoding="utf-8"
    )
    _touch_old(sample / "Daily" / "2026-11-22.md")
    _assert_same(sample)


def test_settings_and_config_changes_rebuild_every_part(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counts = _reused(monkeypatch)
    (sample / "vaultlink.toml").write_text("[rules]\ndefault_cadence = \"monthly\"\n",
                                           encoding="utf-8")
    _touch_old(sample / "vaultlink.toml")
    _assert_same(sample)
    assert counts[0] == 0


def test_racy_notes_are_not_reused(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Written just now and not backdated: racy, parsed but never cached.
    (sample / "People" / "Dana Okafor.md").write_text(
        "---\ntype: person\naliases: [DO]\n---\n- 2026-11-21 — call\n", encoding="utf-8"
    )
    _assert_same(sample)
    _assert_same(sample)


def test_a_corrupt_part_is_rebuilt(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_loads = cache_loads
    calls = {"n": 0}

    def flaky(data: bytes) -> object:
        calls["n"] += 1
        if calls["n"] % 7 == 0:
            raise ValueError("corrupt")
        return real_loads(data)

    _edit(sample, "People/Dana Okafor.md", lambda t: t + "\nNew line.\n")
    monkeypatch.setattr(state, "loads", flaky)
    _assert_same(sample)


def test_malformed_part_records_are_ignored(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A parts section that unpickles but whose per-note records are damaged (wrong
    length, facts that are not facts) is read as if those notes had no parts."""
    real = state._Parts.read

    def damaged(value: object) -> object:
        parts = real(value)
        if parts is None:
            return None
        entries = dict(parts.entries)
        for number, path in enumerate(sorted(entries)):
            record = entries[path]
            if number % 3 == 0:
                entries[path] = record[:4]  # type: ignore[assignment]
            elif number % 3 == 1:
                entries[path] = (*record[:2], "not facts", *record[3:])  # type: ignore[assignment]
        return state._Parts(parts.under, parts.notes, parts.others, parts.resolver, entries)

    _edit(sample, "People/Dana Okafor.md", lambda t: t + "\nNew line.\n")
    monkeypatch.setattr(state._Parts, "read", staticmethod(damaged))
    _assert_same(sample)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_edit_sequences_match_a_fresh_build(tmp_path: Path, seed: int) -> None:
    """Many rounds of mixed edits on a synthetic vault; after each, cached == fresh."""
    root = tmp_path / "vault"
    generate(260, root, seed=seed)
    _age(root)
    vaultlink.load(root)
    rng = random.Random(seed)
    for _ in range(5):
        paths = sorted(p for p in root.rglob("*.md") if ".obsidian" not in p.parts)
        for path in rng.sample(paths, 6):
            text = path.read_text(encoding="utf-8", errors="replace")
            action = rng.choice(["append", "kind", "alias", "rename", "delete", "link"])
            if action == "append":
                path.write_text(text + f"\n- 2026-11-2{rng.randint(0, 3)} — met "
                                f"[[{rng.choice(paths).stem}]]\n", encoding="utf-8")
            elif action == "kind":
                path.write_text(text.replace("type: person", "type: company", 1)
                                if "type: person" in text
                                else "---\ntype: person\n---\n" + text, encoding="utf-8")
            elif action == "alias":
                other = rng.choice(paths).stem
                path.write_text(f"---\naliases: [{other}]\n---\n" + text, encoding="utf-8")
            elif action == "rename":
                path.rename(path.with_name(f"Renamed {rng.randint(0, 999)}.md"))
                continue
            elif action == "delete":
                path.unlink()
                continue
            else:
                new = path.with_name(f"New {rng.randint(0, 999)}.md")
                new.write_text(f"[[{path.stem}]] and [[{rng.choice(paths).stem}]]\n",
                               encoding="utf-8")
                _touch_old(new)
            _touch_old(path)
        _assert_same(root)


def test_parallel_contributions_equal_sequential(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Notes read again from the cache (here: the config changed, so every note is)
    are shared between this process and a forked worker, and give the very model one
    process gives."""
    root = tmp_path / "vault"
    generate(300, root, seed=11)
    _age(root)
    vaultlink.load(root, workers=1)  # the cache, under the old config
    (root / "vaultlink.toml").write_text('[rules]\ndefault_cadence = "monthly"\n',
                                         encoding="utf-8")
    _touch_old(root / "vaultlink.toml")
    sequential = vaultlink.load(root, use_cache=False, workers=1)
    monkeypatch.setattr(state, "PARALLEL_CONTRIBUTIONS", 1)
    pids = tmp_path / "pids.txt"
    real = contribute

    def recording(*args: Any) -> Any:
        with pids.open("a") as handle:  # forked workers inherit this patch
            handle.write(f"{os.getpid()}\n")
        return real(*args)

    monkeypatch.setattr(state, "contribute", recording)
    parallel = vaultlink.load(root, workers=2)
    assert parallel.model == sequential.model
    assert parallel.problems == sequential.problems
    assert dict(parallel.notes) == dict(sequential.notes)
    seen = pids.read_text().split()
    assert len(seen) == len(sequential.notes)  # every note read again,
    assert str(os.getpid()) in seen  # some by this process
    assert len(set(seen)) == 2  # and the others by one worker


def test_a_sync_with_ticks_rebuilds_only_the_notes_it_changes(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Logging ticks re-reads the edited notes from the pieces kept in memory, and
    plans exactly what a model built from every note would."""
    from vaultlink.sync import plan_sync

    vaultlink.load(sample).sync(TODAY)
    due = sample / "Vaultlink" / "Due this week.md"
    text = due.read_text(encoding="utf-8")
    ticked = text.replace("- [ ] ", "- [x] ", 2)
    assert ticked != text
    due.write_text(ticked, encoding="utf-8")
    _touch_old(due)

    with_pieces = vaultlink.load(sample)
    assert with_pieces._pieces is not None
    contributed: list[str] = []
    real = contribute

    def counting(note: Any, *args: Any) -> Any:
        contributed.append(note.path)
        return real(note, *args)

    monkeypatch.setattr(state, "contribute", counting)
    fast = plan_sync(with_pieces, TODAY)
    assert fast.logged  # the ticks are harvested
    # only the notes that get log lines, and today's daily note (its block emptied)
    assert set(contributed) == {t.path for t in fast.logged} | {"Daily/2026-11-23.md"}

    without = vaultlink.load(sample, use_cache=False)
    without._pieces = None  # as when the model came whole from the cache
    slow = plan_sync(without, TODAY)
    assert [(c.path, c.new_text) for c in fast.changes] == [
        (c.path, c.new_text) for c in slow.changes
    ]
    assert fast.logged == slow.logged
