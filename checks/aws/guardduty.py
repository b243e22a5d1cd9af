"""GuardDuty: a detector switched on in every region read."""

from __future__ import annotations

from collections.abc import Iterator

from cardaudit.engine.registry import check
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.models.inventory import GuardDutyDetector, Unknown

from .config import missing_regions


@check(
    title="GuardDuty is enabled in every region",
    severity=Severity.HIGH, category="monitoring", resource_type="AWS::GuardDuty::Detector",
    needs=("regions", "guardduty_detectors"),
)
def guardduty_enabled_all_regions(regions: list[str], detectors: list[GuardDutyDetector]) -> Iterator[Result]:
    """What it checks:
    In each region read, a GuardDuty detector exists and its status (GetDetector) is ENABLED. A
    region without a detector FAILs on `guardduty-<region>`; a suspended detector FAILs; a
    detector whose status could not be read is NOT_ASSESSED.

    Why it matters:
    GuardDuty is the intrusion detection of the AWS account: it reads CloudTrail, VPC flow and
    DNS logs for credential misuse, crypto-mining, command-and-control traffic and
    reconnaissance. An attacker works in the region nobody watches, so it must run in every
    enabled region, used or not.

    How to fix:
    `aws guardduty create-detector --enable` in each region (or enable it organization-wide from
    the delegated administrator with auto-enable for new accounts), and route its findings to
    the on-call through EventBridge.
    """
    yield from missing_regions("AWS::GuardDuty::Detector", regions, detectors)
    for detector in detectors:
        evidence = {"detector_id": detector.detector_id, "finding_frequency": detector.finding_frequency}
        if detector.detector_id is None:
            yield Result.failed(detector.ref(), f"no GuardDuty detector in {detector.region}", **evidence)
        elif isinstance(detector.status, Unknown):
            yield Result.not_assessed(detector.ref(), f"detector {detector.detector_id}: {detector.status.reason}",
                                      **evidence)
        elif detector.status == "ENABLED":
            yield Result.passed(detector.ref(), "detector is enabled", **evidence)
        else:
            yield Result.failed(detector.ref(), f"detector is {str(detector.status).lower()} (suspended)",
                                status=detector.status, **evidence)
