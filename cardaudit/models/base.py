"""Shared pydantic base classes and small enums."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict


class Frozen(BaseModel):
    """Immutable model that rejects unknown keys, so a typo in saved data is an error, not a default."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Status(StrEnum):
    """Outcome of one check on one resource."""

    PASS = "PASS"
    FAIL = "FAIL"
    NOT_ASSESSED = "NOT_ASSESSED"
    ERROR = "ERROR"


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


def _pci_id(value: object) -> object:
    if isinstance(value, float):
        # YAML reads an unquoted 10.10 as the number 10.1: refuse rather than guess.
        raise ValueError('quote PCI DSS ids ("10.2") so YAML does not read them as numbers')
    return str(value) if isinstance(value, int) else value


PciId = Annotated[str, BeforeValidator(_pci_id)]
"""A PCI DSS item id (or id pattern) as written in YAML: quoted text, or a bare integer like 12."""
