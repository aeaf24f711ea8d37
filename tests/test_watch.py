"""Watch mode: one sync per debounced batch, never for vaultlink's own writes."""

from __future__ import annotations

import importlib.util
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.vaultfiles import write_vault
from vaultlink.cli import app
from vaultlink.sync import SyncReport
from vaultlink.watch import INSTALL_HINT, is_relevant, watch
from vaultlink.writer import FileChange

TODAY = date(2026, 11, 23)
DUE = "Vaultlink/Due this week.md"
ENV = {"COLUMNS": "200", "NO_COLOR": "1", "VAULTLINK_VAULT": None}
FILES = {
    "People/Jane Doe.md": """\
        ---
        type: person
        cadence: weekly
        last_contact: 2026-11-01
        ---
        # Jane Doe
        """,
    "People/Bo Chen.md": """\
        ---
        type: person
        cadence: monthly
        last_contact: 2026-11-20
        ---
        """,
}


class FakeSync:
    """Records each call; reports ``writes`` as written with the text now on disk."""

    def __init__(self, writes: tuple[str, ...] = ()) -> None:
        self.calls: list[date] = []
        self.writes = writes

    def __call__(self, root: Path, today: date) -> SyncReport:
        self.calls.append(today)
        changes = []
        for rel in self.writes:
            text = f"generated {len(self.calls)}\n"
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text, encoding="utf-8")
            changes.append(FileChange(rel, text, None, "test"))
        return SyncReport(today=today, changes=tuple(changes), written=self.writes)


@pytest.mark.parametrize(("path", "relevant"), [
    ("People/Jane Doe.md", True),
    ("2026-11-23.md", True),
    ("NOTES.MD", True),
    ("vaultlink.toml", True),
    ("sub/vaultlink.toml", False),
    (".obsidian/workspace.json", False),
    (".obsidian/snippets/x.md", False),
    (".trash/Old.md", False),
    ("People/.Jane Doe.md.vaultlink-tmp-1a2b3c4d", False),
    ("People/Jane Doe.md~", False),
    ("People/.Jane Doe.md.swp", False),
    ("People/#Jane Doe.md#", False),
    ("People/4913", False),
    ("Attachments/photo.png", False),
    ("Vaultlink/Network.canvas", False),
])
def test_is_relevant(path: str, relevant: bool) -> None:
    assert is_relevant(path) is relevant


def test_one_sync_per_batch_with_relevant_changes(tmp_path: Path) -> None:
    root = write_vault(tmp_path, FILES)
    fake = FakeSync()
    seen: list[tuple[str, ...]] = []
    batches: list[list[Any]] = [
        [(2, str(root / "People/Jane Doe.md")), (2, str(root / "People/Bo Chen.md")),
         (1, str(root / "People/Jane Doe.md"))],
        [(2, str(root / ".obsidian/workspace.json")), (1, str(root / "img.png"))],
        [(1, str(root / "People/.x.md.vaultlink-tmp-00ff00ff"))],
        [(2, str(tmp_path.parent / "elsewhere.md"))],
        ["People/New.md"],  # bare paths (relative to the vault) work too
        [],  # idle, same day: nothing
    ]
    count = watch(root, changes=batches, sync=fake, today=lambda: TODAY,
                  on_sync=lambda report, paths: seen.append(paths))
    assert count == 3
    assert fake.calls == [TODAY] * 3
    assert seen == [(), ("People/Bo Chen.md", "People/Jane Doe.md"), ("People/New.md",)]


def test_own_writes_are_ignored_but_edits_to_them_are_not(tmp_path: Path) -> None:
    root = write_vault(tmp_path, FILES)
    fake = FakeSync(writes=(DUE, "2026-11-23.md"))
    path = root / DUE

    def batches() -> Any:
        # the initial sync's own writes echo back: no sync
        yield [(1, str(path)), (1, str(root / "2026-11-23.md"))]
        yield [(2, str(path))]
        assert len(fake.calls) == 1
        # the user edits a generated file (ticks a box): a sync
        path.write_text("ticked\n", encoding="utf-8")
        yield [(2, str(path))]
        assert len(fake.calls) == 2
        # that sync's writes echo back too: no sync
        yield [(2, str(path)), (2, str(root / "2026-11-23.md"))]
        # deleting a generated file is the user's doing: a sync
        path.unlink()
        yield [(3, str(path))]

    assert watch(root, changes=batches(), sync=fake, today=lambda: TODAY) == 3


def test_real_sync_loop_logs_a_tick_and_settles(tmp_path: Path) -> None:
    """End to end with the real sync: no loop on its own output; a tick is logged once."""
    root = write_vault(tmp_path, FILES)
    reports: list[SyncReport] = []
    due = root / DUE

    def echo() -> list[Any]:
        """Events for every file the last sync wrote (and for its temp files)."""
        written = reports[-1].written
        assert written
        return [(2, str(root / p)) for p in written] + [
            (1, str(p)) for p in root.rglob(".*vaultlink-tmp-*")]

    def batches() -> Any:
        assert due.is_file()
        assert (root / "2026-11-23.md").is_file()  # today's daily note was created
        yield echo()  # the initial sync's writes echo back
        assert len(reports) == 1
        text = due.read_text(encoding="utf-8")
        assert "- [ ] Reach out to [[Jane Doe]]" in text
        due.write_text(text.replace("- [ ] Reach out to [[Jane Doe]]",
                                    "- [x] Reach out to [[Jane Doe]]", 1), encoding="utf-8")
        yield [(2, str(due))]
        assert len(reports) == 2
        assert [t.path for t in reports[1].logged] == ["People/Jane Doe.md"]
        yield echo()  # so do the second sync's (the Log line, the regenerated notes)

    count = watch(root, changes=batches(), today=lambda: TODAY, use_cache=False,
                  on_sync=lambda report, paths: reports.append(report))
    assert count == 2
    assert all(r.ok for r in reports)
    assert "(vaultlink)" in (root / "People/Jane Doe.md").read_text(encoding="utf-8")


def test_a_new_day_syncs_when_idle(tmp_path: Path) -> None:
    root = write_vault(tmp_path, FILES)
    fake = FakeSync()
    days = iter([TODAY, TODAY, date(2026, 11, 24), date(2026, 11, 24)])
    assert watch(root, changes=[[], []], sync=fake, today=lambda: next(days)) == 2
    assert fake.calls == [TODAY, date(2026, 11, 24)]


def test_errors_are_reported_and_the_loop_goes_on(tmp_path: Path) -> None:
    root = write_vault(tmp_path, FILES)
    errors: list[Exception] = []
    calls: list[int] = []

    def flaky(root: Path, today: date) -> SyncReport:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk on fire")
        return SyncReport(today=today)

    batches = [["People/Jane Doe.md"], ["People/Jane Doe.md"]]
    assert watch(root, changes=batches, sync=flaky, today=lambda: TODAY,
                 on_error=errors.append) == 2
    assert [str(e) for e in errors] == ["disk on fire"]
    calls.clear()
    with pytest.raises(RuntimeError):
        watch(root, changes=batches, sync=flaky, today=lambda: TODAY)


def test_stop_flag_ends_the_loop_between_batches(tmp_path: Path) -> None:
    root = write_vault(tmp_path, FILES)
    stop = threading.Event()
    fake = FakeSync()

    def batches() -> Any:
        yield ["People/Jane Doe.md"]
        stop.set()
        yield ["People/Jane Doe.md"]
        raise AssertionError("the loop should have stopped")

    assert watch(root, changes=batches(), sync=fake, stop=stop, today=lambda: TODAY,
                 initial=False) == 1


def test_cli_without_watchfiles_exits_2_with_the_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "watchfiles" else real(name, *a))
    result = CliRunner().invoke(app, ["watch", "--vault", str(tmp_path)], env=ENV)
    assert result.exit_code == 2
    assert "pip install 'vaultlink[watch]'" in result.stderr
    assert "Traceback" not in result.output
    assert INSTALL_HINT.startswith("watch mode needs")


def test_cli_prints_each_sync_and_exits_130_on_ctrl_c(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("watchfiles")  # the command checks that it is installed
    import vaultlink.watch as watch_module

    root = write_vault(tmp_path, FILES)

    def fake_watch(path: Any, *, on_sync: Any, today: Any, **_: Any) -> int:
        on_sync(SyncReport(today=today()), ())
        on_sync(SyncReport(today=today()), ("People/Jane Doe.md",))
        raise KeyboardInterrupt

    monkeypatch.setattr(watch_module, "watch", fake_watch)
    result = CliRunner().invoke(app, ["watch", "--vault", str(root), "--today",
                                      "2026-11-23"], env=ENV)
    assert result.exit_code == 130
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert "nothing to change" in lines[0]
    assert "(changed: People/Jane Doe.md)" in lines[1]
    assert "stopped watching" in result.stderr


def test_cli_missing_vault_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["watch", "--vault", str(tmp_path / "nope")], env=ENV)
    assert result.exit_code == 2


def test_real_watcher_syncs_on_a_user_edit_only(tmp_path: Path) -> None:
    pytest.importorskip("watchfiles")
    root = write_vault(tmp_path, FILES)
    stop = threading.Event()
    reports: list[tuple[SyncReport, tuple[str, ...]]] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            watch(root, stop=stop, debounce=0.1, today=lambda: TODAY, use_cache=False,
                  on_sync=lambda report, paths: reports.append((report, paths)))
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()

    def wait_for(n: int, timeout: float = 10.0) -> None:
        end = time.monotonic() + timeout
        while len(reports) < n and time.monotonic() < end and not errors:
            time.sleep(0.02)

    try:
        wait_for(1)
        assert len(reports) == 1  # the initial sync
        time.sleep(0.5)  # let the watcher start
        note = root / "People/Bo Chen.md"
        # Bo becomes overdue: the sync rewrites the due note and the daily block
        note.write_text(note.read_text(encoding="utf-8").replace(
            "last_contact: 2026-11-20", "last_contact: 2026-10-01"), encoding="utf-8")
        wait_for(2)
        assert [paths for _, paths in reports[1:]] == [("People/Bo Chen.md",)]
        assert DUE in reports[1][0].written
        time.sleep(0.8)
        assert len(reports) == 2  # the sync's own writes did not trigger another
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert errors == []
