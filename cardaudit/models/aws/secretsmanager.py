"""Secrets Manager: secrets and their rotation (never their values)."""

from __future__ import annotations

from typing import ClassVar

from cardaudit.models.aws.resource import AwsResource
from cardaudit.models.resource_type import ResourceType


class Secret(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::SecretsManager::Secret", slice="secrets", service="secretsmanager", regional=True,
        arn=("secretsmanager", "secret"), asff_type="AwsSecretsManagerSecret",
        operations=("secretsmanager:ListSecrets",),
    )

    rotation_enabled: bool = False
    # ListSecrets' KmsKeyId as AWS gives it (key ARN, key id or alias); None: the AWS managed key
    # aws/secretsmanager, which AWS leaves out of the answer.
    kms_key_id: str | None = None
