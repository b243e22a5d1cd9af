"""AWS Backup: backup plans with their resource assignments, vaults, and what each region protects."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import Field

from cardaudit.models.aws.resource import AwsResource, Unknown
from cardaudit.models.base import Frozen
from cardaudit.models.resource_type import ResourceType


class TagCondition(Frozen):
    """One tag test of a selection: `operator` is StringEquals, StringLike, StringNotEquals or StringNotLike."""

    operator: str
    key: str  # the tag key, without Conditions' "aws:ResourceTag/" prefix
    value: str


class BackupSelection(Frozen):
    """One resource assignment of a plan (GetBackupSelection's BackupSelection)."""

    name: str
    selection_id: str
    resources: list[str] = Field(default_factory=list)  # ARNs, `*` wildcards allowed
    not_resources: list[str] = Field(default_factory=list)
    list_of_tags: list[TagCondition] = Field(default_factory=list)  # any one selects (OR)
    conditions: list[TagCondition] = Field(default_factory=list)  # all must hold (AND)


class BackupPlan(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::Backup::BackupPlan", slice="backup_plans", service="backup", regional=True,
        arn=("backup", "backup-plan"), asff_type="AwsBackupBackupPlan",
        operations=("backup:ListBackupPlans", "backup:ListBackupSelections", "backup:GetBackupSelection",
                    "backup:ListTags"),
    )

    plan_id: str
    selections: list[BackupSelection] | Unknown


class BackupVault(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::Backup::BackupVault", slice="backup_vaults", service="backup", regional=True,
        arn=("backup", "backup-vault"), asff_type="AwsBackupBackupVault",
        operations=("backup:ListBackupVaults", "backup:ListTags"),
    )

    encryption_key_arn: str | None = None
    locked: bool = False
    min_retention_days: int | None = None


class BackupRegionCoverage(AwsResource):
    """What AWS Backup protects in one region: one per region, whether or not Backup is used there.

    Its ARN, `arn:aws:backup:<region>:<account>:protected-resources/<region>`, is cardaudit's name, not an AWS
    ARN.
    """

    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::Backup::ProtectedResources", slice="backup_coverage", service="backup", regional=True,
        arn=("backup", "protected-resources"),
        operations=("backup:ListProtectedResources", "backup:DescribeRegionSettings"),
    )

    # ARN -> the time of its last recovery point (ListProtectedResources).
    protected: dict[str, datetime | None] | Unknown
    # DescribeRegionSettings' ResourceTypeOptInPreference: a type left out or false is not backed up
    # in this region, whatever a plan assigns.
    opt_in: dict[str, bool] | Unknown

    @property
    def aws_managed(self) -> bool:
        """AWS Backup's own record of the region, not something a team creates."""
        return True
