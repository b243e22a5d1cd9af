"""CloudTrail: an account-wide trail, and integrity validation of its log files."""

from __future__ import annotations

from collections.abc import Iterator

from cardaudit.engine.registry import check
from cardaudit.models.base import Severity
from cardaudit.models.finding import ResourceRef, Result
from cardaudit.models.inventory import Trail


@check(
    title="The account has a logging multi-region CloudTrail trail",
    severity=Severity.HIGH, category="logging", resource_type="AWS::CloudTrail::Trail",
    needs=("cloudtrail_trails",), scope="account",
)
def cloudtrail_multi_region_enabled(account: str, trails: list[Trail]) -> Iterator[Result]:
    """What it checks:
    At least one trail in the account records every region, includes global service events and
    is currently logging.

    Why it matters:
    API activity in a region without a trail (including regions nobody uses, a favourite of
    attackers) leaves no audit record of who did what to the environment.

    How to fix:
    Create or update a trail with `--is-multi-region-trail --include-global-service-events`
    and `start-logging`; an organization trail covers every member account.
    """
    ref = ResourceRef(type="AWS::CloudTrail::Trail", id="account", account=account)
    good = [t.name for t in trails if t.multi_region and t.include_global_events and t.is_logging is True]
    if good:
        yield Result.passed(ref, f"multi-region trail logging: {', '.join(sorted(good))}", trails=sorted(good))
        return
    undetermined = [t.name for t in trails if t.multi_region and not isinstance(t.is_logging, bool)]
    if undetermined:
        yield Result.not_assessed(ref, f"logging status unreadable for multi-region trail(s) {', '.join(undetermined)}")
        return
    seen = sorted(t.name for t in trails)
    yield Result.failed(ref, "no logging multi-region trail with global service events", trails_seen=seen)


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
