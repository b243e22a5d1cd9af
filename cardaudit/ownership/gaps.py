"""Gap checks of the attribute stage: their metadata and the finding they produce.

Each gap kind is a check with a permanent id, like the checks in `checks/`; the catalogue maps
them to PCI items. They read ownership.yaml, the inventory and the other findings, so they run in
the attribute stage rather than the evaluate stage.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cardaudit.models.base import Severity
from cardaudit.models.finding import Finding, Result
from cardaudit.ownership.resolve import Resolution


@dataclass(frozen=True)
class GapCheck:
    id: str
    title: str
    severity: Severity


def _gaps(*gaps: GapCheck) -> dict[str, GapCheck]:
    return {g.id: g for g in gaps}


UNOWNED = GapCheck("ownership_resource_unowned",
                   "Every AWS resource and repo artifact resolves to a declared owning team", Severity.HIGH)
CONTESTED = GapCheck("ownership_resource_contested",
                     "No resource is claimed by equally ranked rules naming different teams", Severity.HIGH)
DOUBLE_MANAGED = GapCheck("ownership_iac_double_managed",
                          "No resource is managed by two infrastructure-as-code sources", Severity.HIGH)
UNMANAGED = GapCheck("ownership_resource_unmanaged",
                     "Every resource is managed by a declared infrastructure-as-code source", Severity.MEDIUM)
TAG_MISMATCH = GapCheck("ownership_tag_mismatch",
                        "Owner tags on resources agree with the owner ownership.yaml resolves", Severity.MEDIUM)
REQUIREMENT_UNOWNED = GapCheck("ownership_requirement_unowned",
                               "Every PCI DSS requirement in scope has a declared owning team", Severity.MEDIUM)
FAILING_UNROUTED = GapCheck("ownership_failing_control_unowned",
                            "Every failing control finding is routed to a team that must act", Severity.HIGH)
UNKNOWN_TEAM = GapCheck("ownership_unknown_team", "Ownership rules name only declared teams and third parties",
                        Severity.HIGH)
STALE_RULE = GapCheck("ownership_stale_rule", "Every ownership rule still matches something", Severity.LOW)
SHADOWED_RULE = GapCheck("ownership_shadowed_rule", "Every ownership rule that matches also decides somewhere",
                         Severity.LOW)
REVIEW_OVERDUE = GapCheck("ownership_review_overdue",
                          "Ownership rules and third parties were reviewed within the review period", Severity.LOW)
TPSP_UNEVIDENCED = GapCheck("ownership_tpsp_unevidenced",
                            "Requirements shared with a third party name it and cite its evidence", Severity.MEDIUM)

GAP_CHECKS: dict[str, GapCheck] = _gaps(
    UNOWNED, CONTESTED, DOUBLE_MANAGED, UNMANAGED, TAG_MISMATCH, REQUIREMENT_UNOWNED, FAILING_UNROUTED,
    UNKNOWN_TEAM, STALE_RULE, SHADOWED_RULE, REVIEW_OVERDUE, TPSP_UNEVIDENCED,
)

# Findings about a PCI requirement use this resource type; the roll-up lets them evidence only
# items of the same principal requirement (an unowned 10.x item says nothing about 1.1.2).
PCI_REQUIREMENT = "PCI::Requirement"
RULE = "cardaudit::OwnershipRule"


def gap_finding(gap: GapCheck, result: Result, resolution: Resolution | None = None) -> Finding:
    owner = resolution.primary if resolution and resolution.status == "owned" else None
    return Finding.of(gap.id, gap.severity, "ownership", result, owner=owner,
                      supporting=list(resolution.supporting) if resolution else [],
                      owner_rule=resolution.rule_where if resolution else None)


def rules_text(resolution: Resolution) -> str:
    return ", ".join(f"{c.rule_id} -> {c.primary} ({c.where})" for c in resolution.winners)


@dataclass
class RuleUsage:
    """Which rules matched some subject and which decided one; feeds the stale and shadowed checks."""

    matched: set[tuple[str, str]] = field(default_factory=set)  # (section, rule id)
    won: set[tuple[str, str]] = field(default_factory=set)

    def record(self, section: str, resolution: Resolution) -> None:
        self.matched.update((section, c.rule_id) for c in resolution.candidates)
        # A rule tied at the top of a contest is not shadowed: it is half of the contest.
        self.won.update((section, c.rule_id) for c in resolution.winners)
