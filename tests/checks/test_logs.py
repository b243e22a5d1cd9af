"""CloudWatch Logs checks against moto, and the metric filter pattern reader."""

from __future__ import annotations

import pytest
from cardaudit.checks.aws.logs import PatternError, pattern_matcher

from tests.conftest import Aws, outcomes, run_check

RETENTION = "logs_log_group_retention_12_months"
KMS = "logs_log_group_kms_encrypted"


def test_retention_and_encryption(aws: Aws) -> None:
    logs = aws.client("logs")
    key = aws.client("kms").create_key()["KeyMetadata"]["Arn"]
    logs.create_log_group(logGroupName="/ecs/card-api", kmsKeyId=key)
    logs.put_retention_policy(logGroupName="/ecs/card-api", retentionInDays=400)
    logs.create_log_group(logGroupName="/aws/lambda/fx-rates")  # never expires
    logs.create_log_group(logGroupName="/ecs/debug")
    logs.put_retention_policy(logGroupName="/ecs/debug", retentionInDays=90)
    inventory = aws.collect("logs")
    assert outcomes(run_check(RETENTION, inventory)) == {
        ("/ecs/card-api", "PASS"), ("/aws/lambda/fx-rates", "PASS"), ("/ecs/debug", "FAIL")}
    debug = next(f for f in run_check(RETENTION, inventory) if f.resource.name == "/ecs/debug")
    assert debug.reason == "events expire after 90 days, less than the 365 days of history required"
    assert outcomes(run_check(KMS, inventory)) == {
        ("/ecs/card-api", "PASS"), ("/aws/lambda/fx-rates", "FAIL"), ("/ecs/debug", "FAIL")}
    group = inventory.logs_log_groups.items[0]
    assert group.arn == f"arn:aws:logs:eu-west-1:{group.account}:log-group:{group.name}"  # no `:*`


def test_unreadable_log_groups_are_not_assessed(aws: Aws) -> None:
    aws.client("logs").create_log_group(logGroupName="/ecs/card-api")
    aws.deny("logs", "DescribeLogGroups")
    inventory = aws.collect("logs")
    assert outcomes(run_check(RETENTION, inventory)) == {("*@eu-west-1", "NOT_ASSESSED")}
    assert outcomes(run_check(KMS, inventory)) == {("*@eu-west-1", "NOT_ASSESSED")}
    assert inventory.logs_metric_filters.errors == []  # the other list of the service is still read


def test_unreadable_tags_leave_the_verdicts(aws: Aws) -> None:
    aws.client("logs").create_log_group(logGroupName="/ecs/card-api")
    aws.deny("logs", "ListTagsForResource")
    inventory = aws.collect("logs")
    assert outcomes(run_check(RETENTION, inventory)) == {("/ecs/card-api", "PASS")}
    assert outcomes(run_check(KMS, inventory)) == {("/ecs/card-api", "FAIL")}


ROOT = '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }'
DENIED = ('{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && '
          '($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }')


@pytest.mark.parametrize(("pattern", "record", "matches"), [
    (ROOT, {"userIdentity": {"type": "Root"}, "eventType": "AwsApiCall"}, True),
    (ROOT, {"userIdentity": {"type": "Root", "invokedBy": "s3.amazonaws.com"}, "eventType": "AwsApiCall"}, False),
    (ROOT, {"userIdentity": {"type": "IAMUser"}, "eventType": "AwsApiCall"}, False),
    (DENIED, {"errorCode": "Client.UnauthorizedOperation"}, True),
    (DENIED, {"errorCode": "AccessDeniedException", "sourceIPAddress": "198.51.100.7", "eventName": "GetSecretValue"},
     True),
    (DENIED, {"errorCode": "AccessDenied", "sourceIPAddress": "198.51.100.7", "eventName": "HeadBucket"}, False),
    ("{($.eventName=PutRolePolicy)||($.eventName=DeleteRolePolicy)}", {"eventName": "PutRolePolicy"}, True),
    ("{($.eventName=PutRolePolicy)||($.eventName=DeleteRolePolicy)}", {"eventName": "PutRolePolicyX"}, False),
    ('{ $.eventName != "StopLogging" }', {}, False),  # a missing field matches neither = nor !=
    ("{ $.responseElements IS NULL }", {"responseElements": None}, True),
    ("{ $.readOnly IS FALSE }", {"readOnly": False}, True),
    ("{ $.requestParameters.ipPermissions.items[0].fromPort <= 22 }",
     {"requestParameters": {"ipPermissions": {"items": [{"fromPort": 22}]}}}, True),
    ("AccessDenied", {"errorCode": "AccessDenied"}, True),
    ('?AccessDenied ?"UnauthorizedOperation"', {"errorCode": "Client.UnauthorizedOperation"}, True),
    ("AccessDenied -HeadBucket", {"errorCode": "AccessDenied", "eventName": "HeadBucket"}, False),
    ("", {"anything": 1}, True),
])
def test_pattern_reader(pattern: str, record: dict[str, object], matches: bool) -> None:
    assert pattern_matcher(pattern)(record) is matches


@pytest.mark.parametrize("pattern", [
    "[ip, user, timestamp]", '{ $.eventName = %Delete.*% }', "{ $.eventName = ", "{ ($.eventName = X }",
    "{ $.eventName IN [a, b] }", "?a b",
])
def test_patterns_not_read_say_so(pattern: str) -> None:
    with pytest.raises(PatternError):
        pattern_matcher(pattern)
