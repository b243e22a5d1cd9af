"""Secrets Manager secrets: automatic rotation."""

from __future__ import annotations

from collections.abc import Iterator

from cardaudit.engine.registry import check
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.models.inventory import Secret


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
