"""Lambda, ECS services and Step Functions: secrets, exposure and logging of the workloads."""

from __future__ import annotations

from collections.abc import Iterator

from cardaudit.engine.registry import check
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.models.inventory import EcsService, LambdaFunction, StateMachine, Unknown
from cardaudit.verdicts import REDACTED, plaintext_secrets, secrets_reason


@check(
    title="Lambda functions keep credentials out of plaintext environment variables",
    severity=Severity.CRITICAL, category="secrets", resource_type="AWS::Lambda::Function",
    needs=("lambda_functions",),
)
def lambda_function_no_plaintext_secrets(functions: list[LambdaFunction]) -> Iterator[Result]:
    """What it checks:
    No environment variable of a function looks like a credential (same rules as for ECS task
    definitions: credential-like names with literal values, key/JWT/URL-with-password shapes).

    Why it matters:
    Function configuration is readable by anyone with lambda:GetFunctionConfiguration and is
    copied into every version; a secret there is neither protected nor rotatable.

    How to fix:
    Read the secret at run time from Secrets Manager or SSM Parameter Store (the Parameters and
    Secrets Lambda extension caches it) and rotate the exposed credential.
    """
    for fn in functions:
        exposed = plaintext_secrets(fn.environment)
        if exposed:
            yield Result.failed(fn.ref(), secrets_reason(f"function {fn.name}", exposed),
                                variables=exposed, values=REDACTED)
        else:
            yield Result.passed(fn.ref(), f"{len(fn.environment)} environment variable(s) without credentials")


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


@check(
    title="Step Functions state machines log their executions",
    severity=Severity.MEDIUM, category="logging", resource_type="AWS::StepFunctions::StateMachine",
    needs=("sfn_state_machines",),
)
def sfn_state_machine_logging_enabled(machines: list[StateMachine]) -> Iterator[Result]:
    """What it checks:
    Each state machine sends execution history to CloudWatch Logs (logging level ALL, ERROR or
    FATAL, not OFF).

    Why it matters:
    Batch workflows that move settlement and card data need an audit trail of what ran, when,
    and how it failed, beyond the 90 days of execution history the service keeps.

    How to fix:
    `aws stepfunctions update-state-machine --logging-configuration level=ALL,...` with a log
    group destination (include execution data only if the log group is protected accordingly).
    """
    for machine in machines:
        level = machine.logging_level
        if isinstance(level, Unknown):
            yield Result.not_assessed(machine.ref(), f"logging configuration could not be read ({level.reason})")
        elif level == "OFF":
            yield Result.failed(machine.ref(), "execution logging is OFF")
        else:
            yield Result.passed(machine.ref(), f"execution logging level {level}")
