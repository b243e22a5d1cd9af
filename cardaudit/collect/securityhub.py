"""Security Hub: whether it is enabled in each region, and the standards enabled there."""

from __future__ import annotations

from typing import Any

from cardaudit.collect.api import Api
from cardaudit.collect.contain import CallFailed
from cardaudit.models.aws.resource import AwsResource, Unknown
from cardaudit.models.aws.securityhub import SecurityHubHub, StandardSubscription

# DescribeHub's answer where the account has not enabled Security Hub in the region.
NOT_SUBSCRIBED = "InvalidAccessException"


def _standards(api: Api) -> list[StandardSubscription] | Unknown:
    """The enabled standards, or Unknown: a refusal here leaves the hub itself known."""
    return api.contained(lambda: [
        StandardSubscription(standards_arn=str(s["StandardsArn"]), status=str(s["StandardsStatus"]))
        for s in api.pages("get_enabled_standards", "StandardsSubscriptions")])


def _hub(resp: dict[str, Any]) -> dict[str, Any] | None:
    return resp


def collect_securityhub(api: Api) -> dict[str, list[AwsResource]]:
    not_subscribed: dict[str, dict[str, Any] | None] = {NOT_SUBSCRIBED: None}
    hub = api.detail("describe_hub", _hub, absent=not_subscribed)
    if isinstance(hub, Unknown):
        # DescribeHub is this region's only list: unreadable, the region is blind, never "not enabled".
        raise CallFailed(hub.operation, hub.code, hub.message)
    arn = str(hub["HubArn"]) if hub else f"arn:aws:securityhub:{api.region}:{api.account}:hub/default"
    name = f"securityhub-{api.region}"
    if hub is None:
        return {"securityhub_hubs": [SecurityHubHub(arn=arn, account=api.account, region=api.region, name=name,
                                                    enabled=False)]}
    standards = _standards(api)
    return {"securityhub_hubs": [SecurityHubHub(
        arn=arn, account=api.account, region=api.region, name=name, enabled=True,
        subscribed_at=str(hub["SubscribedAt"]) if hub.get("SubscribedAt") else None, standards=standards,
    )]}
