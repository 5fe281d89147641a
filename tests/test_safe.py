"""Text from files and people made literal for Streamlit's Markdown: the escaping rules."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ui.safe import WORD_JOINER, md_escape

BS = "\\"


def unescaped(text: str) -> list[str]:
    """The ASCII punctuation characters of `text` that no backslash escapes."""
    out, i = [], 0
    while i < len(text):
        if text[i] == BS:
            i += 2
            continue
        if text[i] in string.punctuation:
            out.append(text[i])
        i += 1
    return out


def unescape(text: str) -> str:
    """What Markdown shows for an escaped text: backslash escapes dropped, word joiners gone."""
    return re.sub(r"\\(.)", r"\1", text).replace(WORD_JOINER, "")


@pytest.mark.parametrize("text, expected", [
    ("![x](http://h/)", r"\!\[x\]\(http\:" + WORD_JOINER + r"\/\/h\/\)"),
    ("[a](javascript:alert(1))",
     r"\[a\]\(javascript\:" + WORD_JOINER + r"alert\(1\)\)"),
    ("<img src=x>", r"\<img src\=x\>"),
    ("**b**", r"\*\*b\*\*"),
    (":red[x]", r"\:" + WORD_JOINER + r"red\[x\]"),
    ("$x$", r"\$x\$"),
    ("普通的 订单 123", "普通的 订单 123"),
])
def test_markup_comes_out_escaped(text, expected):
    assert md_escape(text) == expected


@pytest.mark.parametrize("text", [
    "![x](http://h/)", "[a](javascript:alert(1))", "<img src=x>", "**b**", ":red[x]", "$x$",
    "`code`", "_i_", "~~s~~", "| a | b |", "&lt;b&gt;", "&#60;img&#62;", "{x}", "a\\b",
])
def test_no_markdown_character_is_left_unescaped(text):
    escaped = md_escape(text)
    assert unescaped(escaped) == []
    assert unescape(escaped) == text


@pytest.mark.parametrize("text", [":material/home:", ":streamlit:", ":smile:", ":red[x]",
                                  ":blue-background[x]", "see http://127.0.0.1:8999/leak"])
def test_no_directive_icon_emoji_or_bare_address_keeps_its_shape(text):
    """Streamlit matches these in the parsed text (after the escapes are gone): a colon is
    never directly followed by a letter, a slash or another colon there."""
    shown = re.sub(r"\\(.)", r"\1", md_escape(text))
    assert ":material/" not in md_escape(text)  # replaced before parsing
    assert not re.search(r":[\w/+-]", shown)
    assert not re.search(r"https?://", shown)
    assert shown.replace(WORD_JOINER, "") == text


@pytest.mark.parametrize("text", ["# heading", "- item", "+ item", "1. item", "> quote",
                                  "a\n# b", "a\n\n- b", "x\n===", "    code", "\tcode",
                                  "a  \nb", "a\r\n> b"])
def test_no_line_starts_a_block(text):
    """One line, no leading space, every block marker escaped."""
    escaped = md_escape(text)
    assert "\n" not in escaped and "\r" not in escaped
    assert escaped == escaped.strip()
    assert not re.match(r"[#>+\-*=]|\d+[.)]", escaped)


def test_any_value_is_shown_as_its_text():
    assert md_escape(None) == "None"
    assert md_escape(12.5) == r"12\.5"
    assert md_escape("") == ""


@given(st.text())
def test_every_text_comes_back_as_itself_on_one_line(text):
    escaped = md_escape(text)
    assert unescaped(escaped) == []
    assert unescape(escaped) == " ".join(text.split())
