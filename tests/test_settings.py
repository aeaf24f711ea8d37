from __future__ import annotations

import json
from pathlib import Path

import pytest

from vaultlink.settings import ObsidianSettings, read_settings

KEPANO = Path("/work/shared/vaults/kepano-obsidian")


def write(root: Path, rel: str, data: object) -> None:
    path = root / ".obsidian" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")


def test_no_config_folder_means_defaults(tmp_path: Path) -> None:
    settings, problems = read_settings(tmp_path)
    assert settings == ObsidianSettings()
    assert settings.daily_folder == ""
    assert settings.daily_format == "YYYY-MM-DD"
    assert problems == ()


def test_core_daily_notes(tmp_path: Path) -> None:
    write(
        tmp_path,
        "daily-notes.json",
        {"folder": "/Journal/Daily/", "format": "YYYY/MM/YYYY-MM-DD", "template": "T/Daily"},
    )
    settings, problems = read_settings(tmp_path)
    assert settings.daily_folder == "Journal/Daily"
    assert settings.daily_format == "YYYY/MM/YYYY-MM-DD"
    assert settings.daily_template == "T/Daily.md"
    assert problems == ()


@pytest.mark.parametrize("data", [{}, {"folder": "", "format": "", "template": ""}, {"x": 1}])
def test_empty_or_absent_daily_keys_mean_defaults(tmp_path: Path, data: object) -> None:
    write(tmp_path, "daily-notes.json", data)
    settings, problems = read_settings(tmp_path)
    assert (settings.daily_folder, settings.daily_format, settings.daily_template) == (
        "",
        "YYYY-MM-DD",
        None,
    )
    assert problems == ()


def test_template_with_md_kept(tmp_path: Path) -> None:
    write(tmp_path, "daily-notes.json", {"template": "Templates/Daily.md"})
    assert read_settings(tmp_path)[0].daily_template == "Templates/Daily.md"


def test_periodic_notes_0x_wins_over_core(tmp_path: Path) -> None:
    write(tmp_path, "daily-notes.json", {"folder": "Core", "format": "DD-MM-YYYY"})
    write(
        tmp_path,
        "plugins/periodic-notes/data.json",
        {
            "showGettingStartedBanner": False,
            "daily": {"enabled": True, "folder": "Periodic/", "format": "YYYY/MMMM/YYYY-MM-DD",
                      "template": "Templates/Day"},
            "weekly": {"enabled": True, "folder": "Weeks", "format": "gggg-[W]ww"},
        },
    )  # fmt: skip
    settings, problems = read_settings(tmp_path)
    assert settings.daily_folder == "Periodic"
    assert settings.daily_format == "YYYY/MMMM/YYYY-MM-DD"
    assert settings.daily_template == "Templates/Day.md"
    assert problems == ()


def test_periodic_notes_daily_disabled_leaves_core(tmp_path: Path) -> None:
    write(tmp_path, "daily-notes.json", {"folder": "Core"})
    write(
        tmp_path,
        "plugins/periodic-notes/data.json",
        {"daily": {"enabled": False, "folder": "Periodic", "format": "YYYY"}},
    )
    assert read_settings(tmp_path)[0].daily_folder == "Core"


def test_periodic_notes_1x_active_calendar_set(tmp_path: Path) -> None:
    write(tmp_path, "daily-notes.json", {"folder": "Core"})
    write(
        tmp_path,
        "plugins/periodic-notes/data.json",
        {
            "calendarSets": [
                {"id": "Default", "day": {"enabled": True, "folder": "Wrong", "format": ""}},
                {
                    "id": "Work",
                    "day": {
                        "enabled": True,
                        "folder": "Work/Days",
                        "format": "YYYY-MM-DD ddd",
                        "templatePath": "Templates/Work day",
                    },
                    "week": {"enabled": False},
                },
            ],
            "activeCalendarSet": "Work",
        },
    )
    settings, problems = read_settings(tmp_path)
    assert settings.daily_folder == "Work/Days"
    assert settings.daily_format == "YYYY-MM-DD ddd"
    assert settings.daily_template == "Templates/Work day.md"
    assert problems == ()


def test_periodic_notes_1x_defaults_to_first_set_and_format(tmp_path: Path) -> None:
    write(
        tmp_path,
        "plugins/periodic-notes/data.json",
        {"calendarSets": [{"id": "A", "day": {"enabled": True, "folder": "Days", "format": ""}}]},
    )
    settings, _ = read_settings(tmp_path)
    assert (settings.daily_folder, settings.daily_format) == ("Days", "YYYY-MM-DD")


def test_periodic_notes_ignored_when_plugin_switched_off(tmp_path: Path) -> None:
    write(tmp_path, "community-plugins.json", ["dataview", "templater-obsidian"])
    write(tmp_path, "daily-notes.json", {"folder": "Core"})
    write(
        tmp_path,
        "plugins/periodic-notes/data.json",
        {"daily": {"enabled": True, "folder": "Periodic"}},
    )
    assert read_settings(tmp_path)[0].daily_folder == "Core"
    write(tmp_path, "community-plugins.json", ["periodic-notes"])
    assert read_settings(tmp_path)[0].daily_folder == "Periodic"


def test_templates_folder_core_then_templater(tmp_path: Path) -> None:
    write(tmp_path, "plugins/templater-obsidian/data.json", {"templates_folder": "/Tpl/"})
    assert read_settings(tmp_path)[0].templates_folder == "Tpl"
    write(tmp_path, "templates.json", {"folder": "Templates"})
    assert read_settings(tmp_path)[0].templates_folder == "Templates"
    write(tmp_path, "templates.json", {"folder": ""})
    assert read_settings(tmp_path)[0].templates_folder == "Tpl"


def test_ignore_filters(tmp_path: Path) -> None:
    write(tmp_path, "app.json", {"userIgnoreFilters": ["Archive/", "/\\.pdf$/", ""]})
    settings, problems = read_settings(tmp_path)
    assert settings.ignore_filters == ("Archive/", "/\\.pdf$/")
    assert problems == ()


def test_date_properties(tmp_path: Path) -> None:
    write(
        tmp_path,
        "types.json",
        {"types": {"date": "date", "Created": "datetime", "tags": "tags", "n": "number"}},
    )
    settings, _ = read_settings(tmp_path)
    assert settings.date_properties == frozenset({"date", "created"})
    assert settings.is_date_property("created")
    assert settings.is_date_property("Created")
    assert not settings.is_date_property("tags")


@pytest.mark.parametrize(
    "rel",
    [
        "daily-notes.json",
        "app.json",
        "types.json",
        "templates.json",
        "plugins/periodic-notes/data.json",
        "plugins/templater-obsidian/data.json",
        "community-plugins.json",
    ],
)
def test_malformed_json_is_a_warning_and_defaults(tmp_path: Path, rel: str) -> None:
    write(tmp_path, rel, '{\n  "folder": "Daily",\n  oops\n}')
    settings, problems = read_settings(tmp_path)
    assert settings == ObsidianSettings()
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.path, problem.severity, problem.code) == (
        f".obsidian/{rel}",
        "warning",
        "bad-config",
    )
    assert problem.line == 3


@pytest.mark.parametrize(
    ("rel", "data"),
    [
        ("daily-notes.json", ["not", "an", "object"]),
        ("daily-notes.json", {"folder": 42}),
        ("app.json", {"userIgnoreFilters": "Archive/"}),
        ("types.json", {"types": ["date"]}),
    ],
)
def test_wrong_shapes_are_warnings(tmp_path: Path, rel: str, data: object) -> None:
    write(tmp_path, rel, data)
    settings, problems = read_settings(tmp_path)
    assert settings == ObsidianSettings()
    assert [p.code for p in problems] == ["bad-config"]


def test_invalid_utf8_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / ".obsidian" / "daily-notes.json"
    path.parent.mkdir()
    path.write_bytes(b'{"folder": "\xff"}')
    settings, problems = read_settings(tmp_path)
    assert settings == ObsidianSettings()
    assert [p.code for p in problems] == ["bad-config"]


def test_empty_file_is_defaults_without_problem(tmp_path: Path) -> None:
    write(tmp_path, "daily-notes.json", "")
    assert read_settings(tmp_path) == (ObsidianSettings(), ())


def test_bom_is_tolerated(tmp_path: Path) -> None:
    write(tmp_path, "daily-notes.json", '\ufeff{"folder": "Daily"}')
    assert read_settings(tmp_path)[0].daily_folder == "Daily"


def test_custom_config_dir(tmp_path: Path) -> None:
    (tmp_path / ".config-mobile").mkdir()
    (tmp_path / ".config-mobile" / "daily-notes.json").write_text('{"folder": "Mobile"}')
    assert read_settings(tmp_path, ".config-mobile")[0].daily_folder == "Mobile"
    assert read_settings(tmp_path)[0].daily_folder == ""


def test_settings_are_frozen() -> None:
    settings = ObsidianSettings()
    with pytest.raises(AttributeError):
        settings.daily_folder = "x"  # type: ignore[misc]


@pytest.mark.skipif(not KEPANO.is_dir(), reason="shared test vault not present")
def test_kepano_vault() -> None:
    settings, problems = read_settings(KEPANO)
    assert problems == ()
    assert settings.daily_folder == "Daily"
    assert settings.daily_format == "YYYY-MM-DD"
    assert settings.daily_template == "Templates/Daily Note Template.md"
    assert settings.templates_folder == "Templates"
    assert {"created", "date", "last", "birthday"} <= settings.date_properties
    assert "rating" not in settings.date_properties
