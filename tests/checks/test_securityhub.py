"""Security Hub checks against moto. moto has no GetEnabledStandards: where a test needs its answer,
`aws.answer` gives it in the shape of the Security Hub API reference."""

from __future__ import annotations

import pytest

from tests.conftest import ACCOUNT, Aws, outcomes, run_check

ENABLED = "securityhub_enabled_all_regions"
PCI = "securityhub_pci_dss_standard_subscribed"
REGIONS = ["eu-west-1", "us-east-1"]


def _subscription(standard: str, status: str) -> dict[str, object]:
    return {"StandardsSubscriptionArn": f"arn:aws:securityhub:eu-west-1:{ACCOUNT}:subscription/{standard}",
            "StandardsArn": f"arn:aws:securityhub:eu-west-1::standards/{standard}",
            "StandardsInput": {}, "StandardsStatus": status}


def test_enabled_in_one_region_with_the_pci_standard(aws: Aws) -> None:
    aws.client("securityhub").enable_security_hub(EnableDefaultStandards=False)
    aws.answer("securityhub", "GetEnabledStandards", {"StandardsSubscriptions": [
        _subscription("aws-foundational-security-best-practices/v/1.0.0", "READY"),
        _subscription("pci-dss/v/4.0.1", "READY")]})
    inventory = aws.collect("securityhub", regions=REGIONS)
    assert outcomes(run_check(ENABLED, inventory)) == {("securityhub-eu-west-1", "PASS"),
                                                       ("securityhub-us-east-1", "FAIL")}
    findings = run_check(PCI, inventory)
    assert outcomes(findings) == {("securityhub-eu-west-1", "PASS"), ("securityhub-us-east-1", "FAIL")}
    assert {f.resource.arn for f in findings} == {f"arn:aws:securityhub:{r}:{ACCOUNT}:hub/default" for r in REGIONS}
    assert next(f.reason for f in findings if f.resource.region == "eu-west-1") == "PCI DSS v4.0.1 enabled"


@pytest.mark.parametrize(("subscriptions", "reason"), [
    ([_subscription("aws-foundational-security-best-practices/v/1.0.0", "READY")],
     "the PCI DSS standard is not enabled"),
    ([_subscription("pci-dss/v/4.0.1", "INCOMPLETE")], "PCI DSS standard not ready: v4.0.1 INCOMPLETE"),
], ids=["absent", "incomplete"])
def test_pci_standard_missing_or_not_ready_fails(aws: Aws, subscriptions: list[dict[str, object]],
                                                 reason: str) -> None:
    aws.client("securityhub").enable_security_hub()
    aws.answer("securityhub", "GetEnabledStandards", {"StandardsSubscriptions": subscriptions})
    [finding] = run_check(PCI, aws.collect("securityhub"))
    assert (finding.resource.name, finding.status.value, finding.reason) == ("securityhub-eu-west-1", "FAIL", reason)


def test_unreadable_security_hub_is_not_assessed(aws: Aws) -> None:
    aws.client("securityhub").enable_security_hub()
    # moto answers GetEnabledStandards with an HTML 404: the standards are unknown, never "none".
    [finding] = run_check(PCI, aws.collect("securityhub"))
    assert finding.status.value == "NOT_ASSESSED"
    assert finding.reason.startswith("Security Hub is enabled; its standards could not be read: "
                                     "securityhub:GetEnabledStandards failed")
    aws.deny("securityhub", "GetEnabledStandards")
    inventory = aws.collect("securityhub")
    assert outcomes(run_check(PCI, inventory)) == {("securityhub-eu-west-1", "NOT_ASSESSED")}
    assert outcomes(run_check(ENABLED, inventory)) == {("securityhub-eu-west-1", "PASS")}
    aws.deny("securityhub", "DescribeHub")  # AccessDenied is not "not subscribed"
    inventory = aws.collect("securityhub")
    assert outcomes(run_check(ENABLED, inventory)) == outcomes(run_check(PCI, inventory)) == {
        ("*@eu-west-1", "NOT_ASSESSED")}
