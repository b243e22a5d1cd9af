"""Clients for the audit: bounded timeouts and retries, an allow-list guard, and a response check.

The guard is an allow-list: exactly the operations the resource-type declarations name
(`collect.policy.declared_operations()`, the same set `docs/iam-policy.json` is rendered from)
plus the run's set-up calls pass; anything else is refused in botocore's `before-parameter-build`
event, before its parameters are serialized, and so before anything is signed or sent. That
refuses writes, data reads (GetSecretValue, GetObject) and the reads that mint credentials or
hand out data (GetPasswordData, GetFunction's code URL, GetClusterCredentials) alike, because
none of them is declared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config

from cardaudit.collect.policy import declared_operations
from cardaudit.collect.responses import check_body
from cardaudit.errors import ReadOnlyViolation

# Sized for an audit, not for a workload that must eventually succeed: a hanging endpoint costs at
# most 3 attempts x (5 s connect or 15 s read), and a throttled call gives up after ~1.5 s of backoff
# instead of minutes; what is not read is NOT_ASSESSED, never waited on forever.
CONNECT_TIMEOUT = 5
READ_TIMEOUT = 15
MAX_ATTEMPTS = 3

CLIENT_CONFIG = Config(
    retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS},  # the first attempt included
    connect_timeout=CONNECT_TIMEOUT,
    read_timeout=READ_TIMEOUT,
    max_pool_connections=20,
)

# A lint on the declarations, not the guard: a declared operation must at least be named like a
# read and not be a read of data or secret values, so a write cannot be declared by mistake.
READ_PREFIXES = ("Describe", "List", "Get", "BatchGet", "Head", "Lookup", "Search")
_READ = re.compile(rf"^({'|'.join(READ_PREFIXES)})[A-Z]")
DATA_READS = frozenset({
    "GetSecretValue", "BatchGetSecretValue", "GetObject", "GetObjectTorrent", "GetParameter", "GetParameters",
    "GetParametersByPath", "GetParameterHistory", "GetItem", "BatchGetItem", "GetRecords", "GetShardIterator",
    "GetLogEvents", "GetQueryResults", "GetRandomPassword", "GetDataKey", "GetAuthorizationToken",
})
# Obtaining temporary credentials for the audit role in another account changes nothing there.
TOKEN_OPERATIONS = frozenset({"AssumeRole"})


def is_read_operation(name: str) -> bool:
    """Whether an operation name reads like a configuration read (the declarations' lint)."""
    return (bool(_READ.match(name)) and name not in DATA_READS) or name in TOKEN_OPERATIONS


ALLOWED: frozenset[str] = declared_operations()


def operation_name(model: Any) -> str:
    """`states:DescribeStateMachine`: the signing (IAM) prefix of the service and the API's name."""
    return f"{model.service_model.signing_name}:{model.name}"


def is_allowed(operation: str) -> bool:
    return operation in ALLOWED


def _refuse_undeclared(model: Any, **_: Any) -> None:
    name = operation_name(model)
    if name not in ALLOWED:
        raise ReadOnlyViolation(f"refused {name}: cardaudit calls only the read operations its collectors "
                                "declare, never writes and never reads data or secret values")


_GUARD_ID = "cardaudit-read-only"


SINK_WRITE = ("s3:PutObject",)
# `cardaudit merge s3://...` reads back the reports the shards wrote, under the same kind of allowance.
SINK_READ = ("s3:ListObjectsV2", "s3:GetObject")


@dataclass(frozen=True)
class WriteAllowance:
    """The one write cardaudit makes: `s3:PutObject` of a report under one bucket and prefix.

    It is tied to the report sink's own client (`sink_client`); every other client, the audit's
    included, keeps the plain allow-list and refuses PutObject like any write. The merge command's
    client gets the reading form instead (`operations=SINK_READ`): listing and getting its own
    reports under one prefix, nothing else.
    """

    bucket: str
    prefix: str  # empty (the whole bucket) or ending in "/", so `reports` never admits `reports-old/`
    operations: tuple[str, ...] = SINK_WRITE

    def permits(self, operation: str, params: dict[str, Any]) -> bool:
        where = params.get("Prefix" if operation == "s3:ListObjectsV2" else "Key")
        return (operation in self.operations and params.get("Bucket") == self.bucket and isinstance(where, str)
                and where.startswith(self.prefix) and ".." not in where.split("/"))


def sink_client(session: boto3.session.Session, allowance: WriteAllowance, region: str | None = None) -> Any:
    """An S3 client that may also put objects under `allowance`, and otherwise is the guarded audit client."""
    guard_session(session)
    s3 = client(session, "s3", region or session.region_name or "us-east-1")

    def guard(model: Any, params: dict[str, Any], **_: Any) -> None:
        name = operation_name(model)
        if allowance.permits(name, params):
            return
        if name in allowance.operations:
            raise ReadOnlyViolation(f"refused {name} outside s3://{allowance.bucket}/{allowance.prefix}: "
                                    "the report sink works only under its own bucket and prefix")
        _refuse_undeclared(model)

    # The client holds a copy of the session's hooks: replacing the guard here changes this client only.
    s3.meta.events.unregister("before-parameter-build.*.*", unique_id=_GUARD_ID)
    s3.meta.events.register("before-parameter-build.*.*", guard, unique_id=_GUARD_ID)
    return s3


def guard_session(session: boto3.session.Session) -> boto3.session.Session:
    """Register the guard and the response check on a session; every client it builds carries them.

    Registering is idempotent, and it changes the session it is given: a session handed to
    cardaudit stays guarded afterwards.
    """
    session.events.register("before-parameter-build.*.*", _refuse_undeclared, unique_id=_GUARD_ID)
    session.events.register("before-parse.*.*", check_body, unique_id="cardaudit-response-check")
    return session


def audit_session(profile: str | None = None, region: str | None = None) -> boto3.session.Session:
    return guard_session(boto3.session.Session(profile_name=profile, region_name=region))


def client(session: boto3.session.Session, service: str, region: str) -> Any:
    return session.client(service, region_name=region, config=CLIENT_CONFIG)
