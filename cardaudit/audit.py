"""The public entry point: `run(AuditConfig) -> Report`. CLI, demo, tests and benchmarks call it.

One run is five stages side by side, each taking models and returning models:
collect (Inventory) -> evaluate (control findings) -> attribute (owners, gap findings, requirement
owners and applicability) -> roll up (PCI item statuses) -> render (in `cardaudit.formats`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING

from cardaudit import __version__
from cardaudit.catalogue.attest import load_attestations
from cardaudit.catalogue.awsverdicts import attach_verdicts
from cardaudit.catalogue.load import load_catalogue
from cardaudit.catalogue.rollup import roll_up, tag_findings
from cardaudit.catalogue.scope import not_applicable, profile_named
from cardaudit.engine.registry import CheckSpec, all_checks
from cardaudit.engine.runner import evaluate
from cardaudit.errors import ConfigError
from cardaudit.models.attribution import RequirementAttribution
from cardaudit.models.finding import Finding
from cardaudit.models.inventory import Inventory
from cardaudit.models.report import AuditConfig, Report, RunInfo, Summary, ToolInfo
from cardaudit.ownership.build import build_resolver, evidence_record, read_evidence
from cardaudit.ownership.resolve import Resolver
from cardaudit.ownership.stage import attribute_requirements, ownership_stage
from cardaudit.readback import load_inventory, save_inventory

if TYPE_CHECKING:
    import boto3

__all__ = ["collect", "load_inventory", "run", "save_inventory", "selected_checks"]


def collect(config: AuditConfig, session: boto3.session.Session | None = None) -> Inventory:
    """Stage 1: the inventory, from AWS or from a saved file."""
    if config.inventory is not None:
        return load_inventory(config.inventory)
    # boto3 and the collectors load only when AWS is really read: re-auditing a file needs neither.
    from cardaudit.collect.accounts import collect_accounts
    from cardaudit.collect.artifacts import parse_artifacts
    from cardaudit.collect.artifacts.discover import discover
    from cardaudit.collect.aws import collect_aws
    from cardaudit.collect.deadline import Deadline
    from cardaudit.collect.session import audit_session, guard_session

    # A session handed in is guarded too: the allow-list holds for every session cardaudit calls with.
    base = guard_session(session) if session is not None else audit_session(config.profile)
    deadline = Deadline.after(config.timeout)
    if config.accounts:
        if not config.role_name:
            raise ConfigError("--accounts needs --role-name, the read-only role to assume in each account")
        inventory = collect_accounts(base, config.accounts, config.role_name, config.regions, config.workers,
                                     config.external_id, deadline=deadline, verdicts=config.aws_verdicts)
    else:
        inventory = collect_aws(base, config.regions, config.workers, deadline=deadline,
                                verdicts=config.aws_verdicts)
    files = discover(config.repos)
    return inventory.model_copy(update={"repos": sorted(config.repos), "repo_files": files,
                                        **parse_artifacts(config.repos, files)})


def selected_checks(patterns: list[str] | None) -> list[CheckSpec]:
    """The evaluate-stage checks to run: all, or those matching ids, aliases or globs (ecr_*)."""
    specs = all_checks("evaluate")
    if not patterns:
        return specs
    chosen = [s for s in specs if any(fnmatchcase(s.id, p) or p in s.aliases for p in patterns)]
    unmatched = [p for p in patterns if not any(fnmatchcase(s.id, p) or p in s.aliases for s in specs)]
    if unmatched:
        raise ConfigError(f"--checks: no check matches {', '.join(unmatched)} (see `cardaudit checks list`)")
    return chosen


def run(config: AuditConfig, session: boto3.session.Session | None = None,
        inventory: Inventory | None = None) -> Report:
    started = datetime.now(UTC)
    # Config files are read first, so a bad ownership.yaml fails fast, before any AWS call.
    resolver: Resolver | None = build_resolver(config.ownership, evidence=False) if config.ownership else None
    catalogue = load_catalogue(config.catalogue)
    requirement_ids = [item.id for item in catalogue.items if item.kind == "requirement"]
    requirements_attributed = (attribute_requirements(resolver, requirement_ids) if resolver is not None
                               else RequirementAttribution())
    profile_name, _ = profile_named(config.pci_profile)
    out_of_scope = not_applicable(catalogue, profile_name, requirements_attributed.applicability)
    attested = load_attestations(config.attestations, catalogue) if config.attestations else {}
    fresh = inventory is None
    if inventory is None:
        inventory = collect(config, session)
    if resolver is not None:
        # The evidence, with the inventory: its live CloudFormation stacks, and the checkouts it recorded.
        read_evidence(resolver, config.repos, inventory)
    if fresh and config.inventory is None:
        # The inputs besides AWS, so that a re-audit of the saved file reads the same evidence.
        inventory = inventory.model_copy(update={"evidence": evidence_record(config.repos, resolver)})
    if fresh and config.save_inventory is not None:
        save_inventory(inventory, config.save_inventory)

    # The clock of the run is the moment of collection: a saved inventory judged again gives the
    # same ages, review dates and attestation expiries as the run that collected it.
    today: date = inventory.collected_at.date()
    specs = selected_checks(config.checks)
    gap_kinds = all_checks("attribute") if resolver is not None else []
    findings: list[Finding] = evaluate(inventory, specs)
    if resolver is not None:
        in_scope = {i for i in requirement_ids if i not in out_of_scope}
        findings = ownership_stage(findings, inventory, resolver, requirement_ids, in_scope, today)
    findings = tag_findings(findings, catalogue)
    ran = [*specs, *gap_kinds]
    requirements = roll_up(catalogue, findings, requirements_attributed.owners, out_of_scope, attested, today,
                           {s.id for s in ran})
    errors = inventory.collection_errors()
    return Report(
        tool=ToolInfo(version=__version__),
        run=RunInfo(
            started_at=started, finished_at=datetime.now(UTC), accounts=inventory.accounts,
            regions=inventory.regions, catalogue=catalogue.name, pci_profile=profile_name,
            inventory_source=str(config.inventory) if config.inventory else "aws",
            ownership_file=str(config.ownership) if config.ownership else None,
        ),
        findings=sorted(findings, key=lambda f: (f.kind, f.check_id, f.resource.key)),
        requirements=requirements, collection_errors=errors, summary=Summary.of(findings, requirements, errors),
        aws_verdicts=attach_verdicts(inventory.aws_verdicts, catalogue, findings),
        checks=[s.info() for s in sorted(ran, key=lambda s: s.id)],
        evidence=resolver.evidence if resolver is not None else [],
        evidence_warnings=resolver.warnings if resolver is not None else [],
    )
