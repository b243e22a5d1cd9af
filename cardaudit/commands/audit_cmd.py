"""`cardaudit audit`: collect, evaluate, attribute, roll up, render."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cardaudit.catalogue.names import CATALOGUES, DEFAULT_CATALOGUE
from cardaudit.commands.common import (
    OwnershipOpt,
    RepoOpt,
    err,
    exit_status,
    out,
    parse_csv,
    parse_formats,
    parse_repos,
    run_command,
    write_reports,
)
from cardaudit.formats import FORMAT_NAMES
from cardaudit.models.enums import Severity


def audit_command(
    ctx: typer.Context,
    profile: Annotated[str | None, typer.Option(help="AWS profile (default: the usual credential chain).")] = None,
    regions: Annotated[str | None, typer.Option(help="Comma-separated regions (default: all enabled).")] = None,
    accounts: Annotated[str | None, typer.Option(
        help="Comma-separated account ids to audit through --role-name, or 'organization' for every active "
             "account of the AWS Organization.")] = None,
    role_name: Annotated[str | None, typer.Option(help="Read-only role to assume in each account.")] = None,
    external_id: Annotated[str | None, typer.Option(help="ExternalId the role's trust policy requires.")] = None,
    inventory: Annotated[Path | None, typer.Option(help="Re-audit a saved inventory; no AWS call.")] = None,
    save_inventory: Annotated[Path | None, typer.Option(help="Also write the collected inventory here.")] = None,
    ownership: OwnershipOpt = None,
    repo: RepoOpt = None,
    catalogue: Annotated[str, typer.Option(help=f"One of: {', '.join(CATALOGUES)}.")] = DEFAULT_CATALOGUE,
    pci_profile: Annotated[str | None, typer.Option(help="issuer (default), service-provider or merchant.")] = None,
    attestations: Annotated[Path | None, typer.Option(help="attestations.yaml for manual and partial items.")]
    = None,
    output_dir: Annotated[Path, typer.Option("--output-dir", help="Where reports go.")] = Path("cardaudit-report"),
    format: Annotated[str, typer.Option("--format", help=f"Comma-separated, of: {', '.join(FORMAT_NAMES)}.")]
    = "json,html",
    fail_on: Annotated[Severity | None, typer.Option(help="Exit 1 when a FAIL/ERROR has this severity or worse.")]
    = Severity.HIGH,
    workers: Annotated[int, typer.Option(help="Concurrent API workers.")] = 8,
    checks: Annotated[str | None, typer.Option(help="Only these checks: comma-separated ids or globs (ecr_*).")]
    = None,
    timeout: Annotated[float | None, typer.Option(
        help="Seconds AWS collection may take; what is not read by then is NOT_ASSESSED, and the report is "
             "still written.", min=1)] = None,
    aws_verdicts: Annotated[bool, typer.Option(
        "--aws-verdicts/--no-aws-verdicts",
        help="Also read AWS's own verdicts (Security Hub's PCI DSS results, Config conformance packs, Inspector) "
             "and show where they disagree with the checks. They never change a result.")] = True,
) -> None:
    """Audit an AWS account (or a saved inventory) against the PCI DSS catalogue."""

    def body() -> int:
        from cardaudit import audit
        from cardaudit.formats.console import print_summary
        from cardaudit.models.report import AuditConfig
        from cardaudit.ownership.build import attestations_file, ownership_file

        config = AuditConfig(profile=profile, regions=parse_csv(regions), inventory=inventory,
                             accounts=parse_csv(accounts), role_name=role_name, external_id=external_id,
                             save_inventory=save_inventory, ownership=ownership_file(ownership), catalogue=catalogue,
                             pci_profile=pci_profile, attestations=attestations_file(attestations),
                             repos=parse_repos(repo), workers=workers, checks=parse_csv(checks),
                             timeout=timeout, aws_verdicts=aws_verdicts)
        formats = parse_formats(format)
        report = audit.run(config)
        print_summary(report, out)
        for path in write_reports(report, formats, output_dir):
            err.print(f"wrote {path}")
        return exit_status(report, fail_on)

    run_command(ctx, body)
