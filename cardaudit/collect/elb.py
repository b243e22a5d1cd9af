"""Classic Load Balancers: listeners, SSL negotiation policies, access logs and tags.

Attributes and policies are read per load balancer (AWS has no batch form), policies only when a
listener terminates TLS; tags in batches of 20 names (DescribeTags' limit).
"""

from __future__ import annotations

from typing import Any

from cardaudit.collect.api import Api, tag_dict
from cardaudit.models.aws.elb import CLASSIC_TLS_PROTOCOLS, ClassicListener, ElbLoadBalancer, SslNegotiationPolicy
from cardaudit.models.aws.resource import AwsResource, Unknown

TAG_BATCH = 20  # DescribeTags takes at most 20 load balancer names
_PROTOCOL_PREFIX = "Protocol-"  # SSLNegotiationPolicyType attributes: Protocol-TLSv1.2 = true


def _policy(raw: dict[str, Any]) -> SslNegotiationPolicy:
    attributes = {a.get("AttributeName", ""): a.get("AttributeValue", "")
                  for a in raw.get("PolicyAttributeDescriptions", [])}
    protocols = [k.removeprefix(_PROTOCOL_PREFIX) for k, v in attributes.items()
                 if k.startswith(_PROTOCOL_PREFIX) and v == "true"]
    listed = any(k.startswith(_PROTOCOL_PREFIX) for k in attributes)
    return SslNegotiationPolicy(name=raw.get("PolicyName", ""),
                                reference_policy=attributes.get("Reference-Security-Policy"),
                                protocols=sorted(protocols) if listed else None)


def _tags(api: Api, names: list[str]) -> dict[str, dict[str, str] | Unknown]:
    out: dict[str, dict[str, str] | Unknown] = {}
    for start in range(0, len(names), TAG_BATCH):
        batch = names[start:start + TAG_BATCH]
        found = api.detail("describe_tags", lambda r: {d["LoadBalancerName"]: tag_dict(d.get("Tags"))
                                                       for d in r["TagDescriptions"]}, LoadBalancerNames=batch)
        for name in batch:
            out[name] = found if isinstance(found, Unknown) else found.get(name, {})
    return out


def collect_elb(api: Api) -> dict[str, list[AwsResource]]:
    balancers = api.pages("describe_load_balancers", "LoadBalancerDescriptions")
    tags = _tags(api, [lb["LoadBalancerName"] for lb in balancers])

    def read(lb: dict[str, Any]) -> AwsResource:
        name = lb["LoadBalancerName"]
        listeners = [ClassicListener(protocol=d["Listener"].get("Protocol", "").upper(),
                                     port=d["Listener"].get("LoadBalancerPort", 0),
                                     instance_protocol=d["Listener"].get("InstanceProtocol", ""),
                                     policy_names=list(d.get("PolicyNames", [])))
                     for d in lb.get("ListenerDescriptions", [])]
        policies: list[SslNegotiationPolicy] | Unknown | None = None
        if any(x.protocol in CLASSIC_TLS_PROTOCOLS for x in listeners):
            policies = api.detail(
                "describe_load_balancer_policies",
                lambda r: [_policy(p) for p in r["PolicyDescriptions"]
                           if p.get("PolicyTypeName") == "SSLNegotiationPolicyType"],
                LoadBalancerName=name)
        access_log = api.detail("describe_load_balancer_attributes",
                                lambda r: bool(r["LoadBalancerAttributes"].get("AccessLog", {}).get("Enabled")),
                                LoadBalancerName=name)
        return ElbLoadBalancer(
            arn=f"arn:aws:elasticloadbalancing:{api.region}:{api.account}:loadbalancer/{name}", account=api.account,
            region=api.region, name=name, tags=tags[name], scheme=lb.get("Scheme", ""),
            dns_name=lb.get("DNSName", ""), listeners=listeners, access_log=access_log, ssl_policies=policies,
        )

    return {"elb_load_balancers": api.each(read, balancers)}
