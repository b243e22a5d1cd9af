"""What a check says about one resource, and the finding the report carries."""

from __future__ import annotations

import hashlib
from typing import Any, Literal

from pydantic import Field, JsonValue

from cardaudit.models.base import Frozen, Severity, Status
from cardaudit.models.waiver import WaiverRef


class ResourceRef(Frozen):
    """Normalised identity of what a result is about: an AWS resource, a repo artifact, or a scope."""

    type: str
    id: str
    arn: str | None = None
    account: str | None = None
    region: str | None = None
    name: str | None = None
    repo: str | None = None
    path: str | None = None
    line: int | None = None
    field: str | None = None

    @property
    def key(self) -> str:
        """Stable identity used for finding ids and ownership look-ups."""
        if self.arn:
            return self.arn
        if self.path:
            where = f"{self.repo}:{self.path}" if self.repo else self.path
            return f"{where}#{self.field}" if self.field else where
        return f"{self.type}/{self.account or '-'}/{self.region or '-'}/{self.id}"

    @property
    def display(self) -> str:
        if self.path:
            loc = f"{self.repo}:{self.path}" if self.repo else self.path
            loc = f"{loc}:{self.line}" if self.line else loc
            return f"{loc} {self.field}" if self.field else loc
        return self.arn or f"{self.type} {self.id} ({self.account or '-'}/{self.region or '-'})"


class Result(Frozen):
    """One check's verdict on one resource. Checks yield these; the engine turns them into findings."""

    resource: ResourceRef
    status: Status
    reason: str
    evidence: dict[str, JsonValue] = Field(default_factory=dict)

    @classmethod
    def passed(cls, resource: ResourceRef, reason: str, **evidence: Any) -> Result:
        return cls(resource=resource, status=Status.PASS, reason=reason, evidence=evidence)

    @classmethod
    def failed(cls, resource: ResourceRef, reason: str, **evidence: Any) -> Result:
        return cls(resource=resource, status=Status.FAIL, reason=reason, evidence=evidence)

    @classmethod
    def error(cls, resource: ResourceRef, reason: str, **evidence: Any) -> Result:
        """cardaudit could not process what it read (an artifact that does not parse)."""
        return cls(resource=resource, status=Status.ERROR, reason=reason, evidence=evidence)

    @classmethod
    def not_assessed(cls, resource: ResourceRef, reason: str, **evidence: Any) -> Result:
        return cls(resource=resource, status=Status.NOT_ASSESSED, reason=reason, evidence=evidence)


FindingKind = Literal["control", "ownership"]

# Findings about a PCI requirement carry this resource type; the roll-up lets them evidence only
# items of the same principal requirement (an unowned 10.x item says nothing about 1.1.2).
PCI_REQUIREMENT = "PCI::Requirement"


class Finding(Frozen):
    """A result placed in context: which check, how severe, who owns it, which PCI items it evidences."""

    id: str
    check_id: str
    status: Status
    severity: Severity
    kind: FindingKind = "control"
    resource: ResourceRef
    reason: str
    evidence: dict[str, JsonValue] = Field(default_factory=dict)
    owner: str | None = None
    supporting: list[str] = Field(default_factory=list)
    owner_rule: str | None = None
    pci: list[str] = Field(default_factory=list)
    waiver: WaiverRef | None = None  # set by the waiver stage: why it is WAIVED, or which waiver expired

    @classmethod
    def of(cls, check_id: str, severity: Severity, kind: FindingKind, result: Result) -> Finding:
        """The finding for one check result, before attribution and roll-up."""
        return cls(id=cls.make_id(check_id, result.resource), check_id=check_id, status=result.status,
                   severity=severity, kind=kind, resource=result.resource, reason=result.reason,
                   evidence=result.evidence)

    # Findings never change; these typed copies are the only ways later stages add to one.
    def with_owner(self, owner: str | None, supporting: list[str], rule: str | None) -> Finding:
        """A copy routed to `owner` (the attribute stage), with the rule that decided it."""
        return self.model_copy(update={"owner": owner, "supporting": list(supporting), "owner_rule": rule})

    def with_pci(self, items: list[str]) -> Finding:
        """A copy tagged with the PCI items it evidences (the roll-up stage)."""
        return self.model_copy(update={"pci": list(items)})

    def with_waiver(self, waiver: WaiverRef) -> Finding:
        """A FAIL under a waiver: WAIVED while it is active, still FAIL (`waiver_expired`) once it is not."""
        if waiver.state == "active":
            return self.model_copy(update={"status": Status.WAIVED, "waiver": waiver})
        note = f" (waiver_expired: {waiver.id} approved by {waiver.approved_by} expired {waiver.expires})"
        return self.model_copy(update={"waiver": waiver, "reason": self.reason + note})

    @property
    def waiver_expired(self) -> bool:
        return self.waiver is not None and self.waiver.state == "expired"

    @staticmethod
    def make_id(check_id: str, resource: ResourceRef) -> str:
        digest = hashlib.sha256(f"{check_id}|{resource.key}".encode()).hexdigest()
        return digest[:16]
