"""Elastic Load Balancing v2: load balancers, listeners, TLS policies, attributes and tags.

Listeners and attributes are read per load balancer (AWS has no batch form); tags in batches of 20
ARNs (DescribeTags' limit). The TLS protocols of each listener's SslPolicy come from one
DescribeSSLPolicies per region, read only when some listener terminates TLS.
"""

from __future__ import annotations

from typing import Any

from cardaudit.collect.api import Api, tag_dict
from cardaudit.models.aws.elbv2 import TLS_LISTENER_PROTOCOLS, Elbv2LoadBalancer, Listener, ListenerAction
from cardaudit.models.aws.resource import AwsResource, Unknown

TAG_BATCH = 20  # DescribeTags takes at most 20 ARNs


def _actions(raw: list[dict[str, Any]]) -> list[ListenerAction]:
    return [ListenerAction(type=a.get("Type", ""), redirect_protocol=(a.get("RedirectConfig") or {}).get("Protocol"))
            for a in raw]


def _rules(api: Api, listener_arn: str) -> list[list[ListenerAction]]:
    rules = api.pages("describe_rules", "Rules", ListenerArn=listener_arn)
    return [_actions(r.get("Actions", [])) for r in rules if not r.get("IsDefault")]


def _tags(api: Api, arns: list[str]) -> dict[str, dict[str, str] | Unknown]:
    out: dict[str, dict[str, str] | Unknown] = {}
    for start in range(0, len(arns), TAG_BATCH):
        batch = arns[start:start + TAG_BATCH]
        found = api.detail("describe_tags", lambda r: {d["ResourceArn"]: tag_dict(d.get("Tags"))
                                                       for d in r["TagDescriptions"]}, ResourceArns=batch)
        for arn in batch:
            out[arn] = found if isinstance(found, Unknown) else found.get(arn, {})
    return out


def collect_elbv2(api: Api) -> dict[str, list[AwsResource]]:
    balancers = api.pages("describe_load_balancers", "LoadBalancers")
    tags = _tags(api, [lb["LoadBalancerArn"] for lb in balancers])

    def listeners(lb: dict[str, Any]) -> list[dict[str, Any]] | Unknown:
        return api.contained(lambda: api.pages("describe_listeners", "Listeners",
                                                  LoadBalancerArn=lb["LoadBalancerArn"]))

    raw_listeners = api.each(listeners, balancers)
    policies: dict[str, list[str]] | Unknown = {}
    if any(not isinstance(ls, Unknown) and any(x.get("Protocol") in TLS_LISTENER_PROTOCOLS for x in ls)
           for ls in raw_listeners):
        policies = api.contained(lambda: {p["Name"]: list(p.get("SslProtocols", []))
                                             for p in api.pages("describe_ssl_policies", "SslPolicies")})

    def protocols(name: str | None) -> list[str] | Unknown | None:
        if name is None:
            return None
        if isinstance(policies, Unknown):
            return policies
        if name not in policies:
            return Unknown(operation=api.name("describe_ssl_policies"), code="PolicyNotListed",
                           message=f"{name} is not among the policies DescribeSSLPolicies lists")
        return policies[name]

    def listener(x: dict[str, Any], public_alb: bool) -> Listener:
        protocol = x.get("Protocol", "")
        policy = x.get("SslPolicy") if protocol in TLS_LISTENER_PROTOCOLS else None
        # Only an HTTP listener of an internet-facing ALB is judged on its rules (the redirect check).
        rules = (api.contained(lambda: _rules(api, x["ListenerArn"]))
                 if public_alb and protocol == "HTTP" else None)
        return Listener(arn=x["ListenerArn"], protocol=protocol, port=x.get("Port"), ssl_policy=policy,
                        tls_protocols=protocols(policy), default_actions=_actions(x.get("DefaultActions", [])),
                        rules=rules)

    def read(pair: tuple[dict[str, Any], list[dict[str, Any]] | Unknown]) -> AwsResource:
        lb, raw = pair
        arn = lb["LoadBalancerArn"]
        public_alb = lb.get("Scheme") == "internet-facing" and lb.get("Type") == "application"
        found = raw if isinstance(raw, Unknown) else [listener(x, public_alb) for x in raw]
        attributes = api.detail("describe_load_balancer_attributes",
                                lambda r: {a["Key"]: a.get("Value", "") for a in r["Attributes"]}, LoadBalancerArn=arn)
        return Elbv2LoadBalancer(
            arn=arn, account=api.account, region=api.region, name=lb["LoadBalancerName"], tags=tags[arn],
            lb_type=lb.get("Type", ""), scheme=lb.get("Scheme", ""), dns_name=lb.get("DNSName", ""),
            vpc_id=lb.get("VpcId"), listeners=found, attributes=attributes,
        )

    return {"elbv2_load_balancers": api.each(read, list(zip(balancers, raw_listeners, strict=True)))}
