"""The public entry point: `run(AuditConfig) -> Report`. CLI, demo, tests and benchmarks call it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from fnmatch import fnmatchcase
from pathlib import Path

import boto3
from pydantic import ValidationError

from cardaudit import __version__
from cardaudit.catalogue.attest import load_attestations
from cardaudit.catalogue.load import load_catalogue
from cardaudit.catalogue.rollup import roll_up, tag_findings
from cardaudit.catalogue.scope import not_applicable, profile_named
from cardaudit.collect.accounts import collect_accounts
from cardaudit.collect.artifacts import parse_artifacts
from cardaudit.collect.artifacts.discover import discover
from cardaudit.collect.aws import collect_aws
from cardaudit.collect.session import audit_session
from cardaudit.engine.registry import CheckSpec, all_checks
from cardaudit.engine.runner import evaluate
from cardaudit.errors import ConfigError
from cardaudit.models.finding import Finding
from cardaudit.models.inventory import Inventory
from cardaudit.models.report import AuditConfig, Report, RunInfo, Summary, ToolInfo
from cardaudit.ownership.gaps import GAP_CHECKS
from cardaudit.ownership.iac import load_iac
from cardaudit.ownership.load import load_ownership
from cardaudit.ownership.resolve import Resolver
from cardaudit.ownership.stage import ownership_stage


def load_inventory(path: Path) -> Inventory:
    try:
        text = path.read_text(encoding="utf-8")
        return Inventory.model_validate(json.loads(text))
    except OSError as exc:
        raise ConfigError(f"cannot read inventory: {exc.strerror}", path) from exc
    except UnicodeDecodeError:
        raise ConfigError("not a cardaudit inventory: not UTF-8 text", path) from None
    except json.JSONDecodeError as exc:
        raise ConfigError(f"not a cardaudit inventory: invalid JSON: {exc.msg}", path, exc.lineno) from None
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"not a cardaudit inventory: {loc}: {first['msg']}", path) from None


def save_inventory(inventory: Inventory, path: Path) -> None:
    try:
        path.write_text(inventory.model_dump_json(indent=1), encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write inventory: {exc.strerror}", path) from exc


def collect(config: AuditConfig, session: boto3.session.Session | None = None) -> Inventory:
    """Stage 1: the inventory, from AWS or from a saved file."""
    if config.inventory is not None:
        return load_inventory(config.inventory)
    base = session or audit_session(config.profile)
    if config.accounts:
        if not config.role_name:
            raise ConfigError("--accounts needs --role-name, the read-only role to assume in each account")
        inventory = collect_accounts(base, config.accounts, config.role_name, config.regions, config.workers,
                                     config.external_id)
    else:
        inventory = collect_aws(base, config.regions, config.workers)
    files = discover(config.repos)
    return inventory.model_copy(update={"repos": sorted(config.repos), "repo_files": files,
                                        **parse_artifacts(config.repos, files)})


def selected_checks(patterns: list[str] | None) -> list[CheckSpec]:
    specs = all_checks()
    if not patterns:
        return specs
    chosen = [s for s in specs if any(fnmatchcase(s.id, p) or p in s.aliases for p in patterns)]
    unmatched = [p for p in patterns if not any(fnmatchcase(s.id, p) or p in s.aliases for s in specs)]
    if unmatched:
        raise ConfigError(f"--checks: no check matches {', '.join(unmatched)} (see `cardaudit checks list`)")
    return chosen


def load_resolver(config: AuditConfig) -> Resolver | None:
    if config.ownership is None:
        return None
    ownership = load_ownership(config.ownership)
    iac = load_iac(ownership.model.settings.iac_sources, config.repos, config.ownership.parent)
    return Resolver(ownership, iac)


def run(config: AuditConfig, session: boto3.session.Session | None = None,
        inventory: Inventory | None = None) -> Report:
    started = datetime.now(UTC)
    # Config files are read first, so a bad ownership.yaml fails fast, before any AWS call.
    resolver = load_resolver(config)
    catalogue = load_catalogue(config.catalogue)
    profile_name, _ = profile_named(config.pci_profile)
    out_of_scope = not_applicable(catalogue, profile_name, resolver)
    attested = load_attestations(config.attestations, catalogue) if config.attestations else {}
    if inventory is None:
        inventory = collect(config, session)
        if config.save_inventory is not None:
            save_inventory(inventory, config.save_inventory)

    specs = selected_checks(config.checks)
    checks_run = {s.id for s in specs} | (set(GAP_CHECKS) if resolver is not None else set())
    findings: list[Finding] = evaluate(inventory, specs)
    if resolver is not None:
        requirement_ids = [item.id for item in catalogue.items if item.kind == "requirement"]
        in_scope = {i for i in requirement_ids if i not in out_of_scope}
        findings = ownership_stage(findings, inventory, resolver, requirement_ids, in_scope, started.date())
    findings = tag_findings(findings, catalogue)
    requirements = roll_up(catalogue, findings, resolver, out_of_scope, attested, started.date(), checks_run)
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
    )
