"""AWS Config: a recorder that records every supported resource type, in every region read."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from cardaudit.engine.registry import check
from cardaudit.models.aws.config import Recorder
from cardaudit.models.base import Severity
from cardaudit.models.finding import ResourceRef, Result
from cardaudit.models.inventory import AwsResource, ConfigRecording, Unknown

ALL_SUPPORTED = "ALL_SUPPORTED_RESOURCE_TYPES"


def _scope_gap(recorder: Recorder) -> str | None:
    """Why the recorder does not record every supported resource type, or None when it does."""
    if recorder.all_supported and recorder.strategy in (None, ALL_SUPPORTED):
        return None
    if recorder.excluded_types:
        return f"{recorder.name} records all types except {', '.join(recorder.excluded_types)}"
    return f"{recorder.name} records only {len(recorder.resource_types)} chosen resource types"


def missing_regions(kind: str, regions: list[str], resources: Sequence[AwsResource]) -> Iterator[Result]:
    """NOT_ASSESSED for each region read without error that holds no resource of the slice at all.

    The collectors give every region read one resource (enabled or not), so this only speaks for an
    inventory that lost them; a region is never taken as compliant for being absent.
    """
    seen = {r.region for r in resources}
    accounts = sorted({r.account for r in resources})
    for region in regions:
        if region not in seen:
            yield Result.not_assessed(ResourceRef(type=kind, id="*", region=region,
                                                  account=accounts[0] if len(accounts) == 1 else None),
                                      "nothing was collected for this region")


@check(
    title="AWS Config records every supported resource type in every region",
    severity=Severity.MEDIUM, category="monitoring", resource_type="AWS::Config::ConfigurationRecorder",
    needs=("regions", "config_recorders"),
)
def config_recorder_enabled_all_regions(regions: list[str], recordings: list[ConfigRecording]) -> Iterator[Result]:
    """What it checks:
    In each region read, a configuration recorder records all supported resource types
    (`allSupported`, strategy ALL_SUPPORTED_RESOURCE_TYPES), is recording
    (DescribeConfigurationRecorderStatus), its last recording attempt did not fail, and a
    delivery channel exists. A region without a recorder is a FAIL on
    `config-<region>`. A recorder that excludes types or records a chosen list FAILs with them.
    An unreadable status or delivery channel list is NOT_ASSESSED. Whether global types (IAM)
    are included is reported, not judged: they need recording in one region only.

    Why it matters:
    Config keeps the history of every resource's configuration: what a security group allowed
    last Tuesday, who changed a bucket policy and when. Without it, a change cannot be
    reconstructed or compared with the approved baseline, and regions nobody watches are where
    unapproved resources hide.

    How to fix:
    In every enabled region: `aws configservice put-configuration-recorder
    --configuration-recorder name=default,roleARN=<role> --recording-group allSupported=true`,
    `put-delivery-channel` to the central config bucket, then `start-configuration-recorder`
    (or deploy it with a StackSet / Control Tower).
    """
    yield from missing_regions("AWS::Config::ConfigurationRecorder", regions, recordings)
    for rec in recordings:
        evidence = {"recorders": [r.name for r in rec.recorders],
                    "include_global_types": any(r.include_global_types for r in rec.recorders)}
        if not rec.recorders:
            yield Result.failed(rec.ref(), f"no configuration recorder in {rec.region}", **evidence)
            continue
        gaps: list[str] = []
        unknown: list[str] = []
        full = [r for r in rec.recorders if _scope_gap(r) is None]
        if not full:
            gaps += [g for r in rec.recorders if (g := _scope_gap(r))]
        if isinstance(rec.status, Unknown):
            unknown.append(rec.status.reason)
        elif full:
            states = [rec.status.get(r.name) for r in full]
            running = [s for s in states if s is not None and s.recording]
            if not running:
                gaps.append(f"{', '.join(r.name for r in full)} is not recording")
            elif all(s.last_status == "FAILURE" for s in running):
                gaps.append(f"the last recording attempt failed ({running[0].last_error_code or 'no error code'})")
        if isinstance(rec.delivery_channels, Unknown):
            unknown.append(rec.delivery_channels.reason)
        elif not rec.delivery_channels:
            gaps.append("no delivery channel: configuration items are not delivered")
        if gaps:
            yield Result.failed(rec.ref(), "; ".join(gaps), **evidence)
        elif unknown:
            yield Result.not_assessed(rec.ref(), f"records every supported type, but {'; '.join(unknown)}",
                                      **evidence)
        else:
            yield Result.passed(rec.ref(), f"{full[0].name} records every supported resource type", **evidence)
