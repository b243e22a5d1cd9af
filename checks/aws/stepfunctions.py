"""Step Functions state machines: execution logging."""

from __future__ import annotations

from collections.abc import Iterator

from cardaudit.engine.registry import check
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.models.inventory import StateMachine, Unknown


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
