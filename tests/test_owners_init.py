"""`cardaudit owners init`: a proposal from tags, stacks, Pulumi state and CODEOWNERS that `owners lint` accepts."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from cardaudit import cli
from cardaudit.demo.run import demo_repos
from cardaudit.models.inventory import Inventory, LambdaFunction, Scope
from cardaudit.ownership.load import load_ownership
from cardaudit.ownership.propose import propose
from tests.conftest import Aws

runner = CliRunner()
ACCOUNT = "111122223333"


def test_init_on_the_demo_inventory_is_accepted_by_lint(
        demo_run: tuple[subprocess.CompletedProcess[str], Path], tmp_path: Path) -> None:
    _, out = demo_run
    repos = demo_repos()
    state = repos["acme/platform"] / "iac" / "infra-prod.json"
    proposal = tmp_path / "ownership.yaml"
    result = runner.invoke(cli.app, [
        "owners", "init", "--inventory", str(out / "inventory.json"), "--pulumi-state", f"infra/prod={state}",
        *(arg for name, path in sorted(repos.items()) for arg in ("--repo", f"{name}={path}")),
        "-o", str(proposal)])
    assert result.exit_code == 0, result.output
    lint = runner.invoke(cli.app, ["owners", "lint", "--ownership", str(proposal)])
    assert lint.exit_code == 0, lint.output
    model = load_ownership(proposal).model
    assert set(model.teams) == {"app", "data", "infra"}
    assert model.settings.owner_tag_keys == ["team"]
    assert {(r.id, r.primary) for r in model.resources} == {
        ("tag-team-app", "app"), ("tag-team-data", "data"), ("tag-team-infra", "infra"),
        ("stack-card-events-consumer", "app")}
    text = proposal.read_text()
    # The Pulumi stack holds resources tagged for three teams: not decided, left as a TODO.
    assert "# TODO: who owns Pulumi stack infra/prod" in text
    assert "#   - {id: \"pulumi-infra-prod\"" not in text and "  # - {id: \"pulumi-infra-prod\"" in text
    assert "# TODO: 3 AWS::IAM::Group with no owner tag and no stack" in text
    # A second run does not overwrite the file.
    again = runner.invoke(cli.app, ["owners", "init", "--inventory", str(out / "inventory.json"), "-o", str(proposal)])
    assert again.exit_code == 2 and "does not overwrite" in again.output


def _inventory(*tags: dict[str, str]) -> Inventory:
    functions = [LambdaFunction(arn=f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:f{i}", account=ACCOUNT,
                                region="eu-west-1", name=f"f{i}", tags=t) for i, t in enumerate(tags)]
    return Inventory.model_validate({
        "collected_at": datetime.now(UTC), "accounts": [ACCOUNT], "regions": ["eu-west-1"],
        "lambda_functions": {"items": functions, "scopes": [Scope(account=ACCOUNT, region="eu-west-1")]}})


def test_codeowners_lines_become_artifact_rules_or_todos(tmp_path: Path) -> None:
    repo = tmp_path / "card-api"
    (repo / ".github").mkdir(parents=True)
    (repo / ".github" / "CODEOWNERS").write_text(
        "# comment\n*  @acme/app\n/deploy/ @acme/infra @acme/app\ndocs/* @alice\n/vendor/\n")
    text = propose(_inventory({"Owner": "payments", "aws:cloudformation:stack-name": "s1"},
                              {"Owner": "risk\nteam: x", "aws:cloudformation:stack-name": "s1"}),
                   {"acme/card-api": repo}, {})
    path = tmp_path / "ownership.yaml"
    path.write_text(text)
    model = load_ownership(path).model
    assert {(a.id, a.repo, a.path, a.primary, tuple(a.supporting)) for a in model.artifacts} == {
        ("codeowners-acme-card-api-2", "acme/card-api", "*", "app", ()),
        ("codeowners-acme-card-api-3", "acme/card-api", "deploy/**", "infra", ("app",))}
    assert set(model.teams) == {"app", "infra", "payments", "risk\nteam: x"}
    assert {t.name: t.handles for t in model.teams.values() if t.handles} == {"app": ["@acme/app"],
                                                                             "infra": ["@acme/infra"]}
    # Two teams claim stack s1 through their tags: a TODO, not a rule; the newline in a tag stays in its quotes.
    assert "stack-s1" not in {r.id for r in model.resources}
    assert "# TODO: who owns CloudFormation stack s1 (2 resources)?" in text
    assert "# TODO: acme/card-api:.github/CODEOWNERS:4 names no team for \"docs/*\" (@alice)" in text
    assert "# TODO: acme/card-api:.github/CODEOWNERS:5 leaves \"/vendor/\" explicitly unowned" in text
    assert model.settings.owner_tag_keys == ["Owner"]


def test_no_control_or_bidi_character_reaches_the_proposal() -> None:
    text = propose(_inventory({"team": "pay\u202emoc.exe"}, {"team": "risk\x1b[2J"}, {}), {}, {})
    assert not {"\u202e", "\x1b"} & set(text)
    assert "pay?moc.exe" in text


def test_init_reads_aws_live_when_no_inventory_is_given(aws: Aws, tmp_path: Path) -> None:
    aws.client("sqs").create_queue(QueueName="card-events", tags={"squad": "cards"})
    proposal = tmp_path / "ownership.yaml"
    result = runner.invoke(cli.app, ["owners", "init", "--regions", "eu-west-1", "-o", str(proposal)])
    assert result.exit_code == 0, result.output
    model = load_ownership(proposal).model
    assert (set(model.teams), model.settings.owner_tag_keys) == ({"cards"}, ["squad"])
    assert {(r.id, r.primary) for r in model.resources} == {("tag-squad-cards", "cards")}


def _tfstate(*functions: tuple[str, str]) -> str:
    """A Terraform state (v4): each function claimed by its ARN or, for `id`, by its name."""
    return json.dumps({"version": 4, "resources": [
        {"mode": "managed", "type": "aws_lambda_function", "name": name, "instances": [{"attributes": {
            "arn": f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:{name}"} if by == "arn" else {"id": name}}]}
        for name, by in functions]}, indent=1)


def test_terraform_state_is_read_like_pulumi_state(tmp_path: Path) -> None:
    (tmp_path / "payments.tfstate").write_text(_tfstate(("f0", "arn"), ("f2", "id")))
    (tmp_path / "shared.tfstate").write_text(_tfstate(("f0", "arn"), ("f1", "id")))
    (tmp_path / "bad.tfstate").write_text('{"version": 3, "resources": []}')
    saved = tmp_path / "inventory.json"
    saved.write_text(_inventory({"Owner": "payments"}, {"Owner": "risk"}, {"Owner": "payments"}).model_dump_json())
    proposal = tmp_path / "out" / "ownership.yaml"
    proposal.parent.mkdir()
    result = runner.invoke(cli.app, [
        "owners", "init", "--inventory", str(saved), "-o", str(proposal),
        *(arg for stack in ("payments", "shared", "bad")
          for arg in ("--terraform-state", f"net/{stack}={tmp_path / f'{stack}.tfstate'}"))])
    assert result.exit_code == 0, result.output
    text = proposal.read_text()
    model = load_ownership(proposal).model
    assert {(s.tool, s.stack, s.state) for s in model.settings.iac_sources} == {
        ("terraform", f"net/{stack}", f"../{stack}.tfstate") for stack in ("payments", "shared", "bad")}
    assert ("terraform-net-payments", "payments") in {(r.id, r.primary) for r in model.resources}
    assert "terraform-net-shared" not in {r.id for r in model.resources}
    assert "# TODO: who owns Terraform stack net/shared (2 resources in this inventory)? owner tags on its " \
           "resources: payments 1, risk 1" in text
    assert f"# TODO: Terraform stack net/bad: {tmp_path / 'bad.tfstate'}:1: not a Terraform state file" in text
    assert "3 Terraform state file(s)." in text.splitlines()[1]
    bad = runner.invoke(cli.app, ["owners", "init", "--inventory", str(saved), "--terraform-state", "net.tfstate"])
    assert bad.exit_code == 2 and "--terraform-state expects STACK=FILE" in bad.output
