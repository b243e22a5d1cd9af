"""API Gateway REST APIs: stage access logs, WAF in front of public stages, TLS of custom domains."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cardaudit.engine.registry import check
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.models.inventory import ApiGatewayDomainName, ApiGatewayStage

# Enhanced security policies name their minimum after the TLS 1.3 / 1.2 family:
# SecurityPolicy_TLS13_1_2_2021_06 accepts TLS 1.2 and later, SecurityPolicy_TLS13_1_0_... TLS 1.0.
_ENHANCED = re.compile(r"^SecurityPolicy_TLS1[23]_1_(\d)")


def _minimum_tls(policy: str) -> int | None:
    """The minor version of the lowest TLS 1.x the policy accepts, or None when not recognised."""
    if policy in ("TLS_1_0", "TLS_1_2"):
        return int(policy[-1])
    match = _ENHANCED.match(policy)
    return int(match.group(1)) if match else None


@check(
    title="API Gateway stages write access logs",
    severity=Severity.MEDIUM, category="logging", resource_type="AWS::ApiGateway::Stage",
    needs=("apigateway_stages",),
)
def apigateway_stage_access_logging_enabled(stages: list[ApiGatewayStage]) -> Iterator[Result]:
    """What it checks:
    Each REST API stage has access logging configured (accessLogSettings.destinationArn, a
    CloudWatch Logs group or Firehose stream). Execution logging (methodSettings loggingLevel)
    is reported as evidence only: it is for debugging and does not record who called.

    Why it matters:
    The access log is the record of each call to the API: caller, source address, time, path
    and status, which reconstructing access to card data through the API needs.

    How to fix:
    `aws apigateway update-stage --patch-operations op=replace,path=/accessLogSettings/destinationArn,value=<arn>`
    and a format with at least requestId, sourceIp, caller/identity, requestTime, routeKey and status.
    """
    for stage in stages:
        level = stage.execution_logging_level or "OFF"
        if stage.access_log_destination:
            yield Result.passed(stage.ref(), "access logging on", destination=stage.access_log_destination,
                                execution_logging=level)
        else:
            yield Result.failed(stage.ref(), "no access log destination", execution_logging=level)


@check(
    title="Public API Gateway stages are protected by an AWS WAF web ACL",
    severity=Severity.MEDIUM, category="network", resource_type="AWS::ApiGateway::Stage",
    needs=("apigateway_stages",),
)
def apigateway_stage_waf_protected(stages: list[ApiGatewayStage]) -> Iterator[Result]:
    """What it checks:
    Each stage of an EDGE or REGIONAL REST API names a web ACL (webAclArn). Stages of PRIVATE
    APIs, reachable only through VPC endpoints, are not judged.

    Why it matters:
    A public API is a web application on the internet: an automated layer that detects and
    blocks web attacks belongs in front of it.

    How to fix:
    `aws wafv2 associate-web-acl --web-acl-arn <acl> --resource-arn
    arn:aws:apigateway:<region>::/restapis/<id>/stages/<stage>`.
    """
    for stage in stages:
        if not stage.internet_facing:
            continue
        if stage.web_acl_arn:
            yield Result.passed(stage.ref(), "web ACL associated", web_acl=stage.web_acl_arn)
        else:
            yield Result.failed(stage.ref(), "no web ACL associated", endpoint_types=stage.endpoint_types)


@check(
    title="API Gateway custom domain names accept TLS 1.2 or later",
    severity=Severity.HIGH, category="encryption", resource_type="AWS::ApiGateway::DomainName",
    needs=("apigateway_domain_names",),
)
def apigateway_domain_tls12(domains: list[ApiGatewayDomainName]) -> Iterator[Result]:
    """What it checks:
    Each custom domain name's security policy has TLS 1.2 as its minimum (`TLS_1_2`, or an
    enhanced `SecurityPolicy_TLS13_1_2_*` / `_1_3_*` policy). `TLS_1_0` FAILs; a policy name
    cardaudit does not recognise is NOT_ASSESSED.

    Why it matters:
    The custom domain is where clients reach the API over the internet; TLS 1.0 and 1.1 are not
    strong cryptography for account data.

    How to fix:
    `aws apigateway update-domain-name --domain-name <name> --patch-operations
    op=replace,path=/securityPolicy,value=TLS_1_2`.
    """
    for domain in domains:
        minimum = _minimum_tls(domain.security_policy)
        if minimum is None:
            yield Result.not_assessed(domain.ref(), f"security policy {domain.security_policy or '(none)'} "
                                                    "is not one cardaudit recognises")
        elif minimum >= 2:
            yield Result.passed(domain.ref(), f"security policy {domain.security_policy}",
                                security_policy=domain.security_policy)
        else:
            yield Result.failed(domain.ref(), f"security policy {domain.security_policy} accepts TLS 1.{minimum}",
                                security_policy=domain.security_policy)
