"""AWS WAF (v2) regional web ACLs: what they protect and where they log."""

from __future__ import annotations

from typing import ClassVar

from cardaudit.models.aws.resource import AwsResource, Unknown
from cardaudit.models.resource_type import ResourceType


class WafV2WebAcl(AwsResource):
    """A REGIONAL web ACL (ALBs, API Gateway stages...). CloudFront's web ACLs are named on the
    distributions themselves (WebACLId)."""

    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::WAFv2::WebACL", slice="wafv2_web_acls", service="wafv2", regional=True,
        arn=("wafv2", "regional"), asff_type="AwsWafv2WebAcl",
        operations=("wafv2:ListWebACLs", "wafv2:ListResourcesForWebACL", "wafv2:ListLoggingConfigurations",
                    "wafv2:ListTagsForResource"),
    )

    acl_id: str
    # ARNs of the application load balancers it is associated with (ListResourcesForWebACL).
    load_balancers: list[str] | Unknown
    # Where it logs (ListLoggingConfigurations LogDestinationConfigs); [] when it does not.
    log_destinations: list[str] | Unknown
