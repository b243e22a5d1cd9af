"""Shared pydantic base classes and small enums."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict

from cardaudit.models.enums import Severity, Status

__all__ = ["Frozen", "PciId", "Severity", "Status"]


class Frozen(BaseModel):
    """Immutable model that rejects unknown keys, so a typo in saved data is an error, not a default."""

    # defer_build: a model is compiled on first use, so commands that never touch the inventory
    # (controls, checks, --help) do not pay for building every resource model at import.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


def _pci_id(value: object) -> object:
    if isinstance(value, float):
        # YAML reads an unquoted 10.10 as the number 10.1: refuse rather than guess.
        raise ValueError('quote PCI DSS ids ("10.2") so YAML does not read them as numbers')
    return str(value) if isinstance(value, int) else value


PciId = Annotated[str, BeforeValidator(_pci_id)]
"""A PCI DSS item id (or id pattern) as written in YAML: quoted text, or a bare integer like 12."""
