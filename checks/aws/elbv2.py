"""Application and network load balancers: TLS on listeners, HTTP to HTTPS, access logs, WAF, header hygiene."""

from __future__ import annotations

from collections.abc import Iterator

from cardaudit.engine.registry import check
from cardaudit.models.aws.elbv2 import TLS_LISTENER_PROTOCOLS, ListenerAction
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.models.inventory import Elbv2LoadBalancer, Unknown, WafV2WebAcl

# Protocols older than TLS 1.2, as DescribeSSLPolicies names them.
WEAK_PROTOCOLS = frozenset({"SSLv2", "SSLv3", "TLSv1", "TLSv1.1"})


@check(
    title="Load balancer HTTPS and TLS listeners accept TLS 1.2 or later only",
    severity=Severity.HIGH, category="encryption", resource_type="AWS::ElasticLoadBalancingV2::LoadBalancer",
    needs=("elbv2_load_balancers",),
)
def elbv2_listener_tls12_or_later(balancers: list[Elbv2LoadBalancer]) -> Iterator[Result]:
    """What it checks:
    Every HTTPS (ALB) and TLS (NLB) listener of each load balancer uses a security policy whose
    protocols, as DescribeSSLPolicies lists them, are TLS 1.2 or later. Load balancers without
    such listeners are not judged here (see `elbv2_http_redirects_to_https`).

    Why it matters:
    TLS 1.0 and 1.1 are not strong cryptography for account data crossing public networks; a
    policy such as ELBSecurityPolicy-2016-08 still lets a client negotiate them.

    How to fix:
    `aws elbv2 modify-listener --listener-arn <arn> --ssl-policy ELBSecurityPolicy-TLS13-1-2-2021-06`
    (or another TLS 1.2+ policy).
    """
    for lb in balancers:
        if isinstance(lb.listeners, Unknown):
            yield Result.not_assessed(lb.ref(), f"listeners could not be read ({lb.listeners.reason})")
            continue
        tls = [x for x in lb.listeners if x.protocol in TLS_LISTENER_PROTOCOLS]
        if not tls:
            continue
        weak: dict[str, str] = {}
        unknown: list[str] = []
        for x in tls:
            where = f"{x.protocol}:{x.port}"
            if isinstance(x.tls_protocols, Unknown) or x.tls_protocols is None:
                reason = x.tls_protocols.reason if isinstance(x.tls_protocols, Unknown) else "no SslPolicy"
                unknown.append(f"{where} {x.ssl_policy or ''} ({reason})")
            elif WEAK_PROTOCOLS & set(x.tls_protocols):
                weak[where] = f"{x.ssl_policy} allows {', '.join(sorted(WEAK_PROTOCOLS & set(x.tls_protocols)))}"
        policies = {f"{x.protocol}:{x.port}": x.ssl_policy for x in tls}
        if weak:
            listed = "; ".join(f"{where}: {why}" for where, why in sorted(weak.items()))
            yield Result.failed(lb.ref(), f"listener policy allows TLS below 1.2: {listed}", policies=policies)
        elif unknown:
            yield Result.not_assessed(lb.ref(), f"TLS policy protocols unknown: {'; '.join(unknown)}",
                                      policies=policies)
        else:
            yield Result.passed(lb.ref(), f"{len(tls)} TLS listener(s), all TLS 1.2 or later", policies=policies)


def _to_https(actions: list[ListenerAction]) -> bool:
    return bool(actions) and all(a.type == "redirect" and a.redirect_protocol == "HTTPS" for a in actions)


@check(
    title="Internet-facing ALBs only redirect plain HTTP to HTTPS",
    severity=Severity.HIGH, category="encryption", resource_type="AWS::ElasticLoadBalancingV2::LoadBalancer",
    needs=("elbv2_load_balancers",),
)
def elbv2_http_redirects_to_https(balancers: list[Elbv2LoadBalancer]) -> Iterator[Result]:
    """What it checks:
    Every HTTP listener of each internet-facing application load balancer redirects to HTTPS, in
    its default action and in every rule (DescribeRules). A listener that forwards, answers or
    redirects to HTTP on any path FAILs. Internet-facing ALBs without an HTTP listener PASS;
    internal and network load balancers are not judged.

    Why it matters:
    A forward on port 80 serves the application, cardholder data included, in clear text over
    the internet; a redirect sends the browser to HTTPS before anything is exchanged.

    How to fix:
    Make the HTTP listener's default action `redirect` with `Protocol=HTTPS, Port=443,
    StatusCode=HTTP_301`, and remove rules that forward on it.
    """
    for lb in balancers:
        if lb.lb_type != "application" or not lb.internet_facing:
            continue
        if isinstance(lb.listeners, Unknown):
            yield Result.not_assessed(lb.ref(), f"listeners could not be read ({lb.listeners.reason})")
            continue
        plain = [x for x in lb.listeners if x.protocol == "HTTP"]
        serving: list[str] = []
        unknown: list[str] = []
        for x in plain:
            if not _to_https(x.default_actions):
                serving.append(f"HTTP:{x.port} default action {'+'.join(a.type for a in x.default_actions)}")
            elif isinstance(x.rules, Unknown):
                unknown.append(f"HTTP:{x.port} rules ({x.rules.reason})")
            elif any(not _to_https(rule) for rule in x.rules or []):
                serving.append(f"HTTP:{x.port} has a rule that does not redirect to HTTPS")
        if serving:
            yield Result.failed(lb.ref(), f"plain HTTP is served: {'; '.join(serving)}", http_listeners=len(plain))
        elif unknown:
            yield Result.not_assessed(lb.ref(), f"could not be read: {'; '.join(unknown)}", http_listeners=len(plain))
        elif plain:
            yield Result.passed(lb.ref(), f"{len(plain)} HTTP listener(s), each only redirects to HTTPS",
                                http_listeners=len(plain))
        else:
            yield Result.passed(lb.ref(), "no plain HTTP listener", http_listeners=0)


def _attribute(lb: Elbv2LoadBalancer, key: str) -> str | Unknown:
    if isinstance(lb.attributes, Unknown):
        return lb.attributes
    return lb.attributes.get(key, "")


@check(
    title="Application and network load balancers write access logs",
    severity=Severity.MEDIUM, category="logging", resource_type="AWS::ElasticLoadBalancingV2::LoadBalancer",
    needs=("elbv2_load_balancers",),
)
def elbv2_access_logging_enabled(balancers: list[Elbv2LoadBalancer]) -> Iterator[Result]:
    """What it checks:
    Each application and network load balancer has `access_logs.s3.enabled` true (an absent
    attribute is the default, false). Gateway load balancers have no access logs and are not
    judged.

    Why it matters:
    The load balancer's access log is the record of every request from the internet: client
    address, path, TLS protocol and cipher, response code. Without it a compromise through the
    public entry point cannot be reconstructed.

    How to fix:
    `aws elbv2 modify-load-balancer-attributes --attributes Key=access_logs.s3.enabled,Value=true
    Key=access_logs.s3.bucket,Value=<bucket>` (the bucket policy must let ELB log delivery write).
    """
    for lb in balancers:
        if lb.lb_type not in ("application", "network"):
            continue
        enabled = _attribute(lb, "access_logs.s3.enabled")
        if isinstance(enabled, Unknown):
            yield Result.not_assessed(lb.ref(), f"attributes could not be read ({enabled.reason})")
        elif enabled == "true":
            bucket = _attribute(lb, "access_logs.s3.bucket")
            yield Result.passed(lb.ref(), "access logs on", bucket=bucket if isinstance(bucket, str) else None)
        else:
            yield Result.failed(lb.ref(), "access logs off (access_logs.s3.enabled is not true)")


@check(
    title="Application load balancers drop invalid HTTP header fields",
    severity=Severity.LOW, category="hardening", resource_type="AWS::ElasticLoadBalancingV2::LoadBalancer",
    needs=("elbv2_load_balancers",),
)
def elbv2_alb_drops_invalid_headers(balancers: list[Elbv2LoadBalancer]) -> Iterator[Result]:
    """What it checks:
    Each application load balancer has `routing.http.drop_invalid_header_fields.enabled` true
    (absent is the default, false).

    Why it matters:
    Header names that are not valid HTTP are a known way to smuggle requests past the load
    balancer to the application (request smuggling, header injection); dropping them is one of
    the techniques against common attacks on web software.

    How to fix:
    `aws elbv2 modify-load-balancer-attributes --attributes
    Key=routing.http.drop_invalid_header_fields.enabled,Value=true`.
    """
    for lb in balancers:
        if lb.lb_type != "application":
            continue
        value = _attribute(lb, "routing.http.drop_invalid_header_fields.enabled")
        if isinstance(value, Unknown):
            yield Result.not_assessed(lb.ref(), f"attributes could not be read ({value.reason})")
        elif value == "true":
            yield Result.passed(lb.ref(), "invalid header fields are dropped")
        else:
            yield Result.failed(lb.ref(), "invalid header fields are passed to the targets")


@check(
    title="Internet-facing application load balancers are protected by an AWS WAF web ACL",
    severity=Severity.MEDIUM, category="network", resource_type="AWS::ElasticLoadBalancingV2::LoadBalancer",
    needs=("elbv2_load_balancers", "wafv2_web_acls"),
)
def elbv2_internet_facing_alb_waf_protected(balancers: list[Elbv2LoadBalancer],
                                            acls: list[WafV2WebAcl]) -> Iterator[Result]:
    """What it checks:
    Each internet-facing application load balancer is associated with a regional AWS WAF web
    ACL of its account and region (ListResourcesForWebACL). When the associations of some web
    ACL could not be read and no other names the load balancer, it is NOT_ASSESSED.

    Why it matters:
    A public web application needs an automated layer that detects and blocks web attacks
    (injection, known exploits, bad bots) in front of it, continuously.

    How to fix:
    `aws wafv2 associate-web-acl --web-acl-arn <acl> --resource-arn <alb>`, with a web ACL that
    runs the AWS managed core rule set in block mode.
    """
    for lb in balancers:
        if lb.lb_type != "application" or not lb.internet_facing:
            continue
        here = [a for a in acls if a.account == lb.account and a.region == lb.region]
        protecting = [a.name for a in here if not isinstance(a.load_balancers, Unknown) and lb.arn in a.load_balancers]
        unread = [a for a in here if isinstance(a.load_balancers, Unknown)]
        if protecting:
            yield Result.passed(lb.ref(), f"protected by web ACL {', '.join(sorted(protecting))}",
                                web_acls=sorted(protecting))
        elif unread:
            reasons = "; ".join(f"{a.name}: {a.load_balancers.reason}" for a in unread
                                if isinstance(a.load_balancers, Unknown))
            yield Result.not_assessed(lb.ref(), f"web ACL associations could not be read ({reasons})")
        else:
            yield Result.failed(lb.ref(), "no AWS WAF web ACL is associated with this internet-facing ALB",
                                web_acls_in_region=len(here))
