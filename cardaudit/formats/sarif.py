"""SARIF 2.1.0, for code-scanning dashboards: failing, erroring and unassessed findings with locations.

Repository findings carry a physical location (repo-relative path and line, the repository as the
`uriBaseId`); AWS findings a logical location named by the ARN.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from cardaudit.formats.base import Format
from cardaudit.models.base import Severity, Status
from cardaudit.models.finding import Finding
from cardaudit.models.report import CheckInfo, Report

_LEVEL = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning",
          Severity.LOW: "note", Severity.INFO: "note"}
# GitHub reads `security-severity` (0-10) to rank security results.
_SCORE = {Severity.CRITICAL: "9.5", Severity.HIGH: "8.0", Severity.MEDIUM: "5.5", Severity.LOW: "3.0",
          Severity.INFO: "0.0"}


def _rule(check_id: str, info: CheckInfo | None, severity: Severity, pci: list[str]) -> dict[str, Any]:
    # The report carries every check's metadata; a report from before it did gets the bare id.
    title = info.title if info else check_id
    text = "\n\n".join(f"{h}: {t}" for h, t in info.help.items() if t) if info else title
    markdown = "\n\n".join(f"**{h}**\n\n{t}" for h, t in info.help.items() if t) if info else title
    what = (info.help.get("What it checks") if info else None) or title
    return {
        "id": check_id, "name": check_id, "shortDescription": {"text": title}, "fullDescription": {"text": what},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": _LEVEL[severity]},
        "properties": {"tags": ["security", *(f"pci-dss/{item}" for item in pci)],
                       "security-severity": _SCORE[severity]},
    }


def _location(finding: Finding) -> dict[str, Any]:
    ref = finding.resource
    if not ref.path:
        return {"logicalLocations": [{"fullyQualifiedName": ref.arn or ref.key, "kind": "resource"}]}
    # SARIF's uri is a URI reference: a path with spaces, '#' or '%' must be percent-encoded.
    artifact: dict[str, Any] = {"uri": quote(ref.path, safe="/")}
    if ref.repo:
        artifact["uriBaseId"] = ref.repo
    location: dict[str, Any] = {"physicalLocation": {"artifactLocation": artifact}}
    if ref.line:
        location["physicalLocation"]["region"] = {"startLine": ref.line}
    if ref.field:
        location["logicalLocations"] = [{"fullyQualifiedName": ref.field, "kind": "member"}]
    return location


def _result(finding: Finding) -> dict[str, Any]:
    kind = "review" if finding.status == Status.NOT_ASSESSED else "fail"
    result: dict[str, Any] = {
        "ruleId": finding.check_id,
        "kind": kind,
        "level": "none" if kind == "review" else _LEVEL[finding.severity],
        "message": {"text": f"{finding.status.value}: {finding.reason}"},
        "locations": [_location(finding)],
        "partialFingerprints": {"cardauditFindingId/v1": finding.id},
        "properties": {"status": finding.status.value, "owner": finding.owner, "supporting": finding.supporting,
                       "ownerRule": finding.owner_rule, "pci": finding.pci, "resourceType": finding.resource.type},
    }
    waiver = finding.waiver
    if waiver is not None:
        result["properties"]["waiver"] = waiver.model_dump(mode="json")
    if finding.status == Status.WAIVED and waiver is not None:
        # A waived failure is still a result, suppressed with the approved justification (SARIF 3.35).
        result["level"] = "note"
        result["suppressions"] = [{
            "kind": "external", "status": "accepted",
            "justification": f"{waiver.reason} (approved by {waiver.approved_by}, team {waiver.team}, "
                             f"expires {waiver.expires or 'never'}; {waiver.where})",
        }]
    return result


def render(report: Report) -> str:
    shown = [f for f in report.findings if f.status != Status.PASS]
    rules: dict[str, dict[str, Any]] = {}
    for f in shown:
        rules.setdefault(f.check_id, _rule(f.check_id, report.check(f.check_id), f.severity, f.pci))
    repos = sorted({f.resource.repo for f in shown if f.resource.repo})
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "cardaudit", "version": report.tool.version,
                                "rules": [rules[k] for k in sorted(rules)]}},
            "originalUriBaseIds": {repo: {"description": {"text": f"checkout of {repo}"}} for repo in repos},
            "invocations": [{"executionSuccessful": True, "startTimeUtc": report.run.started_at.isoformat(),
                             "endTimeUtc": report.run.finished_at.isoformat()}],
            "results": [_result(f) for f in shown],
            "properties": {"accounts": report.run.accounts, "regions": report.run.regions,
                           "catalogue": report.run.catalogue,
                           # What the run left out by choice: AWS (--no-aws), files outside a pull request.
                           "awsSkipped": report.scope.aws_skipped, "skippedChecks": len(report.scope.skipped_checks),
                           "changedFiles": report.scope.changed_files, "changedSource": report.scope.changed_source},
        }],
    }
    return json.dumps(doc, indent=2, sort_keys=False) + "\n"


FORMAT = Format(name="sarif", media_type="application/sarif+json", suffix=".sarif", render=render)
