"""Seed moto with "Acme Card", the card issuer that the embedded demo audits.

`seed_aws` builds the company's AWS account (111122223333, home region eu-west-1) with ordinary
boto3 calls, so it works the same against `moto.mock_aws()` in-process and against a
`ThreadedMotoServer` reached through `AWS_ENDPOINT_URL`. `backdate` then patches the few facts
that no API can express (an old access key) straight into moto's in-process backend.

The environment is realistic and mostly compliant, with deliberate gaps that the demo report must
show (they are listed in `DEMO_GAPS`). The demo repositories under `repos/` are the same company's
GitHub repos: the task definitions and the Step Functions definition are registered from those
files, so what the repos say and what runs in the account cannot drift apart by accident.
"""

from __future__ import annotations

import copy
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from botocore.config import Config

if TYPE_CHECKING:
    import boto3

DEMO_ACCOUNT = "111122223333"
DEMO_REGIONS: tuple[str, ...] = ("eu-west-1", "us-east-1")
HOME_REGION = "eu-west-1"
# IAM is global; boto3 signs it for us-east-1.
GLOBAL_REGION = "us-east-1"

REPOS_DIR = Path(__file__).resolve().parent / "repos"

# What the demo report must show, keyed by ARN (KMS: by alias, key ids are random in moto; repo
# files: "repo:path"). The engine's tests and the README refer to these.
DEMO_GAPS: dict[str, str] = {
    f"arn:aws:ecs:{HOME_REGION}:{DEMO_ACCOUNT}:task-definition/auth-api:1": (
        "sidecar container envoy has no logConfiguration"
    ),
    f"arn:aws:ecs:{HOME_REGION}:{DEMO_ACCOUNT}:task-definition/ledger-ingest:1": (
        "plaintext DB_PASS in the container environment"
    ),
    f"arn:aws:ecr:{HOME_REGION}:{DEMO_ACCOUNT}:repository/ledger-ingest": (
        "scanOnPush off; untagged and not in Pulumi state, so no team owns it"
    ),
    "alias/settlement-files": "customer managed KMS key without automatic rotation",
    "arn:aws:s3:::acme-settlement-inbound": (
        "SSE-S3 (AES256) only, not SSE-KMS; holds card data but the trail records no object-level events "
        "on it; ownership.yaml names the undeclared team 'data'"
    ),
    f"arn:aws:cloudtrail:{HOME_REGION}:{DEMO_ACCOUNT}:trail/acme-org-audit": (
        "log file validation disabled; Security Hub's stale CloudTrail.4 result still says PASSED (disagreement)"
    ),
    f"arn:aws:iam::{DEMO_ACCOUNT}:user/bob.dev": "console password without MFA",
    f"arn:aws:iam::{DEMO_ACCOUNT}:user/ci-deployer": "access key 200 days old (after backdate)",
    f"arn:aws:lambda:{HOME_REGION}:{DEMO_ACCOUNT}:function:card-events-consumer": (
        "deployed by SAM and also in Pulumi state infra/prod: double-managed, contested"
    ),
    "acme/card-api:Dockerfile": "final stage has no USER: the container runs as root",
}

# Values that the demo repositories hard-code, so live resources must carry exactly these.
SECRET_SUFFIX = "Qm3xZa"
DB_SECRET_NAME = "prod/card-api/db"
CARD_EVENTS_QUEUE_URL = f"https://sqs.{HOME_REGION}.amazonaws.com/{DEMO_ACCOUNT}/card-events"
SAM_STACK_NAME = "card-events-consumer"
SAM_STACK_ID = (
    f"arn:aws:cloudformation:{HOME_REGION}:{DEMO_ACCOUNT}:stack/{SAM_STACK_NAME}/6b1f7c20-4a3e-11ef-9c1d-0a8e5f3b2c71"
)
REGISTRY = f"{DEMO_ACCOUNT}.dkr.ecr.{HOME_REGION}.amazonaws.com"

_ACCOUNT_HEADER = "x-moto-account-id"
_CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3})


@dataclass(frozen=True)
class _Network:
    """The cards-prod VPC pieces that ECS, Step Functions and RDS refer to."""

    vpc_id: str
    subnet_ids: tuple[str, str]
    security_groups: dict[str, str]


@dataclass(frozen=True)
class _Keys:
    """ARNs of the three customer managed KMS keys."""

    cards_data: str
    settlement_files: str
    token_signing: str


def seed_aws(session: boto3.session.Session) -> None:
    """Create the whole Acme Card environment in the moto account 111122223333.

    The caller has already started moto (in-process or a same-process server via
    AWS_ENDPOINT_URL) and expects the account to be empty; clients are built from `session`.
    """
    _check_account(session)
    fix_moto_ids()
    network = _seed_network(session)
    keys = _seed_kms(session)
    roles = _seed_iam(session)
    _seed_s3(session, keys)
    _seed_cloudtrail(session, keys)
    secret_arn = _seed_secrets(session, keys)
    _seed_log_groups(session)
    _seed_ecr(session)
    _seed_images(session)
    _seed_ecs(session, network, roles, secret_arn)
    _seed_lambda(session, roles)
    _seed_step_functions(session, network, roles)
    _seed_rds(session, network, keys)
    # The wider estate, one module per domain; imported here because each builds on this module.
    from cardaudit.demo import (
        seed_containers,
        seed_datastores,
        seed_edge,
        seed_identity,
        seed_monitoring,
        seed_network,
        seed_patching,
        seed_storage,
    )

    seeded = Seeded(network=network, keys=keys, roles=roles, secret_arn=secret_arn)
    for domain in (seed_network, seed_identity, seed_monitoring, seed_storage, seed_datastores, seed_edge,
                   seed_containers, seed_patching):
        domain.seed(session, seeded)
    _seed_security_hub_results(session, keys)


def _securityhub_result(control: str, status: str, resource_type: str, resource: str, updated: str) -> dict[str, Any]:
    """One Security Hub control result in ASFF, as the PCI DSS v4.0.1 standard's evaluation writes it."""
    return {
        "SchemaVersion": "2018-10-08",
        "Id": _arn("securityhub", f"security-control/{control}/finding/{resource.rsplit(':', 1)[-1][-24:]}"),
        "ProductArn": f"arn:aws:securityhub:{HOME_REGION}::product/aws/securityhub",
        "GeneratorId": f"security-control/{control}", "AwsAccountId": DEMO_ACCOUNT,
        "Types": ["Software and Configuration Checks/Industry and Regulatory Standards"],
        "CreatedAt": "2026-06-02T08:00:00Z", "UpdatedAt": updated, "Severity": {"Label": "MEDIUM"},
        "Title": f"{control} evaluation", "Description": f"Security Hub control {control}",
        "Resources": [{"Type": resource_type, "Id": resource, "Region": HOME_REGION}],
        "Compliance": {"Status": status, "SecurityControlId": control,
                       "AssociatedStandards": [{"StandardsId": "standards/pci-dss/v/4.0.1"}]},
        "RecordState": "ACTIVE", "Workflow": {"Status": "NEW"},
    }


def _seed_security_hub_results(session: boto3.session.Session, keys: _Keys) -> None:
    """Security Hub's own PCI DSS results, which the audit reads beside its checks.

    The trail's CloudTrail.4 result is from before log file validation was switched off and was
    never re-evaluated (Security Hub evaluates periodically): AWS still says PASSED where the
    check sees FAIL, the disagreement the report must flag. The other two agree with the checks.
    """
    trail = _arn("cloudtrail", "trail/acme-org-audit")
    results = [
        _securityhub_result("CloudTrail.4", "PASSED", "AwsCloudTrailTrail", trail, "2026-10-01T06:00:00Z"),
        _securityhub_result("S3.17", "FAILED", "AwsS3Bucket", "arn:aws:s3:::acme-settlement-inbound",
                            "2026-11-29T06:00:00Z"),
        _securityhub_result("KMS.4", "PASSED", "AwsKmsKey", keys.cards_data, "2026-11-29T06:00:00Z"),
    ]
    _client(session, "securityhub", HOME_REGION).batch_import_findings(Findings=results)


def backdate(account: str = DEMO_ACCOUNT) -> None:
    """Age the facts that the AWS API cannot set, by patching moto's in-process IAM backend.

    Makes ci-deployer's access key 200 days old (and the user older than its key), as seen by
    list_access_keys and the credential report. Works for mock_aws and for a ThreadedMotoServer
    in the same process; call it after `seed_aws`.
    """
    # Imported here so that importing this module never needs moto (the CLI imports it lazily).
    from moto.iam.models import AccessKeyLastUsed, iam_backends

    backend = iam_backends[account]["aws"]
    user = backend.get_user("ci-deployer")
    if not user.access_keys:
        raise RuntimeError(f"ci-deployer has no access key in account {account}: run seed_aws first")
    # moto keeps naive UTC datetimes.
    now = datetime.now(UTC).replace(tzinfo=None)
    user.create_date = now - timedelta(days=420)
    key = user.access_keys[0]
    key.create_date = now - timedelta(days=200)
    # Still in use: the legacy GitHub Actions workflow pushes with it every day, which is why
    # nobody dared to rotate it.
    key.last_used = AccessKeyLastUsed(timestamp=now - timedelta(hours=20), service="ecr", region=HOME_REGION)


# --------------------------------------------------------------------------------------------
# helpers


@dataclass(frozen=True)
class Seeded:
    """What the core estate created that the domain seed modules build on."""

    network: _Network
    keys: _Keys
    roles: dict[str, str]  # workload role name -> ARN
    secret_arn: str


def fix_moto_ids() -> None:
    """Seed moto's id generator: every id it makes (VPCs, security groups, keys, distributions) is then
    the same on every run of the demo, as AWS keeps a resource's id, so reports and the Pulumi state
    export of the platform repository name the same resources run after run."""
    import os

    import requests

    api = os.environ.get("AWS_ENDPOINT_URL", "http://motoapi.amazonaws.com").rstrip("/")
    requests.post(f"{api}/moto-api/seed?a=4242", timeout=30)


def _client(session: boto3.session.Session, service: str, region: str) -> Any:
    """Build a client for `service` in `region` that always lands in the demo account."""
    client = session.client(service, region_name=region, config=_CLIENT_CONFIG)
    # moto picks the account from MOTO_ACCOUNT_ID first and this header second, so the
    # header pins the demo account when the caller did not set the variable (server mode).
    client.meta.events.register("before-sign", _add_account_header)
    return client


def _add_account_header(request: Any, **_: Any) -> None:
    """botocore hook: ask moto for the demo account."""
    request.headers[_ACCOUNT_HEADER] = DEMO_ACCOUNT


def ensure_emulated(session: boto3.session.Session) -> None:
    """Refuse to write anything unless moto answers: its in-process mock, or a server on this machine.

    Seeding creates resources; cardaudit must never do that to a real AWS account, whatever
    credentials the environment holds.
    """
    from urllib.parse import urlparse

    endpoint = session.client("sts", region_name=HOME_REGION).meta.endpoint_url
    if urlparse(endpoint).hostname in ("127.0.0.1", "localhost", "::1"):
        return
    try:
        from moto.core.models import botocore_stubber
    except ImportError:
        pass
    else:
        if botocore_stubber.enabled:
            return
    raise RuntimeError(f"refusing to seed {endpoint}: the demo writes only to moto (in-process, or a local "
                       "server through AWS_ENDPOINT_URL)")


def _check_account(session: boto3.session.Session) -> None:
    """Refuse to seed anywhere but moto's demo account: every ARN in the demo repos names it."""
    ensure_emulated(session)
    account = _client(session, "sts", HOME_REGION).get_caller_identity()["Account"]
    if account != DEMO_ACCOUNT:
        raise RuntimeError(
            f"moto serves account {account}, not {DEMO_ACCOUNT}: set MOTO_ACCOUNT_ID={DEMO_ACCOUNT} or unset it"
        )


def _tags(team: str, app: str, **extra: str) -> dict[str, str]:
    """The company's tagging standard: team, app, env, plus per-resource extras."""
    return {"team": team, "app": app, "env": "prod", **extra}


def _tag_list(tags: dict[str, str], key: str = "Key", value: str = "Value") -> list[dict[str, str]]:
    """Tags as the list shape most AWS APIs take; ECS wants key/value in lower case."""
    return [{key: k, value: v} for k, v in tags.items()]


def _trust(service: str) -> str:
    """An assume-role trust policy for one AWS service principal, scoped to this account."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": service},
                    "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"aws:SourceAccount": DEMO_ACCOUNT}},
                }
            ],
        }
    )


def _policy(*statements: dict[str, Any]) -> str:
    """An IAM policy document from its statements."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _allow(actions: list[str], resources: list[str] | str) -> dict[str, Any]:
    """One Allow statement."""
    return {"Effect": "Allow", "Action": actions, "Resource": resources}


def _arn(service: str, resource: str, region: str = HOME_REGION) -> str:
    """An ARN in the demo account."""
    return f"arn:aws:{service}:{region}:{DEMO_ACCOUNT}:{resource}"


def _role_arn(name: str) -> str:
    """The ARN of an IAM role in the demo account."""
    return f"arn:aws:iam::{DEMO_ACCOUNT}:role/{name}"


def _repo_json(path: str) -> Any:
    """Load a JSON file from the demo repositories (e.g. 'acme/card-api/deploy/prod/taskdef.json')."""
    return json.loads((REPOS_DIR / path).read_text(encoding="utf-8"))


# --------------------------------------------------------------------------------------------
# network


def _seed_network(session: boto3.session.Session) -> _Network:
    """Create the cards-prod VPC, two private subnets and one security group per workload."""
    ec2 = _client(session, "ec2", HOME_REGION)
    vpc_tags = _tags("infra", "network", Name="cards-prod", **{"pci-scope": "cde"})
    vpc_id: str = ec2.create_vpc(
        CidrBlock="10.40.0.0/16",
        TagSpecifications=[{"ResourceType": "vpc", "Tags": _tag_list(vpc_tags)}],
    )["Vpc"]["VpcId"]
    subnets: list[str] = []
    for cidr, zone in (("10.40.16.0/20", "a"), ("10.40.32.0/20", "b")):
        name = f"cards-prod-private-{zone}"
        subnet = ec2.create_subnet(
            VpcId=vpc_id,
            CidrBlock=cidr,
            AvailabilityZone=f"{HOME_REGION}{zone}",
            TagSpecifications=[{"ResourceType": "subnet", "Tags": _tag_list({**vpc_tags, "Name": name})}],
        )
        subnets.append(str(subnet["Subnet"]["SubnetId"]))

    groups: dict[str, str] = {}
    for name, description in (
        ("card-api", "card-api tasks"),
        ("auth-api", "auth-api tasks"),
        ("ledger-ingest", "ledger-ingest batch tasks"),
        ("cards-db", "cards-db PostgreSQL"),
    ):
        group_name = f"{name}-sg"
        groups[name] = str(
            ec2.create_security_group(
                GroupName=group_name,
                Description=description,
                VpcId=vpc_id,
                TagSpecifications=[
                    {
                        "ResourceType": "security-group",
                        "Tags": _tag_list(_tags("infra", name, Name=group_name)),
                    }
                ],
            )["GroupId"]
        )
    # The ALB in front of the APIs lives in the shared edge account; inside the VPC only the
    # workloads reach the database.
    for app in ("card-api", "auth-api"):
        ec2.authorize_security_group_ingress(
            GroupId=groups[app],
            IpPermissions=[
                {
                    "IpProtocol": "tcp",
                    "FromPort": 8080,
                    "ToPort": 8080,
                    "IpRanges": [{"CidrIp": "10.40.0.0/16", "Description": "internal ALB"}],
                }
            ],
        )
    ec2.authorize_security_group_ingress(
        GroupId=groups["cards-db"],
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 5432,
                "ToPort": 5432,
                "UserIdGroupPairs": [
                    {"GroupId": groups[app], "Description": app} for app in ("card-api", "auth-api", "ledger-ingest")
                ],
            }
        ],
    )
    return _Network(vpc_id=vpc_id, subnet_ids=(subnets[0], subnets[1]), security_groups=groups)


# --------------------------------------------------------------------------------------------
# KMS


def _seed_kms(session: boto3.session.Session) -> _Keys:
    """Create the customer managed keys; settlement-files is left without rotation (gap)."""
    kms = _client(session, "kms", HOME_REGION)

    def create(alias: str, description: str, **kwargs: Any) -> str:
        tags = _tags("infra", "platform", **{"pci-scope": "cde", "managed-by": "pulumi"})
        meta = kms.create_key(
            Description=description,
            Tags=_tag_list(tags, "TagKey", "TagValue"),
            **kwargs,
        )["KeyMetadata"]
        kms.create_alias(AliasName=alias, TargetKeyId=meta["KeyId"])
        return str(meta["Arn"])

    # KeyUsage spelled out: moto omits it from describe_key unless it was given.
    symmetric = {"KeyUsage": "ENCRYPT_DECRYPT", "KeySpec": "SYMMETRIC_DEFAULT"}
    cards_data = create("alias/cards-data", "Card data at rest: cards-db, statements, secrets", **symmetric)
    kms.enable_key_rotation(KeyId=cards_data)
    # Created for the settlement project; rotation was "to do after go-live" (gap).
    settlement = create("alias/settlement-files", "Settlement (cash-flow) files from the schemes", **symmetric)
    # Asymmetric keys cannot rotate automatically: rotation is not applicable here.
    signing = create(
        "alias/token-signing",
        "Signs auth-api access tokens (RS256)",
        KeyUsage="SIGN_VERIFY",
        KeySpec="RSA_2048",
    )
    return _Keys(cards_data=cards_data, settlement_files=settlement, token_signing=signing)


# --------------------------------------------------------------------------------------------
# IAM


def role_specs() -> dict[str, tuple[str, str, str, str]]:
    """The workload roles by name: (service principal, description, app tag, inline policy).

    Public so that the demo's Pulumi state export can be regenerated from the same documents.
    """
    secret_arn = _arn("secretsmanager", f"secret:{DB_SECRET_NAME}-{SECRET_SUFFIX}")
    return {
        # name: (service principal, description, app tag, inline policy)
        "ecsTaskExecutionRole": (
            "ecs-tasks.amazonaws.com",
            "ECS agent: pull images, write logs, read task secrets",
            "platform",
            _policy(
                _allow(
                    [
                        "ecr:GetAuthorizationToken",
                        "ecr:BatchCheckLayerAvailability",
                        "ecr:GetDownloadUrlForLayer",
                        "ecr:BatchGetImage",
                        "logs:CreateLogStream",
                        "logs:PutLogEvents",
                    ],
                    "*",
                ),
                _allow(["secretsmanager:GetSecretValue"], [secret_arn]),
                _allow(["kms:Decrypt"], [_arn("kms", "alias/cards-data")]),
            ),
        ),
        "card-api-task-role": (
            "ecs-tasks.amazonaws.com",
            "card-api application role",
            "card-api",
            _policy(
                _allow(
                    ["s3:GetObject", "s3:PutObject"],
                    ["arn:aws:s3:::acme-card-statements-prod/*"],
                ),
                _allow(["sqs:SendMessage"], [_arn("sqs", "card-events")]),
                _allow(["kms:Decrypt", "kms:GenerateDataKey"], [_arn("kms", "alias/cards-data")]),
            ),
        ),
        "auth-api-task-role": (
            "ecs-tasks.amazonaws.com",
            "auth-api application role: signs access tokens",
            "auth-api",
            _policy(_allow(["kms:Sign", "kms:GetPublicKey"], [_arn("kms", "alias/token-signing")])),
        ),
        "ledger-ingest-task-role": (
            "ecs-tasks.amazonaws.com",
            "ledger-ingest batch: reads settlement files",
            "ledger-ingest",
            _policy(
                _allow(
                    ["s3:GetObject", "s3:ListBucket", "s3:DeleteObject"],
                    [
                        "arn:aws:s3:::acme-settlement-inbound",
                        "arn:aws:s3:::acme-settlement-inbound/*",
                    ],
                ),
                _allow(["kms:Decrypt"], [_arn("kms", "alias/settlement-files")]),
            ),
        ),
        "card-events-consumer-role": (
            "lambda.amazonaws.com",
            "card-events-consumer Lambda (deployed by SAM from acme/card-api)",
            "card-events",
            _policy(
                _allow(
                    [
                        "sqs:ReceiveMessage",
                        "sqs:DeleteMessage",
                        "sqs:GetQueueAttributes",
                        "sqs:ChangeMessageVisibility",
                    ],
                    [_arn("sqs", "card-events")],
                ),
                _allow(
                    ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                    [_arn("logs", "log-group:/aws/lambda/card-events-consumer:*")],
                ),
                _allow(["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "*"),
            ),
        ),
        "settlement-sfn-role": (
            "states.amazonaws.com",
            "daily-settlement-ingest state machine: runs ledger-ingest on cards-prod",
            "ledger-ingest",
            _policy(
                {
                    "Effect": "Allow",
                    "Action": ["ecs:RunTask"],
                    "Resource": [_arn("ecs", "task-definition/ledger-ingest:*")],
                    "Condition": {"ArnEquals": {"ecs:cluster": _arn("ecs", "cluster/cards-prod")}},
                },
                _allow(["ecs:StopTask", "ecs:DescribeTasks"], "*"),
                _allow(
                    ["iam:PassRole"],
                    [_role_arn("ecsTaskExecutionRole"), _role_arn("ledger-ingest-task-role")],
                ),
                # .sync integrations poll through a managed EventBridge rule.
                _allow(
                    ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
                    [_arn("events", "rule/StepFunctionsGetEventsForECSTaskRule")],
                ),
                _allow(
                    [
                        "logs:CreateLogDelivery",
                        "logs:GetLogDelivery",
                        "logs:UpdateLogDelivery",
                        "logs:DeleteLogDelivery",
                        "logs:ListLogDeliveries",
                        "logs:PutResourcePolicy",
                        "logs:DescribeResourcePolicies",
                        "logs:DescribeLogGroups",
                    ],
                    "*",
                ),
            ),
        ),
        "daily-settlement-schedule-role": (
            "events.amazonaws.com",
            "EventBridge schedule daily-settlement-schedule: starts the state machine",
            "ledger-ingest",
            _policy(
                _allow(
                    ["states:StartExecution"],
                    [_arn("states", "stateMachine:daily-settlement-ingest")],
                )
            ),
        ),
    }


def _seed_iam(session: boto3.session.Session) -> dict[str, str]:
    """Create the workload roles, the people and the machine users; return role ARNs by name."""
    iam = _client(session, "iam", GLOBAL_REGION)
    iam.update_account_password_policy(
        MinimumPasswordLength=14,
        RequireSymbols=True,
        RequireNumbers=True,
        RequireUppercaseCharacters=True,
        RequireLowercaseCharacters=True,
        AllowUsersToChangePassword=True,
        MaxPasswordAge=90,
        PasswordReusePrevention=4,
    )

    arns: dict[str, str] = {}
    for name, (principal, description, app, policy) in role_specs().items():
        role = iam.create_role(
            RoleName=name,
            AssumeRolePolicyDocument=_trust(principal),
            Description=description,
            MaxSessionDuration=3600,
            Tags=_tag_list(_tags("infra", app, **{"managed-by": "pulumi"})),
        )["Role"]
        iam.put_role_policy(RoleName=name, PolicyName=f"{name}-policy", PolicyDocument=policy)
        arns[name] = str(role["Arn"])

    _seed_iam_users(iam)
    return arns


def _seed_iam_users(iam: Any) -> None:
    """Create two people and two machine users (bob.dev without MFA is a gap; see backdate)."""
    people = {
        "alice.ops": _tags("infra", "platform", **{"cost-center": "cc-410"}),
        "bob.dev": _tags("app", "card-api", **{"cost-center": "cc-320"}),
    }
    for name, tags in people.items():
        iam.create_user(UserName=name, Tags=_tag_list(tags))
        iam.create_login_profile(UserName=name, Password="Initial-Passw0rd!2025", PasswordResetRequired=False)
    mfa = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice.ops")["VirtualMFADevice"]
    iam.enable_mfa_device(
        UserName="alice.ops",
        SerialNumber=mfa["SerialNumber"],
        AuthenticationCode1="492817",
        AuthenticationCode2="730164",
    )

    machines = {
        # Left over from the GitHub Actions pipeline that CodeBuild replaced; still pushes images.
        "ci-deployer": (
            _tags("infra", "ci", purpose="legacy GitHub Actions ECR push"),
            _policy(
                _allow(["ecr:GetAuthorizationToken"], "*"),
                _allow(
                    [
                        "ecr:BatchCheckLayerAvailability",
                        "ecr:InitiateLayerUpload",
                        "ecr:UploadLayerPart",
                        "ecr:CompleteLayerUpload",
                        "ecr:PutImage",
                    ],
                    [_arn("ecr", "repository/*")],
                ),
            ),
        ),
        "svc-reporting": (
            _tags("app", "reporting", purpose="BI tool reads monthly statements"),
            _policy(
                _allow(
                    ["s3:GetObject", "s3:ListBucket"],
                    [
                        "arn:aws:s3:::acme-card-statements-prod",
                        "arn:aws:s3:::acme-card-statements-prod/*",
                    ],
                ),
                _allow(["kms:Decrypt"], [_arn("kms", "alias/cards-data")]),
            ),
        ),
    }
    for name, (tags, policy) in machines.items():
        iam.create_user(UserName=name, Tags=_tag_list(tags))
        iam.put_user_policy(UserName=name, PolicyName=f"{name}-policy", PolicyDocument=policy)
        iam.create_access_key(UserName=name)


# --------------------------------------------------------------------------------------------
# S3 and CloudTrail


# The tag by which the auditor knows a bucket holds cardholder data (cardaudit's documented convention).
CARD_DATA_TAGS = {"pci:cardholder-data": "true"}
# Card-data buckets whose object reads and writes the trail records (acme-settlement-inbound is not one).
TRAIL_DATA_EVENT_BUCKETS = ("acme-card-statements-prod",)


def _seed_s3(session: boto3.session.Session, keys: _Keys) -> None:
    """Create the three buckets; acme-settlement-inbound has SSE-S3 only (gap)."""
    s3 = _client(session, "s3", HOME_REGION)
    kms_sse = {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": keys.cards_data}
    buckets: dict[str, tuple[dict[str, str], dict[str, str], bool]] = {
        # name: (tags, default encryption, bucket key)
        "acme-card-statements-prod": (
            _tags("app", "card-api", **{"pci-scope": "cde", "data-class": "chd"}, **CARD_DATA_TAGS),
            kms_sse,
            True,
        ),
        # The data team's landing zone for the schemes' SFTP drop. Only SSE-S3 (gap), and never added
        # to the trail's data events (gap).
        "acme-settlement-inbound": (
            _tags("data", "ledger-ingest", **{"pci-scope": "cde", "data-class": "chd"}, **CARD_DATA_TAGS),
            {"SSEAlgorithm": "AES256"},
            False,
        ),
        f"acme-cloudtrail-logs-{DEMO_ACCOUNT}": (
            _tags("infra", "audit", **{"pci-scope": "security", "managed-by": "pulumi"}),
            kms_sse,
            True,
        ),
    }
    for name, (tags, sse, bucket_key) in buckets.items():
        s3.create_bucket(
            Bucket=name,
            CreateBucketConfiguration={"LocationConstraint": HOME_REGION},
            ObjectOwnership="BucketOwnerEnforced",
        )
        # Always explicit: moto raises on get_bucket_encryption for an unset bucket, where AWS
        # now reports the SSE-S3 default.
        s3.put_bucket_encryption(
            Bucket=name,
            ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": sse, "BucketKeyEnabled": bucket_key}]
            },
        )
        s3.put_public_access_block(
            Bucket=name,
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": True,
                "RestrictPublicBuckets": True,
            },
        )
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": _tag_list(tags)})
        s3.put_bucket_policy(Bucket=name, Policy=bucket_policy(name))


def bucket_policy(bucket: str) -> str:
    """The bucket policy of `bucket`: TLS only, plus CloudTrail delivery on the trail's bucket."""
    statements: list[dict[str, Any]] = [
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    ]
    if bucket.startswith("acme-cloudtrail-logs-"):
        statements += _cloudtrail_bucket_statements(bucket)
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def _cloudtrail_bucket_statements(bucket: str) -> list[dict[str, Any]]:
    """The bucket policy statements CloudTrail needs to deliver the trail's logs."""
    trail_arn = _arn("cloudtrail", "trail/acme-org-audit")
    principal = {"Service": "cloudtrail.amazonaws.com"}
    condition = {"StringEquals": {"aws:SourceArn": trail_arn}}
    return [
        {
            "Sid": "AWSCloudTrailAclCheck",
            "Effect": "Allow",
            "Principal": principal,
            "Action": "s3:GetBucketAcl",
            "Resource": f"arn:aws:s3:::{bucket}",
            "Condition": condition,
        },
        {
            "Sid": "AWSCloudTrailWrite",
            "Effect": "Allow",
            "Principal": principal,
            "Action": "s3:PutObject",
            "Resource": f"arn:aws:s3:::{bucket}/AWSLogs/{DEMO_ACCOUNT}/*",
            "Condition": {
                "StringEquals": {
                    "aws:SourceArn": trail_arn,
                    "s3:x-amz-acl": "bucket-owner-full-control",
                }
            },
        },
    ]


def _seed_cloudtrail(session: boto3.session.Session, keys: _Keys) -> None:
    """Create the multi-region trail acme-org-audit, logging, without log file validation (gap).

    Its advanced event selectors record every management event, and the object-level reads and
    writes of the card statements bucket; the settlement landing zone was never added (gap).
    """
    cloudtrail = _client(session, "cloudtrail", HOME_REGION)
    cloudtrail.create_trail(
        Name="acme-org-audit",
        S3BucketName=f"acme-cloudtrail-logs-{DEMO_ACCOUNT}",
        IsMultiRegionTrail=True,
        IncludeGlobalServiceEvents=True,
        # Switched off "temporarily" while the log bucket was migrated, never switched back (gap).
        EnableLogFileValidation=False,
        KmsKeyId=keys.cards_data,
        TagsList=_tag_list(_tags("infra", "audit", **{"managed-by": "pulumi"})),
    )
    cloudtrail.put_event_selectors(
        TrailName="acme-org-audit",
        AdvancedEventSelectors=[
            {
                "Name": "Management events",
                "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}],
            },
            {
                "Name": "Card statements: object reads and writes",
                "FieldSelectors": [
                    {"Field": "eventCategory", "Equals": ["Data"]},
                    {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                    {
                        "Field": "resources.ARN",
                        "StartsWith": [f"arn:aws:s3:::{bucket}/" for bucket in TRAIL_DATA_EVENT_BUCKETS],
                    },
                ],
            },
        ],
    )
    cloudtrail.start_logging(Name="acme-org-audit")


# --------------------------------------------------------------------------------------------
# secrets, logs, ECR


def _seed_secrets(session: boto3.session.Session, keys: _Keys) -> str:
    """Create prod/card-api/db (rotated every 30 days) and return its ARN."""
    secrets = _client(session, "secretsmanager", HOME_REGION)
    # moto's `_custom_id_` tag fixes the random ARN suffix, so the ARN matches the one that
    # acme/card-api's taskdef.json hard-codes; the tag is removed right after.
    arn = str(
        secrets.create_secret(
            Name=DB_SECRET_NAME,
            Description="card-api PostgreSQL password (database user card_api on cards-db)",
            KmsKeyId=keys.cards_data,
            SecretString="pV7#qL2!wX9rZt4@Kd8m",
            Tags=[
                {"Key": "_custom_id_", "Value": SECRET_SUFFIX},
                *_tag_list(_tags("infra", "card-api", **{"pci-scope": "cde", "managed-by": "pulumi"})),
            ],
        )["ARN"]
    )
    secrets.untag_resource(SecretId=arn, TagKeys=["_custom_id_"])
    secrets.rotate_secret(SecretId=arn, RotationRules={"AutomaticallyAfterDays": 30}, RotateImmediately=False)
    return arn


def _seed_log_groups(session: boto3.session.Session) -> None:
    """Create the log groups of the ECS tasks and the state machine (PCI 10.5.1: a year+)."""
    logs = _client(session, "logs", HOME_REGION)
    for name, app in (
        ("/ecs/card-api", "card-api"),
        ("/ecs/auth-api", "auth-api"),
        ("/ecs/ledger-ingest", "ledger-ingest"),
        ("/aws/vendedlogs/states/daily-settlement-ingest", "ledger-ingest"),
    ):
        logs.create_log_group(logGroupName=name, tags=_tags("infra", app, **{"managed-by": "pulumi"}))
        logs.put_retention_policy(logGroupName=name, retentionInDays=400)


def _seed_ecr(session: boto3.session.Session) -> None:
    """Create the image repositories; ledger-ingest has no scan on push and no tags (gaps)."""
    ecr = _client(session, "ecr", HOME_REGION)
    repos: dict[str, tuple[bool, str, dict[str, str]]] = {
        "card-api": (True, "IMMUTABLE", _tags("app", "card-api", **{"managed-by": "pulumi"})),
        "auth-api": (True, "MUTABLE", _tags("app", "auth-api", **{"managed-by": "pulumi"})),
        # Created by hand from the console for the settlement project's first release.
        "ledger-ingest": (False, "MUTABLE", {}),
    }
    for name, (scan_on_push, mutability, tags) in repos.items():
        ecr.create_repository(
            repositoryName=name,
            imageTagMutability=mutability,
            imageScanningConfiguration={"scanOnPush": scan_on_push},
            encryptionConfiguration={"encryptionType": "AES256"},
            **({"tags": _tag_list(tags)} if tags else {}),
        )


def _seed_images(session: boto3.session.Session) -> None:
    """Push one image per repository and give them scan results (moto returns seeded results verbatim).

    card-api's current image still carries a critical OpenSSL CVE first seen 45 days ago (the
    "critical CVE unpatched after a month" gap); auth-api's critical is a week old; ledger-ingest
    was never scanned (scan on push is off).
    """
    import os
    import time

    import requests

    ecr = _client(session, "ecr", HOME_REGION)
    images = {"card-api": "2026.11.02", "auth-api": "2026.11.19", "ledger-ingest": "2024.11.3"}
    for repo, tag in images.items():
        manifest = {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                    "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 7023,
                               "digest": "sha256:" + f"{repo}{tag}".encode().hex().ljust(64, "0")[:64]},
                    "layers": []}
        ecr.put_image(repositoryName=repo, imageManifest=json.dumps(manifest), imageTag=tag)
    now = time.time()

    def finding(cve: str, package: str, days: int) -> dict[str, Any]:
        return {"severity": "CRITICAL", "status": "ACTIVE", "type": "PACKAGE_VULNERABILITY",
                "title": f"{cve} - {package}", "firstObservedAt": now - days * 86400, "fixAvailable": "YES",
                "packageVulnerabilityDetails": {"vulnerabilityId": cve, "vulnerablePackages": [{"name": package}]}}

    results: list[dict[str, Any]] = []
    for repo, vulns in (("card-api", [finding("CVE-2026-20312", "openssl", 45)]),
                        ("auth-api", [finding("CVE-2026-41177", "libexpat1", 7)])):
        ecr.start_image_scan(repositoryName=repo, imageId={"imageTag": images[repo]})
        results.append({"registryId": DEMO_ACCOUNT, "repositoryName": repo, "imageId": {"imageTag": images[repo]},
                        "imageScanStatus": {"status": "ACTIVE", "description": "Continuous scan is selected"},
                        "imageScanFindings": {"enhancedFindings": vulns,
                                              "findingSeverityCounts": {"CRITICAL": len(vulns)}}})
    api = os.environ.get("AWS_ENDPOINT_URL", "http://motoapi.amazonaws.com").rstrip("/")
    requests.post(f"{api}/moto-api/static/ecr/scan-finding-results", timeout=30,
                  json={"results": results, "account_id": DEMO_ACCOUNT, "region": HOME_REGION})


# --------------------------------------------------------------------------------------------
# ECS


def _seed_ecs(session: boto3.session.Session, network: _Network, roles: dict[str, str], secret_arn: str) -> None:
    """Create cluster cards-prod, the task definitions and the two API services."""
    ecs = _client(session, "ecs", HOME_REGION)
    ecs.create_cluster(
        clusterName="cards-prod",
        settings=[{"name": "containerInsights", "value": "enabled"}],
        capacityProviders=["FARGATE", "FARGATE_SPOT"],
        defaultCapacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1}],
        tags=_tag_list(_tags("infra", "platform", **{"managed-by": "pulumi"}), "key", "value"),
    )

    # card-api, as acme/card-api holds it. CodePipeline fills <IMAGE1_NAME>.
    card_api = _repo_json("acme/card-api/deploy/prod/taskdef.json")
    # Same ARN as the repo file unless this moto ignored `_custom_id_`; the live task must still
    # point at the secret that exists.
    card_api["containerDefinitions"][0]["secrets"][0]["valueFrom"] = secret_arn
    # Revision 1 went out before infra's logging review: no logConfiguration. Only the latest
    # revision is audited, and revision 2 (the repo file) passes.
    first = copy.deepcopy(card_api)
    first["containerDefinitions"][0]["image"] = f"{REGISTRY}/card-api:4e8d21a"
    del first["containerDefinitions"][0]["logConfiguration"]
    ecs.register_task_definition(**first)
    card_api["containerDefinitions"][0]["image"] = f"{REGISTRY}/card-api:9c1e2f7"
    ecs.register_task_definition(**card_api)

    ecs.register_task_definition(**_auth_api_task_definition(roles))

    # ledger-ingest, as acme/card-batch holds it: DB_PASS in plaintext (gap).
    ledger = _repo_json("acme/card-batch/deploy/prod/taskdef.json")
    ledger["containerDefinitions"][0]["image"] = f"{REGISTRY}/ledger-ingest:2024.11.3"
    ecs.register_task_definition(**ledger)

    for service, task_definition, count in (("card-api", "card-api:2", 3), ("auth-api", "auth-api:1", 2)):
        ecs.create_service(
            cluster="cards-prod",
            serviceName=service,
            taskDefinition=task_definition,
            desiredCount=count,
            launchType="FARGATE",
            platformVersion="LATEST",
            networkConfiguration={
                "awsvpcConfiguration": {
                    "subnets": list(network.subnet_ids),
                    "securityGroups": [network.security_groups[service]],
                    "assignPublicIp": "DISABLED",
                }
            },
            deploymentConfiguration={
                "maximumPercent": 200,
                "minimumHealthyPercent": 100,
                "deploymentCircuitBreaker": {"enable": True, "rollback": True},
            },
            enableECSManagedTags=True,
            propagateTags="SERVICE",
            tags=_tag_list(_tags("app", service), "key", "value"),
        )


def _auth_api_task_definition(roles: dict[str, str]) -> dict[str, Any]:
    """auth-api: the app logs to CloudWatch, its envoy sidecar logs nowhere (gap)."""
    return {
        "family": "auth-api",
        "taskRoleArn": roles["auth-api-task-role"],
        "executionRoleArn": roles["ecsTaskExecutionRole"],
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "cpu": "512",
        "memory": "1024",
        "runtimePlatform": {"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"},
        "containerDefinitions": [
            {
                "name": "app",
                "image": f"{REGISTRY}/auth-api:1.18.4",
                "essential": True,
                "portMappings": [{"name": "http", "containerPort": 8080, "protocol": "tcp"}],
                "environment": [
                    {"name": "LOG_LEVEL", "value": "info"},
                    {"name": "JWT_KMS_KEY_ID", "value": _arn("kms", "alias/token-signing")},
                ],
                "logConfiguration": {
                    "logDriver": "awslogs",
                    "options": {
                        "awslogs-group": "/ecs/auth-api",
                        "awslogs-region": HOME_REGION,
                        "awslogs-stream-prefix": "auth-api",
                    },
                },
                "dependsOn": [{"containerName": "envoy", "condition": "START"}],
            },
            {
                # Added by the service-mesh pilot; copied from the mesh docs without logging.
                "name": "envoy",
                "image": "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.6.0-prod",
                "essential": True,
                "user": "1337",
                "environment": [
                    {
                        "name": "APPMESH_RESOURCE_ARN",
                        "value": f"arn:aws:appmesh:{HOME_REGION}:{DEMO_ACCOUNT}:mesh/cards/virtualNode/auth-api",
                    }
                ],
            },
        ],
        "tags": _tag_list(_tags("app", "auth-api"), "key", "value"),
    }


# --------------------------------------------------------------------------------------------
# SQS and Lambda


def _seed_lambda(session: boto3.session.Session, roles: dict[str, str]) -> None:
    """Create the card-events queues and the SAM-deployed consumer Lambda with its SQS trigger."""
    sqs = _client(session, "sqs", HOME_REGION)
    queue_tags = _tags("infra", "card-events", **{"managed-by": "pulumi"})
    dlq_url = sqs.create_queue(
        QueueName="card-events-dlq",
        Attributes={"MessageRetentionPeriod": "1209600"},
        tags=queue_tags,
    )["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    queue_url = sqs.create_queue(
        QueueName="card-events",
        Attributes={
            # Six times the function timeout, as AWS recommends for SQS event sources.
            "VisibilityTimeout": "180",
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "5"}),
        },
        tags=queue_tags,
    )["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

    awslambda = _client(session, "lambda", HOME_REGION)
    # The tags SAM and CloudFormation put on a function they deploy (aws:* keys are reserved in
    # AWS, moto lets us set them): the evidence that SAM manages this function too.
    sam_tags = {
        "lambda:createdBy": "SAM",
        "aws:cloudformation:stack-name": SAM_STACK_NAME,
        "aws:cloudformation:stack-id": SAM_STACK_ID,
        "aws:cloudformation:logical-id": "CardEventsConsumerFunction",
    }
    awslambda.create_function(
        FunctionName="card-events-consumer",
        Description="Consumes card lifecycle events from the card-events queue",
        Runtime="python3.12",
        Architectures=["arm64"],
        Role=roles["card-events-consumer-role"],
        Handler="app.handler",
        Code={"ZipFile": _lambda_zip()},
        Timeout=30,
        MemorySize=256,
        TracingConfig={"Mode": "Active"},
        Environment={"Variables": {"QUEUE_URL": CARD_EVENTS_QUEUE_URL, "LOG_LEVEL": "INFO"}},
        Tags={**_tags("app", "card-events"), **sam_tags},
    )
    awslambda.create_event_source_mapping(
        EventSourceArn=queue_arn,
        FunctionName="card-events-consumer",
        BatchSize=10,
        Enabled=True,
        FunctionResponseTypes=["ReportBatchItemFailures"],
    )


def _lambda_zip() -> bytes:
    """A tiny deployment package; moto stores it and never runs it here."""
    handler = (
        "import json\n\n\n"
        "def handler(event, context):\n"
        "    failures = []\n"
        "    for record in event.get('Records', []):\n"
        "        try:\n"
        "            json.loads(record['body'])\n"
        "        except ValueError:\n"
        "            failures.append({'itemIdentifier': record['messageId']})\n"
        "    return {'batchItemFailures': failures}\n"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("app.py", handler)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# Step Functions and EventBridge


def _seed_step_functions(session: boto3.session.Session, network: _Network, roles: dict[str, str]) -> None:
    """Create the daily settlement state machine and the EventBridge schedule that starts it."""
    definition = (REPOS_DIR / "acme/card-batch/statemachines/daily-settlement.asl.json").read_text(encoding="utf-8")
    # The deploy job substitutes these from the infra/prod stack outputs; the same here.
    for placeholder, value in (
        ("${PrivateSubnetA}", network.subnet_ids[0]),
        ("${PrivateSubnetB}", network.subnet_ids[1]),
        ("${LedgerIngestSecurityGroup}", network.security_groups["ledger-ingest"]),
    ):
        definition = definition.replace(placeholder, value)

    sfn = _client(session, "stepfunctions", HOME_REGION)
    log_group_arn = _arn("logs", "log-group:/aws/vendedlogs/states/daily-settlement-ingest:*")
    machine_arn = sfn.create_state_machine(
        name="daily-settlement-ingest",
        definition=definition,
        roleArn=roles["settlement-sfn-role"],
        type="STANDARD",
        loggingConfiguration={
            "level": "ALL",
            # Execution input and output hold settlement records: keep them out of the logs.
            "includeExecutionData": False,
            "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": log_group_arn}}],
        },
        tracingConfiguration={"enabled": True},
        tags=_tag_list(_tags("app", "ledger-ingest"), "key", "value"),
    )["stateMachineArn"]

    events = _client(session, "events", HOME_REGION)
    events.put_rule(
        Name="daily-settlement-schedule",
        # 02:00 UTC, after the schemes' overnight settlement files have landed.
        ScheduleExpression="cron(0 2 * * ? *)",
        State="ENABLED",
        Description="Starts daily-settlement-ingest every day at 02:00 UTC",
        Tags=_tag_list(_tags("infra", "ledger-ingest", **{"managed-by": "pulumi"})),
    )
    events.put_targets(
        Rule="daily-settlement-schedule",
        Targets=[
            {
                "Id": "daily-settlement-ingest",
                "Arn": machine_arn,
                "RoleArn": roles["daily-settlement-schedule-role"],
                "Input": json.dumps({"trigger": "daily-settlement-schedule"}),
            }
        ],
    )


# --------------------------------------------------------------------------------------------
# RDS


def _seed_rds(session: boto3.session.Session, network: _Network, keys: _Keys) -> None:
    """Create cards-db: PostgreSQL, encrypted with cards-data, private, deletion protected."""
    rds = _client(session, "rds", HOME_REGION)
    rds.create_db_subnet_group(
        DBSubnetGroupName="cards-db-private",
        DBSubnetGroupDescription="Managed by Pulumi",
        SubnetIds=list(network.subnet_ids),
        Tags=_tag_list(_tags("infra", "cards-db", **{"managed-by": "pulumi"})),
    )
    rds.create_db_instance(
        DBInstanceIdentifier="cards-db",
        DBName="cards",
        Engine="postgres",
        EngineVersion="16.4",
        DBInstanceClass="db.r6g.large",
        AllocatedStorage=200,
        StorageType="gp3",
        MasterUsername="cards_admin",
        MasterUserPassword="Zr8!mK3vQ9xT2wLp",
        DBSubnetGroupName="cards-db-private",
        VpcSecurityGroupIds=[network.security_groups["cards-db"]],
        StorageEncrypted=True,
        KmsKeyId=keys.cards_data,
        PubliclyAccessible=False,
        MultiAZ=True,
        DeletionProtection=True,
        BackupRetentionPeriod=14,
        AutoMinorVersionUpgrade=True,
        EnableIAMDatabaseAuthentication=True,
        EnableCloudwatchLogsExports=["postgresql", "upgrade"],
        CopyTagsToSnapshot=True,
        Tags=_tag_list(_tags("infra", "cards-db", **{"pci-scope": "cde", "managed-by": "pulumi"})),
    )
