"""IAM (global): users with their sign-in, keys and direct policies; roles and groups with their inline
policies; customer managed policies; the root user; the account's password policy."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import Field

from cardaudit.models.aws.policy import PolicyStatement
from cardaudit.models.aws.resource import AwsResource, Unknown
from cardaudit.models.base import Frozen
from cardaudit.models.resource_type import ResourceType

# The code of a detail that this inventory does not hold (saved before cardaudit read it, or a key
# whose last use is not read because the key is inactive): never taken for "none".
NOT_READ = "NotRead"

_AUTHORIZATION_DETAILS = "iam:GetAccountAuthorizationDetails"


def not_read(operation: str, why: str) -> Unknown:
    return Unknown(operation=operation, code=NOT_READ, message=why)


_POLICIES_NOT_READ = not_read(_AUTHORIZATION_DETAILS, "policies are not in this inventory")


class InlinePolicy(Frozen):
    """A policy embedded in one user, group or role."""

    name: str
    statements: list[PolicyStatement]


class AccessKey(Frozen):
    id_suffix: str  # last four characters: enough to find the key, useless to an attacker
    status: str
    created: datetime
    # GetAccessKeyLastUsed, read for active keys only: None when AWS has no record of any use.
    last_used: datetime | Unknown | None = not_read("iam:GetAccessKeyLastUsed", "not read for this key")


class IamUser(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::IAM::User", slice="iam_users", service="iam", regional=False,
        arn=("iam", "user"), asff_type="AwsIamUser", iac_name_types=("aws:iam/user:User", "aws_iam_user"),
        operations=("iam:ListUsers", "iam:ListUserTags", "iam:GetLoginProfile", "iam:ListMFADevices",
                    "iam:ListAccessKeys", "iam:GetAccessKeyLastUsed", "iam:GetAccountAuthorizationDetails"),
    )

    created: datetime
    console_access: bool | Unknown
    mfa_devices: int | Unknown
    access_keys: list[AccessKey] | Unknown
    password_last_used: datetime | None = None
    # From GetAccountAuthorizationDetails (Filter User): policies embedded in the user and managed
    # policies attached to it directly (ARNs), rather than through a group.
    inline_policies: list[InlinePolicy] | Unknown = _POLICIES_NOT_READ
    attached_policies: list[str] | Unknown = _POLICIES_NOT_READ


class IamRole(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::IAM::Role", slice="iam_roles", service="iam", regional=False,
        arn=("iam", "role"), asff_type="AwsIamRole", iac_name_types=("aws:iam/role:Role", "aws_iam_role"),
        operations=("iam:ListRoles", "iam:ListRoleTags", "iam:GetAccountAuthorizationDetails"),
    )

    trusted_services: list[str] = Field(default_factory=list)
    path: str = "/"
    inline_policies: list[InlinePolicy] | Unknown = _POLICIES_NOT_READ
    # Managed policies attached to the role (ARNs), from the same batch read: what it may do.
    attached_policies: list[str] | Unknown = _POLICIES_NOT_READ

    @property
    def aws_managed(self) -> bool:
        return self.path.startswith("/aws-service-role/") or self.path.startswith("/aws-reserved/")


class IamGroup(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::IAM::Group", slice="iam_groups", service="iam", regional=False,
        arn=("iam", "group"), asff_type="AwsIamGroup", iac_name_types=("aws:iam/group:Group", "aws_iam_group"),
        operations=("iam:GetAccountAuthorizationDetails",),
    )

    path: str = "/"
    inline_policies: list[InlinePolicy] | Unknown
    attached_policies: list[str] = Field(default_factory=list)  # managed policy ARNs


class IamManagedPolicy(AwsResource):
    """A customer managed policy (Scope Local), judged on its default version."""

    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::IAM::ManagedPolicy", slice="iam_policies", service="iam", regional=False,
        arn=("iam", "policy"), asff_type="AwsIamPolicy",
        operations=("iam:GetAccountAuthorizationDetails", "iam:ListPolicyTags"),
    )

    path: str = "/"
    attachments: int  # users, groups and roles it is attached to (AttachmentCount)
    default_version: str
    statements: list[PolicyStatement] | Unknown


class IamRootAccount(AwsResource):
    """The account's root user. Its ARN is the real one, `arn:aws:iam::<account>:root`."""

    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::IAM::RootAccount", slice="iam_root_accounts", service="iam", regional=False,
        arn=("iam", "root"), asff_type="AwsAccount", operations=("iam:GetAccountSummary",),
    )

    mfa_enabled: bool | Unknown  # GetAccountSummary AccountMFAEnabled
    access_keys_present: bool | Unknown  # GetAccountSummary AccountAccessKeysPresent


class PasswordPolicySettings(Frozen):
    minimum_length: int
    require_symbols: bool = False
    require_numbers: bool = False
    require_uppercase: bool = False
    require_lowercase: bool = False
    max_age_days: int | None = None  # None: passwords never expire
    reuse_prevention: int | None = None  # None: any earlier password may be reused
    hard_expiry: bool = False


class IamPasswordPolicy(AwsResource):
    """The account's IAM password policy, one per account.

    Its ARN, `arn:aws:iam::<account>:account-password-policy`, is cardaudit's name for the account
    setting, not an AWS ARN: AWS gives the password policy none.
    """

    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::IAM::AccountPasswordPolicy", slice="iam_password_policies", service="iam", regional=False,
        arn=("iam", "account-password-policy"), asff_type="AwsAccount",
        operations=("iam:GetAccountPasswordPolicy",),
    )

    policy: PasswordPolicySettings | Unknown | None  # None: the account has no password policy (NoSuchEntity)
