"""ECR repositories: vulnerability scanning of pushed images."""

from __future__ import annotations

from collections.abc import Iterator

from cardaudit.engine.registry import check
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.models.inventory import EcrRepository, Unknown

_SCANNING = ("SCAN_ON_PUSH", "CONTINUOUS_SCAN")


@check(
    title="ECR repositories scan images for vulnerabilities when they are pushed",
    severity=Severity.HIGH, category="vulnerability-management", resource_type="AWS::ECR::Repository",
    needs=("ecr_repositories",),
)
def ecr_repository_scan_on_push_enabled(repositories: list[EcrRepository]) -> Iterator[Result]:
    """What it checks:
    Each repository's images are scanned on push: by a registry scanning rule that matches the
    repository (basic or enhanced scanning), or, under basic scanning, by the repository's own
    `scanOnPush` setting.

    Why it matters:
    Images that are never scanned can ship known critical vulnerabilities into the cardholder
    data environment unnoticed.

    How to fix:
    Add a registry scanning rule (`put-registry-scanning-configuration`) whose filter matches
    the repository, or enable `scanOnPush` on it; prefer enhanced scanning for continuous
    re-evaluation.
    """
    for repo in repositories:
        if repo.registry_scan_frequency in _SCANNING:
            yield Result.passed(repo.ref(), f"registry rule scans it ({repo.registry_scan_frequency})",
                                scan_type=str(repo.registry_scan_type), frequency=repo.registry_scan_frequency)
        elif repo.registry_scan_type == "ENHANCED":
            # Under enhanced scanning the repository flag is ignored: only registry rules count.
            yield Result.failed(repo.ref(), "enhanced scanning is on but no registry rule matches this repository",
                                scan_type="ENHANCED")
        elif repo.scan_on_push:
            yield Result.passed(repo.ref(), "scanOnPush is enabled", scan_on_push=True)
        elif isinstance(repo.registry_scan_type, Unknown):
            yield Result.not_assessed(repo.ref(), f"scanOnPush is off and the registry rules could not be read "
                                      f"({repo.registry_scan_type.reason})", scan_on_push=False)
        else:
            yield Result.failed(repo.ref(), "images are not scanned on push (scanOnPush off, no matching rule)",
                                scan_on_push=False, scan_type=repo.registry_scan_type)
