"""The declaration of one AWS resource type: everything cardaudit needs to know about it, in one place.

Each `AwsResource` model carries its `ResourceType` as the class variable `resource_type` (as Cloud
Custodian's resource managers carry theirs). The hand-kept tables that used to repeat this
knowledge are derived from the declarations instead: the ARN parser, the ASFF resource types,
the IaC name index, the collectors' service list, the shipped IAM policy and the resource-types
reference page.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ResourceType:
    """One AWS resource type as cardaudit collects it.

    `operations` are the API operations its collector calls, written `<IAM prefix>:<Operation>`
    (`states:DescribeStateMachine`, `s3:ListBuckets`): the service prefix is the one IAM and the
    request signer use, and the operation name is the one botocore's `before-call` event carries.
    For almost every operation that is also the IAM action; `iam_actions` lists the exceptions,
    where IAM names the permission differently (`s3:ListBuckets` needs `s3:ListAllMyBuckets`).
    """

    cfn_type: str  # as CloudFormation names it: "AWS::RDS::DBCluster"
    slice: str  # the Inventory field holding these resources
    service: str  # the boto3 client that reads them: "stepfunctions"
    regional: bool  # False: read once per account (IAM; S3 lists every bucket from one region)
    arn: tuple[str, str]  # ARN service and resource-type prefix: ("states", "stateMachine"), ("s3", "")
    operations: tuple[str, ...]
    asff_type: str | None = None  # Security Hub's name for it; None is "Other"
    # Infrastructure-as-code resource types whose id is this resource's cardaudit name, so that an
    # IaC state claims the resource by name (Pulumi "aws:s3/bucketV2:BucketV2", Terraform "aws_s3_bucket").
    iac_name_types: tuple[str, ...] = ()
    iam_actions: tuple[tuple[str, str], ...] = ()  # (operation, IAM action) where the two names differ

    def iam_action(self, operation: str) -> str:
        """The IAM action that allows one of this type's operations."""
        return dict(self.iam_actions).get(operation, operation)

    def policy_actions(self) -> tuple[str, ...]:
        """The IAM actions its collection needs, in the order of `operations`."""
        return tuple(self.iam_action(op) for op in self.operations)
