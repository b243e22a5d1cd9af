"""SQS queues: encryption at rest."""

from __future__ import annotations

from collections.abc import Iterator

from cardaudit.engine.registry import check
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.models.inventory import SqsQueue


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
