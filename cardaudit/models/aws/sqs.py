"""SQS: queues and their encryption at rest."""

from __future__ import annotations

from typing import ClassVar

from cardaudit.models.aws.resource import AwsResource
from cardaudit.models.resource_type import ResourceType


class SqsQueue(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::SQS::Queue", slice="sqs_queues", service="sqs", regional=True,
        arn=("sqs", ""), asff_type="AwsSqsQueue",
        operations=("sqs:ListQueues", "sqs:GetQueueAttributes", "sqs:ListQueueTags"),
    )

    url: str
    kms_key_id: str | None = None
    sqs_managed_sse: bool = False
