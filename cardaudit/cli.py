"""The `cardaudit` command line (Typer).

Each command is: options -> AuditConfig (or a file read back) -> the engine -> a format -> a file,
and lives in `cardaudit/commands/`. Commands import the engine inside their bodies, so `--help`
loads neither boto3 nor the catalogue. Shared options, consoles and the one error handler are in
`commands/common.py`; nothing there imports this module back.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from cardaudit.commands import (
    audit_cmd,
    checks_cmd,
    controls_cmd,
    demo_cmd,
    diff_cmd,
    helpstyle,
    history_cmd,
    iam_policy_cmd,
    merge_cmd,
    owners_cmd,
    render_cmd,
)
from cardaudit.commands.common import CliState, err, out
from cardaudit.errors import CardauditError
from cardaudit.exitcodes import ExitCode
from cardaudit.formats.text import escape

helpstyle.apply()
# Bare `cardaudit` prints this help and exits 0; `--install-completion` / `--show-completion` come
# with Typer's completion (bash, zsh, fish, PowerShell).
app = typer.Typer(invoke_without_command=True, add_completion=True, rich_markup_mode="rich",
                  help="PCI DSS compliance and ownership auditor for AWS.")


def _version(value: bool) -> None:
    if value:
        from cardaudit import __version__

        out.print(f"cardaudit {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version.")] = False,
    config: Annotated[Path | None, typer.Option(
        "--config", metavar="FILE", envvar="CARDAUDIT_CONFIG", show_default=False,
        help="Defaults for audit options (\\[audit] table; default: ./cardaudit.toml if any).")] = None,
) -> None:
    ctx.obj = CliState(debug=debug)
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit(ExitCode.OK)
    from cardaudit.commands.config import COMMANDS, default_map

    if ctx.resilient_parsing or ctx.invoked_subcommand not in COMMANDS:
        return  # shell completion, or a command that takes no defaults: read no file

    try:
        ctx.default_map = default_map(ctx.command, ctx, config)
    except CardauditError as exc:
        err.print(f"[red]{exc.label}:[/] {escape(exc.text)}", highlight=False, soft_wrap=True)
        raise typer.Exit(exc.exit_code) from None


app.command("audit")(audit_cmd.audit_command)
app.command("diff")(diff_cmd.diff_command)
app.command("merge")(merge_cmd.merge_command)
app.command("demo")(demo_cmd.demo_command)
app.command("iam-policy")(iam_policy_cmd.iam_policy_command)
app.add_typer(checks_cmd.app, name="checks")
app.add_typer(owners_cmd.app, name="owners")
app.add_typer(controls_cmd.app, name="controls")
app.add_typer(history_cmd.app, name="history")
app.command("render")(render_cmd.render_command)


def _click_saw_a_broken_pipe() -> bool:
    """Typer's click answers EPIPE while printing usage with exit 1 and a pacified stdout: not a FAIL."""
    try:
        from typer._click.utils import PacifyFlushWrapper  # Typer's own copy of click (no click dependency)
    except ImportError:  # a Typer without its own click: the exit code stays as it is
        return False
    return isinstance(sys.stdout, PacifyFlushWrapper) or isinstance(sys.stderr, PacifyFlushWrapper)


def _quiet_rich_broken_pipes() -> None:
    """Rich exits 1 on a closed stdout (the README's FAIL code); its consoles inside Typer's help too."""
    from rich.console import Console

    from cardaudit.commands.common import quiet_broken_pipe

    def on_broken_pipe(self: Console) -> None:
        quiet_broken_pipe()
        raise SystemExit(ExitCode.BROKEN_PIPE)

    Console.on_broken_pipe = on_broken_pipe  # type: ignore[method-assign]


def main() -> None:
    code = 0
    _quiet_rich_broken_pipes()
    try:
        app()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if _click_saw_a_broken_pipe():
            code = ExitCode.BROKEN_PIPE
    except KeyboardInterrupt:
        err.print("interrupted")
        code = ExitCode.INTERRUPTED
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        # `cardaudit ... | head`: stop quietly, as Unix tools do (Python docs, "Note on SIGPIPE").
        code = code or ExitCode.BROKEN_PIPE
    # A finished command has nothing left to clean up; skipping the interpreter's teardown saves
    # the final collection of the catalogue's and report's objects (about 0.4 s on a large run).
    os._exit(code)
