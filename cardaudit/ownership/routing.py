"""Route control findings to teams, and report failing findings nobody has to act on."""

from __future__ import annotations

from cardaudit.models.base import Status
from cardaudit.models.finding import Finding, ResourceRef, Result
from cardaudit.models.inventory import AwsResource, Inventory
from cardaudit.ownership.gaps import FAILING_UNROUTED, gap_finding
from cardaudit.ownership.resolve import Resolution, Resolver, ResourceFacts, facts_of


def _facts_for(ref: ResourceRef, by_arn: dict[str, AwsResource], resolver: Resolver) -> ResourceFacts:
    resource = by_arn.get(ref.arn or "")
    if resource is not None:
        return facts_of(resource, resolver.iac)
    return ResourceFacts(ref.arn, ref.account, ref.region, ref.type, ref.name or ref.id, {}, ())


def resolve_ref(ref: ResourceRef, by_arn: dict[str, AwsResource], resolver: Resolver) -> Resolution:
    if ref.path and ref.repo:
        return resolver.artifact(ref.repo, ref.path, ref.field)
    return resolver.resource(_facts_for(ref, by_arn, resolver))


def attribute(findings: list[Finding], inventory: Inventory, resolver: Resolver) -> tuple[list[Finding], set[str]]:
    """Set owner, supporting teams and the deciding rule on each control finding.

    Also returns the resources whose owner unread evidence (tags, an IaC state) could change: a
    failure there is not "owned by nobody" but "owner unknown".
    """
    by_arn = {r.arn: r for r in inventory.resources()}
    teams = resolver.ownership.model.teams
    out: list[Finding] = []
    uncertain: set[str] = set()
    for finding in findings:
        if finding.kind != "control" or finding.owner is not None:
            out.append(finding)
            continue
        resolution = resolve_ref(finding.resource, by_arn, resolver)
        if resolution.caveat:
            uncertain.add(finding.resource.key)
        # A rule naming an undeclared team routes to nobody; that gap is reported on its own.
        if resolution.status == "owned" and resolution.primary in teams:
            finding = finding.with_owner(resolution.primary, list(resolution.supporting), resolution.rule_where)
        out.append(finding)
    return out, uncertain


def unrouted_findings(findings: list[Finding], complete: bool = True,
                      not_enabled: frozenset[tuple[str, str]] = frozenset(),
                      uncertain: frozenset[str] = frozenset()) -> list[Finding]:
    """One FAIL per resource with failing control findings but no owner; one PASS when all are routed.

    A resource (or a blind scope) with no owner whose controls could not all be judged is NOT_ASSESSED:
    a failure there would reach nobody. After collection errors the PASS becomes NOT_ASSESSED, since
    failures in the blind scopes are not seen. Regions the account has not enabled hold nothing.
    """
    control = [f for f in findings if f.kind == "control"]
    failing = [f for f in control if f.status in (Status.FAIL, Status.ERROR)]
    unrouted: dict[str, list[Finding]] = {}
    for f in failing:
        if not f.owner:
            unrouted.setdefault(f.resource.key, []).append(f)
    out: list[Finding] = []
    for key, group in unrouted.items():
        checks = sorted({f.check_id for f in group})
        if key in uncertain:
            result = Result.not_assessed(group[0].resource, f"failing {', '.join(checks)}; no owner resolved, but "
                                                            "unread tags or IaC state could name one", checks=checks)
        else:
            result = Result.failed(group[0].resource, f"failing {', '.join(checks)} but no team owns it: "
                                                      "nobody is asked to fix it",
                                   checks=checks, findings=sorted(f.id for f in group))
        out.append(gap_finding(FAILING_UNROUTED, result))
    unseen: dict[str, list[Finding]] = {}
    for f in control:
        if (f.status == Status.NOT_ASSESSED and not f.owner and f.resource.key not in unrouted
                and (f.resource.account or "", f.resource.region or "") not in not_enabled):
            unseen.setdefault(f.resource.key, []).append(f)
    for group in unseen.values():
        checks = sorted({f.check_id for f in group})
        out.append(gap_finding(FAILING_UNROUTED, Result.not_assessed(
            group[0].resource, f"no team owns it and {', '.join(checks)} could not judge it: a failure here would "
                               "reach nobody", checks=checks)))
    ref = ResourceRef(type="cardaudit::Findings", id="failing-controls")
    if not complete:
        out.append(gap_finding(FAILING_UNROUTED, Result.not_assessed(
            ref, f"{len(failing)} failing finding(s) seen, but collection errors hide the rest")))
    elif failing and not out:
        out.append(gap_finding(FAILING_UNROUTED, Result.passed(ref, f"all {len(failing)} failing findings "
                                                                    "are routed to a team")))
    return out
