"""RDS: DB instances and DB clusters (Aurora and Multi-AZ clusters)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from cardaudit.models.aws.resource import AwsResource
from cardaudit.models.resource_type import ResourceType


class RdsInstance(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::RDS::DBInstance", slice="rds_instances", service="rds", regional=True,
        arn=("rds", "db"), asff_type="AwsRdsDbInstance",
        # Not Terraform's aws_db_instance: its id is the DbiResourceId ("db-..."), not the identifier.
        iac_name_types=("aws:rds/instance:Instance",),
        operations=("rds:DescribeDBInstances",),
    )

    engine: str
    storage_encrypted: bool
    kms_key_id: str | None = None
    publicly_accessible: bool = False
    # None: read from an inventory saved before cardaudit collected it.
    deletion_protection: bool | None = None
    # The DB cluster this instance belongs to (Aurora, Multi-AZ DB cluster): the cluster holds its
    # data and its deletion protection.
    cluster: str | None = None


class RdsCluster(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::RDS::DBCluster", slice="rds_clusters", service="rds", regional=True,
        arn=("rds", "cluster"), asff_type="AwsRdsDbCluster",
        iac_name_types=("aws:rds/cluster:Cluster", "aws_rds_cluster"),
        operations=("rds:DescribeDBClusters",),
    )

    engine: str
    deletion_protection: bool
    members: list[str] = Field(default_factory=list)  # DB instance identifiers
