"""Step Functions: state machines and their execution logging."""

from __future__ import annotations

from typing import ClassVar

from cardaudit.models.aws.resource import AwsResource, Unknown
from cardaudit.models.resource_type import ResourceType


class StateMachine(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::StepFunctions::StateMachine", slice="sfn_state_machines", service="stepfunctions",
        regional=True, arn=("states", "stateMachine"), asff_type="AwsStepFunctionStateMachine",
        operations=("states:ListStateMachines", "states:ListTagsForResource", "states:DescribeStateMachine"),
    )

    logging_level: str | Unknown = "OFF"
