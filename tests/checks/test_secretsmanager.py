"""Secrets Manager checks against moto."""

from __future__ import annotations

from tests.conftest import Aws, outcomes, run_check


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


def test_secret_kms_key(aws: Aws) -> None:
    kms = aws.client("kms")
    cmk = kms.create_key()["KeyMetadata"]["Arn"]
    kms.create_alias(AliasName="alias/cards-data", TargetKeyId=cmk)
    sm = aws.client("secretsmanager")
    sm.create_secret(Name="prod/card-api/db", SecretString="x", KmsKeyId=cmk)
    sm.create_secret(Name="prod/auth-api/jwt", SecretString="x", KmsKeyId="alias/cards-data")
    sm.create_secret(Name="prod/legacy/ftp", SecretString="y")  # aws/secretsmanager
    sm.create_secret(Name="prod/partner/api", SecretString="z", KmsKeyId="arn:aws:kms:eu-west-1:444455556666:key/x")
    check = "secretsmanager_secret_customer_managed_key"
    assert outcomes(run_check(check, aws.collect("secretsmanager", "kms"))) == {
        ("prod/card-api/db", "PASS"), ("prod/auth-api/jwt", "PASS"), ("prod/legacy/ftp", "FAIL"),
        ("prod/partner/api", "PASS")}
    aws.deny("kms", "ListKeys")
    assert outcomes(run_check(check, aws.collect("secretsmanager", "kms"))) == {("*@eu-west-1", "NOT_ASSESSED")}
