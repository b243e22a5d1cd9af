"""ECS: task definitions, clusters and services."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from cardaudit.models.aws.resource import AwsResource
from cardaudit.models.containers import EcsContainer
from cardaudit.models.resource_type import ResourceType


class EcsTaskDefinition(AwsResource):
    """The latest ACTIVE revision of one task-definition family."""

    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::ECS::TaskDefinition", slice="ecs_task_definitions", service="ecs", regional=True,
        arn=("ecs", "task-definition"), asff_type="AwsEcsTaskDefinition",
        operations=("ecs:ListTaskDefinitions", "ecs:DescribeTaskDefinition"),
    )

    family: str
    revision: int
    containers: list[EcsContainer]
    network_mode: str | None = None
    execution_role_arn: str | None = None
    task_role_arn: str | None = None
    requires_compatibilities: list[str] = Field(default_factory=list)
    # Namespaces shared with the host or other tasks: "host" or "task"; None is ECS's default
    # (a private namespace per container).
    pid_mode: str | None = None
    ipc_mode: str | None = None
    # runtimePlatform.operatingSystemFamily (LINUX, WINDOWS_SERVER_2022_CORE...); None when not given.
    os_family: str | None = None


class EcsCluster(AwsResource):
    """A cluster; `container_insights` is None when DescribeClusters gave no containerInsights setting."""

    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::ECS::Cluster", slice="ecs_clusters", service="ecs", regional=True,
        arn=("ecs", "cluster"), asff_type="AwsEcsCluster",
        operations=("ecs:ListClusters", "ecs:DescribeClusters"),
    )

    container_insights: bool | None = None
    container_insights_setting: str | None = None  # as AWS gives it: enabled, enhanced or disabled


class EcsService(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::ECS::Service", slice="ecs_services", service="ecs", regional=True,
        arn=("ecs", "service"), asff_type="AwsEcsService",
        # Services are listed per cluster.
        operations=("ecs:ListClusters", "ecs:ListServices", "ecs:DescribeServices"),
    )

    cluster_arn: str
    task_definition_arn: str
    launch_type: str | None = None
    assign_public_ip: bool = False
