"""GuardDuty check against moto: one finding per region read."""

from __future__ import annotations

from tests.conftest import ACCOUNT, Aws, outcomes, run_check

CHECK = "guardduty_enabled_all_regions"
REGIONS = ["eu-west-1", "us-east-1"]


def test_enabled_in_one_region_only(aws: Aws) -> None:
    detector = aws.client("guardduty").create_detector(Enable=True, Tags={"team": "infra"})["DetectorId"]
    inventory = aws.collect("guardduty", regions=REGIONS)
    findings = run_check(CHECK, inventory)
    assert outcomes(findings) == {("guardduty-eu-west-1", "PASS"), ("guardduty-us-east-1", "FAIL")}
    by_name = {f.resource.name: f for f in findings}
    assert by_name["guardduty-eu-west-1"].resource.arn == f"arn:aws:guardduty:eu-west-1:{ACCOUNT}:detector/{detector}"
    assert by_name["guardduty-us-east-1"].resource.arn == f"arn:aws:guardduty:us-east-1:{ACCOUNT}:detector/none"
    assert by_name["guardduty-us-east-1"].reason == "no GuardDuty detector in us-east-1"
    assert inventory.guardduty_detectors.items[0].tags == {"team": "infra"}


def test_suspended_detector_fails(aws: Aws) -> None:
    detector = aws.client("guardduty", "us-east-1").create_detector(Enable=False)["DetectorId"]
    findings = run_check(CHECK, aws.collect("guardduty", regions=["us-east-1"]))
    assert outcomes(findings) == {("guardduty-us-east-1", "FAIL")}
    assert findings[0].resource.arn.endswith(f":detector/{detector}")
    assert findings[0].reason == "detector is disabled (suspended)"


def test_unreadable_guardduty_is_not_assessed(aws: Aws) -> None:
    aws.client("guardduty").create_detector(Enable=True)
    aws.deny("guardduty", "GetDetector")
    assert outcomes(run_check(CHECK, aws.collect("guardduty", regions=REGIONS))) == {
        ("guardduty-eu-west-1", "NOT_ASSESSED"), ("guardduty-us-east-1", "FAIL")}
    aws.deny("guardduty", "ListDetectors")
    assert outcomes(run_check(CHECK, aws.collect("guardduty", regions=REGIONS))) == {
        ("*@eu-west-1", "NOT_ASSESSED"), ("*@us-east-1", "NOT_ASSESSED")}
