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
