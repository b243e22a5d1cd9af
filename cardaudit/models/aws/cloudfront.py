"""CloudFront distributions: viewer protocols, viewer TLS, logging and WAF."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from cardaudit.models.aws.resource import AwsResource, Unknown
from cardaudit.models.resource_type import ResourceType


class CloudFrontDistribution(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::CloudFront::Distribution", slice="cloudfront_distributions", service="cloudfront",
        regional=False, arn=("cloudfront", "distribution"), asff_type="AwsCloudFrontDistribution",
        operations=("cloudfront:ListDistributions", "cloudfront:GetDistributionConfig",
                    "cloudfront:ListTagsForResource"),
    )

    domain_name: str = ""
    aliases: list[str] = Field(default_factory=list)
    enabled: bool = True
    # ViewerProtocolPolicy by cache behaviour: "default" for the default behaviour, else its path pattern.
    viewer_protocol_policies: dict[str, str]
    # ViewerCertificate: a custom certificate (ACM or IAM) and its MinimumProtocolVersion, or the
    # default *.cloudfront.net certificate, for which CloudFront accepts TLSv1 whatever is set.
    custom_certificate: bool
    minimum_protocol_version: str = ""
    web_acl_id: str | None = None
    # Standard (legacy) logging to S3, from GetDistributionConfig: the bucket, or "" when off.
    log_bucket: str | Unknown
