"""CloudFront distributions (global): viewer protocols, viewer certificate, WAF, logging and tags.

ListDistributions gives the cache behaviours, the viewer certificate and the web ACL; logging is
only in the distribution's configuration, read per distribution (GetDistributionConfig), as are
its tags (ListTagsForResource): AWS has no batch form of either.
"""

from __future__ import annotations

from typing import Any

from cardaudit.collect.api import Api, tag_dict
from cardaudit.models.aws.cloudfront import CloudFrontDistribution
from cardaudit.models.aws.resource import AwsResource

DEFAULT_BEHAVIOUR = "default"


def _policies(summary: dict[str, Any]) -> dict[str, str]:
    out = {DEFAULT_BEHAVIOUR: summary["DefaultCacheBehavior"].get("ViewerProtocolPolicy", "")}
    for behaviour in (summary.get("CacheBehaviors") or {}).get("Items") or []:
        out[behaviour.get("PathPattern", "?")] = behaviour.get("ViewerProtocolPolicy", "")
    return out


def _log_bucket(config: dict[str, Any]) -> str:
    logging = config["DistributionConfig"].get("Logging") or {}
    return str(logging.get("Bucket") or "") if logging.get("Enabled") else ""


def _distributions(api: Api) -> list[dict[str, Any]]:
    """Every distribution summary, page by page (one call each)."""
    out: list[dict[str, Any]] = []
    marker = ""
    while True:
        # A page without DistributionList is a shape error (KeyError, contained: the slice is blind);
        # AWS leaves Items out when there is nothing to list (Quantity 0).
        listing = api.call("list_distributions", **({"Marker": marker} if marker else {}))["DistributionList"]
        out.extend(listing.get("Items") or [])
        if not listing.get("IsTruncated") or not listing.get("NextMarker") or listing["NextMarker"] == marker:
            return out
        marker = listing["NextMarker"]


def collect_cloudfront(api: Api) -> dict[str, list[AwsResource]]:
    summaries = _distributions(api)

    def read(d: dict[str, Any]) -> AwsResource:
        certificate = d.get("ViewerCertificate") or {}
        # A distribution with its own certificate names it; the CloudFrontDefaultCertificate flag is
        # left true by some emulators even then.
        custom = bool(certificate.get("ACMCertificateArn") or certificate.get("IAMCertificateId"))
        return CloudFrontDistribution(
            arn=d["ARN"], account=api.account, region=api.region, name=d["Id"],
            tags=api.detail("list_tags_for_resource", lambda r: tag_dict(r["Tags"].get("Items")), Resource=d["ARN"]),
            domain_name=d.get("DomainName", ""), aliases=list((d.get("Aliases") or {}).get("Items") or []),
            enabled=bool(d.get("Enabled", True)), viewer_protocol_policies=_policies(d), custom_certificate=custom,
            minimum_protocol_version=certificate.get("MinimumProtocolVersion", "") if custom else "TLSv1",
            web_acl_id=d.get("WebACLId") or None,
            log_bucket=api.detail("get_distribution_config", _log_bucket, Id=d["Id"]),
        )

    return {"cloudfront_distributions": api.each(read, summaries)}
