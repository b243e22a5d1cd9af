"""AWS's own verdicts on the account, imported read-only as a second source beside cardaudit's checks.

Security Hub's PCI DSS v4.0.1 control results, AWS Config conformance-pack results and Inspector's
active critical and high findings say what AWS thinks of a resource. They never replace a check
and never change an item's status: the report lists them under the items their control maps to,
and flags each resource where AWS and cardaudit disagree.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from cardaudit.models.base import Frozen
from cardaudit.models.enums import Status

VerdictSource = Literal["securityhub", "config", "inspector2"]
VERDICT_SOURCES: tuple[VerdictSource, ...] = ("securityhub", "config", "inspector2")
# AWS's words for a result, reduced to Security Hub's: Config's COMPLIANT is PASSED, NON_COMPLIANT
# FAILED, NOT_APPLICABLE and INSUFFICIENT_DATA NOT_AVAILABLE; an active Inspector finding is FAILED.
AwsStatus = Literal["PASSED", "FAILED", "WARNING", "NOT_AVAILABLE"]


class AwsVerdict(Frozen):
    source: VerdictSource
    control: str  # Security Hub control (S3.5), Config rule name, or Inspector vulnerability id
    title: str = ""
    resource_id: str  # an ARN where AWS gives one (Security Hub, Inspector); Config's resource id otherwise
    resource_type: str = ""  # as the source names it (AwsS3Bucket, AWS::S3::Bucket, AWS_ECR_CONTAINER_IMAGE)
    account: str
    region: str
    status: AwsStatus
    severity: str = ""
    updated_at: datetime | None = None
    items: list[str] = Field(default_factory=list)  # catalogue items its control maps to, set when attached


class VerdictRead(Frozen):
    """One source in one account and region: read (with how many verdicts) or not, and why."""

    source: VerdictSource
    account: str
    region: str
    read: bool
    count: int = 0
    reason: str = ""  # why it could not be read: the operation and AWS's error code


class Disagreement(Frozen):
    """AWS and cardaudit judge the same resource oppositely for the same PCI item."""

    item: str
    resource: str
    check_id: str
    ours: Status
    source: VerdictSource
    control: str
    theirs: AwsStatus


class AwsVerdicts(Frozen):
    verdicts: list[AwsVerdict] = Field(default_factory=list)
    reads: list[VerdictRead] = Field(default_factory=list)
    disagreements: list[Disagreement] = Field(default_factory=list)

    @property
    def attempted(self) -> bool:
        return bool(self.reads)

    def unread(self) -> list[VerdictRead]:
        return [r for r in self.reads if not r.read]
