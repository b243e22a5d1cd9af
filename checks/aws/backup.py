"""AWS Backup: every store of card data is backed up, and vaults are encrypted with keys the account governs.

A store holds card data when it carries the tag `pci:cardholder-data=true`, the convention the
CloudTrail data-event check reads. A store is covered when AWS Backup holds a recovery point of it
(ListProtectedResources), or a selection of a backup plan in its region assigns it and the region
has opted in to backing up its resource type (DescribeRegionSettings).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from cardaudit.engine.registry import check
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.models.inventory import (
    AwsResource,
    BackupPlan,
    BackupRegionCoverage,
    BackupSelection,
    BackupVault,
    DynamoDbTable,
    EfsFileSystem,
    KmsKey,
    RdsInstance,
    S3Bucket,
    TagCondition,
    Unknown,
)

from .cloudtrail import CARD_DATA_TAG, CARD_DATA_VALUE
from .kms import find_key


@dataclass(frozen=True)
class _Store:
    """A store as AWS Backup sees it: the ARN it backs up and its name among the region's opt-in types."""

    resource: AwsResource
    arn: str
    backup_type: str


def _store(resource: AwsResource) -> _Store:
    if isinstance(resource, RdsInstance) and resource.cluster:
        # A member of an Aurora or Multi-AZ DB cluster is backed up with its cluster.
        prefix = resource.arn.split(":db:", 1)[0]
        kind = "Aurora" if resource.engine.startswith("aurora") else "RDS"
        return _Store(resource, f"{prefix}:cluster:{resource.cluster}", kind)
    kinds = {RdsInstance: "RDS", S3Bucket: "S3", DynamoDbTable: "DynamoDB", EfsFileSystem: "EFS"}
    return _Store(resource, resource.arn, kinds[type(resource)])


def _like(pattern: str, value: str) -> bool:
    """AWS Backup's wildcard match: `*` is any run of characters, everything else is literal."""
    return re.fullmatch(".*".join(re.escape(part) for part in pattern.split("*")), value) is not None


def _tag_holds(condition: TagCondition, tags: dict[str, str]) -> bool:
    value = tags.get(condition.key)
    operator = condition.operator.lower()
    if operator == "stringequals":
        return value == condition.value
    if operator == "stringlike":
        return value is not None and _like(condition.value, value)
    if operator == "stringnotequals":
        return value != condition.value
    if operator == "stringnotlike":
        return value is None or not _like(condition.value, value)
    return False  # an operator AWS Backup does not define selects nothing


def selects(selection: BackupSelection, arn: str, tags: dict[str, str] | Unknown) -> bool | None:
    """Whether the selection assigns the resource: (Resources or ListOfTags) and Conditions, minus NotResources.

    None when it depends on tags that could not be read. A selection with neither Resources nor
    ListOfTags is taken to assign nothing: never a coverage that cannot be shown.
    """
    if any(_like(pattern, arn) for pattern in selection.not_resources):
        return False
    by_arn = any(_like(pattern, arn) for pattern in selection.resources)
    if isinstance(tags, Unknown):
        if not by_arn and not selection.list_of_tags:
            return False
        return True if by_arn and not selection.conditions else None
    if not (by_arn or any(_tag_holds(c, tags) for c in selection.list_of_tags)):
        return False
    return all(_tag_holds(c, tags) for c in selection.conditions)


def _holds_card_data(resource: AwsResource) -> bool | None:
    if isinstance(resource.tags, Unknown):
        return None
    value: str = resource.tags.get(CARD_DATA_TAG, "")
    return value.strip().lower() == CARD_DATA_VALUE


@check(
    title="Every store of card data is backed up by AWS Backup",
    severity=Severity.MEDIUM, category="resilience", resource_type="AWS::Backup::BackupPlan",
    needs=("backup_plans", "backup_coverage", "rds_instances", "s3_buckets", "dynamodb_tables", "efs_file_systems"),
)
def backup_plan_covers_card_data_stores(
    plans: list[BackupPlan], coverage: list[BackupRegionCoverage], instances: list[RdsInstance],
    buckets: list[S3Bucket], tables: list[DynamoDbTable], file_systems: list[EfsFileSystem],
) -> Iterator[Result]:
    """What it checks:
    Each RDS DB instance, S3 bucket, DynamoDB table and EFS file system tagged
    `pci:cardholder-data=true` (the tag the CloudTrail data-event check reads) is covered by AWS
    Backup: it has recovery points (ListProtectedResources), or a selection of a backup plan in
    its region assigns it (its Resources or ListOfTags, all its Conditions, not its NotResources;
    `*` wildcards as AWS Backup reads them) and the region has opted in to backing up that
    resource type. A member of an Aurora or Multi-AZ DB cluster is judged by its cluster's ARN.
    A store only a plan assigns in a region that does not opt in to its type FAILs, because AWS
    Backup skips it. A store is NOT_ASSESSED when a plan's selections, the region's opt-in or
    protected resources, or (if nothing covers it) its own tags could not be read. Stores without
    the tag get no result; an account with none gets no result.

    Why it matters:
    Card data that is lost to deletion, corruption or ransomware must be recoverable as part of
    responding to an incident; a store that no plan backs up has only what its service keeps on
    its own (automated RDS snapshots, DynamoDB point-in-time recovery, S3 versioning), which a
    compromised account can delete with the store.

    How to fix:
    Assign the store to a backup plan, for example with a selection on the tag itself
    (`aws backup create-backup-selection --backup-plan-id <plan> --backup-selection
    '{"SelectionName":"card-data","IamRoleArn":"<role>","ListOfTags":[{"ConditionType":"STRINGEQUALS",
    "ConditionKey":"pci:cardholder-data","ConditionValue":"true"}]}'`), and opt the region in to the
    resource type (`aws backup update-region-settings`).
    """
    regions = {(c.account, c.region): c for c in coverage}
    for resource in [*instances, *buckets, *tables, *file_systems]:
        card_data = _holds_card_data(resource)
        if card_data is False:
            continue
        yield _judge(_store(resource), card_data, regions.get((resource.account, resource.region)),
                     [p for p in plans if (p.account, p.region) == (resource.account, resource.region)])


def _judge(store: _Store, card_data: bool | None, region: BackupRegionCoverage | None,
           plans: list[BackupPlan]) -> Result:
    ref = store.resource.ref()
    tags = store.resource.tags
    unknown_tags = (f"; whether it holds card data is unknown ({tags.reason})"
                    if isinstance(tags, Unknown) else "")
    if region is None:
        return Result.not_assessed(ref, f"AWS Backup was not read in {store.resource.region}{unknown_tags}")
    if isinstance(region.protected, dict) and store.arn in region.protected:
        last = region.protected[store.arn]
        return Result.passed(ref, f"AWS Backup holds recovery points of it{unknown_tags}",
                             last_backup=str(last) if last else None)
    unknown: list[str] = []
    if isinstance(region.protected, Unknown):
        unknown.append(f"protected resources: {region.protected.reason}")
    assigned: list[str] = []
    for plan in plans:
        if isinstance(plan.selections, Unknown):
            unknown.append(f"plan {plan.name}: {plan.selections.reason}")
            continue
        for selection in plan.selections:
            chosen = selects(selection, store.arn, tags)
            if chosen:
                assigned.append(f"{plan.name}/{selection.name}")
            elif chosen is None:
                unknown.append(f"selection {plan.name}/{selection.name} depends on its tags")
    evidence = {"tag": CARD_DATA_TAG, "backup_type": store.backup_type, "selections": assigned}
    if assigned:
        opt_in = region.opt_in
        if isinstance(opt_in, Unknown):
            return Result.not_assessed(ref, f"assigned by {', '.join(assigned)}, but whether {store.resource.region} "
                                            f"opts in to {store.backup_type} backups is unknown ({opt_in.reason})",
                                       **evidence)
        if opt_in.get(store.backup_type, False):
            return Result.passed(ref, f"assigned by backup plan selection {', '.join(assigned)}{unknown_tags}",
                                 **evidence)
        if card_data is None:
            return Result.not_assessed(ref, f"assigned by {', '.join(assigned)}, but {store.resource.region} does "
                                            f"not opt in to {store.backup_type} backups{unknown_tags}", **evidence)
        return Result.failed(ref, f"assigned by {', '.join(assigned)}, but {store.resource.region} does not opt in "
                                  f"to {store.backup_type} backups, so AWS Backup skips it", **evidence)
    if unknown:
        return Result.not_assessed(ref, f"no readable backup plan assigns it; not read: {'; '.join(unknown)}",
                                   **evidence)
    if card_data is None:
        return Result.not_assessed(ref, f"no backup plan assigns it and AWS Backup holds no recovery point of it"
                                        f"{unknown_tags}", **evidence)
    return Result.failed(ref, f"holds card data ({CARD_DATA_TAG}={CARD_DATA_VALUE}); no backup plan assigns it and "
                              "AWS Backup holds no recovery point of it", **evidence)


@check(
    title="Backup vaults encrypt recovery points with a customer managed KMS key",
    severity=Severity.LOW, category="encryption", resource_type="AWS::Backup::BackupVault",
    needs=("backup_vaults", "kms_keys"),
)
def backup_vault_customer_managed_key(vaults: list[BackupVault], keys: list[KmsKey]) -> Iterator[Result]:
    """What it checks:
    Each vault's encryption key (ListBackupVaults `EncryptionKeyArn`) is a customer managed KMS
    key. A vault on the AWS managed key `aws/backup`, AWS Backup's default, FAILs. A key in another
    account is customer managed by definition.

    Why it matters:
    Backups of S3 buckets, EFS file systems and (with advanced backup) DynamoDB tables are
    encrypted with the vault's key, so they are copies of the card data they protect. The policy
    of `aws/backup` lets any principal of the account that may restore through AWS Backup decrypt
    them; a customer managed key puts restores of card data under a key policy you write, and
    its use apart from the stores' own keys.

    How to fix:
    A vault's key cannot be changed: create a vault with `aws backup create-backup-vault
    --encryption-key-arn <key>`, point the backup plans' rules at it, and retire the old vault once
    its recovery points expire.
    """
    for vault in vaults:
        ref = vault.encryption_key_arn
        if ref is None:
            yield Result.failed(vault.ref(), "encrypted with AWS Backup's default AWS managed key aws/backup")
            continue
        key = find_key(keys, ref, vault.account, vault.region)
        if key is not None and key.aws_managed:
            yield Result.failed(vault.ref(), f"encrypted with the AWS managed key {key.name}", kms_key=ref)
        elif key is not None:
            yield Result.passed(vault.ref(), f"encrypted with the customer managed key {key.name}", kms_key=ref)
        elif ref.startswith("arn:") and ref.split(":")[4] != vault.account:
            yield Result.passed(vault.ref(), "encrypted with a key of another account, which is customer managed",
                                kms_key=ref)
        else:
            yield Result.not_assessed(vault.ref(), f"its KMS key {ref} is not among the keys read in "
                                                   f"{vault.account}/{vault.region}", kms_key=ref)
