"""Human summary for a terminal (Rich)."""

from __future__ import annotations

import io

from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from cardaudit.formats.base import Format
from cardaudit.formats.text import escape, visible
from cardaudit.models.base import Severity, Status
from cardaudit.models.finding import Finding
from cardaudit.models.history import FindingChange, RunDiff
from cardaudit.models.report import Report

STATUS_STYLE = {
    "PASS": "green", "FAIL": "bold red", "NOT_ASSESSED": "yellow", "ERROR": "magenta",
    "MANUAL": "cyan", "INHERITED": "blue", "NOT_APPLICABLE": "dim", "ATTESTED": "green",
    "ATTESTATION_EXPIRED": "bold yellow", "WAIVED": "bright_blue",
}


def _counts(counts: dict[str, int]) -> str:
    return "  ".join(f"[{STATUS_STYLE.get(k, 'default')}]{k} {v}[/]" for k, v in counts.items()) or "none"


def print_summary(report: Report, console: Console, limit: int = 25, table: bool = True) -> None:
    """The counts, then (with `table`) the worst failing findings.

    On a terminal the table fits the window and folds long cells; anywhere else (a CI log, `| cat`, a
    file) the console is wide and every column is one unbroken line, so ids and ARNs stay whole.
    """
    run = report.run
    where = (f"account(s) {escape(', '.join(run.accounts))} · {len(run.regions)} region(s)" if run.accounts
             or not report.scope.aws_skipped else f"repositories only ({escape(report.scope.aws_skipped)})")
    console.print(f"[bold]cardaudit {escape(report.tool.version)}[/] · {where} · {escape(run.catalogue)}")
    console.print(f"Checks:        {_counts(report.summary.findings)}", soft_wrap=True)
    console.print(f"Ownership:     {_counts(report.summary.ownership)}", soft_wrap=True)
    console.print(f"PCI items:     {_counts(report.summary.requirements)}", soft_wrap=True)
    if report.collection_errors:
        console.print(f"[yellow]Could not see:[/] {len(report.collection_errors)} collection error(s); "
                      "affected checks are NOT_ASSESSED")
    _print_evidence(report, console)
    _print_aws_verdicts(report, console)
    _print_waivers(report, console)
    if report.diff is not None:
        print_diff(report.diff, console, limit=10)
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
        console.print(f"[{style}]{f.severity.value:<8}[/] {escape(f.check_id)} · owner {escape(f.owner or '-')}{pci}",
                      soft_wrap=True, highlight=False)
        console.print(f"         {escape(_short(f))}", soft_wrap=True, highlight=False)
        console.print(Padding(Text(visible(f.reason)), (0, 0, 0, 9), expand=False), highlight=False)


def _print_lines(failing: list[Finding], console: Console, title: str) -> None:
    """A log or a file: one unbroken, aligned line per finding, without the padding of the widest reason."""
    rows = Table(title=title, show_lines=False, box=box.SIMPLE_HEAD, title_justify="left")
    for column in ("severity", "check", "resource", "owner", "PCI", "reason"):
        rows.add_column(column, no_wrap=True)
    for f in failing:
        rows.add_row(f.severity.value, escape(f.check_id), escape(_short(f)), escape(f.owner or "-"),
                     ", ".join(f.pci[:3]), escape(f.reason))
    with console.capture() as captured:
        console.print(rows)
    for line in captured.get().splitlines():
        console.out(line.rstrip(), highlight=False)


def print_scope(report: Report, console: Console) -> None:
    """What the run left out, in one line each: AWS (`--no-aws`), the files outside a change, and the files
    named like an artifact kind that hold something else."""
    scope = report.scope
    if scope.aws_skipped:
        console.print(f"[yellow]Skipped by choice:[/] {len(scope.skipped_checks)} AWS check(s), AWS not audited "
                      f"({escape(scope.aws_skipped)}); PCI items that need them are NOT_ASSESSED")
    if scope.changed_files is not None:
        source = escape(scope.changed_source or "")
        console.print(f"In scope:      {len(scope.changed_files)} changed file(s) ({source}); "
                      f"{scope.out_of_scope} finding(s) on other files not reported")
    print_skipped_files(report, console)


def print_skipped_files(report: Report, console: Console, shown: int = 3) -> None:
    """One line: how many files were named like a kind but held something else, and the first few."""
    files = report.skipped_files
    if not files:
        return
    first = "; ".join(f"{escape(f.repo)}:{escape(f.path)} ({escape(f.reason)})" for f in files[:shown])
    more = f"; and {len(files) - shown} more (see the JSON report)" if len(files) > shown else ""
    console.print(f"[yellow]Not judged:[/]    {len(files)} file(s) named like an artifact but holding something "
                  f"else: {first}{more}", soft_wrap=True, highlight=False)


def _print_evidence(report: Report, console: Console) -> None:
    """Ownership evidence that was not read, and how to supply it: the gaps that need it are NOT_ASSESSED."""
    missing = [e for e in report.evidence if not e.read]
    for warning in report.evidence_warnings:
        console.print(f"[yellow]Evidence warning:[/] {escape(warning)}")
    if not missing:
        return
    console.print(f"[yellow]Evidence not read:[/] {len(missing)} source(s); the ownership gaps that depend on "
                  "them are NOT_ASSESSED")
    for e in missing:
        fix = f" -> {escape(e.fix)}" if e.fix else ""
        console.print(f"  {escape(e.source)}: {escape(e.detail)}{fix}")


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
    console.print(f"AWS verdicts:  {escape(', '.join(parts))}; disagreeing with a check: {len(imported.disagreements)}",
                  soft_wrap=True)
    for d in imported.disagreements[:10]:
        console.print(f"  [yellow]disagree[/] {escape(d.item)} {escape(d.resource)}: {escape(d.check_id)} "
                      f"{d.ours.value}, {escape(d.source)} {escape(d.control)} {escape(str(d.theirs))}", soft_wrap=True)


def _print_waivers(report: Report, console: Console) -> None:
    if not report.waivers:
        return
    states = {state: sum(w.state == state for w in report.waivers) for state in ("active", "expired", "stale")}
    waived = sum(f.status == Status.WAIVED for f in report.findings)
    console.print(f"Waivers:       {states['active']} active ({waived} finding(s) WAIVED), "
                  f"{states['expired']} expired, {states['stale']} stale", soft_wrap=True)
    for w in report.waivers:
        if w.state != "active":
            console.print(f"  [yellow]{w.state}[/] {escape(w.id)} ({escape(w.where)}), approved by "
                          f"{escape(w.approved_by)}, expires {w.expires or 'never'}", soft_wrap=True, highlight=False)


def _change_line(sign: str, c: FindingChange) -> str:
    return (f"  {sign} {c.severity.value:<8} {c.check_id} {escape(c.resource)} \\[{escape(c.owner or 'unassigned')}]"
            f": {escape(c.reason)}")


def print_diff(diff: RunDiff, console: Console, limit: int | None = 10) -> None:
    """What changed since `diff.against`: counts, then the rows of each category (`limit` per category)."""
    when = f" ({diff.against_started_at:%Y-%m-%d %H:%M} UTC)" if diff.against_started_at else ""
    console.print(f"[bold]Since {escape(diff.against)}{when}:[/] "
                  + ", ".join(f"{name} {n}" for name, n in diff.counts().items()), soft_wrap=True)
    sections = (("new failures", "+", diff.new_failures), ("fixed", "-", diff.fixed),
                ("newly waived", "~", diff.newly_waived),
                ("no longer visible (was assessed, now NOT_ASSESSED)", "?", diff.newly_blind))
    for title, sign, rows in sections:
        console.print(f"[bold]{title}: {len(rows)}[/]", soft_wrap=True)
        for c in rows[:limit]:
            console.print(_change_line(sign, c), soft_wrap=True, highlight=False)
    console.print(f"[bold]still failing: {len(diff.still_failing)}[/]")
    for title, items in (("PCI items that regressed", diff.regressions),
                         ("PCI items that improved", diff.improvements)):
        console.print(f"[bold]{title}: {len(items)}[/]")
        for item in items[:limit]:
            console.print(f"  {item.id}: {item.before} -> {item.after}", highlight=False)
    console.print(f"[bold]ownership changes: {len(diff.ownership_changes)}[/]")
    for o in diff.ownership_changes[:limit]:
        after = escape(o.after) if o.after else "unowned"
        console.print(f"  {escape(o.resource)}: {escape(o.before or 'unowned')} -> {after}", soft_wrap=True,
                      highlight=False)
    console.print(f"[bold]resources gone: {len(diff.gone)}[/]")
    for g in diff.gone[:limit]:
        failing = f" (was failing: {', '.join(g.failing_before)})" if g.failing_before else ""
        console.print(f"  x {escape(g.resource)}{failing}", soft_wrap=True, highlight=False)


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
    print_scope(report, console)
    return buffer.getvalue()


FORMAT = Format(name="console", media_type="text/plain", suffix=".txt", render=render)
