"""Secrets never leave cardaudit: canaries planted in every field of every artifact kind and in the
AWS fields that carry values (Lambda environment, ECS container definitions) appear nowhere.

One audit runs over a seeded moto account and a repository holding a taskdef.json, a Dockerfile, a
buildspec and a SAM template, plus a taskdef.json of the wrong shape (pydantic must not echo it).
Its report is rendered in every format, its inventory saved, its console summary printed, with
logging at DEBUG; no canary may occur in any of them, nor on stdout or stderr.

Every canary carries the marker `cnry` (case-insensitive), so one search finds them all. A canary
sits where a secret could: a value of a secret-named variable or flag, or a value whose form alone
is a credential (an AWS key, a JWT, a URL with a password) anywhere else.
"""

from __future__ import annotations

import io
import json
import logging
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from cardaudit import audit
from cardaudit.formats import all_formats
from cardaudit.formats.console import print_summary
from cardaudit.models.report import AuditConfig
from tests.conftest import REGION, Aws, workload_role

MARKER = re.compile("cnry", re.IGNORECASE)


def _plant() -> tuple[dict[str, str], dict[str, Any]]:
    fields: dict[str, str] = {}

    def canary(field: str, kind: str = "plain") -> str:
        n = len(fields)
        value = {
            "plain": f"s3cr3t-cnry{n:02d}-value",
            "akid": f"AKIACNRY{n:02d}ZZZZZZZZZZ",
            "jwt": f"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjbnJ5In0.cnry{n:02d}sig",
            "url": f"postgres://app:pw-cnry{n:02d}@db.internal:5432/cards",
            "key40": (f"wJalrXUtnFEMIcnry{n:02d}" + "Z" * 40)[:40],
        }[kind]
        assert value not in fields.values()
        fields[field] = value
        return value

    def container(where: str) -> dict[str, Any]:
        return {
            "name": "app", "memory": 256,
            "image": f"https://deploy:{canary(f'{where} image registry password', 'plain')}@registry.example/app:1",
            "user": canary(f"{where} user (key-shaped)", "akid"),
            "command": ["sh", "-c", f"run --token {canary(f'{where} command --token', 'plain')}"],
            "entryPoint": ["/bin/app", f"--password={canary(f'{where} entryPoint --password', 'plain')}"],
            "environment": [
                {"name": "DB_PASSWORD", "value": canary(f"{where} environment DB_PASSWORD")},
                {"name": "API_TOKEN", "value": canary(f"{where} environment API_TOKEN")},
                {"name": "LOG_LEVEL", "value": canary(f"{where} environment LOG_LEVEL (JWT-shaped)", "jwt")},
                {"name": "DATABASE_URL", "value": canary(f"{where} environment DATABASE_URL", "url")},
                {"name": "AWS_KEY", "value": canary(f"{where} environment (40-char key)", "key40")},
            ],
            "secrets": [{"name": "DB", "valueFrom": "not a reference " + canary(f"{where} secrets valueFrom")}],
            "dockerLabels": {"build.token": canary(f"{where} dockerLabels")},
            "logConfiguration": {"logDriver": "awslogs", "options": {
                "awslogs-group": "/ecs/app", "splunk-token": canary(f"{where} logConfiguration.options")},
                "secretOptions": [{"name": "x", "valueFrom": "arn:aws:ssm:eu-west-1:1:parameter/x"}]},
            "repositoryCredentials": {"credentialsParameter": canary(f"{where} repositoryCredentials", "url")},
            "healthCheck": {"command": ["CMD-SHELL", f"curl -H 'Authorization: Bearer "
                                                     f"{canary(f'{where} healthCheck header')}' localhost"]},
        }

    live = container("live task definition")
    repo_td = {"family": "card-api", "containerDefinitions": [container("taskdef.json")]}
    wrong_td = {"family": "card-batch", "containerDefinitions": [
        {"name": "batch", "image": "batch:1", "user": {"password": canary("taskdef.json user of the wrong type")},
         "environment": canary("taskdef.json environment given as a string")}]}
    dockerfile = "\n".join([
        f"ARG REGISTRY_PASSWORD={canary('Dockerfile ARG default (secret name)')}",
        f"FROM https://ci:{canary('Dockerfile FROM registry password')}@registry.example/base:1 AS build",
        f"ARG NPM_TOKEN={canary('Dockerfile ARG NPM_TOKEN')}",
        f"ARG RUNTIME_USER={canary('Dockerfile ARG default (key-shaped)', 'akid')}",
        f"ENV DB_PASSWORD={canary('Dockerfile ENV DB_PASSWORD')}",
        f"ENV SIGNING_JWT {canary('Dockerfile ENV (JWT-shaped)', 'jwt')}",
        f"LABEL token={canary('Dockerfile LABEL')}",
        f"RUN npm config set //registry/:_authToken={canary('Dockerfile RUN authToken', 'jwt')} && npm ci",
        f"RUN curl -u deploy:{canary('Dockerfile RUN curl -u')} https://artifacts.example/x",
        "FROM build",
        "USER ${RUNTIME_USER}",
        "",
    ])
    buildspec = "\n".join([
        "version: 0.2",
        "env:",
        "  variables:",
        f"    DOCKER_PASSWORD: {canary('buildspec env.variables DOCKER_PASSWORD')}",
        f"    SONAR_URL: {canary('buildspec env.variables (URL with password)', 'url')}",
        "  parameter-store:",
        "    DB: /prod/db/password",
        "phases:",
        "  pre_build:",
        "    commands:",
        f"      - docker login -u AWS -p {canary('buildspec command docker login -p')} $REGISTRY",
        f"      - export GITHUB_TOKEN={canary('buildspec command export GITHUB_TOKEN')}",
        f"      - 'curl -H \"Authorization: Bearer {canary('buildspec command Authorization header')}\" $URL'",
        f"      - aws configure set aws_access_key_id {canary('buildspec command access key', 'akid')}",
        f"      - git clone {canary('buildspec command clone URL', 'url')}",
        "  build:",
        "    on-failure: ABORT",
        "    commands:",
        "      - docker build -t $IMAGE .",
        f"      - trivy image --exit-code 1 --token {canary('buildspec scan command --token')} $IMAGE",
        "  post_build:",
        "    commands:",
        "      - docker push $IMAGE",
        "",
    ])
    template = "\n".join([
        "AWSTemplateFormatVersion: '2010-09-09'",
        "Transform: AWS::Serverless-2016-10-31",
        "Globals:",
        "  Function:",
        "    Environment:",
        "      Variables:",
        f"        SHARED_SECRET: {canary('template Globals variable SHARED_SECRET')}",
        "Resources:",
        "  Consumer:",
        "    Type: AWS::Serverless::Function",
        "    Properties:",
        f"      FunctionName: {canary('template FunctionName (key-shaped)', 'akid')}",
        "      Environment:",
        "        Variables:",
        f"          DB_PASS: {canary('template variable DB_PASS')}",
        f"          FEED_URL: {canary('template variable (URL with password)', 'url')}",
        f"          SESSION: {canary('template variable (JWT-shaped)', 'jwt')}",
        "",
    ])
    lambda_env = {
        "PAYMENT_API_KEY": canary("Lambda environment PAYMENT_API_KEY"),
        "UPSTREAM": canary("Lambda environment (URL with password)", "url"),
        "BOOTSTRAP_ID": canary("Lambda environment (key-shaped)", "akid"),
    }
    files = {"deploy/taskdef.json": json.dumps(repo_td, indent=2), "batch/taskdef.json": json.dumps(wrong_td),
             "Dockerfile": dockerfile, "buildspec.yml": buildspec, "template.yaml": template}
    return fields, {"live": live, "files": files, "lambda": lambda_env}


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


def test_no_canary_leaves_cardaudit(aws: Aws, tmp_path: Path, capfd: pytest.CaptureFixture[str],
                                    caplog: pytest.LogCaptureFixture) -> None:
    fields, planted = _plant()
    repo = tmp_path / "repo"
    for name, text in planted["files"].items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    aws.client("ecs").register_task_definition(family="card-api", containerDefinitions=[planted["live"]])
    aws.client("lambda").create_function(
        FunctionName="card-events", Runtime="python3.12", Role=workload_role(aws), Handler="handler.handler",
        Code={"ZipFile": _zip()}, Environment={"Variables": planted["lambda"]})
    # Both sides hold every canary before cardaudit reads them.
    assert MARKER.search(json.dumps(aws.client("ecs").describe_task_definition(taskDefinition="card-api")
                                    ["taskDefinition"]["containerDefinitions"]))

    out = tmp_path / "out"
    out.mkdir()
    # cardaudit's own logs; botocore's debug log prints response bodies, and cardaudit never enables it.
    caplog.set_level(logging.DEBUG, logger="cardaudit")
    config = AuditConfig(regions=[REGION], repos={"acme/card-api": repo}, save_inventory=out / "inventory.json")
    report = audit.run(config, session=aws.audit_session)
    written = {"inventory.json": (out / "inventory.json").read_text()}
    for name, fmt in all_formats().items():
        written[f"report.{name}"] = fmt.render(report)
    console = io.StringIO()
    print_summary(report, Console(file=console, width=200, force_terminal=False))
    written["console summary"] = console.getvalue()
    captured = capfd.readouterr()
    own_log = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("cardaudit"))
    written |= {"stdout": captured.out, "stderr": captured.err, "log": own_log}

    leaks = sorted((where, field) for where, text in written.items() for field, value in fields.items()
                   if value in text)
    marked = {where: [m.start() for m in MARKER.finditer(text)] for where, text in written.items()
              if MARKER.search(text)}
    print(f"\ncanaries: {len(fields)} fields x {len(all_formats())} formats + inventory, console summary, "
          f"stdout, stderr, log: {sum(len(v) for v in marked.values())} occurrences")
    context = {where: written[where][max(0, at[0] - 200):at[0] + 100] for where, at in marked.items()}
    assert not marked, (leaks, context)

    # The audit still saw what the canaries stand for.
    failing = {(f.check_id, f.resource.path) for f in report.findings if f.status.value == "FAIL"}
    assert ("taskdef_no_plaintext_secrets", "deploy/taskdef.json") in failing
    assert ("template_function_no_plaintext_secrets", "template.yaml") in failing
    assert any(f.check_id == "lambda_function_no_plaintext_secrets" and f.status.value == "FAIL"
               for f in report.findings)
    statuses = {(f.check_id, f.resource.path): f.status.value for f in report.findings}
    reasons = {(f.check_id, f.resource.path): f.reason for f in report.findings}
    assert statuses[("buildspec_image_scan_gates_push", "buildspec.yml")] == "PASS", reasons
    assert statuses[("dockerfile_user_not_root", "Dockerfile")] == "NOT_ASSESSED"
    assert statuses[("taskdef_no_plaintext_secrets", "batch/taskdef.json")] == "ERROR"
