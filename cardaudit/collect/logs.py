"""CloudWatch Logs: log groups, and the metric filters on them (two lists, read apart)."""

from __future__ import annotations

from typing import Any

from cardaudit.collect.api import Api
from cardaudit.models.aws.logs import LogGroup, MetricFilter, MetricName
from cardaudit.models.aws.resource import AwsResource


def collect_log_groups(api: Api) -> dict[str, list[AwsResource]]:
    def read(group: dict[str, Any]) -> AwsResource:
        # `arn` ends in `:*`; `logGroupArn` (given since 2023) is the one tags and IAM policies use.
        arn = str(group.get("logGroupArn") or str(group["arn"]).removesuffix(":*"))
        return LogGroup(
            arn=arn, account=api.account, region=api.region, name=group["logGroupName"],
            tags=api.detail("list_tags_for_resource", lambda r: dict(r.get("tags") or {}), resourceArn=arn),
            retention_days=group.get("retentionInDays"), kms_key_id=group.get("kmsKeyId"),
        )

    return {"logs_log_groups": api.each(read, api.pages("describe_log_groups", "logGroups"))}


def collect_metric_filters(api: Api) -> dict[str, list[AwsResource]]:
    # One paginated list per region, every log group's filters at once.
    filters: list[AwsResource] = []
    for f in api.pages("describe_metric_filters", "metricFilters"):
        group, name = str(f["logGroupName"]), str(f["filterName"])
        filters.append(MetricFilter(
            arn=f"arn:aws:logs:{api.region}:{api.account}:metric-filter:{group}:{name}",
            account=api.account, region=api.region, name=name, log_group=group,
            pattern=str(f.get("filterPattern") or ""),
            metrics=[MetricName(namespace=str(m["metricNamespace"]), name=str(m["metricName"]))
                     for m in f.get("metricTransformations") or []],
        ))
    return {"logs_metric_filters": filters}
