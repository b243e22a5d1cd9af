"""AWS Config: per region, the configuration recorders, whether they record, and delivery channels."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from cardaudit.models.aws.resource import AwsResource, Unknown
from cardaudit.models.base import Frozen
from cardaudit.models.resource_type import ResourceType


class Recorder(Frozen):
    """One configuration recorder as DescribeConfigurationRecorders describes it."""

    name: str
    all_supported: bool  # recordingGroup.allSupported
    include_global_types: bool  # recordingGroup.includeGlobalResourceTypes
    strategy: str | None = None  # recordingGroup.recordingStrategy.useOnly
    resource_types: list[str] = Field(default_factory=list)  # INCLUSION_BY_RESOURCE_TYPES
    excluded_types: list[str] = Field(default_factory=list)  # EXCLUSION_BY_RESOURCE_TYPES
    service_principal: str | None = None  # set on service-linked recorders, which record for one service


class RecorderStatus(Frozen):
    recording: bool
    last_status: str | None = None  # SUCCESS, PENDING, FAILURE
    last_error_code: str | None = None


class ConfigRecording(AwsResource):
    """The Config recording of one region: one resource per region read, recorder or not.

    `arn` is the customer-managed recorder's ARN when AWS returns one; otherwise cardaudit's name
    `arn:aws:config:<region>:<account>:configuration-recorder/<recorder name>`, and for a region
    without any recorder `arn:aws:config:<region>:<account>:configuration-recorder/none` (not AWS
    ARNs).
    `name` is `config-<region>`, so the regions stay apart in reports.
    """

    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::Config::ConfigurationRecorder", slice="config_recorders", service="config", regional=True,
        arn=("config", "configuration-recorder"),
        operations=("config:DescribeConfigurationRecorders", "config:DescribeConfigurationRecorderStatus",
                    "config:DescribeDeliveryChannels"),
    )

    recorders: list[Recorder] = Field(default_factory=list)
    status: dict[str, RecorderStatus] | Unknown = Field(default_factory=dict)  # by recorder name
    delivery_channels: list[str] | Unknown = Field(default_factory=list)  # channel names
