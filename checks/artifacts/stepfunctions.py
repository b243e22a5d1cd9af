"""Step Functions definitions in repositories: what a workflow hands its tasks, and what it runs.

ECS `runTask` states are linked to the task definition they run: a repository task definition
file of the same family (anywhere in the checkouts given), else the live family, recorded in
the evidence (`family`, `task_definition`) so the live account can be compared with it.
"""

from __future__ import annotations

from collections.abc import Iterator

from cardaudit.engine.registry import check
from cardaudit.models.artifacts import AslState, RepoTaskDefinition, StepFunctionsDoc
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.verdicts import REDACTED, container_logging, plaintext_secrets, secrets_reason


@check(
    title="Step Functions definitions keep credentials out of task Parameters and Arguments",
    severity=Severity.CRITICAL, category="secrets", resource_type="Repo::stepfunctions", needs=("stepfunctions",),
)
def stepfunctions_no_plaintext_secrets(definitions: list[StepFunctionsDoc]) -> Iterator[Result]:
    """What it checks:
    No Task state passes a secret-looking literal in `Parameters` (JSONPath) or `Arguments`
    (JSONata), including `{Name, Value}` pairs such as ECS container overrides' `Environment`.
    Values computed at run time (`Key.$`, `{% ... %}`, `${Substitution}`) are not literals.

    Why it matters:
    The definition is in the repository and readable by everyone allowed
    `states:DescribeStateMachine`; the value also lands in every execution's history.

    How to fix:
    Pass an ARN and let the task read the secret (`secrets` in the task definition, Secrets
    Manager in the function), and rotate the exposed credential.
    """
    for doc in definitions:
        leaks = [(state, v) for state in doc.states for v in state.variables
                 if plaintext_secrets([v.var])]
        if leaks:
            state, first = leaks[0]
            names = sorted({v.var.name for _, v in leaks})
            yield Result.failed(doc.file.ref(line=first.line or state.line, field=first.path),
                                secrets_reason(f"state {state.name}", names), variables=names, values=REDACTED)
        else:
            yield Result.passed(doc.file.ref(line=doc.states[0].line if doc.states else None, field=doc.at(".States")),
                                f"{len(doc.states)} state(s), no secret-looking literal handed to a task")


def _run_tasks(definitions: list[StepFunctionsDoc], task_definitions: list[RepoTaskDefinition],
               ) -> Iterator[tuple[StepFunctionsDoc, AslState, list[RepoTaskDefinition]]]:
    """Each ECS `runTask` state, with the repository task definitions of its family (none: unlinked)."""
    by_family: dict[str, list[RepoTaskDefinition]] = {}
    for td in task_definitions:
        if td.family:
            by_family.setdefault(td.family, []).append(td)
    for doc in definitions:
        for state in doc.states:
            if state.runs_ecs_task:
                yield doc, state, by_family.get(state.ecs_family, []) if state.ecs_family else []


def _unlinked(doc: StepFunctionsDoc, state: AslState) -> Result:
    ref = doc.file.ref(line=state.ecs_line or state.line, field=f"{state.path}")
    if state.ecs_dynamic and not state.ecs_family:
        return Result.not_assessed(ref, f"state {state.name}: {state.ecs_dynamic}",
                                   task_definition=state.ecs_task_definition)
    return Result.not_assessed(ref, f"state {state.name} runs the live family {state.ecs_family}; no repository "
                                    "task definition of that family was given", family=state.ecs_family,
                               task_definition=state.ecs_task_definition)


@check(
    title="ECS tasks run by Step Functions send their logs somewhere",
    severity=Severity.HIGH, category="logging", resource_type="Repo::stepfunctions",
    needs=("stepfunctions", "repo_task_definitions"),
)
def stepfunctions_run_task_logging(definitions: list[StepFunctionsDoc],
                                   task_definitions: list[RepoTaskDefinition]) -> Iterator[Result]:
    """What it checks:
    For each ECS `runTask` state, the task definition it runs (a repository file of the same
    family) has a `logConfiguration` that ships logs off the task on every container. A family
    with no repository file, or a task definition chosen at run time, is NOT_ASSESSED with the
    family or ARN in the evidence (the live check judges registered revisions).

    Why it matters:
    The batch jobs a workflow starts move card data in bulk; without logs there is no record of
    what each run did, and the finding belongs where the workflow runs the task.

    How to fix:
    Add `logConfiguration` (awslogs or FireLens) to every container of the task definition the
    state runs.
    """
    for doc, state, linked in _run_tasks(definitions, task_definitions):
        if not linked:
            yield _unlinked(doc, state)
            continue
        ref = doc.file.ref(line=state.ecs_line or state.line, field=state.path)
        missing = [(td, c) for td in linked for c in td.containers if not container_logging(c.container).ok]
        where = ", ".join(f"{td.file.repo}:{td.file.path}" for td in linked)
        if missing:
            td, c = missing[0]
            yield Result.failed(ref, f"state {state.name} runs {state.ecs_family} ({where}): "
                                     f"{container_logging(c.container).reason}",
                                family=state.ecs_family, task_definition_file=f"{td.file.path}:{c.line}")
        else:
            yield Result.passed(ref, f"state {state.name} runs {state.ecs_family} ({where}): every container logs",
                                family=state.ecs_family)


@check(
    title="ECS tasks run by Step Functions keep credentials out of plaintext environment variables",
    severity=Severity.CRITICAL, category="secrets", resource_type="Repo::stepfunctions",
    needs=("stepfunctions", "repo_task_definitions"),
)
def stepfunctions_run_task_no_plaintext_secrets(definitions: list[StepFunctionsDoc],
                                                task_definitions: list[RepoTaskDefinition]) -> Iterator[Result]:
    """What it checks:
    For each ECS `runTask` state, the task definition it runs (a repository file of the same
    family) holds no secret-looking plaintext environment variable. Overrides passed by the
    state itself are judged by the Parameters check. Unlinked states are NOT_ASSESSED, with the
    family or ARN in the evidence.

    Why it matters:
    A batch task with a plaintext credential exposes it to everyone who can describe the task
    definition, on every run the workflow starts.

    How to fix:
    Replace the variable with a `secrets` entry (`valueFrom` a Secrets Manager or SSM ARN) in
    the task definition the state runs, and rotate the credential.
    """
    for doc, state, linked in _run_tasks(definitions, task_definitions):
        if not linked:
            yield _unlinked(doc, state)
            continue
        ref = doc.file.ref(line=state.ecs_line or state.line, field=state.path)
        exposed = sorted({name for td in linked for c in td.containers
                          for name in plaintext_secrets(c.container.environment)})
        if exposed:
            yield Result.failed(ref, secrets_reason(f"state {state.name} runs {state.ecs_family}", exposed),
                                family=state.ecs_family, variables=exposed, values=REDACTED)
        else:
            yield Result.passed(ref, f"state {state.name} runs {state.ecs_family}: no plaintext secret",
                                family=state.ecs_family)
