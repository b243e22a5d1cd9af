"""CloudFront distributions: HTTPS to viewers, viewer TLS 1.2, access logs and WAF."""

from __future__ import annotations

from collections.abc import Iterator

from cardaudit.engine.registry import check
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.models.inventory import CloudFrontDistribution, Unknown

HTTPS_POLICIES = frozenset({"redirect-to-https", "https-only"})
# CloudFront viewer security policies whose minimum protocol is TLS 1.2 or later.
TLS12_PREFIXES = ("TLSv1.2_", "TLSv1.3_")


@check(
    title="CloudFront distributions serve viewers over HTTPS only",
    severity=Severity.HIGH, category="encryption", resource_type="AWS::CloudFront::Distribution",
    needs=("cloudfront_distributions",),
)
def cloudfront_viewer_https_only(distributions: list[CloudFrontDistribution]) -> Iterator[Result]:
    """What it checks:
    The ViewerProtocolPolicy of the default cache behaviour and of every ordered cache behaviour
    is `redirect-to-https` or `https-only`; `allow-all` on any behaviour FAILs, naming it.

    Why it matters:
    With `allow-all`, browsers and clients can exchange the content, cookies and any card data
    with CloudFront in clear text across the internet.

    How to fix:
    Set ViewerProtocolPolicy to `redirect-to-https` on every cache behaviour
    (`aws cloudfront update-distribution` with the edited configuration).
    """
    for d in distributions:
        plain = sorted(path for path, policy in d.viewer_protocol_policies.items() if policy not in HTTPS_POLICIES)
        if plain:
            yield Result.failed(d.ref(), f"behaviour(s) {', '.join(plain)} allow plain HTTP",
                                policies=d.viewer_protocol_policies)
        else:
            yield Result.passed(d.ref(), "every behaviour redirects to or requires HTTPS",
                                policies=d.viewer_protocol_policies)


@check(
    title="CloudFront distributions accept TLS 1.2 or later from viewers",
    severity=Severity.HIGH, category="encryption", resource_type="AWS::CloudFront::Distribution",
    needs=("cloudfront_distributions",),
)
def cloudfront_tls12_minimum(distributions: list[CloudFrontDistribution]) -> Iterator[Result]:
    """What it checks:
    The distribution uses its own certificate (ACM or IAM) with a viewer security policy
    (MinimumProtocolVersion) of TLSv1.2_* or TLSv1.3_*. A distribution on the default
    *.cloudfront.net certificate FAILs: CloudFront then accepts TLS 1.0 whatever is set.

    Why it matters:
    TLS 1.0 and 1.1 are not strong cryptography for account data crossing the internet.

    How to fix:
    Attach an ACM certificate (us-east-1) for the distribution's alternate domain names and set
    MinimumProtocolVersion to TLSv1.2_2021 or later.
    """
    for d in distributions:
        if not d.custom_certificate:
            yield Result.failed(d.ref(), "default CloudFront certificate: viewers can negotiate TLS 1.0",
                                minimum_protocol_version="TLSv1")
        elif d.minimum_protocol_version.startswith(TLS12_PREFIXES):
            yield Result.passed(d.ref(), f"viewer security policy {d.minimum_protocol_version}",
                                minimum_protocol_version=d.minimum_protocol_version)
        else:
            yield Result.failed(d.ref(), f"viewer security policy {d.minimum_protocol_version or '(none)'} allows "
                                         "TLS below 1.2", minimum_protocol_version=d.minimum_protocol_version)


@check(
    title="CloudFront distributions write standard access logs",
    severity=Severity.MEDIUM, category="logging", resource_type="AWS::CloudFront::Distribution",
    needs=("cloudfront_distributions",),
)
def cloudfront_access_logging_enabled(distributions: list[CloudFrontDistribution]) -> Iterator[Result]:
    """What it checks:
    Each distribution's configuration (GetDistributionConfig) has standard logging enabled to
    an S3 bucket. Logging configured only through CloudWatch Logs deliveries (standard logging
    v2) is not read: such a distribution FAILs with that said, and can be attested.

    Why it matters:
    CloudFront's access log is the record of every viewer request at the edge, the first place
    an attack on a public application shows.

    How to fix:
    Enable standard logging (`Logging.Enabled=true`, `Logging.Bucket=<bucket>.s3.amazonaws.com`)
    in the distribution configuration, or configure a standard logging v2 delivery.
    """
    for d in distributions:
        if isinstance(d.log_bucket, Unknown):
            yield Result.not_assessed(d.ref(), f"distribution configuration could not be read ({d.log_bucket.reason})")
        elif d.log_bucket:
            yield Result.passed(d.ref(), "standard logging on", bucket=d.log_bucket)
        else:
            yield Result.failed(d.ref(), "standard logging to S3 is off (logging v2 deliveries are not read)")


@check(
    title="CloudFront distributions are protected by an AWS WAF web ACL",
    severity=Severity.MEDIUM, category="network", resource_type="AWS::CloudFront::Distribution",
    needs=("cloudfront_distributions",),
)
def cloudfront_distribution_waf_protected(distributions: list[CloudFrontDistribution]) -> Iterator[Result]:
    """What it checks:
    Each enabled distribution names a web ACL (WebACLId). Disabled distributions serve nothing
    and are not judged.

    Why it matters:
    A distribution is a public entry point to the application behind it; an automated layer
    that detects and blocks web attacks belongs in front of it.

    How to fix:
    Create a CLOUDFRONT-scope web ACL in us-east-1 and set it as the distribution's WebACLId.
    """
    for d in distributions:
        if not d.enabled:
            continue
        if d.web_acl_id:
            yield Result.passed(d.ref(), "web ACL associated", web_acl=d.web_acl_id)
        else:
            yield Result.failed(d.ref(), "no web ACL associated")
