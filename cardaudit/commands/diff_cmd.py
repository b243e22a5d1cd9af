"""`cardaudit diff`: what changed between two runs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from cardaudit.commands.common import run_command, say
from cardaudit.exitcodes import ExitCode

if TYPE_CHECKING:
    from cardaudit.models.finding import Finding


def _line(prefix: str, f: Finding) -> str:
    r = f.resource
    where = r.arn or (f"{r.repo}:{r.path}" if r.path else r.id)
    owner = f.owner or "unassigned"
    return (f"{prefix} {f.severity.value:<8} {f.check_id} {escape(str(where))} [{escape(owner)}]: "
            f"{escape(f.reason)}")


def diff_command(
    ctx: typer.Context,
    before: Annotated[Path, typer.Argument(help="The earlier report.json.")],
    after: Annotated[Path, typer.Argument(help="The later report.json.")],
) -> None:
    """Compare two JSON reports; exit 1 when the later one has new failures."""

    def body() -> int:
        from cardaudit.diffing import diff_reports
        from cardaudit.readback import load_report

        diff = diff_reports(load_report(before), load_report(after))
        sections = (("new failures", "+", diff.new_failures), ("fixed", "-", diff.fixed),
                    ("no longer visible (was assessed, now NOT_ASSESSED)", "?", diff.newly_blind),
                    ("failing before, gone now", "x", diff.gone))
        for title, prefix, rows in sections:
            say(f"[bold]{title}: {len(rows)}[/]")
            for f in sorted(rows, key=lambda f: (f.check_id, f.id)):
                say("  " + _line(prefix, f))
        say(f"[bold]still failing: {len(diff.still_failing)}[/]")
        say(f"[bold]PCI items that changed status: {len(diff.items)}[/]")
        for item_id, was, now in diff.items:
            say(f"  {item_id}: {was} -> {now}")
        return ExitCode.FINDINGS if diff.new_failures else ExitCode.OK

    run_command(ctx, body)
