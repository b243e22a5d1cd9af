"""EFS file systems: encryption at rest, and backups."""

from __future__ import annotations

from collections.abc import Iterator

from cardaudit.engine.registry import check
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.models.inventory import BackupRegionCoverage, EfsFileSystem, Unknown

# Automatic backups are on, or being switched on.
_BACKUP_ON = frozenset({"ENABLED", "ENABLING"})


@check(
    title="EFS file systems are encrypted at rest",
    severity=Severity.MEDIUM, category="encryption", resource_type="AWS::EFS::FileSystem",
    needs=("efs_file_systems",),
)
def efs_file_system_encrypted(file_systems: list[EfsFileSystem]) -> Iterator[Result]:
    """What it checks:
    Each file system is encrypted at rest (DescribeFileSystems `Encrypted`). EFS always encrypts
    with a KMS key of the account, the AWS managed `aws/elasticfilesystem` or a customer managed
    one, so this is the same rule as for the other stores.

    Why it matters:
    Shared file systems hold batch inputs and outputs, settlement files and exports that may
    contain PAN. Unencrypted, they are stored in clear on AWS's disks and in every backup made
    from them.

    How to fix:
    Encryption at rest can only be chosen when a file system is created: create an encrypted file
    system (`aws efs create-file-system --encrypted --kms-key-id <key>`), copy the data with AWS
    DataSync or a restore from AWS Backup, move the mount targets, and delete the old one.
    """
    for fs in file_systems:
        if fs.encrypted:
            yield Result.passed(fs.ref(), "encrypted at rest", kms_key=fs.kms_key_id)
        else:
            yield Result.failed(fs.ref(), "not encrypted at rest")


@check(
    title="EFS file systems are backed up",
    severity=Severity.MEDIUM, category="resilience", resource_type="AWS::EFS::FileSystem",
    needs=("efs_file_systems", "backup_coverage"),
)
def efs_file_system_backup_enabled(file_systems: list[EfsFileSystem],
                                   coverage: list[BackupRegionCoverage]) -> Iterator[Result]:
    """What it checks:
    Each file system has automatic backups on (DescribeBackupPolicy `Status` ENABLED), or AWS Backup
    holds a recovery point of it (ListProtectedResources), for instance from a backup plan of your
    own. A file system with neither FAILs; one that only a plan assigns but that has no recovery
    point yet FAILs too, since no backup exists.

    Why it matters:
    A file system deleted, encrypted by ransomware or overwritten by a faulty job can only be
    brought back from a backup; without one the files and the card data in them are lost, and
    recovery after an incident cannot be carried out as planned.

    How to fix:
    `aws efs put-backup-policy --file-system-id <fs> --backup-policy Status=ENABLED` (daily backups
    to the default vault, kept 35 days), or assign the file system to a backup plan of your own.
    """
    regions = {(c.account, c.region): c for c in coverage}
    for fs in file_systems:
        policy = fs.backup_policy
        if not isinstance(policy, Unknown) and policy in _BACKUP_ON:
            yield Result.passed(fs.ref(), f"automatic backups are {policy.lower()}", backup_policy=policy)
            continue
        region = regions.get((fs.account, fs.region))
        protected = region.protected if region is not None else None
        if isinstance(protected, dict) and fs.arn in protected:
            yield Result.passed(fs.ref(), "AWS Backup holds recovery points of it",
                                last_backup=str(protected[fs.arn]) if protected[fs.arn] else None)
        elif isinstance(policy, Unknown):
            yield Result.not_assessed(fs.ref(), f"the backup policy could not be read ({policy.reason})")
        elif isinstance(protected, Unknown):
            yield Result.not_assessed(fs.ref(), f"automatic backups are off, and whether AWS Backup holds recovery "
                                                f"points of it is unknown ({protected.reason})", backup_policy=policy)
        elif protected is None:
            yield Result.not_assessed(fs.ref(), "automatic backups are off, and AWS Backup was not read in its region",
                                      backup_policy=policy)
        else:
            yield Result.failed(fs.ref(), "automatic backups are off and AWS Backup holds no recovery point of it",
                                backup_policy=policy)
