"""``vaultlink.toml``: every name, folder and rule timing, with defaults in one place.

The file is optional. Unknown keys and bad values are reported as problems and the
default is used, so a typo never stops a run; settings that would make vaultlink write
outside the vault are errors (``sync`` refuses them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path, PurePosixPath
from typing import Any

from vaultlink.cadence import parse_cadence
from vaultlink.problems import Problem

CONFIG_NAME = "vaultlink.toml"


@dataclass(frozen=True, slots=True)
class RuleSettings:
    """Timings for the follow-up rules (SPEC §3). ``*_days`` after the trigger date;
    ``*_lapse_days`` after the due date an item stops being listed."""

    enabled: tuple[str, ...] = (
        "thank-you",
        "rejection-feedback",
        "rejection-checkin",
        "let-them-know",
        "reach-in",
        "congratulate",
        "cadence",
        "explicit",
        "open-loop",
        "drift",
    )
    disabled: tuple[str, ...] = ()
    default_cadence: int | None = None
    thank_you_days: int = 1
    thank_you_lapse_days: int = 14
    rejection_feedback_days: int = 2
    rejection_feedback_lapse_days: int = 21
    rejection_checkin_days: int = 30
    rejection_checkin_lapse_days: int = 30
    rejection_checkin_window_days: int = 14
    let_them_know_days: int = 1
    let_them_know_lapse_days: int = 14
    reach_in_lapse_days: int = 60
    congratulate_days: int = 3
    congratulate_lapse_days: int = 30
    drift_factor: float = 2.0
    drift_floor_days: int = 14
    drift_ceiling_factor: float = 12.0
    drift_ceiling_floor_days: int = 90
    drift_min_gaps: int = 3
    drift_min_span_days: int = 21


@dataclass(frozen=True, slots=True)
class OutputSettings:
    """Where and what ``sync`` writes. Paths are vault-relative."""

    folder: str = "Vaultlink"
    due_note: str = "Due this week"
    starters_note: str = "Conversation starters"
    daily_block: bool = True
    daily_heading: str | None = None
    daily_limit: int = 10
    canvas: bool = False
    mermaid: bool = False
    log_heading: str = "Log"

    @property
    def due_path(self) -> str:
        return _join(self.folder, self.due_note + ".md")

    @property
    def starters_path(self) -> str:
        return _join(self.folder, self.starters_note + ".md")

    @property
    def canvas_path(self) -> str:
        return _join(self.folder, "Network.canvas")

    @property
    def mermaid_path(self) -> str:
        return _join(self.folder, "Network.md")


@dataclass(frozen=True, slots=True)
class FolderSettings:
    """Folder names that decide a note's kind when nothing else does (SPEC §2.1 rule 4)."""

    people: tuple[str, ...] = ("People", "Contacts")
    companies: tuple[str, ...] = ("Companies",)
    applications: tuple[str, ...] = ("Applications",)
    interviews: tuple[str, ...] = ("Interviews",)
    meetings: tuple[str, ...] = ("Meetings",)


@dataclass(frozen=True, slots=True)
class MeSettings:
    name: str | None = None
    interests: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Config:
    output: OutputSettings = field(default_factory=OutputSettings)
    folders: FolderSettings = field(default_factory=FolderSettings)
    rules: RuleSettings = field(default_factory=RuleSettings)
    me: MeSettings = field(default_factory=MeSettings)
    tiers: Mapping[str, str | int] = field(default_factory=dict)
    max_starters: int = 5
    path: str | None = None


def _join(folder: str, name: str) -> str:
    folder = folder.strip("/")
    return f"{folder}/{name}" if folder else name


def load_config(root: Path) -> tuple[Config, tuple[Problem, ...]]:
    """Read ``vaultlink.toml`` at the vault root (defaults when absent)."""
    path = root / CONFIG_NAME
    if not path.is_file():
        return Config(), ()
    import tomllib  # only when there is a file to read

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        return Config(), (Problem(CONFIG_NAME, None, "error", "bad-config", str(exc)),)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
        return Config(), (
            Problem(CONFIG_NAME, line, "error", "bad-config", f"invalid TOML: {exc}"),
        )
    return config_from_mapping(data)


def _line_from_message(message: str) -> int | None:
    """Python 3.11's TOMLDecodeError only says "(at line N, column M)" in its text."""
    marker = "at line "
    if marker not in message:
        return None
    digits = ""
    for char in message.split(marker, 1)[1]:
        if not char.isdigit():
            break
        digits += char
    return int(digits) if digits else None


def config_from_mapping(data: Mapping[str, Any]) -> tuple[Config, tuple[Problem, ...]]:
    """Build a Config from parsed TOML, reporting unknown keys and bad values."""
    problems: list[Problem] = []

    def warn(message: str, severity: str = "warning") -> None:
        problems.append(
            Problem(CONFIG_NAME, None, "error" if severity == "error" else "warning",
                    "bad-config", message)
        )

    config = Config(path=CONFIG_NAME)
    known_sections = {"output", "folders", "rules", "me", "tiers", "starters"}
    for key in data:
        if key not in known_sections:
            warn(f"unknown section or key [{key}]")

    output = _section(data, "output", warn)
    if output:
        config = replace(config, output=_fill(OutputSettings(), output, "output", warn))
        for name in ("folder", "due_note", "starters_note"):
            value = getattr(config.output, name)
            if not _inside_vault(value):
                warn(f"[output] {name} = {value!r} points outside the vault", "error")

    folders = _section(data, "folders", warn)
    if folders:
        config = replace(config, folders=_fill(FolderSettings(), folders, "folders", warn))

    tiers = _section(data, "tiers", warn)
    tier_map: dict[str, str | int] = {}
    for name, value in tiers.items():
        if isinstance(value, str | int) and not isinstance(value, bool):
            cadence = parse_cadence(value)
            if cadence.error:
                warn(f"[tiers] {name}: {cadence.error}")
            else:
                tier_map[str(name)] = value
        else:
            warn(f"[tiers] {name} must be a cadence such as '2w' or 30")
    config = replace(config, tiers=tier_map)

    rules = dict(_section(data, "rules", warn))
    default_cadence = rules.pop("default_cadence", None)
    disabled = rules.pop("disabled", None)
    rule_settings = _fill(RuleSettings(), rules, "rules", warn)
    if default_cadence is not None:
        cadence = parse_cadence(default_cadence, tier_map)
        if cadence.error:
            warn(f"[rules] default_cadence: {cadence.error}")
        else:
            rule_settings = replace(rule_settings, default_cadence=cadence.days)
    if disabled is not None:
        if isinstance(disabled, list) and all(isinstance(x, str) for x in disabled):
            rule_settings = replace(
                rule_settings,
                enabled=tuple(r for r in rule_settings.enabled if r not in disabled),
                disabled=tuple(disabled),
            )
        else:
            warn("[rules] disabled must be a list of rule ids")
    config = replace(config, rules=rule_settings)

    me = _section(data, "me", warn)
    if me:
        config = replace(config, me=_fill(MeSettings(), me, "me", warn))

    starters = _section(data, "starters", warn)
    if "max_per_person" in starters:
        value = starters["max_per_person"]
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            config = replace(config, max_starters=value)
        else:
            warn("[starters] max_per_person must be a positive whole number")
    return config, tuple(problems)


def _section(data: Mapping[str, Any], name: str, warn: Any) -> Mapping[str, Any]:
    value = data.get(name, {})
    if isinstance(value, Mapping):
        return value
    warn(f"[{name}] must be a table")
    return {}


def _fill(default: Any, values: Mapping[str, Any], section: str, warn: Any) -> Any:
    """Overlay ``values`` on a settings dataclass, type-checking each against its default."""
    allowed = {f.name: f for f in fields(default)}
    changes: dict[str, Any] = {}
    for raw_key, value in values.items():
        key = raw_key.replace("-", "_")
        if key not in allowed:
            warn(f"[{section}] unknown key {raw_key!r}")
            continue
        current = getattr(default, key)
        converted = _convert(current, value)
        if converted is _INVALID:
            warn(f"[{section}] {raw_key} = {value!r} is not valid; using {current!r}")
            continue
        changes[key] = converted
    return replace(default, **changes)


_INVALID = object()


def _convert(current: Any, value: Any) -> Any:
    if isinstance(current, bool):
        return value if isinstance(value, bool) else _INVALID
    if isinstance(current, int) and not isinstance(current, bool):
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        return _INVALID
    if isinstance(current, float):
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
            return float(value)
        return _INVALID
    if isinstance(current, tuple):
        if isinstance(value, str):
            return (value,)
        if isinstance(value, list) and all(isinstance(x, str) for x in value):
            return tuple(value)
        return _INVALID
    if current is None or isinstance(current, str):
        if isinstance(value, str):
            return value or None if current is None else value
        return _INVALID
    return _INVALID


def _inside_vault(relative: str) -> bool:
    """True when a configured vault-relative path cannot escape the vault."""
    text = relative.replace("\\", "/")
    if text.startswith(("/", "~")) or (len(text) > 1 and text[1] == ":"):
        return False
    return ".." not in PurePosixPath(text).parts
