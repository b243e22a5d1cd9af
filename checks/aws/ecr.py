"""ECR repositories: vulnerability scanning of pushed images, and tags that cannot be moved."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

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
    `scanOnPush` setting. When the registry scanning configuration cannot be read, the
    repository is NOT_ASSESSED: enhanced scanning ignores `scanOnPush`, so the flag alone
    proves nothing.

    Why it matters:
    Images that are never scanned can ship known critical vulnerabilities into the cardholder
    data environment unnoticed.

    How to fix:
    Add a registry scanning rule (`put-registry-scanning-configuration`) whose filter matches
    the repository, or enable `scanOnPush` on it; prefer enhanced scanning for continuous
    re-evaluation.
    """
    for repo in repositories:
        if isinstance(repo.registry_scan_type, Unknown):
            # Which setting decides depends on the registry's scanning type: under enhanced scanning
            # the repository flag is ignored, so neither on nor off can be judged without it.
            yield Result.not_assessed(repo.ref(), f"the registry scanning configuration could not be read, and it "
                                      f"decides whether scanOnPush counts ({repo.registry_scan_type.reason})",
                                      scan_on_push=repo.scan_on_push)
        elif repo.registry_scan_frequency in _SCANNING:
            yield Result.passed(repo.ref(), f"registry rule scans it ({repo.registry_scan_frequency})",
                                scan_type=str(repo.registry_scan_type), frequency=repo.registry_scan_frequency)
        elif repo.registry_scan_type == "ENHANCED":
            # Under enhanced scanning the repository flag is ignored: only registry rules count.
            yield Result.failed(repo.ref(), "enhanced scanning is on but no registry rule matches this repository",
                                scan_type="ENHANCED")
        elif repo.scan_on_push:
            yield Result.passed(repo.ref(), "scanOnPush is enabled", scan_on_push=True)
        else:
            yield Result.failed(repo.ref(), "images are not scanned on push (scanOnPush off, no matching rule)",
                                scan_on_push=False, scan_type=repo.registry_scan_type)


PATCH_WINDOW_DAYS = 30


@check(
    title="No critical vulnerability stays unpatched in the latest image for more than 30 days",
    severity=Severity.CRITICAL, category="vulnerability-management", resource_type="AWS::ECR::Repository",
    needs=("clock", "ecr_repositories"),
)
def ecr_image_critical_vulnerabilities_patched(now: datetime, repositories: list[EcrRepository]) -> Iterator[Result]:
    """What it checks:
    The most recently pushed image of each repository has no active CRITICAL finding that
    enhanced scanning first observed more than 30 days ago. Basic scanning reports no dates,
    so an image with critical basic-scan findings is NOT_ASSESSED rather than guessed at.

    Why it matters:
    Critical security patches must be installed within one month of release; an image that
    still carries a month-old critical vulnerability is what the next deployment will run.

    How to fix:
    Rebuild the image on a patched base and dependencies, push it and deploy it; enable ECR
    enhanced scanning (Amazon Inspector) so findings carry the date they were first observed.
    """
    for repo in repositories:
        image = repo.latest_image
        if image is None:
            continue  # nothing pushed yet
        if isinstance(image, Unknown):
            yield Result.not_assessed(repo.ref(), f"the latest image's findings could not be read ({image.reason})")
            continue
        where = {"image": image.digest, "tags": image.tags}
        if image.status not in ("COMPLETE", "ACTIVE"):
            yield Result.not_assessed(repo.ref(), f"the latest image has no completed scan ({image.status})", **where)
            continue
        if not image.critical:
            yield Result.passed(repo.ref(), "no critical finding in the latest image", **where)
            continue
        dated = [v for v in image.critical if v.first_observed is not None]
        if not dated:
            yield Result.not_assessed(repo.ref(), f"{len(image.critical)} critical finding(s), but the scan gives no "
                                                  "first-observed date (basic scanning)",
                                      vulnerabilities=[v.id for v in image.critical], **where)
            continue
        ages = {v.id: (_aware(now) - _aware(v.first_observed)).days for v in dated if v.first_observed is not None}
        overdue = {cve: age for cve, age in ages.items() if age > PATCH_WINDOW_DAYS}
        if overdue:
            listed = ", ".join(f"{cve} ({age} days)" for cve, age in sorted(overdue.items(), key=lambda kv: -kv[1]))
            yield Result.failed(repo.ref(), f"critical vulnerabilities unpatched past 30 days: {listed}",
                                overdue_days=overdue, **where)
        else:
            yield Result.passed(repo.ref(), f"{len(ages)} critical finding(s), all within the 30-day window",
                                ages_days=ages, **where)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# Every tag is immutable, or immutability is the default and the exceptions are named.
_IMMUTABLE, _IMMUTABLE_EXCEPT = "IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION"
_MUTABLE, _MUTABLE_EXCEPT = "MUTABLE", "MUTABLE_WITH_EXCLUSION"


@check(
    title="ECR repositories keep image tags immutable",
    severity=Severity.MEDIUM, category="integrity", resource_type="AWS::ECR::Repository",
    needs=("ecr_repositories",),
)
def ecr_repository_tag_immutability(repositories: list[EcrRepository]) -> Iterator[Result]:
    """What it checks:
    Each repository's image tag mutability is `IMMUTABLE`, or `IMMUTABLE_WITH_EXCLUSION` with
    named exceptions (listed in the evidence, for review) that do not cover every tag. `MUTABLE`
    fails, and so does `MUTABLE_WITH_EXCLUSION`: there tags are overwritable unless they match a
    filter, so a new tag scheme is mutable by default.

    Why it matters:
    Deployments name an image by its tag. If a tag can be pushed again, the image behind a
    reviewed, scanned and released tag can be swapped without a change record or a new scan, and
    two tasks running "the same" tag may run different code.

    How to fix:
    `aws ecr put-image-tag-mutability --repository-name <repo> --image-tag-mutability IMMUTABLE`
    (or `IMMUTABLE_WITH_EXCLUSION` with `--image-tag-mutability-exclusion-filters` for tags such as
    `latest` that the pipeline must move), and deploy by unique version tags or digests.
    """
    for repo in repositories:
        mode, exceptions = repo.tag_mutability, repo.tag_mutability_exclusions
        if mode == _IMMUTABLE:
            yield Result.passed(repo.ref(), "image tags are immutable", tag_mutability=mode)
        elif mode == _IMMUTABLE_EXCEPT and "*" not in exceptions:
            yield Result.passed(repo.ref(), f"image tags are immutable except those matching {', '.join(exceptions)}",
                                tag_mutability=mode, mutable_tags=exceptions)
        elif mode == _IMMUTABLE_EXCEPT:
            yield Result.failed(repo.ref(), "the exclusion filter * leaves every image tag mutable",
                                tag_mutability=mode, mutable_tags=exceptions)
        elif mode == _MUTABLE_EXCEPT:
            yield Result.failed(repo.ref(), f"image tags are mutable unless they match {', '.join(exceptions)}",
                                tag_mutability=mode, immutable_tags=exceptions)
        elif mode == _MUTABLE:
            yield Result.failed(repo.ref(), "image tags can be overwritten (MUTABLE)", tag_mutability=mode)
        else:
            yield Result.not_assessed(repo.ref(), f"unrecognised image tag mutability {mode}", tag_mutability=mode)
