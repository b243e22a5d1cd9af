"""SQS checks against moto."""

from __future__ import annotations

from tests.conftest import Aws, outcomes, run_check


def test_sqs_encryption(aws: Aws) -> None:
    sqs = aws.client("sqs")
    sqs.create_queue(QueueName="card-events", Attributes={"KmsMasterKeyId": "alias/cards-data"})
    sqs.create_queue(QueueName="card-events-dlq")  # SQS-managed SSE is the default since 2022
    sqs.create_queue(QueueName="legacy-export", Attributes={"SqsManagedSseEnabled": "false"})
    assert outcomes(run_check("sqs_queue_encrypted", aws.collect("sqs"))) == {
        ("card-events", "PASS"), ("card-events-dlq", "PASS"), ("legacy-export", "FAIL")}
    aws.deny("sqs", "GetQueueAttributes")
    assert outcomes(run_check("sqs_queue_encrypted", aws.collect("sqs"))) == {("*@eu-west-1", "NOT_ASSESSED")}
