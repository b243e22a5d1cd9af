"""Systems Manager: managed instances and what Patch Manager last recorded for each."""

from __future__ import annotations

from typing import Any

from cardaudit.collect.api import Api
from cardaudit.models.aws.resource import AwsResource, Unknown
from cardaudit.models.aws.ssm import PatchState, SsmManagedInstance

# DescribeInstancePatchStates takes at most 50 instance ids per call.
_BATCH = 50


def _patch_state(raw: dict[str, Any]) -> PatchState:
    return PatchState(
        baseline_id=str(raw.get("BaselineId", "")), operation=str(raw.get("Operation", "")),
        operation_end=raw.get("OperationEndTime"), missing=int(raw.get("MissingCount", 0)),
        failed=int(raw.get("FailedCount", 0)), installed_pending_reboot=int(raw.get("InstalledPendingRebootCount", 0)),
        installed_rejected=int(raw.get("InstalledRejectedCount", 0)),
        critical_non_compliant=int(raw.get("CriticalNonCompliantCount", 0)),
        security_non_compliant=int(raw.get("SecurityNonCompliantCount", 0)),
    )


def collect_ssm(api: Api) -> dict[str, list[AwsResource]]:
    listed = api.pages("describe_instance_information", "InstanceInformationList")
    ids = [str(i["InstanceId"]) for i in listed]
    states: dict[str, PatchState | Unknown | None] = {}
    for start in range(0, len(ids), _BATCH):
        batch = ids[start:start + _BATCH]
        # Paginated (AWS returns 10 states a page unless asked for more); unreadable patch states are
        # Unknown for the batch, not a blind slice.
        def read(batch: list[str] = batch) -> dict[str, PatchState]:
            pages = api.pages("describe_instance_patch_states", "InstancePatchStates", InstanceIds=batch)
            return {str(s["InstanceId"]): _patch_state(s) for s in pages}

        answer = api.contained(read)
        for instance_id in batch:
            # An instance the answer leaves out has no patch state: Patch Manager never scanned it.
            states[instance_id] = answer if isinstance(answer, Unknown) else answer.get(instance_id)
    return {"ssm_managed_instances": [SsmManagedInstance(
        arn=f"arn:aws:ssm:{api.region}:{api.account}:managed-instance/{i['InstanceId']}", account=api.account,
        region=api.region, name=str(i["InstanceId"]),
        ping_status=str(i.get("PingStatus", "")), platform=str(i.get("PlatformType", "")),
        resource_kind=str(i.get("ResourceType", "")), patch=states[str(i["InstanceId"])],
    ) for i in listed]}
