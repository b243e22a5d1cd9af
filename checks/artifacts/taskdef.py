"""taskdef.json in repositories: the same container rules as live task definitions, per container.

Results point at the field (`$.containerDefinitions[1].logConfiguration`), so field-level
ownership rules route a logging gap and a secrets gap in one file to different teams.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from cardaudit.engine.registry import check
from cardaudit.models.artifacts import RepoTaskDefinition
from cardaudit.models.base import Severity
from cardaudit.models.containers import EcsContainer
from cardaudit.models.finding import Result
from cardaudit.verdicts import REDACTED, container_logging, plaintext_secrets, secrets_reason


def _field(td: RepoTaskDefinition, path: str) -> str:
    """A field inside the task definition; CloudFormation spells its properties in PascalCase."""
    if td.field_prefix == "$":
        return td.at(path)
    return td.at(re.sub(r"\.([a-z])", lambda m: "." + m.group(1).upper(), path))


@check(
    title="Every container in a repository taskdef.json sends its logs somewhere",
    severity=Severity.HIGH, category="logging", resource_type="Repo::taskdef", needs=("repo_task_definitions",),
)
def taskdef_container_logging_configured(task_definitions: list[RepoTaskDefinition]) -> Iterator[Result]:
    """What it checks:
    Each container definition in a task definition file kept in a repository has a
    `logConfiguration` whose driver ships logs off the task (as the live check).

    Why it matters:
    The file is what the pipeline registers next: a container without a log driver will run
    without audit logs however the live account looks today.

    How to fix:
    Add `logConfiguration` to the container definition in the file; if the platform team owns
    log routing, give it that field in ownership.yaml (`fields:`).
    """
    for td in task_definitions:
        for c in td.containers:
            ref = td.file.ref(line=c.line, field=_field(td, f".containerDefinitions[{c.index}].logConfiguration"))
            verdict = container_logging(c.container)
            if verdict.ok:
                yield Result.passed(ref, verdict.reason)
            else:
                yield Result.failed(ref, verdict.reason, container=c.container.name)


@check(
    title="Repository taskdef.json files keep credentials out of plaintext environment variables",
    severity=Severity.CRITICAL, category="secrets", resource_type="Repo::taskdef", needs=("repo_task_definitions",),
)
def taskdef_no_plaintext_secrets(task_definitions: list[RepoTaskDefinition]) -> Iterator[Result]:
    """What it checks:
    No container definition in a task definition file holds a secret-looking value in
    `environment` (same rules as the live check: credential-like names with literal values, and
    values shaped like keys, JWTs or URLs with passwords).

    Why it matters:
    A secret committed to a repository is in its history for good, readable by everyone with
    read access and by every CI job, and it is registered again on every deployment.

    How to fix:
    Replace the variable with a `secrets` entry (`valueFrom` a Secrets Manager or SSM ARN),
    rotate the credential, and purge it from the repository history.
    """
    for td in task_definitions:
        for c in td.containers:
            exposed = plaintext_secrets(c.container.environment)
            if exposed:
                line = min(c.env_lines.get(name, c.line or 0) for name in exposed) or c.line
                ref = td.file.ref(line=line, field=_field(td, f".containerDefinitions[{c.index}].environment"))
                yield Result.failed(ref, secrets_reason(f"container {c.container.name}", exposed),
                                    variables=exposed, values=REDACTED)
            else:
                ref = td.file.ref(line=c.line, field=_field(td, f".containerDefinitions[{c.index}].environment"))
                yield Result.passed(ref, f"container {c.container.name}: {len(c.container.environment)} variable(s), "
                                         f"{len(c.container.secrets)} secret reference(s)")


def _each(task_definitions: list[RepoTaskDefinition], attribute: str, ok: Callable[[EcsContainer], bool],
          good: str, bad: str) -> Iterator[Result]:
    for td in task_definitions:
        for c in td.containers:
            ref = td.file.ref(line=c.line, field=_field(td, f".containerDefinitions[{c.index}].{attribute}"))
            if ok(c.container):
                yield Result.passed(ref, f"container {c.container.name}: {good}")
            else:
                yield Result.failed(ref, f"container {c.container.name}: {bad}", container=c.container.name)


@check(
    title="Repository task definitions run no privileged container",
    severity=Severity.HIGH, category="hardening", resource_type="Repo::taskdef", needs=("repo_task_definitions",),
)
def taskdef_container_not_privileged(task_definitions: list[RepoTaskDefinition]) -> Iterator[Result]:
    """What it checks:
    No container definition in a task definition file (or inline in a template) sets
    `privileged: true`.

    Why it matters:
    A privileged container has every capability and the host's devices: a compromise of the
    application is a compromise of the host and of every task on it.

    How to fix:
    Remove `privileged`; add only the Linux capabilities the process needs.
    """
    yield from _each(task_definitions, "privileged", lambda c: not c.privileged, "not privileged", "privileged: true")


@check(
    title="Repository task definitions mount the root file system read-only",
    severity=Severity.MEDIUM, category="hardening", resource_type="Repo::taskdef", needs=("repo_task_definitions",),
)
def taskdef_container_read_only_root_filesystem(task_definitions: list[RepoTaskDefinition]) -> Iterator[Result]:
    """What it checks:
    Each container definition sets `readonlyRootFilesystem: true`.

    Why it matters:
    A writable root file system lets an attacker who reaches the process drop tools and change
    binaries; read-only limits writes to the volumes declared for them.

    How to fix:
    Set `readonlyRootFilesystem: true` and mount a volume (or a tmpfs on EC2) where the
    application must write.
    """
    yield from _each(task_definitions, "readonlyRootFilesystem", lambda c: c.readonly_root_filesystem,
                     "read-only root file system", "the root file system is writable (readonlyRootFilesystem unset)")


_ROOT_USER = re.compile(r"^(root|0)(:.*)?$")


@check(
    title="Repository task definitions run containers as a non-root user",
    severity=Severity.MEDIUM, category="hardening", resource_type="Repo::taskdef", needs=("repo_task_definitions",),
)
def taskdef_container_non_root_user(task_definitions: list[RepoTaskDefinition]) -> Iterator[Result]:
    """What it checks:
    Each container definition sets `user` to something other than root or UID 0. Without `user`
    the image's USER applies, which the Dockerfile check judges where the Dockerfile is in a
    repository: that case FAILs here because the task definition does not enforce it.

    Why it matters:
    The task definition is the last word on the runtime user; root in the container makes any
    code-execution bug root on the task.

    How to fix:
    Set `"user": "1000:1000"` (or the image's unprivileged user) in each container definition.
    """
    yield from _each(task_definitions, "user", lambda c: c.user is not None and not _ROOT_USER.match(c.user),
                     "runs as a non-root user", "no non-root `user` (root, or the image's default)")


@check(
    title="Repository task definitions do not share the host's network or process namespace",
    severity=Severity.HIGH, category="hardening", resource_type="Repo::taskdef", needs=("repo_task_definitions",),
)
def taskdef_no_host_network_or_pid(task_definitions: list[RepoTaskDefinition]) -> Iterator[Result]:
    """What it checks:
    The task definition sets neither `networkMode: host` nor `pidMode: host`.

    Why it matters:
    Host networking bypasses the task's security groups and exposes every port of the host;
    the host PID namespace lets the task see and signal every process on the instance.

    How to fix:
    Use `awsvpc` networking (the Fargate default) and leave `pidMode` unset or `task`.
    """
    for td in task_definitions:
        if td.network_mode == "host":
            yield Result.failed(td.file.ref(line=td.network_mode_line, field=_field(td, ".networkMode")),
                                "networkMode: host")
        elif td.pid_mode == "host":
            yield Result.failed(td.file.ref(line=td.pid_mode_line, field=_field(td, ".pidMode")), "pidMode: host")
        else:
            yield Result.passed(td.file.ref(line=td.line, field=_field(td, ".networkMode")),
                                f"networkMode {td.network_mode or 'unset'}, pidMode {td.pid_mode or 'unset'}")


_IMAGE_DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")
_PLACEHOLDER = re.compile(r"<[A-Za-z0-9_]+>|\$\{|\{\{|\$[A-Z_]")
# Tags that move by convention: they name a branch or a channel, not a build.
MOVING_TAGS = frozenset({"latest", "main", "master", "develop", "dev", "prod", "production", "staging", "stable",
                         "edge", "nightly", "current", "release", "test", "qa"})


@check(
    title="Repository task definitions pin container images by digest or an immutable tag",
    severity=Severity.MEDIUM, category="vulnerability-management", resource_type="Repo::taskdef",
    needs=("repo_task_definitions",),
)
def taskdef_container_image_pinned(task_definitions: list[RepoTaskDefinition]) -> Iterator[Result]:
    """What it checks:
    Each container's `image` names a digest, or a tag that names one build (a version or a
    commit: it holds a digit and is not a moving name such as `latest`, `main` or `prod`). An
    image that is a placeholder the pipeline fills in (`<IMAGE1_NAME>`, `${IMAGE}`) is
    NOT_ASSESSED: the file does not say what runs. Whether the ECR repository refuses to move a
    tag is judged by the live ECR checks.

    Why it matters:
    A moving tag runs whatever was pushed last: the image that was scanned is not necessarily
    the one that starts next, and a rollback cannot be trusted.

    How to fix:
    Deploy `repo@sha256:...` or a build-specific tag (commit SHA, version), and make the ECR
    repository's tags immutable.
    """
    for td in task_definitions:
        for c in td.containers:
            image = c.container.image
            ref = td.file.ref(line=c.line, field=_field(td, f".containerDefinitions[{c.index}].image"))
            tag = image.split("@", 1)[0].rsplit("/", 1)[-1].partition(":")[2]
            if _PLACEHOLDER.search(image) or image == "":
                yield Result.not_assessed(ref, f"container {c.container.name}: the image is filled in at deploy time")
            elif _IMAGE_DIGEST.search(image):
                yield Result.passed(ref, f"container {c.container.name}: pinned by digest")
            elif tag and tag.lower() not in MOVING_TAGS and any(ch.isdigit() for ch in tag):
                yield Result.passed(ref, f"container {c.container.name}: build-specific tag {tag}")
            else:
                yield Result.failed(ref, f"container {c.container.name}: image {image} is "
                                    + (f"on the moving tag {tag}" if tag else "untagged (latest)"), image=image)


_STORE_ARN = re.compile(r"^arn:aws[a-z-]*:(secretsmanager:[^:]*:[^:]*:secret:|ssm:[^:]*:[^:]*:parameter/)")


_SSM_NAME = re.compile(r"^/?[A-Za-z0-9_.\-/]{1,2048}$")


def _from_store(value_from: str) -> bool:
    if _STORE_ARN.match(value_from) or _PLACEHOLDER.search(value_from):
        return True
    # A bare name is an SSM parameter in the task's Region; a withheld value (<redacted:...>) is not.
    return not value_from.startswith(("arn:", "<redacted")) and _SSM_NAME.match(value_from) is not None


@check(
    title="Repository task definitions read secrets from Secrets Manager or SSM Parameter Store",
    severity=Severity.HIGH, category="secrets", resource_type="Repo::taskdef", needs=("repo_task_definitions",),
)
def taskdef_secrets_from_secret_store(task_definitions: list[RepoTaskDefinition]) -> Iterator[Result]:
    """What it checks:
    Every `secrets[].valueFrom` is a Secrets Manager secret ARN, an SSM parameter ARN, or an SSM
    parameter name (`/app/db/password`, which ECS resolves in the task's Region). An ARN of
    another service, or a value pasted where the reference belongs, FAILs (never shown).
    Containers without `secrets` PASS: plaintext variables are judged by the plaintext check.

    Why it matters:
    Only a secret store keeps the value encrypted, access-controlled and rotatable; anything
    else in `valueFrom` is either a deployment failure or the secret itself.

    How to fix:
    Store the value in Secrets Manager or Parameter Store (SecureString) and put its ARN in
    `valueFrom`; rotate a value that was pasted there.
    """
    for td in task_definitions:
        for c in td.containers:
            ref = td.file.ref(line=c.line, field=_field(td, f".containerDefinitions[{c.index}].secrets"))
            bad = [s.name for s in c.container.secrets if not _from_store(s.value_from)]
            if bad:
                yield Result.failed(ref, f"container {c.container.name}: valueFrom of {', '.join(bad)} is not a "
                                         "Secrets Manager or SSM Parameter Store reference", secrets=bad)
            else:
                yield Result.passed(ref, f"container {c.container.name}: {len(c.container.secrets)} secret "
                                         "reference(s), each from a secret store")


