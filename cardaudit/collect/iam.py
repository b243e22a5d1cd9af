"""IAM (global): users with console access, MFA devices and access keys; roles with their trust."""

from __future__ import annotations

from typing import Any

from cardaudit.collect.api import Api, tag_dict
from cardaudit.models.inventory import GLOBAL, AccessKey, AwsResource, IamRole, IamUser


def _keys(resp: dict[str, Any]) -> list[AccessKey]:
    return [
        AccessKey(id_suffix=k["AccessKeyId"][-4:], status=k["Status"], created=k["CreateDate"])
        for k in resp.get("AccessKeyMetadata", [])
    ]


def _trusted_services(doc: Any) -> list[str]:
    services: set[str] = set()
    for stmt in (doc or {}).get("Statement", []) if isinstance(doc, dict) else []:
        principal = stmt.get("Principal", {})
        svc = principal.get("Service", []) if isinstance(principal, dict) else []
        services.update([svc] if isinstance(svc, str) else svc)
    return sorted(services)


def collect_iam(api: Api) -> dict[str, list[AwsResource]]:
    def user(u: dict[str, Any]) -> AwsResource:
        name = u["UserName"]
        return IamUser(
            arn=u["Arn"], account=api.account, region=GLOBAL, name=name,
            tags=api.detail("list_user_tags", lambda r: tag_dict(r.get("Tags")), UserName=name),
            created=u["CreateDate"], password_last_used=u.get("PasswordLastUsed"),
            console_access=api.detail("get_login_profile", lambda r: True, UserName=name,
                                      absent={"NoSuchEntity": False}),
            mfa_devices=api.detail("list_mfa_devices", lambda r: len(r.get("MFADevices", [])), UserName=name),
            access_keys=api.detail("list_access_keys", _keys, UserName=name),
        )

    users = api.each(user, api.pages("list_users", "Users"))
    def role(r: dict[str, Any]) -> AwsResource:
        # ListRoles does not return tags; ListRoleTags does.
        return IamRole(
            arn=r["Arn"], account=api.account, region=GLOBAL, name=r["RoleName"],
            tags=api.detail("list_role_tags", lambda t: tag_dict(t.get("Tags")), RoleName=r["RoleName"]),
            trusted_services=_trusted_services(r.get("AssumeRolePolicyDocument")), path=r.get("Path", "/"),
        )

    roles = api.each(role, api.pages("list_roles", "Roles"))
    return {"iam_users": users, "iam_roles": roles}
