"""SAM and CloudFormation functions against the deployed Lambda function."""

from __future__ import annotations

from collections.abc import Iterator

from cardaudit.engine.registry import check
from cardaudit.models.artifacts import TemplateDoc, TemplateFunction
from cardaudit.models.aws.lambda_ import LambdaFunction
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.models.inventory import Slice, Unknown

from . import one_per_field

_LOGICAL_ID = "aws:cloudformation:logical-id"


def _deployed(fn: TemplateFunction, live: list[LambdaFunction]) -> list[LambdaFunction]:
    """The function the template deploys: by its FunctionName, or (a generated name) by the logical id
    CloudFormation tags it with, when exactly one function carries it."""
    if fn.function_name:
        return [f for f in live if f.name == fn.function_name]
    tagged = [f for f in live if not isinstance(f.tags, Unknown) and f.tags.get(_LOGICAL_ID) == fn.logical_id]
    return tagged if len(tagged) == 1 else []


def _differences(fn: TemplateFunction, live: LambdaFunction) -> dict[str, tuple[str, str, str]]:
    """Property -> (JSONPath in the template, template value, deployed value), for what differs."""
    base = f"$.Resources.{fn.logical_id}.Properties"
    out: dict[str, tuple[str, str, str]] = {}
    # A value computed at deploy time (!Ref, !GetAtt) cannot be compared from the file.
    if "Runtime" not in fn.computed and fn.runtime is not None and fn.runtime != live.runtime:
        out["Runtime"] = (f"{base}.Runtime", fn.runtime, live.runtime or "none")
    if "Handler" not in fn.computed and fn.handler is not None and fn.handler != live.handler:
        out["Handler"] = (f"{base}.Handler", fn.handler, live.handler or "none")
    if "KmsKeyArn" not in fn.computed and fn.kms_key_arn != live.kms_key_arn:
        out["KmsKeyArn"] = (f"{base}.KmsKeyArn", fn.kms_key_arn or "AWS managed key",
                            live.kms_key_arn or "AWS managed key")
    ours, theirs = {v.name for v in fn.environment}, {v.name for v in live.environment}
    if ours != theirs:
        only_live, only_file = sorted(theirs - ours), sorted(ours - theirs)
        out["Environment"] = (f"{base}.Environment", ", ".join(only_file) or "none",
                              ", ".join(only_live) or "none")
    return out


@check(
    title="SAM and CloudFormation functions match the deployed Lambda function",
    severity=Severity.MEDIUM, category="change-management", resource_type="Repo::sam",
    needs=("templates", "lambda_functions"),
)
def drift_lambda_function_matches_account(templates: list[TemplateDoc],
                                          live: Slice[LambdaFunction]) -> Iterator[Result]:
    """What it checks:
    For each Lambda function a SAM or CloudFormation template declares, the deployed function of
    that name (its `FunctionName`, or the one function CloudFormation tagged with its logical
    id): runtime, handler, the KMS key of its environment and the names of its environment
    variables (never their values). Each difference is one finding on the template's property,
    naming the function's ARN. Values computed at deploy time are not compared; functions not
    deployed give no finding; NOT_ASSESSED when functions could not be read.

    Why it matters:
    A function changed in the console (a variable added during an incident, a runtime bumped)
    differs from the reviewed template, and the next deployment silently undoes or keeps it.

    How to fix:
    Bring the template up to date with the change (or deploy the template again), through review;
    restrict who can update functions outside the pipeline.
    """
    return one_per_field(_links(templates, live))


def _links(templates: list[TemplateDoc], live: Slice[LambdaFunction]) -> Iterator[Result]:
    blind = live.blind()
    for doc in templates:
        for fn in doc.functions:
            deployed = _deployed(fn, live.items)
            name = fn.function_name or fn.logical_id
            if not deployed:
                if blind:
                    yield Result.not_assessed(doc.file.ref(line=fn.line, field=f"$.Resources.{fn.logical_id}"),
                                              f"function {name}: the account's functions were not all read ({blind})")
                continue
            for function in deployed:
                differs = _differences(fn, function)
                for prop, (field, ours, theirs) in sorted(differs.items()):
                    line = fn.property_lines.get(prop) or (min(fn.env_lines.values()) if prop == "Environment"
                                                          and fn.env_lines else fn.line)
                    what = (f"environment variable names differ: only in the template {ours}, only deployed "
                            f"{theirs}" if prop == "Environment" else f"{prop} is '{ours}' in the template but "
                            f"'{theirs}' deployed")
                    yield Result.failed(doc.file.ref(line=line, field=field), f"function {name}: {what} "
                                        f"({function.arn})", live_arn=function.arn, fields=[prop])
                if not differs:
                    yield Result.passed(doc.file.ref(line=fn.line, field=f"$.Resources.{fn.logical_id}"),
                                        f"function {name} matches {function.arn} (runtime, handler, KMS key, "
                                        "variable names)", live_arn=function.arn)
