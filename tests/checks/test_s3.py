"""S3 checks against moto: default encryption, Block Public Access, policies, versioning, access logs."""

from __future__ import annotations

import json

from cardaudit.models.inventory import Inventory
from tests.conftest import ACCOUNT, Aws, outcomes, run_check

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


# --- Block Public Access, policies, versioning, access logs --------------------------------------

ALL_ON = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
          "RestrictPublicBuckets": True}
ACCOUNT_PAB = "s3_account_public_access_block"
BUCKET_PAB = "s3_bucket_public_access_block"


def _account_pab(aws: Aws, **settings: bool) -> None:
    aws.client("s3control").put_public_access_block(
        AccountId=ACCOUNT, PublicAccessBlockConfiguration={**ALL_ON, **settings})


def test_account_public_access_block(aws: Aws) -> None:
    account = f"arn:aws:s3::{ACCOUNT}:account-public-access-block/{ACCOUNT}"
    findings = run_check(ACCOUNT_PAB, aws.collect("s3control"))
    assert outcomes(findings) == {(ACCOUNT, "FAIL")}  # never configured: every setting off
    assert findings[0].resource.arn == account and "not configured" in findings[0].reason
    _account_pab(aws, RestrictPublicBuckets=False)
    findings = run_check(ACCOUNT_PAB, aws.collect("s3control"))
    assert outcomes(findings) == {(ACCOUNT, "FAIL")} and "RestrictPublicBuckets" in findings[0].reason
    _account_pab(aws)
    assert outcomes(run_check(ACCOUNT_PAB, aws.collect("s3control"))) == {(ACCOUNT, "PASS")}
    aws.deny("s3-control", "GetPublicAccessBlock")
    findings = run_check(ACCOUNT_PAB, aws.collect("s3control"))
    assert outcomes(findings) == {(ACCOUNT, "NOT_ASSESSED")}
    assert "s3:GetPublicAccessBlock failed: AccessDenied" in findings[0].reason


def test_bucket_public_access_block_own_or_account(aws: Aws) -> None:
    s3 = aws.client("s3")
    _bucket(aws, "acme-card-statements", "aws:kms")
    s3.put_public_access_block(Bucket="acme-card-statements", PublicAccessBlockConfiguration=ALL_ON)
    _bucket(aws, "acme-web-assets", "AES256")  # nothing of its own
    _bucket(aws, "acme-partial", "AES256")
    s3.put_public_access_block(Bucket="acme-partial", PublicAccessBlockConfiguration={
        **ALL_ON, "BlockPublicPolicy": False, "RestrictPublicBuckets": False})
    assert outcomes(run_check(BUCKET_PAB, aws.collect("s3", "s3control"))) == {
        ("acme-card-statements", "PASS"), ("acme-web-assets", "FAIL"), ("acme-partial", "FAIL")}
    _account_pab(aws, IgnorePublicAcls=False)
    findings = run_check(BUCKET_PAB, aws.collect("s3", "s3control"))
    # The account's settings fill in what the bucket leaves off; IgnorePublicAcls is on only in acme-partial.
    assert outcomes(findings) == {("acme-card-statements", "PASS"), ("acme-web-assets", "FAIL"),
                                  ("acme-partial", "PASS")}
    # The account setting unreadable: only buckets that rely on it are NOT_ASSESSED.
    aws.deny("s3-control", "GetPublicAccessBlock")
    assert outcomes(run_check(BUCKET_PAB, aws.collect("s3", "s3control"))) == {
        ("acme-card-statements", "PASS"), ("acme-web-assets", "NOT_ASSESSED"), ("acme-partial", "NOT_ASSESSED")}
    aws.deny("s3", "GetPublicAccessBlock")
    assert outcomes(run_check(BUCKET_PAB, aws.collect("s3", "s3control"))) == {
        ("acme-card-statements", "NOT_ASSESSED"), ("acme-web-assets", "NOT_ASSESSED"),
        ("acme-partial", "NOT_ASSESSED")}


def _tls_deny(bucket: str) -> dict[str, object]:
    return {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}


def _policy(aws: Aws, bucket: str, *statements: dict[str, object]) -> None:
    aws.client("s3").put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17",
                                                                        "Statement": list(statements)}))


def test_policies_public_and_tls_only(aws: Aws) -> None:
    _bucket(aws, "acme-card-statements", "aws:kms")
    _policy(aws, "acme-card-statements", _tls_deny("acme-card-statements"))
    _bucket(aws, "acme-web-assets", "AES256")
    _policy(aws, "acme-web-assets", {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*",
                                     "Action": "s3:GetObject", "Resource": "arn:aws:s3:::acme-web-assets/*"})
    _bucket(aws, "acme-exports", "AES256")  # no policy at all
    _bucket(aws, "acme-reports", "AES256")  # a TLS condition on reads only does not refuse plain HTTP writes
    _policy(aws, "acme-reports", {**_tls_deny("acme-reports"), "Action": "s3:GetObject"})
    inventory = aws.collect("s3")
    public = run_check("s3_bucket_policy_not_public", inventory)
    assert outcomes(public) == {("acme-card-statements", "PASS"), ("acme-web-assets", "FAIL"),
                                ("acme-exports", "PASS"), ("acme-reports", "PASS")}
    assert next(f for f in public if f.status.value == "FAIL").evidence["open_statements"] == ["PublicRead"]
    assert outcomes(run_check("s3_bucket_tls_only", inventory)) == {
        ("acme-card-statements", "PASS"), ("acme-web-assets", "FAIL"), ("acme-exports", "FAIL"),
        ("acme-reports", "FAIL")}
    aws.deny("s3", "GetBucketPolicyStatus")
    aws.deny("s3", "GetBucketPolicy")
    inventory = aws.collect("s3")
    everything = {(b, "NOT_ASSESSED") for b in ("acme-card-statements", "acme-web-assets", "acme-exports",
                                                "acme-reports")}
    assert outcomes(run_check("s3_bucket_policy_not_public", inventory)) == everything
    assert outcomes(run_check("s3_bucket_tls_only", inventory)) == everything


def test_versioning_and_access_logging(aws: Aws) -> None:
    s3 = aws.client("s3")
    for name in ("acme-card-statements", "acme-settlement-inbound", "acme-legacy", "acme-access-logs"):
        _bucket(aws, name, "aws:kms")
    s3.put_bucket_versioning(Bucket="acme-card-statements", VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_versioning(Bucket="acme-settlement-inbound", VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_versioning(Bucket="acme-settlement-inbound", VersioningConfiguration={"Status": "Suspended"})
    # moto wants the log-delivery group granted on the target bucket first (AWS now uses a bucket policy).
    s3.put_bucket_acl(Bucket="acme-access-logs", GrantWrite="uri=http://acs.amazonaws.com/groups/s3/LogDelivery",
                      GrantReadACP="uri=http://acs.amazonaws.com/groups/s3/LogDelivery")
    for source, target in (("acme-card-statements", "acme-access-logs"), ("acme-access-logs", "acme-access-logs")):
        s3.put_bucket_logging(Bucket=source, BucketLoggingStatus={
            "LoggingEnabled": {"TargetBucket": target, "TargetPrefix": f"{source}/"}})
    inventory = aws.collect("s3")
    assert outcomes(run_check("s3_bucket_versioning_enabled", inventory)) == {
        ("acme-card-statements", "PASS"), ("acme-settlement-inbound", "FAIL"), ("acme-legacy", "FAIL"),
        ("acme-access-logs", "FAIL")}
    assert outcomes(run_check("s3_bucket_server_access_logging", inventory)) == {
        ("acme-card-statements", "PASS"), ("acme-settlement-inbound", "FAIL"), ("acme-legacy", "FAIL"),
        ("acme-access-logs", "FAIL")}  # logs into itself
    aws.deny("s3", "GetBucketVersioning")
    aws.deny("s3", "GetBucketLogging")
    inventory = aws.collect("s3")
    everything = {(b, "NOT_ASSESSED") for b in ("acme-card-statements", "acme-settlement-inbound", "acme-legacy",
                                                "acme-access-logs")}
    assert outcomes(run_check("s3_bucket_versioning_enabled", inventory)) == everything
    assert outcomes(run_check("s3_bucket_server_access_logging", inventory)) == everything


def test_new_checks_denied_listing(aws: Aws) -> None:
    _bucket(aws, "acme-card-statements", "aws:kms")
    aws.deny("s3", "ListBuckets")
    inventory = aws.collect("s3", "s3control")
    for check_id in ("s3_bucket_policy_not_public", "s3_bucket_tls_only", "s3_bucket_versioning_enabled",
                     "s3_bucket_server_access_logging", BUCKET_PAB):
        assert outcomes(run_check(check_id, inventory)) == {("*@global", "NOT_ASSESSED")}, check_id


def test_bucket_saved_before_the_new_fields_were_collected(aws: Aws) -> None:
    _bucket(aws, "acme-card-statements", "aws:kms")
    saved = aws.collect("s3", "s3control").model_dump(mode="json")
    for bucket in saved["s3_buckets"]["items"]:
        for key in ("public_access_block", "policy", "policy_public", "versioning", "access_logging"):
            del bucket[key]
    inventory = Inventory.model_validate(saved)
    for check_id in ("s3_bucket_policy_not_public", "s3_bucket_tls_only", "s3_bucket_versioning_enabled",
                     "s3_bucket_server_access_logging", BUCKET_PAB):
        assert outcomes(run_check(check_id, inventory)) == {("acme-card-statements", "NOT_ASSESSED")}, check_id
