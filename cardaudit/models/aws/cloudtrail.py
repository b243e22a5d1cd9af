"""CloudTrail: trails with their logging status and what their event selectors record.

`GetEventSelectors` answers in one of two shapes, classic `EventSelectors` or
`AdvancedEventSelectors`; the collector reads both into one typed `EventSelection`, keeping what
narrows each selector (a read/write restriction, excluded event sources, other conditions) instead
of summarising it away. Checks judge the selection; the collector never decides what is enough.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from cardaudit.models.aws.resource import AwsResource, Unknown
from cardaudit.models.base import Frozen
from cardaudit.models.resource_type import ResourceType


class ManagementEvents(Frozen):
    """The management events one selector records."""

    selector: str  # the advanced selector's name, or "EventSelectors[0]", or "default"
    read: bool
    write: bool
    # Event sources whose management events this selector leaves out (classic
    # ExcludeManagementEventSources; advanced `eventSource NotEquals`), e.g. kms.amazonaws.com.
    excluded_sources: list[str] = Field(default_factory=list)
    # Any other condition of the selector, as text ("eventName StartsWith ['Describe']"): with
    # one, the selector records only some management events.
    narrowed_by: list[str] = Field(default_factory=list)


class ArnCondition(Frozen):
    """Conditions on the ARN of the resource an event touches; all empty means every resource.

    Classic selectors' S3 values are prefixes (`starts_with`), Lambda and DynamoDB values exact
    ARNs (`equals`); the "all resources" values (`arn:aws:s3`, `arn:aws:lambda`...) leave it empty.
    An event matches when it matches one of the positive lists (if any is given) and none of the
    negative ones.
    """

    equals: list[str] = Field(default_factory=list)
    starts_with: list[str] = Field(default_factory=list)
    ends_with: list[str] = Field(default_factory=list)
    not_equals: list[str] = Field(default_factory=list)
    not_starts_with: list[str] = Field(default_factory=list)
    not_ends_with: list[str] = Field(default_factory=list)

    @property
    def all_resources(self) -> bool:
        return not (self.equals or self.starts_with or self.ends_with or self.not_equals
                    or self.not_starts_with or self.not_ends_with)


class DataEvents(Frozen):
    """The data events one selector records for one resource type (AWS::S3::Object, ...)."""

    selector: str
    resource_type: str
    read: bool
    write: bool
    arns: ArnCondition = Field(default_factory=ArnCondition)
    narrowed_by: list[str] = Field(default_factory=list)  # eventName, eventSource, userIdentity.arn ...


class EventSelection(Frozen):
    """What a trail's event selectors record, as GetEventSelectors described them.

    - `classic` / `advanced`: the selectors the trail has.
    - `default`: GetEventSelectors returned no selector and DescribeTrails says the trail has no
      custom selectors (`HasCustomEventSelectors: false`): the AWS default, every read and write
      management event and no data event. (AWS itself answers with that default selector; moto
      answers with empty lists.)
    - `none`: no selector at all while the trail claims custom ones, or does not say: an event is
      logged only when it matches a selector, so nothing is recorded.
    """

    kind: Literal["classic", "advanced", "default", "none"]
    management: list[ManagementEvents] = Field(default_factory=list)
    data: list[DataEvents] = Field(default_factory=list)
    # Selectors cardaudit does not interpret (network activity events, unknown categories), as text.
    ignored: list[str] = Field(default_factory=list)


class Trail(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::CloudTrail::Trail", slice="cloudtrail_trails", service="cloudtrail", regional=True,
        arn=("cloudtrail", "trail"), asff_type="AwsCloudTrailTrail",
        iac_name_types=("aws:cloudtrail/trail:Trail",),
        operations=("cloudtrail:DescribeTrails", "cloudtrail:ListTags", "cloudtrail:GetTrailStatus",
                    "cloudtrail:GetEventSelectors"),
    )

    home_region: str
    multi_region: bool
    log_file_validation: bool
    include_global_events: bool
    organization_trail: bool = False
    is_logging: bool | Unknown
    # An inventory saved before selectors were read has none: Unknown, never "all events".
    events: EventSelection | Unknown = Field(default_factory=lambda: Unknown(
        operation="cloudtrail:GetEventSelectors", code="NotCollected",
        message="this inventory was saved before cardaudit read event selectors"))
    s3_bucket: str | None = None
    kms_key_id: str | None = None
    cloudwatch_logs_group_arn: str | None = None
    cloudwatch_logs_role_arn: str | None = None
    # GetTrailStatus LatestCloudWatchLogsDeliveryError: None when the last delivery succeeded or none
    # was configured. An inventory saved before it was read has it Unknown, never "no error".
    cloudwatch_logs_delivery_error: str | Unknown | None = Field(default_factory=lambda: Unknown(
        operation="cloudtrail:GetTrailStatus", code="NotCollected",
        message="this inventory was saved before cardaudit read CloudWatch Logs delivery errors"))
