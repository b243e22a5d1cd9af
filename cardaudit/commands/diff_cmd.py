"""`cardaudit diff`: what changed between two runs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from cardaudit.cli import guarded, out
from cardaudit.diffing import diff_reports, load_report
from cardaudit.exitcodes import ExitCode


def _say(text: str) -> None:
    out.print(text, soft_wrap=True, highlight=False)


def _line(prefix: str, f: dict[str, Any]) -> str:
    r = f["resource"]
    where = r.get("arn") or (f"{r.get('repo')}:{r.get('path')}" if r.get("path") else r.get("id"))
    owner = f.get("owner") or "unassigned"
    return f"{prefix} {f['severity']:<8} {f['check_id']} {escape(str(where))} [{escape(owner)}]: {escape(f['reason'])}"


def diff_command(
    before: Annotated[Path, typer.Argument(help="The earlier report.json.")],
    after: Annotated[Path, typer.Argument(help="The later report.json.")],
) -> None:
    """Compare two JSON reports; exit 1 when the later one has new failures."""

    def body() -> int:
        diff = diff_reports(load_report(before), load_report(after))
        sections = (("new failures", "+", diff.new_failures), ("fixed", "-", diff.fixed),
                    ("no longer visible (was assessed, now NOT_ASSESSED)", "?", diff.newly_blind),
                    ("failing before, gone now", "x", diff.gone))
        for title, prefix, rows in sections:
            _say(f"[bold]{title}: {len(rows)}[/]")
            for f in sorted(rows, key=lambda f: (f["check_id"], f["id"])):
                _say("  " + _line(prefix, f))
        _say(f"[bold]still failing: {len(diff.still_failing)}[/]")
        _say(f"[bold]PCI items that changed status: {len(diff.items)}[/]")
        for item_id, was, now in diff.items:
            _say(f"  {item_id}: {was} -> {now}")
        return ExitCode.FINDINGS if diff.new_failures else ExitCode.OK

    raise typer.Exit(guarded(body))


def register(app: typer.Typer) -> None:
    app.command("diff")(diff_command)
