"""IAM (global): users, roles, groups, customer managed policies, the root user and the password policy.

One collect function per slice, so that a refused call blinds only what it reads: a refused
GetAccountPasswordPolicy leaves users, roles and policies judged.

Policies are read with GetAccountAuthorizationDetails, AWS's batch read of the account's IAM
(read-only): one paginated call per kind (Filter User, Role, Group, LocalManagedPolicy) returns
every inline policy document, every attachment and every managed policy's versions. The
per-entity form (ListUserPolicies + GetUserPolicy per policy, ListAttachedUserPolicies,
ListPolicies + GetPolicyVersion per policy, ListGroups + ListGroupPolicies...) costs several
calls per entity; this costs about one call per 100 entities. The users' and roles' policies are
details of those slices: when the batch read fails, they are Unknown and the users stay judged
on everything else.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import unquote

from cardaudit.collect.api import Api, tag_dict
from cardaudit.collect.contain import failure_of
from cardaudit.models.aws.iam import (
    AccessKey,
    IamGroup,
    IamManagedPolicy,
    IamPasswordPolicy,
    IamRole,
    IamRootAccount,
    IamUser,
    InlinePolicy,
    PasswordPolicySettings,
)
from cardaudit.models.aws.policy import PolicyStatement
from cardaudit.models.inventory import GLOBAL, AwsResource, Unknown

T = TypeVar("T")

AUTHORIZATION_DETAILS = "iam:GetAccountAuthorizationDetails"


# --------------------------------------------------------------------------------------------
# policy documents


def _strings(value: Any, field: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise TypeError(f"{field} is neither a string nor a list of strings")


def _statements(document: Any) -> list[PolicyStatement]:
    """The statements of a policy document: a dict (botocore decodes it) or its URL-encoded JSON."""
    if isinstance(document, str):
        text = document if document.lstrip().startswith("{") else unquote(document)
        document = json.loads(text)
    if not isinstance(document, dict):
        raise TypeError("policy document is not an object")
    raw = document.get("Statement", [])
    for stmt in raw if isinstance(raw, list) else [raw]:
        if not isinstance(stmt, dict):
            raise TypeError("policy statement is not an object")
    return [PolicyStatement.parse(stmt) for stmt in (raw if isinstance(raw, list) else [raw])]


def _inline(entries: Any) -> list[InlinePolicy]:
    """UserPolicyList / GroupPolicyList / RolePolicyList entries."""
    return [InlinePolicy(name=e["PolicyName"], statements=_statements(e["PolicyDocument"])) for e in entries or []]


def _parsed(read: Callable[[], T]) -> T | Unknown:
    """One entity's part of the batch answer, or Unknown when it is not of the shape AWS documents."""
    try:
        return read()
    except Exception as exc:  # noqa: BLE001 -- a misread document is Unknown for that entity only
        code, message = failure_of(exc)
        return Unknown(operation=AUTHORIZATION_DETAILS, code=code, message=message)


def _batch(api: Api, read: Callable[[], dict[str, T]]) -> dict[str, T] | Unknown:
    """The batch read for a slice read by another call first: Unknown when it fails, never a blind slice."""
    return api.contained(read)


def _policies_of(details: dict[str, dict[str, Any]] | Unknown, arn: str,
                 inline_key: str) -> tuple[list[InlinePolicy] | Unknown, list[str] | Unknown]:
    """(inline policies, directly attached managed policy ARNs) of one user or role."""
    if isinstance(details, Unknown):
        return details, details
    entry = details.get(arn)
    if entry is None:  # created between the two reads, or left out of the answer
        missing = Unknown(operation=AUTHORIZATION_DETAILS, code="NotListed", message=f"{arn} is not in the answer")
        return missing, missing
    return (_parsed(lambda: _inline(entry.get(inline_key))),
            _parsed(lambda: [p["PolicyArn"] for p in entry.get("AttachedManagedPolicies") or []]))


# --------------------------------------------------------------------------------------------
# users and roles


def _trusted_services(doc: Any) -> list[str]:
    services: set[str] = set()
    for stmt in (doc or {}).get("Statement", []) if isinstance(doc, dict) else []:
        principal = stmt.get("Principal", {})
        svc = principal.get("Service", []) if isinstance(principal, dict) else []
        services.update([svc] if isinstance(svc, str) else svc)
    return sorted(services)


def collect_iam_users(api: Api) -> dict[str, list[AwsResource]]:
    def keys(resp: dict[str, Any]) -> list[AccessKey]:
        out: list[AccessKey] = []
        for k in resp.get("AccessKeyMetadata", []):
            key = AccessKey(id_suffix=k["AccessKeyId"][-4:], status=k["Status"], created=k["CreateDate"])
            if k["Status"] == "Active":  # only active keys can be idle credentials
                used = api.detail("get_access_key_last_used", lambda r: r["AccessKeyLastUsed"].get("LastUsedDate"),
                                  AccessKeyId=k["AccessKeyId"])
                key = key.model_copy(update={"last_used": used})
            out.append(key)
        return out

    def user(u: dict[str, Any]) -> AwsResource:
        name = u["UserName"]
        inline, attached = _policies_of(details, u["Arn"], "UserPolicyList")
        return IamUser(
            arn=u["Arn"], account=api.account, region=GLOBAL, name=name,
            tags=api.detail("list_user_tags", lambda r: tag_dict(r.get("Tags")), UserName=name),
            created=u["CreateDate"], password_last_used=u.get("PasswordLastUsed"),
            console_access=api.detail("get_login_profile", lambda r: True, UserName=name,
                                      absent={"NoSuchEntity": False}),
            mfa_devices=api.detail("list_mfa_devices", lambda r: len(r.get("MFADevices", [])), UserName=name),
            access_keys=api.detail("list_access_keys", keys, UserName=name),
            inline_policies=inline, attached_policies=attached,
        )

    listed = api.pages("list_users", "Users")
    details = _batch(api, lambda: {u["Arn"]: u for u in api.pages(
        "get_account_authorization_details", "UserDetailList", Filter=["User"])})
    return {"iam_users": api.each(user, listed)}


def collect_iam_roles(api: Api) -> dict[str, list[AwsResource]]:
    def role(r: dict[str, Any]) -> AwsResource:
        inline, attached = _policies_of(details, r["Arn"], "RolePolicyList")
        # ListRoles does not return tags; ListRoleTags does.
        return IamRole(
            arn=r["Arn"], account=api.account, region=GLOBAL, name=r["RoleName"],
            tags=api.detail("list_role_tags", lambda t: tag_dict(t.get("Tags")), RoleName=r["RoleName"]),
            trusted_services=_trusted_services(r.get("AssumeRolePolicyDocument")), path=r.get("Path", "/"),
            inline_policies=inline, attached_policies=attached,
        )

    listed = api.pages("list_roles", "Roles")
    details = _batch(api, lambda: {r["Arn"]: r for r in api.pages(
        "get_account_authorization_details", "RoleDetailList", Filter=["Role"])})
    return {"iam_roles": api.each(role, listed)}


# --------------------------------------------------------------------------------------------
# groups and customer managed policies


def collect_iam_groups(api: Api) -> dict[str, list[AwsResource]]:
    # IAM groups carry no tags: there is nothing more to read per group.
    def group(g: dict[str, Any]) -> AwsResource:
        return IamGroup(
            arn=g["Arn"], account=api.account, region=GLOBAL, name=g["GroupName"], path=g.get("Path", "/"),
            inline_policies=_parsed(lambda: _inline(g.get("GroupPolicyList"))),
            attached_policies=[p["PolicyArn"] for p in g.get("AttachedManagedPolicies") or []],
        )

    return {"iam_groups": [group(g) for g in api.pages(
        "get_account_authorization_details", "GroupDetailList", Filter=["Group"])]}


def _default_version(p: dict[str, Any]) -> list[PolicyStatement]:
    for version in p.get("PolicyVersionList") or []:
        if version.get("VersionId") == p["DefaultVersionId"]:
            return _statements(version["Document"])
    raise KeyError(f"default version {p['DefaultVersionId']} is not in PolicyVersionList")


def collect_iam_policies(api: Api) -> dict[str, list[AwsResource]]:
    def policy(p: dict[str, Any]) -> AwsResource:
        arn = p["Arn"]
        return IamManagedPolicy(
            # moto leaves PolicyName out of this answer; the ARN ends with it.
            arn=arn, account=api.account, region=GLOBAL, name=p.get("PolicyName") or arn.rsplit("/", 1)[-1],
            tags=api.detail("list_policy_tags", lambda r: tag_dict(r.get("Tags")), PolicyArn=arn),
            path=p.get("Path", "/"), attachments=p["AttachmentCount"], default_version=p["DefaultVersionId"],
            statements=_parsed(lambda: _default_version(p)),
        )

    listed = api.pages("get_account_authorization_details", "Policies", Filter=["LocalManagedPolicy"])
    return {"iam_policies": api.each(policy, listed)}


# --------------------------------------------------------------------------------------------
# account settings: the root user and the password policy


def _flag(summary: dict[str, Any], key: str) -> bool:
    value = summary[key]
    if value not in (0, 1) or isinstance(value, bool):
        raise ValueError(f"{key} is {value!r}, not 0 or 1")
    return bool(value)


def _root_flags(resp: dict[str, Any]) -> tuple[bool, bool]:
    summary = resp["SummaryMap"]
    return _flag(summary, "AccountMFAEnabled"), _flag(summary, "AccountAccessKeysPresent")


def collect_iam_root(api: Api) -> dict[str, list[AwsResource]]:
    summary = api.detail("get_account_summary", _root_flags)
    root = IamRootAccount(
        arn=f"arn:aws:iam::{api.account}:root", account=api.account, region=GLOBAL, name="root",
        mfa_enabled=summary if isinstance(summary, Unknown) else summary[0],
        access_keys_present=summary if isinstance(summary, Unknown) else summary[1],
    )
    return {"iam_root_accounts": [root]}


def _password_policy(resp: dict[str, Any]) -> PasswordPolicySettings | None:
    p = resp["PasswordPolicy"]
    return PasswordPolicySettings(
        minimum_length=p["MinimumPasswordLength"],
        require_symbols=p.get("RequireSymbols", False), require_numbers=p.get("RequireNumbers", False),
        require_uppercase=p.get("RequireUppercaseCharacters", False),
        require_lowercase=p.get("RequireLowercaseCharacters", False),
        # Absent or 0: passwords never expire; absent or 0: no reuse prevention.
        max_age_days=p.get("MaxPasswordAge") or None, reuse_prevention=p.get("PasswordReusePrevention") or None,
        hard_expiry=p.get("HardExpiry", False),
    )


def collect_iam_password_policy(api: Api) -> dict[str, list[AwsResource]]:
    # NoSuchEntity is AWS's answer for an account without a password policy: a value, not an error.
    no_policy: dict[str, PasswordPolicySettings | None] = {"NoSuchEntity": None}
    settings = api.detail("get_account_password_policy", _password_policy, absent=no_policy)
    policy = IamPasswordPolicy(
        arn=f"arn:aws:iam::{api.account}:account-password-policy", account=api.account, region=GLOBAL,
        name="account-password-policy", policy=settings,
    )
    return {"iam_password_policies": [policy]}
