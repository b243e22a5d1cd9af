"""SNS: topics and their encryption at rest."""

from __future__ import annotations

from typing import ClassVar

from cardaudit.models.aws.resource import AwsResource, Unknown
from cardaudit.models.resource_type import ResourceType


class SnsTopic(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::SNS::Topic", slice="sns_topics", service="sns", regional=True,
        arn=("sns", ""), asff_type="AwsSnsTopic",
        operations=("sns:ListTopics", "sns:GetTopicAttributes", "sns:ListTagsForResource"),
    )

    kms_key_id: str | Unknown | None  # KmsMasterKeyId: absent (None) when messages are stored unencrypted
