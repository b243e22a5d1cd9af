"""API Gateway REST APIs: their stages (logging, WAF) and custom domain names (TLS policy).

API Gateway ARNs carry no account and a path: `arn:aws:apigateway:<region>::/restapis/<id>/stages/<name>`
and `arn:aws:apigateway:<region>::/domainnames/<name>`; `cardaudit.arns` reads the first path segment
as the type.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from cardaudit.models.aws.resource import AwsResource
from cardaudit.models.resource_type import ResourceType

# The REST API reads are all `apigateway:GET` in IAM.
_GET = "apigateway:GET"


class ApiGatewayStage(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::ApiGateway::Stage", slice="apigateway_stages", service="apigateway", regional=True,
        arn=("apigateway", "restapis"), asff_type="AwsApiGatewayStage",
        operations=("apigateway:GetRestApis", "apigateway:GetStages"),
        iam_actions=(("apigateway:GetRestApis", _GET), ("apigateway:GetStages", _GET)),
    )

    api_id: str
    api_name: str
    stage_name: str
    endpoint_types: list[str] = Field(default_factory=list)  # EDGE, REGIONAL, PRIVATE
    access_log_destination: str | None = None
    execution_logging_level: str | None = None  # methodSettings "*/*" loggingLevel: OFF, ERROR, INFO
    client_certificate_id: str | None = None
    web_acl_arn: str | None = None

    @property
    def internet_facing(self) -> bool:
        """A PRIVATE API is reached only through VPC endpoints."""
        return "PRIVATE" not in self.endpoint_types


class ApiGatewayDomainName(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::ApiGateway::DomainName", slice="apigateway_domain_names", service="apigateway",
        regional=True, arn=("apigateway", "domainnames"),
        operations=("apigateway:GetDomainNames",), iam_actions=(("apigateway:GetDomainNames", _GET),),
    )

    security_policy: str  # TLS_1_0, TLS_1_2, or an enhanced policy name (SecurityPolicy_TLS13_1_2_...)
    endpoint_types: list[str] = Field(default_factory=list)
