"""`cardaudit audit`: collect, evaluate, attribute, roll up, render."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from cardaudit.catalogue.names import CATALOGUES, DEFAULT_CATALOGUE
from cardaudit.commands.common import (
    OwnershipOpt,
    RepoOpt,
    err,
    exit_status,
    out,
    parse_csv,
    parse_repos,
    run_command,
)
from cardaudit.commands.options import (
    FailOnOpt,
    OutputOpt,
    QuietOpt,
    check_regions,
    choice,
    deprecated,
    fail_threshold,
    plan_outputs,
    write_outputs,
)
from cardaudit.formats import FORMAT_NAMES


def audit_command(
    ctx: typer.Context,
    aws_profile: Annotated[str | None, typer.Option(
        "--aws-profile", metavar="NAME", help="AWS credentials profile (default: the usual credential chain).")]
    = None,
    regions: Annotated[str | None, typer.Option(metavar="REGION[,REGION]",
                                                help="Comma-separated regions (default: all enabled).")] = None,
    accounts: Annotated[str | None, typer.Option(
        metavar="ID[,ID]|organization",
        help="Comma-separated account ids to audit through --role-name, or 'organization' for every active "
             "account of the AWS Organization.")] = None,
    role_name: Annotated[str | None, typer.Option(metavar="NAME",
                                                  help="Read-only role to assume in each account.")] = None,
    external_id: Annotated[str | None, typer.Option(metavar="ID",
                                                    help="ExternalId the role's trust policy requires.")] = None,
    inventory: Annotated[Path | None, typer.Option(metavar="FILE",
                                                   help="Re-audit a saved inventory; no AWS call.")] = None,
    save_inventory: Annotated[Path | None, typer.Option(metavar="FILE",
                                                        help="Also write the collected inventory here.")] = None,
    ownership: OwnershipOpt = None,
    repo: RepoOpt = None,
    catalogue: Annotated[str, typer.Option(metavar="|".join(CATALOGUES), help="The PCI DSS catalogue.")]
    = DEFAULT_CATALOGUE,
    pci_profile: Annotated[str | None, typer.Option(
        metavar="issuer|service-provider|merchant", help="PCI DSS profile (default: issuer).")] = None,
    attestations: Annotated[Path | None, typer.Option(metavar="FILE",
                                                      help="attestations.yaml for manual and partial items.")]
    = None,
    output_dir: Annotated[str | None, typer.Option(
        "--output-dir", metavar="DIR", show_default=False,
        help="Where the --format reports go (default: cardaudit-report).")] = None,
    output: OutputOpt = None,
    format: Annotated[str, typer.Option("--format", "-f", metavar="FMT[,FMT]",
                                        help=f"Comma-separated, of: {', '.join(FORMAT_NAMES)}.")]
    = "json,html",
    fail_on: FailOnOpt = "high",
    workers: Annotated[int, typer.Option(metavar="N", help="Concurrent API workers.")] = 8,
    checks: Annotated[str | None, typer.Option(
        metavar="ID[,ID]", help="Only these checks: comma-separated ids or globs (ecr_*).")] = None,
    timeout: Annotated[float | None, typer.Option(
        metavar="SECONDS",
        help="Seconds AWS collection may take; what is not read by then is NOT_ASSESSED, and the report is "
             "still written.", min=1)] = None,
    aws_verdicts: Annotated[bool, typer.Option(
        "--aws-verdicts/--no-aws-verdicts",
        help="Also read AWS's own verdicts (Security Hub's PCI DSS results, Config conformance packs, Inspector) "
             "and show where they disagree with the checks. They never change a result.")] = True,
    quiet: QuietOpt = False,
    profile: Annotated[str | None, typer.Option("--profile", hidden=True)] = None,  # old --aws-profile
) -> None:
    """Audit an AWS account (or a saved inventory) against the PCI DSS catalogue."""

    def body() -> int:
        from cardaudit import audit
        from cardaudit.formats.console import print_summary
        from cardaudit.models.report import AuditConfig
        from cardaudit.ownership.build import ownership_file

        threshold = fail_threshold(fail_on)
        outputs = plan_outputs(format, output, output_dir, "cardaudit-report")
        catalogue_name = choice("--catalogue", catalogue, list(CATALOGUES))
        wanted_regions = parse_csv(regions) if inventory is not None else check_regions(parse_csv(regions))
        config = AuditConfig(profile=deprecated(profile, aws_profile, "--profile", "--aws-profile"),
                             regions=wanted_regions, inventory=inventory,
                             accounts=parse_csv(accounts), role_name=role_name, external_id=external_id,
                             save_inventory=save_inventory, ownership=ownership_file(ownership),
                             catalogue=catalogue_name,
                             pci_profile=pci_profile, attestations=attestations,
                             repos=parse_repos(repo), workers=workers, checks=parse_csv(checks),
                             timeout=timeout, aws_verdicts=aws_verdicts)
        report = audit.run(config)
        # stdout carries the summary, unless a format is being written there or --quiet asks for silence.
        if not quiet and not outputs.stdout:
            print_summary(report, out, table=outputs.console_table)
        for path in write_outputs(report, outputs):
            if not quiet:
                err.print(f"wrote {escape(str(path))}", highlight=False, soft_wrap=True)
        return exit_status(report, threshold)

    run_command(ctx, body)
