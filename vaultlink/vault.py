"""``vaultlink.load()`` and the ``Vault``: the pipeline's stages wired together.

scan -> parse -> resolve -> model happen in ``load``; the graph, the due list, the
starters and sync are computed on demand from the loaded model. ``Vault`` holds data
and delegates; it has no setters.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from vaultlink.config import Config, load_config
from vaultlink.model import Model
from vaultlink.notes import Note
from vaultlink.parse_all import LazyNotes
from vaultlink.problems import Problem
from vaultlink.records import Application, Company, Interaction, Me, Person
from vaultlink.resolve import Resolver
from vaultlink.scan import scan
from vaultlink.settings import ObsidianSettings, read_settings
from vaultlink.state import ModelPieces, SyncCache, load_state

if TYPE_CHECKING:
    import networkx as nx

    from vaultlink.rules import FollowUp
    from vaultlink.starters import Starter
    from vaultlink.sync import SyncReport

ProgressCallback = Callable[[int, int], None]


class VaultError(Exception):
    """The vault cannot be read at all (missing folder, not a directory)."""


class PersonNotFound(LookupError):
    """A name matched no person, or several; ``candidates`` lists the closest matches."""

    def __init__(self, query: str, candidates: tuple[str, ...], ambiguous: bool = False):
        self.query = query
        self.candidates = candidates
        self.ambiguous = ambiguous
        what = "is ambiguous" if ambiguous else "matches no person"
        hint = f"; did you mean: {', '.join(candidates)}" if candidates else ""
        super().__init__(f"{query!r} {what}{hint}")


class Vault:
    """A loaded vault: notes, the typed model, problems, and the operations on them."""

    def __init__(
        self,
        root: Path,
        settings: ObsidianSettings,
        config: Config,
        notes: Mapping[str, Note],
        files: tuple[str, ...],
        resolver: Resolver | Callable[[], Resolver],
        model: Model | Callable[[], Model],
        problems: tuple[Problem, ...],
        read_state: Mapping[str, tuple[int, int]] | None = None,
    ) -> None:
        # ``resolver`` and ``model`` may be loaders (a warm cache): called on first use,
        # so a repeat sync that changes nothing never unpickles them.
        self.root = root
        self.settings = settings
        self.config = config
        self.notes: Mapping[str, Note] = MappingProxyType(
            notes if isinstance(notes, LazyNotes) else dict(notes)
        )
        self.files = files
        self._resolver = resolver
        self._model = model
        self.problems = problems
        self.read_state: Mapping[str, tuple[int, int]] = MappingProxyType(dict(read_state or {}))
        self._sync_cache: SyncCache | None = None
        # the per-note pieces of the model, when this load built it (not when it came
        # whole from the cache): sync rebuilds just the notes it changes from them
        self._pieces: ModelPieces | None = None

    @cached_property
    def resolver(self) -> Resolver:
        return self._resolver() if callable(self._resolver) else self._resolver

    @cached_property
    def model(self) -> Model:
        return self._model() if callable(self._model) else self._model

    def __repr__(self) -> str:
        return (
            f"<Vault {self.root} notes={len(self.notes)} people={len(self.people)} "
            f"companies={len(self.companies)} problems={len(self.problems)}>"
        )

    # -- the model ---------------------------------------------------------------------------
    # Read-only views over the model's own dicts (built once, never mutated): no copy per
    # access, so ``for p in vault.people: vault.people[p]`` stays linear.
    @cached_property
    def people(self) -> Mapping[str, Person]:
        return MappingProxyType(self.model.people)

    @cached_property
    def companies(self) -> Mapping[str, Company]:
        return MappingProxyType(self.model.companies)

    @cached_property
    def applications(self) -> Mapping[str, Application]:
        return MappingProxyType(self.model.applications)

    @cached_property
    def interactions(self) -> Mapping[str, Interaction]:
        return MappingProxyType(self.model.interactions)

    @property
    def me(self) -> Me:
        return self.model.me

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    def person(self, query: str) -> Person:
        """Find a person by path, name or alias (case-insensitive).

        Raises ``PersonNotFound`` with the closest candidates when nothing or several match.
        """
        from vaultlink.lookup import find_person

        return find_person(self.model, query)

    def to_dataframe(self, what: str = "people") -> Any:
        """``people``, ``companies``, ``applications`` or ``interactions`` as a pandas
        DataFrame, one row per record (needs the ``pandas`` extra)."""
        from vaultlink.display import to_dataframe

        tables: dict[str, Mapping[str, Any]] = {
            "people": self.model.people,
            "companies": self.model.companies,
            "applications": self.model.applications,
            "interactions": self.model.interactions,
        }
        if what not in tables:
            raise ValueError(f"what must be one of {', '.join(tables)}, not {what!r}")
        return to_dataframe(tables[what].values())

    def model_with(self, replaced: Mapping[str, Note], dropped: Sequence[str] = ()) -> Model:
        """The model as it would be with ``replaced`` notes' new text and without
        ``dropped`` notes' contributions (their paths still resolve). Rebuilds only those
        notes when this load built the model; otherwise builds it from every note."""
        if self._pieces is not None:
            from vaultlink.state import rebuild_model

            rebuilt = rebuild_model(self._pieces, replaced, dropped)
            if rebuilt is not None:
                return rebuilt
        from vaultlink.model import build_model

        gone = set(dropped)
        notes = [replaced.get(path, note) for path, note in self.notes.items()
                 if path not in gone]
        return build_model(notes, self.resolver, self.settings, self.config)

    # -- derived ---------------------------------------------------------------------------------
    @cached_property
    def graph(self) -> nx.MultiDiGraph:
        from vaultlink.graph import build_graph

        return build_graph(self)

    def due(
        self,
        today: date | None = None,
        horizon: str = "week",
        include_lapsed: bool = False,
    ) -> list[FollowUp]:
        """Follow-ups due: overdue, this ISO week and (``horizon="next"``) the week after.

        A plain list that also shows as a table in Jupyter and has ``to_dataframe()``.
        """
        from vaultlink.display import RecordList
        from vaultlink.rules import compute_due

        items = compute_due(
            self, today or date.today(), horizon=horizon, include_lapsed=include_lapsed
        )
        return RecordList(items, ("due", "name", "rule", "reason", "overdue_days"))

    def starters(self, person: str, today: date | None = None) -> list[Starter]:
        """Conversation starters for one person (path, name or alias), best first."""
        from vaultlink.display import RecordList
        from vaultlink.starters import starters_for

        found = starters_for(self, self.person(person).path, today or date.today())
        return RecordList(found, ("kind", "text", "link"))

    def sync(
        self, today: date | None = None, dry_run: bool = False, now: Any = None
    ) -> SyncReport:
        """Harvest ticked boxes, regenerate the notes and today's daily block."""
        day = today or date.today()
        cache = self._sync_cache
        if cache is not None:  # the same files, settings and day as a sync that changed nothing
            replayed = cache.replay(day, dry_run)
            if replayed is not None:
                return replayed  # type: ignore[no-any-return]
        from vaultlink.sync import sync

        report = sync(self, day, dry_run=dry_run, now=now)
        if cache is not None and not (
            report.pending or report.written or report.refused or report.logged
        ):
            cache.record(day, dry_run, report)
        return report


def load(
    path: str | os.PathLike[str],
    *,
    use_cache: bool = True,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
) -> Vault:
    """Read a vault: scan, parse (cached), resolve links and build the model."""
    root = Path(path).expanduser()
    if not root.exists():
        raise VaultError(f"{root}: no such folder")
    if not root.is_dir():
        raise VaultError(f"{root}: not a folder")
    root = root.resolve()
    try:
        os.listdir(root)
    except OSError as exc:
        raise VaultError(f"{root}: cannot be read ({exc.strerror})") from exc
    settings, settings_problems = read_settings(root)
    config, config_problems = load_config(root)
    scanned = scan(root, settings.ignore_filters)

    state = load_state(
        root, scanned, settings, config,
        use_cache=use_cache, workers=workers, progress=progress,
    )
    problems = (*settings_problems, *config_problems, *scanned.problems, *state.problems)
    vault = Vault(
        root=root,
        settings=settings,
        config=config,
        notes=state.notes,
        files=scanned.files,
        resolver=state.resolver,
        model=state.model,
        problems=tuple(problems),
        read_state={e.path: (e.size, e.mtime_ns) for e in scanned.notes},
    )
    vault._sync_cache = state.cache
    vault._pieces = state.pieces
    return vault
