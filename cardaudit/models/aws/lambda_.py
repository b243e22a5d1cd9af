"""Lambda: functions, the shape of their environment variables, their URL and resource policy."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from cardaudit.models.aws.policy import PolicyStatement
from cardaudit.models.aws.resource import AwsResource, Unknown
from cardaudit.models.containers import EnvVar
from cardaudit.models.resource_type import ResourceType


class LambdaFunction(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::Lambda::Function", slice="lambda_functions", service="lambda", regional=True,
        arn=("lambda", "function"), asff_type="AwsLambdaFunction",
        iac_name_types=("aws:lambda/function:Function", "aws_lambda_function"),
        operations=("lambda:ListFunctions", "lambda:ListTags", "lambda:GetFunctionUrlConfig", "lambda:GetPolicy"),
    )

    runtime: str | None = None  # None for container-image functions (package type Image)
    handler: str | None = None  # None for container-image functions
    package_type: str = "Zip"
    role: str | None = None
    environment: list[EnvVar] = Field(default_factory=list)
    kms_key_arn: str | None = None  # customer managed key for environment variables; None: AWS managed key
    vpc_id: str | None = None  # None: not attached to a VPC
    subnet_ids: list[str] = Field(default_factory=list)
    # AuthType of the function's own URL (AWS_IAM or NONE); None: the function has no URL.
    url_auth_type: str | Unknown | None = None
    # The function's resource-based policy; None: it has none.
    policy: list[PolicyStatement] | Unknown | None = None
