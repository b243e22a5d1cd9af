"""Inspector checks against moto."""

from __future__ import annotations

from tests.conftest import ACCOUNT, Aws, outcomes, run_check

CHECK = "inspector_enabled_ecr_lambda_ec2"


def test_inspector_scan_types_per_region(aws: Aws) -> None:
    aws.client("inspector2").enable(accountIds=[ACCOUNT], resourceTypes=["ECR"])
    aws.client("inspector2", region="us-east-1").enable(accountIds=[ACCOUNT], resourceTypes=["EC2", "ECR", "LAMBDA"])
    # eu-central-1: never enabled. moto then lists no account at all, where AWS lists it DISABLED.
    regions = ["eu-west-1", "us-east-1", "eu-central-1"]
    findings = run_check(CHECK, aws.collect("inspector2", regions=regions))
    assert outcomes(findings) == {("inspector-eu-west-1", "FAIL"), ("inspector-us-east-1", "PASS"),
                                  ("inspector-eu-central-1", "FAIL")}
    by_name = {f.resource.name: f for f in findings}
    assert by_name["inspector-eu-west-1"].reason == "Inspector does not scan ec2 (DISABLED), lambda (DISABLED)"
    assert by_name["inspector-eu-central-1"].reason == "Inspector is not enabled in eu-central-1 (DISABLED)"

    aws.deny("inspector2", "BatchGetAccountStatus", region="us-east-1")
    findings = run_check(CHECK, aws.collect("inspector2", regions=regions))
    assert outcomes(findings) == {("inspector-eu-west-1", "FAIL"), ("inspector-us-east-1", "NOT_ASSESSED"),
                                  ("inspector-eu-central-1", "FAIL")}
    assert "inspector2:BatchGetAccountStatus failed: AccessDenied" in by_name_of(findings)["inspector-us-east-1"]


def by_name_of(findings: list) -> dict[str, str]:  # type: ignore[type-arg]
    return {f.resource.name: f.reason for f in findings}


def test_inspector_failed_account(aws: Aws) -> None:
    # BatchGetAccountStatus as the API reference shapes a per-account failure (moto never returns one).
    aws.answer("inspector2", "BatchGetAccountStatus", {"accounts": [], "failedAccounts": [
        {"accountId": ACCOUNT, "errorCode": "ACCESS_DENIED", "errorMessage": "not a member of the organization"}]})
    findings = run_check(CHECK, aws.collect("inspector2"))
    assert outcomes(findings) == {("inspector-eu-west-1", "NOT_ASSESSED")}
    assert "ACCESS_DENIED" in findings[0].reason
