"""Security Hub: enabled in every region read, running the PCI DSS standard."""

from __future__ import annotations

from collections.abc import Iterator

from cardaudit.engine.registry import check
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.models.inventory import SecurityHubHub, Unknown

from .config import missing_regions

# Security Hub's PCI DSS standards: arn:aws:securityhub:<region>::standards/pci-dss/v/<version>
PCI_DSS_STANDARD = "::standards/pci-dss/v/"
READY = "READY"


@check(
    title="Security Hub is enabled in every region",
    severity=Severity.MEDIUM, category="monitoring", resource_type="AWS::SecurityHub::Hub",
    needs=("regions", "securityhub_hubs"),
)
def securityhub_enabled_all_regions(regions: list[str], hubs: list[SecurityHubHub]) -> Iterator[Result]:
    """What it checks:
    In each region read, DescribeHub answers: Security Hub is enabled. Its answer
    InvalidAccessException means the account is not subscribed there, a FAIL on
    `securityhub-<region>`; any other failure leaves the region NOT_ASSESSED.

    Why it matters:
    Security Hub gathers GuardDuty, Inspector, Config and its own control findings into one
    place where they are triaged every day; a region without it has findings nobody sees.

    How to fix:
    `aws securityhub enable-security-hub` in every enabled region (or organization-wide from the
    delegated administrator), with cross-region aggregation into the home region.
    """
    yield from missing_regions("AWS::SecurityHub::Hub", regions, hubs)
    for hub in hubs:
        if hub.enabled:
            yield Result.passed(hub.ref(), "Security Hub is enabled", subscribed_at=hub.subscribed_at)
        else:
            yield Result.failed(hub.ref(), f"Security Hub is not enabled in {hub.region}")


@check(
    title="Security Hub runs the PCI DSS standard in every region",
    severity=Severity.MEDIUM, category="monitoring", resource_type="AWS::SecurityHub::Hub",
    needs=("regions", "securityhub_hubs"),
)
def securityhub_pci_dss_standard_subscribed(regions: list[str], hubs: list[SecurityHubHub]) -> Iterator[Result]:
    """What it checks:
    In each region read, Security Hub is enabled and GetEnabledStandards lists a PCI DSS standard
    (`standards/pci-dss/v/4.0.1` or `v/3.2.1`) in status READY. A region without Security Hub
    FAILs; a subscription in another status (PENDING, INCOMPLETE, FAILED, DELETING) FAILs with
    it; enabled standards that could not be read are NOT_ASSESSED.

    Why it matters:
    The PCI DSS standard runs AWS's own automated checks mapped to PCI DSS requirements,
    continuously and in every region, between assessments; its findings are the daily evidence
    that automated review of security events (10.4.1.1) happens.

    How to fix:
    `aws securityhub batch-enable-standards --standards-subscription-requests
    StandardsArn=arn:aws:securityhub:<region>::standards/pci-dss/v/4.0.1` in every region (or
    through a central configuration policy).
    """
    yield from missing_regions("AWS::SecurityHub::Hub", regions, hubs)
    for hub in hubs:
        if not hub.enabled:
            yield Result.failed(hub.ref(), f"Security Hub is not enabled in {hub.region}, so no standard runs there")
        elif isinstance(hub.standards, Unknown):
            yield Result.not_assessed(hub.ref(), f"Security Hub is enabled; its standards could not be read: "
                                      f"{hub.standards.reason}")
        else:
            pci = [s for s in hub.standards if PCI_DSS_STANDARD in s.standards_arn]
            ready = sorted(s.standards_arn.rsplit("/", 1)[-1] for s in pci if s.status == READY)
            evidence = {"standards": [s.standards_arn for s in hub.standards]}
            if ready:
                yield Result.passed(hub.ref(), f"PCI DSS v{', v'.join(ready)} enabled", **evidence)
            elif pci:
                states = ", ".join(f"v{s.standards_arn.rsplit('/', 1)[-1]} {s.status}" for s in pci)
                yield Result.failed(hub.ref(), f"PCI DSS standard not ready: {states}", **evidence)
            else:
                yield Result.failed(hub.ref(), "the PCI DSS standard is not enabled", **evidence)
