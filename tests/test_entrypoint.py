"""The ``vaultlink`` script exits without interpreter teardown: same output, same codes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

SAMPLE = Path(__file__).resolve().parent.parent / "sample_vault"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vaultlink", *args],
        capture_output=True, text=True, timeout=120, check=False,
    )


def test_help_exits_zero_with_its_output() -> None:
    done = _run("--help")
    assert done.returncode == 0
    assert "sync" in done.stdout


def test_an_unreadable_vault_exits_two_with_the_message(tmp_path: Path) -> None:
    done = _run("check", "--vault", str(tmp_path / "missing"))
    assert done.returncode == 2
    assert "no such folder" in done.stderr


def test_long_output_is_flushed_in_full(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    shutil.copytree(SAMPLE, root)
    done = _run("due", "--vault", str(root), "--today", "2026-11-23", "--json", "--all")
    assert done.returncode == 0
    assert done.stdout.rstrip().endswith("]") or done.stdout.rstrip().endswith("}")
    json.loads(done.stdout)  # complete, not cut off at a buffer boundary


def test_usage_errors_keep_their_exit_code() -> None:
    done = _run("sync", "--no-such-option")
    assert done.returncode == 2


def test_the_cache_written_in_the_background_is_complete_when_the_script_exits(
    tmp_path: Path,
) -> None:
    """From 1,000 notes the cache is written by a forked process; the script waits for
    it, so the next command finds it whole."""
    import os
    import time

    from benchmarks.generate import generate
    from vaultlink import cache, state

    root = tmp_path / "vault"
    generate(state.BACKGROUND_WRITE, root, seed=3)
    when = time.time() - 600  # not "racy": every note is cached
    for path in root.rglob("*"):
        os.utime(path, (when, when))
    # The forked writer takes its time: the script must still not exit before it is done.
    slow_writer = (
        "import sys, time\n"
        "import vaultlink.cache as cache\n"
        "real = cache.write_cache\n"
        "def slow(*args, **kwargs):\n"
        "    time.sleep(1.0)\n"
        "    return real(*args, **kwargs)\n"
        "cache.write_cache = slow\n"
        "from vaultlink.cli import run\n"
        f"sys.argv = ['vaultlink', 'due', '--vault', {str(root)!r}, '--today', '2026-11-23']\n"
        "run()\n"
    )
    # Output to a file, not a pipe: the test must wait for the script, not for every
    # process holding its pipe open.
    log = tmp_path / "stderr.txt"
    with log.open("w") as errors:
        done = subprocess.run([sys.executable, "-c", slow_writer], stdout=subprocess.DEVNULL,
                              stderr=errors, timeout=120, check=False)
    assert done.returncode == 0, log.read_text()
    found = cache.CacheFile.open(root)
    assert found is not None
    notes = found.section("notes")
    assert isinstance(notes, dict)
    assert len(notes) == sum(1 for _ in root.rglob("*.md"))
