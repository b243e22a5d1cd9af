"""Statuses and severities: plain enums without pydantic, so the CLI can name them cheaply."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Outcome of one check on one resource."""

    PASS = "PASS"
    FAIL = "FAIL"
    NOT_ASSESSED = "NOT_ASSESSED"
    ERROR = "ERROR"
    WAIVED = "WAIVED"  # a FAIL under an active waiver (waivers.yaml): an accepted exception, never a PASS


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {
    Severity.CRITICAL: 4,
    Severity.HIGH: 3,
    Severity.MEDIUM: 2,
    Severity.LOW: 1,
    Severity.INFO: 0,
}
