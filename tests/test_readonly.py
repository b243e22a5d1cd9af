"""cardaudit never writes to AWS: the guard refuses any non-read operation before it is sent."""

from __future__ import annotations

import pytest

from cardaudit.collect.aws import SERVICES
from cardaudit.collect.session import client, is_read_operation
from cardaudit.errors import ReadOnlyViolation
from tests.conftest import Aws


def test_write_is_refused_and_nothing_changes(aws: Aws) -> None:
    s3 = client(aws.audit_session, "s3", "eu-west-1")
    with pytest.raises(ReadOnlyViolation, match="s3:CreateBucket"):
        s3.create_bucket(Bucket="should-not-exist", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    iam = client(aws.audit_session, "iam", "us-east-1")
    with pytest.raises(ReadOnlyViolation, match="iam:GenerateCredentialReport"):
        iam.generate_credential_report()
    assert aws.client("s3").list_buckets()["Buckets"] == []


def test_secret_values_are_never_read(aws: Aws) -> None:
    aws.client("secretsmanager").create_secret(Name="prod/card-api/db", SecretString="hunter2")
    sm = client(aws.audit_session, "secretsmanager", "eu-west-1")
    with pytest.raises(ReadOnlyViolation, match="secretsmanager:GetSecretValue"):
        sm.get_secret_value(SecretId="prod/card-api/db")
    assert [s["Name"] for s in sm.list_secrets()["SecretList"]] == ["prod/card-api/db"]


def test_reads_pass_the_guard(aws: Aws) -> None:
    assert client(aws.audit_session, "s3", "eu-west-1").list_buckets()["Buckets"] == []


@pytest.mark.parametrize(("name", "allowed"), [
    ("DescribeTaskDefinition", True), ("ListBuckets", True), ("GetKeyRotationStatus", True),
    ("BatchGetProjects", True), ("HeadBucket", True),
    ("PutBucketEncryption", False), ("DeleteTrail", False), ("StartLogging", False), ("TagResource", False),
    ("Getaway", False), ("GenerateCredentialReport", False), ("UpdateTrail", False),
    ("GetSecretValue", False), ("GetObject", False), ("GetParametersByPath", False), ("GetAuthorizationToken", False),
])
def test_operation_names(name: str, allowed: bool) -> None:
    assert is_read_operation(name) is allowed


_CALL = r'(?:api\.(?:pages|call|detail)\(\s*|get_paginator\()"([a-z_]+)"'


def _collector_source(collect: object) -> str:
    """The collector's source plus that of the module-level helpers it calls (one level down)."""
    import inspect
    import re

    module = inspect.getmodule(collect)
    source = inspect.getsource(collect)  # type: ignore[arg-type]
    helpers = [getattr(module, name) for name in set(re.findall(r"\b(_[a-z_]+)\(", source))
               if inspect.isfunction(getattr(module, name, None))]
    return source + "".join(inspect.getsource(h) for h in helpers)


def test_every_collector_call_is_a_read() -> None:
    """Scan collector sources for client method names and check each maps to a read operation."""
    import re

    import boto3

    session = boto3.session.Session(region_name="eu-west-1")
    for collector in SERVICES:
        methods = set(re.findall(_CALL, _collector_source(collector.collect)))
        assert methods, collector.service
        ops = session.client(collector.service).meta.method_to_api_mapping
        for method in methods:
            assert is_read_operation(ops[method]), (collector.service, method)


# Where the IAM action differs from the API operation's name.
_IAM_ACTION = {
    ("s3", "ListBuckets"): "s3:ListAllMyBuckets",
    ("s3", "GetBucketEncryption"): "s3:GetEncryptionConfiguration",
}
_IAM_PREFIX = {"stepfunctions": "states"}


def test_shipped_iam_policy_covers_every_collector_call() -> None:
    import json
    import re
    from pathlib import Path

    import boto3

    policy = json.loads((Path(__file__).parents[1] / "docs" / "iam-policy.json").read_text())
    allowed = {a for stmt in policy["Statement"] for a in stmt["Action"]}
    session = boto3.session.Session(region_name="eu-west-1")
    needed = {"sts:GetCallerIdentity", "ec2:DescribeRegions"}
    for collector in SERVICES:
        client_ = session.client(collector.service)
        for method in set(re.findall(_CALL, _collector_source(collector.collect))):
            op = client_.meta.method_to_api_mapping.get(method)
            assert op is not None, (collector.service, method)
            prefix = _IAM_PREFIX.get(collector.service, collector.service)
            needed.add(_IAM_ACTION.get((collector.service, op), f"{prefix}:{op}"))
    assert needed <= allowed, needed - allowed
    assert all(is_read_operation(a.split(":")[1]) for a in allowed)
