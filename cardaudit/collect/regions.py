"""Which regions an audit reads: the account's enabled regions unless the user names them."""

from __future__ import annotations

from dataclasses import dataclass

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from cardaudit.collect.api import error_code
from cardaudit.collect.session import client
from cardaudit.errors import CollectionSetupError


@dataclass(frozen=True)
class RegionPlan:
    enabled: list[str]  # regions to read
    disabled: list[str]  # requested but not enabled for the account (opt-in regions)


def plan_regions(session: boto3.session.Session, requested: list[str] | None) -> RegionPlan:
    """Ask EC2 which regions the account has enabled; opt-in regions not opted into are excluded.

    moto ignores the opt-in filter, and older partitions omit OptInStatus, so the status is read
    per region rather than filtered server-side.
    """
    home = session.region_name or "us-east-1"
    try:
        regions = client(session, "ec2", home).describe_regions(AllRegions=True)["Regions"]
    except (ClientError, BotoCoreError) as exc:
        code, message = error_code(exc)
        if requested:
            # Cannot tell which are enabled; read what was asked and let each call speak for itself.
            return RegionPlan(enabled=list(requested), disabled=[])
        raise CollectionSetupError(
            f"cannot list the account's regions (ec2:DescribeRegions: {code} {message}); "
            "pass --regions explicitly"
        ) from exc
    enabled = sorted(
        r["RegionName"] for r in regions if r.get("OptInStatus", "opt-in-not-required") != "not-opted-in"
    )
    if not requested:
        return RegionPlan(enabled=enabled, disabled=[])
    return RegionPlan(
        enabled=[r for r in requested if r in enabled],
        disabled=[r for r in requested if r not in enabled],
    )
