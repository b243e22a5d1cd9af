"""S3: buckets with their default encryption, public access settings, policy, versioning and access logs.

The fields added after the first release default to None, which means "not collected in this
inventory" (a saved inventory from an older cardaudit): checks report NOT_ASSESSED for them,
never a verdict. "Not configured" is a value of its own (`PublicAccessBlock(configured=False)`,
`BucketPolicy(exists=False)`, versioning "Off", `AccessLogging(enabled=False)`).
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from cardaudit.models.aws.resource import AwsResource, Unknown
from cardaudit.models.base import Frozen
from cardaudit.models.resource_type import ResourceType


class BucketEncryption(Frozen):
    algorithm: str  # AES256, aws:kms, aws:kms:dsse
    kms_key_id: str | None = None
    bucket_key: bool = False
    implicit: bool = False  # no configuration returned; AWS applies SSE-S3 to every bucket since 2023


class PublicAccessBlock(Frozen):
    """S3 Block Public Access, of one bucket or of a whole account (the same four settings)."""

    configured: bool = True  # False: AWS answered NoSuchPublicAccessBlockConfiguration (every setting off)
    block_public_acls: bool = False
    ignore_public_acls: bool = False
    block_public_policy: bool = False
    restrict_public_buckets: bool = False

    def off(self) -> list[str]:
        """The settings that are off, by their AWS names."""
        names = {"BlockPublicAcls": self.block_public_acls, "IgnorePublicAcls": self.ignore_public_acls,
                 "BlockPublicPolicy": self.block_public_policy,
                 "RestrictPublicBuckets": self.restrict_public_buckets}
        return [name for name, on in names.items() if not on]

    def combined(self, other: PublicAccessBlock) -> PublicAccessBlock:
        """What S3 enforces when both apply (bucket and account): each setting on where either has it."""
        return PublicAccessBlock(
            configured=self.configured or other.configured,
            block_public_acls=self.block_public_acls or other.block_public_acls,
            ignore_public_acls=self.ignore_public_acls or other.ignore_public_acls,
            block_public_policy=self.block_public_policy or other.block_public_policy,
            restrict_public_buckets=self.restrict_public_buckets or other.restrict_public_buckets,
        )


class BucketPolicy(Frozen):
    """What cardaudit reads from a bucket policy (the document itself is not kept)."""

    exists: bool = True  # False: NoSuchBucketPolicy
    # Sid (or "#<index>") of each Allow statement whose principal is everyone ("*" or {"AWS": "*"}),
    # whatever its conditions: AWS's own verdict on whether that makes the bucket public is `S3Bucket.policy_public`.
    open_statements: list[str] = Field(default_factory=list)
    # Sid (or "#<index>") of each Deny statement for every principal and every S3 action, on the bucket's
    # objects, when aws:SecureTransport is false: requests without TLS are refused.
    tls_only_statements: list[str] = Field(default_factory=list)


class AccessLogging(Frozen):
    enabled: bool
    target_bucket: str | None = None
    target_prefix: str | None = None


class S3Bucket(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::S3::Bucket", slice="s3_buckets", service="s3", regional=False,
        arn=("s3", ""), asff_type="AwsS3Bucket",
        iac_name_types=("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws_s3_bucket"),
        operations=("s3:ListBuckets", "s3:GetBucketLocation", "s3:GetBucketEncryption", "s3:GetBucketTagging",
                    "s3:GetPublicAccessBlock", "s3:GetBucketPolicy", "s3:GetBucketPolicyStatus",
                    "s3:GetBucketVersioning", "s3:GetBucketLogging"),
        iam_actions=(("s3:ListBuckets", "s3:ListAllMyBuckets"),
                     ("s3:GetBucketEncryption", "s3:GetEncryptionConfiguration"),
                     ("s3:GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock")),
    )

    encryption: BucketEncryption | Unknown
    public_access_block: PublicAccessBlock | Unknown | None = None
    policy: BucketPolicy | Unknown | None = None
    policy_public: bool | Unknown | None = None  # GetBucketPolicyStatus IsPublic; False without a policy
    versioning: str | Unknown | None = None  # Enabled, Suspended, Off (never enabled)
    mfa_delete: bool = False
    access_logging: AccessLogging | Unknown | None = None
