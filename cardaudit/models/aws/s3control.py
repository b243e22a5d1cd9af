"""S3 account settings (the s3control API): the account's Block Public Access configuration."""

from __future__ import annotations

from typing import ClassVar

from cardaudit.models.aws.resource import AwsResource, Unknown
from cardaudit.models.aws.s3 import PublicAccessBlock
from cardaudit.models.resource_type import ResourceType


class S3AccountPublicAccessBlock(AwsResource):
    """The account-wide S3 Block Public Access settings, one per account.

    AWS gives this setting no ARN; cardaudit names it
    `arn:aws:s3::<account>:account-public-access-block/<account>` (its own name, not an AWS ARN) so
    that findings about it route to an owner like those of any other resource. Its name is the
    account id, as AWS Config names its `AWS::S3::AccountPublicAccessBlock` item.
    """

    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::S3::AccountPublicAccessBlock", slice="s3_account_public_access_blocks",
        service="s3control", regional=False, arn=("s3", "account-public-access-block"),
        asff_type="AwsS3AccountPublicAccessBlock",
        operations=("s3:GetPublicAccessBlock",),
        iam_actions=(("s3:GetPublicAccessBlock", "s3:GetAccountPublicAccessBlock"),),
    )

    settings: PublicAccessBlock | Unknown
