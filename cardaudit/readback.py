"""One typed way to read back what cardaudit wrote: inventories and JSON reports.

Every command that reads a saved file goes through here, so a file that is not what it claims to
be is one `file:line: message` (exit 2) everywhere, never a KeyError deep in a command.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from cardaudit.errors import ConfigError
from cardaudit.models.inventory import INVENTORY_KIND, Inventory
from cardaudit.models.report import REPORT_SCHEMA, Report

M = TypeVar("M", bound=BaseModel)


def _read(model: type[M], path: Path, what: str, marker: tuple[str, str]) -> M:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read {what}: {exc.strerror}", path) from exc
    except UnicodeDecodeError:
        raise ConfigError(f"not a cardaudit {what}: not UTF-8 text", path) from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"not a cardaudit {what}: invalid JSON: {exc.msg}", path, exc.lineno) from None
    except RecursionError:
        raise ConfigError(f"not a cardaudit {what}: nested too deeply", path) from None
    key, expected = marker
    if not isinstance(doc, dict) or doc.get(key) != expected:
        found = doc.get(key) if isinstance(doc, dict) else type(doc).__name__
        raise ConfigError(f"not a cardaudit {what}: {key}: Input should be '{expected}' (found {found!r})", path)
    try:
        return model.model_validate(doc)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        # The message only: pydantic's text would echo the offending value, which may be a secret.
        raise ConfigError(f"not a cardaudit {what}: {loc}: {first['msg']}", path) from None


def load_inventory(path: Path) -> Inventory:
    return _read(Inventory, path, "inventory", ("kind", INVENTORY_KIND))


def save_inventory(inventory: Inventory, path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(inventory.model_dump_json(indent=1), encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write inventory: {exc.strerror}", path) from exc


def load_report(path: Path) -> Report:
    """A JSON report (`cardaudit-report/1`), schema-checked."""
    return _read(Report, path, "report", ("schema", REPORT_SCHEMA))
