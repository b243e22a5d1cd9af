"""Classic Load Balancers: encrypted listeners with a TLS 1.2 policy, and access logs."""

from __future__ import annotations

from collections.abc import Iterator

from cardaudit.engine.registry import check
from cardaudit.models.aws.elb import CLASSIC_TLS_PROTOCOLS, SslNegotiationPolicy
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.models.inventory import ElbLoadBalancer, Unknown

WEAK_PROTOCOLS = frozenset({"SSLv2", "SSLv3", "TLSv1", "TLSv1.1"})

# The protocols of the predefined Classic Load Balancer security policies, used only when the
# answer names the reference policy without listing its Protocol-* attributes (AWS lists them).
# Source: Elastic Load Balancing, Classic Load Balancers guide, "Predefined SSL security policies
# for Classic Load Balancers" (protocol table).
PREDEFINED_PROTOCOLS: dict[str, tuple[str, ...]] = {
    "ELBSecurityPolicy-TLS-1-2-2017-01": ("TLSv1.2",),
    "ELBSecurityPolicy-TLS-1-1-2017-01": ("TLSv1.1", "TLSv1.2"),
    "ELBSecurityPolicy-2016-08": ("TLSv1", "TLSv1.1", "TLSv1.2"),
    "ELBSecurityPolicy-2015-05": ("TLSv1", "TLSv1.1", "TLSv1.2"),
    "ELBSecurityPolicy-2015-03": ("TLSv1", "TLSv1.1", "TLSv1.2"),
    "ELBSecurityPolicy-2015-02": ("TLSv1", "TLSv1.1", "TLSv1.2"),
    "ELBSecurityPolicy-2014-10": ("TLSv1", "TLSv1.1", "TLSv1.2"),
    "ELBSecurityPolicy-2014-01": ("SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2"),
    "ELBSecurityPolicy-2011-08": ("SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2"),
}


def _protocols(policy: SslNegotiationPolicy) -> tuple[str, ...] | None:
    if policy.protocols is not None:
        return tuple(policy.protocols)
    return PREDEFINED_PROTOCOLS.get(policy.reference_policy or "")


@check(
    title="Classic Load Balancers encrypt internet traffic with TLS 1.2 or later",
    severity=Severity.HIGH, category="encryption", resource_type="AWS::ElasticLoadBalancing::LoadBalancer",
    needs=("elb_load_balancers",),
)
def elb_classic_listener_tls(balancers: list[ElbLoadBalancer]) -> Iterator[Result]:
    """What it checks:
    An internet-facing Classic Load Balancer has no HTTP or TCP listener (every front-end
    listener is HTTPS or SSL), and every HTTPS or SSL listener of any Classic Load Balancer uses
    an SSL negotiation policy that allows TLS 1.2 or later only (its Protocol-* attributes, or
    the protocols of its reference security policy). Plain listeners of internal load balancers
    are stated in the result, not failed.

    Why it matters:
    A plain listener carries account data in clear text across the internet; SSLv3, TLS 1.0 and
    1.1 are not strong cryptography.

    How to fix:
    Replace HTTP/TCP listeners with HTTPS/SSL ones, and set the listener's policy to one
    referencing ELBSecurityPolicy-TLS-1-2-2017-01 (`aws elb create-load-balancer-policy` then
    `set-load-balancer-policies-of-listener`); better, move to an Application Load Balancer.
    """
    for lb in balancers:
        plain = sorted(f"{x.protocol}:{x.port}" for x in lb.listeners if x.protocol not in CLASSIC_TLS_PROTOCOLS)
        tls = [x for x in lb.listeners if x.protocol in CLASSIC_TLS_PROTOCOLS]
        problems: list[str] = []
        if plain and lb.internet_facing:
            problems.append(f"unencrypted internet-facing listener(s) {', '.join(plain)}")
        unknown: list[str] = []
        read = lb.ssl_policies
        if tls and isinstance(read, Unknown):
            unknown.append(f"SSL policies could not be read ({read.reason})")
        elif tls and not isinstance(read, Unknown):
            policies = {p.name: p for p in read or []}
            for x in tls:
                where = f"{x.protocol}:{x.port}"
                attached = [policies[n] for n in x.policy_names if n in policies]
                if not attached:
                    unknown.append(f"{where} names no SSL negotiation policy")
                    continue
                policy = attached[0]
                allowed = _protocols(policy)
                if allowed is None:
                    unknown.append(f"{where} policy {policy.name} lists no protocols and references "
                                   f"{policy.reference_policy or 'no predefined policy'}")
                elif WEAK_PROTOCOLS & set(allowed):
                    problems.append(f"{where} policy {policy.reference_policy or policy.name} allows "
                                    f"{', '.join(sorted(WEAK_PROTOCOLS & set(allowed)))}")
        if problems:
            yield Result.failed(lb.ref(), "; ".join(problems), scheme=lb.scheme)
        elif unknown:
            yield Result.not_assessed(lb.ref(), "; ".join(unknown), scheme=lb.scheme)
        elif plain:
            yield Result.passed(lb.ref(), f"internal load balancer; TLS listeners use TLS 1.2+, plain listener(s) "
                                          f"{', '.join(plain)} stay inside the VPC", scheme=lb.scheme)
        else:
            yield Result.passed(lb.ref(), f"{len(tls)} TLS listener(s), all TLS 1.2 or later", scheme=lb.scheme)


@check(
    title="Classic Load Balancers write access logs",
    severity=Severity.MEDIUM, category="logging", resource_type="AWS::ElasticLoadBalancing::LoadBalancer",
    needs=("elb_load_balancers",),
)
def elb_classic_access_logging_enabled(balancers: list[ElbLoadBalancer]) -> Iterator[Result]:
    """What it checks:
    Each Classic Load Balancer has its AccessLog attribute enabled.

    Why it matters:
    The access log records every request that reached the load balancer: without it a
    compromise through this entry point cannot be traced.

    How to fix:
    `aws elb modify-load-balancer-attributes --load-balancer-attributes
    '{"AccessLog":{"Enabled":true,"S3BucketName":"<bucket>","EmitInterval":5}}'`.
    """
    for lb in balancers:
        if isinstance(lb.access_log, Unknown):
            yield Result.not_assessed(lb.ref(), f"attributes could not be read ({lb.access_log.reason})")
        elif lb.access_log:
            yield Result.passed(lb.ref(), "access logs on")
        else:
            yield Result.failed(lb.ref(), "access logs off")
