"""IAM (global): users with their sign-in and keys, and roles with their trust."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import Field

from cardaudit.models.aws.resource import AwsResource, Unknown
from cardaudit.models.base import Frozen
from cardaudit.models.resource_type import ResourceType


class AccessKey(Frozen):
    id_suffix: str  # last four characters: enough to find the key, useless to an attacker
    status: str
    created: datetime


class IamUser(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::IAM::User", slice="iam_users", service="iam", regional=False,
        arn=("iam", "user"), asff_type="AwsIamUser", iac_name_types=("aws:iam/user:User", "aws_iam_user"),
        operations=("iam:ListUsers", "iam:ListUserTags", "iam:GetLoginProfile", "iam:ListMFADevices",
                    "iam:ListAccessKeys"),
    )

    created: datetime
    console_access: bool | Unknown
    mfa_devices: int | Unknown
    access_keys: list[AccessKey] | Unknown
    password_last_used: datetime | None = None


class IamRole(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::IAM::Role", slice="iam_roles", service="iam", regional=False,
        arn=("iam", "role"), asff_type="AwsIamRole", iac_name_types=("aws:iam/role:Role", "aws_iam_role"),
        operations=("iam:ListRoles", "iam:ListRoleTags"),
    )

    trusted_services: list[str] = Field(default_factory=list)
    path: str = "/"

    @property
    def aws_managed(self) -> bool:
        return self.path.startswith("/aws-service-role/") or self.path.startswith("/aws-reserved/")
