"""Systems Manager: managed instances and their Patch Manager state."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from cardaudit.models.aws.resource import AwsResource, Unknown
from cardaudit.models.base import Frozen
from cardaudit.models.resource_type import ResourceType


class PatchState(Frozen):
    """What Patch Manager last recorded for one instance (DescribeInstancePatchStates)."""

    baseline_id: str = ""
    operation: str = ""  # Scan or Install
    operation_end: datetime | None = None
    missing: int = 0
    failed: int = 0
    installed_pending_reboot: int = 0
    installed_rejected: int = 0
    critical_non_compliant: int = 0
    security_non_compliant: int = 0


class SsmManagedInstance(AwsResource):
    """One instance Systems Manager manages (EC2 or hybrid).

    Its ARN is `arn:aws:ssm:<region>:<account>:managed-instance/<id>`: AWS's own for hybrid
    instances (mi-...), cardaudit's name for an EC2 instance (i-...), whose AWS ARN is EC2's.
    """

    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::SSM::ManagedInstance", slice="ssm_managed_instances", service="ssm", regional=True,
        arn=("ssm", "managed-instance"),
        operations=("ssm:DescribeInstanceInformation", "ssm:DescribeInstancePatchStates"),
    )

    ping_status: str = ""  # Online, ConnectionLost, Inactive
    platform: str = ""  # Linux, Windows, MacOS
    resource_kind: str = ""  # EC2Instance, ManagedInstance
    # None: Patch Manager has recorded no patch state for it (never scanned).
    patch: PatchState | Unknown | None = None
