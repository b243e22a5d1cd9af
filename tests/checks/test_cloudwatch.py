"""CloudWatch alarm checks (metric filters on a trail's log group) against moto."""

from __future__ import annotations

from typing import Any

from tests.conftest import ACCOUNT, Aws, outcomes, run_check

ROOT = "cloudwatch_alarm_root_account_usage"
UNAUTHORIZED = "cloudwatch_alarm_unauthorized_api_calls"
IAM_POLICY = "cloudwatch_alarm_iam_policy_changes"
TRAIL_CHANGES = "cloudwatch_alarm_cloudtrail_config_changes"
SECURITY_GROUPS = "cloudwatch_alarm_security_group_changes"
ALL = (ROOT, UNAUTHORIZED, IAM_POLICY, TRAIL_CHANGES, SECURITY_GROUPS)

GROUP = "/aws/cloudtrail/acme-org-audit"
GROUP_ARN = f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:{GROUP}:*"
TOPIC = f"arn:aws:sns:eu-west-1:{ACCOUNT}:security-alerts"
ROOT_PATTERN = ('{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && '
                '$.eventType != "AwsServiceEvent" }')
DENIED_PATTERN = '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }'
IAM_PATTERN = "{" + "||".join(f"($.eventName={n})" for n in (
    "DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy", "PutGroupPolicy", "PutRolePolicy", "PutUserPolicy",
    "CreatePolicy", "DeletePolicy", "CreatePolicyVersion", "DeletePolicyVersion", "AttachRolePolicy",
    "DetachRolePolicy", "AttachUserPolicy", "DetachUserPolicy", "AttachGroupPolicy", "DetachGroupPolicy")) + "}"


def _trail(aws: Aws, name: str = "acme-org-audit", *, multi: bool = True, to_logs: bool = True) -> None:
    bucket = f"{name}-logs-{ACCOUNT}"
    aws.client("s3").create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    role = f"arn:aws:iam::{ACCOUNT}:role/cloudtrail-to-logs"
    extra: dict[str, Any] = {"CloudWatchLogsLogGroupArn": GROUP_ARN, "CloudWatchLogsRoleArn": role} if to_logs else {}
    ct = aws.client("cloudtrail")
    ct.create_trail(Name=name, S3BucketName=bucket, IsMultiRegionTrail=multi, IncludeGlobalServiceEvents=True, **extra)
    ct.start_logging(Name=name)


def _watch(aws: Aws, name: str, pattern: str, *, alarm: bool = True, actions: bool = True) -> None:
    logs = aws.client("logs")
    logs.put_metric_filter(logGroupName=GROUP, filterName=name, filterPattern=pattern, metricTransformations=[
        {"metricName": name, "metricNamespace": "CISBenchmark", "metricValue": "1"}])
    if alarm:
        aws.client("cloudwatch").put_metric_alarm(
            AlarmName=f"{name}-alarm", MetricName=name, Namespace="CISBenchmark", Statistic="Sum", Period=300,
            EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanOrEqualToThreshold",
            ActionsEnabled=actions, AlarmActions=[TOPIC])


def _collect(aws: Aws) -> Any:
    return aws.collect("cloudtrail", "logs", "cloudwatch")


def _found(aws: Aws, inventory: Any = None) -> dict[str, dict[str, tuple[str, str]]]:
    inventory = inventory or _collect(aws)
    return {c: {f.resource.name or f.resource.id: (f.status.value, f.reason) for f in run_check(c, inventory)}
            for c in ALL}


def test_filters_and_alarms_on_the_trails_log_group(aws: Aws) -> None:
    aws.client("logs").create_log_group(logGroupName=GROUP)
    _trail(aws)
    _watch(aws, "root-usage", ROOT_PATTERN)
    _watch(aws, "unauthorized-calls", DENIED_PATTERN, actions=False)
    _watch(aws, "iam-policy-changes", IAM_PATTERN)
    _watch(aws, "trail-stopped", '{ $.eventName = "StopLogging" }')  # one of five events only
    found = _found(aws)
    assert {c: {(n, s) for n, (s, _) in v.items()} for c, v in found.items()} == {
        ROOT: {(GROUP, "PASS")}, UNAUTHORIZED: {(GROUP, "FAIL")}, IAM_POLICY: {(GROUP, "PASS")},
        TRAIL_CHANGES: {(GROUP, "FAIL")}, SECURITY_GROUPS: {(GROUP, "FAIL")}}
    assert found[ROOT][GROUP][1] == "use of the root user raise an alarm (root-usage -> root-usage-alarm)"
    assert "alarm unauthorized-calls-alarm has no enabled action" in found[UNAUTHORIZED][GROUP][1]
    reason = found[TRAIL_CHANGES][GROUP][1]
    assert "cloudtrail:CreateTrail, cloudtrail:UpdateTrail, cloudtrail:DeleteTrail, cloudtrail:StartLogging not" in (
        reason) and "StopLogging" not in reason
    assert "ec2:AuthorizeSecurityGroupIngress" in found[SECURITY_GROUPS][GROUP][1]


def test_filter_without_alarm_and_missing_log_group(aws: Aws) -> None:
    _trail(aws)  # the trail names a log group that does not exist
    found = _found(aws)
    assert found[ROOT] == {GROUP: ("FAIL", "no metric filter with an acting alarm covers use of the root user: "
                                           "root console sign-in, root API call not covered; the log group "
                                           f"{GROUP} does not exist in eu-west-1")}
    aws.client("logs").create_log_group(logGroupName=GROUP)
    _watch(aws, "root-usage", ROOT_PATTERN, alarm=False)
    assert "root-usage counts them, but no alarm watches its metric" in _found(aws)[ROOT][GROUP][1]


def test_no_trail_delivering_to_cloudwatch_logs(aws: Aws) -> None:
    found = _found(aws)
    assert {c: set(v) for c, v in found.items()} == {c: {"no-trail"} for c in ALL}
    assert found[ROOT]["no-trail"][0] == "FAIL"
    _trail(aws, to_logs=False)
    _trail(aws, "payments-debug", multi=False)  # delivers, but records only its own region
    found = _found(aws)
    assert found[ROOT] == {"acme-org-audit": ("FAIL", "no alarm can watch use of the root user: acme-org-audit "
                                                      "does not deliver to CloudWatch Logs")}


def test_unreadable_data_is_not_assessed(aws: Aws) -> None:
    aws.client("logs").create_log_group(logGroupName=GROUP)
    _trail(aws)
    _watch(aws, "root-usage", ROOT_PATTERN)
    aws.deny("logs", "DescribeMetricFilters")
    assert {c: outcomes(run_check(c, _collect(aws))) for c in (ROOT,)} == {ROOT: {("*@eu-west-1", "NOT_ASSESSED")}}
    aws.reset()
    aws.client("logs").create_log_group(logGroupName=GROUP)
    _trail(aws)
    _watch(aws, "root-usage", ROOT_PATTERN)
    aws.deny("cloudtrail", "GetTrailStatus")
    found = _found(aws)
    assert found[ROOT]["acme-org-audit"][0] == "NOT_ASSESSED"
    assert "cloudtrail:GetTrailStatus failed: AccessDenied" in found[ROOT]["acme-org-audit"][1]


def test_a_pattern_cardaudit_cannot_read_is_not_assessed(aws: Aws) -> None:
    aws.client("logs").create_log_group(logGroupName=GROUP)
    _trail(aws)
    _watch(aws, "root-usage", ROOT_PATTERN)
    # A space-delimited pattern (as in the DescribeMetricFilters reference), which cardaudit does not read.
    aws.answer("logs", "DescribeMetricFilters", {"metricFilters": [
        {"filterName": "root-usage", "filterPattern": ROOT_PATTERN, "logGroupName": GROUP,
         "metricTransformations": [{"metricName": "root-usage", "metricNamespace": "CISBenchmark",
                                    "metricValue": "1"}]},
        {"filterName": "denied", "filterPattern": "[version, account, eni, source, destination]",
         "logGroupName": GROUP, "metricTransformations": [{"metricName": "denied", "metricNamespace": "CISBenchmark",
                                                           "metricValue": "1"}]}]})
    found = _found(aws)
    assert found[ROOT][GROUP][0] == "PASS"  # readable filters that cover are enough
    status, reason = found[UNAUTHORIZED][GROUP]
    assert status == "NOT_ASSESSED" and "cannot read metric filter denied on" in reason
