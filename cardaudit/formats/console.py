"""Human summary for a terminal (Rich)."""

from __future__ import annotations

import io

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from cardaudit.formats.base import Format
from cardaudit.formats.text import visible
from cardaudit.models.base import Severity, Status
from cardaudit.models.finding import Finding
from cardaudit.models.report import Report

STATUS_STYLE = {
    "PASS": "green", "FAIL": "bold red", "NOT_ASSESSED": "yellow", "ERROR": "magenta",
    "MANUAL": "cyan", "INHERITED": "blue", "NOT_APPLICABLE": "dim", "ATTESTED": "green",
    "ATTESTATION_EXPIRED": "bold yellow",
}


def _counts(counts: dict[str, int]) -> str:
    return "  ".join(f"[{STATUS_STYLE.get(k, 'default')}]{k} {v}[/]" for k, v in counts.items()) or "none"


def print_summary(report: Report, console: Console, limit: int = 25, table: bool = True) -> None:
    """The counts, then (with `table`) the worst failing findings.

    On a terminal the table fits the window and folds long cells; anywhere else (a CI log, `| cat`, a
    file) the console is wide and every column is one unbroken line, so ids and ARNs stay whole.
    """
    run = report.run
    console.print(f"[bold]cardaudit {escape(report.tool.version)}[/] · account(s) {escape(', '.join(run.accounts))} "
                  f"· {len(run.regions)} region(s) · {escape(run.catalogue)}")
    console.print(f"Checks:        {_counts(report.summary.findings)}", soft_wrap=True)
    console.print(f"Ownership:     {_counts(report.summary.ownership)}", soft_wrap=True)
    console.print(f"PCI items:     {_counts(report.summary.requirements)}", soft_wrap=True)
    if report.collection_errors:
        console.print(f"[yellow]Could not see:[/] {len(report.collection_errors)} collection error(s); "
                      "affected checks are NOT_ASSESSED")
    _print_aws_verdicts(report, console)
    failing = [f for f in report.findings if f.status in (Status.FAIL, Status.ERROR)]
    failing.sort(key=lambda f: (-Severity(f.severity).rank, f.kind, f.check_id))
    if not failing:
        return
    if not table:
        console.print(f"Failing:       {len(failing)} finding(s) FAIL or ERROR; the table: --format console",
                      highlight=False)
        return
    title = f"Failing ({len(failing)}; first {min(limit, len(failing))})"
    if console.is_terminal:
        _print_blocks(failing[:limit], console, title)
    else:
        _print_lines(failing[:limit], console, title)


def _print_blocks(failing: list[Finding], console: Console, title: str) -> None:
    """On a terminal of any width: a block per finding, ids and ARNs on lines of their own, never cut.

    A table would fold a 50-character check id or an ARN mid-word at 80 columns; here only the
    reason, which is prose, wraps (at spaces), and an id longer than the window runs on unbroken
    (soft wrap), so that a copy takes it whole.
    """
    console.print(f"[bold]{title}[/]", highlight=False)
    for f in failing:
        style = STATUS_STYLE.get(f.status.value, "default")
        pci = f" · PCI {', '.join(f.pci[:3])}" if f.pci else ""
        console.print(f"[{style}]{f.severity.value:<8}[/] {_safe(f.check_id)} · owner {_safe(f.owner or '-')}{pci}",
                      soft_wrap=True, highlight=False)
        console.print(f"         {_safe(_short(f))}", soft_wrap=True, highlight=False)
        console.print(Padding(Text(visible(f.reason)), (0, 0, 0, 9), expand=False), highlight=False)


def _print_lines(failing: list[Finding], console: Console, title: str) -> None:
    """A log or a file: one unbroken, aligned line per finding, without the padding of the widest reason."""
    rows = Table(title=title, show_lines=False, box=box.SIMPLE_HEAD, title_justify="left")
    for column in ("severity", "check", "resource", "owner", "PCI", "reason"):
        rows.add_column(column, no_wrap=True)
    for f in failing:
        rows.add_row(f.severity.value, _safe(f.check_id), _safe(_short(f)), _safe(f.owner or "-"),
                     ", ".join(f.pci[:3]), _safe(f.reason))
    with console.capture() as captured:
        console.print(rows)
    for line in captured.get().splitlines():
        console.out(line.rstrip(), highlight=False)


def _print_aws_verdicts(report: Report, console: Console) -> None:
    imported = report.aws_verdicts
    if not imported.attempted:
        return
    by_source: dict[str, list[int]] = {}
    for read in imported.reads:
        seen = by_source.setdefault(read.source, [0, 0, 0])  # verdicts, regions read, regions not read
        seen[0] += read.count
        seen[1 if read.read else 2] += 1
    parts = [f"{source} {n} ({read} read{f', {unread} not read' if unread else ''})"
             for source, (n, read, unread) in sorted(by_source.items())]
    console.print(f"AWS verdicts:  {_safe(', '.join(parts))}; disagreeing with a check: {len(imported.disagreements)}",
                  soft_wrap=True)
    for d in imported.disagreements[:10]:
        console.print(f"  [yellow]disagree[/] {_safe(d.item)} {_safe(d.resource)}: {_safe(d.check_id)} "
                      f"{d.ours.value}, {_safe(d.source)} {_safe(d.control)} {_safe(str(d.theirs))}", soft_wrap=True)


def _safe(text: str) -> str:
    """Data shown as it is: no Rich markup inside it, no control or bidi characters."""
    return escape(visible(text))


def _short(finding: Finding) -> str:
    ref = finding.resource
    if ref.path:
        return ref.display
    where = ref.region if ref.region and ref.region != "global" else ""
    return f"{ref.name or ref.id} ({ref.type.split('::')[-1]}{', ' + where if where else ''})"


def render(report: Report) -> str:
    buffer = io.StringIO()
    # Not a terminal: one unbroken line per row, whatever its length (ids and ARNs stay whole).
    console = Console(file=buffer, width=100_000, no_color=True, force_terminal=False, emoji=False)
    print_summary(report, console, limit=10_000)
    return buffer.getvalue()


FORMAT = Format(name="console", media_type="text/plain", suffix=".txt", render=render)
