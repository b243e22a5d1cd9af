"""SQS: queues and their encryption at rest."""

from __future__ import annotations

from cardaudit.collect.api import Api
from cardaudit.models.aws.resource import AwsResource
from cardaudit.models.aws.sqs import SqsQueue


def collect_sqs(api: Api) -> dict[str, list[AwsResource]]:
    def read(url: str) -> AwsResource:
        attrs = api.call("get_queue_attributes", QueueUrl=url, AttributeNames=["All"]).get("Attributes", {})
        return SqsQueue(
            arn=attrs.get("QueueArn", url), account=api.account, region=api.region, name=url.rsplit("/", 1)[-1],
            tags=api.detail("list_queue_tags", lambda r: dict(r.get("Tags", {})), QueueUrl=url),
            url=url, kms_key_id=attrs.get("KmsMasterKeyId"),
            sqs_managed_sse=attrs.get("SqsManagedSseEnabled") == "true",
        )

    return {"sqs_queues": api.each(read, api.pages("list_queues", "QueueUrls"))}
