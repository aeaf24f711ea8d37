"""``sync``: harvest ticked boxes, regenerate the notes, update today's daily note.

Plan, then apply. The plan is computed from the vault as read *now* (every file it
will touch is read with ``writer.read_state``, so the plan carries the fingerprint the
writer checks before replacing it) and holds the full new text of each file; applying
it is ``writer.apply``. ``dry_run`` stops after the plan and returns it as diffs.

Ticking closes the loop (SPEC §5.2). Boxes vaultlink wrote carry a ``^vl-`` block id;
a ticked one, in the due note or in the managed block of any daily note (today's or an
earlier day's), becomes a dated line under ``## Log`` in that person's (or, for a
reach-in, that company's) note, ending in the same block id. The log line is a contact,
and the id marks the item done, so the regenerated notes no longer list it and a second
sync has nothing to log. A tick that cannot be logged stays ticked (in the regenerated
notes; an earlier day's note is never rewritten, so there it simply stays) and is
reported. Earlier days' notes are read only when their parsed blocks hold a ticked
``^vl-`` box whose id is not yet in the log of a note it links.

Only ``writer.apply`` writes. Safety (SPEC §5.3) lives there and in the refusals here:
a file at a generated path without ``generated_by: vaultlink``, settings that point
outside the vault, a daily note whose vaultlink markers are broken.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from vaultlink.config import CONFIG_NAME
from vaultlink.dates import daily_note_path
from vaultlink.edits import (
    ManagedBlockError,
    append_log_line,
    fill_template,
    find_managed_block,
    replace_managed_block,
)
from vaultlink.model import Model
from vaultlink.notes import Block, Note, parse_note
from vaultlink.problems import Problem
from vaultlink.render import (
    GENERATED_BY,
    DailyItems,
    Linker,
    StarterGroup,
    frontmatter,
    render_daily_block,
    render_due_note,
    render_starters_note,
)
from vaultlink.rules import FollowUp, compute_due
from vaultlink.writer import (
    FileChange,
    FileState,
    OutsideVaultError,
    Refusal,
    WriterError,
    apply,
    read_state,
    unified_diff,
)

if TYPE_CHECKING:
    from vaultlink.vault import Vault

__all__ = [
    "LOG_SUFFIX",
    "LoggedTick",
    "SyncReport",
    "log_interaction",
    "plan_sync",
    "sync",
]

LOG_SUFFIX = "(vaultlink)"
# The starters note covers the most urgent people due; more would not be read, and each
# person costs a full pass of the starter sources. `vaultlink starters NAME` does anyone.
MAX_STARTER_PEOPLE = 50
NOT_LOGGED = "Ticked, not logged yet"
_TASK_MARKERS = "📅⏳🛫✅➕❌🔁⏫🔼🔽🔺⏬"
# Checkbox states in order of strength when one item appears in several places.
_DONE = frozenset("xX")


# ------------------------------------------------------------------------------ records


@dataclass(frozen=True, slots=True)
class LoggedTick:
    """A ticked box turned into a ``## Log`` line."""

    path: str  # the person's (or company's) note that got the line
    name: str
    block_id: str
    date: date
    line: str
    ticked_in: str  # the note where the box was ticked

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "name": self.name,
            "block_id": self.block_id,
            "date": self.date.isoformat(),
            "line": self.line,
            "ticked_in": self.ticked_in,
        }


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What a sync did (or, for a dry run, would do).

    ``due`` is the regenerated due list (overdue, this week, coming up); ``changes``
    the planned writes; ``written``/``unchanged``/``refused`` what ``apply`` did with
    them (a dry run writes nothing and lists no ``written``); ``diffs`` the planned
    changes as unified diffs; ``logged`` the ticked boxes turned into log lines.
    """

    today: date
    dry_run: bool = False
    due: tuple[FollowUp, ...] = ()
    changes: tuple[FileChange, ...] = ()
    written: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    refused: tuple[Refusal, ...] = ()
    logged: tuple[LoggedTick, ...] = ()
    diffs: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()
    generated: tuple[str, ...] = ()
    daily_path: str | None = None
    daily_created: bool = False
    done: frozenset[str] = frozenset()
    removed_temp: tuple[str, ...] = ()  # stale temp files of a killed write, deleted

    @property
    def ok(self) -> bool:
        """False when a write or a setting was refused (the CLI exits 1)."""
        return not self.refused

    def _open(self, section: str) -> int:
        return sum(1 for i in self.due if i.section == section and i.block_id not in self.done)

    @property
    def overdue(self) -> int:
        return self._open("overdue")

    @property
    def this_week(self) -> int:
        return self._open("this_week")

    @property
    def coming_up(self) -> int:
        return self._open("coming_up")

    @property
    def pending(self) -> tuple[str, ...]:
        """Paths with a change that differs from what is on disk (what a dry run shows)."""
        return tuple(c.path for c in self.changes if c.new_text != c.old_text)

    def summary(self) -> str:
        """``3 overdue, 5 this week; wrote 2 notes, updated today's daily note, logged 1
        ticked item``."""
        counts = f"{self.overdue} overdue, {self.this_week} this week"
        if self.coming_up:
            counts += f", {self.coming_up} coming up"
        done = set(self.pending) if self.dry_run else set(self.written)
        refused = {r.path for r in self.refused}
        would = "would " if self.dry_run else ""
        actions: list[str] = []
        notes = [p for p in self.generated if p in done]
        if notes:
            verb = "write" if self.dry_run else "wrote"
            actions.append(f"{would}{verb} {_plural(len(notes), 'note')}")
        if self.daily_path is not None and self.daily_path in done:
            if self.dry_run:
                verb = "create" if self.daily_created else "update"
            else:
                verb = "created" if self.daily_created else "updated"
            actions.append(f"{would}{verb} today's daily note")
        logged = [t for t in self.logged if t.path in done]
        if logged:
            verb = "log" if self.dry_run else "logged"
            actions.append(f"{would}{verb} {_plural(len(logged), 'ticked item')}")
        if refused:
            actions.append(f"refused {_plural(len(refused), 'write')}")
        if self.removed_temp:
            actions.append(
                f"removed {_plural(len(self.removed_temp), 'leftover temp file')}"
            )
        if not actions:
            actions.append("nothing to change")
        return f"{counts}; {', '.join(actions)}"

    def to_json(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "dry_run": self.dry_run,
            "counts": {
                "overdue": self.overdue,
                "this_week": self.this_week,
                "coming_up": self.coming_up,
            },
            "due": [item.to_json() | {"section": item.section, "block_id": item.block_id}
                    for item in self.due],
            "changes": [c.path for c in self.changes if c.new_text != c.old_text],
            "written": list(self.written),
            "unchanged": list(self.unchanged),
            "refused": [{"path": r.path, "reason": r.reason} for r in self.refused],
            "logged": [t.to_json() for t in self.logged],
            "removed_temp_files": list(self.removed_temp),
            "diffs": list(self.diffs),
            "problems": [p.to_json() for p in self.problems],
            "summary": self.summary(),
        }


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


# ------------------------------------------------------------------------------ reading


@dataclass(slots=True)
class _File:
    """A file as read for the plan: its text (None if missing) and fingerprint."""

    path: str
    text: str | None
    state: FileState | None


class _Refused(Exception):
    """Internal: the file cannot be planned for; the message is the reason."""


def _read(vault: Vault, path: str) -> _File:
    try:
        text, state = read_state(vault.root, path)
    except OutsideVaultError as exc:
        raise _Refused(f"outside the vault: {exc}") from None
    except WriterError as exc:
        raise _Refused(str(exc)) from None
    except IsADirectoryError:
        raise _Refused("a folder is in the way") from None
    except OSError as exc:
        raise _Refused(f"cannot be read: {exc.strerror or exc}") from None
    return _File(path, text, state)


# ------------------------------------------------------------------------------ harvest


@dataclass(frozen=True, slots=True)
class _Tick:
    """A vaultlink checkbox found in a generated note or a daily note's managed block."""

    block_id: str
    status: str
    completed: date | None
    where: str
    line: int
    raw: str
    text: str
    link_targets: tuple[str | None, ...]  # None: a link that no longer resolves
    end_line: int = 0
    note_day: date | None = None  # set for a box in an earlier day's daily note

    @property
    def done(self) -> bool:
        return self.status in _DONE

    def day(self, today: date) -> date:
        """When it was done: the ``✅`` date, else the earlier daily note's date, else today."""
        return self.completed or self.note_day or today


def _is_vl_task(block: Block) -> bool:
    return (
        block.task is not None
        and block.block_id is not None
        and block.block_id.startswith("vl-")
    )


def _ticks(note: Note, resolver: Any, lines: range | None = None) -> list[_Tick]:
    """Every ``^vl-`` checkbox in ``note`` (within ``lines`` when given)."""
    out: list[_Tick] = []
    for block in note.blocks:
        if not _is_vl_task(block):
            continue
        if lines is not None and block.line not in lines:
            continue
        out.append(_tick(note, block, resolver))
    return out


def _tick(note: Note, block: Block, resolver: Any) -> _Tick:
    assert block.task is not None
    assert block.block_id is not None
    targets: list[str | None] = []
    for link in block.links:
        target = resolver.resolve(link.target, note.path)
        if target is None or target not in targets:
            targets.append(target)
    return _Tick(
        block_id=block.block_id,
        status=block.task.status,
        completed=block.task.completed,
        where=note.path,
        line=block.line,
        raw=block.raw.split("\n", 1)[0].strip(),
        text=block.text,
        link_targets=tuple(targets),
        end_line=max(block.line, block.end_line),
    )


def _reason_of(tick: _Tick, item: FollowUp | None) -> str:
    """What the log line says was done: the item's reason, else the box's own text."""
    if item is not None:
        return " ".join(item.reason.split())
    text = tick.text
    cut = min((i for i in (text.find(m) for m in _TASK_MARKERS) if i >= 0), default=len(text))
    text = " ".join(text[:cut].split())
    if text.startswith("Reach out to ") and " — " in text:
        text = text.split(" — ", 1)[1]
    return text or "a vaultlink follow-up"


def log_line(day: date, reason: str, block_id: str | None = None) -> str:
    """``- 2026-11-24 — reached out: <reason> (vaultlink) ^vl-3f9a2c``.

    The block id (hidden in Obsidian's reading view) marks the item done for good, so a
    later sync never lists or logs it again.
    """
    line = f"- {day.isoformat()} — reached out: {reason} {LOG_SUFFIX}"
    return f"{line} ^{block_id}" if block_id else line


# ------------------------------------------------------------------------------ the plan


@dataclass(slots=True)
class _Plan:
    today: date
    due: list[FollowUp] = field(default_factory=list)
    logs: list[FileChange] = field(default_factory=list)
    daily: FileChange | None = None
    daily_created: bool = False
    generated: list[FileChange] = field(default_factory=list)
    logged: list[LoggedTick] = field(default_factory=list)
    # ticks waiting on each log change, to carry them over if that write is refused
    pending_ticks: dict[str, list[_Tick]] = field(default_factory=dict)
    refused: list[Refusal] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    done: set[str] = field(default_factory=set)
    rerender: Any = None

    @property
    def changes(self) -> list[FileChange]:
        """Log lines first (so a refused one can still be kept ticked), then the rest."""
        out = list(self.logs)
        if self.daily is not None:
            out.append(self.daily)
        out.extend(self.generated)
        return out


def _time_of(now: datetime | time | None) -> time:
    if isinstance(now, datetime):
        return now.time().replace(microsecond=0)
    if isinstance(now, time):
        return now
    return datetime.now().time().replace(microsecond=0)


def _config_refusals(vault: Vault) -> list[Refusal]:
    """Settings errors in vaultlink.toml make sync refuse to write anything."""
    return [
        Refusal(CONFIG_NAME, f"{p.message}; fix {CONFIG_NAME} (nothing was written)")
        for p in vault.problems
        if p.severity == "error" and p.code == "bad-config" and p.path == CONFIG_NAME
    ]


def plan_sync(vault: Vault, today: date, now: datetime | time | None = None) -> _Plan:
    """Everything ``sync`` would write, computed from the files as they are now."""
    return _Planner(vault, today, _time_of(now)).build()


class _Planner:
    def __init__(self, vault: Vault, today: date, now: time) -> None:
        self.vault = vault
        self.today = today
        self.now = now
        self.output = vault.config.output
        self.out = _Plan(today)
        self.due_path = self.output.due_path
        self.starters_path = self.output.starters_path
        self.daily_path = (
            daily_note_path(today, vault.settings) if self.output.daily_block else None
        )
        self.generated_files: dict[str, _File] = {}
        self.daily_file: _File | None = None
        self.daily_block_lines: range | None = None
        self.daily_has_marks = False
        # earlier days' daily notes with ticked boxes to harvest (read, never rewritten),
        # with the lines of those boxes
        self.older_daily: list[tuple[_File, frozenset[int]]] = []
        self.marks = False  # any ticked, dismissed or otherwise marked vaultlink box
        self.already_logged: set[str] = set()
        self._vaults: dict[tuple[tuple[str, str], ...], Vault] = {}

    def refuse(self, path: str, reason: str) -> None:
        self.out.refused.append(Refusal(path, reason))

    # -- entry -----------------------------------------------------------------------------
    def build(self) -> _Plan:
        plan = self.out
        refusals = _config_refusals(self.vault)
        if self.due_path.lower() == self.starters_path.lower():
            refusals.append(Refusal(CONFIG_NAME, (
                f"[output] due_note and starters_note both name {self.due_path}; give them "
                "different names (nothing was written)"
            )))
        if refusals:
            plan.refused.extend(refusals)
            plan.due = compute_due(self.vault, self.today, horizon="next")
            return plan
        ticks = self._read_sources()
        edited = self._log_ticks(ticks)
        vault = self._vault_after(edited)
        due = compute_due(vault, self.today, horizon="next")
        plan.due = due
        statuses, done_dates, kept = self._carry_over(ticks, due)
        plan.done = {bid for bid, status in statuses.items() if status in _DONE | {"-"}}

        def render(extra: Sequence[str] = ()) -> list[FileChange]:
            return self._render(vault, due, statuses, done_dates, [*kept, *extra])

        plan.rerender = render
        self._render_all(render)
        return plan

    # -- reading what vaultlink wrote last time ----------------------------------------------
    def _read_sources(self) -> list[_Tick]:
        """Read the generated notes and today's daily note; collect their checkboxes."""
        ticks: list[_Tick] = []
        resolver = self.vault.resolver
        for path in self._generated_paths():
            try:
                found = _read(self.vault, path)
            except _Refused as exc:
                self.refuse(path, str(exc))
                continue
            if found.text is not None and path.lower().endswith(".canvas"):
                if not _canvas_is_ours(found.text):
                    self.refuse(path, (
                        "a canvas vaultlink did not write is at this path (no "
                        "\"generated_by\": \"vaultlink\"); it is yours, so vaultlink will "
                        f"not overwrite it (set [output] canvas = false in {CONFIG_NAME})"
                    ))
                    continue
            elif found.text is not None:
                if not _has_marker(path, found.text):
                    self.refuse(path, (
                        "a note without 'generated_by: vaultlink' in its frontmatter is at "
                        "this path: it is yours, so vaultlink will not overwrite it (move "
                        f"it, or set another [output] name in {CONFIG_NAME})"
                    ))
                    continue
                if path == self.due_path:
                    found_ticks = _ticks(self._parsed(found), resolver)
                    self.marks = self.marks or any(t.status != " " for t in found_ticks)
                    ticks.extend(found_ticks)
            self.generated_files[path] = found
        if self.daily_path is not None:
            ticks.extend(self._read_daily(self.daily_path))
        ticks.extend(self._read_older_dailies())
        return ticks

    def _parsed(self, found: _File) -> Note:
        """The note as parsed by ``load`` if the file is still what was loaded, else
        parsed afresh from the text just read (which the plan's fingerprint covers)."""
        assert found.text is not None
        loaded = self.vault.notes.get(found.path)
        seen = self.vault.read_state.get(found.path)
        if loaded is not None and seen is not None and found.state is not None and (
            seen == (found.state.size, found.state.mtime_ns)
        ):
            return loaded
        return parse_note(found.path, found.text)

    def _generated_paths(self) -> list[str]:
        paths = [self.due_path, self.starters_path]
        if self.output.canvas:
            paths.append(self.output.canvas_path)
        if self.output.mermaid:
            paths.append(self.output.mermaid_path)
        return list(dict.fromkeys(paths))

    def _read_daily(self, path: str) -> list[_Tick]:
        try:
            found = _read(self.vault, path)
        except _Refused as exc:
            self.refuse(path, str(exc))
            return []
        if path in self._generated_paths():
            self.refuse(path, "today's daily note has the same path as a generated note")
            return []
        if found.text is None:
            self.daily_file = found
            return []
        try:
            span = find_managed_block(found.text)
        except ManagedBlockError as exc:
            self.refuse(path, f"{exc}; fix the markers by hand (the note was not changed)")
            return []
        self.daily_file = found
        if span is None:
            return []
        first = found.text.count("\n", 0, span[0]) + 1
        last = found.text.count("\n", 0, span[1]) + 1
        self.daily_block_lines = range(first, last)
        ticks = _ticks(self._parsed(found), self.vault.resolver, self.daily_block_lines)
        # Ticked boxes in the block count as contacts (SPEC §2.5); without the block
        # the model must be rebuilt to see what would be due had they not been ticked.
        self.daily_has_marks = any(t.status != " " for t in ticks)
        self.marks = self.marks or self.daily_has_marks
        return ticks

    def _read_older_dailies(self) -> list[_Tick]:
        """Ticked boxes in the managed blocks of earlier days' daily notes.

        Such a note is never rewritten; its ticks are only logged, each dated by its
        ``✅`` date, else the note's date. The parsed notes say which notes to read: only
        one holding a ticked ``^vl-`` box whose id is not yet a block in a note the box
        links (where an earlier sync logged it). That note is then read to check that the
        box is inside its managed block.
        """
        out: list[_Tick] = []
        notes = self.vault.notes
        resolver = self.vault.resolver
        skip = {self.daily_path, *self._generated_paths()}
        model = self.vault.model
        generated = model.generated
        empty: frozenset[str] = frozenset()

        def logged_in(target: str | None) -> frozenset[str]:
            # the ``^vl-`` ids a user note carries (its ``## Log`` lines): from the model,
            # so no person note is loaded for this
            if target is None or target in generated:
                return empty
            return model.closed.get(target, empty)

        daily = model.daily
        # Only the notes holding ``^vl-`` boxes are looked at (and loaded).
        paths = [p for p in model.tick_notes if p in daily]
        for path in sorted(paths, key=lambda p: (daily[p], p)):
            day = daily[path]
            if day >= self.today or path in skip or path not in notes:
                continue
            waiting = False
            for block in notes[path].blocks:
                if not _is_vl_task(block) or block.task is None or not block.task.done:
                    continue
                targets = {resolver.resolve(link.target, path) for link in block.links}
                if not any(block.block_id in logged_in(t) for t in targets):
                    waiting = True
                    break
            if not waiting:
                continue
            out.extend(self._older_ticks(path, day))
        self.marks = self.marks or bool(out)
        return out

    def _older_ticks(self, path: str, day: date) -> list[_Tick]:
        """The ticked boxes inside the managed block of the earlier daily note ``path``."""
        try:
            found = _read(self.vault, path)
        except _Refused as exc:
            self._older_problem(path, f"it cannot be read ({exc})")
            return []
        if found.text is None:
            return []  # deleted since the vault was loaded
        try:
            span = find_managed_block(found.text)
        except ManagedBlockError as exc:
            self._older_problem(path, f"{exc}; fix the markers by hand")
            return []
        if span is None:
            return []
        first = found.text.count("\n", 0, span[0]) + 1
        last = found.text.count("\n", 0, span[1]) + 1
        ticks = [
            replace(tick, note_day=day)
            for tick in _ticks(self._parsed(found), self.vault.resolver, range(first, last))
            if tick.done
        ]
        if ticks:
            boxes = {n for t in ticks for n in range(t.line, t.end_line + 1)}
            self.older_daily.append((found, frozenset(boxes)))
        return ticks

    def _older_problem(self, path: str, why: str) -> None:
        self.out.problems.append(Problem(
            path, None, "warning", "tick-not-logged",
            f"ticked vaultlink items in this daily note are not logged: {why}",
        ))

    # -- logging ticked boxes ------------------------------------------------------------------
    def _log_ticks(self, ticks: Sequence[_Tick]) -> dict[str, str]:
        """Plan a ``## Log`` line for each ticked box; returns the edited note texts."""
        plan = self.out
        model = self.vault.model
        items = self._known_items() if any(t.done for t in ticks) else {}
        by_note: dict[str, list[tuple[_Tick, str, str]]] = {}
        seen: set[str] = set()
        # The same item ticked in several places is logged once, on the earliest date.
        for tick in sorted(ticks, key=lambda t: t.day(self.today)):
            if not tick.done or tick.block_id in seen:
                continue
            seen.add(tick.block_id)
            item = items.get(tick.block_id)
            target = _target_of(tick, item, model)
            if target is None:
                plan.problems.append(Problem(
                    tick.where, tick.line, "warning", "tick-not-logged",
                    "a ticked vaultlink item links no person or company in the vault; "
                    "kept ticked, not logged",
                ))
                continue
            name = _name_of(target, model)
            line = log_line(tick.day(self.today), _reason_of(tick, item), tick.block_id)
            by_note.setdefault(target, []).append((tick, line, name))
        edited: dict[str, str] = {}
        for target, entries in by_note.items():
            try:
                found = _read(self.vault, target)
            except _Refused as exc:
                self._not_logged(target, entries, str(exc))
                continue
            if found.text is None:
                self._not_logged(target, entries, "the note no longer exists")
                continue
            text = found.text
            already = _block_ids(self._parsed(found))
            waiting: list[_Tick] = []
            for tick, line, name in entries:
                if tick.block_id in already:
                    self.already_logged.add(tick.block_id)  # by an earlier sync
                    continue
                try:
                    text = append_log_line(text, line, heading=self.output.log_heading)
                except ValueError as exc:
                    self._not_logged(target, [(tick, line, name)], str(exc))
                    continue
                waiting.append(tick)
                plan.logged.append(LoggedTick(
                    path=target, name=name, block_id=tick.block_id,
                    date=tick.day(self.today), line=line, ticked_in=tick.where,
                ))
            if text != found.text:
                plan.logs.append(FileChange(
                    target, text, found.text, "log ticked follow-ups", found.state
                ))
                plan.pending_ticks[target] = waiting
                edited[target] = text
        return edited

    def _not_logged(self, target: str, entries: Iterable[tuple[_Tick, str, str]],
                    why: str) -> None:
        for tick, _, _ in entries:
            self.refuse(target, (
                f"could not log the item ticked in {tick.where} (line {tick.line}): {why}; "
                "it stays ticked"
            ))

    def _known_items(self) -> dict[str, FollowUp]:
        """Every item the rules would list if nothing were ticked, by block id."""
        vault = self._vault_after({})
        return {
            item.block_id: item
            for item in compute_due(vault, self.today, horizon="all", include_lapsed=True)
        }

    # -- the vault as it will be after logging ------------------------------------------------
    def _vault_after(self, edited: Mapping[str, str]) -> Vault:
        """The vault with the log lines in, without the generated due note and with
        today's daily block emptied, so what is still due is computed afresh."""
        if not edited and not self.marks:
            # Nothing ticked, dismissed or logged: the vault as loaded says it all (and
            # keeps its cached graph).
            return self.vault
        replaced: dict[str, Note] = {}
        changed = False
        for path, text in edited.items():
            replaced[path] = parse_note(path, text)
            changed = True
        daily = self.daily_file
        if daily is not None and daily.text is not None and self.daily_block_lines:
            emptied = replace_managed_block(daily.text, "")
            if emptied != daily.text:
                replaced[daily.path] = parse_note(daily.path, emptied)
                changed = changed or self.daily_has_marks
        # Earlier days' ticked boxes being harvested are left out like today's block (only
        # those: a box cancelled there still dismisses its item).
        for older, boxes in self.older_daily:
            assert older.text is not None
            replaced[older.path] = parse_note(older.path, _without_lines(older.text, boxes))
            changed = True
        key = tuple(sorted(edited.items()))
        cached = self._vaults.get(key)
        if cached is not None:
            return cached
        notes = _NotesView(self.vault.notes, replaced, self.due_path)
        model: Model = self.vault.model
        if self.due_path in model.closed:  # as if the due note were gone, as above
            model = replace(model, closed={
                path: ids for path, ids in model.closed.items() if path != self.due_path
            })
        if changed:
            # Only the notes changed here are read again (when the load kept the pieces).
            model = self.vault.model_with(replaced, dropped=(self.due_path,))
        vault = _derived(self.vault, notes, model)
        self._vaults[key] = vault
        return vault

    def _carry_over(
        self, ticks: Sequence[_Tick], due: Sequence[FollowUp]
    ) -> tuple[dict[str, str], dict[str, date], list[str]]:
        """Checkbox states to keep in the regenerated notes.

        Boxes ticked but not logged stay ticked; other states the user set (``-``
        cancelled, ``/`` in progress) stay while the item is still due. A ticked box
        whose item is gone is kept verbatim in a section of its own.
        """
        live = {item.block_id for item in due}
        logged = {t.block_id for t in self.out.logged} | self.already_logged
        statuses: dict[str, str] = {}
        done_dates: dict[str, date] = {}
        kept: list[str] = []
        for tick in ticks:
            if tick.status == " " or tick.block_id in logged:
                continue
            if tick.block_id in live:
                current = statuses.get(tick.block_id)
                if current is None or _strength(tick.status) > _strength(current):
                    statuses[tick.block_id] = tick.status
                    if tick.done:
                        done_dates[tick.block_id] = tick.day(self.today)
            elif tick.done and tick.note_day is None and tick.raw not in kept:
                # (a box in an earlier day's note stays ticked there: nothing to keep)
                kept.append(tick.raw)
        return statuses, done_dates, kept

    # -- rendering -------------------------------------------------------------------------------
    def _render_all(self, render: Any) -> None:
        for change in render():
            if change.path == self.daily_path:
                self.out.daily = change
            else:
                self.out.generated.append(change)

    def _render(
        self,
        vault: Vault,
        due: Sequence[FollowUp],
        statuses: Mapping[str, str],
        done_dates: Mapping[str, date],
        kept: Sequence[str],
    ) -> list[FileChange]:
        out: list[FileChange] = []
        resolver = vault.resolver
        due_file = self.generated_files.get(self.due_path)
        if due_file is not None:
            link = Linker(resolver, self.due_path)
            text = render_due_note(
                due, today=self.today, link=link, done=done_dates, statuses=statuses,
                kept={NOT_LOGGED: kept} if kept else None,
            )
            out.append(_change(due_file, text, "regenerate the due list"))
        starters_file = self.generated_files.get(self.starters_path)
        if starters_file is not None:
            linker = Linker(resolver, self.starters_path)
            groups, more = self._starter_groups(vault, due, statuses)
            text = render_starters_note(groups, today=self.today, linker=linker, more=more)
            out.append(_change(starters_file, text, "regenerate the conversation starters"))
        out.extend(self._network(vault))
        daily = self._daily_change(vault, due, statuses, done_dates, kept)
        if daily is not None:
            out.append(daily)
        return out

    def _network(self, vault: Vault) -> list[FileChange]:
        """The optional Network.canvas and Mermaid note (``[output] canvas / mermaid``)."""
        out: list[FileChange] = []
        canvas = self.generated_files.get(self.output.canvas_path)
        mermaid = self.generated_files.get(self.output.mermaid_path)
        if canvas is None and mermaid is None:
            return out
        try:
            graph = vault.graph
            if canvas is not None:
                from vaultlink.export.canvas import canvas_data

                data = {"generated_by": GENERATED_BY, **canvas_data(graph, today=self.today)}
                text = json.dumps(data, ensure_ascii=False, indent="\t") + "\n"
                out.append(_change(canvas, text, "regenerate the network canvas"))
            if mermaid is not None:
                from vaultlink.export.mermaid import to_mermaid

                text = (
                    frontmatter(self.today)
                    + "Your network: companies with the people you know there.\n\n"
                    + to_mermaid(graph, fenced=True)
                )
                out.append(_change(mermaid, text, "regenerate the network graph"))
        except Exception as exc:  # an export bug must not cost the user their due list
            self.out.problems.append(Problem(
                self.output.folder, None, "warning", "export-failed",
                f"the network export failed: {type(exc).__name__}: {exc}",
            ))
        return out

    def _starter_groups(
        self, vault: Vault, due: Sequence[FollowUp], statuses: Mapping[str, str]
    ) -> tuple[list[StarterGroup], int]:
        groups: list[StarterGroup] = []
        seen: set[str] = set()
        for item in due:
            if item.person is None or item.person in seen:
                continue
            if item.section not in ("overdue", "this_week"):
                continue
            if statuses.get(item.block_id, " ") in _DONE | {"-"}:
                continue
            seen.add(item.person)
            if len(groups) >= MAX_STARTER_PEOPLE:
                continue  # counted below, not worked out: nobody reads that far
            try:
                from vaultlink.starters import starters_for

                starters = tuple(starters_for(vault, item.person, self.today))
            except Exception as exc:  # a broken starter source must not stop a sync
                self.out.problems.append(Problem(
                    item.person, None, "warning", "starters-failed",
                    f"conversation starters failed: {type(exc).__name__}: {exc}",
                ))
                starters = ()
            groups.append(StarterGroup(
                person=item.person, name=item.name, reason=item.reason, due=item.due,
                starters=starters,
                sources=tuple((s.source.path, s.source.heading) for s in starters),
            ))
        return groups, len(seen) - len(groups)

    def _daily_change(
        self,
        vault: Vault,
        due: Sequence[FollowUp],
        statuses: Mapping[str, str],
        done_dates: Mapping[str, date],
        kept: Sequence[str],
    ) -> FileChange | None:
        path = self.daily_path
        found = self.daily_file
        if path is None or found is None:
            return None
        items = tuple(i for i in due if i.section == "overdue" or i.due <= self.today)
        # The daily note is for today, not the backlog: the most urgent few, and a
        # pointer to the rest (ranked order; a box ticked there was harvested above).
        limit = vault.config.output.daily_limit
        more = 0
        if limit and len(items) > limit:
            keep = list(items[:limit])
            keep_ids = {i.block_id for i in keep}
            keep.extend(i for i in items[limit:] if i.block_id in done_dates
                        and i.block_id not in keep_ids)
            more = len(items) - len(keep)
            items = tuple(keep)
        daily = DailyItems(items=items, done=dict(done_dates), statuses=dict(statuses),
                           kept=tuple(kept), more=more)
        has_block = self.daily_block_lines is not None
        if not items and not kept and not has_block:
            return None  # nothing for today: leave the note alone (or uncreated)
        due_link = Linker(vault.resolver, path)(self.due_path, "all follow-ups", full=True)
        content = render_daily_block(daily, link=Linker(vault.resolver, path), due_note=due_link)
        if found.text is None:
            base = self._new_daily_text(path)
            if base is None:
                return None
            self.out.daily_created = True
        else:
            base = found.text
        try:
            text = replace_managed_block(
                base, content, heading=self.output.daily_heading, create_heading=True
            )
        except (ManagedBlockError, ValueError) as exc:
            self.refuse(path, str(exc))
            return None
        return _change(found, text, "today's follow-ups in the daily note")

    def _new_daily_text(self, path: str) -> str | None:
        """Today's daily note from the configured template (an empty note without one)."""
        template = self.vault.settings.daily_template
        if not template:
            return ""
        try:
            found = _read(self.vault, template)
        except _Refused as exc:
            self.refuse(path, f"cannot use the daily note template {template}: {exc}")
            return None
        if found.text is None:
            self.out.problems.append(Problem(
                template, None, "warning", "missing-template",
                f"the daily note template {template} does not exist; created {path} empty",
            ))
            return ""
        title = path.rsplit("/", 1)[-1][:-3]
        return fill_template(found.text, today=self.today, title=title, now=self.now)


def _strength(status: str) -> int:
    if status in _DONE:
        return 3
    if status == "-":
        return 2
    return 0 if status == " " else 1


def _change(found: _File, text: str, reason: str) -> FileChange:
    return FileChange(found.path, text, found.text, reason, found.state)


def _has_marker(path: str, text: str) -> bool:
    """Whether a note's frontmatter says ``generated_by: vaultlink`` (SPEC §5.3).

    Reads only the frontmatter: a generated note can be long, and this runs every sync.
    """
    # imported here: YAML and markdown-it cost ~70 ms, and a repeat sync answered from
    # the cache (which unpickles a SyncReport, so imports this module) never needs them
    from vaultlink.frontmatter_text import load_frontmatter, split_frontmatter

    normal = text.removeprefix("\ufeff").replace("\r\n", "\n")
    yaml_text, _ = split_frontmatter(normal)
    if yaml_text is None:
        return False
    value = load_frontmatter(path, yaml_text).properties.get("generated_by", "")
    return str(value).strip().lower() == GENERATED_BY


def _canvas_is_ours(text: str) -> bool:
    try:
        data = json.loads(text)
    except ValueError:
        return False
    return isinstance(data, dict) and data.get("generated_by") == GENERATED_BY


def _without_lines(text: str, drop: frozenset[int]) -> str:
    """``text`` without its physical lines numbered (from 1) in ``drop``."""
    parts = text.split("\n")
    return "\n".join(part for n, part in enumerate(parts, 1) if n not in drop)


def _block_ids(note: Note) -> set[str]:
    return {b.block_id for b in note.blocks if b.block_id}


def _target_of(tick: _Tick, item: FollowUp | None, model: Model) -> str | None:
    """The person (or, for a company-level item, the company) a ticked box is about."""
    if item is not None:
        if item.person is not None and item.person in model.people:
            return item.person
        if item.person is None and item.company is not None and item.company in model.companies:
            return item.company
    for target in tick.link_targets:
        if target in model.people:
            return target
    if None in tick.link_targets:
        return None  # most likely the person, whose note is gone: never guess
    for target in tick.link_targets:
        if target in model.companies:
            return target
    return None


def _name_of(path: str, model: Model) -> str:
    person = model.people.get(path)
    if person is not None:
        return person.name
    company = model.companies.get(path)
    if company is not None:
        return company.name
    return path.rsplit("/", 1)[-1].removesuffix(".md")


class _NotesView(Mapping[str, Note]):
    """The vault's notes with some replaced and one hidden, without copying (or, from
    the cache, unpickling) the rest."""

    def __init__(self, base: Mapping[str, Note], replaced: Mapping[str, Note], hidden: str):
        self._base = base
        self._replaced = replaced
        self._hidden = hidden

    def __getitem__(self, path: str) -> Note:
        if path == self._hidden:
            raise KeyError(path)
        found = self._replaced.get(path)
        return found if found is not None else self._base[path]

    def __contains__(self, path: object) -> bool:
        return path != self._hidden and (path in self._replaced or path in self._base)

    def __iter__(self) -> Iterator[str]:
        for path in self._base:
            if path != self._hidden:
                yield path
        for path in self._replaced:
            if path not in self._base and path != self._hidden:
                yield path

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _derived(vault: Vault, notes: Mapping[str, Note], model: Model) -> Vault:
    """A Vault sharing everything with ``vault`` but its notes and model."""
    return type(vault)(
        root=vault.root,
        settings=vault.settings,
        config=vault.config,
        notes=notes,
        files=vault.files,
        resolver=vault.resolver,
        model=model,
        problems=vault.problems,
        read_state=vault.read_state,
    )


# ------------------------------------------------------------------------------ apply


def sync(
    vault: Vault,
    today: date,
    dry_run: bool = False,
    now: datetime | time | None = None,
) -> SyncReport:
    """Harvest ticks, regenerate the notes and today's daily block (SPEC §5).

    With ``dry_run`` nothing is written; the report's ``diffs`` show what would be.
    ``now`` is the time of day for ``{{time}}`` in a new daily note's template.
    """
    plan = plan_sync(vault, today, now)
    changes = plan.changes
    diffs = tuple(d for d in (unified_diff(c) for c in changes if c.new_text != c.old_text) if d)
    common: dict[str, Any] = {
        "today": today,
        "dry_run": dry_run,
        "due": tuple(plan.due),
        "logged": tuple(plan.logged),
        "diffs": diffs,
        "problems": tuple(plan.problems),
        "generated": tuple(c.path for c in plan.generated),
        "daily_path": plan.daily.path if plan.daily is not None else None,
        "daily_created": plan.daily_created,
        "done": frozenset(plan.done),
    }
    if dry_run or not changes:
        return SyncReport(changes=tuple(changes), refused=tuple(plan.refused), **common)

    logs = apply(vault.root, plan.logs)
    refused = list(plan.refused) + list(logs.refused)
    rest = [c for c in changes if c not in plan.logs]
    if logs.refused:
        # Some log lines could not be written: keep those boxes ticked in what we regenerate.
        failed = {r.path for r in logs.refused}
        lost = [t.raw for path in failed for t in plan.pending_ticks.get(path, [])]
        rest = [c for c in plan.rerender(lost) if c.path in {r.path for r in rest}]
        common["logged"] = tuple(t for t in plan.logged if t.path not in failed)
    others = apply(vault.root, rest)
    refused.extend(others.refused)
    return SyncReport(
        changes=(*plan.logs, *rest),
        written=logs.written + others.written,
        unchanged=logs.unchanged + others.unchanged,
        refused=tuple(refused),
        removed_temp=logs.removed + others.removed,
        **common,
    )


# ------------------------------------------------------------------------------ log


@dataclass(frozen=True, slots=True)
class LogResult:
    """What ``vaultlink log`` did: the line, the note and whether it was written."""

    path: str
    line: str
    change: FileChange | None
    written: bool
    refused: Refusal | None = None


def log_interaction(
    vault: Vault, person: str, text: str, day: date, *, dry_run: bool = False
) -> LogResult:
    """Append ``- D — text`` under the person's ``## Log`` heading (created if missing).

    ``person`` is a path, name or alias (``Vault.person``; raises ``PersonNotFound``).
    The same safety as sync: text edits only, atomic, not over a file changed since read.
    """
    found_person = vault.person(person)
    body = " ".join(text.split())
    if not body:
        raise ValueError("the log text is empty")
    line = f"- {day.isoformat()} — {body}"
    try:
        found = _read(vault, found_person.path)
    except _Refused as exc:
        return LogResult(found_person.path, line, None, False,
                         Refusal(found_person.path, str(exc)))
    if found.text is None:
        return LogResult(found_person.path, line, None, False,
                         Refusal(found_person.path, "the note no longer exists"))
    new = append_log_line(found.text, line, heading=vault.config.output.log_heading)
    change = FileChange(found_person.path, new, found.text, "log an interaction", found.state)
    if dry_run or new == found.text:
        return LogResult(found_person.path, line, change, False)
    report = apply(vault.root, [change])
    refused = report.refused[0] if report.refused else None
    return LogResult(found_person.path, line, change, bool(report.written), refused)
