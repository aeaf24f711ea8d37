"""Calling someone by first name without a regex per person gives what the regex gives."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from vaultlink.starters.builtin import _HEADING_TAIL, _replace_ascii_name

PIECES = ["Dana", "dana", "DANA", " ", "Okafor", ">", " > ", "Log", "log", "x", "_", "-",
          "'", "Dana Okafor", ".", "Heading Two", "a1", "\n"]
NAMES = ["Dana", "Dana Okafor", "D", "Okafor", "Dana O.", "O'Neil", "-x-", "a_b", "log"]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=10), st.sampled_from(NAMES))
def test_same_as_the_regex(pieces: list[str], name: str) -> None:
    text = "".join(pieces)
    expected = re.sub(rf"\b{re.escape(name)}\b(?:{_HEADING_TAIL})?", "Dana", text, flags=re.I)
    assert _replace_ascii_name(text, name, "Dana") == expected


def test_examples() -> None:
    assert _replace_ascii_name("send Dana Okafor the deck", "Dana Okafor", "Dana") == \
        "send Dana the deck"
    assert _replace_ascii_name("see Dana Okafor > Log Notes, today", "Dana Okafor", "Dana") == \
        "see Dana, today"
    assert _replace_ascii_name("Danaher is not Dana", "Dana", "D") == "Danaher is not D"
