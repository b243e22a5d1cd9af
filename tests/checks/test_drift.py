"""Repository <-> account drift: task definitions, SAM functions, buildspecs.

The repository side is parsed from files written here; the account side is built as the
collectors build it (models in a Slice with its scopes and errors), so each case states exactly
what was read and what could not be.
"""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cardaudit.models.aws.codebuild import CodeBuildProject, CodeBuildSource
from cardaudit.models.aws.ecs import EcsTaskDefinition
from cardaudit.models.aws.lambda_ import LambdaFunction
from cardaudit.models.containers import EcsContainer, SecretRef, ValueShape
from cardaudit.models.containers import EnvVar as Var
from cardaudit.models.finding import Finding
from cardaudit.models.inventory import CollectionError, Inventory, Scope, Slice
from tests.conftest import repo_inventory, run_check

ACCOUNT, REGION = "111122223333", "eu-west-1"
SECRET = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:prod/db-AbCdEf"
DENIED = CollectionError(service="ecs", operation="ListTaskDefinitions", code="AccessDenied", message="",
                         account=ACCOUNT, region="us-east-1")


def _taskdef(family: str, group: str, secret: str = SECRET, user: str | None = None) -> dict[str, Any]:
    container: dict[str, Any] = {
        "name": "app", "image": "<IMAGE1_NAME>",
        "secrets": [{"name": "DB_PASSWORD", "valueFrom": secret}],
        "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": group}},
    }
    if user:
        container["user"] = user
    return {"family": family, "containerDefinitions": [container]}


TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.12
Resources:
  Consumer:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: consumer
      Handler: app.handler
      KmsKeyArn: !GetAtt Key.Arn
      Environment:
        Variables:
          LOG_LEVEL: INFO
  Exporter:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: exporter
      Handler: app.handler
  Undeployed:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: not-deployed
      Handler: app.handler
"""


def _repo(tmp_path: Path) -> dict[str, Path]:
    api, batch = tmp_path / "card-api", tmp_path / "card-batch"
    for root in (api, batch):
        (root / "deploy").mkdir(parents=True)
    (api / "deploy" / "taskdef.json").write_text(json.dumps(_taskdef("card-api", "/ecs/card-api"), indent=2))
    (batch / "deploy" / "taskdef.json").write_text(json.dumps(_taskdef("ledger", "/ecs/ledger", user="1000"),
                                                              indent=2))
    (batch / "deploy" / "taskdef-new.json").write_text(json.dumps(_taskdef("not-registered", "/ecs/x")))
    (api / "template.yaml").write_text(TEMPLATE)
    (api / "buildspec.yml").write_text("version: 0.2\nphases:\n  build:\n    commands:\n      - make\n")
    (batch / "buildspec.yml").write_text("version: 0.2\nphases:\n  build:\n    commands:\n      - make\n")
    return {"acme/card-api": api, "acme/card-batch": batch}


def _inventory(tmp_path: Path, **slices: Slice[Any]) -> Inventory:
    return repo_inventory(_repo(tmp_path), collected_at=datetime(2026, 11, 26, tzinfo=UTC), accounts=[ACCOUNT],
                          regions=[REGION], **slices)


def _read(*items: Any, errors: list[CollectionError] | None = None) -> Slice[Any]:
    return Slice(items=list(items), scopes=[Scope(account=ACCOUNT, region=REGION)], errors=errors or [])


def _container(group: str, secret: str = SECRET, user: str | None = None, privileged: bool = False) -> EcsContainer:
    return EcsContainer(name="app", image="123.dkr.ecr/app:1", log_driver="awslogs", log_group=group,
                        secrets=[SecretRef(name="DB_PASSWORD", value_from=secret)], user=user, privileged=privileged)


def _live_td(family: str, revision: int, *containers: EcsContainer) -> EcsTaskDefinition:
    return EcsTaskDefinition(arn=f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/{family}:{revision}",
                             account=ACCOUNT, region=REGION, name=family, family=family, revision=revision,
                             containers=list(containers))


def _results(findings: list[Finding]) -> set[tuple[str, str | None, str]]:
    return {(f"{f.resource.repo}:{f.resource.path}", f.resource.field, f.status.value) for f in findings}


def test_task_definition_drift(tmp_path: Path) -> None:
    live = _read(
        # card-api: a hand-registered revision logs elsewhere and reads another secret.
        _live_td("card-api", 3, _container("/ecs/card-api-incident", secret=SECRET + "x")),
        # ledger: the same as the file (the image is a placeholder in the file: not compared).
        _live_td("ledger", 7, _container("/ecs/ledger", user="1000")),
    )
    findings = run_check("drift_task_definition_matches_account", _inventory(tmp_path, ecs_task_definitions=live))
    assert _results(findings) == {
        ("acme/card-api:deploy/taskdef.json", "$.containerDefinitions[0].logConfiguration", "FAIL"),
        ("acme/card-api:deploy/taskdef.json", "$.containerDefinitions[0].secrets", "FAIL"),
        ("acme/card-batch:deploy/taskdef.json", "$.containerDefinitions[0]", "PASS"),
    }
    logging = next(f for f in findings if (f.resource.field or "").endswith("logConfiguration"))
    # Both sides are named: the file and line, and the revision's ARN.
    assert logging.resource.line == 4  # the container's object in the file
    assert logging.reason == ("container app: logConfiguration is 'awslogs /ecs/card-api' in the file but "
                              "'awslogs /ecs/card-api-incident' in "
                              f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/card-api:3")
    assert logging.evidence["live_arn"] == f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/card-api:3"

    # Privileged and user in the account, an extra sidecar, a missing container.
    live = _read(_live_td("ledger", 8, _container("/ecs/ledger", user="0", privileged=True),
                          _container("/ecs/ledger").model_copy(update={"name": "envoy"})))
    findings = run_check("drift_task_definition_matches_account", _inventory(tmp_path / "2", ecs_task_definitions=live))
    assert _results(findings) == {
        ("acme/card-batch:deploy/taskdef.json", "$.containerDefinitions[0].user", "FAIL"),
        ("acme/card-batch:deploy/taskdef.json", "$.containerDefinitions[0].privileged", "FAIL"),
        ("acme/card-batch:deploy/taskdef.json", "$.containerDefinitions", "FAIL"),
    }


def test_task_definition_drift_not_assessed_when_the_account_side_is_blind(tmp_path: Path) -> None:
    # card-api was read (and matches); us-east-1 could not be listed, so the other families may be there.
    live = _read(_live_td("card-api", 2, _container("/ecs/card-api")), errors=[DENIED])
    findings = run_check("drift_task_definition_matches_account", _inventory(tmp_path, ecs_task_definitions=live))
    assert _results(findings) == {
        ("acme/card-api:deploy/taskdef.json", "$.containerDefinitions[0]", "PASS"),
        ("acme/card-batch:deploy/taskdef.json", "$.family", "NOT_ASSESSED"),
        ("acme/card-batch:deploy/taskdef-new.json", "$.family", "NOT_ASSESSED"),
    }
    assert "ecs:ListTaskDefinitions failed in 111122223333/us-east-1: AccessDenied" in findings[-1].reason
    # Nothing read at all (the slice was never collected): every file NOT_ASSESSED; nothing to link: no finding.
    never = run_check("drift_task_definition_matches_account", _inventory(tmp_path / "2", ecs_task_definitions=Slice()))
    assert {s for _, _, s in _results(never)} == {"NOT_ASSESSED"} and len(never) == 3
    none = run_check("drift_task_definition_matches_account", _inventory(tmp_path / "3", ecs_task_definitions=_read()))
    assert none == []


def _function(name: str, **fields: Any) -> LambdaFunction:
    base: dict[str, Any] = {"runtime": "python3.12", "handler": "app.handler",
                            "environment": [Var(name="LOG_LEVEL", shape=ValueShape.TEXT, length=4)]}
    return LambdaFunction(arn=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}", account=ACCOUNT, region=REGION,
                          name=name, **{**base, **fields})


def test_lambda_function_drift(tmp_path: Path) -> None:
    live = _read(
        # consumer: a variable added in the console, runtime bumped; its KMS key is !GetAtt in the template.
        _function("consumer", runtime="python3.13", kms_key_arn="arn:aws:kms:x",
                  environment=[Var(name="LOG_LEVEL", shape=ValueShape.TEXT, length=4),
                               Var(name="DEBUG_PAYLOADS", shape=ValueShape.TEXT, length=4)]),
        _function("exporter", environment=[]),
    )
    findings = run_check("drift_lambda_function_matches_account", _inventory(tmp_path, lambda_functions=live))
    assert _results(findings) == {
        ("acme/card-api:template.yaml", "$.Resources.Consumer.Properties.Runtime", "FAIL"),
        ("acme/card-api:template.yaml", "$.Resources.Consumer.Properties.Environment", "FAIL"),
        ("acme/card-api:template.yaml", "$.Resources.Exporter", "PASS"),
    }
    runtime = next(f for f in findings if (f.resource.field or "").endswith("Runtime"))
    assert runtime.resource.line == 4  # Globals: where the value is written
    env = next(f for f in findings if (f.resource.field or "").endswith("Environment"))
    assert env.reason == ("function consumer: environment variable names differ: only in the template none, only "
                          f"deployed DEBUG_PAYLOADS (arn:aws:lambda:{REGION}:{ACCOUNT}:function:consumer)")
    assert "true" not in env.reason  # names only, never values

    blind = Slice[LambdaFunction](items=[], scopes=[Scope(account=ACCOUNT, region=REGION)], errors=[
        CollectionError(service="lambda", operation="ListFunctions", code="AccessDenied", message="", account=ACCOUNT,
                         region=REGION)])
    findings = run_check("drift_lambda_function_matches_account", _inventory(tmp_path / "2", lambda_functions=blind))
    assert _results(findings) == {("acme/card-api:template.yaml", f"$.Resources.{n}", "NOT_ASSESSED")
                                  for n in ("Consumer", "Exporter", "Undeployed")}


def _project(name: str, location: str, **source: Any) -> CodeBuildProject:
    return CodeBuildProject(arn=f"arn:aws:codebuild:{REGION}:{ACCOUNT}:project/{name}", account=ACCOUNT,
                            region=REGION, name=name, sources=[CodeBuildSource(type="GITHUB", location=location,
                                                                               **source)])


def test_buildspec_drift(tmp_path: Path) -> None:
    live = _read(
        _project("api-build", "https://github.com/acme/card-api.git"),  # default buildspec.yml: PASS
        _project("batch-build", "https://github.com/acme/card-batch", buildspec_inline=True),  # inline: FAIL
        _project("batch-nightly", "https://github.com/acme/card-batch", buildspec_path="ci/nightly.yml"),
        _project("other", "https://github.com/acme/unrelated.git", buildspec_inline=True),  # not linked
    )
    findings = run_check("drift_buildspec_used_by_project", _inventory(tmp_path, codebuild_projects=live))
    assert _results(findings) == {
        ("acme/card-api:buildspec.yml", None, "PASS"),
        ("acme/card-batch:buildspec.yml", None, "FAIL"),
        ("acme/card-batch:ci/nightly.yml", None, "NOT_ASSESSED"),
    }
    inline = next(f for f in findings if f.status.value == "FAIL")
    assert inline.reason == (f"project batch-build (arn:aws:codebuild:{REGION}:{ACCOUNT}:project/batch-build) runs an "
                             "inline buildspec, not acme/card-batch:buildspec.yml")

    blind = _read(errors=[CollectionError(service="codebuild", operation="ListProjects", code="AccessDenied",
                                          message="", account=ACCOUNT, region=REGION)])
    findings = run_check("drift_buildspec_used_by_project", _inventory(tmp_path / "2", codebuild_projects=blind))
    assert _results(findings) == {("acme/card-api:buildspec.yml", None, "NOT_ASSESSED"),
                                  ("acme/card-batch:buildspec.yml", None, "NOT_ASSESSED")}


def test_codebuild_source_keeps_where_the_buildspec_comes_from_not_its_text() -> None:
    from cardaudit.collect.codebuild import source_of

    inline = source_of({"type": "GITHUB", "location": "https://github.com/acme/card-api",
                        "buildspec": "version: 0.2\nphases:\n  build:\n    commands:\n      - echo $TOKEN\n"})
    assert (inline.buildspec_inline, inline.buildspec_path) == (True, None)
    path = source_of({"type": "GITHUB", "location": "https://github.com/acme/card-api", "buildspec": "ci/b.yml"})
    assert (path.buildspec_inline, path.buildspec_path) == (False, "ci/b.yml")
    default = source_of({"type": "GITHUB", "location": "https://github.com/acme/card-api"})
    assert (default.buildspec_inline, default.buildspec_path) == (False, None)


def test_the_demo_shows_drift_routed_to_the_team_that_owns_the_field(
        demo_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    _, out = demo_run
    findings = json.loads((out / "report.json").read_text(encoding="utf-8"))["findings"]
    drift = {(f["check_id"], f"{f['resource']['repo']}:{f['resource']['path']}", f["resource"]["field"], f["status"],
              f["owner"]) for f in findings if f["check_id"].startswith("drift_")}
    assert drift == {
        # The hand-registered card-api:3 logs elsewhere: the logging field belongs to infra.
        ("drift_task_definition_matches_account", "acme/card-api:deploy/prod/taskdef.json",
         "$.containerDefinitions[0].logConfiguration", "FAIL", "infra"),
        ("drift_task_definition_matches_account", "acme/card-batch:deploy/prod/taskdef.json",
         "$.containerDefinitions[0]", "PASS", "app"),
        # A variable added in the console to the SAM function: the template is app's.
        ("drift_lambda_function_matches_account", "acme/card-api:template.yaml",
         "$.Resources.CardEventsConsumerFunction.Properties.Environment", "FAIL", "app"),
        ("drift_buildspec_used_by_project", "acme/card-api:buildspec.yml", None, "PASS", "infra"),
    }


def test_a_file_linked_to_several_deployed_copies_gets_one_result_per_field(tmp_path: Path) -> None:
    east = _live_td("card-api", 1, _container("/ecs/other")).model_copy(update={
        "arn": f"arn:aws:ecs:us-east-1:{ACCOUNT}:task-definition/card-api:1", "region": "us-east-1"})
    live = _read(_live_td("card-api", 4, _container("/ecs/card-api-incident")), east)
    findings = run_check("drift_task_definition_matches_account", _inventory(tmp_path, ecs_task_definitions=live))
    assert _results(findings) == {
        ("acme/card-api:deploy/taskdef.json", "$.containerDefinitions[0].logConfiguration", "FAIL")}
    assert len(findings) == 1 and len({f.id for f in findings}) == 1
    assert findings[0].evidence["live_arns"] == [f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/card-api:4",
                                                 f"arn:aws:ecs:us-east-1:{ACCOUNT}:task-definition/card-api:1"]
    assert "/ecs/card-api-incident" in findings[0].reason and "/ecs/other" in findings[0].reason
