"""Text from a file or a person, made literal for anything Streamlit renders as Markdown.

Streamlit renders Markdown (and its own directives) in `st.markdown`, `st.write`, captions,
alerts, toasts, titles, dialog titles, widget labels and help, metric labels, expander,
popover, tab and page-link labels, and the options of radios, pills and segmented controls.
Any value that came from an export or was typed by someone goes through `md_escape` before
it reaches one of those; selectbox and multiselect options, dataframe cells, `st.text` and
`st.code` show text as it is and need nothing.
"""

from __future__ import annotations

import html
import re
import string

# Every ASCII punctuation character may be backslash-escaped in CommonMark; escaping them all
# leaves no link, image, emphasis, code, heading, list, table, raw HTML, entity or math syntax.
_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
# Streamlit replaces `:material/name:`, `:streamlit:`, emoji shortcodes and bare web addresses
# in the text as parsed, after the escapes are gone; an invisible word joiner after each colon
# keeps the colon's text from matching any of them.
WORD_JOINER = "\u2060"
_WHITESPACE = re.compile(r"\s+")


def md_escape(text: object) -> str:
    """`text` as literal Markdown: one line, every punctuation character backslash-escaped,
    each colon followed by a word joiner (so no Streamlit directive, icon or emoji forms)."""
    one_line = _WHITESPACE.sub(" ", str(text)).strip()  # no line starts: no block syntax
    escaped = _PUNCTUATION.sub(r"\\\1", one_line)
    return escaped.replace(":", ":" + WORD_JOINER)


def plot_text(text: object) -> str:
    """Text from a file or a person for a plotly chart's labels, legend or bar text: plotly
    draws a subset of HTML there (`<b>`, `<a href>`, `<br>`, `<span style>`), so the characters
    that open a tag or an entity are written as entities, which it shows as the characters."""
    return html.escape(str(text), quote=False)
