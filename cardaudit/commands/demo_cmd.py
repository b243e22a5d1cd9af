"""`cardaudit demo`: see what cardaudit does, with no AWS account."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cardaudit.commands.common import err, out, run_command, write_reports


def demo_command(
    ctx: typer.Context,
    output_dir: Annotated[Path, typer.Option("--output-dir", help="Where reports go.")] = Path("cardaudit-demo"),
    serve: Annotated[int | None, typer.Option(help="Instead of auditing, serve the seeded demo AWS on this "
                                                   "port (0 = any) for `AWS_ENDPOINT_URL=... cardaudit audit`.")]
    = None,
) -> None:
    """Audit an emulated card issuer (moto, in-process) and write HTML and JSON reports."""

    def body() -> int:
        from cardaudit.demo.run import run_demo, serve_demo
        from cardaudit.formats.console import print_summary

        if serve is not None:
            serve_demo(serve)
            return 0
        report = run_demo(output_dir)
        print_summary(report, out)
        for path in write_reports(report, ["json", "html"], output_dir):
            err.print(f"wrote {path.resolve()}")
        err.print(f"wrote {(output_dir / 'inventory.json').resolve()}")
        return 0

    run_command(ctx, body)
