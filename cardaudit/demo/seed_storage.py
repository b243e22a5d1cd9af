"""Demo estate, storage: S3 and RDS settings.

Builds on the buckets and the cards-db instance that `seed._seed_s3` and `seed._seed_rds` create:
the account's S3 Block Public Access, a bucket for S3 server access logs, access logging and
bucket policies, a TLS-enforcing parameter group for cards-db, a reporting database with weaker
settings, and manual snapshots (one of them public).
"""

from __future__ import annotations

import json
import re
from typing import Any

import boto3

from cardaudit.demo.seed import (
    DEMO_ACCOUNT,
    HOME_REGION,
    Seeded,
    _arn,
    _client,
    _policy,
    _role_arn,
    _tag_list,
    _tags,
    bucket_policy,
)

ACCESS_LOGS_BUCKET = f"acme-s3-access-logs-{DEMO_ACCOUNT}"
TRAIL_BUCKET = f"acme-cloudtrail-logs-{DEMO_ACCOUNT}"
ALL_ON = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}

# What the demo report must show for this domain, keyed by ARN.
DOMAIN_GAPS: dict[str, str] = {
    "arn:aws:s3:::acme-settlement-inbound": (
        "bucket policy grants the SFTP role but has no aws:SecureTransport Deny; versioning suspended; "
        "no server access logs"
    ),
    f"arn:aws:s3:::{ACCESS_LOGS_BUCKET}": (
        "SSE-S3, not KMS: S3 delivers server access logs only to SSE-S3 buckets (the KMS check FAILs by design)"
    ),
    _arn("rds", "db:ledger-reporting-db"): (
        "MySQL 8.0 with require_secure_transport=0; backups kept 3 days; automatic minor upgrades off"
    ),
    _arn("rds", "snapshot:card-analytics-poc-final"): (
        "manual snapshot of a deleted proof-of-concept database: unencrypted and restorable by all (public)"
    ),
}


def seed(session: boto3.session.Session, seeded: Seeded) -> None:
    """Create this domain's resources: compliant ones and the gaps listed in DOMAIN_GAPS."""
    _seed_account_public_access_block(session)
    _seed_bucket_settings(session)
    _seed_rds(session, seeded)


def _to_endpoint(request: Any, **_: Any) -> None:
    """moto server (`demo --serve`): s3control's `<account>.<host>` does not resolve; send to the host.
    In-process moto needs the AWS host name as it is."""
    if re.match(r"https?://\d{12}\.(localhost|127\.)", request.url):
        request.url = re.sub(r"//\d{12}\.", "//", request.url, count=1)


def _seed_account_public_access_block(session: boto3.session.Session) -> None:
    s3control = _client(session, "s3control", HOME_REGION)
    s3control.meta.events.register("before-send.s3-control.*", _to_endpoint)
    s3control.put_public_access_block(AccountId=DEMO_ACCOUNT, PublicAccessBlockConfiguration=ALL_ON)


def _seed_bucket_settings(session: boto3.session.Session) -> None:
    """Access logs for the statements and audit buckets; the settlement landing zone's gaps."""
    s3 = _client(session, "s3", HOME_REGION)
    s3.create_bucket(Bucket=ACCESS_LOGS_BUCKET, CreateBucketConfiguration={"LocationConstraint": HOME_REGION})
    s3.put_bucket_encryption(Bucket=ACCESS_LOGS_BUCKET, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    s3.put_public_access_block(Bucket=ACCESS_LOGS_BUCKET, PublicAccessBlockConfiguration=ALL_ON)
    s3.put_bucket_versioning(Bucket=ACCESS_LOGS_BUCKET, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_tagging(Bucket=ACCESS_LOGS_BUCKET, Tagging={"TagSet": _tag_list(
        _tags("infra", "audit", **{"pci-scope": "security", "managed-by": "pulumi"}))})
    # The audit buckets log into each other, never into themselves.
    for source, target in (("acme-card-statements-prod", ACCESS_LOGS_BUCKET), (TRAIL_BUCKET, ACCESS_LOGS_BUCKET),
                           (ACCESS_LOGS_BUCKET, TRAIL_BUCKET)):
        _log_into(s3, source, target)
    # The data team's landing zone: its policy was rewritten for the schemes' SFTP role and lost the
    # TLS-only statement (gap); versioning was suspended to cut storage costs (gap); no access logs (gap).
    inbound = "acme-settlement-inbound"
    s3.put_bucket_policy(Bucket=inbound, Policy=_policy({
        "Sid": "SchemeSftpDrop", "Effect": "Allow", "Principal": {"AWS": _role_arn("settlement-sftp")},
        "Action": ["s3:PutObject"], "Resource": f"arn:aws:s3:::{inbound}/incoming/*"}))
    s3.put_bucket_versioning(Bucket=inbound, VersioningConfiguration={"Status": "Suspended"})


def _log_delivery(bucket: str) -> dict[str, Any]:
    """The statement that lets S3's log delivery service write this account's access logs into `bucket`."""
    return {"Sid": "S3ServerAccessLogsPolicy", "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
            "Action": ["s3:PutObject"], "Resource": f"arn:aws:s3:::{bucket}/*",
            "Condition": {"StringEquals": {"aws:SourceAccount": DEMO_ACCOUNT}}}


def _log_into(s3: Any, source: str, target: str) -> None:
    """Server access logs of `source` into `target`, whose policy ends TLS-only plus log delivery.

    moto checks the target's policy when logging is configured, and cannot read a statement whose
    principal is "*" (the TLS-only Deny); so the target holds the log-delivery statement alone
    while logging is switched on, then gets its full policy.
    """
    s3.put_bucket_policy(Bucket=target, Policy=_policy(_log_delivery(target)))
    s3.put_bucket_logging(Bucket=source, BucketLoggingStatus={
        "LoggingEnabled": {"TargetBucket": target, "TargetPrefix": f"s3-access/{source}/"}})
    document = json.loads(bucket_policy(target))
    document["Statement"].append(_log_delivery(target))
    s3.put_bucket_policy(Bucket=target, Policy=json.dumps(document))


def _seed_rds(session: boto3.session.Session, seeded: Seeded) -> None:
    rds = _client(session, "rds", HOME_REGION)
    infra = _tag_list(_tags("infra", "cards-db", **{"managed-by": "pulumi"}))
    # cards-db: TLS required explicitly (PostgreSQL 16 defaults to it too), in a group Pulumi manages.
    rds.create_db_parameter_group(DBParameterGroupName="cards-db-postgres16", DBParameterGroupFamily="postgres16",
                                  Description="Managed by Pulumi", Tags=infra)
    rds.modify_db_parameter_group(DBParameterGroupName="cards-db-postgres16", Parameters=[
        {"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "immediate"}])
    rds.modify_db_instance(DBInstanceIdentifier="cards-db", DBParameterGroupName="cards-db-postgres16",
                           ApplyImmediately=True)
    rds.create_db_snapshot(DBSnapshotIdentifier="cards-db-pre-upgrade-16-4", DBInstanceIdentifier="cards-db",
                           Tags=_tag_list(_tags("infra", "cards-db", **{"pci-scope": "cde"})))
    # The finance team's reporting replica-by-export, built by hand on MySQL 8.0 (gaps: TLS off in
    # its group, 3 days of backups, no automatic minor upgrades).
    reporting = _tag_list(_tags("infra", "ledger-reporting", **{"pci-scope": "connected"}))
    rds.create_db_parameter_group(DBParameterGroupName="ledger-reporting-mysql80", DBParameterGroupFamily="mysql8.0",
                                  Description="reporting", Tags=reporting)
    rds.modify_db_parameter_group(DBParameterGroupName="ledger-reporting-mysql80", Parameters=[
        {"ParameterName": "require_secure_transport", "ParameterValue": "0", "ApplyMethod": "immediate"}])
    rds.create_db_instance(
        DBInstanceIdentifier="ledger-reporting-db", Engine="mysql", EngineVersion="8.0.39",
        DBInstanceClass="db.t3.medium", AllocatedStorage=50, MasterUsername="reporting_admin",
        MasterUserPassword="Vb7!pQ2rLx9mTz4K", DBParameterGroupName="ledger-reporting-mysql80",
        DBSubnetGroupName="cards-db-private", VpcSecurityGroupIds=[seeded.network.security_groups["cards-db"]],
        StorageEncrypted=True, KmsKeyId=seeded.keys.cards_data, PubliclyAccessible=False, DeletionProtection=True,
        BackupRetentionPeriod=3, AutoMinorVersionUpgrade=False, Tags=reporting)
    # A proof of concept deleted last year; its final snapshot was made public to hand it to a vendor (gap).
    rds.create_db_instance(
        DBInstanceIdentifier="card-analytics-poc", Engine="postgres", EngineVersion="13.15",
        DBInstanceClass="db.t3.micro", AllocatedStorage=20, MasterUsername="poc", MasterUserPassword="Hn4!wQ8zPk2rTy6M",
        StorageEncrypted=False, BackupRetentionPeriod=0)
    rds.create_db_snapshot(DBSnapshotIdentifier="card-analytics-poc-final", DBInstanceIdentifier="card-analytics-poc",
                           Tags=_tag_list(_tags("infra", "card-analytics")))
    rds.modify_db_snapshot_attribute(DBSnapshotIdentifier="card-analytics-poc-final", AttributeName="restore",
                                     ValuesToAdd=["all"])
    rds.delete_db_instance(DBInstanceIdentifier="card-analytics-poc", SkipFinalSnapshot=True)
