"""The AWS operations cardaudit may call, and the IAM policy that allows them, from the declarations.

Each resource type declares the operations its collector calls (`ResourceType.operations`); a run
adds a few calls of its own, listed here. `docs/iam-policy.json` is rendered from both, and a test
keeps the file equal to the rendering. Regenerate it with:

    cardaudit iam-policy > docs/iam-policy.json   (or: python -m cardaudit.collect.policy)
"""

from __future__ import annotations

import json

from cardaudit.collect.awsverdicts import VERDICT_OPERATIONS
from cardaudit.models.inventory import resource_types

# Calls a run makes outside any resource type: who the caller is, which regions are enabled,
# which accounts the organization has, and the audit role to assume in each of them.
SETUP_OPERATIONS = ("sts:GetCallerIdentity", "sts:AssumeRole", "organizations:ListAccounts", "ec2:DescribeRegions")


def resource_operations() -> frozenset[str]:
    """Every operation a collector calls, as `<IAM prefix>:<Operation>` (`states:DescribeStateMachine`)."""
    return frozenset(op for t in resource_types() for op in t.operations)


def declared_operations() -> frozenset[str]:
    """Every AWS operation cardaudit may call: what an allow-list of the read-only guard would hold."""
    return resource_operations() | frozenset(SETUP_OPERATIONS) | frozenset(VERDICT_OPERATIONS)


def iam_actions() -> list[str]:
    """The IAM actions of the shipped policy: setup calls first, then each type's, without repeats."""
    ordered = [*SETUP_OPERATIONS, *(action for t in resource_types() for action in t.policy_actions()),
               *VERDICT_OPERATIONS]
    return list(dict.fromkeys(ordered))


def render_policy() -> str:
    """docs/iam-policy.json, byte for byte."""
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "CardauditReadOnly", "Effect": "Allow", "Action": iam_actions(), "Resource": "*"},
        ],
    }
    return json.dumps(policy, indent=2) + "\n"


if __name__ == "__main__":
    print(render_policy(), end="")
