"""Atomicity under SIGKILL: a killed writer leaves each note old or new, never torn.

A real subprocess (tests/helpers/crash_apply.py) keeps flipping 20 large notes
between two contents through ``apply``; it is killed at staggered moments and after
each kill every note must be exactly one of the two contents. Leftover temp files
are allowed, but must be hidden dot-files that neither Obsidian nor vaultlink's scan
takes for notes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from vaultlink.scan import scan
from vaultlink.writer import TEMP_MARKER

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

REPO = Path(__file__).resolve().parents[1]
HELPER = Path(__file__).resolve().parent / "helpers" / "crash_apply.py"
FILES = 20
KILLS = 30
OLD = ("A" * 63 + "\n") * 8192  # 512 KiB
NEW = ("B" * 95 + "\n") * 8192  # 768 KiB: a torn file differs in length or letters


def describe(data: bytes) -> str:
    return f"{len(data)} bytes, starts {data[:8]!r}, ends {data[-8:]!r}"


def test_sigkill_never_leaves_a_torn_note(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    (vault / "People").mkdir(parents=True)
    names = [f"People/Person {i:02d}.md" for i in range(FILES)]
    for name in names:
        (vault / name).write_text(OLD, encoding="utf-8")
    old_file, new_file = tmp_path / "old.txt", tmp_path / "new.txt"
    old_file.write_text(OLD, encoding="utf-8")
    new_file.write_text(NEW, encoding="utf-8")
    allowed = {OLD.encode(), NEW.encode()}

    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }
    command = [sys.executable, str(HELPER), str(vault), str(old_file), str(new_file), *names]
    # Staggered kills: right after start-up, then spread over a few write rounds.
    delays = [0.0, 0.001, 0.003] + [0.005 + 0.012 * i for i in range(KILLS - 3)]
    mixed = 0  # kills that landed mid-round (some notes flipped, some not)
    seen_new = False
    started = time.monotonic()
    for delay in delays:
        proc = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=tmp_path
        )
        assert proc.stdout is not None
        ready = proc.stdout.readline()
        if ready != b"ready\n":
            proc.kill()
            _, err = proc.communicate()
            pytest.fail(f"helper did not start: {ready!r} {err.decode(errors='replace')}")
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate()
        assert proc.returncode == -signal.SIGKILL, err.decode(errors="replace")

        states = []
        for name in names:
            data = (vault / name).read_bytes()
            assert data in allowed, f"{name} is torn after a kill at {delay}s: {describe(data)}"
            states.append(data == NEW.encode())
        mixed += len(set(states)) == 2
        seen_new = seen_new or any(states)

        for path in vault.rglob("*"):
            rel = path.relative_to(vault).as_posix()
            if path.is_dir() or rel in names:
                continue
            assert path.name.startswith("."), f"unexpected file {rel}"
            assert TEMP_MARKER in path.name, f"unexpected file {rel}"
            assert not path.name.lower().endswith(".md"), rel
        listing = scan(vault)
        assert sorted(entry.path for entry in listing.notes) == names
        assert listing.files == ()

    assert seen_new, "the helper never completed a write: the test proves nothing"
    assert mixed > 0, "no kill landed in the middle of a round"
    assert time.monotonic() - started < 60
