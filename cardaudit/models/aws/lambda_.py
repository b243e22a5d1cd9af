"""Lambda: functions and the shape of their environment variables."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from cardaudit.models.aws.resource import AwsResource
from cardaudit.models.containers import EnvVar
from cardaudit.models.resource_type import ResourceType


class LambdaFunction(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::Lambda::Function", slice="lambda_functions", service="lambda", regional=True,
        arn=("lambda", "function"), asff_type="AwsLambdaFunction",
        iac_name_types=("aws:lambda/function:Function", "aws_lambda_function"),
        operations=("lambda:ListFunctions", "lambda:ListTags"),
    )

    runtime: str | None = None
    role: str | None = None
    environment: list[EnvVar] = Field(default_factory=list)
    kms_key_arn: str | None = None
