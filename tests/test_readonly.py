"""cardaudit never writes to AWS: the guard refuses any non-read operation before it is sent."""

from __future__ import annotations

import pytest

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


# What each collector calls, and the shipped IAM policy, are tested against the resource types'
# declarations in test_resource_types.py.
