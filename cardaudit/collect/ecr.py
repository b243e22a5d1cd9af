"""ECR: repositories (their policy, images and scans) and each region's registry scanning configuration."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from fnmatch import fnmatchcase
from typing import Any

from cardaudit.collect.api import Api, tag_dict
from cardaudit.collect.contain import CallFailed, failure_of
from cardaudit.models.aws.policy import parse_policy
from cardaudit.models.inventory import (
    AwsResource,
    EcrImage,
    EcrRegistryScanning,
    EcrRepository,
    ImageScan,
    PolicyStatement,
    ScanRule,
    Unknown,
    Vulnerability,
)


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


# Severities whose findings are kept, with their details, for the image checks.
_KEPT = ("CRITICAL", "HIGH")


def _scan(api: Api, repo: str, image: dict[str, Any]) -> ImageScan | Unknown:
    """The image's most recent scan: status and its active critical and high findings."""
    base = {"digest": image["imageDigest"], "tags": image.get("imageTags", []), "pushed_at": image.get("imagePushedAt")}
    found: dict[str, list[Vulnerability]] = {"CRITICAL": [], "HIGH": []}
    counts: dict[str, int] = {}
    status, scan_type = "NOT_SCANNED", "BASIC"
    try:
        api.deadline.check("ecr:DescribeImageScanFindings")
        paginator = api.client.get_paginator("describe_image_scan_findings")
        for page in paginator.paginate(repositoryName=repo, imageId={"imageDigest": image["imageDigest"]}):
            status = str((page.get("imageScanStatus") or {}).get("status", status))
            findings = page.get("imageScanFindings") or {}
            counts = findings.get("findingSeverityCounts", counts)
            enhanced = findings.get("enhancedFindings") or []
            scan_type = "ENHANCED" if enhanced else scan_type
            basic = [(f, False) for f in findings.get("findings") or []]
            for raw, is_enhanced in basic + [(f, True) for f in enhanced]:
                severity = raw.get("severity")
                if severity in _KEPT and raw.get("status", "ACTIVE") == "ACTIVE":
                    found[severity].append(_vulnerability(raw, is_enhanced))
    except Exception as exc:  # noqa: BLE001 -- any failure of this call leaves the image's findings Unknown
        code, message = failure_of(exc)
        if code != "ScanNotFoundException":
            return Unknown(operation="ecr:DescribeImageScanFindings", code=code, message=message)
    return ImageScan(**base, status=status, scan_type=scan_type, critical=found["CRITICAL"], high=found["HIGH"],
                     severity_counts=counts)


def _clean_summary(image: dict[str, Any]) -> ImageScan | None:
    """The image's scan from DescribeImages alone, when its summary shows no critical or high finding.

    Saves one DescribeImageScanFindings call per such image; AWS gives the summary, moto does not.
    """
    summary = image.get("imageScanFindingsSummary")
    status = (image.get("imageScanStatus") or {}).get("status")
    if not isinstance(summary, dict) or status not in ("COMPLETE", "ACTIVE"):
        return None
    counts = {str(k): int(v) for k, v in (summary.get("findingSeverityCounts") or {}).items()}
    if any(counts.get(severity) for severity in _KEPT):
        return None
    return ImageScan(digest=image["imageDigest"], tags=image.get("imageTags", []), pushed_at=image.get("imagePushedAt"),
                     status=str(status), severity_counts=counts)


def _images(api: Api, repo: str) -> tuple[list[EcrImage] | Unknown, ImageScan | Unknown | None]:
    """Every image of the repository with its scan, and the most recently pushed image's scan.

    Running services may use any image, not only the latest push, so every image is read: the
    findings of those whose scan summary shows critical or high findings, and of the latest.
    """
    try:
        listed = api.pages("describe_images", "imageDetails", repositoryName=repo)
    except CallFailed as exc:
        unknown = Unknown(operation=exc.operation, code=exc.code, message=exc.message)
        return unknown, unknown
    if not listed:
        return [], None
    latest = max(listed, key=lambda i: i.get("imagePushedAt") or datetime.min.replace(tzinfo=UTC))
    images: list[EcrImage] = []
    latest_scan: ImageScan | Unknown | None = None
    for image in listed:
        summary = None if image is latest else _clean_summary(image)
        scan = summary if summary is not None else _scan(api, repo, image)
        latest_scan = scan if image is latest else latest_scan
        images.append(EcrImage(digest=image["imageDigest"], tags=image.get("imageTags", []),
                               pushed_at=image.get("imagePushedAt"), scan=scan))
    return images, latest_scan


def _repository_policy(response: dict[str, Any]) -> list[PolicyStatement]:
    return parse_policy(json.loads(response["policyText"]))


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
        images, latest = _images(api, name)
        return EcrRepository(
            arn=repo["repositoryArn"], account=api.account, region=api.region, name=name, tags=tags,
            scan_on_push=bool(repo.get("imageScanningConfiguration", {}).get("scanOnPush", False)),
            tag_mutability=repo.get("imageTagMutability", "MUTABLE"),
            tag_mutability_exclusions=[str(f.get("filter", "")) for f in repo.get("imageTagMutabilityExclusionFilters")
                                       or []],
            encryption_type=repo.get("encryptionConfiguration", {}).get("encryptionType", "AES256"),
            registry_scan_type=scan_type, registry_scan_frequency=frequency,
            latest_image=latest, images=images,
            # AWS's "not configured" answer: the repository has no policy.
            policy=api.detail("get_repository_policy", _repository_policy,
                              absent={"RepositoryPolicyNotFoundException": None}, repositoryName=name),
        )

    repositories = api.each(read, api.pages("describe_repositories", "repositories"))
    return {"ecr_repositories": repositories, "ecr_registries": [_registry(api, registry)]}


def _registry(api: Api, registry: dict[str, Any] | Unknown) -> EcrRegistryScanning:
    """The region's registry scanning configuration as a resource of its own, present in every region."""
    rules = [] if isinstance(registry, Unknown) else [
        ScanRule(frequency=str(rule.get("scanFrequency", "")),
                 filters=[str(f.get("filter", "")) for f in rule.get("repositoryFilters", [])
                          if f.get("filterType", "WILDCARD") == "WILDCARD"])
        for rule in registry.get("rules", [])]
    return EcrRegistryScanning(
        arn=f"arn:aws:ecr:{api.region}:{api.account}:registry/{api.account}", account=api.account, region=api.region,
        name=f"registry-{api.region}", scan_type=registry if isinstance(registry, Unknown) else
        str(registry.get("scanType", "BASIC")), rules=rules)
