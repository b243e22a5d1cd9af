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
