"""Response shapes that a live collector and a repository parser both read.

A taskdef.json in a repository is the RegisterTaskDefinition request, and DescribeTaskDefinition
answers in the same shape, so both sides build their containers here rather than from each other.
Values pass the redaction boundary here: environment values become shapes, and image, user and
secret references keep only their non-secret parts. A field of the wrong type is a ShapeError
naming the field, never quoting its value.
"""

from __future__ import annotations

import re
from typing import Any

from cardaudit.models.containers import EcsContainer, SecretRef, ValueShape
from cardaudit.redact import env_var, looks_secret, placeholder, redact_text, shape_of


class ShapeError(ValueError):
    """A field holds the wrong type of value; the message names the field only."""

    def __init__(self, field: str, expected: str) -> None:
        super().__init__(f"{field} must be {expected}")
        self.field = field


def _text(raw: dict[str, Any], key: str, default: str | None = "") -> str | None:
    value = raw.get(key)
    if value is None:
        return default
    if not isinstance(value, str):
        raise ShapeError(key, "a string")
    return value


def _flag(raw: dict[str, Any], key: str) -> bool:
    value = raw.get(key, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ShapeError(key, "true or false")
    return value


def _objects(raw: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = raw.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(e, dict) for e in value):
        raise ShapeError(key, "a list of objects")
    return value


def _scalar(entry: dict[str, Any], key: str, field: str) -> str:
    value = entry.get(key, "")
    if value is None:
        return ""
    if isinstance(value, bool | int | float):  # a number in a file; ECS would want it quoted
        return str(value)
    if not isinstance(value, str):
        raise ShapeError(field, "a string")
    return value


# An SSM parameter name (same-region parameters need no ARN): anything else is not a reference.
_PARAMETER_NAME = re.compile(r"^[A-Za-z0-9_.\-/]{1,2048}$")


def _value_from(value: str) -> str:
    """An ARN or parameter name is kept; a value pasted where a reference belongs is withheld."""
    if shape_of(value) == ValueShape.REFERENCE or (_PARAMETER_NAME.match(value) and not looks_secret(value)):
        return value
    return placeholder(value)


_CAPABILITY = re.compile(r"^[A-Z_]{1,32}$")


def _capabilities_added(raw: dict[str, Any]) -> list[str]:
    """linuxParameters.capabilities.add, named as ECS names them (SYS_ADMIN, not CAP_SYS_ADMIN)."""
    linux = raw.get("linuxParameters")
    if linux is None:
        return []
    if not isinstance(linux, dict):
        raise ShapeError("linuxParameters", "an object")
    capabilities = linux.get("capabilities")
    if capabilities is None:
        return []
    if not isinstance(capabilities, dict):
        raise ShapeError("linuxParameters.capabilities", "an object")
    added = capabilities.get("add")
    if added is None:
        return []
    if not isinstance(added, list) or not all(isinstance(c, str) for c in added):
        raise ShapeError("linuxParameters.capabilities.add", "a list of strings")
    names = [c.strip().upper().removeprefix("CAP_") for c in added]
    # Only what can be a capability name is kept; anything else in a file is withheld as a shape.
    return [name if _CAPABILITY.match(name) else placeholder(original)
            for name, original in zip(names, added, strict=True)]


def _log_group(log: object) -> str | None:
    """The awslogs group, the one log option kept: repository and account are compared on it."""
    options = log.get("options") if isinstance(log, dict) else None
    group = options.get("awslogs-group") if isinstance(options, dict) else None
    return redact_text(group) if isinstance(group, str) and group else None


def container_from_api(raw: dict[str, Any]) -> EcsContainer:
    """Shared with the repo taskdef.json parser: both speak the RegisterTaskDefinition shape."""
    log = raw.get("logConfiguration")
    if log is not None and not isinstance(log, dict):
        raise ShapeError("logConfiguration", "an object")
    driver = _text(log, "logDriver", None) if isinstance(log, dict) else None
    environment = [env_var(_scalar(e, "name", "environment[].name"), _scalar(e, "value", "environment[].value"))
                   for e in _objects(raw, "environment")]
    secrets = [SecretRef(name=_scalar(s, "name", "secrets[].name"),
                         value_from=_value_from(_scalar(s, "valueFrom", "secrets[].valueFrom")))
               for s in _objects(raw, "secrets")]
    user = _text(raw, "user", None)
    return EcsContainer(
        name=_text(raw, "name") or "",
        image=redact_text(_text(raw, "image") or ""),
        log_driver=driver or None,
        log_group=_log_group(log),
        environment=environment,
        secrets=secrets,
        privileged=_flag(raw, "privileged"),
        user=redact_text(user) if user is not None else None,
        readonly_root_filesystem=_flag(raw, "readonlyRootFilesystem"),
        capabilities_add=_capabilities_added(raw),
    )
