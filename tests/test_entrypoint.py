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


def test_the_script_spares_the_collector_what_a_load_built(tmp_path: Path) -> None:
    """The script is one command and exit: what its load built is frozen out of the
    cyclic GC's scans. main() embedded in another process (tests, notebooks) is not."""
    import gc

    from typer.testing import CliRunner

    from vaultlink.cli import app

    root = tmp_path / "vault"
    shutil.copytree(SAMPLE, root)
    probe = (
        "import gc, sys\n"
        "import vaultlink.cli.common as common\n"
        "real = common.open_vault\n"
        "def spy(*args, **kwargs):\n"
        "    vault = real(*args, **kwargs)\n"
        "    sys.stderr.write(f'frozen {gc.get_freeze_count()}\\n')\n"
        "    return vault\n"
        "common.open_vault = spy\n"
        "from vaultlink.cli import run\n"
        f"sys.argv = ['vaultlink', 'due', '--vault', {str(root)!r}, '--today', '2026-11-23']\n"
        "run()\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    frozen = [line for line in done.stderr.splitlines() if line.startswith("frozen ")]
    assert len(frozen) == 1
    assert int(frozen[0].split()[1]) > 1000

    before = gc.get_freeze_count()
    result = CliRunner().invoke(app, ["due", "--vault", str(root), "--today", "2026-11-23"])
    assert result.exit_code == 0, result.output
    assert gc.get_freeze_count() == before
