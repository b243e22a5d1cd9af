"""S3: every bucket in the account with its region, tags, default encryption, Block Public Access,
policy (who it opens the bucket to, whether it refuses requests without TLS), versioning and
server access logging.

S3 has no batch form of these reads: each is one call per bucket.
"""

from __future__ import annotations

import json
from typing import Any

from cardaudit.collect.api import Api, tag_dict
from cardaudit.models.inventory import (
    AccessLogging,
    AwsResource,
    BucketEncryption,
    BucketPolicy,
    PublicAccessBlock,
    S3Bucket,
    Unknown,
)


def _encryption(resp: dict[str, Any]) -> BucketEncryption:
    rules = resp["ServerSideEncryptionConfiguration"].get("Rules", [])
    default = rules[0].get("ApplyServerSideEncryptionByDefault", {}) if rules else {}
    return BucketEncryption(
        algorithm=default.get("SSEAlgorithm", "AES256"),
        kms_key_id=default.get("KMSMasterKeyID"),
        bucket_key=bool(rules[0].get("BucketKeyEnabled", False)) if rules else False,
    )


# Since January 2023 AWS encrypts every bucket with SSE-S3 and always returns a configuration;
# an emulator or an old API answer without one therefore means SSE-S3.
_IMPLICIT = BucketEncryption(algorithm="AES256", implicit=True)
_NO_PAB = PublicAccessBlock(configured=False)
_NO_POLICY = BucketPolicy(exists=False)


def public_access_block(resp: dict[str, Any]) -> PublicAccessBlock:
    """The four settings of a GetPublicAccessBlock answer (bucket or account: the same shape)."""
    conf = resp["PublicAccessBlockConfiguration"]
    return PublicAccessBlock(
        block_public_acls=bool(conf.get("BlockPublicAcls", False)),
        ignore_public_acls=bool(conf.get("IgnorePublicAcls", False)),
        block_public_policy=bool(conf.get("BlockPublicPolicy", False)),
        restrict_public_buckets=bool(conf.get("RestrictPublicBuckets", False)),
    )


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _everyone(principal: Any) -> bool:
    if principal == "*":
        return True
    return isinstance(principal, dict) and "*" in _listed(principal.get("AWS", []))


def _insecure_transport_only(condition: Any) -> bool:
    """The statement applies exactly when the request was not sent over TLS."""
    if not isinstance(condition, dict):
        return False
    for operator in ("Bool", "BoolIfExists"):
        block = condition.get(operator)
        if isinstance(block, dict):
            values = [str(v).lower() for v in _listed(block.get("aws:SecureTransport", []))]
            if values == ["false"] and len(condition) == 1 and len(block) == 1:
                return True
    return False


def _covers_objects(resources: list[Any], bucket: str) -> bool:
    return any(r in ("*", "arn:aws:s3:::*", f"arn:aws:s3:::{bucket}/*") for r in resources)


def bucket_policy(document: str, bucket: str) -> BucketPolicy:
    """What the checks need from a bucket policy document (GetBucketPolicy's `Policy`, a JSON string)."""
    statements = json.loads(document).get("Statement", [])
    open_: list[str] = []
    tls_only: list[str] = []
    for index, stmt in enumerate(_listed(statements)):
        sid = str(stmt.get("Sid") or f"#{index}")
        if stmt.get("Effect") == "Allow" and _everyone(stmt.get("Principal")):
            open_.append(sid)
        actions = [str(a).lower() for a in _listed(stmt.get("Action", []))]
        if (stmt.get("Effect") == "Deny" and _everyone(stmt.get("Principal"))
                and any(a in ("*", "s3:*") for a in actions)
                and _covers_objects(_listed(stmt.get("Resource", [])), bucket)
                and _insecure_transport_only(stmt.get("Condition"))):
            tls_only.append(sid)
    return BucketPolicy(open_statements=open_, tls_only_statements=tls_only)


def _versioning(resp: dict[str, Any]) -> tuple[str, bool]:
    """(Enabled, Suspended or Off, MFA delete): `Status` is absent on a bucket never versioned."""
    return str(resp.get("Status") or "Off"), resp.get("MFADelete") == "Enabled"


def _logging(resp: dict[str, Any]) -> AccessLogging:
    enabled = resp.get("LoggingEnabled")  # absent when server access logging is off
    if not enabled:
        return AccessLogging(enabled=False)
    return AccessLogging(enabled=True, target_bucket=enabled.get("TargetBucket"),
                         target_prefix=enabled.get("TargetPrefix"))


def collect_s3(api: Api) -> dict[str, list[AwsResource]]:
    def read(bucket: dict[str, Any]) -> AwsResource:
        name = bucket["Name"]
        if bucket.get("BucketRegion"):  # ListBuckets returns it since 2024; older answers do not
            region = str(bucket["BucketRegion"])
        else:
            location = api.detail("get_bucket_location", lambda r: r.get("LocationConstraint"), Bucket=name)
            region = "unknown" if isinstance(location, Unknown) else _region_of(location)
        encryption = api.detail(
            "get_bucket_encryption", _encryption, Bucket=name,
            absent={"ServerSideEncryptionConfigurationNotFoundError": _IMPLICIT},
        )
        no_tags: dict[str, str] = {}
        tags = api.detail("get_bucket_tagging", lambda r: tag_dict(r.get("TagSet")), Bucket=name,
                          absent={"NoSuchTagSet": no_tags})
        pab = api.detail("get_public_access_block", public_access_block, Bucket=name,
                         absent={"NoSuchPublicAccessBlockConfiguration": _NO_PAB})
        policy = api.detail("get_bucket_policy", lambda r: bucket_policy(r["Policy"], name), Bucket=name,
                            absent={"NoSuchBucketPolicy": _NO_POLICY})
        # AWS's own evaluation of the policy; a bucket without a policy is not public through one.
        public = api.detail("get_bucket_policy_status", lambda r: bool(r["PolicyStatus"].get("IsPublic", False)),
                            Bucket=name, absent={"NoSuchBucketPolicy": False})
        versioning = api.detail("get_bucket_versioning", _versioning, Bucket=name)
        logging = api.detail("get_bucket_logging", _logging, Bucket=name)
        return S3Bucket(
            arn=f"arn:aws:s3:::{name}", account=api.account, region=region, name=name, tags=tags,
            encryption=encryption, public_access_block=pab, policy=policy, policy_public=public,
            versioning=versioning if isinstance(versioning, Unknown) else versioning[0],
            mfa_delete=not isinstance(versioning, Unknown) and versioning[1],
            access_logging=logging,
        )

    return {"s3_buckets": api.each(read, api.pages("list_buckets", "Buckets"))}


def _region_of(constraint: str | None) -> str:
    if not constraint:
        return "us-east-1"
    return "eu-west-1" if constraint == "EU" else constraint
