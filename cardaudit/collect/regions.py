"""Which regions an audit reads: the account's enabled regions unless the user names them.

When `ec2:DescribeRegions` fails and regions were named, they are all read, because each call
then speaks for itself; but none of them is known to be enabled. A failure in such a region keeps
its own code (so account-wide checks stay NOT_ASSESSED there, as a region that may hold resources)
and says that the region could not be verified; it is never taken for a region the account has
not enabled, which account-wide checks would be allowed to ignore.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import boto3

from cardaudit.collect.api import Api
from cardaudit.collect.contain import CallFailed
from cardaudit.collect.deadline import NO_DEADLINE, Deadline
from cardaudit.collect.session import client
from cardaudit.errors import CollectionSetupError
from cardaudit.models.inventory import CollectionError


@dataclass(frozen=True)
class RegionPlan:
    enabled: list[str]  # regions to read
    disabled: list[str]  # requested but not enabled for the account (opt-in regions)
    # Regions read without knowing whether they are enabled, and why that is unknown.
    unverified: list[str] = field(default_factory=list)
    why_unverified: str = ""

    def annotate(self, error: CollectionError) -> CollectionError:
        """A failure in an unverified region, saying the region itself may be the cause."""
        if error.region not in self.unverified:
            return error
        note = f"{error.region} could not be verified as enabled ({self.why_unverified})"
        return error.model_copy(update={"message": f"{error.message} [{note}]"[:600],
                                        "code": f"{error.code} (region not verified)"})


def plan_regions(session: boto3.session.Session, requested: list[str] | None,
                 deadline: Deadline = NO_DEADLINE) -> RegionPlan:
    """Ask EC2 which regions the account has enabled; opt-in regions not opted into are excluded.

    moto ignores the opt-in filter, and older partitions omit OptInStatus, so the status is read
    per region rather than filtered server-side.
    """
    home = session.region_name or "us-east-1"
    api = Api(client(session, "ec2", home), "", home, deadline=deadline)
    try:
        regions = api.pages("describe_regions", "Regions", AllRegions=True)
        names = [(str(r["RegionName"]), r.get("OptInStatus", "opt-in-not-required")) for r in regions]
    except (CallFailed, KeyError, TypeError, AttributeError) as exc:
        failure = api.failed(exc)
        why = f"{failure.operation} failed: {failure.code}"
        if requested:
            # Cannot tell which are enabled; read what was asked and let each call speak for itself.
            return RegionPlan(enabled=list(requested), disabled=[], unverified=list(requested), why_unverified=why)
        raise CollectionSetupError(
            f"cannot list the account's regions ({why} {failure.message}); pass --regions explicitly"
        ) from exc
    enabled = sorted(name for name, status in names if status != "not-opted-in")
    if not requested:
        return RegionPlan(enabled=enabled, disabled=[])
    return RegionPlan(
        enabled=[r for r in requested if r in enabled],
        disabled=[r for r in requested if r not in enabled],
    )
