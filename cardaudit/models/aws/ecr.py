"""ECR: repositories, their scanning, tag and policy settings, their images' scans, and each region's
registry scanning configuration."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import Field

from cardaudit.models.aws.policy import PolicyStatement
from cardaudit.models.aws.resource import AwsResource, Unknown
from cardaudit.models.base import Frozen
from cardaudit.models.resource_type import ResourceType


class Vulnerability(Frozen):
    id: str  # CVE or vendor id
    severity: str
    first_observed: datetime | None = None  # enhanced scanning only
    fix_available: bool | None = None


class ImageScan(Frozen):
    """One image of a repository and what its most recent scan found (active critical and high findings)."""

    digest: str
    tags: list[str] = Field(default_factory=list)
    pushed_at: datetime | None = None
    status: str  # COMPLETE, ACTIVE, FAILED, IN_PROGRESS, UNSUPPORTED_IMAGE, NOT_SCANNED, ...
    scan_type: str = "BASIC"  # BASIC (findings) or ENHANCED (enhancedFindings)
    critical: list[Vulnerability] = Field(default_factory=list)
    high: list[Vulnerability] = Field(default_factory=list)
    severity_counts: dict[str, int] = Field(default_factory=dict)


class EcrImage(Frozen):
    """One image of a repository, with its scan, or why the scan could not be read."""

    digest: str
    tags: list[str] = Field(default_factory=list)
    pushed_at: datetime | None = None
    scan: ImageScan | Unknown


class EcrRepository(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::ECR::Repository", slice="ecr_repositories", service="ecr", regional=True,
        arn=("ecr", "repository"), asff_type="AwsEcrRepository",
        iac_name_types=("aws:ecr/repository:Repository", "aws_ecr_repository"),
        operations=("ecr:DescribeRepositories", "ecr:GetRegistryScanningConfiguration", "ecr:ListTagsForResource",
                    "ecr:DescribeImages", "ecr:DescribeImageScanFindings", "ecr:GetRepositoryPolicy"),
    )

    scan_on_push: bool
    # MUTABLE, IMMUTABLE, or either with exceptions: IMMUTABLE_WITH_EXCLUSION, MUTABLE_WITH_EXCLUSION.
    tag_mutability: str
    # Wildcard filters of the tags that are the exception to tag_mutability (the *_WITH_EXCLUSION modes).
    tag_mutability_exclusions: list[str] = Field(default_factory=list)
    encryption_type: str
    # How the registry's scanning rules apply to this repository: BASIC or ENHANCED, and the
    # frequency of the first matching rule (SCAN_ON_PUSH, CONTINUOUS_SCAN, MANUAL) or None.
    registry_scan_type: str | Unknown | None = None
    registry_scan_frequency: str | None = None
    latest_image: ImageScan | Unknown | None = None  # None: the repository holds no image
    # Every image of the repository (the latest is among them), so that the images services run,
    # named by tag or digest, can be found; Unknown when DescribeImages failed.
    images: list[EcrImage] | Unknown = Field(default_factory=list)
    policy: list[PolicyStatement] | Unknown | None = None  # None: no repository policy


class ScanRule(Frozen):
    frequency: str  # SCAN_ON_PUSH, CONTINUOUS_SCAN, MANUAL
    filters: list[str] = Field(default_factory=list)  # wildcard repository filters


class EcrRegistryScanning(AwsResource):
    """The registry scanning configuration of one region (basic or enhanced, and its rules).

    ECR gives a registry no ARN of its own: `arn:aws:ecr:<region>:<account>:registry/<account>` is
    cardaudit's name for it, not an AWS ARN.
    """

    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::ECR::RegistryScanningConfiguration", slice="ecr_registries", service="ecr", regional=True,
        arn=("ecr", "registry"), operations=("ecr:GetRegistryScanningConfiguration",),
    )

    scan_type: str | Unknown  # BASIC or ENHANCED
    rules: list[ScanRule] = Field(default_factory=list)
