"""SAM and CloudFormation templates in a repository as IaC evidence.

A template declares resources; where it sets a physical name (`FunctionName`, `QueueName`,
`StateMachineName`, `TableName`, `BucketName`), that name is claimed as read. Where it does not,
CloudFormation generates `<stack>-<LogicalId>-<suffix>` (shortened for long names), so with the
stack name from `samconfig.toml` the prefix `<stack>-<LogicalId>-` is claimed, as a prediction.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from cardaudit.cfntemplate import physical_name, template_resources
from cardaudit.limits import LimitExceeded
from cardaudit.models.ownership import IacSource
from cardaudit.ownership.iac import Claim, IacClaims, not_read, read_evidence, read_text_evidence, source_label
from cardaudit.safeyaml import YamlSyntaxError, load_yaml

# Template type -> the CloudFormation type cardaudit collects it as. The name, when the template sets
# it, is read as the artifact parser reads it (`cardaudit.cfntemplate.physical_name`).
DECLARED: dict[str, str] = {
    "AWS::Serverless::Function": "AWS::Lambda::Function",
    "AWS::Lambda::Function": "AWS::Lambda::Function",
    "AWS::SQS::Queue": "AWS::SQS::Queue",
    "AWS::Serverless::StateMachine": "AWS::StepFunctions::StateMachine",
    "AWS::StepFunctions::StateMachine": "AWS::StepFunctions::StateMachine",
    "AWS::DynamoDB::Table": "AWS::DynamoDB::Table",
    "AWS::Serverless::SimpleTable": "AWS::DynamoDB::Table",
    "AWS::S3::Bucket": "AWS::S3::Bucket",
}
SAMCONFIG = "samconfig.toml"
# A logical id written as a template (`Queue${Name}` in an `Fn::ForEach` loop) names no one resource.
_LOOP_ID = re.compile(r"[$&]\{")


def stack_names(data: bytes, shown_as: str) -> tuple[list[str], str | None]:
    """The stack names of every environment in a samconfig.toml (`[env.deploy.parameters] stack_name`)."""
    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        return [], f"{shown_as}: not UTF-8 text"
    except tomllib.TOMLDecodeError as exc:
        return [], f"{shown_as}: invalid TOML: {exc}"
    names: list[str] = []
    for env in doc.values():
        params = env.get("deploy", {}).get("parameters", {}) if isinstance(env, dict) else {}
        name = params.get("stack_name") if isinstance(params, dict) else None
        if isinstance(name, str) and name not in names:
            names.append(name)
    return names, None


def load_template(source: IacSource, path: Path, shown_as: str) -> IacClaims:
    got = read_text_evidence(source, path, shown_as)
    if isinstance(got, IacClaims):
        return got
    text, record = got
    label = source_label(source)
    files = [record]
    try:
        doc = load_yaml(text)
    except YamlSyntaxError as exc:
        return not_read(source, f"{shown_as}:{exc.line or 1}: invalid YAML: {exc.message}", record)
    except LimitExceeded as exc:
        return not_read(source, f"{shown_as}:{exc.line or 1}: {exc.message}", record)
    resources = doc.get("Resources") if isinstance(doc, CommentedMap) else None
    if not isinstance(resources, CommentedMap):
        return not_read(source, f"{shown_as}:1: not a template: no Resources mapping", record)
    stacks = [source.stack] if source.stack else []
    note = None
    if not stacks:
        config = path.parent / SAMCONFIG
        head, _, relative = shown_as.rpartition(":") if ":" in shown_as else ("", "", shown_as)
        folder = relative.rpartition("/")[0]
        config_shown = (f"{head}:" if head else "") + (f"{folder}/" if folder else "") + SAMCONFIG
        if config.is_file():
            # Read once: the stack names come from the bytes whose digest the evidence records.
            got_config = read_evidence(config, config_shown)
            if isinstance(got_config, str):
                return not_read(source, got_config, *files)
            data, config_record = got_config
            files.append(config_record)
            stacks, problem = stack_names(data, config_shown)
            if problem:
                return not_read(source, problem, *files)
        if not stacks:
            note = (f"no stack name (no `stack:` in ownership.yaml, no stack_name in {config_shown}): "
                    "generated names cannot be predicted; declared names are claimed")
    names: dict[tuple[str, str], Claim] = {}
    prefixes: list[tuple[str, str, Claim]] = []
    stack = stacks[0] if len(stacks) == 1 else None
    unknown: set[str] = set()
    for logical_id, resource, line in template_resources(resources):
        if not isinstance(resource, CommentedMap) or resource.get("Type") not in DECLARED:
            continue
        if _LOOP_ID.search(logical_id):
            continue
        cfn_type = DECLARED[str(resource.get("Type"))]
        props = resource.get("Properties")
        name = physical_name(props) if isinstance(props, CommentedMap) else None
        where = f"{shown_as}:{line or 1}"
        if name:
            names.setdefault((cfn_type, name), Claim(source.tool, stack, where))
            continue
        if not stacks:
            unknown.add(cfn_type)
        for each in stacks:
            prefixes.append((cfn_type, f"{each}-{logical_id}-",
                             Claim(source.tool, each, f"{where} (predicted name {each}-{logical_id}-*)",
                                   predicted=True)))
    return IacClaims(source, label, names=names, prefixes=tuple(prefixes), files=tuple(files),
                     note=note if unknown else None, unknown_types=frozenset(unknown))
