"""GuardDuty: the detector of each region, or one resource saying there is none."""

from __future__ import annotations

from typing import Any

from cardaudit.collect.api import Api
from cardaudit.models.aws.guardduty import GuardDutyDetector
from cardaudit.models.aws.resource import AwsResource, Unknown


def collect_guardduty(api: Api) -> dict[str, list[AwsResource]]:
    ids = [str(i) for i in api.pages("list_detectors", "DetectorIds")]
    if not ids:
        return {"guardduty_detectors": [GuardDutyDetector(
            arn=f"arn:aws:guardduty:{api.region}:{api.account}:detector/none", account=api.account, region=api.region,
            name=f"guardduty-{api.region}")]}

    def read(detector_id: str) -> AwsResource:
        got = api.detail("get_detector", lambda r: dict[str, Any](r), DetectorId=detector_id)
        return GuardDutyDetector(
            arn=f"arn:aws:guardduty:{api.region}:{api.account}:detector/{detector_id}", account=api.account,
            region=api.region, name=f"guardduty-{api.region}", detector_id=detector_id,
            # GetDetector carries the tags: one call gives status and owner, or neither.
            tags=got if isinstance(got, Unknown) else {str(k): str(v) for k, v in (got.get("Tags") or {}).items()},
            status=got if isinstance(got, Unknown) else str(got["Status"]),
            finding_frequency=None if isinstance(got, Unknown) else got.get("FindingPublishingFrequency"),
        )

    return {"guardduty_detectors": api.each(read, ids)}
