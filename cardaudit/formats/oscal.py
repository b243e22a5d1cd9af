"""OSCAL assessment results (NIST OSCAL 1.1.2 model), for GRC tools that read assessment results.

One result per run. Each check result is an observation (method TEST, with the resource, check,
status and owner as properties); each in-scope PCI DSS item with a status is a finding whose target
is the item, with the observations behind it. The objective state is `satisfied` only for items
that PASS, are attested or inherited; everything else, NOT_ASSESSED and MANUAL included, is
`not-satisfied` with the cardaudit status as a property and the reason as remarks: never satisfied
for what was not seen. Items out of scope (NOT_APPLICABLE) are left out of the reviewed controls.

UUIDs are version-5 UUIDs of stable keys (the run's start time, a finding id, an item id), so the
same report always renders the same document and a diff shows only what changed.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from cardaudit.formats.base import Format
from cardaudit.formats.text import visible
from cardaudit.models.base import Status
from cardaudit.models.finding import Finding
from cardaudit.models.report import Report

OSCAL_VERSION = "1.1.2"
NS = "urn:cardaudit:oscal"  # namespace of cardaudit's own properties
_ROOT = uuid.uuid5(uuid.NAMESPACE_URL, NS)
SATISFIED = {"PASS", "ATTESTED", "INHERITED"}


def _uuid(*key: str) -> str:
    return str(uuid.uuid5(_ROOT, "/".join(key)))


def control_id(item: str) -> str:
    """An OSCAL control id (a token: it must start with a letter) for a PCI DSS item such as 10.2.1."""
    return f"pci-{item}"


def _text(value: str) -> str:
    """OSCAL strings may not be empty nor start or end with white space."""
    stripped = " ".join(value.split())
    return stripped or "-"


def _prop(name: str, value: str | None) -> list[dict[str, str]]:
    return [{"name": name, "ns": NS, "value": _text(value)}] if value else []


def _observation(run_key: str, finding: Finding, collected: str) -> dict[str, Any]:
    ref = finding.resource
    return {
        "uuid": _uuid(run_key, "observation", finding.id),
        "title": _text(f"{finding.check_id}: {ref.arn or ref.display}"),
        "description": _text(finding.reason),
        "props": [*_prop("check", finding.check_id), *_prop("status", finding.status.value),
                  *_prop("severity", finding.severity.value), *_prop("resource", ref.arn or ref.key),
                  *_prop("owner", finding.owner)],
        "methods": ["TEST"],
        "types": ["finding"],
        "collected": collected,
    }


def render(report: Report) -> str:
    run = report.run
    run_key = run.started_at.isoformat()
    start, end = run.started_at.isoformat(), run.finished_at.isoformat()
    observed = [f for f in report.findings if f.status != Status.PASS or f.kind == "control"]
    observations = [_observation(run_key, f, end) for f in observed]
    by_item: dict[str, list[str]] = {}
    for f, obs in zip(observed, observations, strict=True):
        for item in f.pci:
            by_item.setdefault(item, []).append(obs["uuid"])
    in_scope = [r for r in report.requirements if r.kind == "requirement" and r.status.value != "NOT_APPLICABLE"]
    findings = []
    for r in in_scope:
        finding: dict[str, Any] = {
            "uuid": _uuid(run_key, "finding", r.id),
            "title": _text(f"{r.id} {r.title}"),
            "description": _text(r.reason or r.title),
            "props": [*_prop("status", r.status.value), *_prop("owner", r.owner),
                      *_prop("assessment", r.assessment)],
            "target": {
                "type": "objective-id", "target-id": control_id(r.id),
                "status": {"state": "satisfied" if r.status.value in SATISFIED else "not-satisfied",
                           "reason": "pass" if r.status.value in SATISFIED else
                           "fail" if r.status.value == "FAIL" else "other"},
            },
        }
        related = by_item.get(r.id, [])
        if related:
            finding["related-observations"] = [{"observation-uuid": u} for u in related]
        findings.append(finding)
    catalogue_resource = _uuid("catalogue", run.catalogue)
    result: dict[str, Any] = {
        "uuid": _uuid(run_key, "result"),
        "title": _text(f"cardaudit {run.catalogue} audit"),
        "description": _text(f"Automated audit of AWS account(s) {', '.join(run.accounts) or '-'} in "
                             f"{len(run.regions)} region(s), profile {run.pci_profile}."),
        "start": start, "end": end,
        "reviewed-controls": {"control-selections": [
            {"include-controls": [{"control-id": control_id(r.id)} for r in in_scope]} if in_scope
            else {"include-all": {}}]},
    }
    if observations:
        result["observations"] = observations
    if findings:
        result["findings"] = findings
    document = {"assessment-results": {
        "uuid": _uuid(run_key, "assessment-results"),
        "metadata": {"title": _text(f"cardaudit {run.catalogue} assessment results"), "last-modified": end,
                     "version": report.tool.version, "oscal-version": OSCAL_VERSION},
        # No assessment plan exists for an automated run: the import points at the catalogue described below.
        "import-ap": {"href": f"#{catalogue_resource}"},
        "results": [result],
        "back-matter": {"resources": [{
            "uuid": catalogue_resource, "title": _text(f"{run.catalogue} catalogue (cardaudit)"),
            "description": _text("The PCI DSS items cardaudit assessed; control ids are the item ids prefixed "
                                 "with 'pci-'. No separate assessment plan exists for an automated run."),
        }]},
    }}
    return visible(json.dumps(document, indent=1, ensure_ascii=False)) + "\n"


FORMAT = Format(name="oscal", media_type="application/json", suffix=".oscal.json", render=render)
