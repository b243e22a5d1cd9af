"""Lambda: functions with the shape (never the value) of their environment variables."""

from __future__ import annotations

from typing import Any

from cardaudit.collect.api import Api
from cardaudit.models.aws.lambda_ import LambdaFunction
from cardaudit.models.aws.resource import AwsResource
from cardaudit.redact import env_var


def collect_lambda(api: Api) -> dict[str, list[AwsResource]]:
    def read(f: dict[str, Any]) -> AwsResource:
        env = (f.get("Environment") or {}).get("Variables") or {}
        return LambdaFunction(
            arn=f["FunctionArn"], account=api.account, region=api.region, name=f["FunctionName"],
            tags=api.detail("list_tags", lambda r: dict(r.get("Tags", {})), Resource=f["FunctionArn"]),
            runtime=f.get("Runtime"), role=f.get("Role"), kms_key_arn=f.get("KMSKeyArn"),
            environment=[env_var(k, str(v)) for k, v in sorted(env.items())],
        )

    return {"lambda_functions": api.each(read, api.pages("list_functions", "Functions"))}
