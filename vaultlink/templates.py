"""What ``vaultlink init`` writes: a commented ``vaultlink.toml`` and note templates.

The config file is generated from the settings dataclasses in ``config.py``, so every
setting appears with its default (commented out: uncommenting a line changes nothing
until its value is edited). Templates use Obsidian's core Templates placeholders and
carry ``{{date}}`` in their frontmatter, so vaultlink never mistakes one for a real
person or application. Nothing existing is ever overwritten.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from vaultlink.config import CONFIG_NAME, Config
from vaultlink.writer import (
    FileChange,
    OutsideVaultError,
    Refusal,
    WriterError,
    apply,
    read_state,
)

__all__ = ["DEFAULT_TEMPLATES_FOLDER", "InitReport", "config_text", "init_vault", "note_templates"]

DEFAULT_TEMPLATES_FOLDER = "Templates"

_OUTPUT_HELP: Mapping[str, str] = {
    "folder": "Folder (inside the vault) for the notes vaultlink writes.",
    "due_note": "Name of the follow-up list note (without .md).",
    "starters_note": "Name of the conversation starters note (without .md).",
    "daily_block": "Put today's follow-ups in a block in today's daily note.",
    "daily_heading": "Heading in the daily note to put that block under "
                     "(unset: the end of the note).",
    "daily_limit": "At most this many items in the daily block, most urgent first "
                   "(0: no limit); the rest are in the due note.",
    "canvas": "Also write <folder>/Network.canvas (JSON Canvas) of your network.",
    "mermaid": "Also write <folder>/Network.md with a Mermaid graph of your network.",
    "log_heading": "Heading in a person's note that ticked items are logged under.",
}
_FOLDER_HELP: Mapping[str, str] = {
    "people": "Notes in these folders are people (when nothing else says what they are).",
    "companies": "Notes in these folders are companies.",
    "applications": "Notes in these folders are job applications.",
    "interviews": "Notes in these folders are interviews.",
    "meetings": "Notes in these folders are meetings.",
}
_RULE_HELP: Mapping[str, str] = {
    "enabled": "Built-in rules to run.",
    "disabled": "Rules to switch off (by id), e.g. [\"drift\"].",
    "default_cadence": "Cadence for people whose note sets none (unset: no cadence "
                       "reminders for them).",
    "thank_you_days": "thank-you: days after an interview or meeting.",
    "thank_you_lapse_days": "thank-you: stop listing it this many days after it was due.",
    "rejection_feedback_days": "rejection-feedback: days after a rejection.",
    "rejection_feedback_lapse_days": "rejection-feedback: stop listing it after this many days.",
    "rejection_checkin_days": "rejection-checkin: days after a rejection (\"about a month\").",
    "rejection_checkin_lapse_days": "rejection-checkin: stop listing it after this many days.",
    "rejection_checkin_window_days": "rejection-checkin: how early a contact counts as the "
                                     "check-in.",
    "let_them_know_days": "let-them-know: days after applying where you know someone.",
    "let_them_know_lapse_days": "let-them-know: stop listing it after this many days.",
    "reach_in_lapse_days": "reach-in: stop suggesting it after this many days.",
    "congratulate_days": "congratulate: days after a win or news.",
    "congratulate_lapse_days": "congratulate: stop listing it after this many days.",
    "drift_factor": "drift: silence longer than this many times the usual gap...",
    "drift_floor_days": "drift: ...and never under this many days...",
    "drift_ceiling_factor": "drift: ...but under this many times the usual gap...",
    "drift_ceiling_floor_days": "drift: ...(that ceiling never under this many days).",
    "drift_min_gaps": "drift: a rhythm needs at least this many gaps between contacts...",
    "drift_min_span_days": "drift: ...spanning at least this many days.",
}
_ME_HELP: Mapping[str, str] = {
    "name": "Your name (else the note with `type: me`).",
    "interests": "Your interests, for shared-interest conversation starters.",
}
_EXAMPLES: Mapping[str, str] = {
    "daily_heading": '"Follow-ups"',
    "default_cadence": '"quarterly"',
    "name": '"Sam Rivera"',
}


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML form for {value!r}")


def _section(title: str, settings: Any, help_texts: Mapping[str, str]) -> list[str]:
    lines = [f"[{title}]"]
    for f in fields(settings):
        default = getattr(settings, f.name)
        key = f.name
        help_text = help_texts.get(key, f"{key.replace('_', ' ')}.")
        lines.append(f"# {help_text}")
        if default is None:
            example = _EXAMPLES.get(key, '""')
            lines.append(f"# {key} = {example}  # example (unset by default)")
        else:
            lines.append(f"# {key} = {_toml_value(default)}")
    lines.append("")
    return lines


def config_text() -> str:
    """The commented ``vaultlink.toml``: every setting, with its default."""
    config = Config()
    lines = [
        "# vaultlink settings. Every setting is shown with its default, commented out:",
        "# uncomment a line and change its value to use something else.",
        "# Paths are relative to the vault; nothing can point outside it.",
        "",
        *_section("output", config.output, _OUTPUT_HELP),
        *_section("folders", config.folders, _FOLDER_HELP),
        *_section("rules", config.rules, _RULE_HELP),
        "[tiers]",
        "# Names for cadences, usable as `tier:` / `prm-tier:` in a person's note.",
        '# close = "2w"  # example',
        '# network = "quarterly"  # example',
        "",
        "[me]",
    ]
    me = _section("me", config.me, _ME_HELP)
    lines.extend(me[1:])
    lines.extend([
        "[starters]",
        "# At most this many conversation starters per person.",
        f"# max_per_person = {config.max_starters}",
    ])
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------ templates

_PERSON = """---
type: person
created: {{date}}
company:
role:
aliases: []
email:
linkedin:
met: {{date}}
met_via:
interests: []
cadence: monthly
next_contact:
tags: []
---
# {{title}}

## Notes

## Questions

## Log
"""

_COMPANY = """---
type: company
created: {{date}}
aliases: []
website:
tags: []
---
# {{title}}

## News

## Notes
"""

_APPLICATION = """---
type: application
created: {{date}}
company:
role:
status: planned
applied:
decided:
contacts: []
---
# {{title}}

## Why this role

## Timeline
"""

_INTERVIEW = """---
type: interview
created: {{date}}
date: {{date}}
with: []
company:
outcome:
---
# {{title}}

## Notes

## Follow-up
"""


def note_templates() -> Mapping[str, str]:
    """Template file names and their text (Obsidian core Templates placeholders)."""
    return {
        "Person.md": _PERSON,
        "Company.md": _COMPANY,
        "Application.md": _APPLICATION,
        "Interview.md": _INTERVIEW,
    }


# ------------------------------------------------------------------------------ init


@dataclass(frozen=True, slots=True)
class InitReport:
    """Files written, files left alone because they exist, and refusals."""

    written: tuple[str, ...]
    skipped: tuple[str, ...]
    refused: tuple[Refusal, ...]
    templates_folder: str


def init_vault(root: Path, templates_folder: str | None = None) -> InitReport:
    """Write ``vaultlink.toml`` and the note templates where they do not exist yet."""
    folder = (templates_folder or DEFAULT_TEMPLATES_FOLDER).strip("/")
    wanted: dict[str, str] = {CONFIG_NAME: config_text()}
    for name, text in note_templates().items():
        wanted[f"{folder}/{name}" if folder else name] = text
    changes: list[FileChange] = []
    skipped: list[str] = []
    refused: list[Refusal] = []
    for path, text in wanted.items():
        try:
            existing, _ = read_state(root, path)
        except (OutsideVaultError, WriterError) as exc:
            refused.append(Refusal(path, str(exc)))
            continue
        except OSError as exc:
            if Path(root, path).exists():
                skipped.append(path)
                continue
            refused.append(Refusal(path, f"cannot be read: {exc.strerror or exc}"))
            continue
        if existing is not None:
            skipped.append(path)
            continue
        changes.append(FileChange(path, text, None, "vaultlink init"))
    report = apply(root, changes)
    return InitReport(
        written=report.written,
        skipped=(*skipped, *report.unchanged),
        refused=(*refused, *report.refused),
        templates_folder=folder,
    )

