"""From inside a demo output folder, the README's ownership commands give the report's answers.

The folder holds the repositories its inventory was built from, so `owners explain`, `owners list`,
`owners gaps`, `controls list` and an offline re-audit read the same evidence as the run.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cardaudit import cli
from cardaudit.models.aws.cloudformation import CloudFormationStack, StackResource
from cardaudit.models.inventory import Inventory
from cardaudit.ownership.build import build_resolver
from cardaudit.ownership.stage import ownership_stage
from cardaudit.readback import load_inventory

LAMBDA = "arn:aws:lambda:eu-west-1:111122223333:function:card-events-consumer"
LANDING = "arn:aws:s3:::acme-settlement-inbound"
runner = CliRunner()


@pytest.fixture
def inside(demo_run: tuple[subprocess.CompletedProcess[str], Path], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    result, out = demo_run
    assert result.returncode == 0, result.stderr
    monkeypatch.chdir(out)
    report: dict[str, Any] = json.loads((out / "report.json").read_text())
    return report


def _finding(report: dict[str, Any], check: str, arn: str) -> dict[str, Any]:
    return next(f for f in report["findings"] if f["check_id"] == check and f["resource"].get("arn") == arn)


def test_explain_gives_the_reports_answer(inside: dict[str, Any]) -> None:
    contested = runner.invoke(cli.app, ["owners", "explain", LAMBDA])
    assert _finding(inside, "ownership_resource_contested", LAMBDA)["status"] == "FAIL"
    assert contested.exit_code == 1 and "owner: contested" in contested.stdout
    assert "pulumi:infra/prod (acme/platform:iac/infra-prod.json:" in contested.stdout
    assert "sam:card-events-consumer (acme/card-api:template.yaml:31" in contested.stdout
    # The report calls the landing bucket's team undeclared; explain never names it as the owner.
    undeclared = runner.invoke(cli.app, ["owners", "explain", LANDING, "--inventory", "inventory.json"])
    assert "undeclared team 'data'" in _finding(inside, "ownership_resource_unowned", LANDING)["reason"]
    assert undeclared.exit_code == 1 and "owner: data" not in undeclared.stdout
    assert "undeclared team 'data'" in undeclared.stdout


def test_list_and_gaps_give_the_reports_answer(inside: dict[str, Any]) -> None:
    listed = runner.invoke(cli.app, ["owners", "list", "--team", "infra", "--inventory", "inventory.json"])
    assert listed.exit_code == 0, listed.output
    arns = {line.strip() for line in listed.stdout.splitlines() if line.startswith("  arn:")}
    owned = {f["resource"]["arn"] for f in inside["findings"]
             if f["check_id"] == "ownership_resource_unowned" and f["status"] == "PASS" and f["owner"] == "infra"
             and not f["resource"].get("repo")}
    assert arns == owned
    gaps = runner.invoke(cli.app, ["owners", "gaps", "--report", "report.json"])
    expected = [f for f in inside["findings"] if f["kind"] == "ownership" and f["status"] != "PASS"]
    assert f"{len(expected)} gap(s)" in gaps.stdout


def test_controls_list_reads_the_folders_ownership_file(inside: dict[str, Any]) -> None:
    listed = runner.invoke(cli.app, ["controls", "list", "--requirement", "10.2", "--owner", "infra"])
    owners = {r["id"]: r.get("owner") for r in inside["requirements"]}
    assert listed.exit_code == 0 and owners["10.2.1"] == "infra" and "10.2.1" in listed.stdout


def test_offline_reaudit_gives_the_same_report(inside: dict[str, Any], tmp_path: Path) -> None:
    result = runner.invoke(cli.app, ["audit", "--inventory", "inventory.json", "--output-dir", str(tmp_path),
                                     "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    again = json.loads((tmp_path / "report.json").read_text())

    folder = str(Path.cwd().resolve()) + "/"

    def keys(doc: dict[str, Any]) -> set[tuple[Any, ...]]:
        # Rules are shown relative to where a command runs: the demo ran from elsewhere.
        return {(f["check_id"], f["resource"]["type"], f["resource"].get("arn") or f["resource"]["id"],
                 f["status"], f["owner"], f["reason"].replace(folder, "")) for f in doc["findings"]}

    assert keys(again) == keys(inside)
    assert [(r["id"], r["status"]) for r in again["requirements"]] == [
        (r["id"], r["status"]) for r in inside["requirements"]]
    assert "Evidence not read" not in result.stdout


def test_reaudit_warns_when_recorded_evidence_is_missing(
        demo_run: tuple[subprocess.CompletedProcess[str], Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    _, out = demo_run
    # The inventory and the ownership file alone, without the repositories they were built from.
    for name in ("inventory.json", "ownership.yaml"):
        (tmp_path / name).write_bytes((out / name).read_bytes())
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli.app, ["audit", "--inventory", "inventory.json", "--output-dir", "re",
                                     "--format", "json"])
    assert "repository acme/platform recorded at" in result.output and "is missing" in result.output
    assert "Evidence not read" in result.stdout and "--repo acme/platform=PATH" in result.stdout
    again = json.loads((tmp_path / "re" / "report.json").read_text())
    # Missing evidence is never a FAIL: no ownership FAIL that the full report does not have.
    full = json.loads((out / "report.json").read_text())
    failing = {(f["check_id"], f["resource"].get("arn") or f["resource"]["id"]) for f in full["findings"]
               if f["kind"] == "ownership" and f["status"] == "FAIL"}
    new = {(f["check_id"], f["resource"].get("arn") or f["resource"]["id"]) for f in again["findings"]
           if f["kind"] == "ownership" and f["status"] == "FAIL"} - failing
    assert new == set()
    lam = [f["status"] for f in again["findings"] if f["check_id"] == "ownership_iac_double_managed"
           and f["resource"].get("arn") == LAMBDA]
    assert lam == ["NOT_ASSESSED"]


def test_explain_warns_when_recorded_evidence_changed(
        demo_run: tuple[subprocess.CompletedProcess[str], Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    _, out = demo_run
    copy = tmp_path / "moved"  # the folder moved elsewhere: its recorded paths are relative to it
    shutil.copytree(out, copy)
    state = copy / "repos" / "acme" / "platform" / "iac" / "infra-prod.json"
    state.write_text(state.read_text() + "\n")
    monkeypatch.chdir(copy)
    result = runner.invoke(cli.app, ["owners", "explain", LAMBDA])
    assert "acme/platform:iac/infra-prod.json changed since the inventory was saved" in result.output
    assert result.exit_code == 1 and "owner: contested" in result.stdout


def _demo_without_stack_tags(out: Path) -> Inventory:
    """The demo's inventory with the contested Lambda's CloudFormation/SAM tags removed: no stack evidence on it."""
    inventory = load_inventory(out / "inventory.json")
    functions = [f.model_copy(update={"tags": {k: v for k, v in f.tags.items()
                                               if not k.startswith(("aws:cloudformation:", "lambda:createdBy"))}})
                 if f.arn == LAMBDA and isinstance(f.tags, dict) else f for f in inventory.lambda_functions.items]
    return inventory.model_copy(update={"lambda_functions": inventory.lambda_functions.model_copy(
        update={"items": functions})})


def _lambda_gaps(ownership: Path, inventory: Inventory) -> dict[str, tuple[str, str]]:
    resolver = build_resolver(ownership, None, inventory)
    found = ownership_stage([], inventory, resolver, [], set(), inventory.collected_at.date())
    return {f.check_id: (f.status.value, f.reason) for f in found if f.resource.arn == LAMBDA
            and f.check_id in ("ownership_iac_double_managed", "ownership_resource_contested")}


def test_demo_lambda_from_the_template_and_state_alone(
        demo_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    _, out = demo_run
    gaps = _lambda_gaps(out / "ownership.yaml", _demo_without_stack_tags(out))
    assert {k: v[0] for k, v in gaps.items()} == {"ownership_iac_double_managed": "FAIL",
                                                  "ownership_resource_contested": "FAIL"}
    reason = gaps["ownership_iac_double_managed"][1]
    assert "sam:card-events-consumer (acme/card-api:template.yaml:31)" in reason and "pulumi:infra/prod" in reason


def test_demo_lambda_from_the_live_stack_alone(
        demo_run: tuple[subprocess.CompletedProcess[str], Path], tmp_path: Path) -> None:
    _, out = demo_run
    # No template source: only the Pulumi state and the live stack (as DescribeStacks and ListStackResources read it).
    text = (out / "ownership.yaml").read_text()
    assert "    - {tool: sam, repo: acme/card-api, template: template.yaml}\n" in text
    ownership = tmp_path / "ownership.yaml"
    ownership.write_text(text.replace("    - {tool: sam, repo: acme/card-api, template: template.yaml}\n", ""))
    inventory = _demo_without_stack_tags(out)
    stack = CloudFormationStack(
        arn="arn:aws:cloudformation:eu-west-1:111122223333:stack/card-events-consumer/6b1f7c20", account="111122223333",
        region="eu-west-1", name="card-events-consumer", status="UPDATE_COMPLETE",
        resources=[StackResource(logical_id="CardEventsConsumerFunction", type="AWS::Lambda::Function",
                                 physical_id="card-events-consumer")])
    slice_ = inventory.cloudformation_stacks
    inventory = inventory.model_copy(update={"cloudformation_stacks": slice_.model_copy(
        update={"items": [*slice_.items, stack]}), "evidence": inventory.evidence})
    gaps = _lambda_gaps(ownership, inventory)
    assert {k: v[0] for k, v in gaps.items()} == {"ownership_iac_double_managed": "FAIL",
                                                  "ownership_resource_contested": "FAIL"}
    assert "cloudformation:card-events-consumer (stack card-events-consumer (eu-west-1, live))" in gaps[
        "ownership_iac_double_managed"][1]
