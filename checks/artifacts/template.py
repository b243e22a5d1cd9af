"""SAM and CloudFormation templates: Lambda environment variables in the repository."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from cardaudit.engine.registry import check
from cardaudit.models.artifacts import TemplateDoc, TemplateFunction
from cardaudit.models.aws.lambda_runtimes import DEPRECATION
from cardaudit.models.aws.lambda_runtimes import SOURCE as RUNTIMES_SOURCE
from cardaudit.models.base import Severity
from cardaudit.models.finding import ResourceRef, Result
from cardaudit.verdicts import REDACTED, plaintext_secrets, secrets_reason


def _function_ref(doc: TemplateDoc, fn: TemplateFunction, line: int | None, at: str | None) -> ResourceRef:
    """Where one function's setting is; a setting every function takes from SAM Globals names the function too,
    so that each function's finding keeps an id of its own."""
    if at is not None and at.startswith("$.Globals."):
        at = f"{at} ({fn.logical_id})"
    return doc.file.ref(line=line, field=at)


@check(
    title="SAM and CloudFormation templates keep credentials out of Lambda environment variables",
    severity=Severity.CRITICAL, category="secrets", resource_type="Repo::sam", needs=("templates",),
)
def template_function_no_plaintext_secrets(templates: list[TemplateDoc]) -> Iterator[Result]:
    """What it checks:
    No Lambda function declared in a SAM or CloudFormation template (including what SAM's
    `Globals` adds) sets a secret-looking literal in `Environment.Variables`. Values computed at
    deploy time (`!Ref`, `!Sub`, `{{resolve:secretsmanager:...}}`) are references, not findings.

    Why it matters:
    The template is committed and deployed as is: a literal credential there is in the
    repository history and in every function version it creates.

    How to fix:
    Use a dynamic reference (`{{resolve:secretsmanager:name:SecretString:key}}`) or read the
    secret at run time, rotate the exposed credential and purge it from history.
    """
    for doc in templates:
        for fn in doc.functions:
            name = fn.function_name or fn.logical_id
            exposed = plaintext_secrets(fn.environment)
            if exposed:
                first = min(exposed, key=lambda n: fn.env_lines.get(n, 0))
                ref = _function_ref(doc, fn, fn.env_lines.get(first, fn.line), fn.env_sources.get(first))
                yield Result.failed(ref, secrets_reason(f"function {name}", exposed),
                                    variables=exposed, values=REDACTED)
            else:
                ref = doc.file.ref(line=fn.line, field=f"$.Resources.{fn.logical_id}.Properties.Environment")
                yield Result.passed(ref, f"function {name}: {len(fn.environment)} variable(s) without credentials")


@check(
    title="SAM and CloudFormation templates declare Lambda functions on a supported runtime",
    severity=Severity.HIGH, category="vulnerability-management", resource_type="Repo::sam",
    needs=("clock", "templates"),
)
def template_function_runtime_supported(now: datetime, templates: list[TemplateDoc]) -> Iterator[Result]:
    """What it checks:
    The runtime of each Lambda function in a template (SAM Globals included) against the same
    deprecation dates as the live check (`cardaudit.models.aws.lambda_runtimes`, with its
    source): on or past the date FAILs; a runtime missing from the table, or computed
    (`!Ref Runtime`), is NOT_ASSESSED; a container-image function (no runtime) is not judged.

    Why it matters:
    The template is what deploys next: a deprecated runtime there is an unpatched runtime in
    production on the next deployment, whatever the live function runs today.

    How to fix:
    Change `Runtime` (or `Globals.Function.Runtime`) to a supported identifier and test.
    """
    today = now.date()
    for doc in templates:
        for fn in doc.functions:
            ref = _function_ref(doc, fn, fn.runtime_line or fn.line, fn.runtime_at)
            name = fn.function_name or fn.logical_id
            if fn.runtime_computed:
                yield Result.not_assessed(ref, f"function {name}: the runtime is computed at deploy time")
            elif fn.runtime is None:
                continue  # a container image function: the runtime is in the image
            elif (ends := DEPRECATION.get(fn.runtime)) is None:
                yield Result.not_assessed(ref, f"function {name}: runtime {fn.runtime} is not in the deprecation "
                                               f"table ({RUNTIMES_SOURCE})")
            elif ends <= today:
                yield Result.failed(ref, f"function {name}: runtime {fn.runtime} deprecated on {ends.isoformat()}",
                                    runtime=fn.runtime, source=RUNTIMES_SOURCE)
            else:
                yield Result.passed(ref, f"function {name}: runtime {fn.runtime} supported until {ends.isoformat()}")


@check(
    title="SAM and CloudFormation templates give no Lambda function URL without authentication",
    severity=Severity.HIGH, category="access-control", resource_type="Repo::sam", needs=("templates",),
)
def template_function_url_requires_auth(templates: list[TemplateDoc]) -> Iterator[Result]:
    """What it checks:
    Each function URL declared in a template (`FunctionUrlConfig` of a SAM function, or an
    `AWS::Lambda::Url` resource) has `AuthType: AWS_IAM`, not `NONE`. Functions without a URL
    are not judged.

    Why it matters:
    A URL with `AuthType: NONE` is a public HTTPS endpoint: anyone on the internet can invoke
    the function, bypassing any API gateway, WAF or authoriser in front of the rest.

    How to fix:
    Set `AuthType: AWS_IAM` and sign requests, or put the function behind API Gateway with an
    authoriser.
    """
    for doc in templates:
        for fn in doc.functions:
            if fn.url_auth_type is None:
                continue
            ref = _function_ref(doc, fn, fn.url_line or fn.line, fn.url_at)
            name = fn.function_name or fn.logical_id
            if fn.url_auth_type == "NONE":
                yield Result.failed(ref, f"function {name}: the function URL has AuthType NONE (public)")
            elif fn.url_auth_type == "AWS_IAM":
                yield Result.passed(ref, f"function {name}: the function URL requires IAM authentication")
            else:
                yield Result.not_assessed(ref, f"function {name}: the function URL's AuthType is computed")


@check(
    title="SAM and CloudFormation templates encrypt Lambda environment variables with a customer key",
    severity=Severity.LOW, category="encryption", resource_type="Repo::sam", needs=("templates",),
)
def template_function_environment_kms(templates: list[TemplateDoc]) -> Iterator[Result]:
    """What it checks:
    Each function with environment variables sets `KmsKeyArn` (SAM Globals included). Functions
    without environment variables are not judged.

    Why it matters:
    Without a customer managed key, the environment is encrypted with a key every principal
    allowed `lambda:GetFunctionConfiguration` can use: the key policy cannot narrow who reads it.

    How to fix:
    Set `KmsKeyArn` to a customer managed key whose policy grants decrypt only to the function's
    role and its operators.
    """
    for doc in templates:
        for fn in doc.functions:
            if not fn.has_environment:
                continue
            name = fn.function_name or fn.logical_id
            ref = _function_ref(doc, fn, fn.line, fn.kms_key_at)
            if fn.kms_key_set:
                yield Result.passed(ref, f"function {name}: environment encrypted with KmsKeyArn")
            else:
                yield Result.failed(ref, f"function {name}: environment variables without KmsKeyArn")


@check(
    title="State machines declared in templates log their executions",
    severity=Severity.MEDIUM, category="logging", resource_type="Repo::sam", needs=("templates",),
)
def template_state_machine_logging(templates: list[TemplateDoc]) -> Iterator[Result]:
    """What it checks:
    Each Step Functions state machine in a template (`AWS::StepFunctions::StateMachine`
    `LoggingConfiguration`, `AWS::Serverless::StateMachine` `Logging`, SAM Globals included)
    sets a level other than OFF and at least one destination (the same rule as the live check).

    Why it matters:
    Batch workflows that move settlement and card data need a record of what ran and how it
    failed; the template is what the next deployment sets.

    How to fix:
    Add `Logging: {Level: ERROR, Destinations: [{CloudWatchLogsLogGroup: {LogGroupArn: ...}}]}`.
    """
    for doc in templates:
        for sm in doc.state_machines:
            ref = doc.file.ref(line=sm.logging_line, field=sm.logging_at)
            if sm.logging_level is None or sm.logging_level == "OFF":
                yield Result.failed(ref, f"state machine {sm.logical_id}: execution logging "
                                         + ("OFF" if sm.logging_level else "not configured"))
            elif sm.logging_destinations == 0:
                yield Result.failed(ref, f"state machine {sm.logical_id}: logging level {sm.logging_level} "
                                         "without a destination")
            else:
                yield Result.passed(ref, f"state machine {sm.logical_id}: logging level {sm.logging_level}")
