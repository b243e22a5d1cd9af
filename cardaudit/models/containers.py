"""Container settings shared by live ECS task definitions and taskdef.json files in repositories."""

from __future__ import annotations

from enum import StrEnum

from pydantic import ConfigDict, Field

from cardaudit.models.base import Frozen


class Quiet(Frozen):
    """A model whose validation errors never quote the input: it may be a secret from a file."""

    model_config = ConfigDict(hide_input_in_errors=True)


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


class EnvVar(Quiet):
    """A variable as cardaudit keeps it: its name and the shape of its value, never the value."""

    name: str
    shape: ValueShape
    length: int


class SecretRef(Quiet):
    name: str
    value_from: str  # an ARN or parameter name; anything else is kept as its redacted shape


# Drivers that keep logs on the host (lost with the instance, readable only there): not audit logs.
LOCAL_LOG_DRIVERS = frozenset({"json-file", "journald", "local", "none"})


class EcsContainer(Quiet):
    """Only what checks read; command, labels, log options and credentials are never kept.

    `image` and `user` are stored with secret-looking parts redacted (`cardaudit.redact`).
    """

    name: str
    image: str = ""
    log_driver: str | None = None
    log_group: str | None = None  # awslogs-group only: other log options can carry tokens (splunk-token)
    environment: list[EnvVar] = Field(default_factory=list)
    secrets: list[SecretRef] = Field(default_factory=list)
    privileged: bool = False
    user: str | None = None
    readonly_root_filesystem: bool = False
    # linuxParameters.capabilities.add, upper-cased as the kernel names them (SYS_ADMIN, NET_ADMIN).
    capabilities_add: list[str] = Field(default_factory=list)
