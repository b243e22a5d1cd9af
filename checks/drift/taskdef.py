"""Task definition files against the revision the account runs: a change merged but never
registered, or a revision registered by hand and never merged."""

from __future__ import annotations

from collections.abc import Iterator

from cardaudit.engine.registry import check
from cardaudit.models.artifacts import RepoTaskDefinition, TaskdefContainer
from cardaudit.models.aws.ecs import EcsTaskDefinition
from cardaudit.models.base import Severity
from cardaudit.models.containers import EcsContainer
from cardaudit.models.finding import Result
from cardaudit.models.inventory import Slice

from . import one_per_field


def _placeholder(image: str) -> bool:
    """A pipeline fills it in (`<IMAGE1_NAME>`, `${IMAGE}`): nothing to compare."""
    return not image or "<" in image or "${" in image or "{{" in image


def _aspects(repo: EcsContainer, live: EcsContainer) -> dict[str, tuple[str, str]]:
    """Field (relative to the container) -> (repository value, live value), for what differs."""
    out: dict[str, tuple[str, str]] = {}
    if (repo.log_driver, repo.log_group) != (live.log_driver, live.log_group):
        out["logConfiguration"] = (f"{repo.log_driver or 'none'} {repo.log_group or ''}".strip(),
                                   f"{live.log_driver or 'none'} {live.log_group or ''}".strip())
    repo_secrets = sorted((s.name, s.value_from) for s in repo.secrets)
    live_secrets = sorted((s.name, s.value_from) for s in live.secrets)
    if repo_secrets != live_secrets:
        out["secrets"] = (", ".join(f"{n}<-{v}" for n, v in repo_secrets) or "none",
                          ", ".join(f"{n}<-{v}" for n, v in live_secrets) or "none")
    if not _placeholder(repo.image) and repo.image != live.image:
        out["image"] = (repo.image, live.image)
    if (repo.user or None) != (live.user or None):
        out["user"] = (repo.user or "image default", live.user or "image default")
    if repo.privileged != live.privileged:
        out["privileged"] = (str(repo.privileged).lower(), str(live.privileged).lower())
    return out


def _compare(td: RepoTaskDefinition, c: TaskdefContainer, live: EcsTaskDefinition) -> Iterator[Result]:
    base = f"$.containerDefinitions[{c.index}]"
    match = next((x for x in live.containers if x.name == c.container.name), None)
    if match is None:
        yield Result.failed(td.file.ref(line=c.line, field=base),
                            f"container {c.container.name} is in the file but not in {live.arn}",
                            live_arn=live.arn, fields=["containerDefinitions"])
        return
    differs = _aspects(c.container, match)
    for field, (ours, theirs) in sorted(differs.items()):
        yield Result.failed(
            td.file.ref(line=c.line, field=f"{base}.{field}"),
            f"container {c.container.name}: {field} is '{ours}' in the file but '{theirs}' in {live.arn}",
            live_arn=live.arn, fields=[field], repository=ours, account=theirs)
    if not differs:
        yield Result.passed(td.file.ref(line=c.line, field=base),
                            f"container {c.container.name} matches {live.arn} (logging, secrets, image, user)",
                            live_arn=live.arn)


@check(
    title="Repository task definitions match the revision registered in the account",
    severity=Severity.MEDIUM, category="change-management", resource_type="Repo::taskdef",
    needs=("repo_task_definitions", "ecs_task_definitions"),
)
def drift_task_definition_matches_account(task_definitions: list[RepoTaskDefinition],
                                          live: Slice[EcsTaskDefinition]) -> Iterator[Result]:
    """What it checks:
    For each task definition file in a repository, the latest ACTIVE revision of the same
    family in the account: each container's log driver and awslogs group, its secrets (names and
    `valueFrom`), its image (when the file names one rather than a pipeline placeholder), its
    `user` and `privileged`. Each difference is one finding on the file's field, naming the
    revision's ARN, so field-level ownership routes it. Files whose family is not in the account
    give no finding; NOT_ASSESSED when task definitions could not be read.

    Why it matters:
    A fix merged but never registered, or a revision registered by hand and never merged, means
    the reviewed file is not what runs: the change bypassed review, or the review changed nothing.

    How to fix:
    Register the file through the pipeline (or merge what was registered by hand), so that the
    repository and the account agree; then find out how the other path was taken.
    """
    return one_per_field(_links(task_definitions, live))


def _links(task_definitions: list[RepoTaskDefinition], live: Slice[EcsTaskDefinition]) -> Iterator[Result]:
    blind = live.blind()
    for td in task_definitions:
        if not td.family or _placeholder(td.family):
            continue
        matches = sorted((t for t in live.items if t.family == td.family), key=lambda t: t.arn)
        if not matches:
            if blind:
                yield Result.not_assessed(td.file.ref(field="$.family"),
                                          f"family {td.family}: the account's task definitions were not all "
                                          f"read ({blind})")
            continue
        for revision in matches:
            for c in td.containers:
                yield from _compare(td, c, revision)
            for name in sorted({x.name for x in revision.containers} - {c.container.name for c in td.containers}):
                yield Result.failed(td.file.ref(field="$.containerDefinitions"),
                                    f"container {name} runs in {revision.arn} but is not in the file",
                                    live_arn=revision.arn, fields=["containerDefinitions"])
