"""`cardaudit merge`: join per-account or per-shard JSON reports into one report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cardaudit.commands.common import (
    S3KmsKeyOpt,
    S3SseOpt,
    deliver_reports,
    err,
    exit_status,
    out,
    parse_formats,
    run_command,
)
from cardaudit.formats import FORMAT_NAMES
from cardaudit.models.enums import Severity


def merge_command(
    ctx: typer.Context,
    reports: Annotated[list[str], typer.Argument(
        help="JSON reports of shards or accounts (report.json), or s3://bucket/prefix/ for every report.json "
             "under it.")],
    output_dir: Annotated[str, typer.Option(
        "--output-dir", help="Where the merged reports go: a directory, or s3://bucket/prefix/.")] = "cardaudit-report",
    format: Annotated[str, typer.Option("--format", help=f"Comma-separated, of: {', '.join(FORMAT_NAMES)}.")]
    = "json,html",
    catalogue: Annotated[Path | None, typer.Option(
        help="The catalogue file the reports were rolled up against, when it is not a shipped one.")] = None,
    fail_on: Annotated[Severity | None, typer.Option(help="Exit 1 when a FAIL/ERROR has this severity or worse.")]
    = Severity.HIGH,
    profile: Annotated[str | None, typer.Option(help="AWS profile for an s3:// --output-dir.")] = None,
    s3_sse: S3SseOpt = None,
    s3_kms_key_id: S3KmsKeyOpt = None,
) -> None:
    """Merge reports of the same audit set-up into one, with the PCI items rolled up again."""

    def body() -> int:
        import tempfile

        from cardaudit.formats.console import print_summary
        from cardaudit.merging import Part, merge_reports
        from cardaudit.readback import load_report
        from cardaudit.sinks import is_s3, open_sink

        formats = parse_formats(format)
        sink = open_sink(output_dir, profile=profile, sse=s3_sse, kms_key_id=s3_kms_key_id)
        with tempfile.TemporaryDirectory(prefix="cardaudit-merge-") as folder:
            paths: list[Path] = []
            for source in reports:
                if is_s3(source):
                    from cardaudit.sinks.s3 import fetch_reports

                    paths += fetch_reports(source, Path(folder), profile=profile)
                else:
                    paths.append(Path(source))
            merged = merge_reports([Part(str(path), load_report(path)) for path in paths], catalogue)
        written = deliver_reports(merged, formats, sink)  # before stdout, which a reader may close early
        print_summary(merged, out)
        for where in written:
            err.print(f"wrote {where}", highlight=False, markup=False)
        return exit_status(merged, fail_on)

    run_command(ctx, body)
