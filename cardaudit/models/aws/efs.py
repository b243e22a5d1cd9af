"""EFS: file systems with their encryption at rest and automatic backups."""

from __future__ import annotations

from typing import ClassVar

from cardaudit.models.aws.resource import AwsResource, Unknown
from cardaudit.models.resource_type import ResourceType


class EfsFileSystem(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::EFS::FileSystem", slice="efs_file_systems", service="efs", regional=True,
        arn=("elasticfilesystem", "file-system"),
        # Not the IaC file system types: their id is the file system id, and a file system is named by
        # its Name tag when it has one.
        operations=("elasticfilesystem:DescribeFileSystems", "elasticfilesystem:DescribeBackupPolicy"),
    )

    file_system_id: str
    encrypted: bool
    kms_key_id: str | None = None
    # DescribeBackupPolicy's BackupPolicy.Status: ENABLED, ENABLING, DISABLED, DISABLING; "DISABLED"
    # also when no policy was ever set (PolicyNotFound).
    backup_policy: str | Unknown
