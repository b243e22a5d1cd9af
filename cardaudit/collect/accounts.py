"""Several accounts in one audit: assume a read-only role in each, collect, and merge.

The accounts are named (`--accounts 111122223333,444455556666`) or, with `--accounts
organization`, listed from AWS Organizations. An account whose role cannot be assumed is not
skipped: every slice records the failure for it, so its checks are NOT_ASSESSED with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from cardaudit.collect.api import Api, error_code
from cardaudit.collect.aws import GLOBAL_CLIENT_REGION, SERVICES, ServiceCollector, account_of, collect_aws
from cardaudit.collect.session import client, guard_session
from cardaudit.errors import CollectionSetupError
from cardaudit.models.inventory import GLOBAL, CollectionError, Inventory, Scope

ORGANIZATION = "organization"


def organization_accounts(session: boto3.session.Session) -> list[str]:
    """Active member accounts of the organization (run from the management or a delegated account)."""
    api = Api(client(session, "organizations", GLOBAL_CLIENT_REGION), "", GLOBAL)
    try:
        accounts = api.pages("list_accounts", "Accounts")
    except (ClientError, BotoCoreError) as exc:
        code, message = error_code(exc)
        raise CollectionSetupError(f"cannot list the organization's accounts (organizations:ListAccounts: "
                                   f"{code} {message})") from exc
    return sorted(a["Id"] for a in accounts if a.get("Status", "ACTIVE") == "ACTIVE")


def assume(session: boto3.session.Session, account: str, role_name: str,
           external_id: str | None = None) -> boto3.session.Session:
    """A guarded session for `role_name` in `account` (raises ClientError when it cannot be assumed)."""
    partition = "aws"
    params = {"RoleArn": f"arn:{partition}:iam::{account}:role/{role_name}", "RoleSessionName": "cardaudit"}
    if external_id:
        params["ExternalId"] = external_id
    creds = client(session, "sts", session.region_name or GLOBAL_CLIENT_REGION).assume_role(**params)["Credentials"]
    return guard_session(boto3.session.Session(
        aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"], region_name=session.region_name,
    ))


def _unreachable(account: str, error: CollectionError, services: Sequence[ServiceCollector]) -> Inventory:
    slices = {name: {"scopes": [Scope(account=account, region=GLOBAL)], "errors": [error]}
              for collector in services for name in collector.slices}
    return Inventory.model_validate({"collected_at": datetime.now(UTC), "accounts": [account], "regions": [],
                                     **slices})


def merge(inventories: list[Inventory]) -> Inventory:
    """One inventory holding every account's slices."""
    first = inventories[0]
    merged: dict[str, object] = {
        "collected_at": min(i.collected_at for i in inventories),
        "accounts": [a for i in inventories for a in i.accounts],
        "regions": sorted({r for i in inventories for r in i.regions}),
    }
    for name in first.slice_names():
        merged[name] = {
            "items": [item for i in inventories for item in i.slice(name).items],
            "scopes": [s for i in inventories for s in i.slice(name).scopes],
            "errors": [e for i in inventories for e in i.slice(name).errors],
        }
    return Inventory.model_validate(merged)


def collect_accounts(session: boto3.session.Session, accounts: list[str], role_name: str,
                     regions: list[str] | None = None, workers: int = 8, external_id: str | None = None,
                     services: Sequence[ServiceCollector] = SERVICES) -> Inventory:
    targets = organization_accounts(session) if accounts == [ORGANIZATION] else accounts
    if not targets:
        raise CollectionSetupError("no account to audit")
    home = account_of(session)
    inventories: list[Inventory] = []
    for account in targets:
        try:
            target = session if account == home else assume(session, account, role_name, external_id)
        except (ClientError, BotoCoreError) as exc:
            code, message = error_code(exc)
            error = CollectionError(service="sts", operation="AssumeRole", code=code, message=message[:300],
                                    account=account, region=GLOBAL)
            inventories.append(_unreachable(account, error, services))
            continue
        inventories.append(collect_aws(target, regions, workers, services))
    return merge(inventories)
