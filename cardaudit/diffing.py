"""Compare two reports: what failed since last time, what got fixed, what cardaudit stopped seeing.

Finding ids are hashes of the check and the resource, so the same resource keeps its id across
runs; PCI item ids are the catalogue's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cardaudit.models.base import Status
from cardaudit.models.finding import Finding
from cardaudit.models.report import Report

_BAD = (Status.FAIL, Status.ERROR)


@dataclass
class ReportDiff:
    new_failures: list[Finding] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)
    still_failing: list[Finding] = field(default_factory=list)
    newly_blind: list[Finding] = field(default_factory=list)  # seen before, NOT_ASSESSED now
    gone: list[Finding] = field(default_factory=list)  # failing before, absent now (deleted?)
    items: list[tuple[str, str, str]] = field(default_factory=list)  # (item id, before, after)


def diff_reports(before: Report, after: Report) -> ReportDiff:
    old = {f.id: f for f in before.findings}
    new = {f.id: f for f in after.findings}
    out = ReportDiff()
    for fid, f in new.items():
        was = old.get(fid)
        if f.status in _BAD:
            (out.still_failing if was and was.status in _BAD else out.new_failures).append(f)
        elif was and was.status in _BAD and f.status == Status.PASS:
            out.fixed.append(f)
        elif was and was.status != Status.NOT_ASSESSED and f.status == Status.NOT_ASSESSED:
            out.newly_blind.append(f)
    out.gone = [f for fid, f in old.items() if fid not in new and f.status in _BAD]
    before_items = {r.id: r.status.value for r in before.requirements}
    out.items = [(r.id, before_items[r.id], r.status.value) for r in after.requirements
                 if r.id in before_items and before_items[r.id] != r.status.value]
    return out
