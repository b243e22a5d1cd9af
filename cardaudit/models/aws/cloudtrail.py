"""CloudTrail: trails with their logging status."""

from __future__ import annotations

from typing import ClassVar

from cardaudit.models.aws.resource import AwsResource, Unknown
from cardaudit.models.resource_type import ResourceType


class Trail(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::CloudTrail::Trail", slice="cloudtrail_trails", service="cloudtrail", regional=True,
        arn=("cloudtrail", "trail"), asff_type="AwsCloudTrailTrail",
        iac_name_types=("aws:cloudtrail/trail:Trail",),
        operations=("cloudtrail:DescribeTrails", "cloudtrail:ListTags", "cloudtrail:GetTrailStatus"),
    )

    home_region: str
    multi_region: bool
    log_file_validation: bool
    include_global_events: bool
    organization_trail: bool = False
    is_logging: bool | Unknown
    s3_bucket: str | None = None
    kms_key_id: str | None = None
    cloudwatch_logs_group_arn: str | None = None
