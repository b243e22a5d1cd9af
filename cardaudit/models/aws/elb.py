"""Classic Load Balancers: listeners, their SSL negotiation policies and access logs."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from cardaudit.models.aws.resource import AwsResource, Unknown
from cardaudit.models.base import Frozen
from cardaudit.models.resource_type import ResourceType

# Front-end protocols that terminate TLS on the load balancer.
CLASSIC_TLS_PROTOCOLS = frozenset({"HTTPS", "SSL"})


class ClassicListener(Frozen):
    protocol: str  # HTTP, HTTPS, TCP, SSL (the front-end side)
    port: int
    instance_protocol: str = ""
    policy_names: list[str] = Field(default_factory=list)


class SslNegotiationPolicy(Frozen):
    """One SSLNegotiationPolicyType policy of the load balancer."""

    name: str
    # The Reference-Security-Policy attribute, e.g. ELBSecurityPolicy-TLS-1-2-2017-01.
    reference_policy: str | None = None
    # Protocols the policy switches on (Protocol-TLSv1.2 = true ...). None when the answer lists no
    # Protocol-* attribute (AWS always lists them; some emulators give only the reference policy).
    protocols: list[str] | None = None


class ElbLoadBalancer(AwsResource):
    """A Classic Load Balancer; its ARN is `arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/<name>`,
    built by cardaudit from the name (DescribeLoadBalancers gives no ARN), as AWS writes it."""

    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::ElasticLoadBalancing::LoadBalancer", slice="elb_load_balancers", service="elb",
        regional=True, arn=("elasticloadbalancing", "loadbalancer"), asff_type="AwsElbLoadBalancer",
        operations=(
            "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeTags",
            "elasticloadbalancing:DescribeLoadBalancerAttributes",
            "elasticloadbalancing:DescribeLoadBalancerPolicies",
        ),
    )

    scheme: str  # internet-facing, internal
    dns_name: str = ""
    listeners: list[ClassicListener]
    access_log: bool | Unknown
    # The SSL negotiation policies; read only when a listener terminates TLS (None otherwise).
    ssl_policies: list[SslNegotiationPolicy] | Unknown | None = None

    @property
    def internet_facing(self) -> bool:
        return self.scheme == "internet-facing"
