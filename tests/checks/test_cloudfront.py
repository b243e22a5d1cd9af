"""CloudFront checks against moto (global: collected once, from us-east-1)."""

from __future__ import annotations

from typing import Any

from tests.conftest import Aws, outcomes, run_check


def _behaviour(policy: str, path: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"TargetOriginId": "o", "ViewerProtocolPolicy": policy, "MinTTL": 0,
                           "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}}}
    return {"PathPattern": path, **out} if path else out


def _estate(aws: Aws) -> dict[str, str]:
    """secure: custom cert TLS 1.2, logs, WAF, HTTPS everywhere; open: default cert, no logs, no WAF,
    and an /old/* behaviour allowing HTTP. Returns comment -> id."""
    cf = aws.client("cloudfront", "us-east-1")
    ids: dict[str, str] = {}
    for name, extra in (
        ("secure", {"Logging": {"Enabled": True, "IncludeCookies": False, "Bucket": "l.s3.amazonaws.com",
                                "Prefix": ""},
                    "ViewerCertificate": {"ACMCertificateArn": "arn:aws:acm:us-east-1:111122223333:certificate/c",
                                          "SSLSupportMethod": "sni-only", "MinimumProtocolVersion": "TLSv1.2_2021"},
                    "WebACLId": "arn:aws:wafv2:us-east-1:111122223333:global/webacl/cdn/1"}),
        ("open", {"CacheBehaviors": {"Quantity": 1, "Items": [_behaviour("allow-all", "/old/*")]},
                  "ViewerCertificate": {"CloudFrontDefaultCertificate": True}}),
    ):
        config = {"CallerReference": name, "Comment": name, "Enabled": True,
                  "Origins": {"Quantity": 1, "Items": [{"Id": "o", "DomainName": "origin.example.com",
                                                        "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443,
                                                                               "OriginProtocolPolicy": "https-only"}}]},
                  "DefaultCacheBehavior": _behaviour("redirect-to-https"), **extra}
        ids[name] = cf.create_distribution(DistributionConfig=config)["Distribution"]["Id"]
    return ids


def test_cloudfront_checks(aws: Aws) -> None:
    ids = _estate(aws)
    secure, open_ = ids["secure"], ids["open"]
    inventory = aws.collect("cloudfront")
    for check in ("cloudfront_viewer_https_only", "cloudfront_tls12_minimum", "cloudfront_access_logging_enabled",
                  "cloudfront_distribution_waf_protected"):
        assert outcomes(run_check(check, inventory)) == {(secure, "PASS"), (open_, "FAIL")}, check
    aws.deny("cloudfront", "GetDistributionConfig")
    inventory = aws.collect("cloudfront")
    assert outcomes(run_check("cloudfront_access_logging_enabled", inventory)) == {
        (secure, "NOT_ASSESSED"), (open_, "NOT_ASSESSED")}
    assert outcomes(run_check("cloudfront_viewer_https_only", inventory)) == {(secure, "PASS"), (open_, "FAIL")}
    aws.deny("cloudfront", "ListDistributions")
    inventory = aws.collect("cloudfront")
    for check in ("cloudfront_viewer_https_only", "cloudfront_tls12_minimum", "cloudfront_access_logging_enabled",
                  "cloudfront_distribution_waf_protected"):
        assert outcomes(run_check(check, inventory)) == {("*@global", "NOT_ASSESSED")}, check


def test_an_empty_distribution_list_has_no_items_key(aws: Aws) -> None:
    """AWS leaves DistributionList.Items out when there is nothing to list (Quantity 0)."""
    aws.answer("cloudfront", "ListDistributions", {"DistributionList": {
        "Marker": "", "MaxItems": 100, "IsTruncated": False, "Quantity": 0}})
    inventory = aws.collect("cloudfront")
    assert inventory.collection_errors() == [] and inventory.cloudfront_distributions.items == []
