"""Security Hub: whether it is enabled in each region, and the standards it runs there."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from cardaudit.models.aws.resource import AwsResource, Unknown
from cardaudit.models.base import Frozen
from cardaudit.models.resource_type import ResourceType


class StandardSubscription(Frozen):
    standards_arn: str  # arn:aws:securityhub:<region>::standards/pci-dss/v/4.0.1
    status: str  # PENDING, READY, FAILED, DELETING, INCOMPLETE


class SecurityHubHub(AwsResource):
    """Security Hub in one region; one resource per region read, enabled or not.

    `arn` is the hub's ARN (`arn:aws:securityhub:<region>:<account>:hub/default`), which is also the
    ARN the hub would have in a region where it is not enabled; `name` is `securityhub-<region>`.
    """

    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::SecurityHub::Hub", slice="securityhub_hubs", service="securityhub", regional=True,
        arn=("securityhub", "hub"),
        # Tags are not read: the hub is an account setting, routed by its type.
        operations=("securityhub:DescribeHub", "securityhub:GetEnabledStandards"),
    )

    enabled: bool  # DescribeHub answered; InvalidAccessException means the account is not subscribed
    subscribed_at: str | None = None
    standards: list[StandardSubscription] | Unknown = Field(default_factory=list)
