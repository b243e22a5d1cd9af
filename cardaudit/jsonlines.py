"""JSON with line numbers and bounds: every decoded object and array remembers the line it starts on.

The standard library decoder is used as is (same grammar, same error messages); only its
pure-Python object and array hooks are wrapped to record where each value began and to keep to
the time budget. Nesting is measured before decoding, so a deep document is refused with the
line where it passes the bound instead of exhausting the recursion limit.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from json import scanner

# The pure-Python hooks are stable since Python 2.7 but absent from typeshed.
from json.decoder import JSONArray, JSONObject, scanstring  # type: ignore[attr-defined]
from typing import Any

from cardaudit import limits
from cardaudit.limits import Deadline, LimitExceeded

# A `\ud800`-style escape that is not half of a pair decodes to a lone surrogate: not text, and no
# format can write it (UTF-8 refuses it), so the file is refused where the string is.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")

# A string (skipped whole) or a bracket: what nesting is measured on.
# An unclosed string runs to the end, so no position is scanned twice (linear on any input).
_STRING_OR_BRACKET = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\Z)|[\[\]{}]', re.DOTALL)


class LineDict(dict[str, Any]):
    line: int = 0


class LineList(list[Any]):
    line: int = 0


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(m.end() for m in re.finditer("\n", text))
    return starts


def check_depth(text: str, max_depth: int | None = None) -> None:
    """LimitExceeded, with the line, where `text` nests deeper than the bound (strings not counted)."""
    bound = limits.MAX_DEPTH if max_depth is None else max_depth
    depth = 0
    for match in _STRING_OR_BRACKET.finditer(text):
        char = match.group()
        if char in "[{":
            depth += 1
            if depth > bound:
                line = text.count("\n", 0, match.start()) + 1
                raise LimitExceeded(f"nested deeper than {bound} levels; not read", line)
        elif char in "]}":
            depth -= 1


class _Decoder(json.JSONDecoder):
    def __init__(self, text: str) -> None:
        super().__init__()
        starts = _line_starts(text)
        deadline = Deadline()

        def line_at(offset: int) -> int:
            return bisect_right(starts, offset)

        def parse_object(s_and_end: tuple[str, int], *args: Any, **kwargs: Any) -> tuple[Any, int]:
            deadline.check(line_at(s_and_end[1] - 1))
            value, end = JSONObject(s_and_end, *args, **kwargs)
            out = LineDict(value)
            out.line = line_at(s_and_end[1] - 1)
            return out, end

        def parse_array(s_and_end: tuple[str, int], scan_once: Any) -> tuple[Any, int]:
            deadline.check(line_at(s_and_end[1] - 1))
            value, end = JSONArray(s_and_end, scan_once)
            out = LineList(value)
            out.line = line_at(s_and_end[1] - 1)
            return out, end

        def parse_string(source: str, end: int, strict: bool = True) -> tuple[str, int]:
            value, after = scanstring(source, end, strict)
            if _LONE_SURROGATE.search(value):
                raise json.JSONDecodeError("string holds a lone surrogate escape (\\ud800-\\udfff), not text",
                                           source, end - 1)
            return value, after

        self.parse_object = parse_object
        self.parse_array = parse_array
        self.parse_string = parse_string
        self.scan_once = scanner.py_make_scanner(self)  # type: ignore[attr-defined]


def loads_with_lines(text: str) -> Any:
    """Like json.loads, with `.line` on objects and arrays.

    Raises json.JSONDecodeError (with lineno) for bad syntax, LimitExceeded past a bound or for a
    number Python will not build (an integer of thousands of digits).
    """
    text = text.lstrip("\ufeff")
    check_depth(text)
    try:
        return _Decoder(text).decode(text)
    except RecursionError:
        raise LimitExceeded(f"nested deeper than {limits.MAX_DEPTH} levels; not read") from None
    except json.JSONDecodeError:
        raise
    except ValueError:
        raise LimitExceeded("a number too large to read; not read") from None


def line_of(value: Any) -> int | None:
    return getattr(value, "line", None)
