"""Elastic Load Balancing v2: application, network and gateway load balancers and their listeners."""

from __future__ import annotations

from typing import ClassVar

from cardaudit.models.aws.resource import AwsResource, Unknown
from cardaudit.models.base import Frozen
from cardaudit.models.resource_type import ResourceType

# Listener protocols that terminate TLS on the load balancer, and so carry an SslPolicy.
TLS_LISTENER_PROTOCOLS = frozenset({"HTTPS", "TLS"})


class ListenerAction(Frozen):
    """One action of a listener or of one of its rules."""

    type: str  # forward, redirect, fixed-response, authenticate-oidc, authenticate-cognito
    redirect_protocol: str | None = None  # RedirectConfig.Protocol: HTTPS, HTTP or "#{protocol}" (kept)


class Listener(Frozen):
    arn: str
    protocol: str  # HTTP, HTTPS, TCP, TLS, UDP, TCP_UDP, GENEVE
    port: int | None = None
    # Only for HTTPS and TLS listeners (moto also puts one on HTTP listeners; it means nothing there).
    ssl_policy: str | None = None
    # The protocols that policy allows (DescribeSSLPolicies SslProtocols, e.g. ["TLSv1.3", "TLSv1.2"]).
    tls_protocols: list[str] | Unknown | None = None
    default_actions: list[ListenerAction]
    # The actions of each non-default rule; read only for HTTP listeners of internet-facing ALBs.
    rules: list[list[ListenerAction]] | Unknown | None = None


class Elbv2LoadBalancer(AwsResource):
    """An ALB, NLB or GWLB. Its ARN's type is declared as `loadbalancer/app`; `net` and `gwy` ARNs are
    the same resource type (`cardaudit.arns` reads them so)."""

    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::ElasticLoadBalancingV2::LoadBalancer", slice="elbv2_load_balancers", service="elbv2",
        regional=True, arn=("elasticloadbalancing", "loadbalancer/app"), asff_type="AwsElbv2LoadBalancer",
        operations=(
            "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeTags",
            "elasticloadbalancing:DescribeLoadBalancerAttributes", "elasticloadbalancing:DescribeListeners",
            "elasticloadbalancing:DescribeSSLPolicies", "elasticloadbalancing:DescribeRules",
        ),
    )

    lb_type: str  # application, network, gateway
    scheme: str  # internet-facing, internal
    dns_name: str = ""
    vpc_id: str | None = None
    listeners: list[Listener] | Unknown
    attributes: dict[str, str] | Unknown

    @property
    def internet_facing(self) -> bool:
        return self.scheme == "internet-facing"
