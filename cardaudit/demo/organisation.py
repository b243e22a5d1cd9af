"""A simulated AWS Organization for organisation-scale runs: N member accounts in moto, a few resources each.

Used by `bench/org_scale.py` and its test: the management account creates the organization and
its member accounts; each account is seeded through an assumed role (moto maps an assumed role's
credentials to that role's account, as AWS does, when MOTO_ACCOUNT_ID is not set), with one ECR
repository and one SQS queue, some compliant and some not, so that every account has both PASS and
FAIL findings. The audit then reads them through `--accounts organization` and the audit role.
"""

from __future__ import annotations

from typing import Any

import boto3
from botocore.exceptions import ClientError

from cardaudit import audit
from cardaudit.collect.accounts import ORGANIZATION, collect_accounts, sibling_session
from cardaudit.collect.aws import SERVICES, ServiceCollector
from cardaudit.demo.seed import ensure_emulated
from cardaudit.models.report import AuditConfig, Report
from cardaudit.models.shard import Shard
from cardaudit.progress import Listener, ignore

REGION = "eu-west-1"
AUDIT_ROLE = "cardaudit-audit"
# The collect functions the simulation reads, and the checks over them: enough to give each account
# PASS and FAIL findings, few enough that 50 accounts stay fast.
ORG_SERVICES: tuple[ServiceCollector, ...] = tuple(s for s in SERVICES if s.service in ("ecr", "sqs"))
ORG_CHECKS = ["ecr_repository_scan_on_push_enabled", "ecr_repository_tag_immutability",
              "ecr_repository_policy_not_public", "sqs_queue_kms_encrypted"]


def session_in(seed: boto3.session.Session, account: str) -> boto3.session.Session:
    """An unguarded session in `account` (for seeding), through a role moto maps to it."""
    creds = seed.client("sts", region_name=REGION).assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/seeder", RoleSessionName="seed")["Credentials"]
    keys = {"aws_access_key_id": creds["AccessKeyId"], "aws_secret_access_key": creds["SecretAccessKey"],
            "aws_session_token": creds["SessionToken"]}
    return sibling_session(seed, keys)


def seed_account(session: boto3.session.Session, n: int) -> None:
    session.client("ecr").create_repository(
        repositoryName=f"service-{n:02d}", imageScanningConfiguration={"scanOnPush": n % 3 != 0},
        imageTagMutability="IMMUTABLE" if n % 2 else "MUTABLE")
    attributes = {"KmsMasterKeyId": "alias/aws/sqs"} if n % 4 else {}
    session.client("sqs").create_queue(QueueName=f"settlement-{n:02d}", Attributes=attributes)


def seed_organisation(seed: boto3.session.Session, members: int) -> list[str]:
    """Create the organization with `members` member accounts, seed every account; return all ids, sorted."""
    ensure_emulated(seed)
    org = seed.client("organizations", region_name="us-east-1")
    org.create_organization(FeatureSet="ALL")
    for n in range(members):
        org.create_account(AccountName=f"member-{n:02d}", Email=f"member-{n:02d}@acme-card.example")
    accounts = sorted(a["Id"] for page in org.get_paginator("list_accounts").paginate() for a in page["Accounts"])
    for n, account in enumerate(accounts):
        seed_account(session_in(seed, account), n)
    return accounts


def refuse_role_in(session: boto3.session.Session, account: str) -> None:
    """Make `sts:AssumeRole` into `account` fail with AccessDenied for this session, as a missing trust would."""

    def refuse(params: dict[str, Any], **_: Any) -> None:
        if f":{account}:" in str(params.get("body", {}).get("RoleArn", "")):
            error = {"Code": "AccessDenied", "Message": "not authorized to perform sts:AssumeRole"}
            raise ClientError({"Error": error}, "AssumeRole")

    session.events.register("before-call.sts.AssumeRole", refuse, unique_id=f"refuse-role-{account}")


def audit_organisation(session: boto3.session.Session, shard: Shard | None = None, workers: int = 8,
                       on_event: Listener = ignore) -> Report:
    """`cardaudit audit --accounts organization --role-name cardaudit-audit [--shard i/n]` over the simulation.

    The same stages as the CLI; collection is limited to the simulation's services (ECR, SQS).
    """
    config = AuditConfig(accounts=[ORGANIZATION], role_name=AUDIT_ROLE, regions=[REGION], checks=ORG_CHECKS,
                         aws_verdicts=False, shard=shard, workers=workers)
    inventory = collect_accounts(session, [ORGANIZATION], AUDIT_ROLE, [REGION], workers, services=ORG_SERVICES,
                                 shard=shard, on_event=on_event)
    return audit.run(config, session=session, inventory=inventory, on_event=on_event)
