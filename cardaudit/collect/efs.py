"""EFS: file systems with their encryption, automatic-backup policy and tags (in the list answer)."""

from __future__ import annotations

from typing import Any

from cardaudit.collect.api import Api, tag_dict
from cardaudit.models.aws.efs import EfsFileSystem
from cardaudit.models.aws.resource import AwsResource

# DescribeBackupPolicy answers PolicyNotFound for a file system that never had a backup policy:
# automatic backups are off.
_NO_POLICY = {"PolicyNotFound": "DISABLED"}


def collect_efs(api: Api) -> dict[str, list[AwsResource]]:
    def read(fs: dict[str, Any]) -> AwsResource:
        fs_id = str(fs["FileSystemId"])
        return EfsFileSystem(
            arn=fs.get("FileSystemArn") or f"arn:aws:elasticfilesystem:{api.region}:{api.account}:file-system/{fs_id}",
            # Named as people name it (the Name tag, which the answer repeats as Name); the id otherwise.
            account=api.account, region=api.region, name=str(fs.get("Name") or fs_id), tags=tag_dict(fs.get("Tags")),
            file_system_id=fs_id, encrypted=bool(fs.get("Encrypted", False)), kms_key_id=fs.get("KmsKeyId"),
            backup_policy=api.detail("describe_backup_policy", lambda r: str(r["BackupPolicy"]["Status"]),
                                     absent=_NO_POLICY, FileSystemId=fs_id),
        )

    return {"efs_file_systems": api.each(read, api.pages("describe_file_systems", "FileSystems"))}
