"""CloudTrail: trails whose home is this region, with their logging status and event selectors."""

from __future__ import annotations

from functools import partial
from typing import Any

from cardaudit.collect.api import Api, tag_dict
from cardaudit.models.aws.cloudtrail import ArnCondition, DataEvents, EventSelection, ManagementEvents
from cardaudit.models.inventory import AwsResource, Trail, Unknown

# Advanced field selectors' operators, and the ArnCondition list each one fills.
_ARN_OPERATORS = {
    "Equals": "equals", "StartsWith": "starts_with", "EndsWith": "ends_with",
    "NotEquals": "not_equals", "NotStartsWith": "not_starts_with", "NotEndsWith": "not_ends_with",
}


def collect_cloudtrail(api: Api) -> dict[str, list[AwsResource]]:
    trails: list[AwsResource] = []
    # A multi-region trail shows up in every region as a "shadow"; so does an organization trail
    # in member accounts, where it is the only trail. Shadows are included, and each trail is kept
    # once: by the collection of its home region, or, when the run does not read its home region
    # (`--regions` without it), by the first region it reads, so the trail is not taken for absent.
    for t in api.call("describe_trails", includeShadowTrails=True).get("trailList", []):
        home = t.get("HomeRegion", api.region)
        unaudited_home = bool(api.audited_regions) and home not in api.audited_regions
        if home != api.region and not (unaudited_home and api.region == api.audited_regions[0]):
            continue
        arn = t["TrailARN"]
        tags = api.detail(
            "list_tags", lambda r: tag_dict((r.get("ResourceTagList") or [{}])[0].get("TagsList")),
            ResourceIdList=[arn],
        )
        custom = t.get("HasCustomEventSelectors")
        # Asked by ARN: from the home region, or for a kept shadow from here, where a refusal is Unknown.
        events = api.detail("get_event_selectors", partial(event_selection, has_custom=custom), TrailName=arn)
        # One GetTrailStatus answer gives both the logging flag and the CloudWatch Logs delivery error.
        status = api.detail("get_trail_status", lambda r: dict[str, Any](r), Name=arn)
        trails.append(Trail(
            arn=arn, account=api.account, region=t.get("HomeRegion", api.region), name=t["Name"], tags=tags,
            home_region=t.get("HomeRegion", api.region),
            multi_region=bool(t.get("IsMultiRegionTrail", False)),
            log_file_validation=bool(t.get("LogFileValidationEnabled", False)),
            include_global_events=bool(t.get("IncludeGlobalServiceEvents", False)),
            organization_trail=bool(t.get("IsOrganizationTrail", False)),
            is_logging=status if isinstance(status, Unknown) else bool(status.get("IsLogging", False)),
            cloudwatch_logs_delivery_error=status if isinstance(status, Unknown) else (
                status.get("LatestCloudWatchLogsDeliveryError") or None),
            events=events,
            s3_bucket=t.get("S3BucketName"), kms_key_id=t.get("KmsKeyId"),
            cloudwatch_logs_group_arn=t.get("CloudWatchLogsLogGroupArn"),
            cloudwatch_logs_role_arn=t.get("CloudWatchLogsRoleArn"),
        ))
    return {"cloudtrail_trails": trails}


def event_selection(resp: dict[str, Any], has_custom: object) -> EventSelection:
    """A GetEventSelectors answer as typed data; `has_custom` is DescribeTrails' HasCustomEventSelectors."""
    classic = resp.get("EventSelectors") or []
    advanced = resp.get("AdvancedEventSelectors") or []
    if not classic and not advanced:
        if has_custom is False:
            return EventSelection(kind="default", management=[ManagementEvents(selector="default", read=True,
                                                                               write=True)])
        return EventSelection(kind="none")
    management: list[ManagementEvents] = []
    data: list[DataEvents] = []
    ignored: list[str] = []
    for i, sel in enumerate(classic):
        _classic(f"EventSelectors[{i}]", sel, management, data)
    for i, sel in enumerate(advanced):
        _advanced(str(sel.get("Name") or f"AdvancedEventSelectors[{i}]"), sel, management, data, ignored)
    # AWS keeps one shape per trail; were both returned, both are read (an event matching any is logged).
    return EventSelection(kind="advanced" if advanced else "classic", management=management, data=data,
                          ignored=ignored)


def _classic(name: str, sel: dict[str, Any], management: list[ManagementEvents], data: list[DataEvents]) -> None:
    rw = sel.get("ReadWriteType", "All")
    read, write = rw in ("ReadOnly", "All"), rw in ("WriteOnly", "All")
    if sel.get("IncludeManagementEvents", True):
        management.append(ManagementEvents(selector=name, read=read, write=write,
                                           excluded_sources=list(sel.get("ExcludeManagementEventSources") or [])))
    for resource in sel.get("DataResources") or []:
        values = [str(v) for v in resource.get("Values") or []]
        if not values:
            continue
        kind = str(resource.get("Type", ""))
        if any(_names_every_resource(v) for v in values):
            arns = ArnCondition()
        elif kind == "AWS::S3::Object":  # bucket/ or bucket/prefix: a prefix of the object ARNs
            arns = ArnCondition(starts_with=values)
        else:  # Lambda functions and DynamoDB tables: exact ARNs
            arns = ArnCondition(equals=values)
        data.append(DataEvents(selector=name, resource_type=kind, read=read, write=write, arns=arns))


def _names_every_resource(value: str) -> bool:
    """`arn:aws:s3`, `arn:aws:s3:::`, `arn:aws:lambda`, `arn:aws:dynamodb`: every resource of the type."""
    return value.rstrip(":").count(":") <= 2


def _advanced(name: str, sel: dict[str, Any], management: list[ManagementEvents], data: list[DataEvents],
              ignored: list[str]) -> None:
    fields = list(sel.get("FieldSelectors") or [])
    categories: list[str] = []
    read = write = True
    resource_types: list[str] = []
    arn_lists: dict[str, list[str]] = {}
    excluded: list[str] = []
    other: list[str] = []
    for fs in fields:
        field = str(fs.get("Field", ""))
        ops = {op: [str(v) for v in fs.get(op) or []] for op in _ARN_OPERATORS if fs.get(op)}
        if field == "eventCategory" and set(ops) == {"Equals"}:
            categories += ops["Equals"]
        elif field == "readOnly" and set(ops) == {"Equals"}:
            flags = {v.lower() for v in ops["Equals"]}
            read, write = "true" in flags, "false" in flags
        elif field == "resources.type" and set(ops) == {"Equals"}:
            resource_types += ops["Equals"]
        elif field == "resources.ARN":
            for op, arns in ops.items():
                arn_lists.setdefault(_ARN_OPERATORS[op], []).extend(arns)
        elif field == "eventSource" and set(ops) == {"NotEquals"}:
            excluded += ops["NotEquals"]
        else:
            other += [f"{field} {op} {values}" for op, values in ops.items()]
    for category in categories or ["(none)"]:
        if category == "Management":
            narrowed = other + [f"resources.type Equals {resource_types}"] * bool(resource_types)
            narrowed += [f"resources.ARN {op} {v}" for op, v in arn_lists.items()]
            management.append(ManagementEvents(selector=name, read=read, write=write, excluded_sources=excluded,
                                               narrowed_by=narrowed))
        elif category == "Data" and resource_types:
            narrowed = other + [f"eventSource NotEquals {excluded}"] * bool(excluded)
            for kind in resource_types:
                data.append(DataEvents(selector=name, resource_type=kind, read=read, write=write,
                                       arns=ArnCondition(**arn_lists), narrowed_by=narrowed))
        else:
            ignored.append(f"{name}: eventCategory {category}")
