"""`cardaudit demo`: see what cardaudit does, with no AWS account."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cardaudit.commands.common import err, out, run_command, write_reports
from cardaudit.commands.history_cmd import HistoryOpt, remember, report_history_error
from cardaudit.commands.options import QuietOpt
from cardaudit.formats.text import escape


def demo_command(
    ctx: typer.Context,
    output_dir: Annotated[Path, typer.Option("--output-dir", metavar="DIR", help="Where reports go.")]
    = Path("cardaudit-demo"),
    serve: Annotated[int | None, typer.Option(
        metavar="PORT", help="Instead of auditing, serve the seeded demo AWS on this port (0 = any) for "
                             "`AWS_ENDPOINT_URL=... cardaudit audit`; needs the demo-server extra.")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="With --serve: log every request.")] = False,
    quiet: QuietOpt = False,
    history: HistoryOpt = None,
) -> None:
    """Audit an emulated card issuer (moto, in-process) and write HTML and JSON reports."""

    def body() -> int:
        from cardaudit.demo.run import demo_repos, run_demo, serve_demo
        from cardaudit.formats.console import print_summary

        if str(output_dir) == "-":
            from cardaudit.errors import ConfigError

            raise ConfigError("--output-dir needs a directory (the demo writes HTML, JSON and an inventory)")
        if serve is not None:
            serve_demo(serve, verbose=verbose)
            return 0
        report, history_error = remember(run_demo(output_dir), history, sorted(demo_repos()))
        # The reports first: a reader that closes stdout early (`| head`) must not cost them.
        written = [*write_reports(report, ["json", "html"], output_dir), output_dir / "inventory.json"]
        if not quiet:
            print_summary(report, out)
        for path in written:
            if not quiet:
                err.print(f"wrote {escape(str(path.resolve()))}", highlight=False, soft_wrap=True)
        report_history_error(history_error)
        return history_error.exit_code if history_error is not None else 0

    run_command(ctx, body)
