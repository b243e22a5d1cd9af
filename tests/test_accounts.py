"""Several accounts in one audit: assumed roles, merged inventories, an unreachable account."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from cardaudit.collect.accounts import collect_accounts
from cardaudit.collect.aws import SERVICES
from tests.conftest import REGION, Aws, outcomes, run_check

PAYMENTS = "444455556666"
SANDBOX = "777788889999"
ROLE = "cardaudit-audit"


def _session_in(aws: Aws, account: str) -> boto3.session.Session:
    """Credentials moto maps to `account` (as an assumed role's are in AWS)."""
    creds = aws.client("sts").assume_role(RoleArn=f"arn:aws:iam::{account}:role/seeder",
                                          RoleSessionName="seed")["Credentials"]
    return boto3.session.Session(aws_access_key_id=creds["AccessKeyId"], region_name=REGION,
                                 aws_secret_access_key=creds["SecretAccessKey"],
                                 aws_session_token=creds["SessionToken"])


def _refuse_sandbox(params: dict[str, Any], **_: Any) -> None:
    # `params` is the serialized request here: the role is in its form body.
    if SANDBOX in str(params.get("body", {}).get("RoleArn", "")):
        raise ClientError({"Error": {"Code": "AccessDenied", "Message": "not authorized to assume"}}, "AssumeRole")


@pytest.fixture(autouse=True)
def _accounts_by_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    # MOTO_ACCOUNT_ID would pin every request to one account; without it moto maps each assumed
    # role's credentials to that role's account, as AWS does. The caller's own account is moto's default.
    monkeypatch.delenv("MOTO_ACCOUNT_ID")


HOME = "123456789012"


@pytest.fixture
def refuse_sandbox(aws: Aws) -> Any:
    aws.audit_session.events.register("before-call.sts.AssumeRole", _refuse_sandbox, unique_id="refuse-sandbox")
    yield
    aws.audit_session.events.unregister("before-call.sts.AssumeRole", unique_id="refuse-sandbox")


def test_two_accounts_and_one_unreachable(aws: Aws, refuse_sandbox: None) -> None:
    aws.client("ecr").create_repository(repositoryName="card-api", imageScanningConfiguration={"scanOnPush": True})
    _session_in(aws, PAYMENTS).client("ecr").create_repository(repositoryName="payments-gateway")
    ecr = [s for s in SERVICES if s.service == "ecr"]
    inventory = collect_accounts(aws.audit_session, [HOME, PAYMENTS, SANDBOX], ROLE, [REGION], services=ecr)
    assert inventory.accounts == [HOME, PAYMENTS, SANDBOX]
    assert {(r.account, r.name) for r in inventory.ecr_repositories.items} == {
        (HOME, "card-api"), (PAYMENTS, "payments-gateway")}
    findings = run_check("ecr_repository_scan_on_push_enabled", inventory)
    assert {(f.resource.account, *next(iter(outcomes([f])))) for f in findings} == {
        (HOME, "card-api", "PASS"), (PAYMENTS, "payments-gateway", "FAIL"), (SANDBOX, "*@global", "NOT_ASSESSED")}
    blind = next(f for f in findings if f.resource.account == SANDBOX)
    assert blind.reason == f"sts:AssumeRole failed in {SANDBOX}/global: AccessDenied"


def test_organization_accounts(aws: Aws) -> None:
    org = aws.client("organizations", "us-east-1")
    org.create_organization(FeatureSet="ALL")
    org.create_account(AccountName="payments", Email="payments@acme-card.example")
    ecr = [s for s in SERVICES if s.service == "ecr"]
    inventory = collect_accounts(aws.audit_session, ["organization"], ROLE, [REGION], services=ecr)
    assert len(inventory.accounts) == 2
    assert HOME in inventory.accounts
