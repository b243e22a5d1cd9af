"""Who can change vs who owns: IAM write access a team's principals hold on resources another team owns.

Teams declare their principals in ownership.yaml (`teams.<t>.principals`: role names or ARNs, and
IAM Identity Center permission sets). For each of those roles, its identity policies (inline and
attached customer managed, from the inventory) are evaluated for every write action (the action
table of `cardaudit.ownership.actions`) on every resource whose resolved owner is another team.

The evaluation is of identity policies only, read-only and offline: Allow/Deny, Action/NotAction,
Resource/NotResource with IAM's wildcards. Condition blocks are not evaluated (a statement with
one makes the result NOT_ASSESSED, never FAIL or PASS); service control policies, permission
boundaries, resource policies and session policies are not read, and every result says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import lru_cache

from cardaudit.models.aws.iam import IamManagedPolicy, IamRole
from cardaudit.models.aws.policy import PolicyStatement
from cardaudit.models.finding import Finding, ResourceRef, Result
from cardaudit.models.inventory import REGION_NOT_ENABLED, AwsResource, Inventory, Unknown, slice_model
from cardaudit.models.ownership import Principals
from cardaudit.ownership.actions import ActionTableMissing, service_write_actions, write_actions
from cardaudit.ownership.gaps import WRITE_OUTSIDE, gap_finding
from cardaudit.ownership.resolve import Resolver, facts_of

TEAM = "cardaudit::OwnershipTeam"

LIMITS = ("identity policies only, resources of the role's own account: conditions are not evaluated; service "
          "control policies, permission boundaries, resource policies and session policies are not read")
_SHOWN = 3  # resources named in a reason
_EVIDENCE = 50  # resources listed in the evidence (with their count): a `*` grant can reach thousands


@dataclass(frozen=True)
class Source:
    """One statement of one policy a role holds."""

    policy: str  # inline policy name, or the managed policy's ARN
    kind: str  # "inline" or "managed"
    index: int
    statement: PolicyStatement

    def describe(self) -> dict[str, object]:
        s = self.statement
        return {"policy": self.policy, "kind": self.kind, "sid": s.sid or None, "index": self.index,
                "effect": s.effect, "actions": s.actions, "not_actions": s.not_actions,
                "resources": s.resources, "not_resources": s.not_resources,
                "conditional": s.conditional}

    def label(self) -> str:
        s = self.statement
        which = f"Sid {s.sid}" if s.sid else f"statement #{self.index}"
        what = ", ".join(s.actions) if s.actions else "NotAction " + ", ".join(s.not_actions)
        on = ", ".join(s.resources) if s.resources else "NotResource " + ", ".join(s.not_resources)
        return f"{self.kind} policy {self.policy} {which} ({s.effect} {what} on {on})"


@lru_cache(maxsize=8192)
def _pattern(glob: str, case: bool) -> re.Pattern[str]:
    # IAM wildcards: `*` any run (across `:` and `/` in a Resource), `?` one character. A policy
    # variable (`${aws:username}`) is matched as `*` and makes the match conditional.
    body = re.sub(r"\\\$\\\{[^}]*\\\}", ".*", re.escape(glob))
    body = body.replace(r"\*", ".*").replace(r"\?", ".")
    return re.compile(body + r"\Z", 0 if case else re.IGNORECASE)


def _any(patterns: Iterable[str], value: str, case: bool) -> bool:
    return any(_pattern(p, case).match(value) for p in patterns)


def _on(s: PolicyStatement, arn: str) -> bool:
    return _any(s.resources, arn, True) if s.resources else not _any(s.not_resources, arn, True)


def _does(s: PolicyStatement, action: str) -> bool:
    return _any(s.actions, action, False) if s.actions else not _any(s.not_actions, action, False)


def _uncertain(s: PolicyStatement) -> bool:
    return s.conditional or any("${" in r for r in (*s.resources, *s.not_resources))


@dataclass(frozen=True)
class Grant:
    resource: AwsResource
    owner: str
    supporting: bool  # the principal's team supports the resource
    actions: tuple[str, ...]
    sources: tuple[Source, ...]
    certain: bool  # granted by an unconditional Allow that no Deny (conditional or not) covers


def evaluate(sources: Sequence[Source], arn: str, actions: Iterable[str]) -> tuple[list[str], list[str],
                                                                                    list[Source]]:
    """(actions surely allowed, actions a condition decides, the Allow statements involved)."""
    # Statements about this resource first: most name other resources, and actions are many.
    about = [s for s in sources if _on(s.statement, arn)]
    allows = [s for s in about if s.statement.effect == "Allow"]
    denies = [s for s in about if s.statement.effect == "Deny"]
    if not allows:
        return [], [], []
    sure: list[str] = []
    maybe: list[str] = []
    used: dict[tuple[str, int], Source] = {}
    for action in actions:
        granting = [s for s in allows if _does(s.statement, action)]
        if not granting:
            continue
        denying = [s for s in denies if _does(s.statement, action)]
        if any(not _uncertain(d.statement) for d in denying):
            continue  # an unconditional Deny always wins
        firm = [s for s in granting if not _uncertain(s.statement)]
        if firm and not denying:
            sure.append(action)
            used.setdefault((firm[0].policy, firm[0].index), firm[0])
        else:
            maybe.append(action)
            for s in granting:
                used.setdefault((s.policy, s.index), s)
    return sure, maybe, list(used.values())


def role_matches(role: IamRole, principals: Principals) -> bool:
    for entry in principals.roles:
        target = role.arn if entry.startswith("arn:") else role.name
        if fnmatchcase(target, entry):
            return True
    # IAM Identity Center names the role it creates in each account AWSReservedSSO_<set>_<16 hex>.
    return any(fnmatchcase(role.name, f"AWSReservedSSO_{ps}_*") for ps in principals.sso_permission_sets)


def role_sources(role: IamRole, policies: dict[str, IamManagedPolicy]) -> tuple[list[Source], list[str]]:
    """The statements a role holds, and what could not be read."""
    sources: list[Source] = []
    unread: list[str] = []
    if isinstance(role.inline_policies, Unknown):
        unread.append(f"its inline policies: {role.inline_policies.reason}")
    else:
        for inline in role.inline_policies:
            sources += [Source(inline.name, "inline", i, s) for i, s in enumerate(inline.statements)]
    if isinstance(role.attached_policies, Unknown):
        unread.append(f"its attached policies: {role.attached_policies.reason}")
    else:
        for arn in role.attached_policies:
            managed = policies.get(arn)
            if managed is None:
                unread.append(f"attached policy {arn} (AWS managed policies are not read)"
                              if ":aws:policy/" in arn else f"attached policy {arn} is not in the inventory")
            elif isinstance(managed.statements, Unknown):
                unread.append(f"attached policy {arn}: {managed.statements.reason}")
            else:
                sources += [Source(arn, "managed", i, s) for i, s in enumerate(managed.statements)]
    return sources, unread


def _team_ref(resolver: Resolver, team: str) -> ResourceRef:
    ownership = resolver.ownership
    where = ownership.where("teams", team)
    line = int(where.rsplit(":", 1)[1]) if ":" in where else None
    # `field` keeps the teams apart: a reference with a path is identified by path and field.
    return ResourceRef(type=TEAM, id=team, name=team, path=ownership.path.name, line=line, field=f"teams.{team}")


def _team_finding(resolver: Resolver, team: str, result: Result) -> Finding:
    # The team answers for its own declaration.
    return gap_finding(WRITE_OUTSIDE, result).with_owner(team, [], resolver.ownership.where("teams", team))


def _foreign(inventory: Inventory, resolver: Resolver) -> list[tuple[AwsResource, str, tuple[str, ...]]]:
    """(resource, owner, supporting teams) for every resource with one declared owner."""
    teams = resolver.ownership.model.teams
    out = []
    for resource in inventory.resources():
        if resource.aws_managed:
            continue
        resolution = resolver.resource(facts_of(resource, resolver.iac))
        if resolution.status == "owned" and resolution.primary in teams and resolution.primary is not None:
            out.append((resource, resolution.primary, resolution.supporting))
    return out


def access_findings(inventory: Inventory, resolver: Resolver) -> list[Finding]:
    """Per declared principal role: FAIL when it can write a resource another team owns, with the statements.

    NOT_ASSESSED per team that declares no principals, whose roles could not be listed or found, or
    when the action table is missing; per role whose policies could not all be read, or whose grant
    a condition decides.
    """
    teams = resolver.ownership.model.teams
    roles_slice = inventory.slice("iam_roles")
    roles = [r for r in roles_slice.items if isinstance(r, IamRole)]
    policies = {p.arn: p for p in inventory.slice("iam_policies").items if isinstance(p, IamManagedPolicy)}
    out: list[Finding] = []
    foreign: list[tuple[AwsResource, str, tuple[str, ...]]] | None = None
    # Lists that failed, per account: a resource there may be another team's and writable by a role,
    # so "can change none" cannot be said for that account.
    blind: dict[str, list[tuple[str, str]]] = {}  # account -> (IAM prefix of the unread type, what failed)
    for name in inventory.slice_names():
        errors = [e for e in inventory.slice(name).errors if e.code != REGION_NOT_ENABLED]
        if errors:
            prefix = slice_model(name).resource_type.operations[0].split(":")[0]
            for error in errors:
                blind.setdefault(error.account, []).append(
                    (prefix, f"{error.service}:{error.operation} ({error.region})"))
    for team, spec in teams.items():
        ref = _team_ref(resolver, team)
        principals = spec.principals
        if principals is None or not (principals.roles or principals.sso_permission_sets):
            out.append(_team_finding(resolver, team, Result.not_assessed(
                ref, f"team '{team}' declares no IAM principals (teams.{team}.principals), so what it can change "
                     "is not known")))
            continue
        if roles_slice.errors or not roles_slice.scopes:
            why = "; ".join(sorted({e.reason for e in roles_slice.errors})) or "IAM roles were not collected"
            out.append(_team_finding(resolver, team, Result.not_assessed(ref, f"IAM roles could not be listed: {why}")))
            continue
        mine = sorted((r for r in roles if role_matches(r, principals)), key=lambda r: r.arn)
        if not mine:
            out.append(_team_finding(resolver, team, Result.not_assessed(
                ref, f"no IAM role in the inventory matches team '{team}''s declared principals; nothing to "
                     "evaluate")))
            continue
        if foreign is None:
            foreign = _foreign(inventory, resolver)
        try:
            for role in mine:
                out.append(_role_finding(role, team, foreign, policies, resolver, blind.get(role.account, [])))
        except ActionTableMissing as exc:
            out.append(_team_finding(resolver, team, Result.not_assessed(ref, str(exc))))
    return out


def _may_write(sources: Sequence[Source], prefix: str) -> bool:
    """Whether an Allow of the role names a write action of this service (on any resource)."""
    allows = [s.statement for s in sources if s.statement.effect == "Allow"]
    return any(_does(s, action) for action in service_write_actions(prefix) for s in allows)


def _role_finding(role: IamRole, team: str, foreign: list[tuple[AwsResource, str, tuple[str, ...]]],
                  policies: dict[str, IamManagedPolicy], resolver: Resolver,
                  blind: list[tuple[str, str]]) -> Finding:
    sources, unread = role_sources(role, policies)
    grants: list[Grant] = []
    checked = 0
    for resource, owner, supporting in foreign:
        # Another account's resource needs that account's resource policy or a role there too: not
        # granted by this role's identity policies alone.
        if owner == team or resource.account != role.account:
            continue
        actions = write_actions(resource.arn)
        if not actions:
            continue
        checked += 1
        sure, maybe, used = evaluate(sources, resource.arn, actions)
        if sure or maybe:
            grants.append(Grant(resource, owner, team in supporting, tuple(sure or maybe), tuple(used), bool(sure)))
    ref = role.ref()
    resolution = resolver.resource(facts_of(role, resolver.iac))
    certain = [g for g in grants if g.certain]
    evidence = {"team": team, "limits": LIMITS, "unread": unread, "grant_count": len(grants), "grants": [
        {"resource": g.resource.arn, "owner": g.owner, "team_supports_it": g.supporting, "certain": g.certain,
         "actions": list(g.actions[:20]), "action_count": len(g.actions),
         "statements": [s.describe() for s in g.sources]} for g in grants[:_EVIDENCE]]}
    if certain and not unread:
        shown = "; ".join(f"{g.resource.arn} ({g.owner}'s): {', '.join(g.actions[:3])}"
                          f"{' ...' if len(g.actions) > 3 else ''} via {g.sources[0].label()}"
                          for g in certain[:_SHOWN])
        more = f"; and {len(certain) - _SHOWN} more" if len(certain) > _SHOWN else ""
        result = Result.failed(ref, f"role of team {team} can change {len(certain)} resource(s) another team "
                                    f"owns: {shown}{more} ({LIMITS})", **evidence)
    elif grants or unread:
        why = [f"a condition or policy variable decides {len(grants) - len(certain)} grant(s)"] if (
            len(grants) > len(certain)) else []
        if certain:
            why.append(f"{len(certain)} grant(s) seen, but a Deny in what could not be read would remove them")
        why += [f"cannot read {u}" for u in unread]
        result = Result.not_assessed(ref, f"role of team {team}: {'; '.join(why)} ({LIMITS})", **evidence)
    elif unseen := sorted({what for prefix, what in blind if _may_write(sources, prefix)}):
        result = Result.not_assessed(ref, f"role of team {team} can change none of the {checked} resource(s) other "
                                          f"teams own that were read, but these lists could not be read: "
                                          f"{', '.join(unseen[:5])}{' ...' if len(unseen) > 5 else ''} ({LIMITS})",
                                     **evidence)
    else:
        result = Result.passed(ref, f"role of team {team} can change none of the {checked} resource(s) other "
                                    f"teams own ({LIMITS})", **evidence)
    if resolution.status == "owned" and resolution.primary in resolver.ownership.model.teams:
        return gap_finding(WRITE_OUTSIDE, result, resolution)
    # A role no rule owns is still the declaring team's to answer for.
    return gap_finding(WRITE_OUTSIDE, result).with_owner(team, [], resolver.ownership.where("teams", team))
