"""What every command shares: consoles, options, the one error handler, report writing, exit status.

Nothing here imports boto3, pydantic models or the catalogue at import time, so `cardaudit --help`
stays cheap; each command imports the engine inside its body.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from cardaudit.errors import CardauditError, ConfigError, RenderError
from cardaudit.exitcodes import ExitCode
from cardaudit.formats import FORMAT_NAMES, get_format
from cardaudit.formats.text import escape
from cardaudit.models.enums import Severity, Status

if TYPE_CHECKING:
    from cardaudit.logs import LogFormat
    from cardaudit.models.report import Report
    from cardaudit.models.shard import Shard
    from cardaudit.sinks import Sink

# Outside a terminal (CI logs, `| cat`, files) nothing is cut or wrapped at 80 columns: ids and ARNs
# stay whole on one line, so they can be grepped and copied. COLUMNS, when set, still wins.
WIDE = 100_000


def make_console(stderr: bool = False) -> Console:
    """A console that never reads data as markup codes: no emoji, so `...:secret:prod/db` prints as written.

    Every place that prints data still escapes it (`rich.markup.escape`): the console only renders the
    markup cardaudit writes itself.
    """
    stream = sys.stderr if stderr else sys.stdout
    try:
        terminal = stream.isatty()
    except (AttributeError, ValueError):
        terminal = False
    wide = not terminal and "COLUMNS" not in os.environ
    return _Console(stderr=stderr, emoji=False, width=WIDE if wide else None)


class _Console(Console):
    def on_broken_pipe(self) -> None:
        # Rich's own handling exits 1, the code of a failed audit: exit as a closed pipe does instead.
        quiet_broken_pipe()
        raise SystemExit(ExitCode.BROKEN_PIPE)


out = make_console()
err = make_console(stderr=True)


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
    except (typer.Exit, typer.Abort, typer.TyperException, KeyboardInterrupt):
        raise  # the command chose its exit, or typer reports a usage error
    except BrokenPipeError:
        quiet_broken_pipe()
        raise typer.Exit(ExitCode.BROKEN_PIPE) from None
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


def quiet_broken_pipe() -> None:
    """The reader went away (`cardaudit ... | head -1`): later writes go nowhere, without a traceback.

    As the Python docs advise ("Note on SIGPIPE"): point stdout at devnull so that the final flush
    does not fail again.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # stdout is no real file (a test runner's buffer): nothing will be flushed to a pipe


def group(help: str) -> typer.Typer:
    """A command group whose bare invocation (`cardaudit checks`) prints its help and exits 0."""
    app = typer.Typer(help=help, invoke_without_command=True)

    @app.callback()
    def _help_when_bare(ctx: typer.Context) -> None:
        if ctx.invoked_subcommand is None:
            typer.echo(ctx.get_help())
            raise typer.Exit(ExitCode.OK)

    return app


def say(text: str) -> None:
    """One line per fact, never wrapped, so scripts and editors can read `file:line:` prefixes."""
    out.print(text, soft_wrap=True, highlight=False)


# Options several commands share.
# `-o` is --output everywhere, as in peer tools; --ownership has no short form.
OwnershipOpt = Annotated[Path | None, typer.Option("--ownership", show_default=False, metavar="FILE",
                                                   help="ownership.yaml to use (default: ./ownership.yaml if any).")]
RepoOpt = Annotated[list[str] | None, typer.Option(
    "--repo", metavar="NAME=PATH",
    help="Repository checkout as NAME=PATH, or PATH named after its directory (repeatable).")]
LogFormatOpt = Annotated[str, typer.Option(
    "--log-format", metavar="text|json",
    help="text: a progress display on a terminal, plain lines otherwise; json: one JSON object "
         "per event on stderr (for CloudWatch Logs Insights).")]
S3SseOpt = Annotated[str | None, typer.Option(
    "--s3-sse", metavar="AES256|aws:kms",
    help="With an s3:// --output-dir: send this ServerSideEncryption (AES256, aws:kms) on each "
         "report, for buckets whose policy requires it (default: the bucket's own default).")]
S3KmsKeyOpt = Annotated[str | None, typer.Option("--s3-kms-key-id", metavar="KEY",
                                                 help="With --s3-sse aws:kms: the key to use.")]
InventoryOpt = Annotated[Path | None, typer.Option("--inventory", metavar="FILE",
                                                   help="A saved inventory (no AWS call).")]


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
    """Comma-separated format names, case-insensitive (`JSON,html`); a typo exits 2 with a suggestion."""
    from cardaudit.commands.options import choices

    return choices("--format", value, FORMAT_NAMES)


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
