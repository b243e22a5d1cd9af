"""Read what an ARN says about its resource, for questions asked about an ARN alone."""

from __future__ import annotations

from dataclasses import dataclass

from cardaudit.models.inventory import resource_types

# (ARN service, resource-type prefix) -> CloudFormation type, from the resource types' declarations.
_TYPES = {t.arn: t.cfn_type for t in resource_types()}


@dataclass(frozen=True)
class ParsedArn:
    partition: str
    service: str
    region: str
    account: str
    resource: str
    type: str
    name: str


def parse_arn(arn: str) -> ParsedArn | None:
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    _, partition, service, region, account, resource = parts
    # The resource type ends at the first separator, whichever it is: "secret:prod/db-AbC123" is a secret.
    cut = min((i for i in (resource.find("/"), resource.find(":")) if i >= 0), default=-1)
    kind, sep, rest = (resource[:cut], resource[cut], resource[cut + 1:]) if cut >= 0 else (resource, "", "")
    if not sep:
        # No separator: a type named by its whole resource part (the root user's `root`, an account
        # setting such as `account-password-policy`), or a bare name.
        kind, rest = (resource, "") if (service, resource) in _TYPES else ("", resource)
    if not kind and resource.startswith("/"):
        # API Gateway writes a path: "/restapis/a1b2c3/stages/prod" is of the type `restapis`.
        kind, _, rest = resource[1:].partition("/")
    elif service == "elasticloadbalancing" and kind == "loadbalancer" and rest.count("/") == 2:
        # Both generations of load balancer are `loadbalancer/...`: v2 ARNs go on with the kind
        # (app, net, gwy), the name and an id; classic ones with the name alone.
        kind = "loadbalancer/app"
    cfn_type = _TYPES.get((service, kind), f"AWS::{service.upper()}::{kind or 'Resource'}")
    name = rest.rsplit("/", 1)[-1] if rest else resource
    return ParsedArn(partition, service, region or "global", account, resource, cfn_type, name)
