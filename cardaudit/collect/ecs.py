"""ECS: clusters, services, and the latest active revision of every task definition family."""

from __future__ import annotations

from cardaudit.collect.api import Api, tag_dict
from cardaudit.collect.shapes import container_from_api
from cardaudit.models.inventory import (
    AwsResource,
    EcsCluster,
    EcsService,
    EcsTaskDefinition,
)


def _latest_per_family(arns: list[str]) -> list[str]:
    latest: dict[str, tuple[int, str]] = {}
    for arn in arns:
        family, _, revision = arn.rsplit("/", 1)[-1].rpartition(":")
        rev = int(revision)
        if family not in latest or rev > latest[family][0]:
            latest[family] = (rev, arn)
    return [arn for _, arn in sorted(latest.values(), key=lambda item: item[1])]


def collect_ecs(api: Api) -> dict[str, list[AwsResource]]:
    def task_definition(arn: str) -> AwsResource:
        resp = api.call("describe_task_definition", taskDefinition=arn, include=["TAGS"])
        td = resp["taskDefinition"]
        return EcsTaskDefinition(
            arn=td["taskDefinitionArn"], account=api.account, region=api.region,
            name=f"{td['family']}:{td['revision']}", tags=tag_dict(resp.get("tags"), "key", "value"),
            family=td["family"], revision=int(td["revision"]),
            containers=[container_from_api(c) for c in td.get("containerDefinitions", [])],
            network_mode=td.get("networkMode"), execution_role_arn=td.get("executionRoleArn"),
            task_role_arn=td.get("taskRoleArn"), requires_compatibilities=td.get("requiresCompatibilities", []),
            pid_mode=td.get("pidMode"), ipc_mode=td.get("ipcMode"),
            os_family=(td.get("runtimePlatform") or {}).get("operatingSystemFamily"),
        )

    arns = _latest_per_family(api.pages("list_task_definitions", "taskDefinitionArns", status="ACTIVE"))
    task_defs = api.each(task_definition, arns)

    clusters: list[AwsResource] = []
    services: list[AwsResource] = []
    cluster_arns = api.pages("list_clusters", "clusterArns")
    for start in range(0, len(cluster_arns), 100):
        batch = cluster_arns[start:start + 100]
        for c in api.call("describe_clusters", clusters=batch, include=["TAGS", "SETTINGS"])["clusters"]:
            insights = {s.get("name"): s.get("value") for s in c.get("settings", [])}.get("containerInsights")
            clusters.append(EcsCluster(
                arn=c["clusterArn"], account=api.account, region=api.region, name=c["clusterName"],
                tags=tag_dict(c.get("tags"), "key", "value"),
                container_insights=None if insights is None else insights in ("enabled", "enhanced"),
                container_insights_setting=insights,
            ))
    for cluster_arn in cluster_arns:
        service_arns = api.pages("list_services", "serviceArns", cluster=cluster_arn)
        for start in range(0, len(service_arns), 10):
            described = api.call("describe_services", cluster=cluster_arn,
                                 services=service_arns[start:start + 10], include=["TAGS"])
            for s in described["services"]:
                vpc = (s.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
                services.append(EcsService(
                    arn=s["serviceArn"], account=api.account, region=api.region, name=s["serviceName"],
                    tags=tag_dict(s.get("tags"), "key", "value"), cluster_arn=cluster_arn,
                    task_definition_arn=s.get("taskDefinition", ""), launch_type=s.get("launchType"),
                    assign_public_ip=vpc.get("assignPublicIp") == "ENABLED",
                ))
    return {"ecs_task_definitions": task_defs, "ecs_clusters": clusters, "ecs_services": services}
