"""DynamoDB: tables with their encryption key, point-in-time recovery and tags."""

from __future__ import annotations

from typing import Any

from cardaudit.collect.api import Api, tag_dict
from cardaudit.models.aws.dynamodb import DynamoDbTable, TableEncryption
from cardaudit.models.aws.resource import AwsResource, Unknown


def _encryption(resp: dict[str, Any]) -> TableEncryption:
    sse = resp["Table"].get("SSEDescription") or {}
    return TableEncryption(sse_type=sse.get("SSEType"), status=sse.get("Status"),
                           kms_key_arn=sse.get("KMSMasterKeyArn"))


def _pitr(resp: dict[str, Any]) -> bool:
    pitr = resp["ContinuousBackupsDescription"].get("PointInTimeRecoveryDescription") or {}
    return pitr.get("PointInTimeRecoveryStatus") == "ENABLED"


def collect_dynamodb(api: Api) -> dict[str, list[AwsResource]]:
    def read(name: str) -> AwsResource:
        # The ARN is needed for the tags; DescribeTable gives it, and it has one shape when that is denied.
        arn = f"arn:aws:dynamodb:{api.region}:{api.account}:table/{name}"
        described = api.detail("describe_table", lambda r: r, TableName=name)
        encryption: TableEncryption | Unknown
        if isinstance(described, Unknown):
            encryption = described
        else:
            arn = str(described["Table"].get("TableArn") or arn)
            encryption = _encryption(described)
        return DynamoDbTable(
            arn=arn, account=api.account, region=api.region, name=name,
            tags=api.detail("list_tags_of_resource", lambda r: tag_dict(r.get("Tags")), ResourceArn=arn),
            encryption=encryption,
            point_in_time_recovery=api.detail("describe_continuous_backups", _pitr, TableName=name),
        )

    return {"dynamodb_tables": api.each(read, api.pages("list_tables", "TableNames"))}
