"""RDS, SQS and Secrets Manager checks against moto."""

from __future__ import annotations

from tests.conftest import Aws, outcomes, run_check


def _db(aws: Aws, name: str, encrypted: bool, public: bool = False) -> None:
    aws.client("rds").create_db_instance(
        DBInstanceIdentifier=name, Engine="postgres", DBInstanceClass="db.t3.micro", AllocatedStorage=20,
        MasterUsername="cards", MasterUserPassword="Correct-Horse-9", StorageEncrypted=encrypted,
        PubliclyAccessible=public)


def test_rds_encryption_and_exposure(aws: Aws) -> None:
    _db(aws, "cards-db", encrypted=True)
    _db(aws, "reporting-db", encrypted=False, public=True)
    inventory = aws.collect("rds")
    assert outcomes(run_check("rds_instance_storage_encrypted", inventory)) == {
        ("cards-db", "PASS"), ("reporting-db", "FAIL")}
    assert outcomes(run_check("rds_instance_not_publicly_accessible", inventory)) == {
        ("cards-db", "PASS"), ("reporting-db", "FAIL")}


def test_rds_denied(aws: Aws) -> None:
    _db(aws, "cards-db", encrypted=True)
    aws.deny("rds", "DescribeDBInstances")
    inventory = aws.collect("rds")
    assert outcomes(run_check("rds_instance_storage_encrypted", inventory)) == {("*@eu-west-1", "NOT_ASSESSED")}
    assert outcomes(run_check("rds_instance_not_publicly_accessible", inventory)) == {
        ("*@eu-west-1", "NOT_ASSESSED")}


def test_sqs_encryption(aws: Aws) -> None:
    sqs = aws.client("sqs")
    sqs.create_queue(QueueName="card-events", Attributes={"KmsMasterKeyId": "alias/cards-data"})
    sqs.create_queue(QueueName="card-events-dlq")  # SQS-managed SSE is the default since 2022
    sqs.create_queue(QueueName="legacy-export", Attributes={"SqsManagedSseEnabled": "false"})
    assert outcomes(run_check("sqs_queue_encrypted", aws.collect("sqs"))) == {
        ("card-events", "PASS"), ("card-events-dlq", "PASS"), ("legacy-export", "FAIL")}
    aws.deny("sqs", "GetQueueAttributes")
    assert outcomes(run_check("sqs_queue_encrypted", aws.collect("sqs"))) == {("*@eu-west-1", "NOT_ASSESSED")}


def test_secret_rotation(aws: Aws) -> None:
    sm = aws.client("secretsmanager")
    sm.create_secret(Name="prod/card-api/db", SecretString="x")
    sm.rotate_secret(SecretId="prod/card-api/db", RotationRules={"AutomaticallyAfterDays": 30},
                     RotateImmediately=False)
    sm.create_secret(Name="prod/legacy/ftp", SecretString="y")
    assert outcomes(run_check("secretsmanager_secret_rotation_enabled", aws.collect("secretsmanager"))) == {
        ("prod/card-api/db", "PASS"), ("prod/legacy/ftp", "FAIL")}
    aws.deny("secretsmanager", "ListSecrets")
    assert outcomes(run_check("secretsmanager_secret_rotation_enabled", aws.collect("secretsmanager"))) == {
        ("*@eu-west-1", "NOT_ASSESSED")}
