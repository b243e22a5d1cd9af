"""The roll-up stage: PCI item statuses from findings, the catalogue and the ownership matrix.

- inherited items are INHERITED (the cloud provider's assessment covers them);
- an item with checks takes the worst status of their findings (FAIL > ERROR > NOT_ASSESSED >
  PASS); a partial item whose checks all pass still needs a person, so it is MANUAL;
- an item whose checks looked at nothing is NOT_ASSESSED, never PASS;
- manual items are MANUAL; sections and principals take the worst status of their children.
"""

from __future__ import annotations

from collections import Counter

from cardaudit.catalogue.load import Catalogue
from cardaudit.models.base import Status
from cardaudit.models.control import ITEM_STATUS_ORDER, CatalogueItem, ItemStatus, RequirementStatus
from cardaudit.models.finding import Finding
from cardaudit.ownership.gaps import PCI_REQUIREMENT
from cardaudit.ownership.resolve import Resolver


def tag_findings(findings: list[Finding], catalogue: Catalogue) -> list[Finding]:
    """Add the PCI items each finding evidences (the mapping lives only in the catalogue)."""
    items_for = catalogue.items_for_check()

    def items(finding: Finding) -> list[str]:
        mapped = items_for.get(finding.check_id, [])
        if finding.resource.type == PCI_REQUIREMENT:
            return [i for i in mapped if _principal(i) == _principal(finding.resource.id)]
        return mapped

    return [f.model_copy(update={"pci": items(f)}) for f in findings]


def worst(statuses: list[ItemStatus]) -> ItemStatus | None:
    return min(statuses, key=ITEM_STATUS_ORDER.index) if statuses else None


def _leaf_status(item: CatalogueItem, counts: Counter[str]) -> tuple[ItemStatus, str]:
    if item.assessment == "inherited":
        return ItemStatus.INHERITED, "covered by the cloud provider's PCI DSS assessment"
    if not item.checks:
        return ItemStatus.MANUAL, "needs evidence from a person (no automated check)"
    total = sum(counts.values())
    if total == 0:
        return ItemStatus.NOT_ASSESSED, "its checks found no resource in scope"
    for status in (Status.FAIL, Status.ERROR, Status.NOT_ASSESSED):
        if counts[status]:
            return ItemStatus(status.value), f"{counts[status]} of {total} check result(s) {status.value}"
    if item.assessment == "partial":
        return ItemStatus.MANUAL, f"all {total} check result(s) PASS; a person must still review the rest"
    return ItemStatus.PASS, f"all {total} check result(s) PASS"


def _principal(item_id: str) -> str:
    return item_id.split(".", 1)[0]


def roll_up(catalogue: Catalogue, findings: list[Finding], resolver: Resolver | None) -> list[RequirementStatus]:
    by_check: dict[str, Counter[str]] = {}
    # Findings about PCI requirements count only inside their own principal requirement.
    by_check_principal: dict[tuple[str, str], Counter[str]] = {}
    for finding in findings:
        if finding.resource.type == PCI_REQUIREMENT:
            key = (finding.check_id, _principal(finding.resource.id))
            by_check_principal.setdefault(key, Counter())[finding.status.value] += 1
        else:
            by_check.setdefault(finding.check_id, Counter())[finding.status.value] += 1

    statuses: dict[str, RequirementStatus] = {}
    # Children come after their parents in the file, so walk it backwards to have children first.
    for item in reversed(catalogue.items):
        counts: Counter[str] = Counter()
        for check_id in item.checks:
            counts.update(by_check.get(check_id, Counter()))
            counts.update(by_check_principal.get((check_id, _principal(item.id)), Counter()))
        child_ids = catalogue.children.get(item.id, [])
        if item.kind == "requirement" and not child_ids:
            status, reason = _leaf_status(item, counts)
        else:
            child_statuses = [statuses[c].status for c in child_ids]
            own = [_leaf_status(item, counts)[0]] if item.kind == "requirement" and item.checks else []
            status = worst(child_statuses + own) or ItemStatus.MANUAL
            reason = ", ".join(f"{n} {s}" for s, n in sorted(Counter(s.value for s in child_statuses).items()))
        owner = resolver.requirement(item.id) if resolver else None
        statuses[item.id] = RequirementStatus(
            id=item.id, parent=item.parent, kind=item.kind, title=item.title, status=status,
            assessment=item.assessment, responsibility=item.responsibility,
            owner=owner.primary if owner and owner.status == "owned" else None,
            supporting=list(owner.supporting) if owner else [],
            owner_rule=owner.rule_where if owner else None,
            checks=list(item.checks), counts=dict(counts), reason=reason, evidence_guidance=item.evidence,
        )
    return [statuses[item.id] for item in catalogue.items]
