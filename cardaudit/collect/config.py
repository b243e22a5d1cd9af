"""AWS Config: one resource per region with its recorders, their status and the delivery channels."""

from __future__ import annotations

from typing import Any

from cardaudit.collect.api import Api
from cardaudit.models.aws.config import ConfigRecording, Recorder, RecorderStatus
from cardaudit.models.aws.resource import AwsResource


def _recorder(raw: dict[str, Any]) -> Recorder:
    group = raw.get("recordingGroup") or {}
    return Recorder(
        name=str(raw["name"]),
        all_supported=bool(group.get("allSupported", False)),
        include_global_types=bool(group.get("includeGlobalResourceTypes", False)),
        strategy=(group.get("recordingStrategy") or {}).get("useOnly"),
        resource_types=[str(t) for t in group.get("resourceTypes") or []],
        excluded_types=[str(t) for t in (group.get("exclusionByResourceTypes") or {}).get("resourceTypes") or []],
        service_principal=raw.get("servicePrincipal"),
    )


def _statuses(resp: dict[str, Any]) -> dict[str, RecorderStatus]:
    return {str(s["name"]): RecorderStatus(recording=bool(s.get("recording", False)),
                                           last_status=s.get("lastStatus"), last_error_code=s.get("lastErrorCode"))
            for s in resp["ConfigurationRecordersStatus"]}


def collect_config(api: Api) -> dict[str, list[AwsResource]]:
    raw = api.pages("describe_configuration_recorders", "ConfigurationRecorders")
    recorders = [_recorder(r) for r in raw]
    # The customer-managed recorder (at most one per region) names the resource; service-linked
    # recorders carry a servicePrincipal.
    own = next((r for r in raw if not r.get("servicePrincipal")), raw[0] if raw else None)
    base = f"arn:aws:config:{api.region}:{api.account}:configuration-recorder"
    arn = str(own.get("arn") or f"{base}/{own['name']}") if own else f"{base}/none"
    # Both are one call per region, made even without a recorder (then they answer empty lists).
    status = api.detail("describe_configuration_recorder_status", _statuses)
    channels = api.detail("describe_delivery_channels",
                          lambda r: [str(c["name"]) for c in r["DeliveryChannels"]])
    return {"config_recorders": [ConfigRecording(
        arn=arn, account=api.account, region=api.region, name=f"config-{api.region}",
        recorders=recorders, status=status, delivery_channels=channels,
    )]}
