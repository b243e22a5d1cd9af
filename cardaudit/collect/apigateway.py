"""API Gateway REST APIs: stages (access logs, execution logging, WAF) and custom domain names.

GetStages lists every stage of one API at once (it has no pages); a failure there leaves the stage
slice blind in the region, as any list call does. Domain names are a separate collect function,
so a refused GetDomainNames blinds only them.
"""

from __future__ import annotations

from typing import Any

from cardaudit.collect.api import Api
from cardaudit.models.aws.apigateway import ApiGatewayDomainName, ApiGatewayStage
from cardaudit.models.aws.resource import AwsResource

ALL_METHODS = "*/*"  # the methodSettings key of the stage-wide settings


def collect_apigateway_stages(api: Api) -> dict[str, list[AwsResource]]:
    apis = api.pages("get_rest_apis", "items")

    def stages(rest: dict[str, Any]) -> list[AwsResource]:
        out: list[AwsResource] = []
        types = list((rest.get("endpointConfiguration") or {}).get("types") or [])
        for stage in api.call("get_stages", restApiId=rest["id"])["item"]:
            name = stage["stageName"]
            logs = stage.get("accessLogSettings") or {}
            settings = (stage.get("methodSettings") or {}).get(ALL_METHODS) or {}
            out.append(ApiGatewayStage(
                arn=f"arn:aws:apigateway:{api.region}::/restapis/{rest['id']}/stages/{name}", account=api.account,
                region=api.region, name=f"{rest.get('name', rest['id'])}/{name}",
                # Teams tag the API more often than each stage: the stage's own tags win.
                tags={**(rest.get("tags") or {}), **(stage.get("tags") or {})},
                api_id=rest["id"], api_name=rest.get("name", ""), stage_name=name, endpoint_types=types,
                access_log_destination=logs.get("destinationArn") or None,
                execution_logging_level=settings.get("loggingLevel"),
                client_certificate_id=stage.get("clientCertificateId") or None,
                web_acl_arn=stage.get("webAclArn") or None,
            ))
        return out

    return {"apigateway_stages": [stage for found in api.each(stages, apis) for stage in found]}


def collect_apigateway_domains(api: Api) -> dict[str, list[AwsResource]]:
    def domain(d: dict[str, Any]) -> AwsResource:
        name = d["domainName"]
        return ApiGatewayDomainName(
            arn=f"arn:aws:apigateway:{api.region}::/domainnames/{name}", account=api.account, region=api.region,
            name=name, tags=dict(d.get("tags") or {}), security_policy=d.get("securityPolicy", ""),
            endpoint_types=list((d.get("endpointConfiguration") or {}).get("types") or []),
        )

    return {"apigateway_domain_names": [domain(d) for d in api.pages("get_domain_names", "items")]}
