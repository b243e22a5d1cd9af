"""CloudFormation: live stacks and their resources' physical ids (for IaC provenance)."""

from __future__ import annotations

from typing import Any

from cardaudit.collect.api import Api, tag_dict
from cardaudit.models.aws.cloudformation import CloudFormationStack, StackResource
from cardaudit.models.aws.resource import AwsResource

# A deleted stack manages nothing any more; DescribeStacks omits those unless asked by id.
_GONE = frozenset({"DELETE_COMPLETE"})


def collect_cloudformation(api: Api) -> dict[str, list[AwsResource]]:
    def read(stack: dict[str, Any]) -> AwsResource:
        arn = stack["StackId"]
        resources = api.contained(lambda: [
            StackResource(logical_id=r["LogicalResourceId"], type=r["ResourceType"],
                          physical_id=r.get("PhysicalResourceId"))
            for r in api.pages("list_stack_resources", "StackResourceSummaries", StackName=arn)])
        return CloudFormationStack(
            arn=arn, account=api.account, region=api.region, name=stack["StackName"],
            tags=tag_dict(stack.get("Tags")), status=str(stack.get("StackStatus", "")), resources=resources,
        )

    stacks = [s for s in api.pages("describe_stacks", "Stacks") if s.get("StackStatus") not in _GONE]
    return {"cloudformation_stacks": api.each(read, stacks)}
