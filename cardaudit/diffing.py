"""Compare two reports: what failed since last time, what got fixed, what cardaudit stopped seeing.

Finding ids are hashes of the check and the resource, so the same resource keeps its id across
runs; PCI item ids are the catalogue's. The categories are those of `RunDiff`.
"""

from __future__ import annotations

from cardaudit.models.base import Status
from cardaudit.models.control import ITEM_STATUS_ORDER, ItemStatus
from cardaudit.models.finding import Finding
from cardaudit.models.history import FindingChange, GoneResource, ItemChange, OwnershipChange, RunDiff
from cardaudit.models.report import Report

_BAD = (Status.FAIL, Status.ERROR)


def _change(f: Finding, before: Status | None, after: Status | None) -> FindingChange:
    return FindingChange(finding_id=f.id, check_id=f.check_id, severity=f.severity, resource=f.resource.display,
                         before=before, after=after, owner=f.owner, reason=f.reason)


def _rank(status: str) -> int:
    """Position worst-first; an unknown status (from a newer cardaudit) sorts last."""
    try:
        return ITEM_STATUS_ORDER.index(ItemStatus(status))
    except ValueError:
        return len(ITEM_STATUS_ORDER)


def _owners(report: Report) -> dict[str, tuple[str, str | None]]:
    """Resource key -> (type, owner) as the attribute stage routed its control findings."""
    out: dict[str, tuple[str, str | None]] = {}
    for f in report.findings:
        if f.kind == "control":
            key = f.resource.key
            if key not in out or (out[key][1] is None and f.owner):
                out[key] = (f.resource.type, f.owner)
    return out


def diff_reports(before: Report, after: Report, against: str = "") -> RunDiff:
    old = {f.id: f for f in before.findings}
    new = {f.id: f for f in after.findings}
    new_failures: list[FindingChange] = []
    fixed: list[FindingChange] = []
    still: list[FindingChange] = []
    waived: list[FindingChange] = []
    blind: list[FindingChange] = []
    for fid, f in new.items():
        was = old.get(fid)
        was_status = was.status if was else None
        if f.status in _BAD:
            (still if was_status in _BAD else new_failures).append(_change(f, was_status, f.status))
        elif was_status in _BAD and f.status == Status.PASS:
            fixed.append(_change(f, was_status, f.status))
        elif was_status == Status.FAIL and f.status == Status.WAIVED:
            waived.append(_change(f, was_status, f.status))
        elif was_status not in (None, Status.NOT_ASSESSED) and f.status == Status.NOT_ASSESSED:
            blind.append(_change(f, was_status, f.status))

    before_items = {r.id: r.status.value for r in before.requirements}
    regressions: list[ItemChange] = []
    improvements: list[ItemChange] = []
    # Requirements only: a section or principal requirement follows its worst child, and listing it
    # too would count one change several times.
    for r in after.requirements:
        if r.kind != "requirement":
            continue
        was_item = before_items.get(r.id)
        if was_item is None or was_item == r.status.value:
            continue
        change = ItemChange(id=r.id, before=was_item, after=r.status.value)
        (regressions if _rank(r.status.value) < _rank(was_item) else improvements).append(change)

    owners_before, owners_after = _owners(before), _owners(after)
    ownership = [OwnershipChange(resource=key, type=kind, before=owner, after=owners_after[key][1])
                 for key, (kind, owner) in sorted(owners_before.items())
                 if key in owners_after and owners_after[key][1] != owner]
    present = {f.resource.key for f in after.findings}
    gone: dict[str, tuple[Finding, list[str]]] = {}
    for f in sorted(before.findings, key=lambda f: (f.resource.key, f.check_id)):
        if f.kind == "control" and f.resource.key not in present:
            failing = gone.setdefault(f.resource.key, (f, []))[1]
            if f.status in _BAD:
                failing.append(f.check_id)

    def order(rows: list[FindingChange]) -> list[FindingChange]:
        return sorted(rows, key=lambda c: (-c.severity.rank, c.check_id, c.resource))

    return RunDiff(against=against, against_started_at=before.run.started_at, new_failures=order(new_failures),
                   fixed=order(fixed), still_failing=order(still), newly_waived=order(waived),
                   newly_blind=order(blind), regressions=regressions, improvements=improvements,
                   ownership_changes=ownership,
                   gone=[GoneResource(resource=f.resource.display, type=f.resource.type, owner=f.owner,
                                      failing_before=failing) for f, failing in gone.values()])
