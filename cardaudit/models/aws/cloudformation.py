"""CloudFormation: live stacks and the physical ids of the resources each one manages.

Read for ownership provenance: a stack's resources are claimed by that stack even when their
type carries no `aws:cloudformation:*` tag.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from cardaudit.models.aws.resource import AwsResource, Unknown
from cardaudit.models.base import Frozen
from cardaudit.models.resource_type import ResourceType


class StackResource(Frozen):
    logical_id: str
    type: str  # AWS::Lambda::Function
    physical_id: str | None = None  # a name, an ARN or a URL, as the type defines it


class CloudFormationStack(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::CloudFormation::Stack", slice="cloudformation_stacks", service="cloudformation",
        regional=True, arn=("cloudformation", "stack"), asff_type=None,
        operations=("cloudformation:DescribeStacks", "cloudformation:ListStackResources"),
    )

    status: str = ""
    resources: list[StackResource] | Unknown = Field(default_factory=list)
