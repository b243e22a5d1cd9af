"""Read AWS's own verdicts: Security Hub's PCI DSS v4.0.1 results, Config conformance packs, Inspector.

A second source beside the checks, read-only like everything else: `securityhub:GetFindings`
filtered to the PCI DSS v4.0.1 standard, `config:DescribeConformancePacks` and
`config:GetConformancePackComplianceDetails`, and `inspector2:ListFindings` for active critical and
high findings. A source that cannot be read in a region (not enabled, refused, throttled) is
recorded with the reason; it never stops the audit and never changes a check's result.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from cardaudit.collect.api import Api
from cardaudit.collect.contain import BAD_RESPONSE, CallFailed
from cardaudit.models.awsverdicts import AwsStatus, AwsVerdict, AwsVerdicts, VerdictRead, VerdictSource

# The operations the readers call, for the read-only guard's allow-list and the IAM policy.
VERDICT_OPERATIONS = (
    "securityhub:GetFindings",
    "config:DescribeConformancePacks",
    "config:GetConformancePackComplianceDetails",
    "inspector2:ListFindings",
)
PCI_STANDARD = "standards/pci-dss/v/4.0.1"
_CONFIG_STATUS: dict[str, AwsStatus] = {"COMPLIANT": "PASSED", "NON_COMPLIANT": "FAILED"}
_SECURITYHUB_STATUS = frozenset({"PASSED", "FAILED", "WARNING", "NOT_AVAILABLE"})
# A source's per-region reads stop here: an account with more verdicts than this in one region is
# summarised by what was read, and the read says it was cut.
MAX_PER_REGION = 20_000


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _securityhub(api: Api) -> Iterator[AwsVerdict]:
    findings = api.pages(
        "get_findings", "Findings",
        Filters={"ComplianceAssociatedStandardsId": [{"Value": PCI_STANDARD, "Comparison": "EQUALS"}],
                 "RecordState": [{"Value": "ACTIVE", "Comparison": "EQUALS"}],
                 "WorkflowStatus": [{"Value": "SUPPRESSED", "Comparison": "NOT_EQUALS"}],
                 "AwsAccountId": [{"Value": api.account, "Comparison": "EQUALS"}]},
    )
    for f in findings:
        compliance = f.get("Compliance") or {}
        standards = {_text(s.get("StandardsId")) for s in compliance.get("AssociatedStandards") or []}
        status = _text(compliance.get("Status"))
        # Filters are applied again here: an answer that ignored them must not bring in other standards.
        if PCI_STANDARD not in standards or status not in _SECURITYHUB_STATUS or f.get("RecordState") != "ACTIVE":
            continue
        if _text((f.get("Workflow") or {}).get("Status")) == "SUPPRESSED" or f.get("AwsAccountId") != api.account:
            continue
        for resource in f.get("Resources") or []:
            yield AwsVerdict(
                source="securityhub", control=_text(compliance.get("SecurityControlId")) or _text(f.get("GeneratorId")),
                title=_text(f.get("Title")), resource_id=_text(resource.get("Id")),
                resource_type=_text(resource.get("Type")), account=api.account,
                region=_text(resource.get("Region")) or api.region, status=status,
                severity=_text((f.get("Severity") or {}).get("Label")), updated_at=f.get("UpdatedAt"),
            )


def _all(api: Api, operation: str, key: str, **params: Any) -> Iterator[Any]:
    """Every item of a list call, following NextToken where botocore has no paginator for it."""
    if api.client.can_paginate(operation):
        yield from api.pages(operation, key, **params)
        return
    token: str | None = None
    while True:
        page = api.call(operation, **params, **({"NextToken": token} if token else {}))
        items = page.get(key)
        if not isinstance(items, list):  # an answer without its list is a failure, never "nothing"
            raise CallFailed(api.name(operation), BAD_RESPONSE, f"response without a {key} list")
        yield from items
        token = page.get("NextToken")
        if not token:
            return


def _config(api: Api) -> Iterator[AwsVerdict]:
    for pack in list(_all(api, "describe_conformance_packs", "ConformancePackDetails")):
        name = _text(pack.get("ConformancePackName"))
        results = _all(api, "get_conformance_pack_compliance_details", "ConformancePackRuleEvaluationResults",
                       ConformancePackName=name)
        for result in results:
            qualifier = ((result.get("EvaluationResultIdentifier") or {}).get("EvaluationResultQualifier") or {})
            yield AwsVerdict(
                source="config", control=_text(qualifier.get("ConfigRuleName")), title=f"conformance pack {name}",
                resource_id=_text(qualifier.get("ResourceId")), resource_type=_text(qualifier.get("ResourceType")),
                account=api.account, region=api.region,
                status=_CONFIG_STATUS.get(_text(result.get("ComplianceType")), "NOT_AVAILABLE"),
                updated_at=result.get("ResultRecordedTime"),
            )


def _inspector(api: Api) -> Iterator[AwsVerdict]:
    findings = api.pages(
        "list_findings", "findings",
        filterCriteria={"findingStatus": [{"comparison": "EQUALS", "value": "ACTIVE"}],
                        "severity": [{"comparison": "EQUALS", "value": "CRITICAL"},
                                     {"comparison": "EQUALS", "value": "HIGH"}],
                        "awsAccountId": [{"comparison": "EQUALS", "value": api.account}]},
    )
    for f in findings:
        if f.get("status") != "ACTIVE" or f.get("severity") not in ("CRITICAL", "HIGH"):
            continue
        vulnerability = _text((f.get("packageVulnerabilityDetails") or {}).get("vulnerabilityId"))
        for resource in f.get("resources") or []:
            yield AwsVerdict(
                source="inspector2", control=vulnerability or _text(f.get("type")), title=_text(f.get("title")),
                resource_id=_text(resource.get("id")), resource_type=_text(resource.get("type")),
                account=api.account, region=_text(resource.get("region")) or api.region, status="FAILED",
                severity=_text(f.get("severity")), updated_at=f.get("updatedAt"),
            )


_READERS: dict[VerdictSource, tuple[str, Callable[[Api], Iterator[AwsVerdict]]]] = {
    "securityhub": ("securityhub", _securityhub),
    "config": ("config", _config),
    "inspector2": ("inspector2", _inspector),
}


def _read(source: VerdictSource, api: Api) -> tuple[list[AwsVerdict], VerdictRead]:
    reader = _READERS[source][1]
    out: list[AwsVerdict] = []
    try:
        for verdict in reader(api):
            out.append(verdict)
            if len(out) >= MAX_PER_REGION:
                return out, VerdictRead(source=source, account=api.account, region=api.region, read=True,
                                        count=len(out), reason=f"cut at {MAX_PER_REGION} verdicts")
    except Exception as exc:  # noqa: BLE001 -- a source that cannot be read is recorded, never fatal
        failure = api.failed(exc)  # re-raises ReadOnlyViolation
        return [], VerdictRead(source=source, account=api.account, region=api.region, read=False,
                               reason=f"{failure.operation} failed: {failure.code}")
    return out, VerdictRead(source=source, account=api.account, region=api.region, read=True, count=len(out))


def collect_verdicts(make_api: Callable[[str, str], Api], regions: list[str], workers: int = 8) -> AwsVerdicts:
    """Every source in every region; `make_api(service, region)` builds the bound client (in this thread)."""
    jobs = [(source, make_api(service, region)) for source, (service, _) in _READERS.items() for region in regions]
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(jobs) or 1)), thread_name_prefix="verdicts") as pool:
        results = list(pool.map(lambda job: _read(*job), jobs))
    return AwsVerdicts(verdicts=[v for found, _ in results for v in found], reads=[read for _, read in results])
