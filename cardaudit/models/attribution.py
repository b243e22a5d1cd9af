"""What the attribute stage hands the roll-up: requirement owners and applicability, as data."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from cardaudit.models.base import Frozen

OwnerStatus = Literal["owned", "unowned", "contested"]


class RequirementOwner(Frozen):
    """Who owns one PCI requirement, and the ownership.yaml rule that decided it (`file:line`)."""

    status: OwnerStatus
    primary: str | None = None
    supporting: list[str] = Field(default_factory=list)
    rule: str | None = None

    @property
    def owner(self) -> str | None:
        return self.primary if self.status == "owned" else None


class Applicability(Frozen):
    """The most specific requirements rule covering an item: it may take the item out of scope."""

    rule_id: str
    where: str
    not_applicable: bool
    note: str | None = None


class RequirementAttribution(Frozen):
    """Per requirement id: its owner and the rule that may change whether it applies."""

    owners: dict[str, RequirementOwner] = Field(default_factory=dict)
    applicability: dict[str, Applicability] = Field(default_factory=dict)
