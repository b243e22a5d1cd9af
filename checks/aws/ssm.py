"""Systems Manager: managed instances are patched, as Patch Manager records it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from cardaudit.engine.registry import check
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.models.inventory import SsmManagedInstance, Unknown

# A patch state older than this shows nothing about the month's patches.
SCAN_MAX_AGE_DAYS = 30


@check(
    title="Managed instances have every approved patch installed, by a patch scan of the last 30 days",
    severity=Severity.HIGH, category="vulnerability-management", resource_type="AWS::SSM::ManagedInstance",
    needs=("clock", "ssm_managed_instances"),
)
def ssm_managed_instances_patch_compliant(now: datetime, instances: list[SsmManagedInstance]) -> Iterator[Result]:
    """What it checks:
    For each instance Systems Manager manages, its Patch Manager state
    (DescribeInstancePatchStates): no approved patch missing or failed, none installed but
    waiting for a reboot, and the last scan or install operation less than 30 days old. An
    instance Patch Manager never scanned FAILs; a state that could not be read is NOT_ASSESSED.

    Why it matters:
    Missing security patches on hosts are the known vulnerabilities attackers use first;
    critical ones must be installed within a month. A patch waiting for a reboot is not yet in
    effect, and a state from a scan months ago proves nothing about this month's patches.

    How to fix:
    Associate the instances with a patch baseline and a maintenance window or Quick Setup patch
    policy that scans daily and installs (with reboot) on a schedule: `aws ssm
    send-command --document-name AWS-RunPatchBaseline --parameters Operation=Install`.
    """
    for instance in instances:
        state = instance.patch
        where = {"ping_status": instance.ping_status, "platform": instance.platform}
        if isinstance(state, Unknown):
            yield Result.not_assessed(instance.ref(), f"the patch state could not be read ({state.reason})", **where)
            continue
        if state is None:
            yield Result.failed(instance.ref(), "Patch Manager has no patch state for it: it was never scanned",
                                **where)
            continue
        gaps: list[str] = []
        if state.missing:
            gaps.append(f"{state.missing} missing patch(es)")
        if state.failed:
            gaps.append(f"{state.failed} failed installation(s)")
        if state.installed_pending_reboot:
            gaps.append(f"{state.installed_pending_reboot} patch(es) installed but waiting for a reboot")
        age = None
        if state.operation_end is not None:
            end = state.operation_end if state.operation_end.tzinfo else state.operation_end.replace(tzinfo=UTC)
            now_aware = now if now.tzinfo else now.replace(tzinfo=UTC)
            age = (now_aware - end).days
            if age > SCAN_MAX_AGE_DAYS:
                gaps.append(f"the last patch {state.operation.lower() or 'operation'} ended {age} days ago")
        evidence = {**where, "missing": state.missing, "failed": state.failed,
                    "pending_reboot": state.installed_pending_reboot, "critical_non_compliant":
                    state.critical_non_compliant, "baseline": state.baseline_id, "last_operation_days": age}
        if gaps:
            yield Result.failed(instance.ref(), "; ".join(gaps), **evidence)
        elif age is None:
            yield Result.not_assessed(instance.ref(), "the patch state gives no operation end time", **evidence)
        else:
            operation = state.operation.lower() or "operation"
            yield Result.passed(instance.ref(), f"no missing or failed patch (last {operation} {age} days ago)",
                                **evidence)
