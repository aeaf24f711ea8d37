from __future__ import annotations

from pathlib import Path

from vaultlink.config import Config, config_from_mapping, load_config


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    config, problems = load_config(tmp_path)
    assert config == Config()
    assert problems == ()
    assert config.output.due_path == "Vaultlink/Due this week.md"
    assert config.output.starters_path == "Vaultlink/Conversation starters.md"


def test_overrides_are_applied(tmp_path: Path) -> None:
    (tmp_path / "vaultlink.toml").write_text(
        """
[output]
folder = "CRM"
due_note = "Follow-ups"
daily_heading = "Today"

[rules]
thank_you_days = 2
rejection-checkin-days = 28
default_cadence = "monthly"
disabled = ["drift"]

[tiers]
close = "2w"

[me]
name = "Sam"
interests = ["climbing"]

[starters]
max_per_person = 3
""",
        encoding="utf-8",
    )
    config, problems = load_config(tmp_path)
    assert problems == ()
    assert config.output.due_path == "CRM/Follow-ups.md"
    assert config.output.daily_heading == "Today"
    assert config.rules.thank_you_days == 2
    assert config.rules.rejection_checkin_days == 28
    assert config.rules.default_cadence == 30
    assert "drift" not in config.rules.enabled
    assert "cadence" in config.rules.enabled
    assert config.tiers == {"close": "2w"}
    assert config.me.name == "Sam"
    assert config.me.interests == ("climbing",)
    assert config.max_starters == 3


def test_bad_values_are_reported_and_defaults_kept() -> None:
    config, problems = config_from_mapping(
        {"rules": {"thank_you_days": "soon", "bogus": 1}, "nonsense": {}}
    )
    assert config.rules.thank_you_days == 1
    messages = " | ".join(p.message for p in problems)
    assert "thank_you_days" in messages
    assert "bogus" in messages
    assert "nonsense" in messages
    assert all(p.severity == "warning" for p in problems)


def test_output_outside_the_vault_is_an_error() -> None:
    for folder in ("../elsewhere", "/tmp/x", "~/x", "a/../../b"):
        _, problems = config_from_mapping({"output": {"folder": folder}})
        assert any(
            p.severity == "error" and "outside the vault" in p.message for p in problems
        ), folder


def test_invalid_toml_is_reported_with_a_line(tmp_path: Path) -> None:
    (tmp_path / "vaultlink.toml").write_text("[output\nfolder = 1\n", encoding="utf-8")
    config, problems = load_config(tmp_path)
    assert config == Config()
    assert len(problems) == 1
    assert problems[0].severity == "error"
    assert problems[0].line == 1
