"""ECR: vulnerability scanning of pushed images (per repository and per registry), tags that cannot
be moved, repository policies, and the age of findings in the images ECS services run."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

from cardaudit.engine.registry import check
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.models.inventory import (
    EcrRegistryScanning,
    EcrRepository,
    EcsService,
    EcsTaskDefinition,
    ImageScan,
    Unknown,
)

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


_REGISTRY_SCANNING = {"ENHANCED": ("SCAN_ON_PUSH", "CONTINUOUS_SCAN"), "BASIC": ("SCAN_ON_PUSH",)}


@check(
    title="Each region's ECR registry scans every repository, on push or continuously",
    severity=Severity.MEDIUM, category="vulnerability-management",
    resource_type="AWS::ECR::RegistryScanningConfiguration", needs=("ecr_registries", "ecr_repositories"),
)
def ecr_registry_enhanced_scanning_or_scan_on_push(registries: list[EcrRegistryScanning],
                                                   repositories: list[EcrRepository]) -> Iterator[Result]:
    """What it checks:
    Per region, the registry scanning configuration: enhanced scanning (Amazon Inspector) with
    rules that scan every repository of the region on push or continuously, or basic scanning
    with scan-on-push rules that match every repository. A repository scanned only by its own
    legacy `scanOnPush` flag, or by no rule, FAILs the registry, named in the reason. A rule
    with the filter `*` also covers repositories created later, which the reason says. A region
    without repositories PASSes.

    Why it matters:
    Registry rules are the one setting that reaches every repository, including the next one
    someone creates by hand; repository flags are forgotten. Enhanced scanning also rescans
    images already pushed when new vulnerabilities are published.

    How to fix:
    `aws ecr put-registry-scanning-configuration --scan-type ENHANCED --rules
    '[{"scanFrequency":"CONTINUOUS_SCAN","repositoryFilters":[{"filter":"*","filterType":"WILDCARD"}]}]'`
    (or `--scan-type BASIC` with a `SCAN_ON_PUSH` rule on `*`).
    """
    for registry in registries:
        if isinstance(registry.scan_type, Unknown):
            yield Result.not_assessed(registry.ref(), f"the registry scanning configuration could not be read "
                                      f"({registry.scan_type.reason})")
            continue
        scanning = _REGISTRY_SCANNING.get(registry.scan_type, ())
        rules = [f"{r.frequency} on {', '.join(r.filters)}" for r in registry.rules]
        wildcard = any(r.frequency in scanning and "*" in r.filters for r in registry.rules)
        here = [r for r in repositories if r.account == registry.account and r.region == registry.region]
        uncovered = sorted(r.name for r in here if r.registry_scan_frequency not in scanning)
        evidence = {"scan_type": registry.scan_type, "rules": rules, "covers_new_repositories": wildcard}
        if uncovered:
            flag_only = sorted(r.name for r in here if r.name in uncovered and r.scan_on_push)
            note = f" ({', '.join(flag_only)} only by its own scanOnPush flag)" if flag_only else ""
            yield Result.failed(registry.ref(), f"{registry.scan_type} scanning: no registry rule scans "
                                f"{', '.join(uncovered)}{note}", uncovered=uncovered, **evidence)
        elif not here:
            yield Result.passed(registry.ref(), f"no repository in this region ({registry.scan_type} scanning)",
                                **evidence)
        else:
            later = ", including repositories created later" if wildcard else ""
            yield Result.passed(registry.ref(), f"{registry.scan_type} scanning rules scan all {len(here)} "
                                f"repositories{later}", **evidence)


# Actions that let a caller change what the repository holds or who may use it.
_WRITE_ACTIONS = ("ecr:putimage", "ecr:initiatelayerupload", "ecr:uploadlayerpart", "ecr:completelayerupload",
                  "ecr:batchdeleteimage", "ecr:deleterepository", "ecr:setrepositorypolicy", "ecr:*", "*")


@check(
    title="ECR repository policies do not grant access to everyone",
    severity=Severity.HIGH, category="identity", resource_type="AWS::ECR::Repository",
    needs=("ecr_repositories",),
)
def ecr_repository_policy_not_public(repositories: list[EcrRepository]) -> Iterator[Result]:
    """What it checks:
    No Allow statement of a repository's policy (GetRepositoryPolicy) names the principal `*`
    without a condition tying the caller to an account, organization, source or network
    (`aws:PrincipalOrgID`, `aws:SourceAccount`, `aws:SourceVpce`...). Statements that also allow
    pushing or deleting images are named as such. A repository without a policy PASSes.

    Why it matters:
    Anyone who can pull an image gets the application's code, its dependencies with their known
    vulnerabilities and any credential baked into a layer; anyone who can push can replace what
    the cardholder data environment runs.

    How to fix:
    Replace `"Principal": "*"` by the accounts or roles that need the images, or keep it with an
    `aws:PrincipalOrgID` condition: `aws ecr set-repository-policy` (or `delete-repository-policy`).
    """
    for repo in repositories:
        if isinstance(repo.policy, Unknown):
            yield Result.not_assessed(repo.ref(), f"the repository policy could not be read ({repo.policy.reason})")
        elif repo.policy is None:
            yield Result.passed(repo.ref(), "the repository has no policy")
        else:
            public = [s for s in repo.policy if s.public]
            if not public:
                yield Result.passed(repo.ref(), f"{len(repo.policy)} policy statement(s), none open to everyone")
                continue
            writes = sorted({a for s in public for a in s.actions if a.lower() in _WRITE_ACTIONS})
            what = f"; they include write actions ({', '.join(writes)})" if writes else ""
            yield Result.failed(repo.ref(), f"policy statements allow everyone (principal *) without a source "
                                f"condition: {', '.join(s.sid or '(no sid)' for s in public)}{what}",
                                statements=[s.sid for s in public], actions=sorted({a for s in public
                                                                                    for a in s.actions}))


# `<account>.dkr.ecr.<region>.amazonaws.com[.cn]/<repository>[:tag | @digest]`
_ECR_IMAGE = re.compile(r"^(?P<account>\d{12})\.dkr\.ecr(?:-fips)?\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/"
                        r"(?P<repo>[^:@]+)(?::(?P<tag>[\w][\w.-]{0,127}))?(?:@(?P<digest>sha256:[0-9a-f]{64}))?$")


def _running_image(image: str, repos: dict[tuple[str, str, str], EcrRepository]) -> tuple[ImageScan | None, str]:
    """The scan of the ECR image a container names, or why it cannot be judged."""
    ref = _ECR_IMAGE.match(image)
    if ref is None:
        return None, "not in a private ECR registry"
    repo = repos.get((ref["account"], ref["region"], ref["repo"]))
    if repo is None:
        return None, f"repository {ref['repo']} ({ref['account']}/{ref['region']}) is not among the repositories read"
    if isinstance(repo.images, Unknown):
        return None, f"the images of {repo.name} could not be read ({repo.images.reason})"
    tag = ref["tag"] or ("" if ref["digest"] else "latest")
    found = next((i for i in repo.images if (ref["digest"] and i.digest == ref["digest"]) or
                  (not ref["digest"] and tag in i.tags)), None)
    if found is None:
        return None, f"{image.rsplit('/', 1)[-1]} is no longer in the repository (tag moved or image deleted)"
    if isinstance(found.scan, Unknown):
        return None, f"the findings of {image.rsplit('/', 1)[-1]} could not be read ({found.scan.reason})"
    if found.scan.status not in ("COMPLETE", "ACTIVE"):
        return None, f"{image.rsplit('/', 1)[-1]} has no completed scan ({found.scan.status})"
    return found.scan, ""


@check(
    title="Images that ECS services run carry no critical or high vulnerability older than 30 days",
    severity=Severity.CRITICAL, category="vulnerability-management", resource_type="AWS::ECS::Service",
    needs=("clock", "ecs_services", "ecs_task_definitions", "ecr_repositories"),
)
def ecr_running_image_high_critical_findings_30_days(
    now: datetime, services: list[EcsService], task_definitions: list[EcsTaskDefinition],
    repositories: list[EcrRepository],
) -> Iterator[Result]:
    """What it checks:
    For each ECS service, the ECR images its task definition names (by tag or by digest) are
    found among the repositories' images, whatever their push date, and their active CRITICAL
    and HIGH findings that enhanced scanning first observed more than 30 days ago FAIL the
    service. An image that cannot be judged (its task definition revision is not the latest of
    its family and so was not read, its repository or tag is not found, its scan is missing or
    unreadable, or basic scanning gives no dates) makes the service NOT_ASSESSED, with the
    reason, unless another of its images already FAILs. Images outside a private ECR registry
    are listed in the evidence and not judged.

    Why it matters:
    What runs is what attackers reach: a service can keep running last quarter's image long
    after a patched one was pushed. Critical and high vulnerabilities must be fixed within a
    month (critical) and by the risk-ranked deadline (high), and the image in production is
    where that shows.

    How to fix:
    Rebuild the image on patched base layers and dependencies, push it, update the task
    definition and redeploy the service (`aws ecs update-service --force-new-deployment` after
    moving the tag, or a new revision naming the digest); keep enhanced scanning on so findings
    carry their first-observed date.
    """
    repos = {(r.account, r.region, r.name): r for r in repositories}
    definitions = {td.arn: td for td in task_definitions}
    for service in services:
        td = definitions.get(service.task_definition_arn)
        if td is None:
            yield Result.not_assessed(service.ref(), f"task definition {service.task_definition_arn.rsplit('/', 1)[-1]}"
                                      " was not read (only the latest active revision of each family is)")
            continue
        overdue: dict[str, int] = {}
        undecided: list[str] = []
        not_judged: list[str] = []
        judged: list[str] = []
        for container in td.containers:
            scan, why = _running_image(container.image, repos)
            if scan is None:
                (not_judged if why == "not in a private ECR registry" else undecided).append(
                    f"{container.name}: {why}")
                continue
            judged.append(container.image.rsplit("/", 1)[-1])
            findings = scan.critical + scan.high
            undated = [v.id for v in findings if v.first_observed is None]
            if undated:
                undecided.append(f"{container.name}: {len(undated)} critical/high finding(s) without a first-observed "
                                 "date (basic scanning)")
            for v in findings:
                if v.first_observed is not None:
                    age = (_aware(now) - _aware(v.first_observed)).days
                    if age > PATCH_WINDOW_DAYS:
                        overdue[f"{v.id} ({v.severity})"] = max(age, overdue.get(f"{v.id} ({v.severity})", 0))
        evidence = {"task_definition": td.name, "images": judged, "not_judged": not_judged}
        if overdue:
            listed = ", ".join(f"{k} {age} days" for k, age in sorted(overdue.items(), key=lambda kv: -kv[1]))
            yield Result.failed(service.ref(), f"running images carry findings older than 30 days: {listed}",
                                overdue_days=overdue, undecided=undecided, **evidence)
        elif undecided:
            yield Result.not_assessed(service.ref(), "; ".join(undecided), **evidence)
        elif not judged:
            yield Result.not_assessed(service.ref(), "none of its images is in a private ECR registry, whose scans "
                                      "are read", **evidence)
        else:
            yield Result.passed(service.ref(), f"no critical or high finding older than 30 days in "
                                f"{', '.join(judged)}", **evidence)
