"""Verdicts several checks share, written once so live and repository checks judge alike.

Checks import this module, the models and the registry, nothing else. The collectors' side of
secret handling (turning a value into its shape) lives in `cardaudit.redact`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cardaudit.models.containers import LOCAL_LOG_DRIVERS, EcsContainer, EnvVar, ValueShape
from cardaudit.redact import name_looks_secret

# Shapes that are a credential whatever the variable is called.
CREDENTIAL_SHAPES = frozenset({
    ValueShape.AWS_ACCESS_KEY_ID, ValueShape.PRIVATE_KEY, ValueShape.CONNECTION_STRING, ValueShape.JWT,
})

# Evidence never carries a value; this marker says one was seen and withheld.
REDACTED = "<redacted>"


def looks_like_plaintext_secret(var: EnvVar) -> bool:
    """True when a variable most likely carries a credential in clear text."""
    if var.shape in CREDENTIAL_SHAPES:
        return True
    if var.shape in (ValueShape.EMPTY, ValueShape.REFERENCE):
        return False
    return name_looks_secret(var.name)


def plaintext_secrets(variables: Iterable[EnvVar]) -> list[str]:
    """Names of the variables that look like credentials in clear text, in input order."""
    return [v.name for v in variables if looks_like_plaintext_secret(v)]


def secrets_reason(subject: str, names: list[str]) -> str:
    """One wording for every plaintext-secret FAIL, live or in a repository."""
    return f"{subject}: plaintext secret-looking variable(s) {', '.join(names)}"


def logs_leave_host(log_driver: str | None) -> bool:
    """True when a log driver ships logs off the task (awslogs, awsfirelens, splunk, ...)."""
    return bool(log_driver) and log_driver not in LOCAL_LOG_DRIVERS


@dataclass(frozen=True)
class LoggingVerdict:
    """Whether one container's logs leave the host, and the sentence that says so."""

    ok: bool
    reason: str


def container_logging(container: EcsContainer) -> LoggingVerdict:
    """One wording for every container logging result, live or in a repository."""
    name, driver = container.name, container.log_driver
    if logs_leave_host(driver):
        return LoggingVerdict(True, f"container {name} logs via {driver}")
    if driver:
        return LoggingVerdict(False, f"container {name} logs only to the host ({driver})")
    return LoggingVerdict(False, f"container {name} has no logConfiguration")
