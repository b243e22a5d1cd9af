"""Amazon Inspector: whether it scans EC2, ECR and Lambda in each region of an account."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from cardaudit.models.aws.resource import AwsResource, Unknown
from cardaudit.models.resource_type import ResourceType

# Resource types Inspector scans, as BatchGetAccountStatus names them in `resourceState`.
SCAN_TYPES = ("ec2", "ecr", "lambda", "lambdaCode")


class InspectorAccountStatus(AwsResource):
    """Inspector's activation in one account and region.

    Inspector gives this no ARN: `arn:aws:inspector2:<region>:<account>:account-status/<account>` is
    cardaudit's name for it, and `AWS::InspectorV2::AccountStatus` its type name, not CloudFormation's.
    """

    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::InspectorV2::AccountStatus", slice="inspector_accounts", service="inspector2", regional=True,
        arn=("inspector2", "account-status"), operations=("inspector2:BatchGetAccountStatus",),
    )

    # ENABLED, DISABLED, ENABLING, DISABLING, SUSPENDED, SUSPENDING; Unknown when the account's
    # status could not be read (a failed call, or the account listed among failedAccounts).
    status: str | Unknown
    # Per scan type (ec2, ecr, lambda, lambdaCode): its status.
    resources: dict[str, str] = Field(default_factory=dict)
