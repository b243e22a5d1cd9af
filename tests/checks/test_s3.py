"""S3 default-encryption check against moto."""

from __future__ import annotations

from tests.conftest import Aws, outcomes, run_check

CHECK = "s3_bucket_default_encryption_kms"
LOC = {"LocationConstraint": "eu-west-1"}


def _bucket(aws: Aws, name: str, algorithm: str | None) -> None:
    s3 = aws.client("s3")
    s3.create_bucket(Bucket=name, CreateBucketConfiguration=LOC)
    if algorithm:
        default = {"SSEAlgorithm": algorithm}
        if algorithm == "aws:kms":
            default["KMSMasterKeyID"] = "alias/cards-data"
        s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": default, "BucketKeyEnabled": True}]})


def test_kms_passes_sse_s3_fails(aws: Aws) -> None:
    _bucket(aws, "acme-card-statements", "aws:kms")
    _bucket(aws, "acme-settlement-inbound", "AES256")
    _bucket(aws, "acme-legacy-exports", None)  # AWS now reports SSE-S3 for these
    findings = run_check(CHECK, aws.collect("s3"))
    assert outcomes(findings) == {("acme-card-statements", "PASS"), ("acme-settlement-inbound", "FAIL"),
                                  ("acme-legacy-exports", "FAIL")}
    assert {f.resource.region for f in findings} == {"eu-west-1"}


def test_denied_encryption_read_is_per_bucket(aws: Aws) -> None:
    _bucket(aws, "acme-card-statements", "aws:kms")
    aws.deny("s3", "GetBucketEncryption")
    findings = run_check(CHECK, aws.collect("s3"))
    assert outcomes(findings) == {("acme-card-statements", "NOT_ASSESSED")}
    assert "s3:GetBucketEncryption failed: AccessDenied" in findings[0].reason


def test_denied_listing(aws: Aws) -> None:
    _bucket(aws, "acme-card-statements", "aws:kms")
    aws.deny("s3", "ListBuckets")
    assert outcomes(run_check(CHECK, aws.collect("s3"))) == {("*@global", "NOT_ASSESSED")}
