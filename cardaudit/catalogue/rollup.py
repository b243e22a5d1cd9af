"""The roll-up stage: PCI item statuses from findings, the catalogue, scope and attestations.

For a requirement without children:
- out of scope (profile, default N/A, ownership.yaml override): NOT_APPLICABLE with the reason;
- inherited: INHERITED (the cloud provider's assessment covers it); when the responsibility is
  shared, the provider's share is inherited but the customer's share is MANUAL, so it can be
  attested (and an attestation `not_in_place` makes it FAIL);
- with checks: a FAIL, ERROR or NOT_ASSESSED in any mapped check makes the item that status (in
  that order); checks that looked at nothing give NOT_ASSESSED, never PASS;
- PASS only for an `automated` item whose every check ran and passed over a non-empty scope;
  when some of those results are WAIVED (a failure under an active waiver) the item is WAIVED,
  "passing with exceptions", never PASS;
  a `partial` item whose checks pass is MANUAL ("automated part passes, evidence still needed"),
  never PASS;
- otherwise MANUAL;
- a MANUAL or NOT_ASSESSED result is then settled by a current attestation (ATTESTED, or FAIL /
  NOT_APPLICABLE when the person says so) or flagged ATTESTATION_EXPIRED. A failing check is never
  overridden by an attestation.
Sections and principal requirements take the worst status of their in-scope children.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date

from cardaudit.catalogue.attest import Attested
from cardaudit.catalogue.load import Catalogue
from cardaudit.models.attribution import RequirementOwner
from cardaudit.models.base import Status
from cardaudit.models.control import (
    ITEM_STATUS_ORDER,
    AttestationRef,
    CatalogueItem,
    ItemStatus,
    RequirementStatus,
)
from cardaudit.models.finding import PCI_REQUIREMENT, Finding


def _principal(item_id: str) -> str:
    return item_id.split(".", 1)[0]


def tag_findings(findings: list[Finding], catalogue: Catalogue) -> list[Finding]:
    """Add the PCI items each finding evidences (the mapping lives only in the catalogue)."""
    items_for = catalogue.items_for_check()

    def items(finding: Finding) -> list[str]:
        mapped = items_for.get(finding.check_id, [])
        if finding.resource.type == PCI_REQUIREMENT:
            return [i for i in mapped if _principal(i) == _principal(finding.resource.id)]
        return mapped

    return [f.with_pci(items(f)) for f in findings]


def worst(statuses: list[ItemStatus]) -> ItemStatus | None:
    return min(statuses, key=ITEM_STATUS_ORDER.index) if statuses else None


def _skipped(item: CatalogueItem, skipped: Mapping[str, str]) -> str | None:
    """Why the item's checks skipped by choice did not run (`--no-aws`), naming a few; None if none was."""
    ids = [c for c in item.checks if c in skipped]
    if not ids:
        return None
    named = ", ".join(ids[:3]) + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")
    return f"{skipped[ids[0]]}: {len(ids)} of its {len(item.checks)} check(s) read the account ({named})"


def _checks_status(item: CatalogueItem, per_check: Mapping[str, Counter[str]],
                   ran: set[str] | None, skipped: Mapping[str, str]) -> tuple[ItemStatus, str]:
    if item.assessment == "inherited":
        if item.responsibility == "shared":
            return ItemStatus.MANUAL, ("the cloud provider's assessment covers its share only; the customer's share "
                                       "needs evidence")
        return ItemStatus.INHERITED, "covered by the cloud provider's PCI DSS assessment"
    if not item.checks:
        return ItemStatus.MANUAL, "needs evidence from a person (no automated check)"
    if ran is not None and not ran & set(item.checks):
        return ItemStatus.NOT_ASSESSED, (_skipped(item, skipped)
                                         or "none of its checks ran in this audit (--checks, or no ownership.yaml)")
    counts: Counter[str] = Counter()
    for check_id in item.checks:
        counts.update(per_check.get(check_id, Counter()))
    total = sum(counts.values())
    for status in (Status.FAIL, Status.ERROR, Status.NOT_ASSESSED):
        if counts[status]:
            return ItemStatus(status.value), f"{counts[status]} of {total} check result(s) {status.value}"
    # Checks skipped by choice decide part of the item: what ran cannot make it PASS, nor MANUAL.
    if (why := _skipped(item, skipped)) is not None:
        return ItemStatus.NOT_ASSESSED, why
    if total == 0:
        return ItemStatus.NOT_ASSESSED, "its checks found no resource in scope"
    # Failing results under an active waiver: passing with exceptions, never PASS.
    waived = (f"{counts[Status.WAIVED]} of {total} check result(s) WAIVED (passing with exceptions)"
              if counts[Status.WAIVED] else "")
    if item.assessment != "automated":
        if waived:
            return ItemStatus.WAIVED, waived + "; evidence still needed for the rest"
        return ItemStatus.MANUAL, (f"automated part passes ({total} check result(s) PASS); evidence still needed "
                                   "for the rest")
    # Automated: each check decides a part of the item, so each must have run and seen something.
    not_run = [c for c in item.checks if ran is not None and c not in ran]
    if not_run:
        return ItemStatus.NOT_ASSESSED, f"{', '.join(not_run)} did not run in this audit"
    silent = [c for c in item.checks if not sum(per_check.get(c, Counter()).values())]
    if silent:
        return ItemStatus.NOT_ASSESSED, f"{', '.join(silent)} found nothing in scope"
    if waived:
        return ItemStatus.WAIVED, waived
    return ItemStatus.PASS, f"all {total} check result(s) PASS"


def _attested(status: ItemStatus, reason: str, attested: Attested | None, today: date) -> tuple[ItemStatus, str]:
    if attested is None or status not in (ItemStatus.MANUAL, ItemStatus.NOT_ASSESSED):
        if attested is not None:
            reason += f"; attestation at {attested.where} does not override the checks"
        return status, reason
    att = attested.attestation
    if attested.expired(today):
        return ItemStatus.ATTESTATION_EXPIRED, f"attestation by {att.attested_by} expired {att.expires}"
    by = f"{att.attested_by} on {att.date}"
    if att.status == "not_in_place":
        return ItemStatus.FAIL, f"attested NOT in place by {by}"
    if att.status == "not_applicable":
        return ItemStatus.NOT_APPLICABLE, f"attested not applicable by {by}: {att.evidence}"
    return ItemStatus.ATTESTED, f"attested in place by {by}"


def roll_up(
    catalogue: Catalogue,
    findings: list[Finding],
    owners: Mapping[str, RequirementOwner] | None = None,
    not_applicable: dict[str, str] | None = None,
    attestations: dict[str, Attested] | None = None,
    today: date | None = None,
    checks_run: set[str] | None = None,
    skipped: Mapping[str, str] | None = None,
) -> list[RequirementStatus]:
    """Statuses of every catalogue item; `skipped` maps checks not run by choice to why (`--no-aws`)."""
    out_of_scope = not_applicable or {}
    attested_items = attestations or {}
    today = today or date.today()
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
        per_check: dict[str, Counter[str]] = {}
        for check_id in item.checks:
            per_check[check_id] = (by_check.get(check_id, Counter())
                                   + by_check_principal.get((check_id, _principal(item.id)), Counter()))
        counts: Counter[str] = sum(per_check.values(), Counter())
        child_ids = catalogue.children.get(item.id, [])
        attested = attested_items.get(item.id)
        if item.id in out_of_scope:
            status, reason = ItemStatus.NOT_APPLICABLE, out_of_scope[item.id]
        elif item.kind == "requirement" and not child_ids:
            status, reason = _attested(*_checks_status(item, per_check, checks_run, skipped or {}), attested, today)
        else:
            in_scope = [statuses[c].status for c in child_ids if statuses[c].status != ItemStatus.NOT_APPLICABLE]
            own = ([_attested(*_checks_status(item, per_check, checks_run, skipped or {}), attested, today)[0]]
                   if item.kind == "requirement" and (item.checks or attested) else [])
            status = worst(in_scope + own) or (ItemStatus.NOT_APPLICABLE if child_ids else ItemStatus.MANUAL)
            tally = Counter(statuses[c].status.value for c in child_ids)
            reason = ", ".join(f"{n} {s}" for s, n in sorted(tally.items()))
        owner = (owners or {}).get(item.id)
        statuses[item.id] = RequirementStatus(
            id=item.id, parent=item.parent, kind=item.kind, title=item.title, status=status,
            assessment=item.assessment, responsibility=item.responsibility,
            owner=owner.owner if owner else None,
            supporting=list(owner.supporting) if owner else [],
            owner_rule=owner.rule if owner else None,
            checks=list(item.checks), counts=dict(counts), reason=reason, evidence_guidance=item.evidence,
            attestation=AttestationRef(
                status=attested.attestation.status, evidence=attested.attestation.evidence,
                attested_by=attested.attestation.attested_by, date=attested.attestation.date,
                expires=attested.attestation.expires, where=attested.where,
            ) if attested else None,
        )
    return [statuses[item.id] for item in catalogue.items]
