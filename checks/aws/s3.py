"""S3 buckets: default encryption under a key the account controls."""

from __future__ import annotations

from collections.abc import Iterator

from cardaudit.engine.registry import check
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.models.inventory import S3Bucket, Unknown


@check(
    title="S3 buckets encrypt new objects by default with a KMS key",
    severity=Severity.MEDIUM, category="encryption", resource_type="AWS::S3::Bucket",
    needs=("s3_buckets",),
)
def s3_bucket_default_encryption_kms(buckets: list[S3Bucket]) -> Iterator[Result]:
    """What it checks:
    The bucket's default encryption is SSE-KMS or DSSE-KMS rather than the SSE-S3 baseline that
    AWS applies to every bucket.

    Why it matters:
    With SSE-S3 the keys belong to S3: access to the data is not separately controlled by a key
    policy, key use is not logged in CloudTrail and the key cannot be rotated or revoked by you,
    which is what key-management requirements for stored account data expect.

    How to fix:
    Set default encryption to `aws:kms` with a customer managed key (and an S3 Bucket Key to
    keep request costs down): `put-bucket-encryption`.
    """
    for bucket in buckets:
        enc = bucket.encryption
        if isinstance(enc, Unknown):
            yield Result.not_assessed(bucket.ref(), f"default encryption could not be read ({enc.reason})")
        elif enc.algorithm.startswith("aws:kms"):
            yield Result.passed(bucket.ref(), f"default encryption {enc.algorithm}",
                                algorithm=enc.algorithm, kms_key=enc.kms_key_id, bucket_key=enc.bucket_key)
        else:
            how = "AWS default, no configuration" if enc.implicit else "configured"
            yield Result.failed(bucket.ref(), f"default encryption is SSE-S3 ({enc.algorithm}, {how}), "
                                "not a KMS key under your control",
                                algorithm=enc.algorithm, implicit=enc.implicit)
