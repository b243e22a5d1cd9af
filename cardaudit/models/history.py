"""Runs kept in the history store, and what changed between two runs."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from pydantic import Field

from cardaudit.models.base import Frozen, Severity, Status


class Scope(Frozen):
    """What a run looked at. Runs of the same scope are compared with each other."""

    accounts: list[str] = Field(default_factory=list)
    regions: list[str] = Field(default_factory=list)
    repos: list[str] = Field(default_factory=list)
    profile: str = ""
    catalogue: str = ""

    @property
    def key(self) -> str:
        text = json.dumps(self.model_dump(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]


class RunRecord(Frozen):
    """One stored run, without its report."""

    run_id: str
    started_at: datetime
    finished_at: datetime
    scope_key: str
    scope: Scope
    tool_version: str
    summary: dict[str, dict[str, int]] = Field(default_factory=dict)  # findings / requirements counts


class FindingChange(Frozen):
    finding_id: str
    check_id: str
    severity: Severity
    resource: str  # the resource's display name
    before: Status | None = None  # None: no such finding in the earlier run
    after: Status | None = None  # None: no such finding in the later run
    owner: str | None = None
    reason: str = ""


class ItemChange(Frozen):
    id: str
    before: str
    after: str


class OwnershipChange(Frozen):
    resource: str
    type: str
    before: str | None  # None: it had no owner
    after: str | None  # None: it became unowned


class GoneResource(Frozen):
    """A resource the earlier run had findings about and the later one has none (deleted, or out of scope)."""

    resource: str
    type: str
    owner: str | None = None
    failing_before: list[str] = Field(default_factory=list)  # its checks that were FAIL or ERROR


class RunDiff(Frozen):
    """What changed from an earlier run (`against`) to this one.

    new_failures: FAIL or ERROR now, and not FAIL or ERROR before (a new resource, a regression of a
    finding, or a waiver that expired); fixed: FAIL or ERROR before, PASS now; still_failing: both;
    newly_waived: FAIL before, WAIVED now; newly_blind: assessed before, NOT_ASSESSED now;
    regressions / improvements: PCI requirements whose status got worse / better; ownership_changes: a
    resource's owner changed or it became unowned; gone: resources with findings before and none now.
    """

    against: str  # the earlier run's id, or its file
    against_started_at: datetime | None = None
    new_failures: list[FindingChange] = Field(default_factory=list)
    fixed: list[FindingChange] = Field(default_factory=list)
    still_failing: list[FindingChange] = Field(default_factory=list)
    newly_waived: list[FindingChange] = Field(default_factory=list)
    newly_blind: list[FindingChange] = Field(default_factory=list)
    regressions: list[ItemChange] = Field(default_factory=list)
    improvements: list[ItemChange] = Field(default_factory=list)
    ownership_changes: list[OwnershipChange] = Field(default_factory=list)
    gone: list[GoneResource] = Field(default_factory=list)

    @property
    def worse(self) -> bool:
        """What `--fail-on-new` fails on: new failures or regressed PCI items."""
        return bool(self.new_failures or self.regressions)

    def counts(self) -> dict[str, int]:
        return {"new failures": len(self.new_failures), "fixed": len(self.fixed),
                "still failing": len(self.still_failing), "newly waived": len(self.newly_waived),
                "newly not assessed": len(self.newly_blind), "PCI regressions": len(self.regressions),
                "PCI improvements": len(self.improvements), "ownership changes": len(self.ownership_changes),
                "resources gone": len(self.gone)}
