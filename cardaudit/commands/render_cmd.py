"""`cardaudit render`: write a saved JSON report again in other formats, with no AWS call."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cardaudit.commands.common import err, run_command
from cardaudit.commands.options import OutputOpt, QuietOpt, plan_outputs, write_outputs
from cardaudit.formats import FORMAT_NAMES
from cardaudit.formats.text import escape


def render_command(
    ctx: typer.Context,
    report: Annotated[Path, typer.Argument(metavar="REPORT", help="A report.json from `audit` or `demo`.")],
    format: Annotated[str, typer.Option("--format", "-f", metavar="FMT[,FMT]",
                                        help=f"Comma-separated, of: {', '.join(FORMAT_NAMES)}.")] = "html",
    output: OutputOpt = None,
    output_dir: Annotated[str | None, typer.Option(
        "--output-dir", metavar="DIR", show_default=False,
        help="Where the reports go (default: the report's own directory).")] = None,
    quiet: QuietOpt = False,
) -> None:
    """Re-render a saved report.json as HTML, SARIF, OCSF, OSCAL... (the JSON carries everything they need)."""

    def body() -> int:
        from cardaudit.readback import load_report

        outputs = plan_outputs(format, output, output_dir, str(report.parent))
        loaded = load_report(report)
        if outputs.directory is not None and Path(outputs.directory).resolve() == report.parent.resolve() \
                and "json" in outputs.formats and report.name == "report.json":
            # Writing report.json over its own source is a no-op at best: say so instead.
            from cardaudit.errors import ConfigError

            raise ConfigError(f"--format json would overwrite {report}: pass --output-dir or --output")
        for path in write_outputs(loaded, outputs):
            if not quiet:
                err.print(f"wrote {escape(str(path))}", highlight=False, soft_wrap=True)
        return 0

    run_command(ctx, body)
