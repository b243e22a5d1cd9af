"""CloudWatch: metric alarms, the metrics they watch and the actions they take."""

from __future__ import annotations

from typing import Any

from cardaudit.collect.api import Api, tag_dict
from cardaudit.models.aws.cloudwatch import MetricAlarm
from cardaudit.models.aws.logs import MetricName
from cardaudit.models.aws.resource import AwsResource


def _metrics(alarm: dict[str, Any]) -> list[MetricName]:
    """The alarm's metric, or each metric its metric-math expression reads."""
    if alarm.get("MetricName"):
        return [MetricName(namespace=str(alarm.get("Namespace", "")), name=str(alarm["MetricName"]))]
    out: list[MetricName] = []
    for query in alarm.get("Metrics") or []:
        metric = (query.get("MetricStat") or {}).get("Metric") or {}
        if metric.get("MetricName"):
            out.append(MetricName(namespace=str(metric.get("Namespace", "")), name=str(metric["MetricName"])))
    return out


def collect_cloudwatch(api: Api) -> dict[str, list[AwsResource]]:
    def read(alarm: dict[str, Any]) -> AwsResource:
        arn = str(alarm["AlarmArn"])
        threshold = alarm.get("Threshold")
        return MetricAlarm(
            arn=arn, account=api.account, region=api.region, name=alarm["AlarmName"],
            tags=api.detail("list_tags_for_resource", lambda r: tag_dict(r.get("Tags")), ResourceARN=arn),
            metrics=_metrics(alarm), actions_enabled=bool(alarm.get("ActionsEnabled", False)),
            alarm_actions=[str(a) for a in alarm.get("AlarmActions") or []],
            state=alarm.get("StateValue"), comparison=alarm.get("ComparisonOperator"),
            threshold=float(threshold) if threshold is not None else None,
        )

    # Metric alarms only (the default AlarmTypes): composite alarms watch other alarms, not metrics.
    return {"cloudwatch_alarms": api.each(read, api.pages("describe_alarms", "MetricAlarms"))}
