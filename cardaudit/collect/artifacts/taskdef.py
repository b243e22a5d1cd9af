"""taskdef.json files (the RegisterTaskDefinition request shape CodePipeline deploys)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cardaudit.collect.artifacts.reading import read_text
from cardaudit.collect.shapes import ShapeError, container_from_api
from cardaudit.jsonlines import line_of, loads_with_lines
from cardaudit.limits import LimitExceeded
from cardaudit.models.artifacts import ParseProblem, RepoTaskDefinition, TaskdefContainer
from cardaudit.models.inventory import RepoFile
from cardaudit.redact import redact_text


def parse_taskdef(file: RepoFile, root: Path) -> RepoTaskDefinition:
    text = read_text(root, file.path)
    if isinstance(text, ParseProblem):
        return RepoTaskDefinition(file=file, problem=text)
    try:
        doc = loads_with_lines(text)
    except json.JSONDecodeError as exc:
        return RepoTaskDefinition(file=file, problem=ParseProblem(line=exc.lineno, message=f"invalid JSON: {exc.msg}"))
    except LimitExceeded as exc:
        return RepoTaskDefinition(file=file, problem=ParseProblem(line=exc.line, message=exc.message))
    if isinstance(doc, dict) and isinstance(doc.get("taskDefinition"), dict):
        doc = doc["taskDefinition"]  # `aws ecs describe-task-definition` output saved as the file
    defs = doc.get("containerDefinitions") if isinstance(doc, dict) else None
    if not isinstance(defs, list) or not all(isinstance(c, dict) for c in defs):
        return RepoTaskDefinition(file=file, problem=ParseProblem(
            line=line_of(doc) or 1, message="not a task definition: no containerDefinitions list of objects"))
    containers: list[TaskdefContainer] = []
    for index, raw in enumerate(defs):
        try:
            containers.append(_container(index, raw))
        except ShapeError as exc:
            field = raw.get(exc.field.split("[", 1)[0])
            return RepoTaskDefinition(file=file, problem=ParseProblem(
                line=line_of(field) or line_of(raw),
                message=f"containerDefinitions[{index}].{exc}"))
    family = doc.get("family")
    return RepoTaskDefinition(file=file, family=redact_text(family) if isinstance(family, str) else None,
                              containers=containers)


def _container(index: int, raw: dict[str, Any]) -> TaskdefContainer:
    container = container_from_api(raw)
    env = raw.get("environment") or []
    env_lines = {str(e.get("name")): line for e in env if isinstance(e, dict) and (line := line_of(e))}
    return TaskdefContainer(index=index, line=line_of(raw), container=container, env_lines=env_lines)
