"""CodeBuild project checks against moto: FAIL, PASS and NOT_ASSESSED with exact outcomes."""

from __future__ import annotations

from typing import Any

from tests.conftest import Aws, outcomes, run_check

ROLE = "arn:aws:iam::111122223333:role/codebuild"
PRIVILEGED = "codebuild_project_not_privileged"
PLAINTEXT = "codebuild_project_no_plaintext_credentials"
SOURCE = "codebuild_project_source_no_credentials"
LOGGING = "codebuild_project_logging_enabled"
S3_LOGS = "codebuild_project_s3_logs_encrypted"
ALL = (PRIVILEGED, PLAINTEXT, SOURCE, LOGGING, S3_LOGS)

SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"  # AWS's documented example, not a key
TOKEN = "ghp_FAKEdemoTOKENnotREAL0123456789abcdef"
PASSWORD = "Hunter2-not-real"
CLOUDWATCH = {"cloudWatchLogs": {"status": "ENABLED", "groupName": "/aws/codebuild/x"},
              "s3Logs": {"status": "DISABLED"}}


def project(aws: Aws, name: str, *, location: str = "https://github.com/acme/card-api.git", source: str = "GITHUB",
            privileged: bool = False, variables: list[dict[str, str]] | None = None,
            logs: dict[str, Any] | None = None, **extra: Any) -> None:
    aws.client("codebuild").create_project(
        name=name, source={"type": source, "location": location}, artifacts={"type": "NO_ARTIFACTS"},
        environment={"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0",
                     "computeType": "BUILD_GENERAL1_SMALL", "privilegedMode": privileged,
                     "environmentVariables": variables or []},
        serviceRole=ROLE, logsConfig=logs or CLOUDWATCH, **extra)


def _estate(aws: Aws) -> None:
    project(aws, "card-api-build", privileged=True, variables=[
        {"name": "IMAGE_REPO_NAME", "value": "card-api", "type": "PLAINTEXT"},
        {"name": "DB_PASSWORD_SECRET_ARN", "value": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db",
         "type": "PLAINTEXT"},
        {"name": "SONAR_TOKEN", "value": "ci/sonar-token:token", "type": "SECRETS_MANAGER"},
        {"name": "NPM_TOKEN", "value": "/ci/npm-token", "type": "PARAMETER_STORE"},
    ], logs={"cloudWatchLogs": {"status": "DISABLED"},
             "s3Logs": {"status": "ENABLED", "location": "acme-ci-logs/card-api", "encryptionDisabled": False}},
        tags=[{"key": "team", "value": "infra"}])
    project(aws, "settlement-report-build", source="BITBUCKET",
            location=f"https://x-token-auth:{PASSWORD}@bitbucket.org/acme/settlement-reports.git",
            variables=[{"name": "AWS_ACCESS_KEY_ID", "value": "AKIAIOSFODNN7EXAMPLE", "type": "PLAINTEXT"},
                       {"name": "AWS_SECRET_ACCESS_KEY", "value": SECRET_KEY, "type": "PLAINTEXT"},
                       {"name": "REPORT_BUCKET", "value": "acme-reports", "type": "PLAINTEXT"}],
            logs={"cloudWatchLogs": {"status": "DISABLED"}, "s3Logs": {"status": "DISABLED"}})
    project(aws, "docs-build", location=f"https://{TOKEN}@github.com/acme/docs.git",
            logs={"cloudWatchLogs": {"status": "ENABLED"},
                  "s3Logs": {"status": "ENABLED", "location": "acme-ci-logs/docs", "encryptionDisabled": True}})
    project(aws, "lint", location="https://alice@bitbucket.org/acme/lint.git", source="BITBUCKET")


def test_codebuild_checks_exact_outcomes(aws: Aws) -> None:
    _estate(aws)
    inventory = aws.collect("codebuild")
    assert outcomes(run_check(PRIVILEGED, inventory)) == {
        ("card-api-build", "FAIL"), ("settlement-report-build", "PASS"), ("docs-build", "PASS"), ("lint", "PASS")}
    plaintext = run_check(PLAINTEXT, inventory)
    assert outcomes(plaintext) == {
        ("card-api-build", "PASS"), ("settlement-report-build", "FAIL"), ("docs-build", "PASS"), ("lint", "PASS")}
    legacy = next(f for f in plaintext if f.resource.name == "settlement-report-build")
    assert legacy.evidence["variables"] == ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]
    source = run_check(SOURCE, inventory)
    # A bare user name (alice@) is no credential; a user:secret pair and a token as user name are.
    assert outcomes(source) == {
        ("card-api-build", "PASS"), ("settlement-report-build", "FAIL"), ("docs-build", "FAIL"), ("lint", "PASS")}
    reasons = {f.resource.name: f.reason for f in source}
    assert reasons["settlement-report-build"] == "BITBUCKET source URL carries a secret"
    assert reasons["docs-build"] == "GITHUB source URL carries a token"
    legacy_source = next(f for f in source if f.resource.name == "settlement-report-build")
    assert legacy_source.evidence["locations"] == ["https://<redacted:text:29>@bitbucket.org/acme/settlement-reports.git"]
    assert outcomes(run_check(LOGGING, inventory)) == {
        ("card-api-build", "PASS"), ("settlement-report-build", "FAIL"), ("docs-build", "PASS"), ("lint", "PASS")}
    # Only projects writing logs to S3 are judged for their encryption.
    assert outcomes(run_check(S3_LOGS, inventory)) == {("card-api-build", "PASS"), ("docs-build", "FAIL")}
    card_api = next(p for p in inventory.codebuild_projects.items if p.name == "card-api-build")
    assert card_api.tags == {"team": "infra"}
    dumped = inventory.model_dump_json() + "".join(f.model_dump_json() for c in ALL for f in run_check(c, inventory))
    for value in (SECRET_KEY, "AKIAIOSFODNN7EXAMPLE", TOKEN, PASSWORD):
        assert value not in dumped


def test_project_without_logs_config_is_not_assessed(aws: Aws) -> None:
    # Recorded BatchGetProjects answer without logsConfig: AWS always sends it, so this is no answer.
    arn = "arn:aws:codebuild:eu-west-1:111122223333:project/odd"
    aws.answer("codebuild", "ListProjects", {"projects": ["odd"]})
    aws.answer("codebuild", "BatchGetProjects", {"projects": [{
        "name": "odd", "arn": arn, "source": {"type": "CODEPIPELINE"},
        "environment": {"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0",
                        "computeType": "BUILD_GENERAL1_SMALL", "privilegedMode": False},
        "serviceRole": ROLE}], "projectsNotFound": []})
    inventory = aws.collect("codebuild")
    assert outcomes(run_check(LOGGING, inventory)) == {("odd", "NOT_ASSESSED")}
    assert outcomes(run_check(PRIVILEGED, inventory)) == {("odd", "PASS")}


def test_batches_of_one_hundred(aws: Aws) -> None:
    calls: list[int] = []

    def count(params: dict[str, Any], **_: Any) -> None:
        calls.append(len(params["names"]))

    # 101 names from a recorded ListProjects answer (creating 101 projects in moto takes seconds);
    # moto then answers the batches for the one project that exists.
    project(aws, "svc-000")
    aws.answer("codebuild", "ListProjects", {"projects": [f"svc-{index:03}" for index in range(101)]})
    aws.audit_session.events.register("provide-client-params.codebuild.BatchGetProjects", count, unique_id="count")
    try:
        inventory = aws.collect("codebuild")
    finally:
        aws.audit_session.events.unregister("provide-client-params.codebuild.BatchGetProjects", unique_id="count")
    assert calls == [100, 1]
    assert [p.name for p in inventory.codebuild_projects.items] == ["svc-000"]


def test_codebuild_not_assessed_when_blind(aws: Aws) -> None:
    # BatchGetProjects is the batch form of the detail read: refused, it blinds the region like the list.
    for operation in ("ListProjects", "BatchGetProjects"):
        aws.reset()
        _estate(aws)
        aws.deny("codebuild", operation)
        inventory = aws.collect("codebuild")
        for check_id in ALL:
            findings = run_check(check_id, inventory)
            assert outcomes(findings) == {("*@eu-west-1", "NOT_ASSESSED")}, (operation, check_id)
            assert operation in findings[0].reason
