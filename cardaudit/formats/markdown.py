"""Markdown for a pull-request comment: the verdict, what fails and where, who owns it, what was not seen.

Everything taken from a repository or from AWS (file names, tags, reasons) is escaped: Markdown
punctuation is backslash-escaped, `<`, `>` and `&` become entities (GitHub renders some HTML in
comments, so `<img onerror=...>` must stay text), `@` and `#` cannot mention or link, and table
cells keep their pipes. The comment is capped below GitHub's limit (65,536 characters) and says
so when it had to stop.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import quote

from cardaudit.formats.base import Format
from cardaudit.formats.text import visible
from cardaudit.models.base import Severity, Status
from cardaudit.models.control import ItemStatus
from cardaudit.models.finding import Finding
from cardaudit.models.report import Report

LIMIT = 65_536  # GitHub refuses a comment body longer than this
_TRAILER_ROOM = 400  # kept free for the truncation line and the footer
# Characters that start emphasis, code, links, images, tables, strike-through or issue links anywhere
# in a line (data never starts one: it always follows a label), so `.`, `-` and `+` stay as written.
_PUNCTUATION = re.compile(r"([\\`*_\[\]#!|~])")
_FAILING = (Status.FAIL, Status.ERROR)


def md(text: str) -> str:
    """Data as inert Markdown text on one line: no markup, no HTML, no mention, no link."""
    text = visible(text, newlines=False)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _PUNCTUATION.sub(r"\\\1", text)
    # A zero-width space after @ keeps `@team` from notifying anyone (as dependency bots do).
    return text.replace("@", "@&#8203;")


def _where(finding: Finding, links: dict[str, str]) -> str:
    ref = finding.resource
    if not ref.path:
        return md(ref.arn or f"{ref.type} {ref.name or ref.id}")
    label = md(f"{ref.repo}:{ref.path}" if ref.repo else ref.path) + (f":{ref.line}" if ref.line else "")
    base = links.get(ref.repo or "")
    if not base:
        return label
    anchor = f"#L{ref.line}" if ref.line else ""
    # The path is percent-encoded: a ')' or space in a file name cannot end the link early.
    return f"[{label}]({base.rstrip('/')}/{quote(ref.path, safe='/')}{anchor})"


def _verdict(report: Report, failing: list[Finding]) -> str:
    control = [f for f in report.findings if f.kind == "control"]
    if failing:
        by_sev = Counter(f.severity.value for f in failing)
        parts = ", ".join(f"{by_sev[s.value]} {s.value}" for s in Severity if by_sev[s.value])
        return f"**FAIL**: {len(failing)} failing finding(s) ({parts})"
    if control and all(f.status == Status.NOT_ASSESSED for f in control):
        return "**NOT ASSESSED**: nothing in scope could be judged"
    if not report.findings:
        return "**PASS**: no finding on what was in scope"
    return "**PASS**: no failing finding"


def _scope_lines(report: Report) -> list[str]:
    scope = report.scope
    lines: list[str] = []
    if scope.changed_files is not None:
        lines.append(f"In scope: {len(scope.changed_files)} changed file(s), from {md(scope.changed_source or '')}; "
                     f"{scope.out_of_scope} finding(s) on other files not reported.")
    if report.run.accounts:
        lines.append(f"AWS: account(s) {md(', '.join(report.run.accounts))}, {len(report.run.regions)} region(s).")
    elif scope.aws_skipped:
        lines.append(f"AWS: not audited ({md(scope.aws_skipped)}), by choice.")
    return lines


def _owner(name: str | None) -> str:
    return md(name) if name else "_unassigned_"


def _team_rows(report: Report) -> list[str]:
    table: dict[str, Counter[str]] = {}
    for f in report.findings:
        if f.status == Status.PASS:
            continue
        counts = table.setdefault(f.owner or "", Counter())
        counts[f.status.value] += 1
        if f.status in _FAILING and f.severity.rank >= Severity.HIGH.rank:
            counts["serious"] += 1
    rows = ["| team | failing | critical or high | not assessed |", "| --- | ---: | ---: | ---: |"]
    for owner, counts in sorted(table.items(), key=lambda kv: (-kv[1]["FAIL"] - kv[1]["ERROR"], kv[0])):
        rows.append(f"| {_owner(owner or None)} | {counts['FAIL'] + counts['ERROR']} | {counts['serious']} | "
                    f"{counts['NOT_ASSESSED']} |")
    return rows if len(rows) > 2 else []


def _not_assessed(report: Report) -> list[str]:
    lines: list[str] = []
    scope = report.scope
    if scope.aws_skipped:
        lines.append(f"- {len(scope.skipped_checks)} AWS check(s) skipped by choice ({md(scope.aws_skipped)}); "
                     "PCI items that need them are NOT\\_ASSESSED.")
    if report.collection_errors:
        lines.append(f"- {len(report.collection_errors)} AWS collection error(s): what they hid is NOT\\_ASSESSED.")
    reasons = Counter(f.reason for f in report.findings if f.status == Status.NOT_ASSESSED)
    for reason, count in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))[:20]:
        lines.append(f"- {count} x {md(reason)}")
    if len(reasons) > 20:
        lines.append(f"- ... and {len(reasons) - 20} other reason(s)")
    return lines


def _skipped_files(report: Report) -> list[str]:
    """Files named like an artifact kind but holding something else, folded: rarely what a reviewer needs."""
    files = report.skipped_files
    if not files:
        return []
    return ["<details><summary>" + f"{len(files)} file(s) named like an artifact but holding something else, "
            "not judged</summary>", "",
            *(f"- {md(f.repo)}:{md(f.path)} ({md(f.kind)}): {md(f.reason)}" for f in files),
            "", "</details>", ""]


class _Budget:
    """Lines added while they fit under the cap; the rest is counted, not shown."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.lines: list[str] = []
        self.size = 0
        self.dropped = 0

    def add(self, line: str) -> bool:
        if self.dropped or self.size + len(line) + 1 > self.limit:
            self.dropped += 1
            return False
        self.lines.append(line)
        self.size += len(line) + 1
        return True


def render(report: Report, limit: int = LIMIT) -> str:
    links = report.scope.file_links
    failing = sorted((f for f in report.findings if f.status in _FAILING),
                     key=lambda f: (-f.severity.rank, f.kind, f.check_id, f.resource.key))
    out = _Budget(limit - _TRAILER_ROOM)
    for line in (f"## cardaudit: {_verdict(report, failing)}", "", *_scope_lines(report), ""):
        out.add(line)

    items = [r for r in report.requirements if r.kind == "requirement" and r.status == ItemStatus.FAIL]
    if items:
        out.add(f"### Failing PCI DSS items ({len(items)}, {md(report.run.catalogue)})")
        out.add("")
        out.add("| item | title | owner | why |")
        out.add("| --- | --- | --- | --- |")
        for r in items:
            out.add(f"| {md(r.id)} | {md(r.title)} | {_owner(r.owner)} | {md(r.reason)} |")
        out.add("")

    if failing:
        out.add(f"### Failing findings ({len(failing)})")
        out.add("")
        for f in failing:
            pci = f" (PCI {md(', '.join(f.pci[:4]))})" if f.pci else ""
            out.add(f"- **{f.severity.value}** {md(f.check_id)} at {_where(f, links)}: {md(f.reason)}; "
                    f"owner {_owner(f.owner)}{pci}")
        out.add("")

    for title, lines in (("By team", _team_rows(report)), ("Not assessed", _not_assessed(report))):
        if lines:
            for line in (f"### {title}", "", *lines, ""):
                out.add(line)

    skipped = _skipped_files(report)
    for line in skipped:
        out.add(line)

    tail: list[str] = []
    if out.dropped:
        tail.append(f"**Truncated**: {out.dropped} more line(s) not shown (GitHub comments stop at {LIMIT:,} "
                    "characters); the SARIF and JSON reports have every finding.")
    tail.append(f"<sub>cardaudit {md(report.tool.version)}, {md(report.run.catalogue)}; "
                f"{report.summary.findings.get('PASS', 0)} check result(s) PASS.</sub>")
    return "\n".join([*out.lines, *tail]) + "\n"


FORMAT = Format(name="markdown", media_type="text/markdown", suffix=".md", render=render)
