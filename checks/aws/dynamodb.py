"""DynamoDB tables: encryption under a KMS key of the account, and point-in-time recovery."""

from __future__ import annotations

from collections.abc import Iterator

from cardaudit.engine.registry import check
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.models.inventory import DynamoDbTable, Unknown

# SSE states in which the table is no longer (or not yet) under its KMS key.
_SSE_OFF = frozenset({"DISABLED", "DISABLING"})


@check(
    title="DynamoDB tables encrypt data at rest with a KMS key of the account",
    severity=Severity.MEDIUM, category="encryption", resource_type="AWS::DynamoDB::Table",
    needs=("dynamodb_tables",),
)
def dynamodb_table_kms_encrypted(tables: list[DynamoDbTable]) -> Iterator[Result]:
    """What it checks:
    Each table is encrypted at rest with a KMS key in the account: a customer managed key or the
    AWS managed key `aws/dynamodb` (DescribeTable `SSEDescription.SSEType` KMS). The AWS owned
    key, which every table gets by default (no `SSEDescription`), is reported as a FAIL with that
    reason: it is the same rule as for S3 buckets on SSE-S3 and SQS queues on SQS-managed keys.

    Why it matters:
    Card tokens, PAN vault entries and session data often sit in DynamoDB. Under the AWS owned
    key the encryption is transparent to anyone allowed to read the table: no key policy of the
    account restricts decryption and CloudTrail records no use of the key, which is what
    protecting stored account data with managed keys expects.

    How to fix:
    `aws dynamodb update-table --table-name <table> --sse-specification
    Enabled=true,SSEType=KMS,KMSMasterKeyId=<key>` with a customer managed key whose policy names
    the applications that use the table (omit the key for `aws/dynamodb`).
    """
    for table in tables:
        sse = table.encryption
        if isinstance(sse, Unknown):
            yield Result.not_assessed(table.ref(), f"the table could not be described ({sse.reason})")
        elif sse.sse_type == "KMS" and sse.status not in _SSE_OFF:
            yield Result.passed(table.ref(), "SSE-KMS", kms_key=sse.kms_key_arn, sse_status=sse.status)
        elif sse.sse_type == "KMS":
            yield Result.failed(table.ref(), f"KMS encryption is {sse.status}: the table falls back to the AWS "
                                             "owned key", sse_status=sse.status)
        else:
            yield Result.failed(table.ref(), "AWS owned key only: decryption is not governed by a key policy of "
                                             "the account", sse_type=sse.sse_type or "AWS_OWNED")


@check(
    title="DynamoDB tables have point-in-time recovery enabled",
    severity=Severity.MEDIUM, category="resilience", resource_type="AWS::DynamoDB::Table",
    needs=("dynamodb_tables",),
)
def dynamodb_table_point_in_time_recovery(tables: list[DynamoDbTable]) -> Iterator[Result]:
    """What it checks:
    Each table has point-in-time recovery enabled (DescribeContinuousBackups
    `PointInTimeRecoveryStatus` ENABLED).

    Why it matters:
    Point-in-time recovery keeps continuous backups of a table for up to 35 days, so that a table
    damaged by a faulty deployment, a deleted item set or a compromise can be restored to the
    second before it happened. Without it the only copies are on-demand or AWS Backup ones, if any,
    and recovery after an incident may lose the card data written since.

    How to fix:
    `aws dynamodb update-continuous-backups --table-name <table>
    --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true`.
    """
    for table in tables:
        pitr = table.point_in_time_recovery
        if isinstance(pitr, Unknown):
            yield Result.not_assessed(table.ref(), f"continuous backups could not be read ({pitr.reason})")
        elif pitr:
            yield Result.passed(table.ref(), "point-in-time recovery is enabled")
        else:
            yield Result.failed(table.ref(), "point-in-time recovery is disabled")
