"""Secrets Manager secrets: automatic rotation, and encryption under a customer managed KMS key."""

from __future__ import annotations

from collections.abc import Iterator

from cardaudit.engine.registry import check
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.models.inventory import KmsKey, Secret

from .kms import find_key, is_aws_managed_alias


@check(
    title="Secrets Manager secrets rotate automatically",
    severity=Severity.MEDIUM, category="identity", resource_type="AWS::SecretsManager::Secret", needs=("secrets",),
)
def secretsmanager_secret_rotation_enabled(secrets: list[Secret]) -> Iterator[Result]:
    """What it checks:
    Each secret has automatic rotation configured.

    Why it matters:
    Database and service credentials are shared system-account passwords; without rotation a
    leaked one stays valid indefinitely.

    How to fix:
    Attach a rotation function and schedule (`aws secretsmanager rotate-secret --rotation-rules
    ScheduleExpression=...`), for example the AWS-provided RDS rotation templates.
    """
    for secret in secrets:
        if secret.rotation_enabled:
            yield Result.passed(secret.ref(), "automatic rotation is configured")
        else:
            yield Result.failed(secret.ref(), "automatic rotation is not configured")


@check(
    title="Secrets Manager secrets are encrypted with a customer managed KMS key",
    severity=Severity.LOW, category="encryption", resource_type="AWS::SecretsManager::Secret",
    needs=("secrets", "kms_keys"),
)
def secretsmanager_secret_customer_managed_key(secrets: list[Secret], keys: list[KmsKey]) -> Iterator[Result]:
    """What it checks:
    Each secret's KMS key (ListSecrets `KmsKeyId`) is a customer managed key. A secret without
    one is encrypted with the AWS managed key `aws/secretsmanager` and FAILs, as does one naming
    an `alias/aws/` alias or a key that KMS reports as AWS managed. A key in another account is
    customer managed by definition (AWS managed keys cannot be used across accounts).

    Why it matters:
    The policy of `aws/secretsmanager` lets every principal of the account that may call Secrets
    Manager decrypt through it; it cannot be narrowed. With a customer managed key, reading a
    database or API credential also needs `kms:Decrypt` under a key policy you write, and the
    key's use is governed and audited apart from the secret's resource policy.

    How to fix:
    `aws secretsmanager update-secret --secret-id <secret> --kms-key-id <key>` with a customer
    managed key whose policy names the applications that read the secret; the next version of
    the secret is encrypted with it (rotate or put a new value to re-encrypt the current one).
    """
    for secret in secrets:
        ref = secret.kms_key_id
        if ref is None or is_aws_managed_alias(ref):
            yield Result.failed(secret.ref(), "encrypted with the AWS managed key aws/secretsmanager",
                                kms_key=ref or "aws/secretsmanager")
            continue
        key = find_key(keys, ref, secret.account, secret.region)
        if key is not None:
            if key.aws_managed:
                yield Result.failed(secret.ref(), f"encrypted with the AWS managed key {key.name}", kms_key=ref)
            else:
                yield Result.passed(secret.ref(), f"encrypted with the customer managed key {key.name}", kms_key=ref)
        elif ref.startswith("arn:") and ref.split(":")[4] != secret.account:
            yield Result.passed(secret.ref(), "encrypted with a key of another account, which is customer managed",
                                kms_key=ref)
        else:
            yield Result.not_assessed(secret.ref(), f"its KMS key {ref} is not among the keys read in "
                                                    f"{secret.account}/{secret.region}", kms_key=ref)
