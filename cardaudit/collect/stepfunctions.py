"""Step Functions: state machines and their execution logging level."""

from __future__ import annotations

from typing import Any

from cardaudit.collect.api import Api, tag_dict
from cardaudit.models.aws.resource import AwsResource
from cardaudit.models.aws.stepfunctions import StateMachine


def collect_stepfunctions(api: Api) -> dict[str, list[AwsResource]]:
    def read(sm: dict[str, Any]) -> AwsResource:
        arn = sm["stateMachineArn"]
        return StateMachine(
            arn=arn, account=api.account, region=api.region, name=sm["name"],
            tags=api.detail("list_tags_for_resource", lambda r: tag_dict(r.get("tags"), "key", "value"),
                            resourceArn=arn),
            logging_level=api.detail("describe_state_machine",
                                     lambda r: str((r.get("loggingConfiguration") or {}).get("level", "OFF")),
                                     stateMachineArn=arn),
        )

    return {"sfn_state_machines": api.each(read, api.pages("list_state_machines", "stateMachines"))}
