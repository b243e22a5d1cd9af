"""The attribute stage as one call: route findings to teams and add every ownership gap."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from cardaudit.models.attribution import Applicability, RequirementAttribution, RequirementOwner
from cardaudit.models.finding import Finding
from cardaudit.models.inventory import REGION_NOT_ENABLED, Inventory
from cardaudit.ownership.access import access_findings
from cardaudit.ownership.codeowners_gaps import codeowners_findings
from cardaudit.ownership.gaps import RuleUsage
from cardaudit.ownership.resolve import Resolver
from cardaudit.ownership.routing import attribute, unrouted_findings
from cardaudit.ownership.rule_gaps import (
    review_findings,
    tpsp_findings,
    unknown_team_findings,
    usage_findings,
)
from cardaudit.ownership.subject_gaps import (
    artifact_findings,
    blind_scope_findings,
    requirement_findings,
    resource_findings,
)


def attribute_requirements(resolver: Resolver, requirement_ids: Iterable[str]) -> RequirementAttribution:
    """Each requirement's owner and applicability rule, as data for scoping and the roll-up."""
    owners: dict[str, RequirementOwner] = {}
    applicability: dict[str, Applicability] = {}
    for item_id in requirement_ids:
        resolution = resolver.requirement(item_id)
        owners[item_id] = RequirementOwner(status=resolution.status, primary=resolution.primary,
                                           supporting=list(resolution.supporting), rule=resolution.rule_where)
        found = resolver.requirement_rule(item_id)
        if found is not None:
            rule, where = found
            applicability[item_id] = Applicability(rule_id=rule.id, where=where,
                                                   not_applicable=rule.responsibility == "not_applicable",
                                                   note=rule.note)
    return RequirementAttribution(owners=owners, applicability=applicability)


def ownership_stage(findings: list[Finding], inventory: Inventory, resolver: Resolver,
                    requirement_ids: Iterable[str], in_scope: set[str], today: date) -> list[Finding]:
    usage = RuleUsage()
    routed, uncertain = attribute(findings, inventory, resolver)
    ownership = resolver.ownership
    gaps = (
        resource_findings(inventory, resolver, usage)
        + blind_scope_findings(inventory, resolver)
        + artifact_findings(inventory, resolver, usage)
        + codeowners_findings(inventory, resolver)
        + requirement_findings(requirement_ids, in_scope, resolver, usage)
        + unknown_team_findings(ownership)
        + usage_findings(ownership, usage, inventory.complete(), inventory.collected_types(), inventory.repos,
                         frozenset(s.source.tool for s in resolver.iac.errors))
        + review_findings(ownership, today)
        + tpsp_findings(ownership)
        + access_findings(inventory, resolver)
        + unrouted_findings(routed, inventory.complete(), frozenset(
            (e.account, e.region) for e in inventory.collection_errors() if e.code == REGION_NOT_ENABLED),
            frozenset(uncertain))
    )
    return routed + gaps
