"""ECS task definitions and services: logging and secrets of every container, exposure of tasks."""

from __future__ import annotations

from collections.abc import Iterator

from cardaudit.engine.registry import check
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.models.inventory import EcsService, EcsTaskDefinition
from cardaudit.verdicts import REDACTED, container_logging, plaintext_secrets, secrets_reason


@check(
    title="Every container of an ECS task definition sends its logs somewhere",
    severity=Severity.HIGH, category="logging", resource_type="AWS::ECS::TaskDefinition",
    needs=("ecs_task_definitions",),
)
def ecs_task_definition_logging_configured(task_definitions: list[EcsTaskDefinition]) -> Iterator[Result]:
    """What it checks:
    The latest active revision of each task definition family gives every container a
    `logConfiguration` whose driver ships logs off the task (not `json-file`, `journald`,
    `local` or `none`, which keep them on a host that can disappear).

    Why it matters:
    A container without a log driver writes to nowhere: its access and error events never reach
    CloudWatch Logs or the SIEM, so audit trails for the system component are missing.

    How to fix:
    Add `logConfiguration` (for example `awslogs` or `awsfirelens`) to each container definition
    and register a new revision; keep log routing in the part of the task definition the
    platform owners maintain.
    """
    for td in task_definitions:
        verdicts = [container_logging(c) for c in td.containers]
        drivers = sorted({c.log_driver for c in td.containers if c.log_driver})
        failing = [v.reason for v in verdicts if not v.ok]
        if failing:
            yield Result.failed(td.ref(), "; ".join(failing),
                                containers_without_logging=[c.name for c in td.containers if not c.log_driver],
                                log_drivers=drivers)
        else:
            yield Result.passed(td.ref(), f"all {len(td.containers)} container(s) log via {', '.join(drivers)}",
                                log_drivers=drivers)


@check(
    title="ECS task definitions keep credentials out of plaintext environment variables",
    severity=Severity.CRITICAL, category="secrets", resource_type="AWS::ECS::TaskDefinition",
    needs=("ecs_task_definitions",),
)
def ecs_task_definition_no_plaintext_secrets(task_definitions: list[EcsTaskDefinition]) -> Iterator[Result]:
    """What it checks:
    No container's `environment` holds a value that looks like a credential: a variable named
    like a password, token or key with a literal value, or a value shaped like an AWS access key,
    a private key, a JWT or a URL with an embedded password.

    Why it matters:
    Plaintext environment values are readable by anyone with ecs:DescribeTaskDefinition, are
    copied into every revision and often into CI logs; a database password there is a shared,
    unrotatable credential.

    How to fix:
    Move the value to Secrets Manager or SSM Parameter Store and reference it from the
    container's `secrets` list (`valueFrom`); rotate the exposed credential.
    """
    for td in task_definitions:
        exposed = [f"{c.name}.{name}" for c in td.containers for name in plaintext_secrets(c.environment)]
        if exposed:
            yield Result.failed(td.ref(), secrets_reason(f"task definition {td.name}", exposed),
                                variables=exposed, values=REDACTED)
        else:
            count = sum(len(c.environment) for c in td.containers)
            refs = sum(len(c.secrets) for c in td.containers)
            yield Result.passed(td.ref(), f"{count} environment variable(s) without credentials; "
                                f"{refs} secret reference(s)", environment_variables=count, secret_references=refs)


@check(
    title="ECS services do not give tasks public IP addresses",
    severity=Severity.HIGH, category="network", resource_type="AWS::ECS::Service", needs=("ecs_services",),
)
def ecs_service_no_public_ip(services: list[EcsService]) -> Iterator[Result]:
    """What it checks:
    No ECS service assigns public IPs to its tasks (`assignPublicIp: ENABLED`).

    Why it matters:
    A task with a public IP is reachable from the internet whenever its security group allows
    it; services in the cardholder data environment should sit in private subnets behind a
    load balancer.

    How to fix:
    Update the service's network configuration to `assignPublicIp=DISABLED` with private
    subnets and a NAT gateway or VPC endpoints for outbound calls.
    """
    for service in services:
        if service.assign_public_ip:
            yield Result.failed(service.ref(), "tasks get public IP addresses", launch_type=service.launch_type)
        else:
            yield Result.passed(service.ref(), "tasks get no public IP")
