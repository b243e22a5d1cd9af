"""AWS's own verdicts, read beside the checks: attached to items, disagreements flagged, never a result."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cardaudit import audit
from cardaudit.collect.aws import collect_aws
from cardaudit.models.report import AuditConfig, Report
from cardaudit.readback import load_inventory, save_inventory
from tests.conftest import ACCOUNT, REGION, Aws

BUCKET = "acme-settlement-inbound"
BUCKET_ARN = f"arn:aws:s3:::{BUCKET}"
PCI = "standards/pci-dss/v/4.0.1"


def _finding(control: str, status: str, resource: str, *, standard: str = PCI, workflow: str = "NEW",
             suffix: str = "") -> dict[str, Any]:
    """A Security Hub finding in ASFF, as the control's evaluation writes it (ASFF reference)."""
    return {
        "SchemaVersion": "2018-10-08", "Id": f"arn:aws:securityhub:{REGION}:{ACCOUNT}:control/{control}/{suffix}",
        "ProductArn": f"arn:aws:securityhub:{REGION}::product/aws/securityhub",
        "GeneratorId": f"security-control/{control}",
        "AwsAccountId": ACCOUNT, "Types": ["Software and Configuration Checks"], "CreatedAt": "2026-11-01T00:00:00Z",
        "UpdatedAt": "2026-11-29T00:00:00Z", "Severity": {"Label": "MEDIUM"}, "Title": f"{control} title",
        "Description": "-", "Resources": [{"Type": "AwsS3Bucket", "Id": resource, "Region": REGION}],
        "Compliance": {"Status": status, "SecurityControlId": control,
                       "AssociatedStandards": [{"StandardsId": standard}]},
        "RecordState": "ACTIVE", "Workflow": {"Status": workflow},
    }


def _run(aws: Aws, **update: Any) -> Report:
    return audit.run(AuditConfig(regions=[REGION], checks=["s3_*", "ecr_*"], **update), session=aws.audit_session)


def _sse_s3_bucket(aws: Aws) -> None:
    s3 = aws.client("s3")
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_encryption(Bucket=BUCKET, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})


def test_security_hub_verdicts_attach_to_items_and_disagreements_are_flagged(aws: Aws, tmp_path: Path) -> None:
    _sse_s3_bucket(aws)
    hub = aws.client("securityhub")
    hub.enable_security_hub()
    hub.batch_import_findings(Findings=[
        _finding("S3.17", "PASSED", BUCKET_ARN, suffix="1"),  # AWS says fine; the KMS check says FAIL
        _finding("S3.5", "FAILED", BUCKET_ARN, suffix="2"),
        _finding("S3.17", "FAILED", BUCKET_ARN, standard="standards/cis-aws-foundations-benchmark/v/3.0.0",
                 suffix="3"),  # another standard: not PCI evidence
        _finding("S3.1", "FAILED", BUCKET_ARN, workflow="SUPPRESSED", suffix="4"),  # suppressed by the account
    ])
    report = _run(aws)
    got = {(v.source, v.control, v.status) for v in report.aws_verdicts.verdicts}
    assert got == {("securityhub", "S3.17", "PASSED"), ("securityhub", "S3.5", "FAILED")}
    s3_17 = next(v for v in report.aws_verdicts.verdicts if v.control == "S3.17")
    assert "3.5.1" in s3_17.items  # the catalogue item AWS maps S3.17 to
    assert {(d.item, d.resource, d.check_id, d.ours.value, d.control, d.theirs)
            for d in report.aws_verdicts.disagreements} == {
        ("3.5.1", BUCKET_ARN, "s3_bucket_default_encryption_kms", "FAIL", "S3.17", "PASSED")}
    assert {(r.source, r.read) for r in report.aws_verdicts.reads} == {
        ("securityhub", True), ("config", False), ("inspector2", True)}  # moto has no conformance packs
    # The item's status is the checks' alone: the same without AWS's verdicts.
    without = _run(aws, aws_verdicts=False)
    assert not without.aws_verdicts.reads
    assert [(r.id, r.status) for r in without.requirements] == [(r.id, r.status) for r in report.requirements]
    # A saved inventory keeps them, so an offline re-audit shows the same.
    inventory = collect_aws(aws.audit_session, [REGION], workers=4, verdicts=True)
    save_inventory(inventory, tmp_path / "inventory.json")
    again = load_inventory(tmp_path / "inventory.json")
    assert again.aws_verdicts == inventory.aws_verdicts and len(again.aws_verdicts.verdicts) == 2


def test_unreadable_sources_say_why_and_change_nothing(aws: Aws) -> None:
    _sse_s3_bucket(aws)
    # Security Hub not enabled: AWS answers InvalidAccessException (moto answers as if it were).
    aws.deny("securityhub", "GetFindings", code="InvalidAccessException")
    aws.deny("inspector2", "ListFindings")
    report = _run(aws)
    reasons = {(r.source, r.read, r.reason.split(" failed: ")[-1].split(" ")[0]) for r in report.aws_verdicts.reads}
    assert ("securityhub", False, "InvalidAccessException") in reasons
    assert ("inspector2", False, "AccessDenied") in reasons
    assert not report.aws_verdicts.verdicts and not report.aws_verdicts.disagreements


def test_config_conformance_packs_and_inspector_findings(aws: Aws) -> None:
    _sse_s3_bucket(aws)
    ecr = aws.client("ecr")
    repo_arn = ecr.create_repository(repositoryName="card-api",
                                     imageScanningConfiguration={"scanOnPush": True})["repository"]["repositoryArn"]
    # Shapes from the AWS Config and Inspector API references; moto implements neither call.
    aws.answer("config-service", "DescribeConformancePacks", {"ConformancePackDetails": [
        {"ConformancePackName": "pci-dss",
         "ConformancePackArn": f"arn:aws:config:{REGION}:{ACCOUNT}:conformance-pack/pci-dss",
         "ConformancePackId": "conformance-pack-1"}]})
    aws.answer("config-service", "GetConformancePackComplianceDetails", {
        "ConformancePackName": "pci-dss", "ConformancePackRuleEvaluationResults": [
            {"ComplianceType": "COMPLIANT", "ConfigRuleInvokedTime": "2026-11-29T00:00:00Z",
             "ResultRecordedTime": "2026-11-29T00:00:00Z", "EvaluationResultIdentifier": {"EvaluationResultQualifier": {
                 "ConfigRuleName": "s3-default-encryption-kms-conformance-pack-x1y2", "ResourceType": "AWS::S3::Bucket",
                 "ResourceId": BUCKET}}},
            {"ComplianceType": "INSUFFICIENT_DATA", "ConfigRuleInvokedTime": "2026-11-29T00:00:00Z",
             "ResultRecordedTime": "2026-11-29T00:00:00Z", "EvaluationResultIdentifier": {"EvaluationResultQualifier": {
                 "ConfigRuleName": "vpc-flow-logs-enabled", "ResourceType": "AWS::EC2::VPC", "ResourceId": "vpc-1"}}},
        ]})
    aws.answer("inspector2", "ListFindings", {"findings": [
        {"findingArn": f"arn:aws:inspector2:{REGION}:{ACCOUNT}:finding/f1", "awsAccountId": ACCOUNT,
         "type": "PACKAGE_VULNERABILITY", "title": "CVE-2026-0001 - openssl", "description": "-",
         "severity": "CRITICAL", "status": "ACTIVE", "firstObservedAt": "2026-09-01T00:00:00Z",
         "lastObservedAt": "2026-11-29T00:00:00Z", "updatedAt": "2026-11-29T00:00:00Z", "remediation": {},
         "packageVulnerabilityDetails": {"vulnerabilityId": "CVE-2026-0001", "source": "NVD"},
         "resources": [{"type": "AWS_ECR_CONTAINER_IMAGE", "id": f"{repo_arn}/sha256:{'a' * 64}",
                        "region": REGION}]}]})
    report = _run(aws)
    verdicts = {(v.source, v.control, v.status, v.resource_id) for v in report.aws_verdicts.verdicts}
    assert verdicts == {
        ("config", "s3-default-encryption-kms-conformance-pack-x1y2", "PASSED", BUCKET),
        ("config", "vpc-flow-logs-enabled", "NOT_AVAILABLE", "vpc-1"),
        ("inspector2", "CVE-2026-0001", "FAILED", f"{repo_arn}/sha256:{'a' * 64}"),
    }
    config = next(v for v in report.aws_verdicts.verdicts if v.control.startswith("s3-default"))
    assert "3.5.1" in config.items
    inspector = next(v for v in report.aws_verdicts.verdicts if v.source == "inspector2")
    assert "6.3.3" in inspector.items
    disagreements = {(d.item, d.resource, d.check_id, d.source) for d in report.aws_verdicts.disagreements}
    # Config calls the SSE-S3 bucket compliant where the KMS check fails it, matched by type and name.
    assert ("3.5.1", BUCKET_ARN, "s3_bucket_default_encryption_kms", "config") in disagreements
