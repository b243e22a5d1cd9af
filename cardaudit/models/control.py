"""The PCI DSS catalogue as data, and the per-item statuses of a run."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import Field, model_validator

from cardaudit.models.base import Frozen, PciId

Assessment = Literal["automated", "partial", "manual", "inherited"]
Responsibility = Literal["entity", "shared", "tpsp"]
ItemKind = Literal["principal", "appendix", "section", "heading", "requirement"]


class CatalogueItem(Frozen):
    id: PciId
    parent: PciId | None = None
    kind: ItemKind
    title: str
    assessment: Assessment | None = None
    responsibility: Responsibility | None = None
    sp_only: bool = False
    issuer_only: bool = False
    checks: list[str] = Field(default_factory=list)
    # The part of the item its checks decide, and why each check evidences it: a mapping an
    # assessor can reconcile pair by pair. The rest of the item is in `evidence`, for a person.
    automates: str | None = None
    why: dict[str, str] = Field(default_factory=dict)
    evidence: str | None = None
    security_hub: list[str] = Field(default_factory=list)
    config_rules: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _every_check_has_a_reason(self) -> CatalogueItem:
        if set(self.why) != set(self.checks):
            missing, extra = set(self.checks) - set(self.why), set(self.why) - set(self.checks)
            raise ValueError(f"item {self.id}: `why` must give one reason per check "
                             f"(missing: {sorted(missing) or '-'}; not a check of the item: {sorted(extra) or '-'})")
        if self.checks and not self.automates:
            raise ValueError(f"item {self.id}: say what part of the item its checks decide (`automates`)")
        return self

    @property
    def appendix(self) -> bool:
        return self.id.startswith("A")


class CatalogueFile(Frozen):
    catalogue: Literal["pci-dss"]
    version: str
    items: list[CatalogueItem]


class ItemStatus(StrEnum):
    FAIL = "FAIL"
    ERROR = "ERROR"
    ATTESTATION_EXPIRED = "ATTESTATION_EXPIRED"
    NOT_ASSESSED = "NOT_ASSESSED"
    # Passing with exceptions: its only non-passing results are waived. Never PASS; worse than MANUAL.
    WAIVED = "WAIVED"
    MANUAL = "MANUAL"
    ATTESTED = "ATTESTED"
    PASS = "PASS"
    INHERITED = "INHERITED"
    NOT_APPLICABLE = "NOT_APPLICABLE"


# Worst first: the order used to roll children and checks up into one status.
ITEM_STATUS_ORDER = list(ItemStatus)


class AttestationRef(Frozen):
    status: str
    evidence: str
    attested_by: str
    date: dt.date
    expires: dt.date | None = None
    where: str


class RequirementStatus(Frozen):
    id: str
    parent: str | None
    kind: ItemKind
    title: str
    status: ItemStatus
    assessment: Assessment | None = None
    responsibility: Responsibility | None = None
    owner: str | None = None
    supporting: list[str] = Field(default_factory=list)
    owner_rule: str | None = None
    checks: list[str] = Field(default_factory=list)
    counts: dict[str, int] = Field(default_factory=dict)
    reason: str = ""
    evidence_guidance: str | None = None
    attestation: AttestationRef | None = None
