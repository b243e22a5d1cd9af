"""`cardaudit controls stats|list|show`: the PCI DSS catalogue, counted, filtered and explained."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cardaudit.catalogue.names import CATALOGUES, DEFAULT_CATALOGUE
from cardaudit.commands.common import OwnershipOpt, RepoOpt, group, out, parse_repos, run_command, say
from cardaudit.commands.options import JsonOpt, ListFormatOpt, choice, deprecated, print_json, wants_json
from cardaudit.errors import ConfigError
from cardaudit.exitcodes import ExitCode
from cardaudit.formats.text import escape

if TYPE_CHECKING:
    from cardaudit.catalogue.load import Catalogue
    from cardaudit.models.attribution import RequirementAttribution
    from cardaudit.models.control import RequirementStatus
    from cardaudit.models.finding import Finding
    from cardaudit.models.report import Report

app = group("Count, list and explain PCI DSS catalogue items.")

CatalogueOpt = Annotated[str, typer.Option("--catalogue", metavar="|".join(CATALOGUES), help="The catalogue.")]
ProfileOpt = Annotated[str | None, typer.Option(
    "--pci-profile", metavar="issuer|service-provider|merchant", help="PCI DSS profile (default: issuer).")]
# `--profile` was this option's name; kept hidden for one release (it means the AWS profile in `audit`).
OldProfileOpt = Annotated[str | None, typer.Option("--profile", hidden=True)]
ReportOpt = Annotated[Path | None, typer.Option("--report", metavar="FILE",
                                                help="A report.json, for each item's last status.")]


def _catalogue(name: str) -> Catalogue:
    from cardaudit.catalogue.load import load_catalogue

    return load_catalogue(choice("--catalogue", name, list(CATALOGUES)))


def _profile(new: str | None, old: str | None) -> str | None:
    value: str | None = deprecated(old, new, "--profile", "--pci-profile")
    return value


def _attribution(cat: Catalogue, ownership: Path | None, repo: list[str] | None) -> RequirementAttribution | None:
    """Requirement owners and applicability, built exactly as the audit builds them."""
    from cardaudit.ownership.build import build_resolver, ownership_file
    from cardaudit.ownership.stage import attribute_requirements

    path = ownership_file(ownership)
    if path is None:
        return None
    resolver = build_resolver(path, parse_repos(repo))
    return attribute_requirements(resolver, [i.id for i in cat.items if i.kind == "requirement"])


def _last_statuses(report: Path | None) -> dict[str, RequirementStatus]:
    from cardaudit.readback import load_report

    return {} if report is None else {r.id: r for r in load_report(report).requirements}


@app.command("stats")
def stats(ctx: typer.Context, catalogue: CatalogueOpt = DEFAULT_CATALOGUE, pci_profile: ProfileOpt = None,
          old_profile: OldProfileOpt = None) -> None:
    """Counts per counting rule, per profile and per assessment class."""
    def body() -> None:
        profile = _profile(pci_profile, old_profile)
        from rich.table import Table

        from cardaudit.catalogue.scope import not_applicable, profile_named
        from cardaudit.catalogue.stats import (
            ASSESSMENTS,
            ISSUER_CHECKLIST,
            Rule,
            assessment_split,
            automated_coverage,
            counting_rules,
            profile_counts,
        )
        from cardaudit.engine.registry import all_checks

        cat = _catalogue(catalogue)
        name, _ = profile_named(profile)
        table = Table(title=f"PCI DSS v{cat.version}: counting rules")
        for column in ("rule", "1-12", "with appendices", f"vs {ISSUER_CHECKLIST}"):
            table.add_column(column, justify="right" if column != "rule" else "left")
        rules = counting_rules(cat)
        for rule in rules:
            delta = rule.total - ISSUER_CHECKLIST
            table.add_row(rule.name, str(rule.core), str(rule.total), f"{delta:+d}")
        out.print(table)

        scope = Table(title="In scope per profile (before default N/A items)")
        for column in ("profile", "requirements", "leaves", "default N/A", "requirements after N/A"):
            scope.add_column(column, justify="right" if column != "profile" else "left")
        total = sum(1 for i in cat.items if i.kind == "requirement")
        for prof, (reqs, leaves) in profile_counts(cat).items():
            out_of_scope = len(not_applicable(cat, prof))  # profile exclusions and default N/A items
            default_na = out_of_scope - (total - reqs)
            scope.add_row(prof + (" (selected)" if prof == name else ""), str(reqs), str(leaves),
                          str(default_na), str(total - out_of_scope))
        out.print(scope)

        split = Table(title="Assessment class per principal requirement")
        for column in ("principal", *ASSESSMENTS, "total"):
            split.add_column(column, justify="right")
        totals = {a: 0 for a in ASSESSMENTS}
        for principal, counts in assessment_split(cat).items():
            split.add_row(principal, *(str(counts[a]) for a in ASSESSMENTS), str(sum(counts.values())))
            for a in ASSESSMENTS:
                totals[a] += counts[a]
        split.add_row("all", *(str(totals[a]) for a in ASSESSMENTS), str(sum(totals.values())))
        out.print(split)

        covered, core = automated_coverage(cat)
        aws_checks = {spec.id for spec in all_checks("evaluate")}
        aws_covered = sum(1 for i in cat.items if i.kind == "requirement" and not i.appendix
                          and aws_checks & set(i.checks))
        say(f"{covered} of {core} core requirements have at least one cardaudit check "
             f"({aws_covered} with an AWS or repository check, the rest with ownership checks only).")
        def distance(rule: Rule) -> int:
            return min(abs(rule.core - ISSUER_CHECKLIST), abs(rule.total - ISSUER_CHECKLIST))

        nearest = sorted(rules, key=distance)[:3]
        issuer_reqs, issuer_leaves = profile_counts(cat)["issuer"]
        issuer_after_na = total - len(not_applicable(cat, "issuer"))
        say(f"{ISSUER_CHECKLIST} is the item count an issuer's checklist quotes; how it was counted is not "
            f"published, and no counting rule of v{cat.version} gives it. Nearest: "
            + "; ".join(f"'{r.name}' {r.core} / {r.total}" for r in nearest) + ".")
        say(f"In scope for an issuer: {issuer_reqs} requirements ({issuer_leaves} leaves), {issuer_after_na} after "
            "cardaudit's default not-applicable items. Compare a checklist with these counts, not with 331.")

    run_command(ctx, body)


@app.command("list")
def list_items(
    ctx: typer.Context,
    catalogue: CatalogueOpt = DEFAULT_CATALOGUE,
    requirement: Annotated[str | None, typer.Option(help="Only this item and its descendants (10, 10.2).")] = None,
    assessment: Annotated[str | None, typer.Option(help="automated, partial, manual or inherited.")] = None,
    owner: Annotated[str | None, typer.Option(help="Only items this team owns (from ownership.yaml).")] = None,
    status: Annotated[str | None, typer.Option(help="Only items with this status in --report.")] = None,
    report: ReportOpt = None,
    ownership: OwnershipOpt = None,
    repo: RepoOpt = None,
    pci_profile: ProfileOpt = None,
    output: ListFormatOpt = "table",
    json_flag: JsonOpt = False,
    old_profile: OldProfileOpt = None,
) -> None:
    """List requirements, filtered by subtree, assessment class, owning team or last status."""
    def body() -> int:
        profile = _profile(pci_profile, old_profile)
        from rich.table import Table

        from cardaudit.catalogue.scope import not_applicable
        from cardaudit.catalogue.stats import ASSESSMENTS

        as_json = wants_json(output, json_flag)
        cat = _catalogue(catalogue)
        wanted_class = choice("--assessment", assessment, list(ASSESSMENTS)) if assessment else None
        if status and report is None:
            raise ConfigError("--status needs --report report.json")
        if status:
            from difflib import get_close_matches

            from cardaudit.models.control import ItemStatus

            known = [s.value for s in ItemStatus]
            if status.upper() not in known:
                near = get_close_matches(status.upper(), known, n=1)
                hint = f" (did you mean {near[0]}?)" if near else ""
                raise ConfigError(f"--status: '{status}' is not one of {', '.join(known)}{hint}")
        wanted = status.upper() if status else None
        last = _last_statuses(report)
        attributed = _attribution(cat, ownership, repo)
        if owner and attributed is None:
            raise ConfigError("--owner needs an ownership.yaml (--ownership, or one in this directory)")
        na = not_applicable(cat, profile, attributed.applicability if attributed else None)
        table = Table()
        for column in ("id", "assessment", "status", "owner", "title"):
            table.add_column(column, overflow="fold", no_wrap=column == "id")  # an id is never cut
        shown = 0
        rows: list[dict[str, str | None]] = []
        for item in cat.items:
            if item.kind != "requirement":
                continue
            if requirement and not (item.id == requirement or item.id.startswith(requirement + ".")):
                continue
            if wanted_class and item.assessment != wanted_class:
                continue
            found = attributed.owners.get(item.id) if attributed else None
            item_owner = found.owner if found else None
            if owner and item_owner != owner:
                continue
            item_status = last[item.id].status.value if item.id in last else ("NOT_APPLICABLE" if item.id in na else "")
            if wanted and item_status != wanted:
                continue
            rows.append({"id": item.id, "assessment": item.assessment, "status": item_status or None,
                         "owner": item_owner, "title": item.title})
            table.add_row(item.id, item.assessment or "", item_status, escape(item_owner or ""), escape(item.title))
            shown += 1
        if as_json:
            print_json(rows)
            return ExitCode.OK
        out.print(table)
        say(f"{shown} item(s)")
        return ExitCode.OK

    run_command(ctx, body)


@app.command("show")
def show(
    ctx: typer.Context,
    item_id: Annotated[str, typer.Argument(metavar="ITEM", help="An item id such as 10.2.1.")],
    catalogue: CatalogueOpt = DEFAULT_CATALOGUE,
    report: ReportOpt = None,
    ownership: OwnershipOpt = None,
    repo: RepoOpt = None,
    pci_profile: ProfileOpt = None,
    output: ListFormatOpt = "table",
    json_flag: JsonOpt = False,
    old_profile: OldProfileOpt = None,
) -> None:
    """Everything about one item: title, class, checks, owner, evidence guidance, cross-refs, last status
    and, with --report, the findings behind that status."""
    def body() -> int:
        profile = _profile(pci_profile, old_profile)
        cat = _catalogue(catalogue)
        item = cat.by_id.get(item_id)
        if item is None:
            from difflib import get_close_matches

            near = get_close_matches(item_id, list(cat.by_id), n=1)
            hint = f" (did you mean {near[0]}?)" if near else ""
            raise ConfigError(f"no item {item_id} in {cat.name}{hint}")
        attributed = _attribution(cat, ownership, repo)
        loaded = None
        if report is not None:
            from cardaudit.readback import load_report

            loaded = load_report(report)
        if wants_json(output, json_flag):
            print_json(_item_json(cat, item_id, attributed, profile, loaded))
            return ExitCode.OK
        _describe(cat, item_id, attributed, profile)
        if loaded is None:
            return ExitCode.OK
        last = next((r for r in loaded.requirements if r.id == item_id), None)
        if last:
            say(f"last status: {last.status.value} ({escape(last.reason)})")
            behind = _findings_behind(loaded, item_id)
            for f in behind[:_FINDINGS_SHOWN]:
                where = f.resource.arn or f.resource.display
                say(f"  {f.status.value} {f.severity.value} {escape(f.check_id)} {escape(str(where))}: "
                    f"{escape(f.reason)}")
            if len(behind) > _FINDINGS_SHOWN:
                say(f"  ... and {len(behind) - _FINDINGS_SHOWN} more (--json lists them all)")
        # AWS's own verdicts on the item: a second opinion, never its status.
        verdicts = [v for v in loaded.aws_verdicts.verdicts if item_id in v.items]
        if verdicts:
            counts = Counter(f"{v.source} {v.status}" for v in verdicts)
            say("AWS verdicts: " + ", ".join(f"{n} {escape(k)}" for k, n in sorted(counts.items())))
        for d in (d for d in loaded.aws_verdicts.disagreements if d.item == item_id):
            say(f"  disagree on {escape(d.resource)}: {d.check_id} {d.ours.value}, {d.source} {escape(d.control)} "
                f"{d.theirs}")
        return ExitCode.OK

    run_command(ctx, body)


def _describe(cat: Catalogue, item_id: str, attributed: RequirementAttribution | None, profile: str | None) -> None:
    from cardaudit.catalogue.scope import not_applicable
    from cardaudit.engine.registry import load_checks

    item = cat.by_id[item_id]
    flags = [f for f, on in (("service-provider only", item.sp_only), ("issuer only", item.issuer_only),
                             ("appendix", item.appendix)) if on]
    say(f"[bold]{item.id}[/] {escape(item.title)}")
    say(f"{item.kind} in {cat.name}" + (f", under {item.parent}" if item.parent else "")
         + (f" ({', '.join(flags)})" if flags else ""))
    if item.assessment:
        say(f"assessment: {item.assessment} · responsibility: {item.responsibility}")
    na = not_applicable(cat, profile, attributed.applicability if attributed else None).get(item_id)
    if na:
        say(f"not applicable: {escape(na)}")
    specs = load_checks()
    if item.automates:
        say(f"its checks decide: {escape(item.automates)}")
    for check_id in item.checks:
        title = specs[check_id].title if check_id in specs else "(not a registered check)"
        say(f"check: {check_id} -- {escape(title)}")
        say(f"  why: {escape(item.why.get(check_id, ''))}")
    found = attributed.owners.get(item_id) if attributed else None
    if found is not None:
        if found.owner:
            say(f"owner: {escape(found.owner)} ({escape(found.rule or '')})"
                + (f", supporting {escape(', '.join(found.supporting))}" if found.supporting else ""))
        else:
            say(f"owner: none ({found.status})")
    if item.evidence:
        say(f"evidence: {escape(item.evidence)}")
    if item.security_hub:
        say(f"Security Hub: {', '.join(item.security_hub)}")
    if item.config_rules:
        say(f"AWS Config: {', '.join(item.config_rules)}")
    children = cat.children.get(item_id, [])
    if children:
        say(f"children: {', '.join(children)}")


_FINDINGS_SHOWN = 20
_STATUS_ORDER = {"FAIL": 0, "ERROR": 1, "NOT_ASSESSED": 2, "PASS": 3}


def _findings_behind(report: Report, item_id: str) -> list[Finding]:
    """The findings tagged with the item (or one of its sub-items), worst first: what decided its status."""
    inside = [f for f in report.findings
              if any(p == item_id or p.startswith(item_id + ".") for p in f.pci)]
    return sorted(inside, key=lambda f: (_STATUS_ORDER.get(f.status.value, 9), -f.severity.rank, f.check_id,
                                         f.resource.key))


def _item_json(cat: Catalogue, item_id: str, attributed: RequirementAttribution | None, profile: str | None,
               report: Report | None) -> dict[str, object]:
    from cardaudit.catalogue.scope import not_applicable

    item = cat.by_id[item_id]
    found = attributed.owners.get(item_id) if attributed else None
    data: dict[str, object] = {
        "id": item.id, "title": item.title, "kind": item.kind, "parent": item.parent, "catalogue": cat.name,
        "assessment": item.assessment, "responsibility": item.responsibility, "checks": list(item.checks),
        "why": dict(item.why), "evidence": item.evidence, "children": cat.children.get(item_id, []),
        "security_hub": list(item.security_hub), "config_rules": list(item.config_rules),
        "not_applicable": not_applicable(cat, profile, attributed.applicability if attributed else None).get(item_id),
        "owner": found.owner if found else None,
    }
    if report is not None:
        last = next((r for r in report.requirements if r.id == item_id), None)
        data["last_status"] = last.status.value if last else None
        data["last_reason"] = last.reason if last else None
        data["findings"] = [{"check_id": f.check_id, "status": f.status.value, "severity": f.severity.value,
                             "resource": f.resource.arn or f.resource.display, "reason": f.reason,
                             "owner": f.owner} for f in _findings_behind(report, item_id)]
    return data
