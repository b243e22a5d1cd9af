"""SNS topics: encryption at rest under a KMS key."""

from __future__ import annotations

from collections.abc import Iterator

from cardaudit.engine.registry import check
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.models.inventory import SnsTopic, Unknown


@check(
    title="SNS topics encrypt messages at rest with a KMS key",
    severity=Severity.LOW, category="encryption", resource_type="AWS::SNS::Topic", needs=("sns_topics",),
)
def sns_topic_kms_encrypted(topics: list[SnsTopic]) -> Iterator[Result]:
    """What it checks:
    Each topic encrypts messages at rest with a KMS key (GetTopicAttributes `KmsMasterKeyId`), a
    customer managed key or the AWS managed key `alias/aws/sns`. SNS has no default encryption: a
    topic without a key stores messages in clear until they are delivered.

    Why it matters:
    Topics fan out card events, alarms and notifications that may quote account data (a masked
    PAN, a cardholder name, a transaction). Messages wait on SNS's disks until every subscriber
    has them; encryption under a key of the account keeps them unreadable there and puts their
    decryption under a key policy.

    How to fix:
    `aws sns set-topic-attributes --topic-arn <topic> --attribute-name KmsMasterKeyId
    --attribute-value <key>`; with a customer managed key, let the publishing services
    (CloudWatch, EventBridge) use it in the key policy.
    """
    for topic in topics:
        key = topic.kms_key_id
        if isinstance(key, Unknown):
            yield Result.not_assessed(topic.ref(), f"the topic attributes could not be read ({key.reason})")
        elif key:
            yield Result.passed(topic.ref(), "SSE-KMS", kms_key=key)
        else:
            yield Result.failed(topic.ref(), "messages are not encrypted at rest")
