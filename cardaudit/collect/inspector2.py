"""Amazon Inspector: the account's activation status in each region."""

from __future__ import annotations

from typing import Any

from cardaudit.collect.api import Api
from cardaudit.models.aws.inspector2 import InspectorAccountStatus
from cardaudit.models.aws.resource import AwsResource, Unknown


def _status(api: Api, response: dict[str, Any]) -> tuple[str | Unknown, dict[str, str]]:
    for failed in response.get("failedAccounts") or []:
        if failed.get("accountId") == api.account:
            return Unknown(operation="inspector2:BatchGetAccountStatus", code=str(failed.get("errorCode", "")),
                           message=str(failed.get("errorMessage", ""))), {}
    for account in response["accounts"]:
        if account.get("accountId") == api.account:
            resources = {str(kind): str((state or {}).get("status", ""))
                         for kind, state in (account.get("resourceState") or {}).items()}
            return str((account.get("state") or {}).get("status", "")), resources
    # A successful answer that does not list the account: Inspector was never enabled there (AWS
    # lists such an account as DISABLED; moto leaves it out).
    return "DISABLED", {}


def collect_inspector2(api: Api) -> dict[str, list[AwsResource]]:
    answer = api.detail("batch_get_account_status", lambda r: _status(api, r), accountIds=[api.account])
    status, resources = (answer, {}) if isinstance(answer, Unknown) else answer
    return {"inspector_accounts": [InspectorAccountStatus(
        arn=f"arn:aws:inspector2:{api.region}:{api.account}:account-status/{api.account}", account=api.account,
        region=api.region, name=f"inspector-{api.region}", status=status, resources=resources)]}
