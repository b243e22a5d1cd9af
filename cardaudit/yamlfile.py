"""Load a user YAML file into a pydantic model, reporting problems as `file:line: message`.

ruamel.yaml keeps the line of every key and list item, so a validation error's location
(`resources.3.match.arn`) is turned back into the line a person has to edit.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from cardaudit import limits
from cardaudit.errors import ConfigError
from cardaudit.limits import LimitExceeded
from cardaudit.safefile import read_bounded_text
from cardaudit.safeyaml import YamlSyntaxError, load_yaml

M = TypeVar("M", bound=BaseModel)


def read_yaml(path: Path) -> Any:
    """The round-trip tree of a config file, read under the bounds of `cardaudit.limits`."""
    try:
        return _parsed(read_bounded_text(path, limits.MAX_CONFIG_FILE_BYTES))
    except YamlSyntaxError as exc:
        raise ConfigError(f"YAML syntax error: {exc.message}", path, exc.line) from None
    except LimitExceeded as exc:
        raise ConfigError(exc.message, path, exc.line) from None


@lru_cache(maxsize=16)
def _parsed(text: str) -> Any:
    """One parse per distinct text: a process that audits several times (the demo, a scheduled
    loop, the test suite) reads ownership.yaml and attestations.yaml once. Callers only read
    the tree."""
    return load_yaml(text)


def line_of(data: Any, loc: tuple[int | str, ...]) -> int | None:
    """1-based line of the deepest node on `loc` that the YAML tree knows."""
    node = data
    line: int | None = None
    for part in loc:
        if isinstance(node, CommentedMap) and part in node:
            line = node.lc.key(part)[0] + 1
            node = node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
            line = node.lc.item(part)[0] + 1
            node = node[part]
        else:
            break
    return line


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


def _describe(error: Any) -> str:
    loc = ".".join(str(p) for p in error["loc"])
    if error["type"] == "extra_forbidden":
        return f"unknown key '{error['loc'][-1]}'"
    message = str(error["msg"])
    return f"{loc}: {message}" if loc else message


def validate(model: type[M], data: Any, path: Path) -> M:
    if not isinstance(data, CommentedMap):
        raise ConfigError("expected a mapping at the top level", path, 1)
    try:
        return model.model_validate(_plain(data))
    except ValidationError as exc:
        problems = [(line_of(data, tuple(err["loc"])) or 1, _describe(err)) for err in exc.errors()]
        problems.sort()
        first_line, first = problems[0]
        more = "".join(f"\n{path}:{line}: {msg}" for line, msg in problems[1:])
        raise ConfigError(first + more, path, first_line) from None


def load_model(model: type[M], path: Path) -> tuple[M, Any]:
    """The validated model and the raw tree (for line look-ups of rules)."""
    data = read_yaml(path)
    return validate(model, data, path), data
