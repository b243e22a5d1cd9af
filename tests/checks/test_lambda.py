"""Lambda checks against moto."""

from __future__ import annotations

import io
import zipfile

from tests.conftest import Aws, outcomes, run_check, workload_role


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


def test_lambda_plaintext_secrets(aws: Aws) -> None:
    role = workload_role(aws)
    lam = aws.client("lambda")
    for name, env in (("card-events-consumer", {"QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com/1/q"}),
                      ("fx-rates", {"FX_API_KEY": "k3y-Zr9-plaintext", "LOG_LEVEL": "info"})):
        lam.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="handler.handler",
                            Code={"ZipFile": _zip()}, Environment={"Variables": env})
    inventory = aws.collect("lambda")
    findings = run_check("lambda_function_no_plaintext_secrets", inventory)
    assert outcomes(findings) == {("card-events-consumer", "PASS"), ("fx-rates", "FAIL")}
    assert "k3y-Zr9-plaintext" not in inventory.model_dump_json() + findings[0].model_dump_json()
    aws.deny("lambda", "ListFunctions")
    assert outcomes(run_check("lambda_function_no_plaintext_secrets", aws.collect("lambda"))) == {
        ("*@eu-west-1", "NOT_ASSESSED")}


def _function(aws: Aws, role: str, name: str, runtime: str = "python3.12", **extra: object) -> None:
    aws.client("lambda").create_function(FunctionName=name, Runtime=runtime, Role=role, Handler="handler.handler",
                                         Code={"ZipFile": _zip()}, **extra)


def test_runtime_supported(aws: Aws) -> None:
    from datetime import UTC, datetime

    role = workload_role(aws)
    _function(aws, role, "card-events-consumer", "python3.12")
    _function(aws, role, "legacy-export", "python3.8")
    _function(aws, role, "fx-rates", "nodejs22.x")
    _function(aws, role, "custom", "python3.99")  # not in the table of deprecation dates
    inventory = aws.collect("lambda")
    # Judged as of the inventory's collection: the 2027 view puts nodejs22.x within 90 days of its date.
    inventory = inventory.model_copy(update={"collected_at": datetime(2027, 2, 15, tzinfo=UTC)})
    findings = run_check("lambda_function_runtime_supported", inventory)
    assert outcomes(findings) == {("card-events-consumer", "PASS"), ("legacy-export", "FAIL"), ("fx-rates", "PASS"),
                                  ("custom", "NOT_ASSESSED")}
    by_name = {f.resource.name: f for f in findings}
    assert by_name["legacy-export"].reason.startswith("runtime python3.8 was deprecated on 2024-10-14")
    assert by_name["fx-rates"].reason.endswith("in 74 days: plan the upgrade")
    assert by_name["legacy-export"].evidence["source"].startswith("https://docs.aws.amazon.com/lambda/")
    aws.deny("lambda", "ListFunctions")
    assert outcomes(run_check("lambda_function_runtime_supported", aws.collect("lambda"))) == {
        ("*@eu-west-1", "NOT_ASSESSED")}


def test_function_url_and_policy(aws: Aws) -> None:
    role = workload_role(aws)
    lam = aws.client("lambda")
    for name in ("card-events-consumer", "legacy-export", "partner-webhook", "reports"):
        _function(aws, role, name)
    # legacy-export: a public URL, and the permission AWS adds for it (principal *, no source condition).
    lam.create_function_url_config(FunctionName="legacy-export", AuthType="NONE")
    lam.add_permission(FunctionName="legacy-export", StatementId="FunctionURLAllowPublicAccess",
                       Action="lambda:InvokeFunctionUrl", Principal="*", FunctionUrlAuthType="NONE")
    # partner-webhook: an IAM-authenticated URL; S3 may invoke it, but only from one bucket.
    lam.create_function_url_config(FunctionName="partner-webhook", AuthType="AWS_IAM")
    lam.add_permission(FunctionName="partner-webhook", StatementId="s3", Action="lambda:InvokeFunction",
                       Principal="s3.amazonaws.com", SourceArn="arn:aws:s3:::acme-settlement-inbound")
    # reports: everyone, but only from the account's own source ARN.
    lam.add_permission(FunctionName="reports", StatementId="events", Action="lambda:InvokeFunction", Principal="*",
                       SourceArn="arn:aws:events:eu-west-1:111122223333:rule/nightly")
    inventory = aws.collect("lambda")
    urls = run_check("lambda_function_url_auth_required", inventory)
    assert outcomes(urls) == {("card-events-consumer", "PASS"), ("legacy-export", "FAIL"),
                              ("partner-webhook", "PASS"), ("reports", "PASS")}
    policies = run_check("lambda_function_not_public", inventory)
    assert outcomes(policies) == {("card-events-consumer", "PASS"), ("legacy-export", "FAIL"),
                                  ("partner-webhook", "PASS"), ("reports", "PASS")}
    failed = next(f for f in policies if f.status.value == "FAIL")
    assert "FunctionURLAllowPublicAccess (lambda:InvokeFunctionUrl)" in failed.reason
    aws.deny("lambda", "GetFunctionUrlConfig")
    aws.deny("lambda", "GetPolicy")
    inventory = aws.collect("lambda")
    names = {"card-events-consumer", "legacy-export", "partner-webhook", "reports"}
    for check_id, operation in (("lambda_function_url_auth_required", "lambda:GetFunctionUrlConfig"),
                                ("lambda_function_not_public", "lambda:GetPolicy")):
        findings = run_check(check_id, inventory)
        assert outcomes(findings) == {(n, "NOT_ASSESSED") for n in names}
        assert all(f"{operation} failed: AccessDenied" in f.reason for f in findings)
    aws.deny("lambda", "ListFunctions")
    assert outcomes(run_check("lambda_function_not_public", aws.collect("lambda"))) == {
        ("*@eu-west-1", "NOT_ASSESSED")}


def test_environment_key_and_vpc(aws: Aws) -> None:
    role = workload_role(aws)
    key = aws.client("kms").create_key()["KeyMetadata"]["Arn"]
    _function(aws, role, "card-events-consumer", Environment={"Variables": {"QUEUE_URL": "https://q"}},
              KMSKeyArn=key, VpcConfig={"SubnetIds": ["subnet-0a1"], "SecurityGroupIds": ["sg-0b2"]})
    _function(aws, role, "legacy-export", Environment={"Variables": {"LOG_LEVEL": "info"}})
    _function(aws, role, "ping")  # no variables at all
    inventory = aws.collect("lambda")
    assert outcomes(run_check("lambda_function_environment_kms_encrypted", inventory)) == {
        ("card-events-consumer", "PASS"), ("legacy-export", "FAIL"), ("ping", "PASS")}
    assert outcomes(run_check("lambda_function_in_vpc", inventory)) == {
        ("card-events-consumer", "PASS"), ("legacy-export", "FAIL"), ("ping", "FAIL")}
    aws.deny("lambda", "ListFunctions")
    inventory = aws.collect("lambda")
    for check_id in ("lambda_function_environment_kms_encrypted", "lambda_function_in_vpc"):
        assert outcomes(run_check(check_id, inventory)) == {("*@eu-west-1", "NOT_ASSESSED")}
