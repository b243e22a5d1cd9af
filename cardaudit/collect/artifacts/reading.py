"""Reading repository files: text with size and encoding limits, and YAML with lines kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from cardaudit.models.artifacts import ParseProblem

MAX_BYTES = 5_000_000


def read_text(path: Path) -> str | ParseProblem:
    """The file as text, or the problem that prevents reading it."""
    try:
        if path.stat().st_size > MAX_BYTES:
            return ParseProblem(message=f"larger than {MAX_BYTES} bytes; not read")
        return path.read_bytes().decode("utf-8")
    except OSError as exc:
        return ParseProblem(message=f"cannot read: {exc.strerror}")
    except UnicodeDecodeError as exc:
        return ParseProblem(message=f"not UTF-8 text (byte {exc.start})")


def read_yaml(path: Path) -> Any | ParseProblem:
    """The round-trip YAML tree (lines on every node, intrinsic tags kept), or the problem."""
    text = read_text(path)
    if isinstance(text, ParseProblem):
        return text
    try:
        return YAML(typ="rt").load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return ParseProblem(line=mark.line + 1 if mark else None, message=f"invalid YAML: {exc.problem or exc.context}")
    except YAMLError as exc:
        return ParseProblem(message=f"invalid YAML: {exc}")
