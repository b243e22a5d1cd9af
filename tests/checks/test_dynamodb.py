"""DynamoDB checks against moto."""

from __future__ import annotations

from tests.conftest import Aws, outcomes, run_check

_KEYS = {"AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
         "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}], "BillingMode": "PAY_PER_REQUEST"}


def _tables(aws: Aws) -> None:
    ddb = aws.client("dynamodb")
    key = aws.client("kms").create_key()["KeyMetadata"]["Arn"]
    ddb.create_table(TableName="card-tokens", SSESpecification={"Enabled": True, "SSEType": "KMS",
                                                                "KMSMasterKeyId": key}, **_KEYS)
    ddb.update_continuous_backups(TableName="card-tokens",
                                  PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    ddb.create_table(TableName="sessions", **_KEYS)  # the AWS owned key, DynamoDB's default


def test_kms_encryption(aws: Aws) -> None:
    _tables(aws)
    findings = run_check("dynamodb_table_kms_encrypted", aws.collect("dynamodb"))
    assert outcomes(findings) == {("card-tokens", "PASS"), ("sessions", "FAIL")}
    assert next(f for f in findings if f.resource.name == "sessions").reason.startswith("AWS owned key only")
    aws.deny("dynamodb", "DescribeTable")
    assert outcomes(run_check("dynamodb_table_kms_encrypted", aws.collect("dynamodb"))) == {
        ("card-tokens", "NOT_ASSESSED"), ("sessions", "NOT_ASSESSED")}
    aws.deny("dynamodb", "ListTables")
    assert outcomes(run_check("dynamodb_table_kms_encrypted", aws.collect("dynamodb"))) == {
        ("*@eu-west-1", "NOT_ASSESSED")}


def test_point_in_time_recovery(aws: Aws) -> None:
    _tables(aws)
    inventory = aws.collect("dynamodb")
    assert {t.name: t.tags for t in inventory.dynamodb_tables.items} == {"card-tokens": {}, "sessions": {}}
    assert outcomes(run_check("dynamodb_table_point_in_time_recovery", inventory)) == {
        ("card-tokens", "PASS"), ("sessions", "FAIL")}
    aws.deny("dynamodb", "DescribeContinuousBackups")
    assert outcomes(run_check("dynamodb_table_point_in_time_recovery", aws.collect("dynamodb"))) == {
        ("card-tokens", "NOT_ASSESSED"), ("sessions", "NOT_ASSESSED")}
    aws.deny("dynamodb", "ListTables")
    assert outcomes(run_check("dynamodb_table_point_in_time_recovery", aws.collect("dynamodb"))) == {
        ("*@eu-west-1", "NOT_ASSESSED")}
