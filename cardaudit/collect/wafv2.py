"""AWS WAF (v2) REGIONAL web ACLs, the load balancers they protect, their logging and tags.

ListResourcesForWebACL is the batch form of the association (one call per web ACL gives every
load balancer it protects); API Gateway stages name their web ACL themselves (GetStages
webAclArn) and CloudFront distributions theirs (WebACLId), so neither is asked here. Logging is
one ListLoggingConfigurations per region.
"""

from __future__ import annotations

from typing import Any

from cardaudit.collect.api import Api, tag_dict
from cardaudit.models.aws.resource import AwsResource, Unknown
from cardaudit.models.aws.wafv2 import WafV2WebAcl

SCOPE = "REGIONAL"


def _web_acls(api: Api) -> list[dict[str, Any]]:
    """Every REGIONAL web ACL, page by page (WAF pages with NextMarker and has no paginator)."""
    out: list[dict[str, Any]] = []
    marker = ""
    while True:
        page = api.call("list_web_acls", Scope=SCOPE, **({"NextMarker": marker} if marker else {}))
        out.extend(page["WebACLs"])  # a page without its list is a shape error: the slice is blind
        if not page.get("NextMarker") or page["NextMarker"] == marker or not page["WebACLs"]:
            return out
        marker = page["NextMarker"]


def _log_destinations(api: Api) -> dict[str, list[str]] | Unknown:
    """Web ACL ARN -> where it logs, for the region; Unknown when the list cannot be read."""
    out: dict[str, list[str]] = {}
    marker = ""
    while True:
        paging: dict[str, Any] = {"NextMarker": marker} if marker else {}
        page = api.detail("list_logging_configurations", lambda r: r, Scope=SCOPE, **paging)
        if isinstance(page, Unknown):
            return page
        configs = page.get("LoggingConfigurations")
        if not isinstance(configs, list):
            return Unknown(operation=api.name("list_logging_configurations"), code="BadResponse",
                           message="response without LoggingConfigurations")
        for config in configs:
            out[config["ResourceArn"]] = list(config.get("LogDestinationConfigs", []))
        if not page.get("NextMarker") or page["NextMarker"] == marker or not configs:
            return out
        marker = page["NextMarker"]


def collect_wafv2(api: Api) -> dict[str, list[AwsResource]]:
    acls = _web_acls(api)
    logging = _log_destinations(api) if acls else {}

    def read(acl: dict[str, Any]) -> AwsResource:
        arn = acl["ARN"]
        return WafV2WebAcl(
            arn=arn, account=api.account, region=api.region, name=acl["Name"], acl_id=acl["Id"],
            tags=api.detail("list_tags_for_resource",
                            lambda r: tag_dict((r.get("TagInfoForResource") or {}).get("TagList")), ResourceARN=arn),
            load_balancers=api.detail("list_resources_for_web_acl", lambda r: list(r["ResourceArns"]),
                                      WebACLArn=arn, ResourceType="APPLICATION_LOAD_BALANCER"),
            log_destinations=logging if isinstance(logging, Unknown) else logging.get(arn, []),
        )

    return {"wafv2_web_acls": api.each(read, acls)}
