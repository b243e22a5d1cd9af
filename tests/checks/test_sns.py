"""SNS checks against moto."""

from __future__ import annotations

from tests.conftest import Aws, outcomes, run_check


def test_sns_encryption(aws: Aws) -> None:
    sns = aws.client("sns")
    sns.create_topic(Name="card-alarms", Attributes={"KmsMasterKeyId": "alias/aws/sns"},
                     Tags=[{"Key": "team", "Value": "infra"}])
    sns.create_topic(Name="ops-notices")  # SNS has no default encryption
    inventory = aws.collect("sns")
    assert {t.name: t.tags for t in inventory.sns_topics.items} == {"card-alarms": {"team": "infra"},
                                                                   "ops-notices": {}}
    assert outcomes(run_check("sns_topic_kms_encrypted", inventory)) == {
        ("card-alarms", "PASS"), ("ops-notices", "FAIL")}
    aws.deny("sns", "GetTopicAttributes")
    assert outcomes(run_check("sns_topic_kms_encrypted", aws.collect("sns"))) == {
        ("card-alarms", "NOT_ASSESSED"), ("ops-notices", "NOT_ASSESSED")}
    aws.deny("sns", "ListTopics")
    assert outcomes(run_check("sns_topic_kms_encrypted", aws.collect("sns"))) == {("*@eu-west-1", "NOT_ASSESSED")}
