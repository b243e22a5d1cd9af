"""Gaps in the ownership file itself: unknown teams, stale, shadowed and overdue rules, TPSP evidence."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from cardaudit.models.finding import Finding, ResourceRef, Result
from cardaudit.models.ownership import ResourceMatch
from cardaudit.ownership.gaps import (
    REVIEW_OVERDUE,
    RULE,
    SHADOWED_RULE,
    STALE_RULE,
    TPSP_UNEVIDENCED,
    UNKNOWN_TEAM,
    RuleUsage,
    gap_finding,
)
from cardaudit.ownership.load import Ownership
from cardaudit.ownership.resolve import glob_match

Loc = tuple[str | int, ...]


def _rule_ref(ownership: Ownership, loc: Loc, rule_id: str, part: str = "") -> ResourceRef:
    where = ownership.where(*loc)
    line = int(where.rsplit(":", 1)[1]) if ":" in where else None
    # The file name, not its location, identifies the rule: findings keep their ids from machine to machine.
    # The section and rule id (`resources.app-lambdas`) tell the file's rules apart: each has its own finding id.
    return ResourceRef(type=RULE, id=rule_id, name=rule_id, path=ownership.path.name, line=line,
                       field=f"{loc[0]}.{rule_id}{part}")


def _file_pass(ownership: Ownership, gap: str, reason: str) -> Finding:
    ref = ResourceRef(type="cardaudit::OwnershipFile", id=ownership.path.name, path=ownership.path.name)
    return gap_finding(gap, Result.passed(ref, reason))


def unknown_team_findings(ownership: Ownership) -> list[Finding]:
    """One FAIL per rule naming an undeclared team or third party; one PASS for a clean file."""
    model = ownership.model
    teams = set(model.teams)
    out: list[Finding] = []

    def report(loc: Loc, rule_id: str, names: Iterable[str], known: set[str], what: str, part: str = "") -> None:
        bad = sorted({n for n in names if n not in known})
        if bad:
            out.append(gap_finding(UNKNOWN_TEAM, Result.failed(
                _rule_ref(ownership, loc, rule_id, part),
                f"rule '{rule_id}' names undeclared {what} {', '.join(bad)}",
                undeclared=bad)))

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
            report(("requirements", i), req.id, [req.tpsp], set(model.external), "third party", ".tpsp")
    return out or [_file_pass(ownership, UNKNOWN_TEAM, f"all rules name declared teams ({', '.join(sorted(teams))})")]


def _collected(match: ResourceMatch, collected_types: set[str]) -> bool:
    types = [match.type] if isinstance(match.type, str) else match.type
    if types is None:
        return bool(collected_types)
    return any(t in collected_types for t in types)


def _resource_blind(match: ResourceMatch, collected_types: set[str], unread_tools: frozenset[str]) -> str | None:
    if not collected_types:
        # A repository-only run (--no-aws) read no AWS resource a rule could match.
        return "no AWS resource was read in this audit (--no-aws)"
    if not _collected(match, collected_types):
        return "cardaudit does not collect this resource type yet"
    if match.iac is not None and match.iac.tool in unread_tools:
        return f"a {match.iac.tool} source it could match was not read"
    return None


def usage_findings(ownership: Ownership, usage: RuleUsage, complete: bool, collected_types: set[str],
                   repos: list[str], unread_tools: frozenset[str] = frozenset()) -> list[Finding]:
    """Stale rules (match nothing) and shadowed rules (match, but never decide).

    A rule can only be called stale when the inventory it was compared with is complete: after a
    collection error it is NOT_ASSESSED, and so is a rule about a type cardaudit does not collect.
    """
    out: list[Finding] = []
    sections: list[tuple[str, list[tuple[int, str, str | None]]]] = [
        ("resources", [(i, r.id, _resource_blind(r.match, collected_types, unread_tools))
                       for i, r in enumerate(ownership.model.resources)]),
        ("artifacts", [(i, r.id, None if any(glob_match(r.repo, repo) for repo in repos)
                        else f"no checkout of {r.repo} was given (--repo NAME=PATH)")
                       for i, r in enumerate(ownership.model.artifacts)]),
        ("requirements", [(i, r.id, None) for i, r in enumerate(ownership.model.requirements)]),
    ]
    for section, rules in sections:
        for index, rule_id, blind in rules:
            ref = _rule_ref(ownership, (section, index), rule_id)
            if (section, rule_id) not in usage.matched:
                if (section, rule_id) in usage.possible and not blind:
                    blind = "it could match a resource whose tags or IaC state could not be read"
                if blind or (section == "resources" and not complete):
                    reason = blind or "the inventory is incomplete (collection errors), so a match may be missing"
                    out.append(gap_finding(STALE_RULE, Result.not_assessed(ref, f"rule '{rule_id}': {reason}")))
                else:
                    out.append(gap_finding(STALE_RULE, Result.failed(
                        ref, f"rule '{rule_id}' matches nothing in this audit: delete it or fix its match")))
            elif (section, rule_id) not in usage.won and section != "requirements":
                if section == "resources" and not complete:
                    out.append(gap_finding(SHADOWED_RULE, Result.not_assessed(
                        ref, f"rule '{rule_id}' decides nothing in what was seen, but the inventory is incomplete "
                             "(collection errors)")))
                else:
                    out.append(gap_finding(SHADOWED_RULE, Result.failed(
                        ref, f"rule '{rule_id}' matches but a more specific rule always wins: it decides nothing")))
    if not any(f.check_id == STALE_RULE for f in out):
        out.append(_file_pass(ownership, STALE_RULE, "every rule matches something"))
    if not any(f.check_id == SHADOWED_RULE for f in out):
        if complete:
            out.append(_file_pass(ownership, SHADOWED_RULE, "every matching rule decides at least one subject"))
        else:
            ref = ResourceRef(type="cardaudit::OwnershipFile", id=ownership.path.name, path=ownership.path.name)
            out.append(gap_finding(SHADOWED_RULE, Result.not_assessed(
                ref, "every rule that matched decides somewhere, but the inventory is incomplete (collection errors)")))
    return out


def _review_every(ownership: Ownership) -> timedelta:
    return timedelta(days=int(ownership.model.settings.review_every.rstrip("d")))


def review_findings(ownership: Ownership, today: date) -> list[Finding]:
    """Rules and third parties whose `reviewed` date is older than settings.review_every."""
    period = _review_every(ownership)
    out: list[Finding] = []
    dated: list[tuple[Loc, str, date | None]] = [
        *((("resources", i), r.id, r.reviewed) for i, r in enumerate(ownership.model.resources)),
        *((("artifacts", i), r.id, r.reviewed) for i, r in enumerate(ownership.model.artifacts)),
        *((("requirements", i), r.id, r.reviewed) for i, r in enumerate(ownership.model.requirements)),
        *((("external", name), name, e.reviewed) for name, e in ownership.model.external.items()),
    ]
    for loc, rule_id, reviewed in dated:
        ref = _rule_ref(ownership, loc, rule_id)
        if reviewed is None:
            if loc[0] == "external":
                out.append(gap_finding(REVIEW_OVERDUE, Result.failed(ref, f"third party '{rule_id}' was never "
                                                                         "reviewed (no `reviewed` date)")))
            continue
        age = (today - reviewed).days
        if today - reviewed > period:
            out.append(gap_finding(REVIEW_OVERDUE, Result.failed(
                ref, f"'{rule_id}' last reviewed {reviewed} ({age} days ago; review every {period.days} days)")))
        else:
            out.append(gap_finding(REVIEW_OVERDUE, Result.passed(ref, f"'{rule_id}' reviewed {reviewed}")))
    return out


def tpsp_findings(ownership: Ownership) -> list[Finding]:
    """Requirements with a third-party share must name it, and it must cite its evidence (12.8.5)."""
    external = ownership.model.external
    out: list[Finding] = []
    for index, rule in enumerate(ownership.model.requirements):
        if rule.responsibility not in ("tpsp", "shared"):
            continue
        ref = _rule_ref(ownership, ("requirements", index), rule.id)
        if rule.tpsp is None:
            result = Result.failed(ref, f"'{rule.id}' is {rule.responsibility} but names no third party (tpsp:)")
        elif rule.tpsp not in external:
            result = Result.not_assessed(ref, f"'{rule.id}' names undeclared third party {rule.tpsp}")
        elif not external[rule.tpsp].evidence:
            result = Result.failed(ref, f"'{rule.id}' relies on {rule.tpsp}, which cites no evidence "
                                        "(AOC, responsibility matrix)")
        else:
            result = Result.passed(ref, f"'{rule.id}' shared with {rule.tpsp}: {external[rule.tpsp].evidence}")
        out.append(gap_finding(TPSP_UNEVIDENCED, result))
    return out
