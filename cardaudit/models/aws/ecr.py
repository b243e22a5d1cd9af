"""ECR: repositories, their scanning and tag settings, and the latest image's scan."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import Field

from cardaudit.models.aws.resource import AwsResource, Unknown
from cardaudit.models.base import Frozen
from cardaudit.models.resource_type import ResourceType


class Vulnerability(Frozen):
    id: str  # CVE or vendor id
    severity: str
    first_observed: datetime | None = None  # enhanced scanning only
    fix_available: bool | None = None


class ImageScan(Frozen):
    """The latest pushed image of a repository and what its most recent scan found."""

    digest: str
    tags: list[str] = Field(default_factory=list)
    pushed_at: datetime | None = None
    status: str  # COMPLETE, ACTIVE, FAILED, IN_PROGRESS, UNSUPPORTED_IMAGE, NOT_SCANNED, ...
    scan_type: str = "BASIC"  # BASIC (findings) or ENHANCED (enhancedFindings)
    critical: list[Vulnerability] = Field(default_factory=list)
    severity_counts: dict[str, int] = Field(default_factory=dict)


class EcrRepository(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::ECR::Repository", slice="ecr_repositories", service="ecr", regional=True,
        arn=("ecr", "repository"), asff_type="AwsEcrRepository",
        iac_name_types=("aws:ecr/repository:Repository", "aws_ecr_repository"),
        operations=("ecr:DescribeRepositories", "ecr:GetRegistryScanningConfiguration", "ecr:ListTagsForResource",
                    "ecr:DescribeImages", "ecr:DescribeImageScanFindings"),
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
