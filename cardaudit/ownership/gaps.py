"""The attribute stage: route every finding to a team, and report the gaps between teams."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cardaudit.models.base import Severity, Status
from cardaudit.models.finding import Finding, ResourceRef, Result
from cardaudit.models.inventory import AwsResource, Inventory
from cardaudit.ownership.load import Ownership
from cardaudit.ownership.resolve import Resolution, Resolver, ResourceFacts, facts_of


@dataclass(frozen=True)
class GapCheck:
    id: str
    title: str
    severity: Severity


UNOWNED = GapCheck("ownership_resource_unowned",
                   "Every AWS resource and repo artifact resolves to a declared owning team", Severity.HIGH)
CONTESTED = GapCheck("ownership_resource_contested",
                     "No resource is claimed by equally ranked rules naming different teams", Severity.HIGH)
UNKNOWN_TEAM = GapCheck("ownership_unknown_team", "Ownership rules name only declared teams and third parties",
                        Severity.HIGH)
REQUIREMENT_UNOWNED = GapCheck("ownership_requirement_unowned",
                               "Every PCI DSS requirement in scope has a declared owning team", Severity.MEDIUM)
GAP_CHECKS: dict[str, GapCheck] = {g.id: g for g in (UNOWNED, CONTESTED, UNKNOWN_TEAM, REQUIREMENT_UNOWNED)}

# Findings about a PCI requirement use this resource type; the roll-up lets them evidence only
# items of the same principal requirement (an unowned 10.x item says nothing about 1.1.2).
PCI_REQUIREMENT = "PCI::Requirement"


def _finding(gap: GapCheck, result: Result, resolution: Resolution | None = None) -> Finding:
    owner = resolution.primary if resolution and resolution.status == "owned" else None
    return Finding(
        id=Finding.make_id(gap.id, result.resource), check_id=gap.id, status=result.status, severity=gap.severity,
        kind="ownership", resource=result.resource, reason=result.reason, evidence=result.evidence,
        owner=owner, supporting=list(resolution.supporting) if resolution else [],
        owner_rule=resolution.rule_where if resolution else None,
    )


def _rules_text(resolution: Resolution) -> str:
    return ", ".join(f"{c.rule_id} -> {c.primary} ({c.where})" for c in resolution.winners)


def unknown_team_findings(ownership: Ownership) -> list[Finding]:
    """One FAIL per rule naming an undeclared team or third party; one PASS for a clean file."""
    model = ownership.model
    teams = set(model.teams)
    out: list[Finding] = []

    def report(loc: tuple[str | int, ...], rule_id: str, names: Iterable[str], known: set[str], what: str) -> None:
        bad = sorted({n for n in names if n not in known})
        if not bad:
            return
        where = ownership.where(*loc)
        line = int(where.rsplit(":", 1)[1]) if ":" in where else None
        ref = ResourceRef(type="cardaudit::OwnershipRule", id=rule_id, path=ownership.shown_path, line=line)
        out.append(_finding(UNKNOWN_TEAM, Result.failed(
            ref, f"rule '{rule_id}' names undeclared {what} {', '.join(bad)}", undeclared=bad)))

    for i, rule in enumerate(model.resources):
        report(("resources", i), rule.id, [rule.primary, *rule.supporting], teams, "team(s)")
    for i, artifact in enumerate(model.artifacts):
        report(("artifacts", i), artifact.id, [artifact.primary, *artifact.supporting], teams, "team(s)")
        for j, fld in enumerate(artifact.fields):
            report(("artifacts", i, "fields", j), f"{artifact.id}{fld.path}", [fld.primary, *fld.supporting],
                   teams, "team(s)")
    for i, req in enumerate(model.requirements):
        report(("requirements", i), req.id, [*([req.primary] if req.primary else []), *req.supporting], teams,
               "team(s)")
        if req.tpsp is not None:
            report(("requirements", i), req.id, [req.tpsp], set(model.external), "third party")
    if not out:
        ref = ResourceRef(type="cardaudit::OwnershipFile", id=ownership.shown_path, path=ownership.shown_path)
        reason = f"all rules name declared teams ({', '.join(sorted(teams))})"
        out.append(_finding(UNKNOWN_TEAM, Result.passed(ref, reason)))
    return out


def requirement_findings(requirement_ids: Iterable[str], resolver: Resolver) -> list[Finding]:
    """One result per PCI requirement: owned by a declared team, or not."""
    teams = set(resolver.ownership.model.teams)
    out: list[Finding] = []
    for item_id in requirement_ids:
        resolution = resolver.requirement(item_id)
        ref = ResourceRef(type=PCI_REQUIREMENT, id=item_id, name=item_id)
        if resolution.status == "owned" and resolution.primary in teams:
            result = Result.passed(ref, f"owned by {resolution.primary} ({_rules_text(resolution)})")
        elif resolution.status == "owned":
            result = Result.failed(ref, f"resolves to undeclared team '{resolution.primary}' "
                                        f"({_rules_text(resolution)})")
        elif resolution.status == "contested":
            result = Result.failed(ref, f"contested: {_rules_text(resolution)}")
        else:
            result = Result.failed(ref, "no requirements rule in ownership.yaml covers this item")
        out.append(_finding(REQUIREMENT_UNOWNED, result, resolution))
    return out


def resource_findings(inventory: Inventory, resolver: Resolver) -> list[Finding]:
    teams = set(resolver.ownership.model.teams)
    out: list[Finding] = []
    for resource in inventory.resources():
        resolution = resolver.resource(facts_of(resource, resolver.iac))
        ref = resource.ref()
        if resolution.status == "contested":
            out.append(_finding(CONTESTED, Result.failed(
                ref, f"contested: equally ranked rules name different teams: {_rules_text(resolution)}",
                rules=[c.rule_id for c in resolution.winners], teams=sorted({c.primary for c in resolution.winners}),
            ), resolution))
            continue
        out.append(_finding(CONTESTED, Result.passed(ref, "no competing rules at the top rank"), resolution))
        if resolution.status == "unowned":
            if resolution.caveat:
                result = Result.not_assessed(ref, f"no rule matched, but {resolution.caveat}")
            else:
                result = Result.failed(ref, "no ownership rule matches this resource")
        elif resolution.primary not in teams:
            result = Result.failed(ref, f"resolves to undeclared team '{resolution.primary}' "
                                        f"({_rules_text(resolution)})")
        else:
            result = Result.passed(ref, f"owned by {resolution.primary} ({_rules_text(resolution)})")
        out.append(_finding(UNOWNED, result, resolution))
    return out


def _facts_for(ref: ResourceRef, by_arn: dict[str, AwsResource], resolver: Resolver) -> ResourceFacts:
    resource = by_arn.get(ref.arn or "")
    if resource is not None:
        return facts_of(resource, resolver.iac)
    return ResourceFacts(ref.arn, ref.account, ref.region, ref.type, ref.name or ref.id, {}, ())


def attribute(findings: list[Finding], inventory: Inventory, resolver: Resolver) -> list[Finding]:
    """Set owner, supporting teams and the deciding rule on each control finding."""
    by_arn = {r.arn: r for r in inventory.resources()}
    out: list[Finding] = []
    for finding in findings:
        if finding.kind != "control" or finding.owner is not None:
            out.append(finding)
            continue
        ref = finding.resource
        if ref.path and ref.repo:
            resolution = resolver.artifact(ref.repo, ref.path)
        else:
            resolution = resolver.resource(_facts_for(ref, by_arn, resolver))
        # A rule naming an undeclared team routes to nobody; that gap is reported on its own.
        if resolution.status == "owned" and resolution.primary in resolver.ownership.model.teams:
            finding = finding.model_copy(update={
                "owner": resolution.primary, "supporting": list(resolution.supporting),
                "owner_rule": resolution.rule_where,
            })
        out.append(finding)
    return out


def failing_unrouted(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.kind == "control" and f.status in (Status.FAIL, Status.ERROR) and not f.owner]
