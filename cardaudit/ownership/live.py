"""Live CloudFormation stacks as IaC evidence: each stack claims the physical ids of its resources.

Stack tags only reach taggable types, and only where CloudFormation propagates them;
`ListStackResources` names every resource of a stack. Physical ids are names for most types, ARNs
for some (state machines, policies) and queue URLs for SQS: each is claimed the way it is written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cardaudit.models.aws.resource import Unknown
from cardaudit.models.inventory import REGION_NOT_ENABLED
from cardaudit.models.ownership import IacSource
from cardaudit.ownership.iac import Claim, IacClaims, not_read, source_label

if TYPE_CHECKING:
    from cardaudit.models.inventory import Inventory

SAM_TRANSFORM_TAG = "lambda:createdBy"


def _name_of(physical_id: str, cfn_type: str) -> str:
    if cfn_type == "AWS::SQS::Queue" and physical_id.startswith("https://"):
        return physical_id.rstrip("/").rsplit("/", 1)[-1]  # the queue URL ends with its name
    return physical_id


def load_live_stacks(source: IacSource, inventory: Inventory | None) -> IacClaims:
    label = source_label(source)
    if inventory is None:
        return not_read(source, "live CloudFormation stacks are read by an audit; pass --inventory "
                                "from a run to use them")
    stacks = inventory.cloudformation_stacks
    if not stacks.scopes:
        return not_read(source, "this inventory holds no CloudFormation stacks (not collected): "
                                "audit the account again")
    # A region the account has not enabled holds no stack.
    errors = [e for e in stacks.errors if e.code != REGION_NOT_ENABLED]
    if errors:
        return not_read(source, "CloudFormation stacks could not all be listed: "
                                + "; ".join(e.reason for e in errors))
    arns: dict[str, Claim] = {}
    names: dict[tuple[str, str], Claim] = {}
    unread: list[str] = []
    for stack in stacks.items:
        if source.stack is not None and stack.name != source.stack:
            continue
        claim = Claim(source.tool, stack.name, f"stack {stack.name} ({stack.region}, live)")
        arns[stack.arn] = claim
        if isinstance(stack.resources, Unknown):
            unread.append(f"stack {stack.name}: {stack.resources.reason}")
            continue
        for res in stack.resources:
            if not res.physical_id:
                continue
            if res.physical_id.startswith("arn:"):
                arns.setdefault(res.physical_id, claim)
            names.setdefault((res.type, _name_of(res.physical_id, res.type)), claim)
    if unread:
        return not_read(source, "the resources of some stacks could not be listed: " + "; ".join(unread))
    return IacClaims(source, label, arns, names, note=f"{len(stacks.items)} live stack(s) read")
