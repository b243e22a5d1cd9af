"""GuardDuty: the detector of each region, or its absence."""

from __future__ import annotations

from typing import ClassVar

from cardaudit.models.aws.resource import AwsResource, Unknown
from cardaudit.models.resource_type import ResourceType


class GuardDutyDetector(AwsResource):
    """The GuardDuty detector of one region; one resource per region read, detector or not.

    With a detector, `arn` is its ARN (`arn:aws:guardduty:<region>:<account>:detector/<id>`).
    Without one, `arn` is cardaudit's name for the region's GuardDuty setting,
    `arn:aws:guardduty:<region>:<account>:detector/none` (not an AWS ARN). `name` is `guardduty-<region>`
    either way: detector ids are random, and reports of two runs must name the same thing alike.
    """

    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::GuardDuty::Detector", slice="guardduty_detectors", service="guardduty", regional=True,
        arn=("guardduty", "detector"), asff_type="AwsGuardDutyDetector",
        operations=("guardduty:ListDetectors", "guardduty:GetDetector"),
    )

    detector_id: str | None = None  # None: ListDetectors returned no detector in this region
    status: str | Unknown | None = None  # GetDetector Status: ENABLED or DISABLED
    finding_frequency: str | None = None
