"""JSON with line numbers: every decoded object and array remembers the line it starts on.

The standard library decoder is used as is (same grammar, same error messages); only its
pure-Python object and array hooks are wrapped to record where each value began.
"""

from __future__ import annotations

import json
from json import scanner

# The pure-Python hooks are stable since Python 2.7 but absent from typeshed.
from json.decoder import JSONArray, JSONObject  # type: ignore[attr-defined]
from typing import Any


class LineDict(dict[str, Any]):
    line: int = 0


class LineList(list[Any]):
    line: int = 0


class _Decoder(json.JSONDecoder):
    def __init__(self, text: str) -> None:
        super().__init__()
        starts = [0]
        starts.extend(i + 1 for i, ch in enumerate(text) if ch == "\n")
        self._starts = starts

        def line_at(offset: int) -> int:
            lo, hi = 0, len(starts) - 1
            while lo < hi:
                mid = (lo + hi + 1) // 2
                if starts[mid] <= offset:
                    lo = mid
                else:
                    hi = mid - 1
            return lo + 1

        def parse_object(s_and_end: tuple[str, int], *args: Any, **kwargs: Any) -> tuple[Any, int]:
            value, end = JSONObject(s_and_end, *args, **kwargs)
            out = LineDict(value)
            out.line = line_at(s_and_end[1] - 1)
            return out, end

        def parse_array(s_and_end: tuple[str, int], scan_once: Any) -> tuple[Any, int]:
            value, end = JSONArray(s_and_end, scan_once)
            out = LineList(value)
            out.line = line_at(s_and_end[1] - 1)
            return out, end

        self.parse_object = parse_object
        self.parse_array = parse_array
        self.scan_once = scanner.py_make_scanner(self)  # type: ignore[attr-defined]


def loads_with_lines(text: str) -> Any:
    """Like json.loads (raises json.JSONDecodeError with lineno), with `.line` on objects and arrays."""
    return _Decoder(text).decode(text.lstrip("\ufeff"))


def line_of(value: Any) -> int | None:
    return getattr(value, "line", None)
