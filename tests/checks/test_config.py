"""AWS Config check against moto: one finding per region read."""

from __future__ import annotations

from typing import Any

from tests.conftest import ACCOUNT, Aws, outcomes, run_check

CHECK = "config_recorder_enabled_all_regions"
REGIONS = ["eu-west-1", "us-east-1"]


def _recorder(aws: Aws, region: str, *, start: bool = True, channel: bool = True, **group: Any) -> None:
    cfg = aws.client("config", region)
    cfg.put_configuration_recorder(ConfigurationRecorder={
        "name": "default", "roleARN": f"arn:aws:iam::{ACCOUNT}:role/aws-config",
        "recordingGroup": group or {"allSupported": True, "includeGlobalResourceTypes": True}})
    if channel:
        bucket = f"acme-config-{region}"
        location = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        aws.client("s3", region).create_bucket(Bucket=bucket, **location)
        cfg.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": bucket})
    if start:
        cfg.start_configuration_recorder(ConfigurationRecorderName="default")


def _found(aws: Aws) -> dict[str, tuple[str, str]]:
    return {f.resource.name or f"*@{f.resource.region}": (f.status.value, f.reason)
            for f in run_check(CHECK, aws.collect("config", regions=REGIONS))}


def test_recording_in_one_region_only(aws: Aws) -> None:
    _recorder(aws, "eu-west-1")
    found = _found(aws)
    assert found == {"config-eu-west-1": ("PASS", "default records every supported resource type"),
                     "config-us-east-1": ("FAIL", "no configuration recorder in us-east-1")}
    finding = run_check(CHECK, aws.collect("config", regions=REGIONS))[0]
    assert finding.resource.arn == f"arn:aws:config:eu-west-1:{ACCOUNT}:configuration-recorder/default"


def test_stopped_partial_or_undelivered_recorders_fail(aws: Aws) -> None:
    _recorder(aws, "eu-west-1", start=False)
    _recorder(aws, "us-east-1", channel=False, start=False, allSupported=False, includeGlobalResourceTypes=False,
              resourceTypes=["AWS::EC2::SecurityGroup", "AWS::S3::Bucket"])
    found = _found(aws)
    assert found == {
        "config-eu-west-1": ("FAIL", "default is not recording"),
        "config-us-east-1": ("FAIL", "default records only 2 chosen resource types; no delivery channel: "
                                     "configuration items are not delivered")}


def test_unreadable_config_is_not_assessed(aws: Aws) -> None:
    _recorder(aws, "eu-west-1")
    aws.deny("config", "DescribeConfigurationRecorderStatus")
    found = _found(aws)
    # Without a recorder, us-east-1 fails whatever the status would say.
    assert {n: s for n, (s, _) in found.items()} == {"config-eu-west-1": "NOT_ASSESSED", "config-us-east-1": "FAIL"}
    assert "config:DescribeConfigurationRecorderStatus failed: AccessDenied" in found["config-eu-west-1"][1]
    aws.deny("config", "DescribeConfigurationRecorders", region="us-east-1")
    inventory = aws.collect("config", regions=REGIONS)
    assert outcomes(run_check(CHECK, inventory)) == {("config-eu-west-1", "NOT_ASSESSED"),
                                                     ("*@us-east-1", "NOT_ASSESSED")}


def test_a_region_read_but_holding_nothing_is_not_assessed(aws: Aws) -> None:
    inventory = aws.collect("config", regions=REGIONS)
    emptied = inventory.model_copy(update={"config_recorders": inventory.config_recorders.model_copy(
        update={"items": [r for r in inventory.config_recorders.items if r.region == "eu-west-1"]})})
    assert outcomes(run_check(CHECK, emptied)) == {("config-eu-west-1", "FAIL"), ("*@us-east-1", "NOT_ASSESSED")}
