"""The `codeowners_disagrees` gap: a repository's CODEOWNERS and ownership.yaml name different teams."""

from __future__ import annotations

from cardaudit.models.finding import Finding, ResourceRef, Result
from cardaudit.models.inventory import Inventory
from cardaudit.models.ownership import OwnershipFile
from cardaudit.ownership.gaps import CODEOWNERS_DISAGREES, gap_finding, rules_text
from cardaudit.ownership.resolve import Resolver


def handle_teams(model: OwnershipFile) -> dict[str, str]:
    """CODEOWNERS owner (a handle, case-insensitive as GitHub's, or an e-mail) -> team."""
    out: dict[str, str] = {}
    for name, team in sorted(model.teams.items()):
        for handle in [*team.handles, *team.contacts]:
            out.setdefault(handle.lower(), name)
    return out


def codeowners_findings(inventory: Inventory, resolver: Resolver) -> list[Finding]:
    """Per repository artifact: does the last matching CODEOWNERS line include its ownership.yaml owner?"""
    teams = handle_teams(resolver.ownership.model)
    out: list[Finding] = []
    for repo in sorted({f.repo for f in inventory.repo_files}):
        codeowners = resolver.codeowners.get(repo)
        if codeowners is None or codeowners.absent or codeowners.error:
            why = ("its checkout was not read" if codeowners is None
                   else codeowners.status().detail)
            ref = ResourceRef(type="cardaudit::Codeowners", id=repo, name=repo, repo=repo)
            out.append(gap_finding(CODEOWNERS_DISAGREES, Result.not_assessed(ref, f"CODEOWNERS not compared: {why}")))
            continue
        for repo_file in (f for f in inventory.repo_files if f.repo == repo and f.is_artifact):
            rule = codeowners.owner_of(repo_file.path)
            if rule is None:
                continue  # CODEOWNERS says nothing about this file
            resolution = resolver.artifact(repo, repo_file.path)
            ref = repo_file.ref()
            line = codeowners.where(rule)
            if rule.problem:
                result = Result.not_assessed(ref, f"{line} is malformed ({rule.problem}); GitHub skips it")
            elif resolution.status != "owned" or resolution.primary not in resolver.ownership.model.teams:
                result = Result.not_assessed(ref, "ownership.yaml names no single declared owner "
                                                  f"({resolution.status}) to compare with {line}")
            elif not rule.owners:
                result = Result.failed(ref, f"{line} leaves it explicitly unowned, but ownership.yaml gives it to "
                                            f"{resolution.primary} ({rules_text(resolution)})",
                                       codeowners=line, rule=resolution.rule_where)
            else:
                mapped = {teams[o.lower()] for o in rule.owners if o.lower() in teams}
                unmapped = sorted(o for o in rule.owners if o.lower() not in teams)
                if not mapped:
                    result = Result.not_assessed(ref, f"{line} names {', '.join(unmapped)}, which no team of "
                                                      "ownership.yaml lists in its handles")
                elif resolution.primary in mapped:
                    result = Result.passed(ref, f"{line} and ownership.yaml agree on {resolution.primary}")
                else:
                    result = Result.failed(ref, f"CODEOWNERS gives it to {', '.join(sorted(mapped))} ({line}), "
                                                f"ownership.yaml to {resolution.primary} ({rules_text(resolution)})",
                                           codeowners=line, rule=resolution.rule_where)
            out.append(gap_finding(CODEOWNERS_DISAGREES, result, resolution))
    return out
