"""Lambda: functions with the shape (never the value) of their environment variables, their URL and policy."""

from __future__ import annotations

import json
from typing import Any

from cardaudit.collect.api import Api
from cardaudit.models.aws.lambda_ import LambdaFunction
from cardaudit.models.aws.policy import PolicyStatement, parse_policy
from cardaudit.models.aws.resource import AwsResource
from cardaudit.redact import env_var

# GetFunctionUrlConfig and GetPolicy answer ResourceNotFoundException when the function has no URL
# or no resource policy (the function itself was just listed).
_NONE = "ResourceNotFoundException"


def _policy(response: dict[str, Any]) -> list[PolicyStatement]:
    return parse_policy(json.loads(response["Policy"]))


def collect_lambda(api: Api) -> dict[str, list[AwsResource]]:
    def read(f: dict[str, Any]) -> AwsResource:
        env = (f.get("Environment") or {}).get("Variables") or {}
        vpc = f.get("VpcConfig") or {}
        name = f["FunctionName"]
        return LambdaFunction(
            arn=f["FunctionArn"], account=api.account, region=api.region, name=name,
            tags=api.detail("list_tags", lambda r: dict(r.get("Tags", {})), Resource=f["FunctionArn"]),
            runtime=f.get("Runtime"), handler=f.get("Handler"), package_type=f.get("PackageType") or "Zip",
            role=f.get("Role"),
            kms_key_arn=f.get("KMSKeyArn"),
            environment=[env_var(k, str(v)) for k, v in sorted(env.items())],
            # AWS answers VpcId "" and empty lists for a function outside any VPC.
            vpc_id=vpc.get("VpcId") or None, subnet_ids=list(vpc.get("SubnetIds") or []),
            url_auth_type=api.detail("get_function_url_config", lambda r: str(r["AuthType"]), absent={_NONE: None},
                                     FunctionName=name),
            policy=api.detail("get_policy", _policy, absent={_NONE: None}, FunctionName=name),
        )

    return {"lambda_functions": api.each(read, api.pages("list_functions", "Functions"))}
