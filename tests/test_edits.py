"""Text edits of user notes: the managed block, log lines, template placeholders."""

from __future__ import annotations

from datetime import date, time, timedelta, timezone

import pytest

from vaultlink.edits import (
    BLOCK_END,
    BLOCK_START,
    ManagedBlockError,
    append_log_line,
    dominant_newline,
    fill_template,
    find_managed_block,
    format_moment_time,
    replace_managed_block,
)

S, E = BLOCK_START, BLOCK_END
LOG = "- 2026-11-24 — reached out (ticked in vaultlink: thank-you)"


# ------------------------------------------------------------------- managed block


def test_markers_are_the_documented_strings() -> None:
    assert S == "%% vaultlink:start %%"
    assert E == "%% vaultlink:end %%"


def test_block_appended_at_end_after_one_blank_line() -> None:
    text = "---\ntags: daily\n---\n# Monday\n\nNotes.\n"
    out = replace_managed_block(text, "- [ ] a\n- [ ] b\n")
    assert out == text + f"\n{S}\n- [ ] a\n- [ ] b\n{E}\n"


def test_block_after_trailing_blank_line_adds_no_second_blank() -> None:
    assert replace_managed_block("Notes.\n\n", "x") == f"Notes.\n\n{S}\nx\n{E}\n"


def test_block_in_empty_note() -> None:
    assert replace_managed_block("", "x") == f"{S}\nx\n{E}\n"


def test_block_in_bom_only_note_keeps_bom() -> None:
    assert replace_managed_block("\ufeff", "x") == f"\ufeff{S}\nx\n{E}\n"


def test_block_without_final_newline_keeps_none() -> None:
    out = replace_managed_block("Notes.", "x")
    assert out == f"Notes.\n\n{S}\nx\n{E}"
    assert replace_managed_block(out, "x") == out


def test_block_replaced_in_place_and_outside_untouched() -> None:
    text = f"# Day\r\n\r\n{S}\r\nold 1\r\nold 2\r\n{E}\r\nafter\r\n"
    out = replace_managed_block(text, "new\n")
    assert out == f"# Day\r\n\r\n{S}\r\nnew\r\n{E}\r\nafter\r\n"


def test_block_replacement_keeps_marker_lines_as_written() -> None:
    text = f"a\n  {S}  \nold\n{E}\t\nb"
    assert replace_managed_block(text, "new") == f"a\n  {S}  \nnew\n{E}\t\nb"


def test_block_with_empty_content() -> None:
    assert replace_managed_block(f"{S}\nold\n{E}\n", "") == f"{S}\n{E}\n"


def test_same_content_returns_identical_text() -> None:
    text = f"intro\n{S}\nx\n{E}\n"
    assert replace_managed_block(text, "x") is text or replace_managed_block(text, "x") == text


def test_block_idempotent_for_insert_and_replace() -> None:
    for text in ["", "a", "a\n", "a\r\nb\r\n", "\ufeffa", "## Vaultlink\nx\n## Next\n"]:
        once = replace_managed_block(text, "- one\n- two", heading="Vaultlink")
        assert replace_managed_block(once, "- one\n- two", heading="Vaultlink") == once


def test_block_uses_dominant_crlf() -> None:
    text = "a\r\nb\r\nc\n"
    out = replace_managed_block(text, "x\ny\n")
    assert out == text + f"\r\n{S}\r\nx\r\ny\r\n{E}\r\n"


def test_block_dominant_newline_ignores_old_block_content() -> None:
    # Old content is CRLF-heavy, the rest of the note is LF: the new block must be LF,
    # or a second run would see a different dominant ending and rewrite it again.
    text = f"a\nb\nc\n{S}\n" + "old\r\n" * 10 + f"{E}\n"
    out = replace_managed_block(text, "x\ny")
    assert out == f"a\nb\nc\n{S}\nx\ny\n{E}\n"
    assert replace_managed_block(out, "x\ny") == out


def test_bom_kept_when_appending_and_replacing() -> None:
    out = replace_managed_block("\ufeff# T\n", "x")
    assert out == f"\ufeff# T\n\n{S}\nx\n{E}\n"
    assert replace_managed_block(out, "y").startswith("\ufeff# T\n")


def test_bom_before_marker_on_first_line_is_still_a_marker() -> None:
    text = f"\ufeff{S}\nold\n{E}\n"
    assert replace_managed_block(text, "new") == f"\ufeff{S}\nnew\n{E}\n"


def test_block_under_heading_end_of_section() -> None:
    text = "# Day\n\n## Vaultlink\n\nSome words.\n\n### Sub\n\nmore\n\n## Journal\n\nText\n"
    out = replace_managed_block(text, "- [ ] x", heading="vaultlink")
    assert out == (
        "# Day\n\n## Vaultlink\n\nSome words.\n\n### Sub\n\nmore\n\n"
        f"{S}\n- [ ] x\n{E}\n\n## Journal\n\nText\n"
    )


def test_block_under_empty_heading_goes_right_below_it() -> None:
    text = "## VAULTLINK\n## Next\n"
    out = replace_managed_block(text, "x", heading="## Vaultlink")
    assert out == f"## VAULTLINK\n{S}\nx\n{E}\n## Next\n"


def test_block_under_heading_of_any_level_with_closing_hashes() -> None:
    text = "#### Vaultlink ####\ntext\n# Top\n"
    out = replace_managed_block(text, "x", heading="Vaultlink")
    assert out == f"#### Vaultlink ####\ntext\n\n{S}\nx\n{E}\n# Top\n"


def test_block_under_heading_at_end_without_final_newline() -> None:
    out = replace_managed_block("## Vaultlink\ntext", "x", heading="Vaultlink")
    assert out == f"## Vaultlink\ntext\n\n{S}\nx\n{E}"


def test_missing_heading_falls_back_to_end_of_file() -> None:
    out = replace_managed_block("# Day\n", "x", heading="Vaultlink")
    assert out == f"# Day\n\n{S}\nx\n{E}\n"


def test_heading_in_frontmatter_or_fence_or_tag_is_not_a_heading() -> None:
    text = "---\n# Vaultlink: yaml comment\n---\n```\n## Vaultlink\n```\n#Vaultlink tag\n"
    out = replace_managed_block(text, "x", heading="Vaultlink")
    assert out == text + f"\n{S}\nx\n{E}\n"


def test_markers_inside_code_fences_are_ignored() -> None:
    text = f"```md\n{S}\nexample\n{E}\n```\n~~~\n{S}\n~~~\n"
    assert find_managed_block(text) is None
    out = replace_managed_block(text, "x")
    assert out == text + f"\n{S}\nx\n{E}\n"
    assert replace_managed_block(out, "x") == out


def test_fence_closed_by_longer_fence_only() -> None:
    text = f"````\n```\n{S}\n````\n{S}\nold\n{E}\n"
    assert replace_managed_block(text, "new") == f"````\n```\n{S}\n````\n{S}\nnew\n{E}\n"


def test_backtick_line_with_backticks_in_info_is_not_a_fence() -> None:
    text = f"``` a ` b\n{S}\nold\n{E}\n"
    assert replace_managed_block(text, "new") == f"``` a ` b\n{S}\nnew\n{E}\n"


def test_unclosed_fence_is_closed_before_the_appended_block() -> None:
    out = replace_managed_block("```python\nprint(1)\n", "x")
    assert out == f"```python\nprint(1)\n```\n\n{S}\nx\n{E}\n"
    assert replace_managed_block(out, "x") == out


def test_markers_in_frontmatter_are_ignored() -> None:
    text = f"---\nnote: |\n  {S}\n---\nbody\n"
    assert find_managed_block(text) is None


def test_marker_lookalikes_are_not_markers() -> None:
    text = f"`{S}`\n%% vaultlink:start%%\n{S} trailing\n> {E}\n"
    out = replace_managed_block(text, "x")
    assert out == text + f"\n{S}\nx\n{E}\n"


@pytest.mark.parametrize(
    "text",
    [
        f"a\n{S}\nno end\n",
        f"a\n{E}\nno start\n",
        f"{E}\n{S}\n",
        f"{S}\n1\n{E}\n{S}\n2\n{E}\n",
        f"{S}\n{S}\n{E}\n",
        f"{S}\n```\n{E}\n",  # the end marker is inside a fence opened in the block
    ],
)
def test_unbalanced_or_repeated_markers_raise(text: str) -> None:
    with pytest.raises(ManagedBlockError):
        replace_managed_block(text, "x")
    with pytest.raises(ManagedBlockError):
        find_managed_block(text)


def test_managed_block_error_is_a_value_error_with_line_numbers() -> None:
    with pytest.raises(ValueError, match="line 2"):
        replace_managed_block(f"a\n{S}\n", "x")


@pytest.mark.parametrize("content", [f"a\n{S}\nb", f"  {E}", "```\nunclosed"])
def test_content_that_would_break_the_block_is_rejected(content: str) -> None:
    with pytest.raises(ValueError, match="content"):
        replace_managed_block("", content)


def test_content_crlf_is_normalised_to_file_ending() -> None:
    out = replace_managed_block("a\nb\n", "x\r\ny\r\n")
    assert out == f"a\nb\n\n{S}\nx\ny\n{E}\n"


def test_find_managed_block_span() -> None:
    text = f"pre\n{S}\nin 1\nin 2\n{E}\npost"
    span = find_managed_block(text)
    assert span is not None
    assert text[span[0] : span[1]] == "in 1\nin 2\n"


def test_other_bytes_survive_exotic_characters() -> None:
    # Form feeds, lone CRs, NBSPs and U+2028 are not line breaks for Obsidian.
    text = "a\x0cb\rc\u2028d\u00a0\n"
    out = replace_managed_block(text, "x")
    assert out.startswith(text)


# ---------------------------------------------------------------------- log lines


def test_log_line_appended_to_existing_section() -> None:
    text = "# Jane\n\n## Log\n- 2026-10-01 — met\n\n## Notes\nx\n"
    out = append_log_line(text, LOG)
    assert out == f"# Jane\n\n## Log\n- 2026-10-01 — met\n{LOG}\n\n## Notes\nx\n"


def test_log_section_includes_deeper_headings() -> None:
    text = "## Log\n- a\n### 2026\n- b\n\n\n## Next\n"
    out = append_log_line(text, LOG)
    assert out == f"## Log\n- a\n### 2026\n- b\n{LOG}\n\n\n## Next\n"


def test_log_heading_match_is_case_insensitive_any_level() -> None:
    text = "# Jane\n### LOG\n- a\n"
    assert append_log_line(text, LOG) == f"# Jane\n### LOG\n- a\n{LOG}\n"


def test_log_heading_created_at_end_with_blank_line() -> None:
    text = "---\nname: Jane\n---\n# Jane\n\nMet at a meetup.\n"
    assert append_log_line(text, LOG) == text + f"\n## Log\n{LOG}\n"


def test_log_heading_created_in_empty_note() -> None:
    assert append_log_line("", LOG) == f"## Log\n{LOG}\n"


def test_log_created_without_final_newline_keeps_none() -> None:
    out = append_log_line("# Jane", LOG)
    assert out == f"# Jane\n\n## Log\n{LOG}"
    assert append_log_line(out, LOG) == out


def test_log_appended_at_end_without_final_newline() -> None:
    assert append_log_line("## Log\n- a", LOG) == f"## Log\n- a\n{LOG}"


def test_log_in_empty_section() -> None:
    assert append_log_line("## Log\n## Next\n", LOG) == f"## Log\n{LOG}\n## Next\n"


def test_log_crlf_and_bom() -> None:
    text = "\ufeff# Jane\r\n\r\n## Log\r\n- a\r\n"
    assert append_log_line(text, LOG) == f"\ufeff# Jane\r\n\r\n## Log\r\n- a\r\n{LOG}\r\n"
    created = append_log_line("\ufeff# Jane\r\n", LOG)
    assert created == f"\ufeff# Jane\r\n\r\n## Log\r\n{LOG}\r\n"


def test_log_line_already_present_is_a_no_op() -> None:
    text = f"## Log\n{LOG}\n- later\n"
    assert append_log_line(text, LOG) == text


def test_log_line_idempotent() -> None:
    for text in ["", "x", "x\n", "## Log\n", "## Log\n- a\n\n## B\n", "# Log\r\n- a"]:
        once = append_log_line(text, LOG)
        assert append_log_line(once, LOG) == once


def test_log_line_elsewhere_does_not_count() -> None:
    text = f"{LOG}\n## Log\n- a\n"
    assert append_log_line(text, LOG) == f"{LOG}\n## Log\n- a\n{LOG}\n"


def test_log_line_inside_code_block_does_not_count() -> None:
    text = f"## Log\n```\n{LOG}\n```\n"
    assert append_log_line(text, LOG) == f"## Log\n```\n{LOG}\n```\n{LOG}\n"


def test_log_heading_in_code_block_is_not_the_section() -> None:
    text = "```\n## Log\n```\n"
    assert append_log_line(text, LOG) == f"```\n## Log\n```\n\n## Log\n{LOG}\n"


def test_log_custom_heading() -> None:
    text = "## Interactions\n- a\n"
    assert append_log_line(text, LOG, heading="interactions") == f"{text}{LOG}\n"
    assert append_log_line("x\n", LOG, heading="History") == f"x\n\n## History\n{LOG}\n"


@pytest.mark.parametrize("line", ["", "  ", "a\nb", "a\r"])
def test_log_line_must_be_one_line(line: str) -> None:
    with pytest.raises(ValueError, match="one non-empty line"):
        append_log_line("## Log\n", line)


def test_log_section_with_unclosed_fence_gets_it_closed() -> None:
    out = append_log_line("## Log\n```\ncode\n", LOG)
    assert out == f"## Log\n```\ncode\n```\n{LOG}\n"
    assert append_log_line(out, LOG) == out


def test_dominant_newline() -> None:
    assert dominant_newline("") == "\n"
    assert dominant_newline("a\r\nb\n") == "\n"  # a tie goes to LF
    assert dominant_newline("a\r\nb\r\nc\n") == "\r\n"


# ----------------------------------------------------------------------- templates

TODAY = date(2026, 11, 23)  # a Monday
NOW = time(14, 5, 9)


def fill(template: str, title: str = "2026-11-23") -> str:
    return fill_template(template, today=TODAY, title=title, now=NOW)


def test_template_defaults() -> None:
    assert fill("{{date}} {{time}} {{title}}", title="Jane Doe") == "2026-11-23 14:05 Jane Doe"


def test_template_formats() -> None:
    assert fill("{{date:dddd, MMMM Do YYYY}}") == "Monday, November 23rd 2026"
    assert fill("{{date:YY/M/D ddd}}") == "26/11/23 Mon"
    assert fill("{{time:h:mm A}}") == "2:05 PM"
    assert fill("{{time:HH[h]mm ss}}") == "14h05 09"
    assert fill("{{date:YYYY-MM-DD HH:mm}}") == "2026-11-23 14:05"
    assert fill("{{date:[Week] W, GGGG}}") == "Week 48, 2026"


def test_template_placeholders_case_insensitive_and_empty_format() -> None:
    assert fill("{{DATE}} {{Time}} {{date:}}") == "2026-11-23 14:05 2026-11-23"


def test_template_inside_frontmatter_and_multiple_times() -> None:
    template = "---\ncreated: {{date}}\n---\n# {{title}}\n{{date}}\n"
    assert fill(template, "Day") == "---\ncreated: 2026-11-23\n---\n# Day\n2026-11-23\n"


def test_templater_syntax_left_alone() -> None:
    template = '<% tp.date.now("YYYY") %> {{date}} <%* tR += "{{title}}" %>'
    out = fill(template)
    assert out == '<% tp.date.now("YYYY") %> 2026-11-23 <%* tR += "{{title}}" %>'


def test_unknown_placeholders_left_alone() -> None:
    text = "{{tags}} {{title:x}} {date} {{ date }}"
    assert fill(text) == text


def test_template_keeps_line_endings_and_bom() -> None:
    assert fill("\ufeff# {{title}}\r\n") == "\ufeff# 2026-11-23\r\n"


@pytest.mark.parametrize(
    ("t", "fmt", "expected"),
    [
        (time(0, 7, 3), "HH H hh h mm m ss s A a", "00 0 12 12 07 7 03 3 AM am"),
        (time(12, 0), "h A", "12 PM"),
        (time(23, 59), "hh:mm a", "11:59 pm"),
        (time(9, 30), "kk", "09"),
        (time(0, 30), "k", "24"),
        (time(9, 30, 0, 123456), "ss.SSS", "00.123"),
        (time(9, 30), "[HH] HH \\h", "HH 09 h"),
        (time(9, 30, tzinfo=timezone(timedelta(hours=-5))), "Z ZZ", "-05:00 -0500"),
        (time(9, 30), "YYYY HH", "YYYY 09"),
        (time(9, 5), "Hmm", "905"),
    ],
)
def test_format_moment_time(t: time, fmt: str, expected: str) -> None:
    assert format_moment_time(t, fmt) == expected


@pytest.mark.parametrize("delegate", [True, False])
def test_date_tokens_with_and_without_vaultlink_dates(
    delegate: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    import vaultlink.edits as edits

    if not delegate:
        monkeypatch.setattr(edits, "_date_formatter", lambda: None)
    fmt = "{{date:YYYY YY M MM MMM MMMM Mo D DD Do DDD DDDD d dd ddd dddd E W WW GGGG Q}}"
    assert fill(fmt) == (
        "2026 26 11 11 Nov November 11th 23 23 23rd 327 327 1 Mo Mon Monday 1 48 48 2026 4"
    )
