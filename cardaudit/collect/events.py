"""EventBridge: rules with their schedule and targets."""

from __future__ import annotations

from typing import Any

from cardaudit.collect.api import Api, tag_dict
from cardaudit.models.aws.events import EventRule
from cardaudit.models.aws.resource import AwsResource


def collect_events(api: Api) -> dict[str, list[AwsResource]]:
    def read(rule: dict[str, Any]) -> AwsResource:
        arn = rule["Arn"]
        return EventRule(
            arn=arn, account=api.account, region=api.region, name=rule["Name"],
            tags=api.detail("list_tags_for_resource", lambda r: tag_dict(r.get("Tags")), ResourceARN=arn),
            state=rule.get("State", ""), schedule=rule.get("ScheduleExpression"),
            targets=api.detail("list_targets_by_rule", lambda r: [t["Arn"] for t in r.get("Targets", [])],
                               Rule=rule["Name"], EventBusName=rule.get("EventBusName", "default")),
        )

    return {"events_rules": api.each(read, api.pages("list_rules", "Rules"))}
