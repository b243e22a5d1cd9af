"""Lambda functions: credentials kept out of plaintext environment variables."""

from __future__ import annotations

from collections.abc import Iterator

from cardaudit.engine.registry import check
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.models.inventory import LambdaFunction
from cardaudit.verdicts import REDACTED, plaintext_secrets, secrets_reason


@check(
    title="Lambda functions keep credentials out of plaintext environment variables",
    severity=Severity.CRITICAL, category="secrets", resource_type="AWS::Lambda::Function",
    needs=("lambda_functions",),
)
def lambda_function_no_plaintext_secrets(functions: list[LambdaFunction]) -> Iterator[Result]:
    """What it checks:
    No environment variable of a function looks like a credential (same rules as for ECS task
    definitions: credential-like names with literal values, key/JWT/URL-with-password shapes).

    Why it matters:
    Function configuration is readable by anyone with lambda:GetFunctionConfiguration and is
    copied into every version; a secret there is neither protected nor rotatable.

    How to fix:
    Read the secret at run time from Secrets Manager or SSM Parameter Store (the Parameters and
    Secrets Lambda extension caches it) and rotate the exposed credential.
    """
    for fn in functions:
        exposed = plaintext_secrets(fn.environment)
        if exposed:
            yield Result.failed(fn.ref(), secrets_reason(f"function {fn.name}", exposed),
                                variables=exposed, values=REDACTED)
        else:
            yield Result.passed(fn.ref(), f"{len(fn.environment)} environment variable(s) without credentials")
