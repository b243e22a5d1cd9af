"""KMS: keys with their manager, spec, state, aliases, rotation and key policy."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from cardaudit.models.aws.policy import PolicyStatement
from cardaudit.models.aws.resource import AwsResource, Unknown
from cardaudit.models.resource_type import ResourceType

# AWS creates an alias under this prefix for each AWS managed key, and nobody else may.
AWS_MANAGED_ALIAS_PREFIX = "alias/aws/"


class KmsKey(AwsResource):
    """A key; its DescribeKey fields are Unknown when a key policy keeps the auditor out."""

    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::KMS::Key", slice="kms_keys", service="kms", regional=True,
        arn=("kms", "key"), asff_type="AwsKmsKey",
        # A key is named by its first alias, and an alias resource's id is that alias.
        iac_name_types=("aws:kms/alias:Alias", "aws_kms_alias"),
        operations=("kms:ListKeys", "kms:ListAliases", "kms:DescribeKey", "kms:GetKeyRotationStatus",
                    "kms:ListResourceTags", "kms:GetKeyPolicy"),
    )

    key_id: str
    key_manager: str | Unknown
    key_spec: str | Unknown
    key_usage: str | Unknown
    key_state: str | Unknown
    aliases: list[str] = Field(default_factory=list)
    rotation_enabled: bool | Unknown | None = None  # None: rotation does not apply (AWS-managed, asymmetric)
    # The `default` key policy's statements; None: not read (AWS managed keys, whose policy AWS
    # writes, and inventories saved before cardaudit read key policies).
    policy: list[PolicyStatement] | Unknown | None = None

    @property
    def aws_managed(self) -> bool:
        """AWS managed, from DescribeKey; when that was denied, from the reserved `alias/aws/` aliases."""
        if isinstance(self.key_manager, Unknown):
            return any(alias.startswith(AWS_MANAGED_ALIAS_PREFIX) for alias in self.aliases)
        return self.key_manager == "AWS"
