"""Step Functions definitions (Amazon States Language), JSON or YAML, JSONPath or JSONata.

Read as a round-trip YAML tree (JSON is YAML), so every state keeps its line. Each state is
listed with the JSONPath it sits at, nested ones too (Parallel branches, Map iterators). What a
state hands to its task (`Parameters` for JSONPath, `Arguments` for JSONata) is kept only as the
shapes of its literal values (`cardaudit.redact`), with their lines, never the values; ECS
`runTask` states keep the task definition they name, so it can be linked to a repository file or
to the live family.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar

from cardaudit.collect.artifacts.reading import TreeReader, parse_yaml_file
from cardaudit.models.artifacts import AslState, AslVariable, ParseProblem, StepFunctionsDoc
from cardaudit.models.inventory import RepoFile
from cardaudit.redact import env_var, redact_text

STATE_TYPES = frozenset({"Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"})
_TASK_DEF_ARN = re.compile(r"^arn:aws[a-z-]*:ecs:[^:]*:[^:]*:task-definition/(?P<family>[^:]+)(:\d+)?$")
_FAMILY = re.compile(r"^(?P<family>[A-Za-z0-9_-]{1,255})(:\d+)?$")
_JSONATA = re.compile(r"^\s*\{%.*%\}\s*$", re.DOTALL)


def _is_literal(key: str, value: Any) -> bool:
    """A value written in the definition, not computed at run time (`X.$`, `{% ... %}`, `${Sub}`)."""
    if key.endswith(".$") or isinstance(value, TaggedScalar):
        return False
    return not (isinstance(value, str) and (_JSONATA.match(value) or value.startswith("${")))


class _Reader(TreeReader):
    def __init__(self, file: RepoFile, offset: int, prefix: str) -> None:
        super().__init__(file, offset, prefix)
        self.states: list[AslState] = []

    def problem(self, line: int | None, message: str) -> StepFunctionsDoc:
        return StepFunctionsDoc(file=self.file, field_prefix=self.prefix, problem=ParseProblem(line=line,
                                                                                               message=message))

    def variables(self, node: Any, path: str, out: list[AslVariable], depth: int = 0) -> None:
        """Literal values under Parameters/Arguments: {Name, Value} pairs as environment, else by key."""
        if depth > 40:
            return
        if isinstance(node, CommentedMap):
            name, value = node.get("Name"), node.get("Value")
            if isinstance(name, str) and "Value" in node and _is_literal("Value", value) and not isinstance(
                    value, dict | list):
                out.append(AslVariable(var=env_var(name, "" if value is None else str(value)),
                                       path=f"{path}.Value", line=self.line(node, "Value")))
            for key, child in node.items():
                key = str(key)
                if isinstance(child, dict | list):
                    self.variables(child, f"{path}.{key}", out, depth + 1)
                elif key not in ("Name", "Value") and _is_literal(key, child) and isinstance(child, str):
                    out.append(AslVariable(var=env_var(key, child), path=f"{path}.{key}",
                                           line=self.line(node, key)))
        elif isinstance(node, CommentedSeq):
            for index, child in enumerate(node):
                self.variables(child, f"{path}[{index}]", out, depth + 1)

    def ecs(self, state: CommentedMap, payload_key: str) -> dict[str, Any]:
        payload = state.get(payload_key)
        if not isinstance(payload, CommentedMap):
            return {"ecs_dynamic": f"no {payload_key} naming the task definition"}
        if "TaskDefinition.$" in payload:
            return {"ecs_dynamic": "the task definition is chosen at run time (TaskDefinition.$)",
                    "ecs_line": self.line(payload, "TaskDefinition.$")}
        value = payload.get("TaskDefinition")
        line = self.line(payload, "TaskDefinition")
        if not isinstance(value, str) or isinstance(value, TaggedScalar):
            return {"ecs_dynamic": "the task definition is computed (an intrinsic function)", "ecs_line": line}
        if _JSONATA.match(value):
            return {"ecs_dynamic": "the task definition is a JSONata expression", "ecs_line": line}
        if "${" in value:
            return {"ecs_dynamic": f"the task definition is a substitution ({redact_text(value)})",
                    "ecs_task_definition": redact_text(value), "ecs_line": line}
        return {"ecs_line": line, **_task_definition(value)}

    def walk(self, states: Any, path: str, language: str, depth: int = 0) -> ParseProblem | None:
        if not isinstance(states, CommentedMap) or not states:
            return ParseProblem(line=None, message=f"{path} must be a mapping of states")
        if depth > 20:
            return ParseProblem(line=None, message="states nested deeper than 20 levels")
        for name, state in states.items():
            at = f"{path}.{name}"
            line = self.line(states, name)
            if not isinstance(state, CommentedMap):
                return ParseProblem(line=line, message=f"state {redact_text(str(name))} must be a mapping")
            kind = state.get("Type")
            if not isinstance(kind, str) or kind not in STATE_TYPES:
                return ParseProblem(line=self.line(state, "Type") or line,
                                    message=f"state {redact_text(str(name))}: "
                                            + ("no Type" if kind is None else "unknown Type"))
            for target_key in ("Next", "Default"):
                target = state.get(target_key)
                if target is not None and (not isinstance(target, str) or target not in states):
                    return ParseProblem(line=self.line(state, target_key),
                                        message=f"state {redact_text(str(name))}: {target_key} names no state")
            own = state.get("QueryLanguage") or language
            if own not in ("JSONPath", "JSONata"):
                message = f"state {redact_text(str(name))}: QueryLanguage must be JSONPath or JSONata"
                return ParseProblem(line=self.line(state, "QueryLanguage"), message=message)
            resource = state.get("Resource")
            payload_key = "Arguments" if own == "JSONata" else "Parameters"
            fields: dict[str, Any] = {}
            variables: list[AslVariable] = []
            if kind == "Task":
                self.variables(state.get(payload_key), f"{self.prefix}{at[1:]}.{payload_key}", variables)
                if isinstance(resource, str) and resource.startswith("arn:aws:states:::ecs:runTask"):
                    fields = self.ecs(state, payload_key)
            self.states.append(AslState(
                name=redact_text(str(name)), type=str(kind), line=line, path=f"{self.prefix}{at[1:]}",
                query_language=own, resource=redact_text(resource) if isinstance(resource, str) else None,
                variables=variables, **fields))
            nested: list[tuple[Any, str]] = []
            if kind == "Parallel":
                branches = state.get("Branches")
                if not isinstance(branches, CommentedSeq):
                    return ParseProblem(line=line, message=f"state {redact_text(str(name))}: Branches must be a list")
                nested = [(b.get("States") if isinstance(b, CommentedMap) else None, f"{at}.Branches[{i}].States")
                          for i, b in enumerate(branches)]
            elif kind == "Map":
                key = "ItemProcessor" if "ItemProcessor" in state else "Iterator"
                inner = state.get(key)
                nested = [(inner.get("States") if isinstance(inner, CommentedMap) else None, f"{at}.{key}.States")]
            for inner_states, inner_path in nested:
                if (problem := self.walk(inner_states, inner_path, own, depth + 1)) is not None:
                    return ParseProblem(line=problem.line or line, message=problem.message)
        return None


def _task_definition(value: str) -> dict[str, Any]:
    match = _TASK_DEF_ARN.match(value) or _FAMILY.match(value)
    return {"ecs_task_definition": redact_text(value), "ecs_family": match["family"] if match else None,
            "ecs_dynamic": None if match else "not a task definition ARN or family"}


_SUBSTITUTION = re.compile(r"^\$\{([A-Za-z0-9_]+)\}$")


def substitute(doc: StepFunctionsDoc, substitutions: dict[str, str]) -> StepFunctionsDoc:
    """The definition with `${Name}` task definitions replaced by what the template's DefinitionSubstitutions say."""
    states = []
    for state in doc.states:
        match = _SUBSTITUTION.match(state.ecs_task_definition or "")
        if match and match.group(1) in substitutions:
            state = state.model_copy(update=_task_definition(substitutions[match.group(1)]))
        states.append(state)
    return doc.model_copy(update={"states": states})


def looks_like_asl(doc: Any) -> bool:
    return isinstance(doc, CommentedMap) and "StartAt" in doc and "States" in doc


def asl_from_tree(file: RepoFile, doc: Any, offset: int = 0, prefix: str = "$") -> StepFunctionsDoc:
    """A state machine definition from its tree; `offset`/`prefix` place an inline one in a template."""
    reader = _Reader(file, offset, prefix)
    if not looks_like_asl(doc):
        return StepFunctionsDoc(file=file, field_prefix=prefix,
                                skipped="not a Step Functions definition: no StartAt and States")
    language = doc.get("QueryLanguage") or "JSONPath"
    if language not in ("JSONPath", "JSONata"):
        return reader.problem(reader.line(doc, "QueryLanguage"), "QueryLanguage must be JSONPath or JSONata")
    if (problem := reader.walk(doc["States"], "$.States", language)) is not None:
        return reader.problem(problem.line or reader.line(doc, "States"), problem.message)
    start = doc.get("StartAt")
    if not isinstance(start, str) or start not in doc["States"]:
        return reader.problem(reader.line(doc, "StartAt"), "StartAt names no state")
    return StepFunctionsDoc(file=file, field_prefix=prefix, query_language=language,
                            start_at=redact_text(start), states=reader.states)


def parse_stepfunctions(file: RepoFile, root: Path) -> StepFunctionsDoc:
    return parse_yaml_file(file, root, StepFunctionsDoc, asl_from_tree)
