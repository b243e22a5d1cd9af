"""CloudTrail checks against moto."""

from __future__ import annotations

from tests.conftest import ACCOUNT, Aws, outcomes, run_check

MULTI = "cloudtrail_multi_region_enabled"
VALIDATION = "cloudtrail_log_file_validation_enabled"


def _trail(aws: Aws, name: str, multi: bool, validation: bool, start: bool = True, region: str = "eu-west-1") -> None:
    s3 = aws.client("s3", region)
    bucket = f"{name}-logs-{ACCOUNT}"
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
    ct = aws.client("cloudtrail", region)
    ct.create_trail(Name=name, S3BucketName=bucket, IsMultiRegionTrail=multi, IncludeGlobalServiceEvents=True,
                    EnableLogFileValidation=validation)
    if start:
        ct.start_logging(Name=name)


def test_account_with_logging_multi_region_trail(aws: Aws) -> None:
    _trail(aws, "acme-org-audit", multi=True, validation=False)
    _trail(aws, "payments-debug", multi=False, validation=True)
    inventory = aws.collect("cloudtrail", regions=["eu-west-1", "us-east-1"])
    assert outcomes(run_check(MULTI, inventory)) == {("account", "PASS")}
    assert outcomes(run_check(VALIDATION, inventory)) == {("acme-org-audit", "FAIL"), ("payments-debug", "PASS")}


def test_stopped_or_single_region_trails_fail(aws: Aws) -> None:
    _trail(aws, "acme-org-audit", multi=True, validation=True, start=False)
    _trail(aws, "payments-debug", multi=False, validation=True)
    assert outcomes(run_check(MULTI, aws.collect("cloudtrail"))) == {("account", "FAIL")}


def test_no_trail_at_all_fails(aws: Aws) -> None:
    assert outcomes(run_check(MULTI, aws.collect("cloudtrail"))) == {("account", "FAIL")}
    assert outcomes(run_check(VALIDATION, aws.collect("cloudtrail"))) == set()


def test_one_blind_region_makes_the_account_not_assessed(aws: Aws) -> None:
    _trail(aws, "payments-debug", multi=False, validation=True)
    aws.deny("cloudtrail", "DescribeTrails", region="us-east-1")
    inventory = aws.collect("cloudtrail", regions=["eu-west-1", "us-east-1"])
    # The trail that would make the account compliant could live in the region nobody could read.
    assert outcomes(run_check(MULTI, inventory)) == {("account", "NOT_ASSESSED")}
    assert outcomes(run_check(VALIDATION, inventory)) == {("payments-debug", "PASS"), ("*@us-east-1", "NOT_ASSESSED")}


def test_unreadable_status_is_not_assessed(aws: Aws) -> None:
    _trail(aws, "acme-org-audit", multi=True, validation=True)
    aws.deny("cloudtrail", "GetTrailStatus")
    assert outcomes(run_check(MULTI, aws.collect("cloudtrail"))) == {("account", "NOT_ASSESSED")}


def test_disabled_region_does_not_blind_the_account_check(aws: Aws) -> None:
    _trail(aws, "acme-org-audit", multi=True, validation=True)
    inventory = aws.collect("cloudtrail", regions=["eu-west-1", "eu-central-2"])  # eu-central-2: opt-in, off
    assert outcomes(run_check(MULTI, inventory)) == {("account", "PASS")}
    assert outcomes(run_check(VALIDATION, inventory)) == {
        ("acme-org-audit", "PASS"), ("*@eu-central-2", "NOT_ASSESSED")}


def test_organization_trail_seen_from_a_member_account(aws: Aws) -> None:
    # As a member account sees it: the organization's trail belongs to the management account and
    # is a "shadow" everywhere, including its home region. Recorded shape of DescribeTrails.
    org_trail = {"Name": "org-audit", "S3BucketName": "org-cloudtrail-logs", "IncludeGlobalServiceEvents": True,
                 "IsMultiRegionTrail": True, "HomeRegion": "eu-west-1", "LogFileValidationEnabled": True,
                 "TrailARN": "arn:aws:cloudtrail:eu-west-1:999988887777:trail/org-audit",
                 "HasCustomEventSelectors": False, "HasInsightSelectors": False, "IsOrganizationTrail": True}
    aws.answer("cloudtrail", "DescribeTrails", {"trailList": [org_trail]})
    aws.answer("cloudtrail", "GetTrailStatus", {"IsLogging": True})
    aws.answer("cloudtrail", "ListTags", {"ResourceTagList": []})
    inventory = aws.collect("cloudtrail", regions=["eu-west-1", "us-east-1"])
    assert [t.name for t in inventory.cloudtrail_trails.items] == ["org-audit"]  # once, not once per region
    assert outcomes(run_check(MULTI, inventory)) == {("account", "PASS")}
    assert outcomes(run_check(VALIDATION, inventory)) == {("org-audit", "PASS")}
