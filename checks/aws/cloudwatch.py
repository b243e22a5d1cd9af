"""CloudWatch alarms on CloudTrail events: for each kind of event that calls for attention (root
use, denied calls, IAM policy, trail and security group changes), a metric filter on the log group
a trail delivers the whole account's management events to, and an alarm that acts on its metric.

How a filter is judged to cover a kind of event: each kind is a list of example CloudTrail records
(`WATCHES`), written as CloudTrail writes them; the filter's pattern, read by
`checks.aws.logs.pattern_matcher`, must match every one of them. One filter may cover some examples
and another the rest. A record counts as covered when a filter matching it, on such a log group,
feeds a metric (same namespace and name, in the log group's region) that an alarm with actions
enabled and at least one alarm action watches.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from cardaudit.engine.registry import check
from cardaudit.models.base import Severity
from cardaudit.models.finding import ResourceRef, Result
from cardaudit.models.inventory import LogGroup, MetricAlarm, MetricFilter, Trail, Unknown

from .cloudtrail import no_trail_ref, records_the_account
from .logs import Matcher, PatternError, pattern_matcher

_EXAMPLE_ACCOUNT = "123456789012"


def _record(source: str, name: str, *, identity: str = "IAMUser", error: str | None = None,
            event_type: str = "AwsApiCall") -> dict[str, Any]:
    """A CloudTrail management event record, as CloudTrail delivers it to CloudWatch Logs."""
    who: dict[str, Any] = ({"type": "Root", "principalId": _EXAMPLE_ACCOUNT,
                            "arn": f"arn:aws:iam::{_EXAMPLE_ACCOUNT}:root", "accountId": _EXAMPLE_ACCOUNT}
                           if identity == "Root" else
                           {"type": "IAMUser", "principalId": "AIDAEXAMPLEPRINCIPAL",
                            "arn": f"arn:aws:iam::{_EXAMPLE_ACCOUNT}:user/alice", "accountId": _EXAMPLE_ACCOUNT,
                            "userName": "alice"})
    record: dict[str, Any] = {
        "eventVersion": "1.09", "userIdentity": who, "eventTime": "2025-01-06T09:30:00Z",
        "eventSource": source, "eventName": name, "awsRegion": "eu-west-1", "sourceIPAddress": "198.51.100.7",
        "userAgent": "aws-cli/2.15.0", "requestParameters": {}, "responseElements": None,
        "requestID": "5f1c9a7e-0000-4000-8000-000000000000", "eventID": "9d2b6c1f-0000-4000-8000-000000000000",
        "readOnly": False, "eventType": event_type, "managementEvent": True,
        "recipientAccountId": _EXAMPLE_ACCOUNT, "eventCategory": "Management",
    }
    if error:
        record.update(errorCode=error, errorMessage="You are not authorized to perform this operation.")
    return record


@dataclass(frozen=True)
class Watch:
    """A kind of event an alarm must watch, as the example records a filter must match."""

    what: str
    examples: tuple[tuple[str, Mapping[str, Any]], ...]  # (label, record)


def _calls(source: str, *names: str) -> tuple[tuple[str, Mapping[str, Any]], ...]:
    service = source.split(".")[0]
    return tuple((f"{service}:{name}", _record(source, name)) for name in names)


WATCHES: dict[str, Watch] = {
    "root": Watch("use of the root user", (
        ("root console sign-in", _record("signin.amazonaws.com", "ConsoleLogin", identity="Root",
                                         event_type="AwsConsoleSignIn")),
        ("root API call", _record("iam.amazonaws.com", "CreateAccessKey", identity="Root")),
    )),
    "unauthorized": Watch("unauthorised API calls", (
        ("ec2 Client.UnauthorizedOperation", _record("ec2.amazonaws.com", "DescribeInstances",
                                                     error="Client.UnauthorizedOperation")),
        ("iam AccessDenied", _record("iam.amazonaws.com", "ListUsers", error="AccessDenied")),
        ("secretsmanager AccessDeniedException", _record("secretsmanager.amazonaws.com", "GetSecretValue",
                                                         error="AccessDeniedException")),
    )),
    "iam_policy": Watch("IAM policy changes", _calls(
        "iam.amazonaws.com", "DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy", "PutGroupPolicy",
        "PutRolePolicy", "PutUserPolicy", "CreatePolicy", "DeletePolicy", "CreatePolicyVersion",
        "DeletePolicyVersion", "AttachRolePolicy", "DetachRolePolicy", "AttachUserPolicy", "DetachUserPolicy",
        "AttachGroupPolicy", "DetachGroupPolicy")),
    "cloudtrail": Watch("CloudTrail configuration changes", _calls(
        "cloudtrail.amazonaws.com", "CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging")),
    "security_group": Watch("security group changes", _calls(
        "ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress",
        "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress", "CreateSecurityGroup", "DeleteSecurityGroup")),
}


def _group_of(arn: str) -> tuple[str, str, str]:
    """(region, name, ARN without `:*`) of `arn:aws:logs:<region>:<account>:log-group:<name>:*`."""
    clean = arn.removesuffix(":*")
    return clean.split(":")[3], clean.split(":log-group:", 1)[-1], clean


def _trail_order(trail: Trail) -> tuple[int, str]:
    """The trail a finding about the account is best put on: one that records it, then any multi-region one."""
    return (0 if records_the_account(trail) else 1 if trail.multi_region else 2, trail.arn)


@dataclass
class _Coverage:
    covered: dict[str, str]  # example label -> "filter -> alarm"
    notes: list[str]
    unreadable: list[str]


def _cover(watch: Watch, targets: list[tuple[str, str]], filters: list[MetricFilter],
           alarms: list[MetricAlarm]) -> _Coverage:
    out = _Coverage({}, [], [])
    for region, group in targets:
        for f in sorted(filters, key=lambda x: x.arn):
            if (f.region, f.log_group) != (region, group):
                continue
            try:
                matcher: Matcher = pattern_matcher(f.pattern)
            except PatternError as exc:
                out.unreadable.append(f"metric filter {f.name} on {group}: {exc}")
                continue
            matched = [label for label, record in watch.examples if matcher(record)]
            if not matched:
                continue
            watching = [a for a in alarms if a.region == region and any(m in a.metrics for m in f.metrics)]
            acting = sorted(a.name for a in watching if a.actions_enabled and a.alarm_actions)
            if acting:
                for label in matched:
                    out.covered.setdefault(label, f"{f.name} -> {acting[0]}")
            elif watching:
                out.notes.append(f"metric filter {f.name} counts them, but alarm {sorted(a.name for a in watching)[0]}"
                                 " has no enabled action")
            else:
                out.notes.append(f"metric filter {f.name} counts them, but no alarm watches its metric")
    return out


def judge_alarms(watch: Watch, account: str, trails: list[Trail], groups: list[LogGroup],
                 filters: list[MetricFilter], alarms: list[MetricAlarm]) -> Iterator[Result]:
    """The results of one alarm check for one account (shared by the five checks)."""
    if not trails:
        yield Result.failed(no_trail_ref(account),
                            f"the account has no CloudTrail trail, so nothing can raise an alarm on {watch.what}")
        return
    to_logs = [t for t in trails if t.cloudwatch_logs_group_arn]
    delivering = [t for t in to_logs if records_the_account(t)]
    if not delivering:
        unsure = [t for t in to_logs if records_the_account(t) is None]
        for trail in sorted(unsure, key=lambda t: t.arn):
            unknown = "; ".join(x.reason for x in (trail.is_logging, trail.events) if isinstance(x, Unknown))
            yield Result.not_assessed(trail.ref(), f"delivers to CloudWatch Logs, but whether it records every "
                                      f"region's management events could not be read: {unknown}")
        if unsure:
            return
        trail = sorted(trails, key=_trail_order)[0]
        why = (f"{trail.name} does not deliver to CloudWatch Logs" if records_the_account(trail)
               else "no trail delivering to CloudWatch Logs is multi-region, logging and recording every "
                    "management event")
        yield Result.failed(trail.ref(), f"no alarm can watch {watch.what}: {why}",
                            trails_to_cloudwatch_logs=sorted(t.name for t in to_logs))
        return
    targets = sorted({_group_of(str(t.cloudwatch_logs_group_arn)) for t in delivering})
    existing = {(g.region, g.name): g for g in groups}
    coverage = _cover(watch, [(r, n) for r, n, _ in targets if (r, n) in existing], filters, alarms)
    uncovered = [label for label, _ in watch.examples if label not in coverage.covered]
    evidence = {"trails": sorted(t.name for t in delivering), "covered": coverage.covered, "uncovered": uncovered}
    for region, name, arn in targets:
        group = existing.get((region, name))
        ref = group.ref() if group else ResourceRef(type="AWS::Logs::LogGroup", id=name, arn=arn, account=account,
                                                    region=region, name=name)
        missing = "" if group else f"; the log group {name} does not exist in {region}"
        if not uncovered:
            pairs = sorted(set(coverage.covered.values()))
            yield Result.passed(ref, f"{watch.what} raise an alarm ({', '.join(pairs)})", **evidence)
        elif coverage.unreadable:
            yield Result.not_assessed(ref, f"no readable filter with an acting alarm covers {', '.join(uncovered)}; "
                                      f"cannot read {'; '.join(coverage.unreadable)}", **evidence)
        else:
            notes = "".join(f"; {n}" for n in dict.fromkeys(coverage.notes))
            yield Result.failed(ref, f"no metric filter with an acting alarm covers {watch.what}: "
                                f"{', '.join(uncovered)} not covered{notes}{missing}", **evidence)


_NEEDS = ("cloudtrail_trails", "logs_log_groups", "logs_metric_filters", "cloudwatch_alarms")


@check(
    title="An alarm is raised when the root user is used",
    severity=Severity.HIGH, category="monitoring", resource_type="AWS::Logs::LogGroup", needs=_NEEDS,
    scope="account",
)
def cloudwatch_alarm_root_account_usage(account: str, trails: list[Trail], groups: list[LogGroup],
                                        filters: list[MetricFilter], alarms: list[MetricAlarm]) -> Iterator[Result]:
    """What it checks:
    A trail that is multi-region, logging and recording every management event delivers to a
    CloudWatch Logs log group; a metric filter there matches the root user's console sign-in and
    API calls (the usual pattern: `$.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT
    EXISTS && $.eventType != "AwsServiceEvent"`); and an alarm with an enabled action watches the
    filter's metric. Reported on that log group; FAIL on the best trail when no such trail
    delivers to CloudWatch Logs, on `no-trail` when the account has none. A filter pattern
    cardaudit cannot read makes it NOT_ASSESSED when nothing else covers the events.

    Why it matters:
    The root user cannot be limited by IAM policies. Any use of it outside break-glass needs
    someone to look at it the same day.

    How to fix:
    `aws logs put-metric-filter --log-group-name <trail's group> --filter-name root-usage
    --metric-transformations metricName=RootUsage,metricNamespace=CISBenchmark,metricValue=1
    --filter-pattern '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS &&
    $.eventType != "AwsServiceEvent" }'`, then `aws cloudwatch put-metric-alarm` on that metric
    (threshold 1, GreaterThanOrEqualToThreshold) with an SNS topic people read as alarm action.
    """
    yield from judge_alarms(WATCHES["root"], account, trails, groups, filters, alarms)


@check(
    title="An alarm is raised on unauthorised API calls",
    severity=Severity.MEDIUM, category="monitoring", resource_type="AWS::Logs::LogGroup", needs=_NEEDS,
    scope="account",
)
def cloudwatch_alarm_unauthorized_api_calls(account: str, trails: list[Trail], groups: list[LogGroup],
                                            filters: list[MetricFilter], alarms: list[MetricAlarm]) -> Iterator[
        Result]:
    """What it checks:
    As for root use, with a metric filter matching denied calls of every error code AWS uses for
    them (`Client.UnauthorizedOperation`, `AccessDenied`, `AccessDeniedException`; the usual
    pattern `$.errorCode = "*UnauthorizedOperation" || $.errorCode = "AccessDenied*"`) and an
    alarm with an enabled action on its metric.

    Why it matters:
    A burst of denied calls is how stolen credentials and misbehaving automation show
    themselves: someone is probing what a key can do.

    How to fix:
    Add the metric filter on the trail's log group and an alarm on its metric with an SNS topic
    as action (see the fix of cloudwatch_alarm_root_account_usage for the commands).
    """
    yield from judge_alarms(WATCHES["unauthorized"], account, trails, groups, filters, alarms)


@check(
    title="An alarm is raised on IAM policy changes",
    severity=Severity.MEDIUM, category="monitoring", resource_type="AWS::Logs::LogGroup", needs=_NEEDS,
    scope="account",
)
def cloudwatch_alarm_iam_policy_changes(account: str, trails: list[Trail], groups: list[LogGroup],
                                        filters: list[MetricFilter], alarms: list[MetricAlarm]) -> Iterator[Result]:
    """What it checks:
    As for root use, with a metric filter matching the sixteen IAM calls that change a policy
    (Put/Delete Group/Role/UserPolicy, Create/DeletePolicy, Create/DeletePolicyVersion,
    Attach/Detach Role/User/GroupPolicy) and an alarm with an enabled action on its metric.

    Why it matters:
    A policy change is how access is widened, by mistake or by an intruder keeping a foothold;
    it should be seen when it happens, not at the next access review.

    How to fix:
    Add the metric filter (`{($.eventName=DeleteGroupPolicy)||($.eventName=PutRolePolicy)||...}`
    with all sixteen names) on the trail's log group and an alarm on its metric with an SNS topic
    as action.
    """
    yield from judge_alarms(WATCHES["iam_policy"], account, trails, groups, filters, alarms)


@check(
    title="An alarm is raised on CloudTrail configuration changes",
    severity=Severity.MEDIUM, category="monitoring", resource_type="AWS::Logs::LogGroup", needs=_NEEDS,
    scope="account",
)
def cloudwatch_alarm_cloudtrail_config_changes(account: str, trails: list[Trail], groups: list[LogGroup],
                                               filters: list[MetricFilter], alarms: list[MetricAlarm]) -> Iterator[
        Result]:
    """What it checks:
    As for root use, with a metric filter matching CreateTrail, UpdateTrail, DeleteTrail,
    StartLogging and StopLogging, and an alarm with an enabled action on its metric.

    Why it matters:
    Stopping or redirecting the audit trail is the first step of covering tracks; a failure of
    logging must be noticed and answered promptly.

    How to fix:
    Add the metric filter (`{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) ||
    ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }`)
    on the trail's log group and an alarm on its metric with an SNS topic as action.
    """
    yield from judge_alarms(WATCHES["cloudtrail"], account, trails, groups, filters, alarms)


@check(
    title="An alarm is raised on security group changes",
    severity=Severity.MEDIUM, category="monitoring", resource_type="AWS::Logs::LogGroup", needs=_NEEDS,
    scope="account",
)
def cloudwatch_alarm_security_group_changes(account: str, trails: list[Trail], groups: list[LogGroup],
                                            filters: list[MetricFilter], alarms: list[MetricAlarm]) -> Iterator[
        Result]:
    """What it checks:
    As for root use, with a metric filter matching AuthorizeSecurityGroupIngress/Egress,
    RevokeSecurityGroupIngress/Egress, CreateSecurityGroup and DeleteSecurityGroup, and an alarm
    with an enabled action on its metric.

    Why it matters:
    Security groups are the network controls around the card data environment; a rule opened by
    hand outside change control should raise an alarm rather than wait for the next review.

    How to fix:
    Add the metric filter (`{ ($.eventName = AuthorizeSecurityGroupIngress) || ... ||
    ($.eventName = DeleteSecurityGroup) }` with all six names) on the trail's log group and an
    alarm on its metric with an SNS topic as action.
    """
    yield from judge_alarms(WATCHES["security_group"], account, trails, groups, filters, alarms)
