"""The public entry point: `run(AuditConfig) -> Report`. CLI, demo, tests and benchmarks call it.

One run is five stages side by side, each taking models and returning models:
collect (Inventory) -> evaluate (control findings) -> attribute (owners, gap findings, requirement
owners and applicability) -> roll up (PCI item statuses) -> render (in `cardaudit.formats`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING

from cardaudit import __version__
from cardaudit.catalogue.attest import load_attestations
from cardaudit.catalogue.awsverdicts import attach_verdicts
from cardaudit.catalogue.load import load_catalogue
from cardaudit.catalogue.rollup import roll_up, tag_findings
from cardaudit.catalogue.scope import not_applicable, profile_named
from cardaudit.catalogue.waivers import apply_waivers, load_waivers
from cardaudit.collect.artifacts import skipped_files
from cardaudit.engine.registry import CheckSpec, all_checks
from cardaudit.engine.runner import PSEUDO_NEEDS, evaluate
from cardaudit.errors import ConfigError
from cardaudit.models.attribution import RequirementAttribution
from cardaudit.models.control import ItemStatus, RequirementStatus
from cardaudit.models.finding import Finding
from cardaudit.models.inventory import REPO_SLICES, Inventory
from cardaudit.models.report import AuditConfig, Report, RunInfo, RunScope, SkippedFile, Summary, ToolInfo
from cardaudit.ownership.build import build_resolver, evidence_record, read_evidence
from cardaudit.ownership.resolve import Resolver
from cardaudit.ownership.stage import attribute_requirements, ownership_stage
from cardaudit.progress import Event, Listener, Phase, ignore
from cardaudit.readback import load_inventory, save_inventory

if TYPE_CHECKING:
    import boto3

__all__ = ["collect", "load_inventory", "run", "save_inventory", "selected_checks"]


def collect(config: AuditConfig, session: boto3.session.Session | None = None,
            on_event: Listener = ignore) -> Inventory:
    """Stage 1: the inventory, from AWS or from a saved file."""
    if config.inventory is not None:
        if config.no_aws:
            raise ConfigError("--no-aws and --inventory: give one (a saved inventory is re-audited without AWS anyway)")
        return load_inventory(config.inventory)
    if config.no_aws:
        return collect_repos(config)
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
    if config.shard is not None and not config.accounts:
        raise ConfigError("--shard splits the accounts of --accounts (a list, or 'organization'); give them")
    if config.accounts:
        if not config.role_name:
            raise ConfigError("--accounts needs --role-name, the read-only role to assume in each account")
        inventory = collect_accounts(base, config.accounts, config.role_name, config.regions, config.workers,
                                     config.external_id, deadline=deadline, verdicts=config.aws_verdicts,
                                     shard=config.shard, on_event=on_event)
    else:
        inventory = collect_aws(base, config.regions, config.workers, deadline=deadline,
                                verdicts=config.aws_verdicts, on_event=on_event)
    files = discover(config.repos)
    return inventory.model_copy(update={"repos": sorted(config.repos), "repo_files": files,
                                        **parse_artifacts(config.repos, files)})


def collect_repos(config: AuditConfig) -> Inventory:
    """Stage 1 without AWS: the repositories only. No session is built, no credential looked up."""
    from cardaudit.collect.artifacts import parse_artifacts
    from cardaudit.collect.artifacts.discover import discover

    if not config.repos:
        raise ConfigError("--no-aws audits repositories only: give at least one --repo NAME=PATH")
    if config.accounts or config.save_inventory is not None:
        raise ConfigError("--no-aws reads no account: --accounts and --save-inventory do not apply")
    files = discover(config.repos)
    return Inventory(collected_at=datetime.now(UTC), accounts=[], regions=[], repos=sorted(config.repos),
                     repo_files=files, **parse_artifacts(config.repos, files))


def reads_aws(spec: CheckSpec) -> bool:
    """True for a check that needs anything from the account (a drift check needs both sides)."""
    return any(name not in REPO_SLICES and name not in PSEUDO_NEEDS for name in spec.needs)


def in_change(finding: Finding, changed: dict[str, set[str]]) -> bool:
    """True when the finding is on a file the change touches; findings on no file are outside it."""
    ref = finding.resource
    return ref.repo is not None and ref.path is not None and ref.path in changed.get(ref.repo, set())


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


@contextmanager
def _phase(on_event: Listener, phase: Phase, counts: Callable[[], dict[str, int]] = dict) -> Iterator[None]:
    """Start and end events around one stage, the end carrying its duration and `counts()`."""
    on_event(Event(phase, "start"))
    began = time.monotonic()
    yield
    on_event(Event(phase, counts=counts(), seconds=round(time.monotonic() - began, 3)))


def run(config: AuditConfig, session: boto3.session.Session | None = None,
        inventory: Inventory | None = None, on_event: Listener = ignore) -> Report:
    started = datetime.now(UTC)
    on_event(Event("run", "start", message=f"shard {config.shard}" if config.shard else ""))
    # Config files are read first, so a bad ownership.yaml fails fast, before any AWS call.
    resolver: Resolver | None = build_resolver(config.ownership, evidence=False) if config.ownership else None
    catalogue = load_catalogue(config.catalogue)
    requirement_ids = [item.id for item in catalogue.items if item.kind == "requirement"]
    requirements_attributed = (attribute_requirements(resolver, requirement_ids) if resolver is not None
                               else RequirementAttribution())
    profile_name, _ = profile_named(config.pci_profile)
    out_of_scope = not_applicable(catalogue, profile_name, requirements_attributed.applicability)
    attested = load_attestations(config.attestations, catalogue) if config.attestations else {}
    waivers = (load_waivers(config.waivers, {s.id for s in all_checks()},
                            {i.id for i in catalogue.items}, catalogue.name)
               if config.waivers else [])
    fresh = inventory is None
    if inventory is None:
        inventory = collect(config, session, on_event)
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
    skipped: dict[str, str] = {}
    if config.no_aws:
        # Skipped by choice, listed once in the report's scope, not one NOT_ASSESSED per check.
        skipped = {s.id: "AWS not audited (--no-aws)" for s in specs if reads_aws(s)}
        specs = [s for s in specs if s.id not in skipped]
    gap_kinds = all_checks("attribute") if resolver is not None else []
    findings: list[Finding] = []
    with _phase(on_event, "evaluate", lambda: {"findings": len(findings)}):
        findings = evaluate(inventory, specs)
    if resolver is not None:
        in_scope = {i for i in requirement_ids if i not in out_of_scope}
        with _phase(on_event, "attribute", lambda: {"findings": len(findings)}):
            findings = ownership_stage(findings, inventory, resolver, requirement_ids, in_scope, today)
    findings = tag_findings(findings, catalogue)
    # Waivers match on PCI items too, so they apply once findings are tagged, before the roll-up.
    findings, waiver_states = apply_waivers(findings, waivers, today)
    ran = [*specs, *gap_kinds]
    out_of_change = 0
    if config.changed_files is not None:
        # Everything was parsed and attributed (a task definition a changed workflow runs is still
        # known); only findings on the files the change touches are reported and counted.
        changed = {repo: set(paths) for repo, paths in config.changed_files.items()}
        kept = [f for f in findings if in_change(f, changed)]
        out_of_change, findings = len(findings) - len(kept), kept
    requirements: list[RequirementStatus] = []
    with _phase(on_event, "rollup", lambda: {"requirements": len(requirements)}):
        requirements = roll_up(catalogue, findings, requirements_attributed.owners, out_of_scope, attested, today,
                               {s.id for s in ran}, skipped)
    if config.changed_files is not None:
        requirements = [_partial(r) for r in requirements]
    errors = inventory.collection_errors()
    summary = Summary.of(findings, requirements, errors)
    on_event(Event("run", counts={**{k.lower(): v for k, v in summary.findings.items()},
                                  "collection_errors": len(errors), "accounts": len(inventory.accounts)},
                   seconds=round((datetime.now(UTC) - started).total_seconds(), 3)))
    return Report(
        tool=ToolInfo(version=__version__),
        run=RunInfo(
            started_at=started, finished_at=datetime.now(UTC), accounts=inventory.accounts,
            regions=inventory.regions, catalogue=catalogue.name, pci_profile=profile_name,
            inventory_source=str(config.inventory) if config.inventory
            else ("repositories" if config.no_aws else "aws"),
            ownership_file=str(config.ownership) if config.ownership else None,
        ),
        findings=sorted(findings, key=lambda f: (f.kind, f.check_id, f.resource.key)),
        requirements=requirements, collection_errors=errors, summary=summary,
        aws_verdicts=attach_verdicts(inventory.aws_verdicts, catalogue, findings),
        checks=[s.info() for s in sorted(ran, key=lambda s: s.id)], waivers=waiver_states,
        scope=RunScope(
            aws_skipped="--no-aws" if config.no_aws else None, skipped_checks=sorted(skipped),
            changed_files=sorted(f"{repo}:{path}" for repo, paths in config.changed_files.items() for path in paths)
            if config.changed_files is not None else None,
            changed_source=config.changed_source, out_of_scope=out_of_change, file_links=config.file_links,
        ),
        evidence=resolver.evidence if resolver is not None else [],
        evidence_warnings=resolver.warnings if resolver is not None else [],
        skipped_files=_skipped_files(inventory, config),
    )


def _skipped_files(inventory: Inventory, config: AuditConfig) -> list[SkippedFile]:
    """Files named like a kind that hold something else; under a change, those the change touches."""
    docs = [d for name in REPO_SLICES for d in getattr(inventory, name)]
    found = skipped_files(docs)
    if config.changed_files is None:
        return found
    return [f for f in found if f.path in config.changed_files.get(f.repo, [])]


def _partial(requirement: RequirementStatus) -> RequirementStatus:
    """Under a pull-request scope an item cannot PASS: only the changed files were judged."""
    if requirement.status != ItemStatus.PASS:
        return requirement
    return requirement.model_copy(update={
        "status": ItemStatus.NOT_ASSESSED,
        "reason": f"{requirement.reason}, on the files the change touches only (the rest was not judged)"})
