"""`cardaudit audit`: collect, evaluate, attribute, roll up, render."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cardaudit.catalogue.names import CATALOGUES, DEFAULT_CATALOGUE
from cardaudit.commands.common import (
    LogFormatOpt,
    OwnershipOpt,
    RepoOpt,
    S3KmsKeyOpt,
    S3SseOpt,
    err,
    exit_status,
    out,
    parse_csv,
    parse_log_format,
    parse_repos,
    parse_shard,
    run_command,
)
from cardaudit.commands.history_cmd import (
    FailOnNewOpt,
    HistoryOpt,
    check_fail_on_new,
    new_failures_status,
    remember,
    report_history_error,
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
from cardaudit.errors import ConfigError
from cardaudit.exitcodes import ExitCode
from cardaudit.formats import FORMAT_NAMES
from cardaudit.formats.text import escape
from cardaudit.limits import LimitExceeded

if TYPE_CHECKING:
    from cardaudit.models.report import AuditConfig

MAX_LIST_BYTES = 8 * 1024 * 1024  # a list of changed paths; a monorepo's whole tree fits


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
        help="Where the --format reports go: a directory, or s3://bucket/prefix/ (the one write cardaudit "
             "makes: s3:PutObject under that prefix) (default: cardaudit-report).")] = None,
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
    waivers: Annotated[Path | None, typer.Option(
        "--waivers", show_default=False,
        help="waivers.yaml: approved, dated exceptions; a waived FAIL is WAIVED, never PASS "
             "(default: ./waivers.yaml if any).")] = None,
    history: HistoryOpt = None,
    fail_on_new: FailOnNewOpt = False,
    no_aws: Annotated[bool, typer.Option(
        "--no-aws", help="Repositories only (--repo): no AWS call and no credential look-up; AWS checks are "
                         "skipped by choice and listed once.")] = False,
    changed_files: Annotated[str | None, typer.Option(
        "--changed-files", metavar="FILE|-",
        help="Report only findings on these repo-relative paths (one per line, as `git diff --name-only` "
             "prints them; - reads standard input). Every file is still read for ownership and links.")] = None,
    base_ref: Annotated[str | None, typer.Option(
        "--base-ref", metavar="REF",
        help="Report only findings on files changed since REF: runs `git diff --name-only REF...HEAD` in each "
             "--repo.")] = None,
    shard: Annotated[str | None, typer.Option(
        help="Audit only shard I of N of the --accounts (I/N, stable by account id); join the reports with "
             "`cardaudit merge`.")] = None,
    log_format: LogFormatOpt = "text",
    s3_sse: S3SseOpt = None,
    s3_kms_key_id: S3KmsKeyOpt = None,
    quiet: QuietOpt = False,
    profile: Annotated[str | None, typer.Option("--profile", hidden=True)] = None,  # old --aws-profile
) -> None:
    """Audit an AWS account (or a saved inventory) against the PCI DSS catalogue."""

    def body() -> int:
        from cardaudit import audit
        from cardaudit.catalogue.waivers import waivers_file
        from cardaudit.formats.console import print_scope, print_summary
        from cardaudit.logs import listener
        from cardaudit.models.report import AuditConfig
        from cardaudit.ownership.build import attestations_file, ownership_file
        from cardaudit.sinks import open_sink

        check_fail_on_new(fail_on_new, history)
        threshold = fail_threshold(fail_on)
        outputs = plan_outputs(format, output, output_dir, "cardaudit-report")
        catalogue_name = choice("--catalogue", catalogue, list(CATALOGUES))
        wanted_regions = (parse_csv(regions) if inventory is not None or no_aws
                          else check_regions(parse_csv(regions)))
        aws_profile_name = deprecated(profile, aws_profile, "--profile", "--aws-profile")
        config = AuditConfig(profile=aws_profile_name,
                             regions=wanted_regions, inventory=inventory,
                             accounts=parse_csv(accounts), role_name=role_name, external_id=external_id,
                             save_inventory=save_inventory, ownership=ownership_file(ownership),
                             catalogue=catalogue_name,
                             pci_profile=pci_profile, attestations=attestations_file(attestations),
                             repos=parse_repos(repo), workers=workers, checks=parse_csv(checks),
                             timeout=timeout, aws_verdicts=aws_verdicts, waivers=waivers_file(waivers),
                             no_aws=no_aws, shard=parse_shard(shard))
        config = with_change_scope(config, changed_files, base_ref)
        config = config.model_copy(update={"file_links": github_links(config.repos)})
        # An s3:// destination fails here, before the audit, when it cannot be written.
        sink = (open_sink(outputs.directory, profile=aws_profile_name, sse=s3_sse, kms_key_id=s3_kms_key_id)
                if outputs.directory is not None else None)
        with listener(parse_log_format(log_format), quiet=quiet) as on_event:
            report, history_error = remember(audit.run(config, on_event=on_event), history, sorted(config.repos))
        # The reports first: a reader that closes stdout early (`| head`) must not cost them.
        written = write_outputs(report, outputs, sink)
        # stdout carries the summary, unless a format is being written there or --quiet asks for silence.
        if not quiet and not outputs.stdout:
            print_summary(report, out, table=outputs.console_table)
            print_scope(report, out)
        for where in written:
            if not quiet:
                err.print(f"wrote {escape(str(where))}", highlight=False, soft_wrap=True, markup=False)
        report_history_error(history_error)
        if history_error is not None:
            return history_error.exit_code
        status = exit_status(report, None if fail_on_new else threshold)
        if fail_on_new and status == ExitCode.OK:
            return new_failures_status(report)
        return status

    run_command(ctx, body)


def github_links(repos: dict[str, Path]) -> dict[str, str]:
    """In a GitHub Actions job, the checkout being built links its files at the commit under test.

    Only the repository of the workflow (the one at GITHUB_WORKSPACE) is linked; other checkouts
    are named, not linked, since their URL is not known.
    """
    import os

    server, repository = os.environ.get("GITHUB_SERVER_URL"), os.environ.get("GITHUB_REPOSITORY")
    sha, workspace = os.environ.get("GITHUB_SHA"), os.environ.get("GITHUB_WORKSPACE")
    if not (server and repository and sha and workspace):
        return {}
    here = Path(workspace).resolve()
    return {name: f"{server}/{repository}/blob/{sha}" for name, root in repos.items() if root.resolve() == here}


def with_change_scope(config: AuditConfig, changed_files: str | None, base_ref: str | None) -> AuditConfig:
    """The config with the pull request's files, from a list (`--changed-files`) or git (`--base-ref`)."""
    import sys

    from cardaudit.collect.changes import git_changed, read_list
    from cardaudit.safefile import read_bounded_text

    if changed_files is None and base_ref is None:
        return config
    if changed_files is not None and base_ref is not None:
        raise ConfigError("give --changed-files or --base-ref, not both")
    if not config.repos:
        raise ConfigError("--changed-files and --base-ref scope repository findings: give --repo NAME=PATH")
    if base_ref is not None:
        changed = {name: git_changed(name, root, base_ref) for name, root in sorted(config.repos.items())}
        source = f"--base-ref {base_ref} (git diff --name-only {base_ref}...HEAD)"
    else:
        if changed_files == "-":
            text = sys.stdin.read()
        else:
            try:
                text = read_bounded_text(Path(str(changed_files)), MAX_LIST_BYTES)
            except LimitExceeded as exc:
                raise ConfigError(f"--changed-files {changed_files}: cannot read it ({exc.message})") from exc
            except OSError as exc:
                raise ConfigError(f"--changed-files {changed_files}: cannot read it ({exc.strerror})") from exc
        paths = read_list(text)
        # One list for every checkout: a path counts in each repository that holds it.
        changed = {name: [p for p in paths if (root / p).exists()] for name, root in sorted(config.repos.items())}
        source = f"--changed-files {changed_files}"
    return config.model_copy(update={"changed_files": changed, "changed_source": source})
