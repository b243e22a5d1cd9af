"""SAM and CloudFormation templates (YAML or JSON): functions, state machines and inline documents.

Read with ruamel.yaml, which keeps lines and accepts every short-form intrinsic tag (`!Ref`,
`!Sub`, `!GetAtt`, `!If`, ...). Values computed by an intrinsic function or a dynamic reference
are references, not plaintext; only literal strings are classified. SAM `Globals` are merged into
each serverless function and state machine, the resource's own value winning. Resources inside
`Fn::ForEach` are read with their logical-id template as written. Buildspecs, ECS container
definitions and ASL definitions written inline are parsed like their files, pointing into the
template.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar

from cardaudit.cfntemplate import intrinsic, literal, physical_name, template_resources
from cardaudit.collect.artifacts.buildspec import buildspec_from_tree
from cardaudit.collect.artifacts.reading import parse_yaml_file, yaml_tree
from cardaudit.collect.artifacts.stepfunctions import asl_from_tree, substitute
from cardaudit.collect.artifacts.taskdef import _json_line, taskdef_from_dict
from cardaudit.jsonlines import LineDict, LineList
from cardaudit.models.artifacts import (
    BuildspecDoc,
    ParseProblem,
    RepoTaskDefinition,
    StepFunctionsDoc,
    TemplateDoc,
    TemplateFunction,
    TemplateStateMachine,
)
from cardaudit.models.containers import EnvVar, ValueShape
from cardaudit.models.inventory import RepoFile
from cardaudit.redact import env_var, redact_text
from cardaudit.yamlfile import line_of

_FUNCTION_TYPES = ("AWS::Serverless::Function", "AWS::Lambda::Function")
_STATE_MACHINE_TYPES = ("AWS::Serverless::StateMachine", "AWS::StepFunctions::StateMachine")
COMPUTED = "${computed}"  # what an intrinsic function stands for once converted (a reference shape)


def _variable(name: str, value: Any) -> EnvVar:
    if intrinsic(value) or isinstance(value, dict | list):
        # !Ref, !Sub, !GetAtt, {"Fn::...": ...}: resolved at deploy time, not a literal in the file.
        return EnvVar(name=name, shape=ValueShape.REFERENCE, length=0)
    # A literal (a number or a date too): only its shape is kept.
    return env_var(name, "" if value is None else str(value))


def _map(node: Any, key: str) -> CommentedMap | None:
    value = node.get(key) if isinstance(node, CommentedMap) else None
    return value if isinstance(value, CommentedMap) else None


def _variables(node: Any) -> CommentedMap | None:
    return _map(_map(node, "Environment"), "Variables")


def _camel(node: Any, depth: int = 0) -> Any:
    """A CloudFormation property tree in the ECS API's camelCase shape, lines kept, intrinsics as references."""
    if intrinsic(node) or depth > 30:
        return COMPUTED
    if isinstance(node, CommentedMap):
        out = LineDict({(str(k)[:1].lower() + str(k)[1:]): _camel(v, depth + 1) for k, v in node.items()})
        out.line = node.lc.line + 1
        return out
    if isinstance(node, CommentedSeq):
        items = LineList(_camel(v, depth + 1) for v in node)
        items.line = node.lc.line + 1
        return items
    return node


def _target(value: Any) -> str | None:
    """The logical id a `!Ref X` / `!GetAtt X.Arn` / {"Fn::GetAtt": [X, "Arn"]} points at."""
    if isinstance(value, TaggedScalar):
        return str(value.value).split(".", 1)[0]
    if isinstance(value, dict) and len(value) == 1:
        inner = next(iter(value.values()))
        if isinstance(inner, list) and inner:
            return str(inner[0])
        if isinstance(inner, str):
            return inner.split(".", 1)[0]
    if isinstance(value, CommentedSeq) and value:  # !GetAtt [X, Arn]
        return str(value[0])
    return None


class _Reader:
    def __init__(self, file: RepoFile, doc: CommentedMap) -> None:
        self.file = file
        self.globals = _map(doc, "Globals") or CommentedMap()
        self.functions: list[TemplateFunction] = []
        self.machines: list[TemplateStateMachine] = []
        self.buildspecs: list[BuildspecDoc] = []
        self.task_definitions: list[RepoTaskDefinition] = []
        self.asl: list[StepFunctionsDoc] = []
        self.urls: dict[str, tuple[str | None, str, int | None]] = {}
        # AWS::ECS::TaskDefinition logical id -> its literal Family, for DefinitionSubstitutions.
        self.families: dict[str, str] = {}

    def merged(self, kind: str, logical_id: str, props: CommentedMap, key: str) -> tuple[Any, str, int | None]:
        """The effective property: the resource's own, else SAM Globals' (value, JSONPath, line)."""
        if key in props:
            return props[key], f"$.Resources.{logical_id}.Properties.{key}", line_of(props, (key,))
        section = _map(self.globals, kind)
        if section is not None and key in section:
            return section[key], f"$.Globals.{kind}.{key}", line_of(section, (key,))
        return None, f"$.Resources.{logical_id}.Properties.{key}", None

    def function(self, logical_id: str, resource: CommentedMap, line: int | None, props: CommentedMap) -> None:
        serverless = resource.get("Type") == "AWS::Serverless::Function"
        sources: dict[str, str] = {}
        lines: dict[str, int] = {}
        merged: dict[str, Any] = {}
        global_vars = _variables(_map(self.globals, "Function")) if serverless else None
        # SAM merges Globals into each function; the function's own value wins.
        for origin, variables in (("$.Globals.Function.Environment.Variables", global_vars or CommentedMap()),
                                  (f"$.Resources.{logical_id}.Properties.Environment.Variables",
                                   _variables(props) or CommentedMap())):
            for name, value in variables.items():
                merged[str(name)] = value
                sources[str(name)] = origin
                if (at := line_of(variables, (name,))) is not None:
                    lines[str(name)] = at

        def get(key: str) -> tuple[Any, str, int | None]:
            if serverless:
                return self.merged("Function", logical_id, props, key)
            return props.get(key), f"$.Resources.{logical_id}.Properties.{key}", line_of(props, (key,))

        runtime, runtime_at, runtime_line = get("Runtime")
        kms, kms_at, _ = get("KmsKeyArn")
        url, url_at, url_line = get("FunctionUrlConfig") if serverless else (None, "", None)
        auth = url.get("AuthType") if isinstance(url, CommentedMap) else None
        environment = get("Environment")[0] if serverless else props.get("Environment")
        global_fn = _map(self.globals, "Function") if serverless else None
        settings = {k: v for k, v in _settings(props, global_fn).items() if k != "runtime"}
        self.functions.append(TemplateFunction(
            logical_id=redact_text(logical_id), line=line,
            function_name=redact_text(name) if (name := literal(props.get("FunctionName"))) else None,
            environment=[_variable(k, v) for k, v in merged.items()], env_sources=sources, env_lines=lines,
            runtime=literal(runtime), runtime_computed=runtime is not None and literal(runtime) is None,
            runtime_at=runtime_at, runtime_line=runtime_line,
            has_environment=bool(merged) or environment is not None,
            kms_key_set=kms is not None, kms_key_at=kms_at,
            url_auth_type=(literal(auth) or COMPUTED) if isinstance(url, CommentedMap) else None,
            url_at=f"{url_at}.AuthType" if isinstance(url, CommentedMap) else None,
            url_line=line_of(url, ("AuthType",)) or url_line if isinstance(url, CommentedMap) else None,
            **settings,
        ))

    def state_machine(self, logical_id: str, resource: CommentedMap, line: int | None, props: CommentedMap) -> None:
        serverless = resource.get("Type") == "AWS::Serverless::StateMachine"
        key = "Logging" if serverless else "LoggingConfiguration"
        logging, logging_at, logging_line = (self.merged("StateMachine", logical_id, props, key) if serverless
                                             else (props.get(key), f"$.Resources.{logical_id}.Properties.{key}",
                                                   line_of(props, (key,))))
        level = logging.get("Level") if isinstance(logging, CommentedMap) else None
        destinations = logging.get("Destinations") if isinstance(logging, CommentedMap) else None
        location = props.get("DefinitionUri" if serverless else "DefinitionS3Location")
        substitutions: dict[str, str] = {}
        for name, value in (_map(props, "DefinitionSubstitutions") or CommentedMap()).items():
            if (written := literal(value)) is not None:
                substitutions[str(name)] = redact_text(written)
            elif (target := _target(value)) is not None and target in self.families:
                substitutions[str(name)] = self.families[target]
        self.machines.append(TemplateStateMachine(
            logical_id=redact_text(logical_id), line=line,
            logging_level=(literal(level) or COMPUTED) if level is not None else None,
            logging_destinations=len(destinations) if isinstance(destinations, list) else 0,
            logging_at=logging_at, logging_line=logging_line or line,
            definition_file=redact_text(location) if literal(location) else None, substitutions=substitutions,
        ))
        prefix = f"$.Resources.{logical_id}.Properties"
        definition = props.get("Definition")
        if isinstance(definition, CommentedMap):
            self.asl.append(substitute(asl_from_tree(self.file, definition, prefix=f"{prefix}.Definition"),
                                       substitutions))
            return
        text = props.get("DefinitionString")
        text = str(text.value) if isinstance(text, TaggedScalar) else text
        if isinstance(text, str) and "StartAt" in text:
            tree = yaml_tree(text)
            offset = (line_of(props, ("DefinitionString",)) or 1) - 1
            if isinstance(tree, ParseProblem):
                self.asl.append(StepFunctionsDoc(file=self.file, field_prefix=f"{prefix}.DefinitionString",
                                                 problem=ParseProblem(line=(tree.line or 1) + offset,
                                                                      message=f"DefinitionString: {tree.message}")))
            else:
                self.asl.append(substitute(asl_from_tree(self.file, tree, offset=offset,
                                                         prefix=f"{prefix}.DefinitionString"), substitutions))

    def codebuild(self, logical_id: str, props: CommentedMap) -> None:
        source = _map(props, "Source")
        spec = source.get("BuildSpec") if source is not None else None
        if isinstance(spec, TaggedScalar):
            spec = spec.value
        elif isinstance(spec, CommentedMap) and isinstance(spec.get("Fn::Sub"), str):
            spec = spec["Fn::Sub"]
        if source is None or not isinstance(spec, str) or "\n" not in spec.strip():
            return  # none, a path to a buildspec file in the source, or computed
        prefix = f"$.Resources.{logical_id}.Properties.Source.BuildSpec"
        line = line_of(source, ("BuildSpec",))
        offset = line or 0  # a block scalar's text starts on the line after its key
        tree = yaml_tree(spec)
        if isinstance(tree, ParseProblem):
            self.buildspecs.append(BuildspecDoc(file=self.file, field_prefix=prefix, problem=ParseProblem(
                line=(tree.line or 1) + offset, message=f"inline BuildSpec: {tree.message}")))
        else:
            self.buildspecs.append(buildspec_from_tree(self.file, tree, offset=offset, prefix=prefix, line=line))

    def task_definition(self, logical_id: str, line: int | None, props: CommentedMap) -> None:
        defs = props.get("ContainerDefinitions")
        if not isinstance(defs, CommentedSeq):
            return
        prefix = f"$.Resources.{logical_id}.Properties"
        camel = _camel(props)
        containers = camel.get("containerDefinitions") if isinstance(camel, dict) else None
        if not isinstance(containers, list) or not all(isinstance(c, dict) for c in containers):
            self.task_definitions.append(RepoTaskDefinition(file=self.file, field_prefix=prefix, problem=ParseProblem(
                line=line_of(props, ("ContainerDefinitions",)), message="ContainerDefinitions must be a list of "
                                                                        "objects")))
            return
        td = taskdef_from_dict(self.file, camel, containers, _json_line, prefix=prefix, doc_line=line)
        self.task_definitions.append(td)


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
    return parse_yaml_file(file, root, TemplateDoc, _template_from_tree)


def _template_from_tree(file: RepoFile, doc: Any) -> TemplateDoc:
    resources = doc.get("Resources") if isinstance(doc, CommentedMap) else None
    if not isinstance(resources, CommentedMap):
        transform = doc.get("Transform") if isinstance(doc, CommentedMap) else None
        if transform is not None and "AWS::Serverless" not in str(transform):
            # A macro (AWS::Include aside) may write Resources itself: nothing to read before it runs.
            return TemplateDoc(file=file, skipped="no Resources before the template's Transform macro runs")
        if isinstance(doc, CommentedMap) and ("AWSTemplateFormatVersion" in doc or "Transform" in doc):
            return TemplateDoc(file=file, problem=ParseProblem(line=line_of(doc, ("Resources",)) or 1,
                                                               message="not a template: no Resources mapping"))
        return TemplateDoc(file=file, skipped="not a CloudFormation or SAM template: no Resources mapping")
    reader = _Reader(file, doc)
    types: dict[str, str] = {}
    lines: dict[str, int] = {}
    names: dict[str, str] = {}
    nested: dict[str, str] = {}
    listed = template_resources(resources)
    for logical_id, resource, _ in listed:
        if isinstance(resource, CommentedMap) and resource.get("Type") == "AWS::ECS::TaskDefinition":
            family = literal((_map(resource, "Properties") or CommentedMap()).get("Family"))
            if family is not None:
                reader.families[logical_id] = redact_text(family)
    for logical_id, resource, line in listed:
        if not isinstance(resource, CommentedMap) or not isinstance(resource.get("Type"), str):
            continue
        kind = str(resource["Type"])
        props = _map(resource, "Properties") or CommentedMap()
        types[logical_id] = kind
        if line is not None:
            lines[logical_id] = line
        if (name := physical_name(props)) is not None:
            names[logical_id] = redact_text(name)
        if kind in _FUNCTION_TYPES:
            reader.function(logical_id, resource, line, props)
        elif kind in _STATE_MACHINE_TYPES:
            reader.state_machine(logical_id, resource, line, props)
        elif kind == "AWS::CodeBuild::Project":
            reader.codebuild(logical_id, props)
        elif kind == "AWS::ECS::TaskDefinition":
            reader.task_definition(logical_id, line, props)
        elif kind == "AWS::Lambda::Url":
            target = _target(props.get("TargetFunctionArn"))
            auth = props.get("AuthType")
            if target is not None:
                reader.urls[target] = (literal(auth) or COMPUTED, f"$.Resources.{logical_id}.Properties.AuthType",
                                       line_of(props, ("AuthType",)) or line)
        elif kind in ("AWS::CloudFormation::Stack", "AWS::Serverless::Application"):
            location = props.get("TemplateURL" if kind == "AWS::CloudFormation::Stack" else "Location")
            if (where := literal(location)) is not None:
                nested[logical_id] = redact_text(where)
    functions = [fn.model_copy(update={"url_auth_type": url[0], "url_at": url[1], "url_line": url[2]})
                 if fn.url_auth_type is None and (url := reader.urls.get(fn.logical_id)) else fn
                 for fn in reader.functions]
    return TemplateDoc(file=file, functions=functions, state_machines=reader.machines, nested_stacks=nested,
                       resources=types, resource_lines=lines, physical_names=names,
                       inline_buildspecs=reader.buildspecs, inline_task_definitions=reader.task_definitions,
                       inline_state_machines=reader.asl)
