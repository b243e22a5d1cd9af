"""CloudTrail as PCI DSS reads it: a trail that records the whole account, the integrity of its log
files, and object-level events on the buckets that hold card data.

What a trail records comes from its event selectors (classic or advanced), read by the collector
into `Trail.events`; a trail whose selectors or status could not be read is never taken to record
everything.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from cardaudit.engine.registry import check
from cardaudit.models.aws.cloudtrail import ArnCondition, EventSelection
from cardaudit.models.base import Severity
from cardaudit.models.finding import ResourceRef, Result
from cardaudit.models.inventory import S3Bucket, Trail, Unknown

# The only event sources AWS lets a trail leave out of its management events (ExcludeManagementEventSources,
# or `eventSource NotEquals` in an advanced selector), both for their volume. Leaving them out is stated
# in the result, and the trail still qualifies; leaving out any other source does not qualify.
VOLUME_EXCLUSIONS = frozenset({"kms.amazonaws.com", "rdsdata.amazonaws.com"})

# The tag that marks an S3 bucket as holding cardholder data (value `true`, any case).
CARD_DATA_TAG = "pci:cardholder-data"
CARD_DATA_VALUE = "true"

# The id of the one finding about an account that has no trail at all.
NO_TRAIL = "no-trail"


def no_trail_ref(account: str) -> ResourceRef:
    """The account's missing trail, as a resource ownership rules can match and findings can route.

    `arn:aws:cloudtrail::<account>:trail/<none>` is cardaudit's name for "this account has no trail"
    (AWS has no such ARN): the region is empty because the absence is the account's, not a region's.
    """
    return ResourceRef(type="AWS::CloudTrail::Trail", id=NO_TRAIL, name=NO_TRAIL, account=account,
                       arn=f"arn:aws:cloudtrail::{account}:trail/<none>")


# --------------------------------------------------------------------------------------------
# management events and the account's audit trail


def _management_gaps(events: EventSelection) -> tuple[list[str], list[str]]:
    """(why the selectors do not record every read and write management event, what they leave out)."""
    full = [m for m in events.management if not m.narrowed_by]
    read = [m for m in full if m.read]
    write = [m for m in full if m.write]
    gaps: list[str] = []
    if not events.management:
        if events.kind == "none":
            gaps.append("GetEventSelectors returned no event selector, so the trail records no management events")
        else:
            gaps.append("management events are switched off: no event selector includes them")
    elif not read and not write:
        narrowing = "; ".join(f"{m.selector}: {', '.join(m.narrowed_by)}" for m in events.management)
        gaps.append(f"records management events only where {narrowing}")
    elif not write:
        gaps.append("records only read-only management events (ReadWriteType ReadOnly / readOnly true)")
    elif not read:
        gaps.append("records only write-only management events (ReadWriteType WriteOnly / readOnly false)")
    if not read or not write:
        return gaps, []
    # A source is left out when every selector recording that direction leaves it out.
    excluded = set.intersection(*(set(m.excluded_sources) for m in read))
    excluded |= set.intersection(*(set(m.excluded_sources) for m in write))
    broad = sorted(excluded - VOLUME_EXCLUSIONS)
    if broad:
        gaps.append(f"leaves out the management events of {', '.join(broad)}")
    return gaps, sorted(excluded & VOLUME_EXCLUSIONS)


def _summary(events: EventSelection | Unknown) -> str:
    if isinstance(events, Unknown):
        return "unknown"
    full = [m for m in events.management if not m.narrowed_by]
    read, write = any(m.read for m in full), any(m.write for m in full)
    if read and write:
        return "all"
    if read or write:
        return "read-only" if read else "write-only"
    return "filtered" if events.management else "none"


def _judge(trail: Trail) -> tuple[list[str], list[str], list[str]]:
    """(gaps that stop the trail recording the account, details that could not be read, exclusions)."""
    gaps: list[str] = []
    unknown: list[str] = []
    excluded: list[str] = []
    if not trail.multi_region:
        gaps.append(f"single-region trail: records only {trail.home_region}")
    if not trail.include_global_events:
        gaps.append("does not include global service events (IAM, STS, CloudFront)")
    if isinstance(trail.is_logging, Unknown):
        unknown.append(trail.is_logging.reason)
    elif not trail.is_logging:
        gaps.append("logging is stopped")
    if isinstance(trail.events, Unknown):
        unknown.append(trail.events.reason)
    else:
        management_gaps, excluded = _management_gaps(trail.events)
        gaps += management_gaps
    return gaps, unknown, excluded


def _records_its_regions(trail: Trail) -> bool:
    """Logging, and recording every read and write management event (wherever global events go)."""
    return (trail.is_logging is True and not isinstance(trail.events, Unknown)
            and not _management_gaps(trail.events)[0])


@check(
    title="The account has a logging multi-region trail recording every read and write management event",
    severity=Severity.HIGH, category="logging", resource_type="AWS::CloudTrail::Trail",
    needs=("regions", "cloudtrail_trails"), scope="account",
)
def cloudtrail_multi_region_enabled(account: str, regions: list[str], trails: list[Trail]) -> Iterator[Result]:
    """What it checks:
    Each trail of the account, judged on its ARN. A trail qualifies when it is multi-region, is
    logging (GetTrailStatus IsLogging), includes global service events, and its event selectors
    (classic or advanced, from GetEventSelectors) record every read and write management event.
    A qualifying trail PASSes. A trail that does not qualify FAILs with each reason (single-region,
    logging stopped, management events off, read-only, write-only, filtered) when no trail of the
    account qualifies, and the reason names each audited region that no logging trail recording
    management events covers. When another trail qualifies, it PASSes with its shortcomings stated:
    a second trail that records only data events, so as not to pay for a second copy of
    management events, is a normal set-up. Leaving out the management events of
    kms.amazonaws.com or rdsdata.amazonaws.com (the only sources AWS lets a trail exclude, for
    their volume) is stated in the reason and still qualifies; any other condition on management
    events (eventName, eventSource, readOnly) does not. A trail whose status or selectors could not
    be read is NOT_ASSESSED, never taken to record everything. An account without any trail gets
    one FAIL on the id `no-trail` (ARN `arn:aws:cloudtrail::<account>:trail/<none>`, so that
    ownership rules route it). When GetEventSelectors returns no selector, the trail records the
    AWS default (every management event) only if DescribeTrails says it has no custom selectors.

    Why it matters:
    API activity in a region without a trail (including regions nobody uses, a favourite of
    attackers), or management events a trail does not record (reads, or writes), leaves no audit
    record of who did what to the environment.

    How to fix:
    Create or update a trail with `--is-multi-region-trail --include-global-service-events`,
    `start-logging`, and event selectors recording all management events
    (`put-event-selectors --event-selectors '[{"ReadWriteType":"All","IncludeManagementEvents":true}]'`,
    or an advanced selector `eventCategory Equals Management` without `readOnly`); an
    organization trail covers every member account.
    """
    if not trails:
        yield Result.failed(
            no_trail_ref(account),
            "the account has no CloudTrail trail: API activity in "
            f"{', '.join(regions) or 'any region'} is not recorded", uncovered_regions=regions)
        return
    judged = {t.arn: _judge(t) for t in trails}
    qualifying = sorted(t.name for t in trails if not judged[t.arn][0] and not judged[t.arn][1])
    undecided = sorted(t.name for t in trails if not judged[t.arn][0] and judged[t.arn][1])
    covering = [t for t in trails if _records_its_regions(t)]
    covered = set(regions) if any(t.multi_region for t in covering) else {t.home_region for t in covering}
    uncovered = sorted(set(regions) - covered)
    for trail in sorted(trails, key=lambda t: t.arn):
        gaps, unknown, excluded = judged[trail.arn]
        evidence = {"multi_region": trail.multi_region, "include_global_events": trail.include_global_events,
                    "is_logging": trail.is_logging if isinstance(trail.is_logging, bool) else None,
                    "management_events": _summary(trail.events), "excluded_event_sources": excluded,
                    "uncovered_regions": uncovered}
        left_out = f"; management events of {', '.join(excluded)} are left out" if excluded else ""
        if not gaps and not unknown:
            yield Result.passed(trail.ref(), "multi-region, logging, includes global service events, records "
                                f"every read and write management event{left_out}", **evidence)
        elif not gaps:
            yield Result.not_assessed(trail.ref(), f"cannot tell whether it records the account: "
                                      f"{'; '.join(unknown)}", **evidence)
        elif qualifying:
            yield Result.passed(trail.ref(), f"the account is recorded by {', '.join(qualifying)}; this trail "
                                f"does not record it by itself: {'; '.join(gaps)}", qualifies=False, **evidence)
        elif undecided:
            yield Result.not_assessed(trail.ref(), f"{'; '.join(gaps)}; whether another trail records the "
                                      f"account could not be read ({', '.join(undecided)})", **evidence)
        else:
            where = f"; regions no logging trail records: {', '.join(uncovered)}" if uncovered else ""
            yield Result.failed(trail.ref(), f"{'; '.join(gaps)}; no trail of the account records every "
                                f"region's read and write management events{where}", **evidence)


@check(
    title="CloudTrail trails validate the integrity of their log files",
    severity=Severity.MEDIUM, category="logging", resource_type="AWS::CloudTrail::Trail",
    needs=("cloudtrail_trails",),
)
def cloudtrail_log_file_validation_enabled(trails: list[Trail]) -> Iterator[Result]:
    """What it checks:
    Each trail has log file validation on, so CloudTrail writes signed digest files.

    Why it matters:
    Without digests, deleted or edited log files cannot be detected, and audit logs must be
    protected from modification.

    How to fix:
    `aws cloudtrail update-trail --name <trail> --enable-log-file-validation`.
    """
    for trail in trails:
        if trail.log_file_validation:
            yield Result.passed(trail.ref(), "log file validation is enabled")
        else:
            yield Result.failed(trail.ref(), "log file validation is disabled", multi_region=trail.multi_region)


# --------------------------------------------------------------------------------------------
# data events on card-data buckets

Coverage = Literal["none", "some", "all"]
_RANK: dict[Coverage, int] = {"none": 0, "some": 1, "all": 2}


def _best(a: Coverage, b: Coverage) -> Coverage:
    return a if _RANK[a] >= _RANK[b] else b


def arn_coverage(arns: ArnCondition, base: str) -> Coverage:
    """How much of the ARNs starting with `base` (a bucket's objects: `arn:aws:s3:::bucket/`) match."""
    if any(base.startswith(p) for p in arns.not_starts_with):
        return "none"
    excludes_some = (any(p.startswith(base) for p in arns.not_starts_with)
                     or any(e.startswith(base) for e in arns.not_equals) or bool(arns.not_ends_with))
    if arns.equals or arns.starts_with or arns.ends_with:
        whole = any(base.startswith(p) for p in arns.starts_with)
        some = (whole or any(p.startswith(base) for p in arns.starts_with)
                or any(e.startswith(base) for e in arns.equals) or bool(arns.ends_with))
    else:
        whole = some = True
    if whole and not excludes_some:
        return "all"
    return "some" if some else "none"


def _object_coverage(events: EventSelection, bucket: str) -> tuple[Coverage, Coverage]:
    """(reads, writes) of the bucket's objects that the selectors record."""
    base = f"arn:aws:s3:::{bucket}/"
    read: Coverage = "none"
    write: Coverage = "none"
    for data in events.data:
        if data.resource_type != "AWS::S3::Object":
            continue
        cover = arn_coverage(data.arns, base)
        if data.narrowed_by and cover == "all":
            cover = "some"
        if data.read:
            read = _best(read, cover)
        if data.write:
            write = _best(write, cover)
    return read, write


_SAYS: dict[Coverage, str] = {"none": "not recorded", "some": "recorded for some objects only", "all": "recorded"}


@check(
    title="S3 buckets holding card data have object reads and writes recorded by a logging trail",
    severity=Severity.HIGH, category="logging", resource_type="AWS::S3::Bucket",
    needs=("cloudtrail_trails", "s3_buckets"), scope="account",
)
def cloudtrail_card_data_events_logged(account: str, trails: list[Trail], buckets: list[S3Bucket]) -> Iterator[
        Result]:
    """What it checks:
    Each S3 bucket tagged `pci:cardholder-data` = `true` (the convention cardaudit reads to know
    which buckets hold card data) has its object-level data events, reads and writes, on every
    object, recorded by a trail that is logging and sees the bucket's region (multi-region, or
    at home there). Classic selectors (`AWS::S3::Object` with `arn:aws:s3`, `arn:aws:s3:::bucket/`)
    and advanced ones (`resources.type` `AWS::S3::Object`, `resources.ARN` StartsWith, Equals,
    NotStartsWith, EndsWith...) are both read; a prefix, an exclusion or a condition such as
    eventName covers only some objects and does not pass. Reads and writes may come from
    different trails. A bucket is NOT_ASSESSED when a trail that could cover it has unreadable
    selectors or status, or when its tags could not be read and no trail covers it (covered, it
    PASSes whatever its tags say). An account with no bucket carrying the tag gets no result.

    Why it matters:
    Management events do not record who read or wrote an object. Without data events, access to
    the card data stored in the bucket cannot be traced to an individual.

    How to fix:
    Tag the buckets that hold card data, then add them to a logging trail's data events:
    `aws cloudtrail put-event-selectors --trail-name <trail> --advanced-event-selectors
    '[{"Name":"Management","FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]}]},
    {"Name":"Card data","FieldSelectors":[{"Field":"eventCategory","Equals":["Data"]},
    {"Field":"resources.type","Equals":["AWS::S3::Object"]},
    {"Field":"resources.ARN","StartsWith":["arn:aws:s3:::<bucket>/"]}]}]'`
    (keep the management selector: put-event-selectors replaces every selector).
    """
    for bucket in sorted(buckets, key=lambda b: b.arn):
        if not isinstance(bucket.tags, Unknown) and bucket.tags.get(CARD_DATA_TAG, "").strip().lower() != (
                CARD_DATA_VALUE):
            continue
        read: Coverage = "none"
        write: Coverage = "none"
        by: set[str] = set()
        unreadable: list[str] = []
        notes: list[str] = []
        for trail in sorted(trails, key=lambda t: t.arn):
            if trail.is_logging is False:
                if not isinstance(trail.events, Unknown) and _object_coverage(trail.events, bucket.name) != (
                        "none", "none"):
                    notes.append(f"{trail.name} selects them but is not logging")
                continue
            sees = trail.multi_region or trail.home_region == bucket.region
            if not sees and bucket.region != "unknown":
                continue
            problems = [x.reason for x in (trail.is_logging, trail.events) if isinstance(x, Unknown)]
            if not sees:
                problems.append(f"the bucket's region could not be read and {trail.name} is single-region")
            if problems:
                unreadable.append(f"{trail.name}: {'; '.join(problems)}")
                continue
            assert not isinstance(trail.events, Unknown)
            r, w = _object_coverage(trail.events, bucket.name)
            if r != "none" or w != "none":
                by.add(trail.name)
            read, write = _best(read, r), _best(write, w)
        evidence = {"tag": CARD_DATA_TAG, "object_reads": read, "object_writes": write, "trails": sorted(by)}
        if read == "all" and write == "all":
            tags = (f"; whether it holds card data is unknown ({bucket.tags.reason}), but it is covered either way"
                    if isinstance(bucket.tags, Unknown) else "")
            yield Result.passed(bucket.ref(), f"object reads and writes are recorded by {', '.join(sorted(by))}"
                                f"{tags}", **evidence)
            continue
        found = f"object reads {_SAYS[read]}, object writes {_SAYS[write]}"
        if not trails:
            found += " (the account has no trail)"
        found += "".join(f"; {note}" for note in notes)
        if unreadable:
            yield Result.not_assessed(bucket.ref(), f"{found}; cannot tell for {'; '.join(unreadable)}", **evidence)
        elif isinstance(bucket.tags, Unknown):
            yield Result.not_assessed(bucket.ref(), f"cannot tell whether it holds card data "
                                      f"({bucket.tags.reason}); {found}", **evidence)
        else:
            yield Result.failed(bucket.ref(), f"holds card data ({CARD_DATA_TAG}={CARD_DATA_VALUE}); by a logging "
                                f"trail that sees its region: {found}", **evidence)


# --------------------------------------------------------------------------------------------
# protection and delivery of the trail's logs


def records_the_account(trail: Trail) -> bool | None:
    """Whether the trail records every region's read and write management events, as it runs now:
    multi-region, logging, and with selectors recording them all. None when its status or
    selectors could not be read and the rest does not already decide."""
    if not trail.multi_region or trail.is_logging is False:
        return False
    if isinstance(trail.events, Unknown):
        return None
    if _management_gaps(trail.events)[0]:
        return False
    return None if isinstance(trail.is_logging, Unknown) else True


@check(
    title="CloudTrail trails encrypt their log files with a KMS key",
    severity=Severity.MEDIUM, category="encryption", resource_type="AWS::CloudTrail::Trail",
    needs=("cloudtrail_trails",),
)
def cloudtrail_kms_encrypted(trails: list[Trail]) -> Iterator[Result]:
    """What it checks:
    Each trail names a KMS key (`KmsKeyId`) for its log files (SSE-KMS). Without one, the files
    are stored with the log bucket's own encryption (SSE-S3), which is reported as a FAIL.

    Why it matters:
    With SSE-KMS, reading the audit log also needs `kms:Decrypt` under a key policy the account
    controls, so a leaked bucket permission alone does not expose or let anyone quietly read the
    record of who did what; each decryption is itself logged.

    How to fix:
    Give CloudTrail use of a customer managed key in its key policy (`cloudtrail.amazonaws.com`,
    with an `aws:SourceArn` condition on the trail), then
    `aws cloudtrail update-trail --name <trail> --kms-key-id <key ARN>`.
    """
    for trail in trails:
        if trail.kms_key_id:
            yield Result.passed(trail.ref(), "log files are encrypted with a KMS key (SSE-KMS)",
                                kms_key=trail.kms_key_id)
        else:
            yield Result.failed(trail.ref(), "no KMS key: log files rely on the bucket's SSE-S3 encryption only",
                                s3_bucket=trail.s3_bucket)


@check(
    title="CloudTrail trails deliver their events to CloudWatch Logs",
    severity=Severity.MEDIUM, category="monitoring", resource_type="AWS::CloudTrail::Trail",
    needs=("cloudtrail_trails",),
)
def cloudtrail_cloudwatch_logs_delivery(trails: list[Trail]) -> Iterator[Result]:
    """What it checks:
    Each trail names a CloudWatch Logs log group (`CloudWatchLogsLogGroupArn`) and the role that
    delivers to it, and GetTrailStatus reports no error for the last delivery
    (`LatestCloudWatchLogsDeliveryError`). A trail whose status could not be read is NOT_ASSESSED.

    Why it matters:
    Events that reach CloudWatch Logs within minutes can be searched at once and watched by
    metric filters and alarms (root sign-ins, denied calls, changes to IAM, security groups or
    the trail itself). Delivered only to S3, they are kept but nobody is told of anything.

    How to fix:
    Create a log group (retention of a year or more) and a role CloudTrail can assume with
    `logs:CreateLogStream` and `logs:PutLogEvents` on it, then `aws cloudtrail update-trail --name
    <trail> --cloud-watch-logs-log-group-arn <group ARN> --cloud-watch-logs-role-arn <role ARN>`.
    """
    for trail in trails:
        group = trail.cloudwatch_logs_group_arn
        evidence = {"log_group": group, "role": trail.cloudwatch_logs_role_arn}
        error = trail.cloudwatch_logs_delivery_error
        if not group:
            yield Result.failed(trail.ref(), "does not deliver to CloudWatch Logs: no log group is set", **evidence)
        elif not trail.cloudwatch_logs_role_arn:
            yield Result.failed(trail.ref(), "a log group is set but no role to deliver to it", **evidence)
        elif isinstance(error, Unknown):
            yield Result.not_assessed(trail.ref(), f"delivers to {group}; whether delivery works could not be "
                                      f"read: {error.reason}", **evidence)
        elif error:
            yield Result.failed(trail.ref(), f"delivery to {group} fails: {error}", delivery_error=error, **evidence)
        else:
            yield Result.passed(trail.ref(), f"delivers to {group}", **evidence)
