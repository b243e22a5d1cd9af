"""S3: buckets and their default encryption."""

from __future__ import annotations

from typing import ClassVar

from cardaudit.models.aws.resource import AwsResource, Unknown
from cardaudit.models.base import Frozen
from cardaudit.models.resource_type import ResourceType


class BucketEncryption(Frozen):
    algorithm: str  # AES256, aws:kms, aws:kms:dsse
    kms_key_id: str | None = None
    bucket_key: bool = False
    implicit: bool = False  # no configuration returned; AWS applies SSE-S3 to every bucket since 2023


class S3Bucket(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::S3::Bucket", slice="s3_buckets", service="s3", regional=False,
        arn=("s3", ""), asff_type="AwsS3Bucket",
        iac_name_types=("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws_s3_bucket"),
        operations=("s3:ListBuckets", "s3:GetBucketLocation", "s3:GetBucketEncryption", "s3:GetBucketTagging"),
        iam_actions=(("s3:ListBuckets", "s3:ListAllMyBuckets"),
                     ("s3:GetBucketEncryption", "s3:GetEncryptionConfiguration")),
    )

    encryption: BucketEncryption | Unknown
