"""S3: every bucket in the account with its region, tags and default encryption."""

from __future__ import annotations

from typing import Any

from cardaudit.collect.api import Api, tag_dict
from cardaudit.models.inventory import AwsResource, BucketEncryption, S3Bucket, Unknown


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
        return S3Bucket(arn=f"arn:aws:s3:::{name}", account=api.account, region=region, name=name,
                        tags=tags, encryption=encryption)

    return {"s3_buckets": api.each(read, api.pages("list_buckets", "Buckets"))}


def _region_of(constraint: str | None) -> str:
    if not constraint:
        return "us-east-1"
    return "eu-west-1" if constraint == "EU" else constraint
