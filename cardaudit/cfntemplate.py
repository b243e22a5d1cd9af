"""CloudFormation and SAM template trees: the resources they declare, their lines and literal names.

One reading for the two places that read templates: the artifact parser
(`cardaudit.collect.artifacts.template`, for the checks) and the IaC evidence
(`cardaudit.ownership.templates`, for who manages what). It works on the round-trip tree of
`cardaudit.safeyaml`, so it belongs to no stage.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar

from cardaudit.yamlfile import line_of

# Properties that hold a resource's physical name, when the template sets it literally.
NAME_PROPERTIES = ("FunctionName", "BucketName", "QueueName", "TopicName", "TableName", "StateMachineName",
                   "RepositoryName", "Family", "ClusterName", "ServiceName", "RoleName", "LogGroupName",
                   "AliasName", "DBInstanceIdentifier", "DBClusterIdentifier", "Name")


def intrinsic(value: Any) -> bool:
    """True for a value computed at deploy time: `!Ref`, `!Sub`, `{"Fn::GetAtt": ...}`, a condition."""
    if isinstance(value, TaggedScalar) or (getattr(value, "tag", None) is not None and str(
            getattr(value.tag, "value", None) or "").startswith("!")):
        return True
    return isinstance(value, dict) and len(value) == 1 and (
        "Ref" in value or next(iter(value)).startswith(("Fn::", "Condition")))


def literal(value: Any) -> str | None:
    return value if isinstance(value, str) and not intrinsic(value) else None


def template_resources(resources: CommentedMap) -> list[tuple[str, Any, int | None]]:
    """(logical id, resource, line), with the resources of `Fn::ForEach` loops read as written."""
    out: list[tuple[str, Any, int | None]] = []
    for logical_id, resource in resources.items():
        key = str(logical_id)
        if key.startswith("Fn::ForEach::") and isinstance(resource, CommentedSeq) and len(resource) == 3:
            body = resource[2]
            if isinstance(body, CommentedMap):
                out.extend(template_resources(body))
            continue
        out.append((key, resource, line_of(resources, (logical_id,))))
    return out


def physical_name(props: CommentedMap) -> str | None:
    """The resource's name, when one of its name properties sets it literally; None when CloudFormation names it."""
    for prop in NAME_PROPERTIES:
        if (name := literal(props.get(prop))) is not None:
            return name
    return None
