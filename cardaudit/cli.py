"""The `cardaudit` command line (Typer). Each command: options -> AuditConfig -> audit.run -> format -> write."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import click
import typer
from rich.console import Console
from rich.markup import escape

from cardaudit import __version__
from cardaudit.errors import CardauditError, ConfigError, ReadOnlyViolation
from cardaudit.exitcodes import ExitCode

T = TypeVar("T")

app = typer.Typer(no_args_is_help=True, add_completion=False, rich_markup_mode="rich",
                  help="PCI DSS compliance and ownership auditor for AWS.")
out = Console()
err = Console(stderr=True)
_debug = False


def version_callback(value: bool) -> None:
    if value:
        out.print(f"cardaudit {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=version_callback, is_eager=True,
                                          help="Print the version.")] = False,
) -> None:
    global _debug
    _debug = debug


def guarded(action: Callable[[], T]) -> T:
    """Run a command body; turn cardaudit's own errors into one line and an exit code."""
    try:
        return action()
    except (typer.Exit, typer.Abort, click.ClickException, BrokenPipeError):
        raise  # the command chose its own exit, or the reader (`| head`) went away
    except ConfigError as exc:
        err.print(f"[red]error:[/] {escape(exc.text)}", highlight=False, soft_wrap=True)
        if _debug:
            raise
        raise typer.Exit(ExitCode.CONFIG) from None
    except ReadOnlyViolation as exc:
        err.print(f"[red]internal error:[/] {escape(str(exc))}", highlight=False)
        raise typer.Exit(ExitCode.INTERNAL) from None
    except CardauditError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}", highlight=False)
        if _debug:
            raise
        raise typer.Exit(ExitCode.NOT_ASSESSED) from None
    except Exception as exc:  # a bug in cardaudit: one line, exit 4, the traceback only with --debug
        if _debug:
            raise
        err.print(f"[red]internal error:[/] {escape(type(exc).__name__)}: {escape(str(exc))} "
                  "(run again with --debug for the traceback, and please report it)", highlight=False)
        raise typer.Exit(ExitCode.INTERNAL) from None


def _register_subcommands() -> None:
    from cardaudit.commands import audit_cmd, checks_cmd, controls_cmd, demo_cmd, diff_cmd, owners_cmd

    audit_cmd.register(app)
    diff_cmd.register(app)
    demo_cmd.register(app)
    app.add_typer(checks_cmd.app, name="checks")
    app.add_typer(owners_cmd.app, name="owners")
    app.add_typer(controls_cmd.app, name="controls")


def main() -> None:
    _register_subcommands()
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
    except BrokenPipeError:
        # `cardaudit ... | head`: stop quietly, as Unix tools do (Python docs, "Note on SIGPIPE").
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(141)


# Options shared by commands that read an ownership file.
OwnershipOpt = Annotated[Path | None, typer.Option("--ownership", "-o", help="ownership.yaml to use.",
                                                   show_default=False)]
RepoOpt = Annotated[list[str] | None, typer.Option("--repo", help="Repository checkout as NAME=PATH (repeatable).")]
