"""Obsidian's own settings, read (never written) from the vault's config folder.

vaultlink must agree with Obsidian about which notes are daily notes, where templates
live and which files the user excluded, so it reads the same JSON files Obsidian does.
A missing file means Obsidian's defaults; a broken one is reported and defaults used.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vaultlink.problems import Problem

__all__ = ["ObsidianSettings", "read_settings"]

_DEFAULT_FORMAT = "YYYY-MM-DD"


@dataclass(frozen=True, slots=True)
class ObsidianSettings:
    """What vaultlink needs from Obsidian's settings.

    Paths are vault-relative POSIX without leading or trailing ``/`` (``""`` is the vault
    root). ``daily_template`` ends in ``.md`` even when the setting omitted it.
    ``date_properties`` holds lower-cased property names typed date or datetime in
    ``types.json``; test keys with :meth:`is_date_property`.
    """

    daily_folder: str = ""
    daily_format: str = _DEFAULT_FORMAT
    daily_template: str | None = None
    templates_folder: str | None = None
    ignore_filters: tuple[str, ...] = ()
    date_properties: frozenset[str] = field(default_factory=frozenset)

    def is_date_property(self, key: str) -> bool:
        """Whether Obsidian types this property as a date (names compare case-insensitively)."""
        return key.lower() in self.date_properties


@dataclass(frozen=True, slots=True)
class _Daily:
    folder: str
    format: str
    template: str | None


class _Reader:
    """Loads JSON files below the config folder, collecting problems instead of raising."""

    def __init__(self, root: Path, config_dir: str) -> None:
        self.root = root
        self.config_dir = config_dir.strip("/")
        self.problems: list[Problem] = []
        self._enabled: frozenset[str] | None = None

    def rel(self, name: str) -> str:
        return f"{self.config_dir}/{name}"

    def load(self, name: str) -> dict[str, Any] | None:
        """The JSON object in ``<config>/<name>``; None when absent or broken (reported)."""
        rel = self.rel(name)
        data = self._json(rel)
        if data is None or isinstance(data, dict):
            return data
        self.warn(rel, "expected a JSON object; using defaults")
        return None

    def _json(self, rel: str) -> Any:
        """Any JSON value from a file; None when absent, empty or broken (reported)."""
        try:
            text = (self.root / rel).read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            self.warn(rel, f"cannot read {rel}: {exc}")
            return None
        if not text.strip():
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            self.problems.append(
                Problem(rel, exc.lineno, "warning", "bad-config", f"malformed JSON: {exc.msg}")
            )
            return None

    def plugin_enabled(self, plugin_id: str) -> bool:
        """A community plugin's data counts only if it is switched on (or we cannot tell)."""
        if self._enabled is None:
            listed = self._json(self.rel("community-plugins.json"))
            if isinstance(listed, list):
                self._enabled = frozenset(p for p in listed if isinstance(p, str))
            else:
                self._enabled = frozenset({"*"})
        return "*" in self._enabled or plugin_id in self._enabled

    def warn(self, rel: str, message: str) -> None:
        self.problems.append(Problem(rel, None, "warning", "bad-config", message))

    def text(self, data: Mapping[str, Any], key: str, rel: str) -> str | None:
        """A string setting; absent, null or empty is None; another type is reported."""
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self.warn(rel, f"{key!r} should be a string, not {type(value).__name__}; ignored")
            return None
        return value.strip() or None


def _norm_folder(value: str | None) -> str:
    """Obsidian's normalizePath for a folder: ``/Daily/`` and ``Daily\\`` are ``Daily``."""
    if not value:
        return ""
    value = re.sub(r"[\\/]+", "/", re.sub("[\u00a0\u202f]", " ", value)).strip("/")
    value = unicodedata.normalize("NFC", value)
    return "" if value in (".", "") else value


def _norm_template(value: str | None) -> str | None:
    """A template path as a vault-relative ``.md`` path (the setting may omit ``.md``)."""
    path = _norm_folder(value)
    if not path:
        return None
    return path if path.lower().endswith(".md") else f"{path}.md"


def _core_daily(reader: _Reader) -> _Daily | None:
    rel = reader.rel("daily-notes.json")
    data = reader.load("daily-notes.json")
    if data is None:
        return None
    return _Daily(
        folder=_norm_folder(reader.text(data, "folder", rel)),
        format=reader.text(data, "format", rel) or _DEFAULT_FORMAT,
        template=_norm_template(reader.text(data, "template", rel)),
    )


def _periodic_daily(reader: _Reader) -> _Daily | None:
    """Periodic Notes' daily settings when enabled: 0.x ``daily`` or 1.x ``calendarSets``."""
    name = "plugins/periodic-notes/data.json"
    rel = reader.rel(name)
    if not reader.plugin_enabled("periodic-notes"):
        return None
    data = reader.load(name)
    if data is None:
        return None
    day: Any
    template_key = "template"
    sets = data.get("calendarSets")
    if isinstance(sets, list):
        candidates = [s for s in sets if isinstance(s, dict)]
        active = data.get("activeCalendarSet")
        chosen = next((s for s in candidates if s.get("id") == active), None)
        if chosen is None and candidates:
            chosen = candidates[0]
        day = chosen.get("day") if chosen is not None else None
        template_key = "templatePath"
    else:
        day = data.get("daily")
    if not isinstance(day, dict) or day.get("enabled") is not True:
        return None
    template = reader.text(day, template_key, rel) or reader.text(day, "template", rel)
    return _Daily(
        folder=_norm_folder(reader.text(day, "folder", rel)),
        format=reader.text(day, "format", rel) or _DEFAULT_FORMAT,
        template=_norm_template(template),
    )


def _templates_folder(reader: _Reader) -> str | None:
    """The core Templates plugin's folder, else Templater's."""
    core = reader.load("templates.json")
    if core is not None:
        folder = _norm_folder(reader.text(core, "folder", reader.rel("templates.json")))
        if folder:
            return folder
    name = "plugins/templater-obsidian/data.json"
    if not reader.plugin_enabled("templater-obsidian"):
        return None
    templater = reader.load(name)
    if templater is not None:
        folder = _norm_folder(reader.text(templater, "templates_folder", reader.rel(name)))
        if folder:
            return folder
    return None


def _ignore_filters(reader: _Reader) -> tuple[str, ...]:
    data = reader.load("app.json")
    if data is None:
        return ()
    filters = data.get("userIgnoreFilters")
    if filters is None:
        return ()
    if not isinstance(filters, list):
        reader.warn(reader.rel("app.json"), "'userIgnoreFilters' should be a list; ignored")
        return ()
    if not all(isinstance(f, str) for f in filters):
        reader.warn(reader.rel("app.json"), "'userIgnoreFilters' has non-string entries; skipped")
    return tuple(f for f in filters if isinstance(f, str) and f)


def _date_properties(reader: _Reader) -> frozenset[str]:
    data = reader.load("types.json")
    if data is None:
        return frozenset()
    types = data.get("types")
    if not isinstance(types, dict):
        if types is not None:
            reader.warn(reader.rel("types.json"), "'types' should be an object; ignored")
        return frozenset()
    return frozenset(
        key.lower()
        for key, kind in types.items()
        if isinstance(kind, str) and kind.lower() in ("date", "datetime")
    )


def read_settings(
    root: Path, config_dir: str = ".obsidian"
) -> tuple[ObsidianSettings, tuple[Problem, ...]]:
    """Read Obsidian's settings for the vault at ``root``; problems name the JSON file.

    Daily notes come from the Periodic Notes plugin when it has daily notes enabled,
    else from the core Daily notes plugin, else the defaults (vault root, YYYY-MM-DD).
    """
    reader = _Reader(root, config_dir)
    daily = _periodic_daily(reader) or _core_daily(reader)
    settings = ObsidianSettings(
        daily_folder=daily.folder if daily else "",
        daily_format=daily.format if daily else _DEFAULT_FORMAT,
        daily_template=daily.template if daily else None,
        templates_folder=_templates_folder(reader),
        ignore_filters=_ignore_filters(reader),
        date_properties=_date_properties(reader),
    )
    return settings, tuple(reader.problems)
