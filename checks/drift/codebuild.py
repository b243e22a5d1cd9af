"""Buildspec files against the CodeBuild projects that build the repository."""

from __future__ import annotations

from collections.abc import Iterator

from cardaudit.engine.registry import check
from cardaudit.models.artifacts import BuildspecDoc, RepoFile
from cardaudit.models.aws.codebuild import CodeBuildProject
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.models.inventory import Slice

from . import one_per_field

DEFAULT_BUILDSPEC = "buildspec.yml"


def _repo_of(location: str, repos: set[str]) -> str | None:
    """The checkout a source URL points at: same `owner/name`, or same last name (CodeCommit has no owner)."""
    path = location.rstrip("/").removesuffix(".git")
    for repo in sorted(repos):
        if path.endswith("/" + repo) or path.rsplit("/", 1)[-1] == repo.rsplit("/", 1)[-1]:
            return repo
    return None


@check(
    title="CodeBuild projects run the buildspec the repository holds",
    severity=Severity.MEDIUM, category="change-management", resource_type="Repo::buildspec",
    needs=("buildspecs", "codebuild_projects"),
)
def drift_buildspec_used_by_project(buildspecs: list[BuildspecDoc],
                                    live: Slice[CodeBuildProject]) -> Iterator[Result]:
    """What it checks:
    For each CodeBuild project whose source is one of the repositories given, which buildspec it
    runs: the repository file at the project's buildspec path (PASS), an inline buildspec kept in
    the project while the repository has a `buildspec.yml` (FAIL), or a path cardaudit did not
    read as a buildspec in the repository (NOT_ASSESSED). Buildspec files no project uses give no
    finding; NOT_ASSESSED when projects could not be read.

    Why it matters:
    The scan gate and the build steps are reviewed in the repository; an inline buildspec in the
    project is changed in the console, without review, and the repository's file is then only
    decoration.

    How to fix:
    Point the project's source buildspec at the repository file (in the IaC that builds the
    project), and remove the inline buildspec.
    """
    return one_per_field(_links(buildspecs, live))


def _links(buildspecs: list[BuildspecDoc], live: Slice[CodeBuildProject]) -> Iterator[Result]:
    by_path = {(doc.file.repo, doc.file.path): doc for doc in buildspecs}
    repos = {doc.file.repo for doc in buildspecs}
    linked: set[tuple[str, str]] = set()
    for project in sorted(live.items, key=lambda p: p.arn):
        for source in project.sources:
            repo = _repo_of(source.location, repos)
            if repo is None:
                continue
            if source.buildspec_inline:
                doc = by_path.get((repo, DEFAULT_BUILDSPEC))
                if doc is not None:
                    linked.add((repo, DEFAULT_BUILDSPEC))
                    yield Result.failed(doc.file.ref(line=1), f"project {project.name} ({project.arn}) runs an "
                                        f"inline buildspec, not {repo}:{DEFAULT_BUILDSPEC}",
                                        live_arn=project.arn, fields=["source.buildspec"])
                continue
            path = (source.buildspec_path or DEFAULT_BUILDSPEC).lstrip("./")
            doc = by_path.get((repo, path))
            if doc is None:
                yield Result.not_assessed(
                    RepoFile(repo=repo, path=path, kind="buildspec").ref(),
                    f"project {project.name} ({project.arn}) runs {path}, which cardaudit did not read as a "
                    f"buildspec in {repo}", live_arn=project.arn)
                continue
            linked.add((repo, path))
            yield Result.passed(doc.file.ref(line=1), f"project {project.name} ({project.arn}) runs this file",
                                live_arn=project.arn)
    blind = live.blind()
    if blind:
        for key, doc in sorted(by_path.items()):
            if key not in linked:
                yield Result.not_assessed(doc.file.ref(), f"the account's CodeBuild projects were not all read "
                                                          f"({blind})")
