"""Waivers: a person's approved, dated exception for failing findings, and what became of it in a run."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from cardaudit.models.base import Frozen, PciId

WaiverState = Literal["active", "expired", "stale"]


class WaiverRef(Frozen):
    """The waiver a finding carries: WAIVED while `active`, FAIL again once `expired`."""

    id: str
    state: Literal["active", "expired"]
    reason: str
    approved_by: str
    team: str
    expires: dt.date | None = None
    where: str  # file:line of the waiver


class WaiverStatus(Frozen):
    """One waiver of the file as the assessor sees it: what it matches, who approved it, its state this run.

    active: it waives at least one failing finding; expired: its date has passed (the findings it
    matches are FAIL again, with `waiver_expired`); stale: it matches no failing finding (fixed, or the
    resource is gone), so it can be removed.
    """

    id: str
    where: str
    state: WaiverState
    check: str | None = None
    resource: str | None = None
    path: str | None = None
    requirement: PciId | None = None
    reason: str
    approved_by: str
    team: str
    expires: dt.date | None = None
    findings: list[str] = Field(default_factory=list)  # ids of the failing findings it matches
