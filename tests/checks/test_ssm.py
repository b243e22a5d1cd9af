"""SSM patch compliance. moto implements neither DescribeInstanceInformation nor
DescribeInstancePatchStates, so both are answered with responses shaped as in the SSM API reference."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.conftest import Aws, outcomes, run_check

CHECK = "ssm_managed_instances_patch_compliant"


def _instance(instance_id: str, ping: str = "Online") -> dict[str, Any]:
    return {"InstanceId": instance_id, "PingStatus": ping, "PlatformType": "Linux", "PlatformName": "Amazon Linux",
            "ResourceType": "EC2Instance", "AgentVersion": "3.3.1142.0", "IsLatestVersion": True}


def _state(instance_id: str, days_ago: int, **counts: int) -> dict[str, Any]:
    end = datetime.now(UTC) - timedelta(days=days_ago)
    return {"InstanceId": instance_id, "PatchGroup": "cards", "BaselineId": "pb-0c10e65780EXAMPLE",
            "SnapshotId": "8fbd7a6b-4e2c-4a6f-9c9d-1a2b3c4d5e6f", "OwnerInformation": "", "InstalledCount": 120,
            "InstalledOtherCount": 4, "InstalledPendingRebootCount": counts.get("pending", 0),
            "InstalledRejectedCount": 0, "MissingCount": counts.get("missing", 0),
            "FailedCount": counts.get("failed", 0), "NotApplicableCount": 300,
            "OperationStartTime": end - timedelta(minutes=5), "OperationEndTime": end, "Operation": "Scan",
            "CriticalNonCompliantCount": counts.get("critical", 0), "SecurityNonCompliantCount": 0,
            "OtherNonCompliantCount": 0}


def test_patch_compliance(aws: Aws) -> None:
    ids = ["i-0a1b2c3d4e5f60001", "i-0a1b2c3d4e5f60002", "i-0a1b2c3d4e5f60003", "i-0a1b2c3d4e5f60004",
           "i-0a1b2c3d4e5f60005"]
    aws.answer("ssm", "DescribeInstanceInformation",
               {"InstanceInformationList": [_instance(i) for i in ids[:4]] + [_instance(ids[4], "ConnectionLost")]})
    aws.answer("ssm", "DescribeInstancePatchStates", {"InstancePatchStates": [
        _state(ids[0], 1),  # patched, scanned yesterday
        _state(ids[1], 2, missing=3, critical=1),
        _state(ids[2], 3, pending=2),
        _state(ids[4], 45),  # compliant, but the scan is 45 days old
    ]})  # ids[3] has no patch state: never scanned
    findings = run_check(CHECK, aws.collect("ssm"))
    assert outcomes(findings) == {(ids[0], "PASS"), (ids[1], "FAIL"), (ids[2], "FAIL"), (ids[3], "FAIL"),
                                  (ids[4], "FAIL")}
    reasons = {f.resource.name: f.reason for f in findings}
    assert reasons[ids[1]] == "3 missing patch(es)"
    assert reasons[ids[2]] == "2 patch(es) installed but waiting for a reboot"
    assert reasons[ids[3]] == "Patch Manager has no patch state for it: it was never scanned"
    assert reasons[ids[4]].startswith("the last patch scan ended 4")

    aws.reset()  # the recorded answers go; the instance list is answered again, the patch states refused
    aws.answer("ssm", "DescribeInstanceInformation", {"InstanceInformationList": [_instance(i) for i in ids]})
    aws.deny("ssm", "DescribeInstancePatchStates")
    findings = run_check(CHECK, aws.collect("ssm"))
    assert outcomes(findings) == {(i, "NOT_ASSESSED") for i in ids}
    assert all("ssm:DescribeInstancePatchStates failed: AccessDenied" in f.reason for f in findings)
    aws.reset()
    aws.deny("ssm", "DescribeInstanceInformation")
    assert outcomes(run_check(CHECK, aws.collect("ssm"))) == {("*@eu-west-1", "NOT_ASSESSED")}


def test_moto_lacks_the_api(aws: Aws) -> None:
    # Against moto itself the list call fails (not implemented): the region is NOT_ASSESSED, never PASS.
    findings = run_check(CHECK, aws.collect("ssm"))
    assert outcomes(findings) == {("*@eu-west-1", "NOT_ASSESSED")}
