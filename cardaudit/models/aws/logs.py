"""CloudWatch Logs: log groups (retention, encryption at rest) and the metric filters on them."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from cardaudit.models.aws.resource import AwsResource
from cardaudit.models.base import Frozen
from cardaudit.models.resource_type import ResourceType


class LogGroup(AwsResource):
    """A log group; `arn` is the group's ARN without the `:*` suffix DescribeLogGroups' `arn` carries."""

    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::Logs::LogGroup", slice="logs_log_groups", service="logs", regional=True,
        arn=("logs", "log-group"),
        iac_name_types=("aws:cloudwatch/logGroup:LogGroup", "aws_cloudwatch_log_group"),
        operations=("logs:DescribeLogGroups", "logs:ListTagsForResource"),
    )

    retention_days: int | None = None  # None: retentionInDays absent, the events never expire
    kms_key_id: str | None = None  # absent: encrypted with CloudWatch Logs' own keys only


class MetricName(Frozen):
    """A CloudWatch metric by namespace and name (dimensions are not compared)."""

    namespace: str
    name: str


class MetricFilter(AwsResource):
    """A metric filter of one log group.

    Metric filters have no AWS ARN: `arn` is cardaudit's name for one,
    `arn:aws:logs:<region>:<account>:metric-filter:<log group>:<filter name>` (a filter name is
    unique within its log group only).
    """

    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::Logs::MetricFilter", slice="logs_metric_filters", service="logs", regional=True,
        arn=("logs", "metric-filter"),
        operations=("logs:DescribeMetricFilters",),
    )

    log_group: str  # the log group's name, in the filter's region
    pattern: str  # filterPattern, verbatim
    metrics: list[MetricName] = Field(default_factory=list)  # metricTransformations' metrics
