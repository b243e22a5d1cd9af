"""KMS: keys with their manager, spec, state, aliases, rotation status and key policy."""

from __future__ import annotations

import json
from typing import Any

from cardaudit.collect.api import Api, tag_dict
from cardaudit.models.aws.kms import AWS_MANAGED_ALIAS_PREFIX, KmsKey
from cardaudit.models.aws.policy import PolicyStatement
from cardaudit.models.aws.resource import AwsResource, Unknown

# Automatic rotation exists only for symmetric encryption keys that AWS holds the material of.
_ROTATABLE_SPEC = "SYMMETRIC_DEFAULT"
# Every key has exactly one key policy, and this is its name.
_POLICY_NAME = "default"


def _strings(value: Any) -> list[str]:
    """A policy element that may be one value or a list, as a list of strings."""
    items = value if isinstance(value, list) else [value]
    return [str(item).lower() if isinstance(item, bool) else str(item) for item in items]


def _policy(resp: dict[str, Any]) -> list[PolicyStatement]:
    """GetKeyPolicy's `Policy` (a JSON string) as statements; only who-may-do-what is kept."""
    statements = json.loads(resp["Policy"]).get("Statement", [])
    return [PolicyStatement.parse(s) for s in (statements if isinstance(statements, list) else [statements])]


def _unreadable(api: Api, key: dict[str, Any], name: str, aliases: list[str], denied: Unknown) -> KmsKey:
    """A key whose DescribeKey failed: every field it would have given is Unknown.

    Key policies often leave the auditor out; that key is unknown, the others are not. An AWS
    managed key is still told by its reserved alias, and rotation does not apply to it.
    """
    aws_managed = any(alias.startswith(AWS_MANAGED_ALIAS_PREFIX) for alias in aliases)
    return KmsKey(arn=key["KeyArn"], account=api.account, region=api.region, name=name,
                  tags={} if aws_managed else denied, key_id=key["KeyId"], key_manager=denied, key_spec=denied,
                  key_usage=denied, key_state=denied, aliases=aliases,
                  rotation_enabled=None if aws_managed else denied, policy=None if aws_managed else denied)


def collect_kms(api: Api) -> dict[str, list[AwsResource]]:
    aliases: dict[str, list[str]] = {}
    for alias in api.pages("list_aliases", "Aliases"):
        if alias.get("TargetKeyId"):
            aliases.setdefault(alias["TargetKeyId"], []).append(alias["AliasName"])

    def read(key: dict[str, Any]) -> AwsResource:
        key_aliases = sorted(aliases.get(key["KeyId"], []))
        name = key_aliases[0] if key_aliases else key["KeyId"]
        described = api.detail("describe_key", lambda r: dict(r["KeyMetadata"]), KeyId=key["KeyId"])
        if isinstance(described, Unknown):
            return _unreadable(api, key, name, key_aliases, described)
        meta = described
        customer = meta.get("KeyManager") == "CUSTOMER"
        rotation: bool | Unknown | None = None
        if customer and meta.get("KeySpec") == _ROTATABLE_SPEC and meta.get("Origin", "AWS_KMS") == "AWS_KMS":
            rotation = api.detail("get_key_rotation_status", lambda r: bool(r["KeyRotationEnabled"]),
                                  KeyId=key["KeyId"])
        tags = (api.detail("list_resource_tags", lambda r: tag_dict(r.get("Tags"), "TagKey", "TagValue"),
                           KeyId=key["KeyId"]) if customer else {})
        # AWS writes the policies of its managed keys itself; only customer managed keys are read.
        policy = (api.detail("get_key_policy", _policy, KeyId=key["KeyId"], PolicyName=_POLICY_NAME)
                  if customer else None)
        return KmsKey(
            arn=meta["Arn"], account=api.account, region=api.region, name=name, tags=tags,
            key_id=key["KeyId"], key_manager=meta.get("KeyManager", "CUSTOMER"),
            key_spec=meta.get("KeySpec", meta.get("CustomerMasterKeySpec", "")),
            key_usage=meta.get("KeyUsage", ""), key_state=meta.get("KeyState", ""),
            aliases=key_aliases, rotation_enabled=rotation, policy=policy,
        )

    return {"kms_keys": api.each(read, api.pages("list_keys", "Keys"))}
