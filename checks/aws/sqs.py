"""SQS queues: encryption at rest under a key the account controls."""

from __future__ import annotations

from collections.abc import Iterator

from cardaudit.engine.registry import check
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.models.inventory import SqsQueue


@check(
    title="SQS queues encrypt messages at rest with a KMS key",
    severity=Severity.MEDIUM, category="encryption", resource_type="AWS::SQS::Queue", needs=("sqs_queues",),
    aliases=("sqs_queue_encrypted",),
)
def sqs_queue_kms_encrypted(queues: list[SqsQueue]) -> Iterator[Result]:
    """What it checks:
    Each queue encrypts messages at rest with a KMS key (`KmsMasterKeyId`). SQS-managed
    server-side encryption, which every new queue gets by default, is reported as a FAIL with
    that reason: it is the same rule as for S3 buckets on SSE-S3.

    Why it matters:
    Card events and settlement messages sit in queues for up to 14 days. With SQS-managed keys
    the encryption is transparent to anyone allowed to receive messages: no key policy of your
    own restricts decryption and no CloudTrail record shows the key's use, which is what
    protecting stored account data with managed keys expects. Without any encryption, messages
    are stored in clear.

    How to fix:
    `aws sqs set-queue-attributes --attributes KmsMasterKeyId=<key>` with a customer managed key
    whose policy names the producers and consumers (set `KmsDataKeyReusePeriodSeconds` to keep
    KMS request costs down).
    """
    for queue in queues:
        if queue.kms_key_id:
            yield Result.passed(queue.ref(), "SSE-KMS", kms_key=queue.kms_key_id)
        elif queue.sqs_managed_sse:
            yield Result.failed(queue.ref(), "SQS-managed keys only: decryption is not governed by a key policy "
                                             "of the account", sqs_managed_sse=True)
        else:
            yield Result.failed(queue.ref(), "messages are not encrypted at rest", sqs_managed_sse=False)
