"""Secrets Manager: secrets, whether they rotate and their KMS key. Values are never read (the guard refuses it)."""

from __future__ import annotations

from cardaudit.collect.api import Api, tag_dict
from cardaudit.models.aws.resource import AwsResource
from cardaudit.models.aws.secretsmanager import Secret


def collect_secretsmanager(api: Api) -> dict[str, list[AwsResource]]:
    secrets: list[AwsResource] = []
    for s in api.pages("list_secrets", "SecretList"):
        secrets.append(Secret(
            arn=s["ARN"], account=api.account, region=api.region, name=s["Name"],
            tags=tag_dict(s.get("Tags")), rotation_enabled=bool(s.get("RotationEnabled", False)),
            kms_key_id=s.get("KmsKeyId") or None,
        ))
    return {"secrets": secrets}
