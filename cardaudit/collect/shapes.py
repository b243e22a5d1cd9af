"""Response shapes that a live collector and a repository parser both read.

A taskdef.json in a repository is the RegisterTaskDefinition request, and DescribeTaskDefinition
answers in the same shape, so both sides build their containers here rather than from each other.
"""

from __future__ import annotations

from typing import Any

from cardaudit.models.containers import EcsContainer, SecretRef
from cardaudit.redact import env_var


def container_from_api(raw: dict[str, Any]) -> EcsContainer:
    """Shared with the repo taskdef.json parser: both speak the RegisterTaskDefinition shape."""
    log = raw.get("logConfiguration")
    return EcsContainer(
        name=str(raw.get("name", "")),
        image=str(raw.get("image", "")),
        log_driver=str(log.get("logDriver")) if isinstance(log, dict) and log.get("logDriver") else None,
        environment=[env_var(str(e.get("name", "")), str(e.get("value", ""))) for e in raw.get("environment") or []],
        secrets=[SecretRef(name=str(s.get("name", "")), value_from=str(s.get("valueFrom", "")))
                 for s in raw.get("secrets") or []],
        privileged=bool(raw.get("privileged", False)),
        user=raw.get("user"),
        readonly_root_filesystem=bool(raw.get("readonlyRootFilesystem", False)),
    )
