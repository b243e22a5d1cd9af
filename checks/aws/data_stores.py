"""RDS, SQS and Secrets Manager: encryption at rest, exposure, and rotation of stored secrets."""

from __future__ import annotations

from collections.abc import Iterator

from cardaudit.engine.registry import check
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.models.inventory import RdsInstance, Secret, SqsQueue


@check(
    title="RDS database instances encrypt their storage",
    severity=Severity.HIGH, category="encryption", resource_type="AWS::RDS::DBInstance", needs=("rds_instances",),
)
def rds_instance_storage_encrypted(instances: list[RdsInstance]) -> Iterator[Result]:
    """What it checks:
    Each RDS DB instance has storage encryption on (`StorageEncrypted`).

    Why it matters:
    Unencrypted storage, snapshots and replicas expose stored account data to anyone who
    obtains the volumes or a shared snapshot.

    How to fix:
    Encryption cannot be turned on in place: snapshot the instance, copy the snapshot with a
    KMS key, restore from the encrypted copy and switch over.
    """
    for db in instances:
        if db.storage_encrypted:
            yield Result.passed(db.ref(), "storage is encrypted", kms_key=db.kms_key_id)
        else:
            yield Result.failed(db.ref(), "storage is not encrypted", engine=db.engine)


@check(
    title="RDS database instances are not reachable from the internet",
    severity=Severity.HIGH, category="network", resource_type="AWS::RDS::DBInstance", needs=("rds_instances",),
)
def rds_instance_not_publicly_accessible(instances: list[RdsInstance]) -> Iterator[Result]:
    """What it checks:
    No RDS DB instance has `PubliclyAccessible` set, which gives it a public DNS name and IP.

    Why it matters:
    A database holding account data must not be directly reachable from untrusted networks;
    one security-group mistake away from the internet is too close.

    How to fix:
    `aws rds modify-db-instance --no-publicly-accessible --apply-immediately`, and keep the
    instance in private subnets.
    """
    for db in instances:
        if db.publicly_accessible:
            yield Result.failed(db.ref(), "PubliclyAccessible is true", engine=db.engine)
        else:
            yield Result.passed(db.ref(), "not publicly accessible")


@check(
    title="SQS queues encrypt messages at rest",
    severity=Severity.MEDIUM, category="encryption", resource_type="AWS::SQS::Queue", needs=("sqs_queues",),
)
def sqs_queue_encrypted(queues: list[SqsQueue]) -> Iterator[Result]:
    """What it checks:
    Each queue uses SSE-KMS (a KMS key) or SQS-managed server-side encryption.

    Why it matters:
    Card events and settlement messages sit in queues for up to 14 days; unencrypted, they are
    stored in clear on the service side.

    How to fix:
    Set `KmsMasterKeyId` (preferred: key policy and CloudTrail records of use) or
    `SqsManagedSseEnabled=true` with `set-queue-attributes`.
    """
    for queue in queues:
        if queue.kms_key_id:
            yield Result.passed(queue.ref(), "SSE-KMS", kms_key=queue.kms_key_id)
        elif queue.sqs_managed_sse:
            yield Result.passed(queue.ref(), "SQS-managed SSE")
        else:
            yield Result.failed(queue.ref(), "messages are not encrypted at rest")


@check(
    title="Secrets Manager secrets rotate automatically",
    severity=Severity.MEDIUM, category="identity", resource_type="AWS::SecretsManager::Secret", needs=("secrets",),
)
def secretsmanager_secret_rotation_enabled(secrets: list[Secret]) -> Iterator[Result]:
    """What it checks:
    Each secret has automatic rotation configured.

    Why it matters:
    Database and service credentials are shared system-account passwords; without rotation a
    leaked one stays valid indefinitely.

    How to fix:
    Attach a rotation function and schedule (`aws secretsmanager rotate-secret --rotation-rules
    ScheduleExpression=...`), for example the AWS-provided RDS rotation templates.
    """
    for secret in secrets:
        if secret.rotation_enabled:
            yield Result.passed(secret.ref(), "automatic rotation is configured")
        else:
            yield Result.failed(secret.ref(), "automatic rotation is not configured")
