"""SAM and CloudFormation templates: the Lambda functions they declare and their environment.

Read with ruamel.yaml, which keeps lines and accepts the short-form intrinsic tags (`!Ref`,
`!Sub`, ...). Values computed by an intrinsic function or a dynamic reference are references,
not plaintext; only literal strings are classified.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, TaggedScalar

from cardaudit.collect.artifacts.reading import read_yaml
from cardaudit.models.artifacts import ParseProblem, TemplateDoc, TemplateFunction
from cardaudit.models.containers import EnvVar, ValueShape
from cardaudit.models.inventory import RepoFile
from cardaudit.redact import env_var, redact_text
from cardaudit.yamlfile import line_of

_FUNCTION_TYPES = ("AWS::Serverless::Function", "AWS::Lambda::Function")


def _variable(name: str, value: Any) -> EnvVar:
    if isinstance(value, TaggedScalar | dict | list):
        # !Ref, !Sub, !GetAtt, {"Fn::...": ...}: resolved at deploy time, not a literal in the file.
        return EnvVar(name=name, shape=ValueShape.REFERENCE, length=0)
    # A literal (a number or a date too): only its shape is kept.
    return env_var(name, "" if value is None else str(value))


def _variables(node: Any) -> CommentedMap | None:
    env = node.get("Environment") if isinstance(node, CommentedMap) else None
    variables = env.get("Variables") if isinstance(env, CommentedMap) else None
    return variables if isinstance(variables, CommentedMap) else None


_SETTINGS = {"Runtime": "runtime", "Handler": "handler", "KmsKeyArn": "kms_key_arn"}


def _settings(props: CommentedMap, global_fn: CommentedMap | None) -> dict[str, Any]:
    """Runtime, Handler and KmsKeyArn of one function (the function's own value wins over Globals)."""
    out: dict[str, Any] = {"computed": [], "property_lines": {}}
    for prop, attr in _SETTINGS.items():
        node = props if prop in props else global_fn if global_fn is not None and prop in global_fn else None
        if node is None:
            continue
        value = node.get(prop)
        if (line := line_of(node, (prop,))) is not None:
            out["property_lines"][prop] = line
        if isinstance(value, TaggedScalar | dict | list):
            out["computed"].append(prop)
        elif value is not None:
            out[attr] = redact_text(str(value))
    return out


def parse_template(file: RepoFile, root: Path) -> TemplateDoc:
    doc = read_yaml(root, file.path)
    if isinstance(doc, ParseProblem):
        return TemplateDoc(file=file, problem=doc)
    resources = doc.get("Resources") if isinstance(doc, CommentedMap) else None
    if not isinstance(resources, CommentedMap):
        return TemplateDoc(file=file, problem=ParseProblem(line=1, message="not a template: no Resources mapping"))
    globals_node = doc.get("Globals")
    global_fn = globals_node.get("Function") if isinstance(globals_node, CommentedMap) else None
    global_vars = _variables(global_fn) or CommentedMap()
    functions: list[TemplateFunction] = []
    for logical_id, resource in resources.items():
        if not isinstance(resource, CommentedMap) or resource.get("Type") not in _FUNCTION_TYPES:
            continue
        props = resource.get("Properties")
        props = props if isinstance(props, CommentedMap) else CommentedMap()
        own = _variables(props) or CommentedMap()
        sources: dict[str, str] = {}
        lines: dict[str, int] = {}
        merged: dict[str, Any] = {}
        # SAM merges Globals into each function; the function's own value wins.
        serverless = resource.get("Type") == "AWS::Serverless::Function"
        for origin, variables in ((("$.Globals.Function.Environment.Variables", global_vars) if serverless
                                   else ("", CommentedMap())),
                                  (f"$.Resources.{logical_id}.Properties.Environment.Variables", own)):
            for name, value in variables.items():
                merged[str(name)] = value
                sources[str(name)] = origin
                if (line := line_of(variables, (name,))) is not None:
                    lines[str(name)] = line
        settings = _settings(props, global_fn if serverless and isinstance(global_fn, CommentedMap) else None)
        name_value = props.get("FunctionName")
        functions.append(TemplateFunction(
            logical_id=str(logical_id), line=line_of(resources, (logical_id,)),
            function_name=redact_text(name_value)
            if isinstance(name_value, str) and not isinstance(name_value, TaggedScalar) else None,
            environment=[_variable(k, v) for k, v in merged.items()], env_sources=sources, env_lines=lines,
            **settings,
        ))
    return TemplateDoc(file=file, functions=functions)
