"""One typed way to read back what cardaudit wrote: inventories and JSON reports.

Every command that reads a saved file goes through here, so a file that is not what it claims to
be is one `file:line: message` (exit 2) everywhere, never a KeyError deep in a command. The file
is read under the bounds of `cardaudit.limits` (regular file, size, nesting), and no message
quotes a value from it: a saved file may hold what a user pasted anywhere.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from cardaudit import limits
from cardaudit.errors import ConfigError
from cardaudit.jsonlines import loads_with_lines
from cardaudit.limits import LimitExceeded
from cardaudit.models.inventory import INVENTORY_KIND, Inventory
from cardaudit.models.report import REPORT_SCHEMA, Report
from cardaudit.safefile import read_bounded_text

M = TypeVar("M", bound=BaseModel)
_LOC_PARTS = 6  # a location deeper than this is shortened: a nested value can make it any length


def _line_of(text: str, loc: tuple[int | str, ...]) -> int | None:
    """The line of `loc`, decoded again with lines (error path only).

    Objects and arrays know their line; a key is looked for from its object's line on.
    """
    try:
        node: Any = loads_with_lines(text)
    except (ValueError, LimitExceeded):
        return None
    line: int | None = getattr(node, "line", None)
    lines = text.splitlines()
    for part in loc:
        inside = (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node))
        if not inside:
            break
        if isinstance(node, dict) and line is not None:
            key = re.compile(re.escape(json.dumps(part)) + r"\s*:")
            line = next((n + 1 for n in range(line - 1, len(lines)) if key.search(lines[n])), line)
        node = node[part]
        line = getattr(node, "line", line)
    return line


def _where(loc: tuple[int | str, ...]) -> str:
    parts = [str(p) for p in loc]
    return ".".join(parts[:_LOC_PARTS]) + (".…" if len(parts) > _LOC_PARTS else "")


def _read(model: type[M], path: Path, what: str, marker: tuple[str, str]) -> M:
    try:
        text = read_bounded_text(path, limits.MAX_SAVED_FILE_BYTES)
    except LimitExceeded as exc:
        raise ConfigError(f"not a cardaudit {what}: {exc.message}", path, exc.line) from None
    # The C decoder bounds its own recursion, and pydantic its validation depth: no Python pre-scan
    # of a file that may be hundreds of MB.
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"not a cardaudit {what}: invalid JSON: {exc.msg}", path, exc.lineno) from None
    except RecursionError:
        raise ConfigError(f"not a cardaudit {what}: nested too deeply", path) from None
    except ValueError:  # an integer of thousands of digits
        raise ConfigError(f"not a cardaudit {what}: a number too large to read", path) from None
    key, expected = marker
    if not isinstance(doc, dict) or doc.get(key) != expected:
        found = type(doc.get(key) if isinstance(doc, dict) else doc).__name__
        raise ConfigError(f"not a cardaudit {what}: {key}: Input should be '{expected}' (found a {found})", path)
    try:
        return model.model_validate(doc)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first["loc"])
        # The message only: pydantic's text would echo the offending value, which may be a secret.
        raise ConfigError(f"not a cardaudit {what}: {_where(loc)}: {first['msg']}", path,
                          _line_of(text, loc)) from None
    except RecursionError:
        raise ConfigError(f"not a cardaudit {what}: nested too deeply", path) from None


def _rebase(inventory: Inventory, move: Callable[[str], str]) -> Inventory:
    evidence = inventory.evidence
    moved = evidence.model_copy(update={
        "repos": [r.model_copy(update={"path": move(r.path)}) for r in evidence.repos],
        "files": [f.model_copy(update={"path": move(f.path)}) for f in evidence.files]})
    return inventory.model_copy(update={"evidence": moved})


def load_inventory(path: Path) -> Inventory:
    inventory = _read(Inventory, path, "inventory", ("kind", INVENTORY_KIND))
    # Evidence saved inside the inventory's folder is recorded relative to it: the folder can move.
    base = path.resolve().parent
    return _rebase(inventory, lambda p: p if Path(p).is_absolute() else str(base / p))


def save_inventory(inventory: Inventory, path: Path) -> None:
    base = path.resolve().parent

    def relative(recorded: str) -> str:
        try:
            return Path(recorded).relative_to(base).as_posix()
        except ValueError:
            return recorded

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_rebase(inventory, relative).model_dump_json(indent=1), encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write inventory: {exc.strerror}", path) from exc


def load_report(path: Path) -> Report:
    """A JSON report (`cardaudit-report/1`), schema-checked."""
    return _read(Report, path, "report", ("schema", REPORT_SCHEMA))
