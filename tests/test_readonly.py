"""cardaudit never writes to AWS: the guard allows exactly the declared operations, refused before sending."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from cardaudit import audit
from cardaudit.collect.policy import declared_operations, iam_actions
from cardaudit.collect.session import ALLOWED, client, is_allowed, is_read_operation
from cardaudit.errors import ReadOnlyViolation
from cardaudit.models.inventory import resource_types
from cardaudit.models.report import AuditConfig
from tests.conftest import REGION, Aws

DOCS = Path(__file__).parents[1] / "docs"


class _Sent:
    """Every request a session really sends (after the guard, before the wire)."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def __call__(self, request: Any, **_: Any) -> None:
        self.urls.append(request.url)


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


# Reads by name that hand out credentials, passwords, code or data: a prefix rule let them through.
_REFUSED_READS = [
    ("cognito-identity", "get_id", "GetId"),
    ("redshift", "get_cluster_credentials", "GetClusterCredentials"),
    ("sts", "get_session_token", "GetSessionToken"),
    ("sts", "get_federation_token", "GetFederationToken"),
    ("sso", "get_role_credentials", "GetRoleCredentials"),
    ("ec2", "get_password_data", "GetPasswordData"),
    ("lightsail", "get_relational_database_master_user_password", "GetRelationalDatabaseMasterUserPassword"),
    ("glue", "get_connection", "GetConnection"),
    ("logs", "get_log_record", "GetLogRecord"),
    ("lambda", "get_function", "GetFunction"),
    ("codecommit", "get_file", "GetFile"),
    ("ecr", "get_download_url_for_layer", "GetDownloadUrlForLayer"),
    ("ssm", "get_command_invocation", "GetCommandInvocation"),
    ("secretsmanager", "get_secret_value", "GetSecretValue"),
    ("s3", "get_object", "GetObject"),
    ("ssm", "get_parameter", "GetParameter"),
]


@pytest.mark.parametrize(("service", "method", "api"), _REFUSED_READS, ids=[r[2] for r in _REFUSED_READS])
def test_undeclared_reads_are_refused_before_sending(aws: Aws, service: str, method: str, api: str) -> None:
    sent = _Sent()
    aws.audit_session.events.register("before-send", sent, unique_id="test-sent")
    try:
        with pytest.raises(ReadOnlyViolation, match=f":{api}:"):
            getattr(client(aws.audit_session, service, REGION), method)()  # no parameters: refused before validation
    finally:
        aws.audit_session.events.unregister("before-send", unique_id="test-sent")
    assert sent.urls == []


def test_a_callers_session_is_guarded_too(aws: Aws) -> None:
    """audit.run guards the session it is handed: a write made during collection is stopped (exit 4)."""
    aws.client("s3").create_bucket(Bucket="acme-trail", CreateBucketConfiguration={"LocationConstraint": REGION})
    callers = boto3.session.Session(region_name=REGION)  # no guard of its own

    def writes(**_: Any) -> None:  # stands for a collector that writes by mistake
        client(callers, "s3", REGION).put_object(Bucket="acme-trail", Key="planted", Body=b"x")

    callers.events.register("after-call.s3.ListBuckets", writes)
    with pytest.raises(ReadOnlyViolation, match="s3:PutObject"):
        audit.run(AuditConfig(regions=[REGION]), session=callers)
    assert aws.client("s3").list_objects_v2(Bucket="acme-trail").get("KeyCount") == 0
    with pytest.raises(ReadOnlyViolation, match="s3:DeleteBucket"):
        callers.client("s3").delete_bucket(Bucket="acme-trail")  # it stays guarded


def test_allow_list_is_the_declarations() -> None:
    assert declared_operations() == ALLOWED
    assert all(is_allowed(op) for op in declared_operations())
    assert not is_allowed("s3:GetObject") and not is_allowed("states:GetActivityTask")
    # docs/iam-policy.json grants exactly the IAM actions of the allowed operations.
    # One operation can need two actions: s3:GetPublicAccessBlock is GetBucketPublicAccessBlock on a
    # bucket and GetAccountPublicAccessBlock through s3control.
    typed = {(op, t.iam_action(op)) for t in resource_types() for op in t.operations}
    needed = {action for _, action in typed} | {op for op in ALLOWED if op not in {o for o, _ in typed}}
    policy = json.loads((DOCS / "iam-policy.json").read_text())
    granted = {a for stmt in policy["Statement"] for a in stmt["Action"]}
    assert granted == set(iam_actions()) == needed


@pytest.mark.parametrize(("name", "allowed"), [
    ("DescribeTaskDefinition", True), ("ListBuckets", True), ("GetKeyRotationStatus", True),
    ("BatchGetProjects", True), ("HeadBucket", True),
    ("PutBucketEncryption", False), ("DeleteTrail", False), ("StartLogging", False), ("TagResource", False),
    ("Getaway", False), ("GenerateCredentialReport", False), ("UpdateTrail", False),
    ("GetSecretValue", False), ("GetObject", False), ("GetParametersByPath", False), ("GetAuthorizationToken", False),
])
def test_declaration_lint_on_operation_names(name: str, allowed: bool) -> None:
    """Not the guard: a lint that keeps anything but a configuration read out of the declarations."""
    assert is_read_operation(name) is allowed


# What each collector calls, and the shipped IAM policy, are tested against the resource types'
# declarations in test_resource_types.py.


def test_iam_policy_command_prints_the_shipped_policy() -> None:
    from typer.testing import CliRunner

    from cardaudit import cli

    result = CliRunner().invoke(cli.app, ["iam-policy"])
    assert result.exit_code == 0, result.output
    assert result.stdout == (DOCS / "iam-policy.json").read_text()


def test_iam_policy_covers_every_call_of_a_whole_audit(aws: Aws) -> None:
    """Every call a full audit of the seeded demo account makes is granted by the policy, by IAM action."""
    from cardaudit.demo.seed import seed_aws

    seed_aws(aws.seed_session)
    made: set[str] = set()
    session = boto3.session.Session(region_name=REGION)

    def record(model: Any, **_: Any) -> None:
        made.add(f"{model.service_model.signing_name}:{model.name}")

    session.events.register("before-call.*.*", record)
    audit.run(AuditConfig(regions=["eu-west-1", "us-east-1"]), session=session)
    by_op = {op: t.iam_action(op) for t in resource_types() for op in t.operations}
    granted = {a for stmt in json.loads((DOCS / "iam-policy.json").read_text())["Statement"] for a in stmt["Action"]}
    assert len(made) > 40  # the audit really read the account
    assert {by_op.get(op, op) for op in made} <= granted, sorted({by_op.get(op, op) for op in made} - granted)
