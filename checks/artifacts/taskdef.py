"""taskdef.json in repositories: the same container rules as live task definitions, per container.

Results point at the field (`$.containerDefinitions[1].logConfiguration`), so field-level
ownership rules route a logging gap and a secrets gap in one file to different teams.
"""

from __future__ import annotations

from collections.abc import Iterator

from cardaudit.engine.registry import check
from cardaudit.models.artifacts import RepoTaskDefinition
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.verdicts import REDACTED, container_logging, plaintext_secrets, secrets_reason


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
            ref = td.file.ref(line=c.line, field=f"$.containerDefinitions[{c.index}].logConfiguration")
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
                ref = td.file.ref(line=line, field=f"$.containerDefinitions[{c.index}].environment")
                yield Result.failed(ref, secrets_reason(f"container {c.container.name}", exposed),
                                    variables=exposed, values=REDACTED)
            else:
                ref = td.file.ref(line=c.line, field=f"$.containerDefinitions[{c.index}].environment")
                yield Result.passed(ref, f"container {c.container.name}: {len(c.container.environment)} variable(s), "
                                         f"{len(c.container.secrets)} secret reference(s)")
