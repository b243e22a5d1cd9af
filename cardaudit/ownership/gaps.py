"""Gap kinds of the attribute stage: their ids and the finding each produces.

Each gap kind is a check with a permanent id, registered in the one registry with `stage="attribute"`
(declared in `checks/ownership.py`); the catalogue maps them to PCI items. They read ownership.yaml,
the inventory and the other findings, so they run in the attribute stage rather than the evaluate stage.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cardaudit.engine.registry import CheckSpec, load_checks
from cardaudit.models.finding import Finding, Result
from cardaudit.ownership.resolve import Resolution

# Ids of the gap kinds this stage reports; their metadata and docs are declared in
# `cardaudit.checks.ownership` and read from the one registry.
UNOWNED = "ownership_resource_unowned"
CONTESTED = "ownership_resource_contested"
DOUBLE_MANAGED = "ownership_iac_double_managed"
UNMANAGED = "ownership_resource_unmanaged"
TAG_MISMATCH = "ownership_tag_mismatch"
REQUIREMENT_UNOWNED = "ownership_requirement_unowned"
FAILING_UNROUTED = "ownership_failing_control_unowned"
UNKNOWN_TEAM = "ownership_unknown_team"
STALE_RULE = "ownership_stale_rule"
SHADOWED_RULE = "ownership_shadowed_rule"
REVIEW_OVERDUE = "ownership_review_overdue"
TPSP_UNEVIDENCED = "ownership_tpsp_unevidenced"
WRITE_OUTSIDE = "ownership_write_access_outside_ownership"  # computed in cardaudit.ownership.access
CODEOWNERS_DISAGREES = "ownership_codeowners_disagrees"

GAP_KINDS = (UNOWNED, CONTESTED, DOUBLE_MANAGED, UNMANAGED, TAG_MISMATCH, REQUIREMENT_UNOWNED, FAILING_UNROUTED,
             UNKNOWN_TEAM, STALE_RULE, SHADOWED_RULE, REVIEW_OVERDUE, TPSP_UNEVIDENCED, WRITE_OUTSIDE,
             CODEOWNERS_DISAGREES)

RULE = "cardaudit::OwnershipRule"


def gap_spec(check_id: str) -> CheckSpec:
    spec = load_checks()[check_id]
    if spec.stage != "attribute":
        raise KeyError(f"{check_id} is not an ownership gap kind")
    return spec


def gap_finding(check_id: str, result: Result, resolution: Resolution | None = None) -> Finding:
    spec = gap_spec(check_id)
    finding = Finding.of(spec.id, spec.severity, "ownership", result)
    if resolution is None:
        return finding
    owner = resolution.primary if resolution.status == "owned" else None
    return finding.with_owner(owner, list(resolution.supporting), resolution.rule_where)


def rules_text(resolution: Resolution) -> str:
    return ", ".join(f"{c.rule_id} -> {c.primary} ({c.where})" for c in resolution.winners)


@dataclass
class RuleUsage:
    """Which rules matched some subject and which decided one; feeds the stale and shadowed checks."""

    matched: set[tuple[str, str]] = field(default_factory=set)  # (section, rule id)
    won: set[tuple[str, str]] = field(default_factory=set)
    # Rules that would have matched some subject whose tags or IaC state could not be read.
    possible: set[tuple[str, str]] = field(default_factory=set)

    def record(self, section: str, resolution: Resolution) -> None:
        self.matched.update((section, c.rule_id) for c in resolution.candidates)
        # A rule tied at the top of a contest is not shadowed: it is half of the contest.
        self.won.update((section, c.rule_id) for c in resolution.winners)
