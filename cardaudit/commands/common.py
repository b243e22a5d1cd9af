"""What every command shares: consoles, options, the one error handler, report writing, exit status.

Nothing here imports boto3, pydantic models or the catalogue at import time, so `cardaudit --help`
stays cheap; each command imports the engine inside its body.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from cardaudit.errors import CardauditError, ConfigError, RenderError
from cardaudit.exitcodes import ExitCode
from cardaudit.formats import FORMAT_NAMES, get_format
from cardaudit.models.enums import Severity, Status

if TYPE_CHECKING:
    from cardaudit.logs import LogFormat
    from cardaudit.models.report import Report
    from cardaudit.models.shard import Shard
    from cardaudit.sinks import Sink

# No emoji codes: an ARN such as `...:secret:prod/db` must print as written, not as a symbol.
out = Console(emoji=False)
err = Console(stderr=True, emoji=False)


@dataclass
class CliState:
    """Set by the top-level callback, read by every command through its context."""

    debug: bool = False


def _debug(ctx: typer.Context) -> bool:
    state = ctx.find_object(CliState)
    return state.debug if state is not None else False


def run_command(ctx: typer.Context, body: Callable[[], int | None]) -> None:
    """Run a command body and exit with its code; cardaudit's errors become one line and their exit code.

    `--debug` adds the traceback but keeps the exit code, so a script sees the same status either way.
    """
    try:
        code = body()
    except (typer.Exit, typer.Abort, typer.TyperException, BrokenPipeError, KeyboardInterrupt):
        raise  # the command chose its exit, typer reports a usage error, or the reader (`| head`) went away
    except CardauditError as exc:
        if _debug(ctx):
            err.print_exception()
        err.print(f"[red]{exc.label}:[/] {escape(exc.text)}", highlight=False, soft_wrap=True)
        raise typer.Exit(exc.exit_code) from None
    except Exception as exc:  # noqa: BLE001 -- a bug in cardaudit: one line, exit 4, traceback with --debug
        if _debug(ctx):
            err.print_exception()
        err.print(f"[red]internal error:[/] {escape(type(exc).__name__)}: {escape(str(exc))} "
                  "(run again with --debug for the traceback, and please report it)", highlight=False)
        raise typer.Exit(ExitCode.INTERNAL) from None
    raise typer.Exit(int(code or ExitCode.OK))


def say(text: str) -> None:
    """One line per fact, never wrapped, so scripts and editors can read `file:line:` prefixes."""
    out.print(text, soft_wrap=True, highlight=False)


# Options several commands share.
OwnershipOpt = Annotated[Path | None, typer.Option("--ownership", "-o", show_default=False,
                                                   help="ownership.yaml to use (default: ./ownership.yaml if any).")]
RepoOpt = Annotated[list[str] | None, typer.Option(
    "--repo", help="Repository checkout as NAME=PATH, or PATH named after its directory (repeatable).")]
LogFormatOpt = Annotated[str, typer.Option(
    "--log-format", help="text: a progress display on a terminal, plain lines otherwise; json: one JSON object "
                         "per event on stderr (for CloudWatch Logs Insights).")]
S3SseOpt = Annotated[str | None, typer.Option(
    "--s3-sse", help="With an s3:// --output-dir: send this ServerSideEncryption (AES256, aws:kms) on each "
                     "report, for buckets whose policy requires it (default: the bucket's own default).")]
S3KmsKeyOpt = Annotated[str | None, typer.Option("--s3-kms-key-id", help="With --s3-sse aws:kms: the key to use.")]
InventoryOpt = Annotated[Path | None, typer.Option("--inventory", help="A saved inventory (no AWS call).")]


def parse_repos(values: list[str] | None) -> dict[str, Path]:
    repos: dict[str, Path] = {}
    for value in values or []:
        name, sep, path = value.partition("=")
        if not sep and value and Path(value).is_dir():
            # A bare path (`--repo .`) is named after its directory.
            name, sep, path = Path(value).resolve().name or "repo", "=", value
        if not sep or not name or not path:
            raise ConfigError(f"--repo expects NAME=PATH (e.g. acme/card-api=../card-api), got '{value}'")
        if not Path(path).is_dir():
            raise ConfigError(f"--repo {name}: {path} is not a directory")
        repos[name] = Path(path)
    return repos


def parse_csv(value: str | None) -> list[str] | None:
    if not value:
        return None
    return [r.strip() for r in value.split(",") if r.strip()]


def parse_shard(value: str | None) -> Shard | None:
    from cardaudit.models.shard import Shard

    if value is None:
        return None
    try:
        return Shard.parse(value)
    except ValueError as exc:
        raise ConfigError(f"--shard: {exc}") from None


def parse_log_format(value: str) -> LogFormat:
    if value not in ("text", "json"):
        raise ConfigError(f"--log-format: '{value}' is not one of text, json")
    return "json" if value == "json" else "text"


def parse_formats(value: str) -> list[str]:
    names = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [n for n in names if n not in FORMAT_NAMES]
    if unknown:
        raise ConfigError(f"unknown format(s) {', '.join(unknown)} (known: {', '.join(FORMAT_NAMES)})")
    return names


def write_reports(report: Report, formats: list[str], out_dir: Path, stem: str = "report") -> list[Path]:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for name in formats:
            fmt = get_format(name)
            path = out_dir / f"{stem}{fmt.suffix}"
            path.write_text(fmt.render(report), encoding="utf-8")
            written.append(path)
        return written
    except OSError as exc:
        raise RenderError(f"cannot write reports to {out_dir}: {exc.strerror}") from exc


def deliver_reports(report: Report, formats: list[str], sink: Sink, stem: str = "report") -> list[str]:
    """Render each format and hand it to the sink (a directory, or the S3 report sink)."""
    written = []
    for name in formats:
        fmt = get_format(name)
        written.append(sink.write(f"{stem}{fmt.suffix}", fmt.render(report), fmt.media_type))
    return written


def exit_status(report: Report, fail_on: Severity | None) -> ExitCode:
    assessed = [f for f in report.findings if f.kind == "control" and f.status != Status.NOT_ASSESSED]
    if not assessed and any(f.kind == "control" for f in report.findings):
        return ExitCode.NOT_ASSESSED
    if fail_on is None:
        return ExitCode.OK
    failing = [f for f in report.findings
               if f.status in (Status.FAIL, Status.ERROR) and Severity(f.severity).rank >= fail_on.rank]
    return ExitCode.FINDINGS if failing else ExitCode.OK
