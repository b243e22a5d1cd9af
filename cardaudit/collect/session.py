"""Clients for the audit: standard retries, and a guard that refuses any call that is not a read."""

from __future__ import annotations

import re
from typing import Any

import boto3
from botocore.config import Config

from cardaudit.errors import ReadOnlyViolation

# Operation-name prefixes that only read. Everything else (Create, Put, Delete, Update, Start,
# Generate, Tag, ...) is refused before the request is signed.
READ_PREFIXES = ("Describe", "List", "Get", "BatchGet", "Head", "Lookup", "Search")
_READ = re.compile(rf"^({'|'.join(READ_PREFIXES)})[A-Z]")

CLIENT_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 6},
    connect_timeout=10,
    read_timeout=60,
    max_pool_connections=20,
)


# Reads of data rather than configuration: an auditor has no business with secret values,
# objects, parameters, items or log lines, so these are refused too.
DATA_READS = frozenset({
    "GetSecretValue", "BatchGetSecretValue", "GetObject", "GetObjectTorrent", "GetParameter", "GetParameters",
    "GetParametersByPath", "GetParameterHistory", "GetItem", "BatchGetItem", "GetRecords", "GetShardIterator",
    "GetLogEvents", "GetQueryResults", "GetRandomPassword", "GetDataKey", "GetAuthorizationToken",
})


# Obtaining temporary credentials for the audit role in another account changes nothing there.
TOKEN_OPERATIONS = frozenset({"AssumeRole"})


def is_read_operation(name: str) -> bool:
    return (bool(_READ.match(name)) and name not in DATA_READS) or name in TOKEN_OPERATIONS


def _refuse_writes(model: Any, **_: Any) -> None:
    name = model.name
    if not is_read_operation(name):
        service = model.service_model.service_name
        raise ReadOnlyViolation(f"refused {service}:{name}: cardaudit only reads configuration, never writes "
                                "and never reads data or secret values")


def guard_session(session: boto3.session.Session) -> boto3.session.Session:
    """Register the read-only guard on a session; every client it builds afterwards carries it."""
    session.events.register("before-call.*.*", _refuse_writes, unique_id="cardaudit-read-only")
    return session


def audit_session(profile: str | None = None, region: str | None = None) -> boto3.session.Session:
    return guard_session(boto3.session.Session(profile_name=profile, region_name=region))


def client(session: boto3.session.Session, service: str, region: str) -> Any:
    return session.client(service, region_name=region, config=CLIENT_CONFIG)
