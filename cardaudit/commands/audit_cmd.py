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
    deliver_reports,
    err,
    exit_status,
    out,
    parse_csv,
    parse_formats,
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
from cardaudit.errors import ConfigError
from cardaudit.exitcodes import ExitCode
from cardaudit.formats import FORMAT_NAMES
from cardaudit.limits import LimitExceeded
from cardaudit.models.enums import Severity

if TYPE_CHECKING:
    from cardaudit.models.report import AuditConfig

MAX_LIST_BYTES = 8 * 1024 * 1024  # a list of changed paths; a monorepo's whole tree fits


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
    output_dir: Annotated[str, typer.Option(
        "--output-dir", help="Where reports go: a directory, or s3://bucket/prefix/ (the one write cardaudit "
                             "makes: s3:PutObject under that prefix).")] = "cardaudit-report",
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
        config = AuditConfig(profile=profile, regions=parse_csv(regions), inventory=inventory,
                             accounts=parse_csv(accounts), role_name=role_name, external_id=external_id,
                             save_inventory=save_inventory, ownership=ownership_file(ownership), catalogue=catalogue,
                             pci_profile=pci_profile, attestations=attestations_file(attestations),
                             repos=parse_repos(repo), workers=workers, checks=parse_csv(checks),
                             timeout=timeout, aws_verdicts=aws_verdicts, waivers=waivers_file(waivers),
                             no_aws=no_aws, shard=parse_shard(shard))
        config = with_change_scope(config, changed_files, base_ref)
        config = config.model_copy(update={"file_links": github_links(config.repos)})
        formats = parse_formats(format)
        sink = open_sink(output_dir, profile=profile, sse=s3_sse, kms_key_id=s3_kms_key_id)  # fails before the audit
        with listener(parse_log_format(log_format)) as on_event:
            report, history_error = remember(audit.run(config, on_event=on_event), history, sorted(config.repos))
        print_summary(report, out)
        print_scope(report, out)
        for where in deliver_reports(report, formats, sink):
            err.print(f"wrote {where}", highlight=False, markup=False)
        report_history_error(history_error)
        if history_error is not None:
            return history_error.exit_code
        status = exit_status(report, None if fail_on_new else fail_on)
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
