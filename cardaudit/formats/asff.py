"""AWS Security Finding Format (ASFF), for `aws securityhub batch-import-findings` run by the user.

cardaudit itself never writes to Security Hub (it is read-only); this format is the file the user
imports. Only AWS findings with an account are emitted, since ASFF needs one; PCI items go to
`Compliance.RelatedRequirements`.
"""

from __future__ import annotations

import json
from typing import Any

from cardaudit.formats.base import Format
from cardaudit.formats.text import visible
from cardaudit.models.base import Severity, Status
from cardaudit.models.finding import Finding
from cardaudit.models.inventory import resource_types
from cardaudit.models.report import Report

_COMPLIANCE = {Status.PASS: "PASSED", Status.FAIL: "FAILED", Status.ERROR: "WARNING",
               Status.NOT_ASSESSED: "NOT_AVAILABLE", Status.WAIVED: "FAILED"}
_LABEL = {Severity.CRITICAL: "CRITICAL", Severity.HIGH: "HIGH", Severity.MEDIUM: "MEDIUM", Severity.LOW: "LOW",
          Severity.INFO: "INFORMATIONAL"}
# ASFF limits (characters) on the free-text fields.
_TITLE, _DESCRIPTION = 256, 1024
# CloudFormation type -> ASFF resource type, from the resource types' declarations; anything else is "Other".
_TYPES = {t.cfn_type: t.asff_type for t in resource_types() if t.asff_type}
# The partitions Security Hub's API model accepts in `Resources[].Partition` (an enum); a newer one is left
# out rather than sent as a value the import refuses.
_PARTITIONS = frozenset({"aws", "aws-cn", "aws-us-gov", "aws-us-iso", "aws-us-iso-b"})


def _text(value: str, limit: int) -> str:
    # Security Hub shows these fields as text: hidden characters from AWS are escaped, like in every format.
    return visible(value)[:limit]


def _asff(f: Finding, report: Report) -> dict[str, Any]:
    ref = f.resource
    region = ref.region if ref.region and ref.region != "global" else "us-east-1"
    partition = (ref.arn or "arn:aws").split(":")[1] if ref.arn else "aws"
    when = report.run.finished_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    standard = "PCI DSS v" + report.run.catalogue.removeprefix("pci-dss-")
    finding: dict[str, Any] = {
        "SchemaVersion": "2018-10-08",
        "Id": f"cardaudit/{f.id}",
        "ProductArn": f"arn:{partition}:securityhub:{region}:{ref.account}:product/{ref.account}/default",
        "GeneratorId": f"cardaudit/{f.check_id}",
        "AwsAccountId": ref.account,
        "Types": ["Software and Configuration Checks/Industry and Regulatory Standards/PCI-DSS"],
        "CreatedAt": when,
        "UpdatedAt": when,
        "Severity": {"Label": _LABEL[f.severity]},
        "Title": f"{f.check_id}: {f.status.value}"[:_TITLE],
        # The API model refuses a blank Description (NonEmptyString); a finding without a reason says so.
        "Description": _text(f.reason, _DESCRIPTION) if f.reason.strip() else f"{f.check_id}: no reason given",
        "Resources": [{"Type": _TYPES.get(ref.type, "Other"), "Id": ref.arn or ref.key,
                       **({"Partition": partition} if partition in _PARTITIONS else {}), "Region": region}],
        "Compliance": {"Status": _COMPLIANCE[f.status], "RelatedRequirements": [f"{standard}/{i}" for i in f.pci][:32]},
        "RecordState": "ACTIVE",
        "ProductFields": {"cardaudit/owner": _text(f.owner or "unassigned", 2048), "cardaudit/kind": f.kind},
    }
    if f.status == Status.WAIVED and f.waiver is not None:
        # Still FAILED against the standard; the workflow says the failure is an accepted exception.
        finding["Workflow"] = {"Status": "SUPPRESSED"}
        finding["Note"] = {"Text": _text(f"waived: {f.waiver.reason} (approved by {f.waiver.approved_by}, expires "
                                         f"{f.waiver.expires or 'never'})", 512),
                           "UpdatedBy": "cardaudit", "UpdatedAt": when}
    return finding


def render(report: Report) -> str:
    findings = [_asff(f, report) for f in report.findings if f.resource.account and not f.resource.path]
    return json.dumps(findings, indent=1) + "\n"


FORMAT = Format(name="asff", media_type="application/json", suffix=".asff.json", render=render)
