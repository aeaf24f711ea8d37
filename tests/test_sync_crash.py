"""A real `vaultlink sync` process killed with SIGKILL at many moments leaves every file
either as it was or as the finished sync writes it — never torn (SPEC §5.3).

The writes themselves take milliseconds, so most kills land before or after them;
``test_crash.py`` kills the writer in the middle of large writes many times over.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from vaultlink.scan import scan

SAMPLE = Path(__file__).resolve().parents[1] / "sample_vault"
TODAY = "2026-11-23"
DUE = "Vaultlink/Due this week.md"


def files(root: Path) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for path in root.rglob("*"):
        if path.is_file() and not path.name.startswith("."):
            out[path.relative_to(root).as_posix()] = path.read_bytes()
    return out


def prepared(root: Path, cache: Path) -> Path:
    """A copy of the sample vault after one sync, with every due item ticked, so the next
    sync writes log lines into person notes as well as the generated notes."""
    shutil.copytree(SAMPLE, root)
    run(root, cache)
    due = root / DUE
    due.write_text(due.read_text(encoding="utf-8").replace("- [ ] ", "- [x] "), encoding="utf-8")
    return root


def command(root: Path) -> list[str]:
    return [sys.executable, "-m", "vaultlink", "sync", "--vault", str(root), "--today", TODAY,
            "--no-cache"]


def run(root: Path, cache: Path) -> None:
    env = {**os.environ, "VAULTLINK_CACHE_DIR": str(cache)}
    subprocess.run(command(root), check=True, capture_output=True, env=env, timeout=120)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_killed_sync_leaves_every_file_old_or_new(tmp_path: Path) -> None:
    base = prepared(tmp_path / "base", tmp_path / "cache")
    old = files(base)
    finished = tmp_path / "finished"
    shutil.copytree(base, finished)
    started = time.monotonic()
    run(finished, tmp_path / "cache")
    took = time.monotonic() - started
    new = files(finished)
    changed = {p for p in set(old) | set(new) if old.get(p) != new.get(p)}
    assert any(p.startswith(("People/", "References/")) for p in changed)
    assert DUE in changed

    env = {**os.environ, "VAULTLINK_CACHE_DIR": str(tmp_path / "cache")}
    outcomes: list[tuple[int | None, str]] = []
    # Kill at moments spread over the second half of a whole sync's run time, where the
    # reading is done and the writing happens.
    delays = [took * (0.5 + 0.5 * step / 15) for step in range(16)]
    for attempt, delay in enumerate(delays):
        root = tmp_path / f"run{attempt}"
        shutil.copytree(base, root)
        process = subprocess.Popen(command(root), env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        now = files(root)
        for path in set(now) | set(old) | set(new):
            assert now.get(path) in (old.get(path), new.get(path)), (delay, path)
        done = sum(now.get(p) == new.get(p) for p in changed)
        outcomes.append(
            (process.returncode, "none" if done == 0 else "all" if done == len(changed) else "some")
        )
        # temp files a kill may leave behind are hidden: never read as notes
        notes = {entry.path for entry in scan(root).notes}
        assert notes <= set(old) | set(new), notes - set(old) - set(new)
    # kills must land while the sync is still running, or this tests nothing
    killed = [o for code, o in outcomes if code == -signal.SIGKILL]
    assert len(killed) >= 3, outcomes
