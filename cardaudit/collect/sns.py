"""SNS: topics with their encryption key and tags."""

from __future__ import annotations

from cardaudit.collect.api import Api, tag_dict
from cardaudit.models.aws.resource import AwsResource
from cardaudit.models.aws.sns import SnsTopic


def collect_sns(api: Api) -> dict[str, list[AwsResource]]:
    def read(topic: dict[str, str]) -> AwsResource:
        arn = topic["TopicArn"]
        return SnsTopic(
            arn=arn, account=api.account, region=api.region, name=arn.rsplit(":", 1)[-1],
            tags=api.detail("list_tags_for_resource", lambda r: tag_dict(r.get("Tags")), ResourceArn=arn),
            kms_key_id=api.detail("get_topic_attributes", lambda r: r["Attributes"].get("KmsMasterKeyId") or None,
                                  TopicArn=arn),
        )

    return {"sns_topics": api.each(read, api.pages("list_topics", "Topics"))}
