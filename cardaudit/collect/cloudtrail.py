"""CloudTrail: trails whose home is this region, with their logging status."""

from __future__ import annotations

from cardaudit.collect.api import Api, tag_dict
from cardaudit.models.inventory import AwsResource, Trail


def collect_cloudtrail(api: Api) -> dict[str, list[AwsResource]]:
    trails: list[AwsResource] = []
    # A multi-region trail shows up in every region as a "shadow"; so does an organization trail
    # in member accounts, where it is the only trail. Shadows are included, and each trail is kept
    # once: by the collection of its home region.
    for t in api.call("describe_trails", includeShadowTrails=True).get("trailList", []):
        if t.get("HomeRegion", api.region) != api.region:
            continue
        arn = t["TrailARN"]
        tags = api.detail(
            "list_tags", lambda r: tag_dict((r.get("ResourceTagList") or [{}])[0].get("TagsList")),
            ResourceIdList=[arn],
        )
        trails.append(Trail(
            arn=arn, account=api.account, region=t.get("HomeRegion", api.region), name=t["Name"], tags=tags,
            home_region=t.get("HomeRegion", api.region),
            multi_region=bool(t.get("IsMultiRegionTrail", False)),
            log_file_validation=bool(t.get("LogFileValidationEnabled", False)),
            include_global_events=bool(t.get("IncludeGlobalServiceEvents", False)),
            organization_trail=bool(t.get("IsOrganizationTrail", False)),
            is_logging=api.detail("get_trail_status", lambda r: bool(r.get("IsLogging", False)), Name=arn),
            s3_bucket=t.get("S3BucketName"), kms_key_id=t.get("KmsKeyId"),
            cloudwatch_logs_group_arn=t.get("CloudWatchLogsLogGroupArn"),
        ))
    return {"cloudtrail_trails": trails}
