"""Lambda: functions, the shape of their environment variables, their URL and resource policy."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from cardaudit.models.aws.resource import AwsResource, Unknown
from cardaudit.models.base import Frozen
from cardaudit.models.containers import EnvVar
from cardaudit.models.resource_type import ResourceType

# Condition keys that tie a `"Principal": "*"` grant to a known caller (an account, an organization,
# a source ARN or network): with one of them the statement is not open to everyone.
SOURCE_CONDITION_KEYS = frozenset({
    "aws:sourcearn", "aws:sourceaccount", "aws:sourceowner", "aws:principalorgid", "aws:principalorgpaths",
    "aws:principalaccount", "aws:principalarn", "aws:sourcevpc", "aws:sourcevpce", "aws:sourceip",
    "aws:sourceorgid", "aws:sourceorgpaths",
})


class PolicyStatement(Frozen):
    """One statement of a resource policy, as far as "who may call" goes."""

    sid: str = ""
    effect: str
    principals: list[str] = Field(default_factory=list)  # "*" for everyone, else ARNs, account ids, services
    actions: list[str] = Field(default_factory=list)
    condition_keys: list[str] = Field(default_factory=list)  # lower case, e.g. aws:sourcearn

    @property
    def public(self) -> bool:
        """Allows anyone (principal `*`) with no condition that names the caller's account, org or source."""
        return (self.effect == "Allow" and "*" in self.principals
                and not SOURCE_CONDITION_KEYS & set(self.condition_keys))

    @classmethod
    def parse(cls, raw: dict[str, Any]) -> PolicyStatement:
        principal = raw.get("Principal")
        principals: list[str] = []
        if isinstance(principal, str):
            principals = [principal]
        elif isinstance(principal, dict):
            for value in principal.values():
                principals += [value] if isinstance(value, str) else [str(v) for v in value or []]
        actions = raw.get("Action", [])
        condition = raw.get("Condition") or {}
        keys = sorted({str(k).lower() for block in condition.values() if isinstance(block, dict) for k in block})
        return cls(sid=str(raw.get("Sid", "")), effect=str(raw.get("Effect", "")), principals=principals,
                   actions=[actions] if isinstance(actions, str) else [str(a) for a in actions], condition_keys=keys)


def parse_policy(document: dict[str, Any]) -> list[PolicyStatement]:
    statements = document.get("Statement", [])
    return [PolicyStatement.parse(s) for s in ([statements] if isinstance(statements, dict) else statements)]


class LambdaFunction(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::Lambda::Function", slice="lambda_functions", service="lambda", regional=True,
        arn=("lambda", "function"), asff_type="AwsLambdaFunction",
        iac_name_types=("aws:lambda/function:Function", "aws_lambda_function"),
        operations=("lambda:ListFunctions", "lambda:ListTags", "lambda:GetFunctionUrlConfig", "lambda:GetPolicy"),
    )

    runtime: str | None = None  # None for container-image functions (package type Image)
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
