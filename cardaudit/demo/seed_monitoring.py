"""Demo estate, monitoring: CloudWatch Logs, CloudWatch alarms, Config, GuardDuty, Security Hub.

The account's trail acme-org-audit (seed.py) also delivers to a CloudWatch Logs group, where the
CIS-style metric filters and alarms live; root use, denied calls and IAM policy changes raise an
alarm, trail changes are counted by an alarm someone muted, security group changes by nothing.
Config, GuardDuty and Security Hub run in the home region only. moto has no GetEnabledStandards,
so the PCI DSS standard of eu-west-1's Security Hub comes out NOT_ASSESSED, with that reason.
"""

from __future__ import annotations

import boto3

from cardaudit.demo.seed import (
    DEMO_ACCOUNT,
    GLOBAL_REGION,
    HOME_REGION,
    Seeded,
    _arn,
    _client,
    _role_arn,
    _tag_list,
    _tags,
)

TRAIL_LOG_GROUP = "/aws/cloudtrail/acme-org-audit"
ALERTS_TOPIC = _arn("sns", "security-alerts")
_NAMESPACE = "CISBenchmark"
_TRAIL_BUCKET = f"acme-cloudtrail-logs-{DEMO_ACCOUNT}"

# (filter and metric name, pattern, alarm actions enabled); security group changes have none.
_WATCHES: tuple[tuple[str, str, bool], ...] = (
    ("root-usage", '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && '
                   '$.eventType != "AwsServiceEvent" }', True),
    ("unauthorized-api-calls", '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
     True),
    ("iam-policy-changes", "{" + "||".join(f"($.eventName={n})" for n in (
        "DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy", "PutGroupPolicy", "PutRolePolicy",
        "PutUserPolicy", "CreatePolicy", "DeletePolicy", "CreatePolicyVersion", "DeletePolicyVersion",
        "AttachRolePolicy", "DetachRolePolicy", "AttachUserPolicy", "DetachUserPolicy", "AttachGroupPolicy",
        "DetachGroupPolicy")) + "}", True),
    # Muted during the log bucket migration, like log file validation, and never unmuted (gap).
    ("cloudtrail-config-changes", "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || "
                                  "($.eventName = DeleteTrail) || ($.eventName = StartLogging) || "
                                  "($.eventName = StopLogging) }", False),
)

DOMAIN_GAPS: dict[str, str] = {
    _arn("logs", "log-group:/aws/lambda/card-events-consumer"): "log events expire after 14 days",
    _arn("logs", f"log-group:{TRAIL_LOG_GROUP}"): (
        "no alarm on security group changes; the CloudTrail-changes alarm has its actions disabled"),
    _arn("cloudtrail", "trail/acme-payments-debug"): (
        "single-region debug trail: no KMS key, no CloudWatch Logs delivery"),
    f"arn:aws:config:{GLOBAL_REGION}:{DEMO_ACCOUNT}:configuration-recorder/none": (
        "AWS Config not recording in us-east-1"),
    f"arn:aws:guardduty:{GLOBAL_REGION}:{DEMO_ACCOUNT}:detector/none": "no GuardDuty detector in us-east-1",
    f"arn:aws:securityhub:{GLOBAL_REGION}:{DEMO_ACCOUNT}:hub/default": "Security Hub not enabled in us-east-1",
}


def seed(session: boto3.session.Session, seeded: Seeded) -> None:
    """Create this domain's resources: compliant ones and the gaps listed in DOMAIN_GAPS."""
    _seed_logs_and_alarms(session, seeded)
    _seed_debug_trail(session)
    _seed_detection(session)


def _seed_logs_and_alarms(session: boto3.session.Session, seeded: Seeded) -> None:
    logs = _client(session, "logs", HOME_REGION)
    logs.create_log_group(logGroupName=TRAIL_LOG_GROUP, kmsKeyId=seeded.keys.cards_data,
                          tags=_tags("infra", "audit", **{"managed-by": "pulumi"}))
    logs.put_retention_policy(logGroupName=TRAIL_LOG_GROUP, retentionInDays=400)
    # SAM's default for the function's logs, never raised (gap).
    logs.create_log_group(logGroupName="/aws/lambda/card-events-consumer", tags=_tags("app", "card-events"))
    logs.put_retention_policy(logGroupName="/aws/lambda/card-events-consumer", retentionInDays=14)
    _client(session, "cloudtrail", HOME_REGION).update_trail(
        Name="acme-org-audit", CloudWatchLogsLogGroupArn=_arn("logs", f"log-group:{TRAIL_LOG_GROUP}:*"),
        CloudWatchLogsRoleArn=_role_arn("cloudtrail-to-cloudwatch"))
    cloudwatch = _client(session, "cloudwatch", HOME_REGION)
    for name, pattern, acting in _WATCHES:
        logs.put_metric_filter(logGroupName=TRAIL_LOG_GROUP, filterName=name, filterPattern=pattern,
                               metricTransformations=[{"metricName": name, "metricNamespace": _NAMESPACE,
                                                       "metricValue": "1"}])
        cloudwatch.put_metric_alarm(
            AlarmName=f"cis-{name}", MetricName=name, Namespace=_NAMESPACE, Statistic="Sum", Period=300,
            EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanOrEqualToThreshold",
            ActionsEnabled=acting, AlarmActions=[ALERTS_TOPIC],
            Tags=_tag_list(_tags("infra", "audit", **{"managed-by": "pulumi"})))


def _seed_debug_trail(session: boto3.session.Session) -> None:
    """A single-region trail the payments team created by hand while debugging, left running (gap)."""
    cloudtrail = _client(session, "cloudtrail", HOME_REGION)
    cloudtrail.create_trail(Name="acme-payments-debug", S3BucketName=_TRAIL_BUCKET, S3KeyPrefix="payments-debug",
                            IsMultiRegionTrail=False, IncludeGlobalServiceEvents=False,
                            EnableLogFileValidation=True, TagsList=_tag_list(_tags("app", "payments")))
    cloudtrail.start_logging(Name="acme-payments-debug")


def _seed_detection(session: boto3.session.Session) -> None:
    """Config, GuardDuty and Security Hub in the home region; us-east-1 was never set up (gaps)."""
    config = _client(session, "config", HOME_REGION)
    config.put_configuration_recorder(ConfigurationRecorder={
        "name": "default", "roleARN": _role_arn("aws-config"),
        "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True}})
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": _TRAIL_BUCKET,
                                                 "s3KeyPrefix": "config"})
    config.start_configuration_recorder(ConfigurationRecorderName="default")
    _client(session, "guardduty", HOME_REGION).create_detector(
        Enable=True, FindingPublishingFrequency="FIFTEEN_MINUTES", Tags=_tags("infra", "security"))
    _client(session, "securityhub", HOME_REGION).enable_security_hub(
        EnableDefaultStandards=False, Tags=_tags("infra", "security"))
