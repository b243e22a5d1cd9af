"""S3 account settings: the account's Block Public Access configuration (s3control), one per account."""

from __future__ import annotations

import ipaddress
import re
from typing import Any
from urllib.parse import urlsplit

from cardaudit.collect.api import Api
from cardaudit.models.inventory import AwsResource, PublicAccessBlock, S3AccountPublicAccessBlock

# AWS answers NoSuchPublicAccessBlockConfiguration for an account that never set it: every setting off.
_NOT_CONFIGURED: dict[str, PublicAccessBlock] = {"NoSuchPublicAccessBlockConfiguration":
                                                 PublicAccessBlock(configured=False)}
_ACCOUNT_HOST = re.compile(r"//\d{12}\.")


def _settings(resp: dict[str, Any]) -> PublicAccessBlock:
    conf = resp["PublicAccessBlockConfiguration"]
    return PublicAccessBlock(
        block_public_acls=bool(conf.get("BlockPublicAcls", False)),
        ignore_public_acls=bool(conf.get("IgnorePublicAcls", False)),
        block_public_policy=bool(conf.get("BlockPublicPolicy", False)),
        restrict_public_buckets=bool(conf.get("RestrictPublicBuckets", False)),
    )


def _local(endpoint: str | None) -> bool:
    host = urlsplit(endpoint or "").hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _to_endpoint_itself(request: Any, **_: Any) -> None:
    request.url = _ACCOUNT_HOST.sub("//", request.url, count=1)


def _reach_local_emulator(client: Any) -> None:
    """s3control puts the account id in front of the host name (`<account>.s3-control...`). With
    AWS_ENDPOINT_URL on a local emulator (the demo's `--serve`, moto, LocalStack) that name does
    not resolve, so the request goes to the endpoint itself. Never for an AWS endpoint."""
    if _local(client.meta.endpoint_url):
        client.meta.events.register("before-send.s3-control.*", _to_endpoint_itself,
                                    unique_id="cardaudit-s3control-local-endpoint")


def collect_s3control(api: Api) -> dict[str, list[AwsResource]]:
    _reach_local_emulator(api.client)
    settings = api.detail("get_public_access_block", _settings, AccountId=api.account, absent=_NOT_CONFIGURED)
    arn = f"arn:aws:s3::{api.account}:account-public-access-block/{api.account}"
    return {"s3_account_public_access_blocks": [
        S3AccountPublicAccessBlock(arn=arn, account=api.account, region=api.region, name=api.account,
                                   settings=settings)]}
