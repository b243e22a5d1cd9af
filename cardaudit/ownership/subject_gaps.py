"""Gaps about subjects: AWS resources and PCI requirements that no team, or two, own."""

from __future__ import annotations

from collections.abc import Iterable

from cardaudit.models.finding import PCI_REQUIREMENT, Finding, ResourceRef, Result
from cardaudit.models.inventory import REGION_NOT_ENABLED, AwsResource, Inventory
from cardaudit.ownership.gaps import (
    CONTESTED,
    DOUBLE_MANAGED,
    REQUIREMENT_UNOWNED,
    TAG_MISMATCH,
    UNMANAGED,
    UNOWNED,
    RuleUsage,
    gap_finding,
    rules_text,
)
from cardaudit.ownership.iac import Claim
from cardaudit.ownership.resolve import Resolution, Resolver, ResourceFacts, facts_of


def resource_findings(inventory: Inventory, resolver: Resolver, usage: RuleUsage) -> list[Finding]:
    """Unowned, contested, double-managed and tag-mismatch results for every collected resource."""
    out: list[Finding] = []
    for resource in inventory.resources():
        if resource.aws_managed:
            continue  # AWS runs it; the shared-responsibility matrix covers it, not a team
        facts = facts_of(resource, resolver.iac)
        resolution = resolver.resource(facts)
        usage.record("resources", resolution)
        usage.possible.update(("resources", rule_id) for rule_id in resolver.possible_rules(facts))
        out += _ownership(resource, resolution, resolver)
        out += _double_managed(resource, facts, resolution, resolver)
        out += _unmanaged(resource, facts, resolution, resolver)
        out += _tag_mismatch(resource, facts, resolution, resolver)
    return out


def _ownership(resource: AwsResource, resolution: Resolution, resolver: Resolver) -> list[Finding]:
    ref = resource.ref()
    teams = resolver.ownership.model.teams
    if resolution.status == "contested":
        contested = Result.failed(
            ref, f"contested: equally ranked rules name different teams: {rules_text(resolution)}",
            rules=[c.rule_id for c in resolution.winners], teams=sorted({c.primary for c in resolution.winners}))
        return [gap_finding(CONTESTED, contested, resolution)]
    # No PASS for contested here: the unowned result below already shows the one owner (or none).
    out: list[Finding] = []
    if resolution.status == "unowned":
        result = (Result.not_assessed(ref, f"no rule matched, but {resolution.caveat}") if resolution.caveat
                  else Result.failed(ref, "no ownership rule matches this resource"))
    elif resolution.caveat:
        # A rule the unread evidence could satisfy ranks with the winner: the owner, or a contest, is unknown.
        result = Result.not_assessed(ref, f"resolves to {resolution.primary} ({rules_text(resolution)}), but "
                                          f"{resolution.caveat}")
        out.append(gap_finding(CONTESTED, Result.not_assessed(
            ref, f"one owner seen ({resolution.primary}), but {resolution.caveat}: another could tie"), resolution))
    elif resolution.primary not in teams:
        result = Result.failed(ref, f"resolves to undeclared team '{resolution.primary}' ({rules_text(resolution)})")
    else:
        result = Result.passed(ref, f"owned by {resolution.primary} ({rules_text(resolution)})")
    out.append(gap_finding(UNOWNED, result, resolution))
    return out


def blind_scope_findings(inventory: Inventory, resolver: Resolver) -> list[Finding]:
    """Per (account, region) whose resources could not all be listed: each resource gap kind is NOT_ASSESSED there.

    A resource that was never listed has no owner, IaC source or tag to judge; its gaps are unknown,
    not absent.
    """
    settings = resolver.ownership.model.settings
    kinds = [UNOWNED, CONTESTED, DOUBLE_MANAGED, *([UNMANAGED] if settings.iac_sources else []),
             *([TAG_MISMATCH] if settings.owner_tag_keys else [])]
    blind = sorted({(e.account, e.region) for e in inventory.collection_errors() if e.code != REGION_NOT_ENABLED})
    return [gap_finding(kind, Result.not_assessed(
        ResourceRef(type="*", id="*", account=account, region=region),
        "resources here could not all be listed (collection errors), so their ownership is not known"))
        for account, region in blind for kind in kinds]


def iac_groups(claims: tuple[Claim, ...]) -> dict[str, list[Claim]]:
    """Claims grouped by source: one CloudFormation stack is one source whether its template, its live
    resources or its tags said so; a template claim with no known stack joins the stack seen."""
    groups: dict[tuple[str, str | None], list[Claim]] = {}
    for claim in sorted(claims, key=lambda c: (c.family[1] is None, c.label, c.where)):
        key = claim.family
        if key[0] == "cloudformation" and key[1] is None:
            key = next((k for k in groups if k[0] == "cloudformation"), key)
        groups.setdefault(key, []).append(claim)
    return {_group_label(group): group for group in groups.values()}


def _group_label(group: list[Claim]) -> str:
    first = next((c for c in group if c.stack), group[0])
    evidence = "; ".join(sorted({c.where for c in group}))
    return f"{first.label} ({evidence})"


def _double_managed(resource: AwsResource, facts: ResourceFacts, resolution: Resolution,
                    resolver: Resolver) -> list[Finding]:
    groups = iac_groups(facts.iac)
    sources = sorted(groups)
    ref = resource.ref()
    if len(sources) < 2:
        # One source seen, or none: an unread one (stack tags, an IaC state, a template) could be the second.
        unread = (["tags (and so CloudFormation/SAM stack tags) could not be read"] if facts.tags is None else []) + (
            resolver.iac.unread_for(resource.cfn_type))
        if unread:
            seen = f"managed by {sources[0]}" if sources else "no IaC source seen"
            return [gap_finding(DOUBLE_MANAGED, Result.not_assessed(ref, f"{seen}, but {'; '.join(unread)}"),
                                resolution)]
    if not sources:
        return []  # not managed by any declared source: nothing to compare
    if len(sources) == 1:
        return [gap_finding(DOUBLE_MANAGED, Result.passed(ref, f"managed by {sources[0]} only"), resolution)]
    return [gap_finding(DOUBLE_MANAGED, Result.failed(
        ref, f"managed by {len(sources)} IaC sources: {', '.join(sources)}; each will undo the other's changes",
        sources=sources), resolution)]


def _unmanaged(resource: AwsResource, facts: ResourceFacts, resolution: Resolution,
               resolver: Resolver) -> list[Finding]:
    """Resources no declared IaC source claims: created by hand, so outside change control."""
    settings = resolver.ownership.model.settings
    if not settings.iac_sources or facts.iac:
        return []  # no IaC declared to compare with, or managed (double management is its own gap)
    ref = resource.ref()
    allowed = {a.type: a.reason for a in settings.unmanaged_allowed}
    if resource.cfn_type in allowed:
        return [gap_finding(UNMANAGED, Result.passed(ref, f"managed outside IaC by design: "
                                                          f"{allowed[resource.cfn_type]}"), resolution)]
    unread = resolver.iac.unread_for(resource.cfn_type)
    if unread or facts.tags is None:
        blind = "; ".join([*(["its tags (CloudFormation/SAM stack tags) could not be read"] if facts.tags is None
                             else []), *unread])
        return [gap_finding(UNMANAGED, Result.not_assessed(ref, f"no readable IaC source claims it, but {blind}"),
                            resolution)]
    return [gap_finding(UNMANAGED, Result.failed(
        ref, "no declared IaC source manages it (created by hand?): changes bypass review and drift unseen"),
        resolution)]


def _tag_mismatch(resource: AwsResource, facts: ResourceFacts, resolution: Resolution,
                  resolver: Resolver) -> list[Finding]:
    settings = resolver.ownership.model.settings
    tags = facts.tags or {}
    claims = {key: tags[key] for key in settings.owner_tag_keys if key in tags}
    if not claims:
        return []
    ref = resource.ref()
    teams = resolver.ownership.model.teams
    undeclared = sorted({v for v in claims.values() if v not in teams})
    if undeclared:
        return [gap_finding(TAG_MISMATCH, Result.failed(
            ref, f"owner tag names undeclared team(s) {', '.join(undeclared)}", tags=claims), resolution)]
    if resolution.status != "owned":
        return [gap_finding(TAG_MISMATCH, Result.not_assessed(
            ref, f"the resource has no single resolved owner to compare with its tags ({resolution.status})",
            tags=claims), resolution)]
    others = sorted({v for v in claims.values() if v != resolution.primary})
    if others:
        return [gap_finding(TAG_MISMATCH, Result.failed(
            ref, f"tagged for {', '.join(others)} but owned by {resolution.primary} ({rules_text(resolution)})",
            tags=claims), resolution)]
    return [gap_finding(TAG_MISMATCH, Result.passed(ref, f"owner tag agrees: {resolution.primary}", tags=claims),
                        resolution)]


def requirement_findings(requirement_ids: Iterable[str], in_scope: set[str], resolver: Resolver,
                         usage: RuleUsage) -> list[Finding]:
    """One result per PCI requirement in scope: owned by a declared team, or not.

    Items out of scope still count as usage, so a rule for them is not called stale.
    """
    teams = resolver.ownership.model.teams
    out: list[Finding] = []
    for item_id in requirement_ids:
        resolution = resolver.requirement(item_id)
        usage.record("requirements", resolution)
        if item_id not in in_scope:
            continue
        ref = ResourceRef(type=PCI_REQUIREMENT, id=item_id, name=item_id)
        if resolution.status == "owned" and resolution.primary in teams:
            result = Result.passed(ref, f"owned by {resolution.primary} ({rules_text(resolution)})")
        elif resolution.status == "owned":
            result = Result.failed(ref, f"resolves to undeclared team '{resolution.primary}' "
                                        f"({rules_text(resolution)})")
        elif resolution.status == "contested":
            result = Result.failed(ref, f"contested: {rules_text(resolution)}")
        else:
            result = Result.failed(ref, "no requirements rule in ownership.yaml covers this item")
        out.append(gap_finding(REQUIREMENT_UNOWNED, result, resolution))
    return out


def artifact_findings(inventory: Inventory, resolver: Resolver, usage: RuleUsage) -> list[Finding]:
    """Unowned and contested results for every repository artifact (other files only count as usage)."""
    teams = resolver.ownership.model.teams
    out: list[Finding] = []
    for repo_file in inventory.repo_files:
        resolution = resolver.artifact(repo_file.repo, repo_file.path)
        usage.record("artifacts", resolution)
        if not repo_file.is_artifact:
            continue
        ref = repo_file.ref()
        if resolution.status == "contested":
            out.append(gap_finding(CONTESTED, Result.failed(
                ref, f"contested: equally ranked rules name different teams: {rules_text(resolution)}"), resolution))
            continue
        if resolution.status == "unowned":
            result = Result.failed(ref, f"no ownership rule matches this {repo_file.kind} file")
        elif resolution.primary not in teams:
            result = Result.failed(ref, f"resolves to undeclared team '{resolution.primary}' "
                                        f"({rules_text(resolution)})")
        else:
            result = Result.passed(ref, f"owned by {resolution.primary} ({rules_text(resolution)})")
        out.append(gap_finding(UNOWNED, result, resolution))
    return out
