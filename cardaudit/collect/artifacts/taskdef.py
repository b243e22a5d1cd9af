"""taskdef.json files (the RegisterTaskDefinition request shape CodePipeline deploys)."""

from __future__ import annotations

import json
from collections.abc import Callable
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
    if defs is None and not (isinstance(doc, dict) and "family" in doc):
        return RepoTaskDefinition(file=file, skipped="not a task definition: no containerDefinitions")
    if not isinstance(defs, list) or not all(isinstance(c, dict) for c in defs):
        return RepoTaskDefinition(file=file, problem=ParseProblem(
            line=line_of(doc) or 1, message="not a task definition: no containerDefinitions list of objects"))
    assert isinstance(doc, dict)
    return taskdef_from_dict(file, doc, defs, _json_line)


def _json_line(node: Any, key: str | int) -> int | None:
    """The line a JSON value starts on (objects and arrays know theirs), else its parent's."""
    child = None
    if isinstance(node, dict) and isinstance(key, str):
        child = node.get(key)
    elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
        child = node[key]
    return line_of(child) or line_of(node)


def taskdef_from_dict(file: RepoFile, doc: dict[str, Any], defs: list[dict[str, Any]],
                      line: Callable[[Any, str | int], int | None], prefix: str = "$",
                      doc_line: int | None = None) -> RepoTaskDefinition:
    """A task definition from its RegisterTaskDefinition-shaped dict; `line(node, key)` finds lines."""
    containers: list[TaskdefContainer] = []
    for index, raw in enumerate(defs):
        try:
            containers.append(_container(index, raw, line, defs))
        except ShapeError as exc:
            return RepoTaskDefinition(file=file, field_prefix=prefix, problem=ParseProblem(
                line=line(raw, exc.field.split("[", 1)[0]) or line(defs, index),
                message=f"containerDefinitions[{index}].{exc}"))
    family = doc.get("family")
    modes = {key: doc.get(key) if isinstance(doc.get(key), str) else None for key in ("networkMode", "pidMode")}
    return RepoTaskDefinition(
        file=file, field_prefix=prefix, family=redact_text(family) if isinstance(family, str) else None,
        line=doc_line if doc_line is not None else line_of(doc) or 1, containers=containers,
        network_mode=modes["networkMode"], network_mode_line=line(doc, "networkMode") if modes["networkMode"] else None,
        pid_mode=modes["pidMode"], pid_mode_line=line(doc, "pidMode") if modes["pidMode"] else None)


def _container(index: int, raw: dict[str, Any], line: Callable[[Any, str | int], int | None],
               defs: list[dict[str, Any]]) -> TaskdefContainer:
    container = container_from_api(raw)
    env = raw.get("environment") or []
    env_lines = {str(e.get("name")): at for i, e in enumerate(env)
                 if isinstance(e, dict) and (at := line(env, i))}
    return TaskdefContainer(index=index, line=line(defs, index), container=container, env_lines=env_lines)
