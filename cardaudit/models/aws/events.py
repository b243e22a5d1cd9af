"""EventBridge: rules, their schedules and targets."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from cardaudit.models.aws.resource import AwsResource, Unknown
from cardaudit.models.resource_type import ResourceType


class EventRule(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::Events::Rule", slice="events_rules", service="events", regional=True,
        arn=("events", "rule"),  # ASFF has no type for rules: "Other"
        operations=("events:ListRules", "events:ListTagsForResource", "events:ListTargetsByRule"),
    )

    state: str
    schedule: str | None = None
    targets: list[str] | Unknown = Field(default_factory=list)
