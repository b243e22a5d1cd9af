"""ECR: repositories and how the registry's scanning rules apply to each."""

from __future__ import annotations

from datetime import UTC, datetime
from fnmatch import fnmatchcase
from typing import Any

from cardaudit.collect.api import Api, tag_dict
from cardaudit.collect.contain import CallFailed, failure_of
from cardaudit.models.inventory import AwsResource, EcrRepository, ImageScan, Unknown, Vulnerability


def _rule_for(repo: str, rules: list[dict[str, Any]]) -> str | None:
    for rule in rules:
        for flt in rule.get("repositoryFilters", []):
            if flt.get("filterType", "WILDCARD") == "WILDCARD" and fnmatchcase(repo, flt.get("filter", "")):
                return str(rule.get("scanFrequency"))
    return None


def _vulnerability(raw: dict[str, Any], enhanced: bool) -> Vulnerability:
    if enhanced:
        details = raw.get("packageVulnerabilityDetails") or {}
        fix = raw.get("fixAvailable")
        return Vulnerability(id=str(details.get("vulnerabilityId") or raw.get("title") or raw.get("findingArn", "")),
                             severity=str(raw.get("severity", "")), first_observed=raw.get("firstObservedAt"),
                             fix_available=None if fix is None else fix in ("YES", "PARTIAL"))
    return Vulnerability(id=str(raw.get("name", "")), severity=str(raw.get("severity", "")))


def _latest_image(api: Api, repo: str) -> ImageScan | Unknown | None:
    """The most recently pushed image and its critical findings (active ones, for enhanced scans)."""
    try:
        images = api.pages("describe_images", "imageDetails", repositoryName=repo)
    except CallFailed as exc:
        return Unknown(operation=exc.operation, code=exc.code, message=exc.message)
    if not images:
        return None
    latest = max(images, key=lambda i: i.get("imagePushedAt") or datetime.min.replace(tzinfo=UTC))
    base = {"digest": latest["imageDigest"], "tags": latest.get("imageTags", []),
            "pushed_at": latest.get("imagePushedAt")}
    critical: list[Vulnerability] = []
    counts: dict[str, int] = {}
    status, scan_type = "NOT_SCANNED", "BASIC"
    try:
        api.deadline.check("ecr:DescribeImageScanFindings")
        paginator = api.client.get_paginator("describe_image_scan_findings")
        for page in paginator.paginate(repositoryName=repo, imageId={"imageDigest": latest["imageDigest"]}):
            status = str((page.get("imageScanStatus") or {}).get("status", status))
            found = page.get("imageScanFindings") or {}
            counts = found.get("findingSeverityCounts", counts)
            enhanced = found.get("enhancedFindings") or []
            scan_type = "ENHANCED" if enhanced else scan_type
            for raw, is_enhanced in [(f, False) for f in found.get("findings") or []] + [(f, True) for f in enhanced]:
                if raw.get("severity") == "CRITICAL" and raw.get("status", "ACTIVE") == "ACTIVE":
                    critical.append(_vulnerability(raw, is_enhanced))
    except Exception as exc:  # noqa: BLE001 -- any failure of this call leaves the image's findings Unknown
        code, message = failure_of(exc)
        if code != "ScanNotFoundException":
            return Unknown(operation="ecr:DescribeImageScanFindings", code=code, message=message)
    return ImageScan(**base, status=status, scan_type=scan_type, critical=critical, severity_counts=counts)


def collect_ecr(api: Api) -> dict[str, list[AwsResource]]:
    registry = api.detail("get_registry_scanning_configuration", lambda r: r["scanningConfiguration"])

    def read(repo: dict[str, Any]) -> AwsResource:
        name = repo["repositoryName"]
        scan_type: str | Unknown | None
        frequency: str | None = None
        if isinstance(registry, Unknown):
            scan_type = registry
        else:
            scan_type = registry.get("scanType")
            frequency = _rule_for(name, registry.get("rules", []))
        tags = api.detail("list_tags_for_resource", lambda r: tag_dict(r.get("tags")),
                          resourceArn=repo["repositoryArn"])
        return EcrRepository(
            arn=repo["repositoryArn"], account=api.account, region=api.region, name=name, tags=tags,
            scan_on_push=bool(repo.get("imageScanningConfiguration", {}).get("scanOnPush", False)),
            tag_mutability=repo.get("imageTagMutability", "MUTABLE"),
            tag_mutability_exclusions=[str(f.get("filter", "")) for f in repo.get("imageTagMutabilityExclusionFilters")
                                       or []],
            encryption_type=repo.get("encryptionConfiguration", {}).get("encryptionType", "AES256"),
            registry_scan_type=scan_type, registry_scan_frequency=frequency,
            latest_image=_latest_image(api, name),
        )

    return {"ecr_repositories": api.each(read, api.pages("describe_repositories", "repositories"))}
