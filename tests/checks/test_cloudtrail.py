"""CloudTrail checks against moto.

moto answers GetEventSelectors with empty lists for a trail that was never given selectors (AWS
answers with the default selector, all management events) and always says
`HasCustomEventSelectors: false`; the collector reads that pair as the AWS default. Shapes moto
cannot produce are answered with responses recorded from the CloudTrail API reference.
"""

from __future__ import annotations

from typing import Any

import pytest
from cardaudit.checks.aws.cloudtrail import CARD_DATA_TAG, arn_coverage

from cardaudit.collect.cloudtrail import event_selection
from cardaudit.models.aws.cloudtrail import ArnCondition, EventSelection
from tests.conftest import ACCOUNT, Aws, outcomes, run_check

MULTI = "cloudtrail_multi_region_enabled"
VALIDATION = "cloudtrail_log_file_validation_enabled"
CARD_DATA = "cloudtrail_card_data_events_logged"

MANAGEMENT_ALL = {"Name": "Management events", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}


def _trail(aws: Aws, name: str, multi: bool, validation: bool, start: bool = True, region: str = "eu-west-1",
           **selectors: Any) -> str:
    s3 = aws.client("s3", region)
    bucket = f"{name}-logs-{ACCOUNT}"
    s3.create_bucket(Bucket=bucket, **_location(region))
    ct = aws.client("cloudtrail", region)
    arn: str = ct.create_trail(Name=name, S3BucketName=bucket, IsMultiRegionTrail=multi,
                               IncludeGlobalServiceEvents=True, EnableLogFileValidation=validation)["TrailARN"]
    if selectors:
        ct.put_event_selectors(TrailName=name, **selectors)
    if start:
        ct.start_logging(Name=name)
    return arn


def _location(region: str) -> dict[str, Any]:
    return {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}


def _findings(aws: Aws, check: str, regions: list[str] | None = None) -> dict[str, tuple[str, str]]:
    """{resource name: (status, reason)} of one check over a fresh collection."""
    inventory = aws.collect("cloudtrail", "s3", regions=regions)
    out: dict[str, tuple[str, str]] = {}
    for f in run_check(check, inventory):
        out[f.resource.name or f.resource.id] = (f.status.value, f.reason)
    return out


# --- the account's audit trail ---------------------------------------------------------------------


def test_account_with_logging_multi_region_trail(aws: Aws) -> None:
    arn = _trail(aws, "acme-org-audit", multi=True, validation=False)
    _trail(aws, "payments-debug", multi=False, validation=True)
    inventory = aws.collect("cloudtrail", regions=["eu-west-1", "us-east-1"])
    findings = run_check(MULTI, inventory)
    # The debug trail records only its region, but the account is recorded by the other one.
    assert outcomes(findings) == {("acme-org-audit", "PASS"), ("payments-debug", "PASS")}
    by_name = {f.resource.name: f for f in findings}
    assert by_name["acme-org-audit"].resource.arn == arn
    assert "records every read and write management event" in by_name["acme-org-audit"].reason
    assert "recorded by acme-org-audit" in by_name["payments-debug"].reason
    assert "single-region" in by_name["payments-debug"].reason
    assert outcomes(run_check(VALIDATION, inventory)) == {("acme-org-audit", "FAIL"), ("payments-debug", "PASS")}


def test_stopped_or_single_region_trails_fail(aws: Aws) -> None:
    _trail(aws, "acme-org-audit", multi=True, validation=True, start=False)
    _trail(aws, "payments-debug", multi=False, validation=True)
    found = _findings(aws, MULTI, regions=["eu-west-1", "us-east-1"])
    assert {(name, status) for name, (status, _) in found.items()} == {
        ("acme-org-audit", "FAIL"), ("payments-debug", "FAIL")}
    assert "logging is stopped" in found["acme-org-audit"][1]
    assert "single-region trail: records only eu-west-1" in found["payments-debug"][1]
    # The single-region trail still records its own region; nothing records us-east-1.
    assert found["payments-debug"][1].endswith("regions no logging trail records: us-east-1")


def test_no_trail_at_all_fails_once_for_the_account(aws: Aws) -> None:
    inventory = aws.collect("cloudtrail", regions=["eu-west-1", "us-east-1"])
    findings = run_check(MULTI, inventory)
    assert outcomes(findings) == {("no-trail", "FAIL")}
    ref = findings[0].resource
    assert (ref.type, ref.id, ref.account, ref.arn) == ("AWS::CloudTrail::Trail", "no-trail", ACCOUNT,
                                                        f"arn:aws:cloudtrail::{ACCOUNT}:trail/<none>")
    assert "no CloudTrail trail" in findings[0].reason and "eu-west-1, us-east-1" in findings[0].reason
    assert outcomes(run_check(VALIDATION, inventory)) == set()


def test_one_blind_region_makes_the_account_not_assessed(aws: Aws) -> None:
    _trail(aws, "payments-debug", multi=False, validation=True)
    aws.deny("cloudtrail", "DescribeTrails", region="us-east-1")
    inventory = aws.collect("cloudtrail", regions=["eu-west-1", "us-east-1"])
    # The trail that would make the account compliant could live in the region nobody could read.
    assert outcomes(run_check(MULTI, inventory)) == {("*@us-east-1", "NOT_ASSESSED")}
    assert outcomes(run_check(VALIDATION, inventory)) == {("payments-debug", "PASS"), ("*@us-east-1", "NOT_ASSESSED")}


def test_unreadable_status_is_not_assessed(aws: Aws) -> None:
    _trail(aws, "acme-org-audit", multi=True, validation=True)
    aws.deny("cloudtrail", "GetTrailStatus")
    found = _findings(aws, MULTI)
    assert found.keys() == {"acme-org-audit"} and found["acme-org-audit"][0] == "NOT_ASSESSED"
    assert "cloudtrail:GetTrailStatus failed: AccessDenied" in found["acme-org-audit"][1]


def test_unreadable_selectors_are_not_assessed_never_all_events(aws: Aws) -> None:
    _trail(aws, "acme-org-audit", multi=True, validation=True)
    _trail(aws, "payments-debug", multi=False, validation=True)
    aws.deny("cloudtrail", "GetEventSelectors")
    found = _findings(aws, MULTI)
    assert {(name, status) for name, (status, _) in found.items()} == {
        ("acme-org-audit", "NOT_ASSESSED"), ("payments-debug", "NOT_ASSESSED")}
    assert "cloudtrail:GetEventSelectors failed: AccessDenied" in found["acme-org-audit"][1]
    # The single-region trail does not qualify, but whether the account is covered is unknown.
    assert "could not be read (acme-org-audit)" in found["payments-debug"][1]


def test_disabled_region_does_not_blind_the_account_check(aws: Aws) -> None:
    _trail(aws, "acme-org-audit", multi=True, validation=True)
    inventory = aws.collect("cloudtrail", regions=["eu-west-1", "eu-central-2"])  # eu-central-2: opt-in, off
    assert outcomes(run_check(MULTI, inventory)) == {("acme-org-audit", "PASS")}
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
    # What AWS answers for a trail created without selectors (moto answers empty lists).
    aws.answer("cloudtrail", "GetEventSelectors", {
        "TrailARN": org_trail["TrailARN"],
        "EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": [],
                            "ExcludeManagementEventSources": []}]})
    inventory = aws.collect("cloudtrail", regions=["eu-west-1", "us-east-1"])
    assert [t.name for t in inventory.cloudtrail_trails.items] == ["org-audit"]  # once, not once per region
    assert outcomes(run_check(MULTI, inventory)) == {("org-audit", "PASS")}
    assert outcomes(run_check(VALIDATION, inventory)) == {("org-audit", "PASS")}


@pytest.mark.parametrize(("selector", "reason"), [
    ({"ReadWriteType": "All", "IncludeManagementEvents": False}, "management events are switched off"),
    ({"ReadWriteType": "ReadOnly", "IncludeManagementEvents": True}, "records only read-only management events"),
    ({"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}, "records only write-only management events"),
], ids=["management-off", "read-only", "write-only"])
def test_classic_selectors_that_miss_management_events_fail(aws: Aws, selector: dict[str, Any], reason: str) -> None:
    _trail(aws, "acme-org-audit", multi=True, validation=True, EventSelectors=[selector])
    found = _findings(aws, MULTI, regions=["eu-west-1", "us-east-1"])
    assert {(name, status) for name, (status, _) in found.items()} == {("acme-org-audit", "FAIL")}
    assert reason in found["acme-org-audit"][1]
    assert "regions no logging trail records: eu-west-1, us-east-1" in found["acme-org-audit"][1]


DATA_ONLY = {"Name": "Card data only", "FieldSelectors": [
    {"Field": "eventCategory", "Equals": ["Data"]}, {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}]}
READ_ONLY = {"Name": "Reads only", "FieldSelectors": [
    {"Field": "eventCategory", "Equals": ["Management"]}, {"Field": "readOnly", "Equals": ["true"]}]}
NO_KMS = {"Name": "Management without KMS", "FieldSelectors": [
    {"Field": "eventCategory", "Equals": ["Management"]}, {"Field": "eventSource", "NotEquals": ["kms.amazonaws.com"]}]}
NO_IAM = {"Name": "Management without IAM", "FieldSelectors": [
    {"Field": "eventCategory", "Equals": ["Management"]}, {"Field": "eventSource", "NotEquals": ["iam.amazonaws.com"]}]}
EVENT_NAMES = {"Name": "Console only", "FieldSelectors": [
    {"Field": "eventCategory", "Equals": ["Management"]}, {"Field": "eventName", "Equals": ["ConsoleLogin"]}]}


@pytest.mark.parametrize(("selectors", "status", "reason"), [
    ([MANAGEMENT_ALL], "PASS", "records every read and write management event"),
    ([MANAGEMENT_ALL, DATA_ONLY], "PASS", "records every read and write management event"),
    ([NO_KMS], "PASS", "management events of kms.amazonaws.com are left out"),
    ([DATA_ONLY], "FAIL", "management events are switched off"),
    ([READ_ONLY], "FAIL", "records only read-only management events"),
    ([NO_IAM], "FAIL", "leaves out the management events of iam.amazonaws.com"),
    ([EVENT_NAMES], "FAIL", "records management events only where Console only: eventName Equals ['ConsoleLogin']"),
], ids=["management", "management-and-data", "without-kms", "data-only", "read-only", "without-iam", "event-name"])
def test_advanced_selectors(aws: Aws, selectors: list[dict[str, Any]], status: str, reason: str) -> None:
    _trail(aws, "acme-org-audit", multi=True, validation=True, AdvancedEventSelectors=selectors)
    found = _findings(aws, MULTI)
    assert {(name, s) for name, (s, _) in found.items()} == {("acme-org-audit", status)}
    assert reason in found["acme-org-audit"][1]


def test_no_selector_while_the_trail_claims_custom_ones_records_nothing(aws: Aws) -> None:
    arn = _trail(aws, "acme-org-audit", multi=True, validation=True)
    trail = aws.client("cloudtrail").describe_trails()["trailList"][0]
    aws.answer("cloudtrail", "DescribeTrails", {"trailList": [{**trail, "HasCustomEventSelectors": True}]})
    aws.answer("cloudtrail", "GetEventSelectors", {"TrailARN": arn, "EventSelectors": [],
                                                   "AdvancedEventSelectors": []})
    found = _findings(aws, MULTI)
    assert found["acme-org-audit"][0] == "FAIL"
    assert "GetEventSelectors returned no event selector" in found["acme-org-audit"][1]


# --- data events on card-data buckets ------------------------------------------------------------


def _bucket(aws: Aws, name: str, card_data: bool = True, region: str = "eu-west-1") -> None:
    s3 = aws.client("s3", region)
    s3.create_bucket(Bucket=name, **_location(region))
    tags = [{"Key": "team", "Value": "data"}] + [{"Key": CARD_DATA_TAG, "Value": "true"}] * card_data
    s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": tags})


def _s3_data(*values: str, rw: str = "All") -> list[dict[str, Any]]:
    return [{"ReadWriteType": rw, "IncludeManagementEvents": True,
             "DataResources": [{"Type": "AWS::S3::Object", "Values": list(values)}]}]


def _advanced_data(*arn_conditions: dict[str, Any], read_only: str | None = None) -> list[dict[str, Any]]:
    fields: list[dict[str, Any]] = [{"Field": "eventCategory", "Equals": ["Data"]},
                                    {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}]
    fields += [{"Field": "resources.ARN", **c} for c in arn_conditions]
    if read_only is not None:
        fields.append({"Field": "readOnly", "Equals": [read_only]})
    return [MANAGEMENT_ALL, {"Name": "Card data", "FieldSelectors": fields}]


def test_card_data_bucket_covered_or_not(aws: Aws) -> None:
    _bucket(aws, "acme-card-statements")
    _bucket(aws, "acme-settlement-inbound")
    _bucket(aws, "acme-public-assets", card_data=False)
    _trail(aws, "acme-org-audit", multi=True, validation=True,
           EventSelectors=_s3_data("arn:aws:s3:::acme-card-statements/"))
    found = _findings(aws, CARD_DATA)
    assert {(name, status) for name, (status, _) in found.items()} == {
        ("acme-card-statements", "PASS"), ("acme-settlement-inbound", "FAIL")}
    assert found["acme-card-statements"][1] == "object reads and writes are recorded by acme-org-audit"
    assert found["acme-settlement-inbound"][1] == (
        "holds card data (pci:cardholder-data=true); by a logging trail that sees its region: "
        "object reads not recorded, object writes not recorded")


def test_no_bucket_tagged_as_card_data_gives_no_result(aws: Aws) -> None:
    _bucket(aws, "acme-public-assets", card_data=False)
    _trail(aws, "acme-org-audit", multi=True, validation=True)
    assert _findings(aws, CARD_DATA) == {}


@pytest.mark.parametrize(("selectors", "status", "says"), [
    (_s3_data("arn:aws:s3"), "PASS", "recorded by acme-org-audit"),
    (_s3_data("arn:aws:s3:::acme-card-statements/statements/"), "FAIL",
     "object reads recorded for some objects only, object writes recorded for some objects only"),
    (_s3_data("arn:aws:s3:::acme-card-statements/", rw="WriteOnly"), "FAIL",
     "object reads not recorded, object writes recorded"),
    (_advanced_data({"StartsWith": ["arn:aws:s3:::acme-card-"]}), "PASS", "recorded by acme-org-audit"),
    (_advanced_data(), "PASS", "recorded by acme-org-audit"),
    (_advanced_data({"StartsWith": ["arn:aws:s3:::acme-card-statements/"]},
                    {"NotStartsWith": ["arn:aws:s3:::acme-card-statements/tmp/"]}), "FAIL",
     "object reads recorded for some objects only"),
    (_advanced_data({"NotStartsWith": ["arn:aws:s3:::acme-card-statements/"]}), "FAIL", "object reads not recorded"),
    (_advanced_data({"Equals": ["arn:aws:s3:::acme-card-statements/2024/01.csv"]}), "FAIL",
     "object reads recorded for some objects only"),
    (_advanced_data({"StartsWith": ["arn:aws:s3:::acme-card-statements/"]}, read_only="true"), "FAIL",
     "object reads recorded, object writes not recorded"),
], ids=["classic-all-buckets", "classic-prefix", "classic-write-only", "advanced-prefix-of-name", "advanced-all",
        "advanced-excluded-prefix", "advanced-excluded-bucket", "advanced-one-object", "advanced-reads-only"])
def test_card_data_selector_shapes(aws: Aws, selectors: list[dict[str, Any]], status: str, says: str) -> None:
    _bucket(aws, "acme-card-statements")
    kind = "AdvancedEventSelectors" if "FieldSelectors" in selectors[0] else "EventSelectors"
    _trail(aws, "acme-org-audit", multi=True, validation=True, **{kind: selectors})
    found = _findings(aws, CARD_DATA)
    assert found["acme-card-statements"][0] == status and says in found["acme-card-statements"][1], found


def test_card_data_needs_a_logging_trail_that_sees_the_region(aws: Aws) -> None:
    _bucket(aws, "acme-card-statements")
    _trail(aws, "acme-stopped", multi=True, validation=True, start=False,
           EventSelectors=_s3_data("arn:aws:s3:::acme-card-statements/"))
    _trail(aws, "acme-us-only", multi=False, validation=True, region="us-east-1",
           EventSelectors=_s3_data("arn:aws:s3:::acme-card-statements/"))
    found = _findings(aws, CARD_DATA, regions=["eu-west-1", "us-east-1"])
    assert {(name, status) for name, (status, _) in found.items()} == {("acme-card-statements", "FAIL")}
    assert "acme-stopped selects them but is not logging" in found["acme-card-statements"][1]


def test_reads_and_writes_may_come_from_two_trails(aws: Aws) -> None:
    _bucket(aws, "acme-card-statements")
    _trail(aws, "acme-reads", multi=True, validation=True,
           EventSelectors=_s3_data("arn:aws:s3:::acme-card-statements/", rw="ReadOnly"))
    _trail(aws, "acme-writes", multi=False, validation=True,
           EventSelectors=_s3_data("arn:aws:s3:::acme-card-statements/", rw="WriteOnly"))
    found = _findings(aws, CARD_DATA)
    assert found == {"acme-card-statements": ("PASS", "object reads and writes are recorded by acme-reads, "
                                                      "acme-writes")}


def test_card_data_with_unreadable_selectors_is_not_assessed(aws: Aws) -> None:
    _bucket(aws, "acme-card-statements")
    _trail(aws, "acme-org-audit", multi=True, validation=True, EventSelectors=_s3_data("arn:aws:s3"))
    aws.deny("cloudtrail", "GetEventSelectors")
    found = _findings(aws, CARD_DATA)
    assert {(name, status) for name, (status, _) in found.items()} == {("acme-card-statements", "NOT_ASSESSED")}
    assert "acme-org-audit: cloudtrail:GetEventSelectors failed: AccessDenied" in found["acme-card-statements"][1]


def test_card_data_with_unreadable_tags(aws: Aws) -> None:
    _bucket(aws, "acme-card-statements")
    _bucket(aws, "acme-public-assets", card_data=False)
    _trail(aws, "acme-org-audit", multi=True, validation=True, EventSelectors=_s3_data("arn:aws:s3:::acme-card-"))
    aws.deny("s3", "GetBucketTagging")
    found = _findings(aws, CARD_DATA)
    # The trail's own log bucket and the public one are not covered: whether they hold card data is unknown.
    assert {(name, status) for name, (status, _) in found.items()} == {
        ("acme-card-statements", "PASS"), ("acme-public-assets", "NOT_ASSESSED"),
        (f"acme-org-audit-logs-{ACCOUNT}", "NOT_ASSESSED")}
    assert "covered either way" in found["acme-card-statements"][1]
    assert "cannot tell whether it holds card data (s3:GetBucketTagging failed" in found["acme-public-assets"][1]


def test_card_data_without_any_trail_fails(aws: Aws) -> None:
    _bucket(aws, "acme-card-statements")
    found = _findings(aws, CARD_DATA)
    status, reason = found["acme-card-statements"]
    assert status == "FAIL" and "(the account has no trail)" in reason
    assert set(_findings(aws, MULTI)) == {"no-trail"}


# --- the selector reader and the ARN matcher, on shapes moto does not produce ----------------------


def test_classic_lambda_and_dynamodb_values_are_exact_arns() -> None:
    selection = event_selection({"EventSelectors": [{
        "ReadWriteType": "All", "IncludeManagementEvents": True,
        "ExcludeManagementEventSources": ["kms.amazonaws.com", "rdsdata.amazonaws.com"],
        "DataResources": [
            {"Type": "AWS::Lambda::Function", "Values": ["arn:aws:lambda"]},
            {"Type": "AWS::DynamoDB::Table", "Values": ["arn:aws:dynamodb:eu-west-1:111122223333:table/cards"]}]}]},
        has_custom=True)
    assert selection.kind == "classic"
    assert selection.management[0].excluded_sources == ["kms.amazonaws.com", "rdsdata.amazonaws.com"]
    assert [(d.resource_type, d.arns.all_resources, d.arns.equals) for d in selection.data] == [
        ("AWS::Lambda::Function", True, []),
        ("AWS::DynamoDB::Table", False, ["arn:aws:dynamodb:eu-west-1:111122223333:table/cards"])]


def test_advanced_selectors_keep_what_narrows_them() -> None:
    selection = event_selection({"AdvancedEventSelectors": [
        {"Name": "Writes to card buckets, not by the backup role", "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["Data"]},
            {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
            {"Field": "readOnly", "Equals": ["false"]},
            {"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::acme-card-"], "NotEndsWith": [".tmp"]},
            {"Field": "userIdentity.arn", "NotStartsWith": ["arn:aws:sts::111122223333:assumed-role/backup"]}]},
        {"Name": "Network activity", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["NetworkActivity"]},
                                                        {"Field": "eventSource", "Equals": ["s3.amazonaws.com"]}]},
    ]}, has_custom=True)
    assert selection.kind == "advanced" and selection.management == []
    [data] = selection.data
    assert (data.read, data.write) == (False, True)
    assert data.arns == ArnCondition(starts_with=["arn:aws:s3:::acme-card-"], not_ends_with=[".tmp"])
    assert data.narrowed_by == ["userIdentity.arn NotStartsWith ['arn:aws:sts::111122223333:assumed-role/backup']"]
    assert selection.ignored == ["Network activity: eventCategory NetworkActivity"]


def test_empty_answer_is_the_default_only_when_the_trail_says_so() -> None:
    assert event_selection({"EventSelectors": []}, has_custom=False).kind == "default"
    assert event_selection({"EventSelectors": []}, has_custom=True) == EventSelection(kind="none")
    assert event_selection({}, has_custom=None) == EventSelection(kind="none")


@pytest.mark.parametrize(("arns", "coverage"), [
    (ArnCondition(), "all"),
    (ArnCondition(starts_with=["arn:aws:s3:::cards/"]), "all"),
    (ArnCondition(starts_with=["arn:aws:s3:::cards"]), "all"),
    (ArnCondition(starts_with=["arn:aws:s3:::cards-archive/"]), "none"),
    (ArnCondition(starts_with=["arn:aws:s3:::cards/2024/"]), "some"),
    (ArnCondition(equals=["arn:aws:s3:::cards/pan.csv"]), "some"),
    (ArnCondition(ends_with=[".csv"]), "some"),
    (ArnCondition(not_equals=["arn:aws:s3:::cards/pan.csv"]), "some"),
    (ArnCondition(not_starts_with=["arn:aws:s3:::card"]), "none"),
    (ArnCondition(not_starts_with=["arn:aws:s3:::cards-archive/"]), "all"),
], ids=lambda v: str(v) if isinstance(v, str) else "")
def test_arn_coverage_of_a_bucket(arns: ArnCondition, coverage: str) -> None:
    assert arn_coverage(arns, "arn:aws:s3:::cards/") == coverage


def test_a_trail_homed_outside_the_audited_regions_is_still_seen(aws: Aws) -> None:
    """`--regions eu-west-1` with the account's multi-region trail homed in us-east-1: the trail is kept
    (from its shadow in the first audited region), so the account is never failed for having no trail."""
    _trail(aws, "acme-org-audit", multi=True, validation=True, region="us-east-1")
    inventory = aws.collect("cloudtrail", regions=["eu-west-1"])
    trails = inventory.cloudtrail_trails.items
    assert [(t.name, t.region) for t in trails] == [("acme-org-audit", "us-east-1")]
    findings = run_check(MULTI, inventory)
    # moto answers GetEventSelectors only in the trail's home region, so the settings read from the shadow
    # are Unknown: NOT_ASSESSED with the reason, where without the shadow this was a FAIL ("no trail").
    assert outcomes(findings) == {("acme-org-audit", "NOT_ASSESSED")}
    assert "could not be read" in findings[0].reason or "failed" in findings[0].reason, findings[0].reason
    both = aws.collect("cloudtrail", regions=["eu-west-1", "us-east-1"])
    assert [t.name for t in both.cloudtrail_trails.items] == ["acme-org-audit"]  # kept once, from its home


# --- protection and delivery of the trail's logs ---------------------------------------------------

KMS = "cloudtrail_kms_encrypted"
TO_LOGS = "cloudtrail_cloudwatch_logs_delivery"


def test_kms_encryption_and_cloudwatch_logs_delivery(aws: Aws) -> None:
    key = aws.client("kms").create_key()["KeyMetadata"]["Arn"]
    group = f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:/aws/cloudtrail/acme-org-audit:*"
    aws.client("logs").create_log_group(logGroupName="/aws/cloudtrail/acme-org-audit")
    _trail(aws, "payments-debug", multi=False, validation=True)
    aws.client("s3").create_bucket(Bucket="acme-org-audit-logs",
                                   CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    aws.client("cloudtrail").create_trail(
        Name="acme-org-audit", S3BucketName="acme-org-audit-logs", IsMultiRegionTrail=True, KmsKeyId=key,
        CloudWatchLogsLogGroupArn=group, CloudWatchLogsRoleArn=f"arn:aws:iam::{ACCOUNT}:role/trail-to-logs")
    inventory = aws.collect("cloudtrail")
    assert outcomes(run_check(KMS, inventory)) == {("acme-org-audit", "PASS"), ("payments-debug", "FAIL")}
    findings = run_check(TO_LOGS, inventory)
    assert outcomes(findings) == {("acme-org-audit", "PASS"), ("payments-debug", "FAIL")}
    assert next(f for f in findings if f.resource.name == "payments-debug").reason == (
        "does not deliver to CloudWatch Logs: no log group is set")
    aws.deny("cloudtrail", "GetTrailStatus")
    inventory = aws.collect("cloudtrail")
    # Configured, but whether delivery works is unknown; the trail without a group still fails.
    assert outcomes(run_check(TO_LOGS, inventory)) == {("acme-org-audit", "NOT_ASSESSED"), ("payments-debug", "FAIL")}
    assert outcomes(run_check(KMS, inventory)) == {("acme-org-audit", "PASS"), ("payments-debug", "FAIL")}
    aws.deny("cloudtrail", "DescribeTrails")
    inventory = aws.collect("cloudtrail")
    assert outcomes(run_check(KMS, inventory)) == outcomes(run_check(TO_LOGS, inventory)) == {
        ("*@eu-west-1", "NOT_ASSESSED")}


def test_a_failing_cloudwatch_logs_delivery_fails(aws: Aws) -> None:
    arn = _trail(aws, "acme-org-audit", multi=True, validation=True)
    trail = aws.client("cloudtrail").describe_trails()["trailList"][0]
    group = f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:trail:*"
    # GetTrailStatus as the CloudTrail API reference shapes it, with the delivery error moto never reports.
    aws.answer("cloudtrail", "DescribeTrails", {"trailList": [
        {**trail, "CloudWatchLogsLogGroupArn": group, "CloudWatchLogsRoleArn": f"arn:aws:iam::{ACCOUNT}:role/x"}]})
    aws.answer("cloudtrail", "GetTrailStatus", {"IsLogging": True, "LatestCloudWatchLogsDeliveryError": (
        "AccessDeniedException: the role cannot write to the log group"), "TimeLoggingStarted": "2025-01-06"})
    found = _findings(aws, TO_LOGS)
    assert found == {"acme-org-audit": ("FAIL", f"delivery to {group} fails: AccessDeniedException: the role "
                                                "cannot write to the log group")}
    assert arn.endswith(":trail/acme-org-audit")
