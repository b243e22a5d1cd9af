"""deploy/: CloudFormation clean under cfn-lint, policies equal to `cardaudit iam-policy`, the state
machine well formed (a structural check written here), the container's Dockerfile passing
cardaudit's own Dockerfile checks, and the entrypoint's environment mapping."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from ruamel.yaml import YAML

from cardaudit.collect.policy import render_policy
from cardaudit.container import OPTIONS, argv
from cardaudit.engine.registry import all_checks, load_checks
from cardaudit.engine.runner import evaluate
from cardaudit.models.inventory import Inventory
from tests.conftest import repo_inventory

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"


def _render() -> ModuleType:
    spec = importlib.util.spec_from_file_location("deploy_render", DEPLOY / "render.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


render = _render()
AUDIT = json.loads(render.AUDIT_TEMPLATE.read_text())
MEMBER = json.loads(render.MEMBER_TEMPLATE.read_text())
ASL = json.loads(render.STATE_MACHINE.read_text())


def test_templates_are_current() -> None:
    for path, text in render.rendered().items():
        assert path.read_text() == text, f"{path.name} is stale: run python deploy/render.py"


def test_cfn_lint_is_clean() -> None:
    from cfnlint.api import lint_file

    for path in (render.AUDIT_TEMPLATE, render.MEMBER_TEMPLATE):
        matches = lint_file(path)
        assert not matches, [f"{m.rule.id} {m.message} ({path.name}:{m.linenumber})" for m in matches]


def _policies(template: dict[str, Any], role: str) -> dict[str, list[dict[str, Any]]]:
    return {p["PolicyName"]: p["PolicyDocument"]["Statement"]
            for p in template["Resources"][role]["Properties"]["Policies"]}


def test_roles_carry_the_iam_policy_and_only_the_report_write() -> None:
    shipped = json.loads(render_policy())["Statement"]
    assert _policies(MEMBER, "AuditRole") == {"cardaudit-read-only": shipped}
    audit = _policies(AUDIT, "AuditTaskRole")
    assert audit["cardaudit-read-only"] == shipped
    # The one write: PutObject under runs/ of the report bucket, and the data key SSE-KMS needs for it.
    assert [(s["Action"], s["Resource"]) for s in audit["cardaudit-report-sink"]] == [
        (["s3:PutObject"], {"Fn::Sub": "arn:${AWS::Partition}:s3:::${ReportBucket}/runs/*"}),
        (["kms:GenerateDataKey"], {"Fn::GetAtt": ["ReportKey", "Arn"]})]
    writes = {a for s in _policies(AUDIT, "MergeTaskRole")["cardaudit-merge"] for a in s["Action"]
              if not a.startswith(("s3:Get", "s3:List", "kms:"))}
    assert writes == {"s3:PutObject"}


def test_the_report_bucket_is_encrypted_tls_only_versioned_and_expiring() -> None:
    bucket = AUDIT["Resources"]["ReportBucket"]["Properties"]
    rule = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    assert bucket["LifecycleConfiguration"]["Rules"][0]["ExpirationInDays"] == {"Ref": "RetentionDays"}
    sids = {s["Sid"]: s for s in AUDIT["Resources"]["ReportBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]}
    assert sids["DenyInsecureTransport"]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert sids["DenyPutWithoutReportKey"]["Effect"] == "Deny"
    assert all(v for v in bucket["PublicAccessBlockConfiguration"].values())


def _states(machine: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return machine["States"]  # type: ignore[no-any-return]


def _check_machine(machine: dict[str, Any], where: str) -> list[dict[str, Any]]:
    """A structural check of one (sub-)state machine; returns every state, nested ones included."""
    states = _states(machine)
    assert machine["StartAt"] in states, where
    reachable, todo = set(), [machine["StartAt"]]
    found = []
    while todo:
        name = todo.pop()
        if name in reachable:
            continue
        reachable.add(name)
        state = states[name]
        found.append(state)
        assert state["Type"] in ("Pass", "Task", "Map", "Choice", "Wait", "Succeed", "Fail", "Parallel"), name
        assert ("Next" in state) != bool(state.get("End")), f"{where}.{name}: exactly one of Next and End"
        if "Next" in state:
            assert state["Next"] in states, f"{where}.{name}: Next {state['Next']} is not a state"
            todo.append(state["Next"])
        if state["Type"] == "Map":
            found += _check_machine(state["ItemProcessor"], f"{where}.{name}")
    assert reachable == set(states), f"{where}: unreachable {set(states) - reachable}"
    return found


def test_the_state_machine_is_well_formed() -> None:
    definition = AUDIT["Resources"]["StateMachine"]["Properties"]["Definition"]
    assert definition == ASL  # the template embeds deploy/state-machine.asl.json as it is
    states = _check_machine(ASL, "")
    shards = _states(ASL)["AuditShards"]
    assert shards["ItemProcessor"]["ProcessorConfig"]["Mode"] == "DISTRIBUTED" and shards["Next"] == "Merge"
    tasks = [s for s in states if s["Type"] == "Task"]
    assert {t["Resource"] for t in tasks} == {"arn:aws:states:::ecs:runTask.sync"}
    env = {e["Name"]: e.get("Value.$") for t in tasks
           for o in t["Parameters"]["Overrides"]["ContainerOverrides"] for e in o["Environment"]}
    assert env["CARDAUDIT_SHARD"] == "States.Format('{}/{}', $.shard, $.shardCount)"
    known = set(OPTIONS) | {"CARDAUDIT_MERGE_FROM", "CARDAUDIT_RUN_ID"}
    assert set(env) <= known
    # Every ${Name} in the definition is substituted by the template.
    placeholders = set(re.findall(r"\$\{(\w+)\}", json.dumps(ASL)))
    assert placeholders == set(AUDIT["Resources"]["StateMachine"]["Properties"]["DefinitionSubstitutions"])


AUDIT_FILE = "cardaudit-audit-account.json"


def _line(name: str, value: str) -> int:
    """The line of the `"TaskDefinition": "<value>"` entry in a deploy/ file."""
    lines = (DEPLOY / name).read_text().splitlines()
    return next(i for i, text in enumerate(lines, 1) if f'"TaskDefinition": "{value}"' in text)


@pytest.fixture(scope="module")
def deploy_inventory() -> Inventory:
    """deploy/ read as a repository checkout, by cardaudit's own discovery and ASL and template readers."""
    return repo_inventory({"cardaudit": DEPLOY}, accounts=[], regions=[])


def test_cardaudits_asl_reader_reads_the_state_machine(deploy_inventory: Inventory) -> None:
    machines = {d.file.path: d for d in deploy_inventory.stepfunctions}
    assert set(machines) == {"state-machine.asl.json", "cardaudit-audit-account.json"}  # the file, and inline
    assert all(d.problem is None and d.skipped is None for d in machines.values())
    # Every state of the definition, nested ones included, as the structural walk above finds them.
    names = {s.name for s in machines["state-machine.asl.json"].states}
    assert names == {"PlanShards", "AuditShards", "AuditShard", "Merge"}
    assert {s.name for s in machines["cardaudit-audit-account.json"].states} == names

    def run_tasks(path: str) -> set[tuple[str, str, str | None, str | None]]:
        return {(s.name, s.path, s.ecs_task_definition, s.ecs_family) for s in machines[path].states
                if s.resource is not None and ":ecs:runTask" in s.resource}

    # The file alone: the task definitions are the template's substitutions, named as such.
    assert run_tasks("state-machine.asl.json") == {
        ("AuditShard", "$.States.AuditShards.ItemProcessor.States.AuditShard", "${AuditTaskDefinitionArn}", None),
        ("Merge", "$.States.Merge", "${MergeTaskDefinitionArn}", None)}
    # Inline in the template, DefinitionSubstitutions resolve them to the families the template registers.
    inline = "$.Resources.StateMachine.Properties.Definition.States"
    assert run_tasks("cardaudit-audit-account.json") == {
        ("AuditShard", f"{inline}.AuditShards.ItemProcessor.States.AuditShard", "cardaudit-audit", "cardaudit-audit"),
        ("Merge", f"{inline}.Merge", "cardaudit-merge", "cardaudit-merge")}
    assert {td.family for td in deploy_inventory.repo_task_definitions} == {"cardaudit-audit", "cardaudit-merge"}


def test_the_state_machines_tasks_pass_the_run_task_checks(deploy_inventory: Inventory) -> None:
    checks = load_checks()
    for check_id in ("stepfunctions_run_task_logging", "stepfunctions_run_task_no_plaintext_secrets"):
        found = {(f.resource.path, f.resource.line, f.status.value)
                 for f in evaluate(deploy_inventory, [checks[check_id]])}
        assert found == {
            # ${AuditTaskDefinitionArn} in the file alone: known only once the template deploys it.
            ("state-machine.asl.json", _line("state-machine.asl.json", "${AuditTaskDefinitionArn}"), "NOT_ASSESSED"),
            ("state-machine.asl.json", _line("state-machine.asl.json", "${MergeTaskDefinitionArn}"), "NOT_ASSESSED"),
            ("cardaudit-audit-account.json", _line(AUDIT_FILE, "${AuditTaskDefinitionArn}"), "PASS"),
            ("cardaudit-audit-account.json", _line(AUDIT_FILE, "${MergeTaskDefinitionArn}"), "PASS"),
        }, check_id
    assert {f.status.value for f in evaluate(deploy_inventory, [checks["stepfunctions_no_plaintext_secrets"]])} == {
        "PASS"}


def test_the_pull_request_workflow_example() -> None:
    workflow = YAML(typ="safe").load((DEPLOY / "github-actions" / "cardaudit-pr.yml").read_text())
    steps = workflow["jobs"]["cardaudit"]["steps"]
    run = next(s["run"] for s in steps if s.get("name") == "Audit the pull request")
    assert "--no-aws --repo app=." in run and "--format sarif,markdown" in run
    assert any(s.get("uses", "").startswith("github/codeql-action/upload-sarif") for s in steps)


def test_cardaudits_own_dockerfile_passes_its_dockerfile_checks(tmp_path: Path) -> None:
    shutil.copyfile(ROOT / "Dockerfile", tmp_path / "Dockerfile")
    inventory = repo_inventory({"cardaudit": tmp_path}, accounts=[], regions=[])
    checks = [c for c in all_checks("evaluate") if c.resource_type == "Repo::dockerfile"]
    findings = evaluate(inventory, checks)
    assert checks and findings
    assert {(f.check_id, f.status.value) for f in findings} == {(c.id, "PASS") for c in checks}
    text = (ROOT / "Dockerfile").read_text()
    assert all("@sha256:" in line for line in text.splitlines() if line.startswith("FROM python"))


@pytest.mark.parametrize(("env", "extra", "expected"), [
    ({}, [], ["audit"]),
    ({"CARDAUDIT_ACCOUNTS": "organization", "CARDAUDIT_ROLE_NAME": "cardaudit-audit", "CARDAUDIT_SHARD": "2/5",
      "CARDAUDIT_OUTPUT_DIR": "s3://b/runs/x/", "CARDAUDIT_EXTERNAL_ID": "", "CARDAUDIT_AWS_VERDICTS": "false",
      "CARDAUDIT_REPOS": "app=/src/app, infra=/src/infra"}, ["--checks", "ecr_*"],
     ["audit", "--accounts", "organization", "--role-name", "cardaudit-audit", "--shard", "2/5", "--output-dir",
      "s3://b/runs/x/", "--repo", "app=/src/app", "--repo", "infra=/src/infra", "--no-aws-verdicts",
      "--checks", "ecr_*"]),
    ({"CARDAUDIT_COMMAND": "merge", "CARDAUDIT_MERGE_FROM": "s3://b/runs/x/shards/ extra.json",
      "CARDAUDIT_OUTPUT_DIR": "s3://b/runs/x/", "CARDAUDIT_SHARD": "2/5"}, [],
     ["merge", "s3://b/runs/x/shards/", "extra.json", "--output-dir", "s3://b/runs/x/"]),
])
def test_the_entrypoint_maps_the_environment(env: dict[str, str], extra: list[str], expected: list[str]) -> None:
    assert argv(env, extra) == expected
