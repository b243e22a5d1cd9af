"""EFS: file systems with their encryption at rest and automatic backups."""

from __future__ import annotations

from typing import ClassVar

from cardaudit.models.aws.resource import AwsResource, Unknown
from cardaudit.models.resource_type import ResourceType


class EfsFileSystem(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::EFS::FileSystem", slice="efs_file_systems", service="efs", regional=True,
        arn=("elasticfilesystem", "file-system"),
        # A file system is named by its id, which is also its IaC id.
        iac_name_types=("aws:efs/fileSystem:FileSystem", "aws_efs_file_system"),
        operations=("elasticfilesystem:DescribeFileSystems", "elasticfilesystem:DescribeBackupPolicy"),
    )

    file_system_id: str
    encrypted: bool
    kms_key_id: str | None = None
    # DescribeBackupPolicy's BackupPolicy.Status: ENABLED, ENABLING, DISABLED, DISABLING; "DISABLED"
    # also when no policy was ever set (PolicyNotFound).
    backup_policy: str | Unknown
