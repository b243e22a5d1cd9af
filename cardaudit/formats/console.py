"""Human summary for a terminal (Rich)."""

from __future__ import annotations

import io

from rich.console import Console
from rich.markup import escape
from rich.table import Table

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


def print_summary(report: Report, console: Console, limit: int = 25) -> None:
    run = report.run
    console.print(f"[bold]cardaudit {escape(report.tool.version)}[/] · account(s) {escape(', '.join(run.accounts))} "
                  f"· {len(run.regions)} region(s) · {escape(run.catalogue)}")
    console.print(f"Checks:        {_counts(report.summary.findings)}")
    console.print(f"Ownership:     {_counts(report.summary.ownership)}")
    console.print(f"PCI items:     {_counts(report.summary.requirements)}")
    if report.collection_errors:
        console.print(f"[yellow]Could not see:[/] {len(report.collection_errors)} collection error(s); "
                      "affected checks are NOT_ASSESSED")
    _print_evidence(report, console)
    _print_aws_verdicts(report, console)
    failing = [f for f in report.findings if f.status in (Status.FAIL, Status.ERROR)]
    failing.sort(key=lambda f: (-Severity(f.severity).rank, f.kind, f.check_id))
    if not failing:
        return
    # On a narrow terminal the PCI column goes: the HTML and JSON reports carry it anyway.
    wide = console.width >= 140
    table = Table(title=f"Failing ({len(failing)}; first {min(limit, len(failing))})", show_lines=False,
                  expand=True)
    columns = ("severity", "check", "resource", "owner", *(("PCI",) if wide else ()), "reason")
    fixed = {"severity": 8, "owner": 6, "PCI": 14}
    for column in columns:
        if column in fixed:
            table.add_column(column, no_wrap=True, min_width=fixed[column])
        else:
            table.add_column(column, overflow="fold", ratio={"reason": 4, "check": 3, "resource": 3}[column])
    for f in failing[:limit]:
        pci = (", ".join(f.pci[:3]),) if wide else ()
        table.add_row(f.severity.value, f.check_id, _safe(_short(f)), _safe(f.owner or "-"), *pci, _safe(f.reason))
    console.print(table)


def _print_evidence(report: Report, console: Console) -> None:
    """Ownership evidence that was not read, and how to supply it: the gaps that need it are NOT_ASSESSED."""
    missing = [e for e in report.evidence if not e.read]
    for warning in report.evidence_warnings:
        console.print(f"[yellow]Evidence warning:[/] {_safe(warning)}")
    if not missing:
        return
    console.print(f"[yellow]Evidence not read:[/] {len(missing)} source(s); the ownership gaps that depend on "
                  "them are NOT_ASSESSED")
    for e in missing:
        fix = f" -> {_safe(e.fix)}" if e.fix else ""
        console.print(f"  {_safe(e.source)}: {_safe(e.detail)}{fix}")


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
    console.print(f"AWS verdicts:  {', '.join(parts)}; disagreeing with a check: {len(imported.disagreements)}")
    for d in imported.disagreements[:10]:
        console.print(f"  [yellow]disagree[/] {d.item} {_safe(d.resource)}: {d.check_id} {d.ours.value}, "
                      f"{d.source} {_safe(d.control)} {d.theirs}")


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
    console = Console(file=buffer, width=160, no_color=True, force_terminal=False, emoji=False)
    print_summary(report, console, limit=10_000)
    return buffer.getvalue()


FORMAT = Format(name="console", media_type="text/plain", suffix=".txt", render=render)
