"""Ownership gap kind about access: who can change a resource, compared with who owns it.

Computed by `cardaudit.ownership.access` in the attribute stage; declared here like the other gap kinds.
"""

from __future__ import annotations

from cardaudit.engine.registry import gap
from cardaudit.models.base import Severity

WRITE_OUTSIDE = gap(
    "ownership_write_access_outside_ownership", severity=Severity.HIGH, resource_type="AWS::IAM::Role",
    title="A team's IAM roles cannot change resources another team owns",
    doc="""What it checks:
    For each IAM role a team declares as its own (`teams.<team>.principals`: role names or ARNs,
    IAM Identity Center permission sets), whether its identity policies (inline and attached
    customer managed) allow a write, permissions-management or tagging action on a resource whose
    owner in ownership.yaml is another team. A FAIL names each resource, the actions and the
    granting statement (policy, Sid or index, action and resource patterns). Conditions are not
    evaluated and service control policies, permission boundaries, resource policies and session
    policies are not read: a grant that a condition decides, or a role with a policy that could not
    be read, is NOT_ASSESSED; so is a team that declares no principals.

    Why it matters:
    The owner of a resource answers for its changes. When another team's role can change it too,
    changes bypass the owner's review, and two teams each assume the other controls it.

    How to fix:
    Narrow the granting statement to read and pipeline-run actions (Describe*, Get*, List*,
    codepipeline:StartPipelineExecution) or to the team's own resources by ARN, or move the
    resource's ownership to the team that really changes it.
    """)
