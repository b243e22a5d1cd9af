"""Text from AWS or a repository made safe to show: no invisible reordering, no control characters.

A tag value or file name can carry U+202E (RIGHT-TO-LEFT OVERRIDE) and friends, which make a report
display something other than what it contains, or control characters that break a CSV row or a
terminal. Every format passes such text through `visible()`, which writes those characters as
`\\u202e`-style escapes; HTML and Rich markup escaping happen on top of it.
"""

from __future__ import annotations

import re

from rich.markup import escape as escape_markup

# Bidirectional controls (embeddings, overrides, isolates, marks) and C0/C1 controls but tab and newline.
_HIDDEN = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\u0000-\u0008\u000b-\u001f\u007f-\u009f]")
_HIDDEN_OR_NEWLINE = re.compile(_HIDDEN.pattern[:-1] + "\n\t]")


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group(0)):04x}"


def visible(text: str, newlines: bool = True) -> str:
    """`text` with invisible or control characters written as escapes (newlines and tabs too if not `newlines`)."""
    return (_HIDDEN if newlines else _HIDDEN_OR_NEWLINE).sub(_escape, text)


def escape(text: str) -> str:
    """Data for a Rich console: invisible and control characters as escapes, and no markup inside it.

    (Rich passes terminal escape sequences and bidirectional overrides through as they are.)
    """
    return escape_markup(visible(text))
