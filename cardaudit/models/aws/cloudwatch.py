"""CloudWatch: metric alarms, with the metrics they watch and whether they act."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from cardaudit.models.aws.logs import MetricName
from cardaudit.models.aws.resource import AwsResource
from cardaudit.models.resource_type import ResourceType


class MetricAlarm(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::CloudWatch::Alarm", slice="cloudwatch_alarms", service="cloudwatch", regional=True,
        arn=("cloudwatch", "alarm"), asff_type="AwsCloudWatchAlarm",
        iac_name_types=("aws:cloudwatch/metricAlarm:MetricAlarm", "aws_cloudwatch_metric_alarm"),
        # CloudWatch signs its requests as `monitoring`; IAM names the actions `cloudwatch:`.
        operations=("monitoring:DescribeAlarms", "monitoring:ListTagsForResource"),
        iam_actions=(("monitoring:DescribeAlarms", "cloudwatch:DescribeAlarms"),
                     ("monitoring:ListTagsForResource", "cloudwatch:ListTagsForResource")),
    )

    # The metric of a single-metric alarm, or every metric of a metric-math alarm's `Metrics`.
    metrics: list[MetricName] = Field(default_factory=list)
    actions_enabled: bool = False
    alarm_actions: list[str] = Field(default_factory=list)  # ARNs notified on ALARM (SNS topics, ...)
    state: str | None = None
    comparison: str | None = None
    threshold: float | None = None
