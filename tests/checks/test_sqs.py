"""SQS checks against moto."""

from __future__ import annotations

from tests.conftest import Aws, outcomes, run_check


def test_sqs_encryption(aws: Aws) -> None:
    sqs = aws.client("sqs")
    sqs.create_queue(QueueName="card-events", Attributes={"KmsMasterKeyId": "alias/cards-data"})
    sqs.create_queue(QueueName="card-events-dlq")  # SQS-managed SSE is the default since 2022
    sqs.create_queue(QueueName="legacy-export", Attributes={"SqsManagedSseEnabled": "false"})
    findings = run_check("sqs_queue_kms_encrypted", aws.collect("sqs"))
    assert outcomes(findings) == {("card-events", "PASS"), ("card-events-dlq", "FAIL"), ("legacy-export", "FAIL")}
    dlq = next(f for f in findings if f.resource.name == "card-events-dlq")
    assert dlq.reason.startswith("SQS-managed keys only")  # the same rule as SSE-S3 for buckets
    aws.deny("sqs", "GetQueueAttributes")
    assert outcomes(run_check("sqs_queue_kms_encrypted", aws.collect("sqs"))) == {("*@eu-west-1", "NOT_ASSESSED")}


def test_old_id_still_selects_the_check() -> None:
    from cardaudit.audit import selected_checks

    assert [s.id for s in selected_checks(["sqs_queue_encrypted"])] == ["sqs_queue_kms_encrypted"]
