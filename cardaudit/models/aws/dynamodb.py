"""DynamoDB: tables with the key that encrypts them at rest and point-in-time recovery."""

from __future__ import annotations

from typing import ClassVar

from cardaudit.models.aws.resource import AwsResource, Unknown
from cardaudit.models.base import Frozen
from cardaudit.models.resource_type import ResourceType


class TableEncryption(Frozen):
    """DescribeTable's SSEDescription; all None when it is absent: the AWS owned key, DynamoDB's default."""

    sse_type: str | None = None  # "KMS": an AWS managed or customer managed key in the account
    status: str | None = None  # ENABLED, ENABLING, DISABLED, DISABLING, UPDATING
    kms_key_arn: str | None = None  # KMSMasterKeyArn


class DynamoDbTable(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::DynamoDB::Table", slice="dynamodb_tables", service="dynamodb", regional=True,
        arn=("dynamodb", "table"), asff_type="AwsDynamoDbTable",
        iac_name_types=("aws:dynamodb/table:Table", "aws_dynamodb_table"),
        operations=("dynamodb:ListTables", "dynamodb:DescribeTable", "dynamodb:DescribeContinuousBackups",
                    "dynamodb:ListTagsOfResource"),
    )

    encryption: TableEncryption | Unknown
    point_in_time_recovery: bool | Unknown
