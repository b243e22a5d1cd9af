"""Lambda functions: credentials kept out of plaintext environment variables, supported runtimes,
who may invoke them (URL and resource policy), encryption of their variables, and their network."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from cardaudit.engine.registry import check
from cardaudit.models.aws.lambda_runtimes import DEPRECATION
from cardaudit.models.aws.lambda_runtimes import SOURCE as RUNTIMES_SOURCE
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.models.inventory import LambdaFunction, Unknown
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


# A runtime this close to its deprecation date still PASSes (Lambda patches it until then), with
# the date in the reason, so that the upgrade can be planned before it becomes a FAIL.
DEPRECATION_NOTICE_DAYS = 90


@check(
    title="Lambda functions run on a runtime AWS still supports",
    severity=Severity.HIGH, category="vulnerability-management", resource_type="AWS::Lambda::Function",
    needs=("clock", "lambda_functions"),
)
def lambda_function_runtime_supported(now: datetime, functions: list[LambdaFunction]) -> Iterator[Result]:
    """What it checks:
    Each function's managed runtime against the deprecation dates AWS publishes on its Lambda
    runtimes page (kept as data in `cardaudit.models.aws.lambda_runtimes`, with its source). A
    runtime on or past its deprecation date FAILs. One that deprecates within 90 days PASSes,
    with the date in the reason: AWS still patches it, and the upgrade has to be planned now. A
    runtime missing from the table is NOT_ASSESSED rather than taken as supported. Container
    image functions are not judged here: their runtime is in the image, which the ECR checks
    judge.

    Why it matters:
    After deprecation Lambda stops applying security patches to the runtime's language and OS
    components, so the function keeps running on components with known, unfixed vulnerabilities.

    How to fix:
    Move the function to a supported runtime identifier (`aws lambda update-function-configuration
    --runtime python3.13`), test it, and track the projected deprecation dates of the runtimes
    in use.
    """
    today = now.date()
    for fn in functions:
        if fn.package_type == "Image":
            continue  # the runtime is part of the container image
        if not fn.runtime:
            yield Result.not_assessed(fn.ref(), "ListFunctions gives no runtime for this .zip function")
            continue
        ends = DEPRECATION.get(fn.runtime)
        where = {"runtime": fn.runtime, "source": RUNTIMES_SOURCE}
        if ends is None:
            yield Result.not_assessed(fn.ref(), f"runtime {fn.runtime} is not in cardaudit's table of Lambda "
                                      "runtime deprecation dates", **where)
            continue
        days = (ends - today).days
        if days <= 0:
            yield Result.failed(fn.ref(), f"runtime {fn.runtime} was deprecated on {ends.isoformat()} ({-days} days "
                                "ago): Lambda no longer patches it", deprecated_on=ends.isoformat(), **where)
        elif days <= DEPRECATION_NOTICE_DAYS:
            yield Result.passed(fn.ref(), f"runtime {fn.runtime} is supported until {ends.isoformat()}, in {days} "
                                "days: plan the upgrade", deprecates_on=ends.isoformat(), days_left=days, **where)
        else:
            yield Result.passed(fn.ref(), f"runtime {fn.runtime} is supported until {ends.isoformat()}",
                                deprecates_on=ends.isoformat(), **where)


@check(
    title="Lambda function URLs require IAM authentication",
    severity=Severity.HIGH, category="identity", resource_type="AWS::Lambda::Function",
    needs=("lambda_functions",),
)
def lambda_function_url_auth_required(functions: list[LambdaFunction]) -> Iterator[Result]:
    """What it checks:
    Each function's URL (GetFunctionUrlConfig) uses `AuthType` `AWS_IAM`. A URL with `NONE`
    FAILs; a function without a URL PASSes. URLs of aliases are not read.

    Why it matters:
    A function URL with AuthType NONE is an HTTPS endpoint anyone on the internet can invoke,
    without signing the request: no network control or identity stands between the internet and
    the function's code and role.

    How to fix:
    `aws lambda update-function-url-config --auth-type AWS_IAM` and grant
    `lambda:InvokeFunctionUrl` to the callers, or delete the URL and front the function with API
    Gateway and an authorizer (and AWS WAF) when it must serve the public.
    """
    for fn in functions:
        if isinstance(fn.url_auth_type, Unknown):
            yield Result.not_assessed(fn.ref(), f"the function URL configuration could not be read "
                                      f"({fn.url_auth_type.reason})")
        elif fn.url_auth_type is None:
            yield Result.passed(fn.ref(), "the function has no URL")
        elif fn.url_auth_type == "AWS_IAM":
            yield Result.passed(fn.ref(), "the function URL requires IAM (SigV4) authentication", auth_type="AWS_IAM")
        else:
            yield Result.failed(fn.ref(), f"the function URL has AuthType {fn.url_auth_type}: anyone on the internet "
                                "can invoke it", auth_type=fn.url_auth_type)


@check(
    title="Lambda function policies do not let everyone invoke the function",
    severity=Severity.CRITICAL, category="identity", resource_type="AWS::Lambda::Function",
    needs=("lambda_functions",),
)
def lambda_function_not_public(functions: list[LambdaFunction]) -> Iterator[Result]:
    """What it checks:
    No Allow statement of a function's resource-based policy (GetPolicy) names the principal
    `*` without a condition that ties the caller to an account, organization, source ARN or
    network (`aws:SourceArn`, `aws:SourceAccount`, `aws:PrincipalOrgID`, `aws:SourceVpce`...).
    The statement AWS adds for a URL with AuthType NONE (`lambda:FunctionUrlAuthType`) is public.
    A function without a policy PASSes. Policies of versions and aliases are not read.

    Why it matters:
    A public function policy lets any AWS account, or anyone at all through a URL, invoke the
    function and make it act with its execution role on the data that role reaches.

    How to fix:
    `aws lambda remove-permission --statement-id <sid>`, then grant invoke to the exact principal
    with a `--source-arn` or `--source-account` (or `--principal-org-id`) condition.
    """
    for fn in functions:
        if isinstance(fn.policy, Unknown):
            yield Result.not_assessed(fn.ref(), f"the function policy could not be read ({fn.policy.reason})")
        elif fn.policy is None:
            yield Result.passed(fn.ref(), "the function has no resource-based policy")
        else:
            public = [s for s in fn.policy if s.public]
            if public:
                named = ", ".join(f"{s.sid or '(no sid)'} ({', '.join(s.actions)})" for s in public)
                yield Result.failed(fn.ref(), f"policy statements allow everyone (principal *) without a source "
                                    f"condition: {named}", statements=[s.sid for s in public])
            else:
                yield Result.passed(fn.ref(), f"{len(fn.policy)} policy statement(s), none open to everyone")


@check(
    title="Lambda environment variables are encrypted with a customer managed KMS key",
    severity=Severity.MEDIUM, category="encryption", resource_type="AWS::Lambda::Function",
    needs=("lambda_functions",),
)
def lambda_function_environment_kms_encrypted(functions: list[LambdaFunction]) -> Iterator[Result]:
    """What it checks:
    A function that has environment variables encrypts them with a customer managed KMS key
    (`KMSKeyArn`). Without one Lambda uses its AWS managed key, which FAILs with that reason; a
    function without environment variables PASSes.

    Why it matters:
    Environment variables hold configuration such as endpoints, key ids and, too often, secrets.
    Under the AWS managed key anyone allowed to read the function's configuration sees them in
    clear: no key policy of the account's own restricts decryption, which is what protecting
    stored data under managed keys expects.

    How to fix:
    `aws lambda update-function-configuration --kms-key-arn <key>` with a customer managed key
    whose policy names the function's role and its administrators; keep secrets in Secrets
    Manager rather than in variables.
    """
    for fn in functions:
        if not fn.environment:
            yield Result.passed(fn.ref(), "the function has no environment variables")
        elif fn.kms_key_arn:
            yield Result.passed(fn.ref(), "environment variables are encrypted with a customer managed key",
                                kms_key=fn.kms_key_arn)
        else:
            yield Result.failed(fn.ref(), f"{len(fn.environment)} environment variable(s) encrypted only with the AWS "
                                "managed key: decryption is not governed by a key policy of the account",
                                variables=[v.name for v in fn.environment])


@check(
    title="Lambda functions run inside a VPC",
    severity=Severity.MEDIUM, category="network", resource_type="AWS::Lambda::Function",
    needs=("lambda_functions",),
)
def lambda_function_in_vpc(functions: list[LambdaFunction]) -> Iterator[Result]:
    """What it checks:
    Each function is attached to a VPC (`VpcConfig.VpcId`). Every function is judged, whether
    or not it touches card data: the inventory does not say which functions do.

    Why it matters:
    A function outside any VPC runs in a Lambda-owned network with unrestricted outbound access
    to the internet: no security group, network ACL or egress filter of the account limits where
    it can send data, so the traffic of the cardholder data environment is not confined to what
    is needed.

    How to fix:
    Attach the function to private subnets and a security group that allows only the needed
    destinations (`aws lambda update-function-configuration --vpc-config
    SubnetIds=...,SecurityGroupIds=...`), with VPC endpoints or a filtered NAT for AWS APIs.
    """
    for fn in functions:
        if fn.vpc_id:
            yield Result.passed(fn.ref(), f"attached to {fn.vpc_id}", vpc_id=fn.vpc_id, subnets=fn.subnet_ids)
        else:
            yield Result.failed(fn.ref(), "not attached to a VPC: its network traffic is not restricted by the "
                                "account's security groups")
