"""OCSF 1.8.0 Compliance Finding events (class 2003), one per finding, as a JSON array.

For security lakes and SIEMs that read OCSF (Amazon Security Lake among them). Each event names the
check as the control, the PCI DSS items it evidences as requirements and the catalogue as the
standard. cardaudit's statuses map to the compliance status honestly: NOT_ASSESSED is Unknown (0)
and ERROR is Other (99), never Pass; WAIVED still Fails (3). The finding's workflow status is New: a
report is a snapshot, not a ticket; a WAIVED finding's is Suppressed, with the waiver as its status
detail (as in ASFF). Owner, supporting teams and the deciding rule go to `unmapped.cardaudit`.
"""

from __future__ import annotations

import json
from typing import Any

from cardaudit.formats.base import Format
from cardaudit.formats.text import visible
from cardaudit.models.base import Severity, Status
from cardaudit.models.finding import Finding
from cardaudit.models.report import Report

OCSF_VERSION = "1.8.0"
CLASS_UID = 2003  # Compliance Finding, category 2 (Findings)
ACTIVITY_CREATE = 1
SEVERITY_ID = {Severity.INFO: 1, Severity.LOW: 2, Severity.MEDIUM: 3, Severity.HIGH: 4, Severity.CRITICAL: 5}
# compliance.status_id: 1 Pass, 3 Fail; 0 Unknown and 99 Other for what was not decided.
COMPLIANCE_STATUS = {Status.PASS: (1, "Pass"), Status.FAIL: (3, "Fail"), Status.NOT_ASSESSED: (0, "Unknown"),
                     Status.ERROR: (99, "Other"), Status.WAIVED: (3, "Fail")}
STATUS_NEW, STATUS_SUPPRESSED = (1, "New"), (3, "Suppressed")  # the event's (workflow) status_id
_STANDARD = {"pci-dss-4.0.1": "PCI DSS v4.0.1", "pci-dss-3.2.1": "PCI DSS v3.2.1"}


def _ms(report: Report) -> int:
    return int(report.run.finished_at.timestamp() * 1000)


def _resource(finding: Finding) -> dict[str, Any]:
    ref = finding.resource
    resource: dict[str, Any] = {"uid": ref.arn or ref.key, "type": ref.type, "name": ref.name or ref.id}
    if ref.region:
        resource["region"] = ref.region
    if ref.path:
        resource["data"] = {"repo": ref.repo, "path": ref.path, "line": ref.line, "field": ref.field}
    return resource


def _event(report: Report, finding: Finding) -> dict[str, Any]:
    info = report.check(finding.check_id)
    status_id, status_name = COMPLIANCE_STATUS[finding.status]
    severity = Severity(finding.severity)
    workflow, detail = STATUS_NEW, finding.reason
    if finding.status == Status.WAIVED and finding.waiver is not None:
        w = finding.waiver
        workflow = STATUS_SUPPRESSED
        detail = f"waived: {w.reason} (approved by {w.approved_by}, expires {w.expires or 'never'}) - {finding.reason}"
    event: dict[str, Any] = {
        "activity_id": ACTIVITY_CREATE, "activity_name": "Create",
        "category_uid": 2, "category_name": "Findings",
        "class_uid": CLASS_UID, "class_name": "Compliance Finding",
        "type_uid": CLASS_UID * 100 + ACTIVITY_CREATE, "type_name": "Compliance Finding: Create",
        "time": _ms(report),
        "severity_id": SEVERITY_ID[severity], "severity": severity.value.capitalize(),
        "status_id": workflow[0], "status": workflow[1], "status_code": finding.status.value, "status_detail": detail,
        "message": finding.reason,
        "metadata": {
            "version": OCSF_VERSION, "profiles": ["cloud"],
            "product": {"name": report.tool.name, "vendor_name": report.tool.name, "version": report.tool.version},
            "uid": finding.id,
        },
        "finding_info": {
            "uid": finding.id, "title": info.title if info else finding.check_id, "desc": finding.reason,
            "types": [finding.kind if info is None else f"{finding.kind}/{info.category}"],
            "created_time": _ms(report),
        },
        "compliance": {
            "control": finding.check_id, "requirements": list(finding.pci),
            "standards": [_STANDARD.get(report.run.catalogue, report.run.catalogue)],
            "status_id": status_id, "status": status_name, "status_detail": finding.reason,
        },
        "resources": [_resource(finding)],
        "cloud": {"provider": "AWS", **({"region": finding.resource.region} if finding.resource.region else {}),
                  **({"account": {"uid": finding.resource.account, "type": "AWS Account", "type_id": 10}}
                     if finding.resource.account else {})},
        "unmapped": {"cardaudit": {"owner": finding.owner, "supporting": finding.supporting,
                                   "owner_rule": finding.owner_rule, "evidence": finding.evidence,
                                   **({"waiver": finding.waiver.id} if finding.waiver else {})}},
    }
    fix = info.help.get("How to fix") if info else None
    if fix:
        event["remediation"] = {"desc": fix}
    return event


def render(report: Report) -> str:
    events = [_event(report, f) for f in report.findings]
    # Control and bidi characters become escapes, as in the JSON report: the data is exact, nothing hidden.
    return visible(json.dumps(events, indent=1, ensure_ascii=False)) + "\n"


FORMAT = Format(name="ocsf", media_type="application/json", suffix=".ocsf.json", render=render)
