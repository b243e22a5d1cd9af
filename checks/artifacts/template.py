"""SAM and CloudFormation templates: Lambda environment variables in the repository."""

from __future__ import annotations

from collections.abc import Iterator

from cardaudit.engine.registry import check
from cardaudit.models.artifacts import TemplateDoc
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.verdicts import REDACTED, plaintext_secrets, secrets_reason


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
                ref = doc.file.ref(line=fn.env_lines.get(first, fn.line), field=fn.env_sources.get(first))
                yield Result.failed(ref, secrets_reason(f"function {name}", exposed),
                                    variables=exposed, values=REDACTED)
            else:
                ref = doc.file.ref(line=fn.line, field=f"$.Resources.{fn.logical_id}.Properties.Environment")
                yield Result.passed(ref, f"function {name}: {len(fn.environment)} variable(s) without credentials")
