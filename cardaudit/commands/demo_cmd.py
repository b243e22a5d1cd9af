"""`cardaudit demo`: see what cardaudit does, with no AWS account."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cardaudit.commands.common import err, out, run_command, write_reports
from cardaudit.commands.history_cmd import HistoryOpt, remember, report_history_error


def demo_command(
    ctx: typer.Context,
    output_dir: Annotated[Path, typer.Option("--output-dir", help="Where reports go.")] = Path("cardaudit-demo"),
    serve: Annotated[int | None, typer.Option(help="Instead of auditing, serve the seeded demo AWS on this "
                                                   "port (0 = any) for `AWS_ENDPOINT_URL=... cardaudit audit`.")]
    = None,
    history: HistoryOpt = None,
) -> None:
    """Audit an emulated card issuer (moto, in-process) and write HTML and JSON reports."""

    def body() -> int:
        from cardaudit.demo.run import demo_repos, run_demo, serve_demo
        from cardaudit.formats.console import print_summary

        if serve is not None:
            serve_demo(serve)
            return 0
        report, history_error = remember(run_demo(output_dir), history, sorted(demo_repos()))
        print_summary(report, out)
        for path in write_reports(report, ["json", "html"], output_dir):
            err.print(f"wrote {path.resolve()}")
        err.print(f"wrote {(output_dir / 'inventory.json').resolve()}")
        report_history_error(history_error)
        return history_error.exit_code if history_error is not None else 0

    run_command(ctx, body)
