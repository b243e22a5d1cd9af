"""Container settings shared by live ECS task definitions and taskdef.json files in repositories."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from cardaudit.models.base import Frozen

# --- value shapes: the inventory never holds a secret value, only what it looks like -------------

class ValueShape(StrEnum):
    EMPTY = "empty"
    REFERENCE = "reference"  # an ARN, SSM path or template placeholder, not a value
    AWS_ACCESS_KEY_ID = "aws_access_key_id"
    AWS_SECRET_KEY = "aws_secret_key"
    PRIVATE_KEY = "private_key"
    CONNECTION_STRING = "connection_string_with_password"
    JWT = "jwt"
    TEXT = "text"


class EnvVar(Frozen):
    name: str
    shape: ValueShape
    length: int


class SecretRef(Frozen):
    name: str
    value_from: str


# Drivers that keep logs on the host (lost with the instance, readable only there): not audit logs.
LOCAL_LOG_DRIVERS = frozenset({"json-file", "journald", "local", "none"})


class EcsContainer(Frozen):
    name: str
    image: str = ""
    log_driver: str | None = None
    environment: list[EnvVar] = Field(default_factory=list)
    secrets: list[SecretRef] = Field(default_factory=list)
    privileged: bool = False
    user: str | None = None
    readonly_root_filesystem: bool = False
