"""ECS task definitions, services and clusters: logging, secrets and hardening of every container,
exposure of tasks, cluster monitoring.

Only the latest ACTIVE revision of each task-definition family is collected: it is what new tasks
run; older revisions are history.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from cardaudit.engine.registry import check
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.models.inventory import EcsCluster, EcsContainer, EcsService, EcsTaskDefinition
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


# --- hardening of the containers a task definition runs -------------------------------------------

_LINUX_ROOT = re.compile(r"^(root|0)(:.*)?$")
# Windows containers' administrator accounts, the default of the usual base images.
_WINDOWS_ADMIN = frozenset({"containeradministrator", "administrator"})
# Capabilities Docker and Fargate grant every container anyway: adding one of them changes nothing.
DEFAULT_CAPABILITIES = frozenset({
    "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "NET_RAW",
    "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
})


def _windows(td: EcsTaskDefinition) -> bool:
    return (td.os_family or "").upper().startswith("WINDOWS")


@check(
    title="ECS task definitions run no privileged container",
    severity=Severity.HIGH, category="hardening", resource_type="AWS::ECS::TaskDefinition",
    needs=("ecs_task_definitions",),
)
def ecs_task_definition_not_privileged(task_definitions: list[EcsTaskDefinition]) -> Iterator[Result]:
    """What it checks:
    No container of the latest active revision of each task-definition family sets
    `privileged: true`. Security Hub's ECS.4 control judges the same field.

    Why it matters:
    A privileged container gets every Linux capability and the host's devices: code execution
    in it is root on the container instance, with the other tasks on that host, their secrets
    and the instance role within reach. That undoes the isolation the cardholder data
    environment relies on between workloads.

    How to fix:
    Remove `privileged` (Fargate refuses it anyway) and grant only the single capability the
    workload really needs with `linuxParameters.capabilities.add`; move agents that need host
    access to a dedicated, separately scoped capacity.
    """
    for td in task_definitions:
        privileged = [c.name for c in td.containers if c.privileged]
        if privileged:
            yield Result.failed(td.ref(), f"privileged container(s): {', '.join(privileged)}", containers=privileged)
        else:
            yield Result.passed(td.ref(), f"none of {len(td.containers)} container(s) is privileged")


@check(
    title="ECS task definitions mount each container's root filesystem read-only",
    severity=Severity.MEDIUM, category="hardening", resource_type="AWS::ECS::TaskDefinition",
    needs=("ecs_task_definitions",),
)
def ecs_task_definition_read_only_root_filesystem(task_definitions: list[EcsTaskDefinition]) -> Iterator[Result]:
    """What it checks:
    Every container of the latest active revision of each Linux task-definition family sets
    `readonlyRootFilesystem: true` (Security Hub ECS.5). Windows task definitions are not
    judged: ECS does not support the setting for Windows containers.

    Why it matters:
    With a writable root filesystem, an attacker who gets code execution can replace binaries,
    drop tools or persist a web shell for the life of the task; a read-only root limits writes
    to the volumes the task declares, and makes unexpected changes impossible rather than
    something to detect.

    How to fix:
    Set `readonlyRootFilesystem: true` and give the application the few writable paths it
    needs (`/tmp`, caches) as task volumes or `linuxParameters.tmpfs` mounts.
    """
    for td in task_definitions:
        if _windows(td):
            continue
        writable = [c.name for c in td.containers if not c.readonly_root_filesystem]
        if writable:
            yield Result.failed(td.ref(), f"writable root filesystem in container(s): {', '.join(writable)}",
                                containers=writable)
        else:
            yield Result.passed(td.ref(), f"all {len(td.containers)} container(s) have a read-only root filesystem")


def _user_problem(td: EcsTaskDefinition, container: EcsContainer) -> tuple[str, str] | None:
    """("fail" | "unknown", sentence) for a container that may run as root or administrator."""
    user = container.user
    if user is None or not user.strip():
        return "fail", (f"container {container.name} sets no user: it runs as its image's default user, "
                        "root unless the image sets USER")
    if "<redacted:" in user:
        return "unknown", f"container {container.name}: its user is withheld as secret-looking, cannot compare"
    if _windows(td):
        if user.strip().lower() in _WINDOWS_ADMIN:
            return "fail", f"container {container.name} runs as {user}"
        return None
    if _LINUX_ROOT.match(user.strip()):
        return "fail", f"container {container.name} runs as root (user {user})"
    return None


@check(
    title="ECS task definitions run every container as a non-root user",
    severity=Severity.HIGH, category="hardening", resource_type="AWS::ECS::TaskDefinition",
    needs=("ecs_task_definitions",),
)
def ecs_task_definition_non_root_user(task_definitions: list[EcsTaskDefinition]) -> Iterator[Result]:
    """What it checks:
    Every container of the latest active revision of each task-definition family sets `user`
    to something other than root or UID 0 (for Windows containers, other than
    ContainerAdministrator or Administrator). A container without `user` FAILs: it runs as
    its image's default user, which is root unless the image says otherwise, and the task
    definition cannot show that it does not. Security Hub's ECS.20 (AWS Config rule
    ecs-task-definition-linux-user-non-root) fails the same cases.

    Why it matters:
    A process running as root in the container turns any code-execution bug into root on the
    task: it can rewrite the filesystem, read every mounted secret and file, and has an easier
    path out of the container through kernel or runtime flaws.

    How to fix:
    Set `user` to an unprivileged UID:GID (for example `10001:10001`) in each container
    definition, matching a user the image creates; keep a `USER` line in the Dockerfile as
    well, so the image is safe wherever it runs.
    """
    for td in task_definitions:
        problems = [p for p in (_user_problem(td, c) for c in td.containers) if p is not None]
        failing = [reason for kind, reason in problems if kind == "fail"]
        users = {c.name: c.user for c in td.containers}
        if failing:
            yield Result.failed(td.ref(), "; ".join(failing), users=users)
        elif problems:
            yield Result.not_assessed(td.ref(), "; ".join(reason for _, reason in problems), users=users)
        else:
            yield Result.passed(td.ref(), f"all {len(td.containers)} container(s) run as a non-root user",
                                users=users)


@check(
    title="ECS task definitions share no host network, process or IPC namespace",
    severity=Severity.HIGH, category="hardening", resource_type="AWS::ECS::TaskDefinition",
    needs=("ecs_task_definitions",),
)
def ecs_task_definition_no_host_network_or_pid(task_definitions: list[EcsTaskDefinition]) -> Iterator[Result]:
    """What it checks:
    The latest active revision of each task-definition family uses neither `networkMode: host`
    nor `pidMode: host` nor `ipcMode: host` (Security Hub ECS.17 judges the network mode,
    ECS.3 the process namespace).

    Why it matters:
    With the host's network namespace, a task binds the instance's interfaces, can reach the
    instance metadata service and is not filtered by a task-level security group; with the
    host's process or IPC namespace it can see, signal and trace every process on the host,
    including other tasks. One compromised container then reaches everything on the instance,
    so the workloads sharing that host are no longer separated.

    How to fix:
    Use `awsvpc` networking (a security group per task) and leave `pidMode` and `ipcMode` unset
    or set to `task`; run host-level agents on capacity dedicated to them.
    """
    for td in task_definitions:
        shared = [name for name, mode in (("network", td.network_mode), ("pid", td.pid_mode), ("ipc", td.ipc_mode))
                  if mode == "host"]
        if shared:
            yield Result.failed(td.ref(), f"shares the host's {', '.join(shared)} namespace(s)",
                                network_mode=td.network_mode, pid_mode=td.pid_mode, ipc_mode=td.ipc_mode)
        else:
            yield Result.passed(td.ref(), f"network mode {td.network_mode or 'default (bridge)'}, "
                                          "no host process or IPC namespace", network_mode=td.network_mode)


@check(
    title="ECS task definitions add no Linux capabilities beyond the container default",
    severity=Severity.HIGH, category="hardening", resource_type="AWS::ECS::TaskDefinition",
    needs=("ecs_task_definitions",),
)
def ecs_task_definition_no_added_capabilities(task_definitions: list[EcsTaskDefinition]) -> Iterator[Result]:
    """What it checks:
    No container of the latest active revision of each task-definition family adds, through
    `linuxParameters.capabilities.add`, a Linux capability outside the set every container
    already has (SYS_ADMIN, NET_ADMIN, SYS_PTRACE, SYS_MODULE, DAC_READ_SEARCH, ALL...).
    Adding one of the default capabilities changes nothing and passes.

    Why it matters:
    These capabilities are most of what `privileged` grants: SYS_ADMIN allows mounts and
    namespace changes, SYS_PTRACE reading other processes' memory, NET_ADMIN rewriting
    network and firewall rules. Each is a known step from a compromised container to its
    host.

    How to fix:
    Remove the capability from `linuxParameters.capabilities.add`; where a tool really needs
    one (a debugger, a network agent), run it in its own task definition on dedicated
    capacity, and consider `capabilities.drop: ["ALL"]` for the application containers.
    """
    for td in task_definitions:
        added = {c.name: [cap for cap in c.capabilities_add if cap not in DEFAULT_CAPABILITIES]
                 for c in td.containers}
        added = {name: caps for name, caps in added.items() if caps}
        if added:
            listed = "; ".join(f"{name} adds {', '.join(caps)}" for name, caps in added.items())
            yield Result.failed(td.ref(), listed, capabilities_added=added)
        else:
            yield Result.passed(td.ref(), "no capability added beyond the default set")


@check(
    title="ECS clusters have Container Insights enabled",
    severity=Severity.MEDIUM, category="monitoring", resource_type="AWS::ECS::Cluster", needs=("ecs_clusters",),
)
def ecs_cluster_container_insights_enabled(clusters: list[EcsCluster]) -> Iterator[Result]:
    """What it checks:
    Each cluster's `containerInsights` setting is `enabled` or `enhanced` (Security Hub
    ECS.12).

    Why it matters:
    Container Insights sends task- and container-level metrics and performance events to
    CloudWatch: restarts, stopped tasks, CPU and memory anomalies. Without them, the automated
    monitoring and alarms that review a cluster's behaviour have nothing per task to work on,
    and a crash-looping or hijacked container (crypto-mining, a sudden load change) goes
    unnoticed.

    How to fix:
    `aws ecs update-cluster-settings --cluster <name> --settings name=containerInsights,value=enhanced`
    (or `enabled`), and set the account default with
    `aws ecs put-account-setting --name containerInsights --value enhanced` for new clusters.
    """
    for cluster in clusters:
        setting = cluster.container_insights_setting
        if cluster.container_insights:
            yield Result.passed(cluster.ref(), f"Container Insights {setting or 'enabled'}", container_insights=setting)
        elif setting is None:
            yield Result.failed(cluster.ref(), "the cluster has no containerInsights setting: Container Insights "
                                               "is not enabled", container_insights=None)
        else:
            yield Result.failed(cluster.ref(), f"Container Insights {setting}", container_insights=setting)
