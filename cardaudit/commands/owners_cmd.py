"""`cardaudit owners explain|lint|matrix|gaps|list`: who owns this, and is the matrix sound."""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cardaudit.catalogue.names import CATALOGUES
from cardaudit.commands.common import (
    InventoryOpt,
    OwnershipOpt,
    RepoOpt,
    err,
    group,
    parse_csv,
    parse_repos,
    run_command,
    say,
)
from cardaudit.commands.options import (
    FailOnOpt,
    JsonOpt,
    ListFormatOpt,
    choice,
    deprecated,
    fail_threshold,
    print_json,
    wants_json,
)
from cardaudit.errors import ConfigError
from cardaudit.exitcodes import ExitCode
from cardaudit.formats.text import escape

if TYPE_CHECKING:
    from cardaudit.models.inventory import Inventory
    from cardaudit.ownership.resolve import Candidate, Resolution, Resolver, ResourceFacts

app = group("Ask who owns a resource, artifact or PCI item; lint the matrix.")


def warn(text: str) -> None:
    err.print(f"[yellow]note:[/] {escape(text)}")


_REQUIREMENT = re.compile(r"^(\d{1,2}|A\d)(\.\d+)*$")


def _ownership_path(ownership: Path | None) -> Path:
    from cardaudit.ownership.build import ownership_file

    path = ownership_file(ownership)
    if path is None:
        raise ConfigError("no ownership.yaml in this directory: pass --ownership FILE")
    return path


def _resolver(ownership: Path | None, repos: list[str] | None,
              inventory: Path | None = None) -> tuple[Resolver, Inventory | None]:
    """The Resolver the audit builds from the same file and evidence: the checkouts given, else those
    the inventory (given, or ./inventory.json) recorded, and its live CloudFormation stacks."""
    from cardaudit.ownership.build import build_resolver, inventory_file
    from cardaudit.readback import load_inventory

    found = inventory_file(inventory)
    loaded = load_inventory(found) if found is not None else None
    if found is not None and inventory is None:
        warn(f"using {found} (tags, stacks and the repositories it was built from)")
    resolver = build_resolver(_ownership_path(ownership), parse_repos(repos), loaded)
    for warning in resolver.warnings:
        warn(warning)
    for missing in (e for e in resolver.evidence if not e.read and e.kind == "iac"):
        warn(f"evidence not read: {missing.source}: {missing.detail}" + (f" -> {missing.fix}" if missing.fix else ""))
    return resolver, loaded


def _facts(subject: str, resolver: Resolver, inventory: Inventory | None) -> tuple[ResourceFacts, str]:
    from cardaudit.arns import parse_arn
    from cardaudit.ownership.resolve import ResourceFacts, facts_of

    if inventory is not None:
        for resource in inventory.resources():
            if resource.arn == subject:
                return facts_of(resource, resolver.iac), "tags and IaC claims as the inventory recorded them"
    parsed = parse_arn(subject)
    if parsed is None:
        raise ConfigError(f"'{subject}' is not an ARN, repo:path or PCI requirement id")
    claims = tuple(resolver.iac.claimants(subject, parsed.type, parsed.name))
    note = "tags not known (pass --inventory from a run to use tag rules)"
    return ResourceFacts(subject, parsed.account, parsed.region, parsed.type, parsed.name, None, claims), note


def _resolution_json(resolution: Resolution, note: str, teams: Collection[str]) -> dict[str, object]:
    def candidate(c: Candidate) -> dict[str, object]:
        return {"rule": c.rule_id, "primary": c.primary, "supporting": list(c.supporting), "rank": c.tier,
                "where": c.where, "matched_on": list(c.matched_on)}

    # As the report: a rule naming an undeclared team gives the subject no owner.
    declared = resolution.primary in teams
    return {"subject": resolution.subject, "status": resolution.status,
            "owner": resolution.primary if declared else None,
            "undeclared_team": None if declared else resolution.primary,
            "supporting": list(resolution.supporting), "decided_by": [candidate(c) for c in resolution.winners],
            "lost": [candidate(c) for c in resolution.candidates if c not in resolution.winners],
            "caveat": resolution.caveat, "note": note or None}


def _print(resolution: Resolution, note: str, teams: Collection[str]) -> None:
    say(f"[bold]{escape(resolution.subject)}[/]")
    if resolution.status == "owned" and resolution.primary not in teams:
        # As the report says: a rule naming an undeclared team gives the subject no owner.
        say(f"owner: [bold red]none[/]: the deciding rule names undeclared team '{escape(resolution.primary or '')}'")
        for win in resolution.winners:
            say(f"  rule '{escape(win.rule_id)}' -> {escape(win.primary)} at {escape(win.where)} (team not declared)")
    elif resolution.status == "owned":
        support = f" (supporting: {', '.join(resolution.supporting)})" if resolution.supporting else ""
        say(f"owner: [bold green]{escape(resolution.primary or '')}[/]{escape(support)}")
        for win in resolution.winners:
            say(f"  decided by rule '{escape(win.rule_id)}' at {escape(win.where)} "
                f"(matched on {', '.join(win.matched_on)}, rank {win.tier})")
    elif resolution.status == "contested":
        say("owner: [bold red]contested[/]: equally ranked rules name different teams")
        for win in resolution.winners:
            say(f"  rule '{escape(win.rule_id)}' -> {escape(win.primary)} at {escape(win.where)}")
    else:
        say("owner: [bold red]none[/]: no rule matches")
    best = resolution.winners[0] if resolution.winners else None
    for cand in (c for c in resolution.candidates if c not in resolution.winners):
        why = (f"rank {cand.tier} < {best.tier}" if best and cand.tier < best.tier
               else "a more specific pattern of the same rank won")
        say(f"  lost: rule '{escape(cand.rule_id)}' -> {escape(cand.primary)} at {escape(cand.where)} ({why})")
    if resolution.caveat:
        say(f"[yellow]caveat:[/] {escape(resolution.caveat)}")
    if note:
        say(f"[dim]{escape(note)}[/]")


@app.command("explain")
def explain(
    ctx: typer.Context,
    subject: Annotated[str, typer.Argument(
        metavar="SUBJECT", help="An ARN, repo:path (acme/card-api:Dockerfile) or PCI id (10.2.1).")],
    ownership: OwnershipOpt = None,
    inventory: InventoryOpt = None,
    repo: RepoOpt = None,
    output: ListFormatOpt = "table",
    json_flag: JsonOpt = False,
) -> None:
    """Name the owning team and the rule that decided it (file:line), and every rule that lost."""

    def body() -> int:
        from cardaudit.ownership.subject_gaps import iac_groups

        as_json = wants_json(output, json_flag)
        resolver, loaded = _resolver(ownership, repo, inventory)
        teams = resolver.ownership.model.teams
        extra: dict[str, object] = {}
        lines: list[str] = []  # printed after the resolution, already escaped
        note = ""
        if _REQUIREMENT.match(subject):
            resolution = resolver.requirement(subject)
        elif subject.startswith("arn:"):
            facts, note = _facts(subject, resolver, loaded)
            resolution = resolver.resource(facts)
            claims = sorted(iac_groups(facts.iac))
            extra = {"tags": dict(sorted(facts.tags.items())) if facts.tags else {}, "iac": claims}
            if facts.tags:
                lines.append("tags: " + escape(", ".join(f"{k}={v}" for k, v in sorted(facts.tags.items()))))
            lines.append(f"IaC: {escape('; '.join(claims)) if claims else 'no declared source claims it'}")
        elif ":" in subject:
            repo_name, _, path = subject.partition(":")
            resolution = resolver.artifact(repo_name, path)
            codeowners = resolver.codeowners.get(repo_name)
            rule = codeowners.owner_of(path) if codeowners is not None else None
            if codeowners is not None and rule is not None:
                extra = {"codeowners": {"owners": list(rule.owners), "where": codeowners.where(rule)}}
                lines.append(f"CODEOWNERS: {escape(' '.join(rule.owners) or '(no owners)')} at "
                             f"{escape(codeowners.where(rule))}")
        else:
            raise ConfigError(f"'{subject}' is not an ARN, repo:path or PCI requirement id")
        if as_json:
            print_json({**_resolution_json(resolution, note, teams), **extra})
        else:
            _print(resolution, note, teams)
            for line in lines:
                say(line)
        owned = resolution.status == "owned" and resolution.primary in teams and not resolution.caveat
        return ExitCode.OK if owned else ExitCode.FINDINGS

    run_command(ctx, body)


@app.command("init")
def init(
    ctx: typer.Context,
    inventory: InventoryOpt = None,
    repo: RepoOpt = None,
    pulumi_state: Annotated[list[str] | None, typer.Option(
        "--pulumi-state", help="A `pulumi stack export` file as STACK=FILE (repeatable).")] = None,
    terraform_state: Annotated[list[str] | None, typer.Option(
        "--terraform-state", help="A Terraform state file (format version 4) as STACK=FILE (repeatable).")] = None,
    aws_profile: Annotated[str | None, typer.Option(
        "--aws-profile", metavar="NAME", help="AWS profile, when reading AWS live (no --inventory).")] = None,
    regions: Annotated[str | None, typer.Option(help="Comma-separated regions to read live (default: all enabled).")]
    = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the proposal here (not over an "
                                                "existing file); default: print it.")] = None,
) -> None:
    """Propose an ownership.yaml from owner tags, CloudFormation stacks, Pulumi and Terraform state and CODEOWNERS."""

    def body() -> int:
        from cardaudit.audit import collect
        from cardaudit.models.report import AuditConfig
        from cardaudit.ownership.propose import propose

        if output is not None and output.exists():
            raise ConfigError(f"{output} exists: owners init does not overwrite it (choose another --output)")
        repos = parse_repos(repo)
        config = AuditConfig(inventory=inventory, profile=aws_profile, repos=repos, aws_verdicts=False,
                             regions=parse_csv(regions))
        text = propose(collect(config), repos, _state_files("--pulumi-state", pulumi_state),
                       output.parent if output is not None else Path(),
                       _state_files("--terraform-state", terraform_state))
        if output is None:
            typer.echo(text, nl=False)
        else:
            output.write_text(text, encoding="utf-8")
            say(f"wrote {escape(str(output))}: review each rule and `# TODO`, then `cardaudit owners lint --ownership "
                f"{escape(str(output))}`")
        return ExitCode.OK

    run_command(ctx, body)


def _state_files(option: str, values: list[str] | None) -> dict[str, Path]:
    stacks: dict[str, Path] = {}
    for value in values or []:
        stack, sep, path = value.partition("=")
        if not sep or not stack or not path:
            raise ConfigError(f"{option} expects STACK=FILE (e.g. infra/prod=state.json), got '{value}'")
        stacks[stack] = Path(path)
    return stacks


@app.command("lint")
def lint(ctx: typer.Context, ownership: OwnershipOpt = None) -> None:
    """Validate ownership.yaml: schema errors exit 2; rules naming undeclared teams exit 1."""

    def body() -> int:
        from cardaudit.models.base import Status
        from cardaudit.ownership.load import load_ownership
        from cardaudit.ownership.rule_gaps import unknown_team_findings

        loaded = load_ownership(_ownership_path(ownership))
        problems = [f for f in unknown_team_findings(loaded) if f.status == Status.FAIL]
        for f in problems:
            say(f"{escape(f.resource.path or '')}:{f.resource.line}: unknown_team: {escape(f.reason)}")
        if not problems:
            say(f"{escape(str(loaded.path))}: ok ({len(loaded.model.resources)} resource, "
                      f"{len(loaded.model.artifacts)} artifact, {len(loaded.model.requirements)} requirement rules)")
        return ExitCode.FINDINGS if problems else ExitCode.OK

    run_command(ctx, body)


@app.command("matrix")
def matrix(
    ctx: typer.Context,
    ownership: OwnershipOpt = None,
    catalogue: Annotated[str, typer.Option("--catalogue", metavar="|".join(CATALOGUES), help="Catalogue to list.")]
    = "pci-dss-4.0.1",
    repo: RepoOpt = None,
    pci_profile: Annotated[str | None, typer.Option(
        "--pci-profile", metavar="issuer|service-provider|merchant", help="PCI DSS profile (default: issuer).")]
    = None,
    output: Annotated[str, typer.Option("--format", metavar="csv|json", help="csv (default) or json.")] = "csv",
    json_flag: JsonOpt = False,
    old_profile: Annotated[str | None, typer.Option("--profile", hidden=True)] = None,  # old --pci-profile
) -> None:
    """Print the responsibility matrix as CSV: each requirement in scope, its teams and third party.

    This is the evidence for X.1.2 (roles assigned) and 12.8.5 (which party covers what);
    acknowledgement by the people named stays a manual record.
    """

    def body() -> int:
        import csv
        import sys

        from cardaudit.catalogue.load import load_catalogue
        from cardaudit.catalogue.scope import not_applicable
        from cardaudit.ownership.stage import attribute_requirements

        profile = deprecated(old_profile, pci_profile, "--profile", "--pci-profile")
        as_json = json_flag or choice("--format", output, ["csv", "json"]) == "json"
        resolver, _ = _resolver(ownership, repo)
        cat = load_catalogue(choice("--catalogue", catalogue, list(CATALOGUES)))
        attributed = attribute_requirements(resolver, [i.id for i in cat.items if i.kind == "requirement"])
        out_of_scope = not_applicable(cat, profile, attributed.applicability)
        header = ["requirement", "title", "responsibility", "primary", "supporting", "third_party",
                  "third_party_evidence", "decided_by"]
        rows: list[list[str]] = []
        external = resolver.ownership.model.external
        for item in cat.items:
            if item.kind != "requirement" or item.id in out_of_scope:
                continue
            resolution = resolver.requirement(item.id)
            rule = resolver.requirement_rule(item.id)
            responsibility = rule[0].responsibility if rule else (item.responsibility or "")
            tpsp = rule[0].tpsp if rule else None
            rows.append([
                item.id, item.title, responsibility,
                resolution.primary or f"({resolution.status})", " ".join(resolution.supporting), tpsp or "",
                (external[tpsp].evidence or "") if tpsp in external else "", resolution.rule_where or "",
            ])
        if as_json:
            print_json([dict(zip(header, row, strict=True)) for row in rows])
            return ExitCode.OK
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return ExitCode.OK

    run_command(ctx, body)


@app.command("gaps")
def gaps(
    ctx: typer.Context,
    report: Annotated[Path, typer.Option("--report", metavar="FILE",
                                         help="A report.json from `cardaudit audit` or `demo`.")],
    kind: Annotated[str | None, typer.Option(metavar="KIND",
                                             help="Only this gap, e.g. unowned, contested, stale_rule.")] = None,
    fail_on: FailOnOpt = "none",
    output: ListFormatOpt = "table",
    json_flag: JsonOpt = False,
) -> None:
    """List the ownership gaps of a report, worst first (FAIL and NOT_ASSESSED)."""

    def body() -> int:
        threshold = fail_threshold(fail_on)
        as_json = wants_json(output, json_flag)
        from cardaudit.models.base import Status
        from cardaudit.readback import load_report

        found = [f for f in load_report(report).findings if f.kind == "ownership" and f.status != Status.PASS]
        if kind:
            from difflib import get_close_matches

            from cardaudit.engine.registry import all_checks

            kinds = sorted(spec.id.removeprefix("ownership_") for spec in all_checks("attribute"))
            if not any(k.endswith(kind) for k in kinds):
                # `--kind unowned` selects every kind ending so: suggest such endings as well as full names.
                endings = sorted({k.split("_", i)[-1] for k in kinds for i in range(k.count("_") + 1)})
                near = get_close_matches(kind, endings, n=1)
                hint = f" (did you mean {near[0]}?)" if near else ""
                raise ConfigError(f"--kind: no gap kind '{kind}'{hint}; kinds: {', '.join(kinds)}")
            found = [f for f in found if f.check_id.removeprefix("ownership_").endswith(kind)]
        found.sort(key=lambda f: (-f.severity.rank, f.check_id))
        if as_json:
            print_json([{"status": f.status.value, "severity": f.severity.value, "kind": f.check_id,
                         "subject": f.resource.arn or f.resource.id, "reason": f.reason, "owner": f.owner}
                        for f in found])
        else:
            for f in found:
                where = f.resource.arn or f.resource.id
                say(f"{f.status.value} {f.severity.value} {escape(f.check_id)} {escape(str(where))}: "
                    f"{escape(f.reason)}")
            say(f"{len(found)} gap(s)")
        worst = [f for f in found if f.status == Status.FAIL and threshold is not None
                 and f.severity.rank >= threshold.rank]
        return ExitCode.FINDINGS if worst else ExitCode.OK

    run_command(ctx, body)


@app.command("list")
def list_owned(
    ctx: typer.Context,
    team: Annotated[str, typer.Option(metavar="TEAM", help="The team to list.")],
    ownership: OwnershipOpt = None,
    inventory: Annotated[Path | None, typer.Option(
        metavar="FILE", help="Saved inventory: also list the resources it owns.")] = None,
    repo: RepoOpt = None,
    wide: Annotated[bool, typer.Option("--wide", help="List every PCI id (the default shows the first 12).")]
    = False,
    output: ListFormatOpt = "table",
    json_flag: JsonOpt = False,
) -> None:
    """What a team owns: its rules (file:line), its PCI requirements and, with --inventory, its resources."""

    def body() -> int:
        from cardaudit.catalogue.load import DEFAULT_CATALOGUE, load_catalogue
        from cardaudit.commands.options import did_you_mean
        from cardaudit.ownership.resolve import facts_of

        as_json = wants_json(output, json_flag)
        resolver, loaded = _resolver(ownership, repo, inventory)
        model = resolver.ownership.model
        if team not in model.teams:
            raise ConfigError(f"no team '{team}' in {resolver.ownership.shown_path}"
                              f"{did_you_mean(team, sorted(model.teams))} "
                              f"(declared: {', '.join(sorted(model.teams))})")
        sections = (("resources", model.resources), ("artifacts", model.artifacts))
        rules_held = [{"rule": rule.id, "section": section, "role": role,
                       "where": resolver.ownership.where(section, index)}
                      for section, rules in sections for index, rule in enumerate(rules)
                      if (role := "primary" if rule.primary == team else
                          "supporting" if team in rule.supporting else None)]
        items = [i.id for i in load_catalogue(DEFAULT_CATALOGUE).items
                 if i.kind == "requirement" and resolver.requirement(i.id).primary == team]
        owned: list[str] | None = None
        uncertain: list[str] = []
        if loaded is not None:
            resolutions = [(r, resolver.resource(facts_of(r, resolver.iac))) for r in loaded.resources()
                           if not r.aws_managed]
            # As the report: a resource whose owner unread evidence could change is not listed as owned.
            owned = [r.arn for r, res in resolutions
                     if res.status == "owned" and res.primary == team and not res.caveat]
            uncertain = [r.arn for r, res in resolutions
                         if res.caveat and (res.primary == team or res.primary is None)]
        if as_json:
            print_json({"team": team, "name": model.teams[team].name, "rules": rules_held,
                        "requirements": items, "resources": owned,
                        "owner_not_known": uncertain if loaded is not None else None})
            return ExitCode.OK
        say(f"[bold]{escape(team)}[/]: {escape(model.teams[team].name)}")
        for held in rules_held:
            say(f"  rule '{escape(str(held['rule']))}' ({held['section']}, {held['role']}) "
                f"at {escape(str(held['where']))}")
        shown = items if wide else items[:12]
        more = " … (--wide or --json for all)" if len(shown) < len(items) else ""
        listed = f" ({', '.join(shown)}{more})" if items else ""
        say(f"PCI DSS requirements it owns: {len(items)}{listed}")
        if owned is not None:
            say(f"resources it owns: {len(owned)}")
            for arn in owned:
                say(f"  {escape(arn)}")
            if uncertain:
                say(f"[yellow]resources whose owner is not known (evidence not read):[/] {len(uncertain)}")
                for arn in uncertain:
                    say(f"  {escape(arn)}")
        return ExitCode.OK

    run_command(ctx, body)
