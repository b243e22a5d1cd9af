"""Several accounts in one audit: assume a read-only role in each, collect, and merge.

The accounts are named (`--accounts 111122223333,444455556666`) or, with `--accounts
organization`, listed from AWS Organizations. An account whose role cannot be assumed is not
skipped: every slice records the failure for it, so its checks are NOT_ASSESSED with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import boto3
import botocore.session

from cardaudit.collect.api import Api
from cardaudit.collect.aws import (
    GLOBAL_CLIENT_REGION,
    SERVICES,
    ServiceCollector,
    blind_account,
    caller_account,
    collect_aws,
)
from cardaudit.collect.contain import DEADLINE_REACHED, BadResponse, CallFailed
from cardaudit.collect.deadline import NO_DEADLINE, Deadline
from cardaudit.collect.session import client, guard_session
from cardaudit.errors import CollectionSetupError
from cardaudit.models.awsverdicts import AwsVerdicts
from cardaudit.models.inventory import GLOBAL, CollectionError, Inventory
from cardaudit.models.shard import Shard
from cardaudit.progress import Event, Listener, ignore

ORGANIZATION = "organization"


def organization_accounts(session: boto3.session.Session, deadline: Deadline = NO_DEADLINE) -> list[str]:
    """Active member accounts of the organization (run from the management or a delegated account).

    Raises CallFailed (organizations:ListAccounts) when they cannot be listed.
    """
    api = Api(client(session, "organizations", GLOBAL_CLIENT_REGION), "", GLOBAL, deadline=deadline)
    try:
        accounts = api.pages("list_accounts", "Accounts")
        return sorted(str(a["Id"]) for a in accounts if a.get("Status", "ACTIVE") == "ACTIVE")
    except Exception as exc:  # contained like any call
        raise api.failed(exc) from exc


def assume(session: boto3.session.Session, account: str, role_name: str,
           external_id: str | None = None, deadline: Deadline = NO_DEADLINE) -> boto3.session.Session:
    """A guarded session for `role_name` in `account` (raises CallFailed when it cannot be assumed)."""
    partition = "aws"
    params = {"RoleArn": f"arn:{partition}:iam::{account}:role/{role_name}", "RoleSessionName": "cardaudit"}
    if external_id:
        params["ExternalId"] = external_id
    api = Api(client(session, "sts", session.region_name or GLOBAL_CLIENT_REGION), account, GLOBAL, deadline=deadline)
    try:
        creds = api.call("assume_role", **params)["Credentials"]
        keys = {"aws_access_key_id": creds["AccessKeyId"], "aws_secret_access_key": creds["SecretAccessKey"],
                "aws_session_token": creds["SessionToken"]}
        if not all(isinstance(value, str) and value for value in keys.values()):
            raise BadResponse("AssumeRole answered without usable credentials")
    except Exception as exc:  # an account whose role cannot be assumed is blind, not fatal
        raise api.failed(exc) from exc
    return guard_session(sibling_session(session, keys))


def sibling_session(session: boto3.session.Session, keys: dict[str, str]) -> boto3.session.Session:
    """A session with other credentials that shares `session`'s loaded API models.

    Each botocore session loads and parses the JSON model of every service it builds a client for
    (EC2's alone is several MB); sharing the loader makes that once per run instead of once per
    account, which is most of the fixed cost of an account at organisation scale.
    """
    core = botocore.session.Session()
    core.register_component("data_loader", session._session.get_component("data_loader"))
    return boto3.session.Session(**keys, region_name=session.region_name, botocore_session=core)


def merge(inventories: list[Inventory]) -> Inventory:
    """One inventory holding every account's slices."""
    if not inventories:  # a shard that holds none of the accounts
        return Inventory.model_validate({"collected_at": datetime.now(UTC), "accounts": [], "regions": []})
    first = inventories[0]
    merged: dict[str, object] = {
        "collected_at": min(i.collected_at for i in inventories),
        "accounts": [a for i in inventories for a in i.accounts],
        "regions": sorted({r for i in inventories for r in i.regions}),
        "aws_verdicts": AwsVerdicts(verdicts=[v for i in inventories for v in i.aws_verdicts.verdicts],
                                    reads=[r for i in inventories for r in i.aws_verdicts.reads]),
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
                     services: Sequence[ServiceCollector] = SERVICES, deadline: Deadline = NO_DEADLINE,
                     verdicts: bool = False, shard: Shard | None = None, on_event: Listener = ignore) -> Inventory:
    try:
        targets = organization_accounts(session, deadline) if accounts == [ORGANIZATION] else accounts
    except CallFailed as exc:
        # Which accounts to audit is unknown: the report says so, every check NOT_ASSESSED.
        error = CollectionError(service="organizations", operation="ListAccounts", code=exc.code,
                                message=exc.message, account=ORGANIZATION, region=GLOBAL)
        on_event(Event("accounts", error_code=exc.code, message="organizations:ListAccounts failed"))
        return blind_account(ORGANIZATION, error, services)
    if not targets:
        raise CollectionSetupError("no account to audit")
    listed = len(targets)
    if shard is not None:
        targets = [a for a in targets if shard.owns(a)]
    on_event(Event("accounts", counts={"accounts": len(targets), "listed": listed},
                   message=f"shard {shard}" if shard is not None else ""))
    try:
        home: str | None = caller_account(session, deadline)
    except CallFailed:
        home = None  # the caller's own account is then reached through the role too
    inventories: list[Inventory] = []
    for account in targets:
        if deadline.expired():
            error = CollectionError(service="sts", operation="-", code=DEADLINE_REACHED,
                                    message=deadline.reason(f"account {account} was read"), account=account,
                                    region=GLOBAL)
            inventories.append(blind_account(account, error, services))
            on_event(Event("account", account=account, error_code=DEADLINE_REACHED, counts={"errors": 1}))
            continue
        try:
            target = session if account == home else assume(session, account, role_name, external_id, deadline)
        except CallFailed as exc:
            error = CollectionError(service="sts", operation="AssumeRole", code=exc.code, message=exc.message,
                                    account=account, region=GLOBAL)
            inventories.append(blind_account(account, error, services))
            on_event(Event("account", account=account, error_code=exc.code, counts={"errors": 1},
                           message="sts:AssumeRole failed"))
            continue
        inventories.append(collect_aws(target, regions, workers, services, deadline=deadline, verdicts=verdicts,
                                       on_event=on_event))
    return merge(inventories)
