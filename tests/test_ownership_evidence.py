"""Ownership evidence sources: SAM/CloudFormation templates, live stacks, Pulumi and Terraform state,
CODEOWNERS; missing evidence is NOT_ASSESSED, never FAIL or PASS."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from cardaudit.models.aws.cloudformation import CloudFormationStack, StackResource
from cardaudit.models.finding import Finding
from cardaudit.models.inventory import CollectionError, Inventory, LambdaFunction, RepoFile, SqsQueue
from cardaudit.ownership.build import build_resolver
from cardaudit.ownership.codeowners import parse_codeowners
from cardaudit.ownership.stage import ownership_stage
from tests.conftest import Aws

ACCOUNT = "111122223333"
REGION = "eu-west-1"
TODAY = date(2026, 11, 26)
FN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:card-events-consumer"
SCOPE = [{"account": ACCOUNT, "region": REGION}]

HEAD = """\
version: 1
teams:
  app: {name: App, handles: ["@acme/app"]}
  infra: {name: Infra, handles: ["@acme/infra"]}
settings:
  review_every: 3650d
"""
RULES = """\
resources:
  - {id: platform-stack, match: {iac: {tool: pulumi, stack: infra/prod}}, primary: infra}
  - {id: app-lambdas, match: {type: AWS::Lambda::Function, tags: {team: app}}, primary: app, priority: 60}
artifacts:
  - {id: api-files, repo: acme/card-api, path: "**", primary: app}
  - {id: shared-buildspec, repo: acme/card-api, path: buildspec.yml, primary: infra}
"""
PULUMI = {"version": 3, "deployment": {"resources": [
    {"urn": "u1", "type": "aws:lambda/function:Function", "id": "card-events-consumer",
     "outputs": {"arn": FN}}]}}
TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  CardEventsConsumerFunction:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: card-events-consumer
  EventsQueue:
    Type: AWS::SQS::Queue
"""
SAMCONFIG = '[prod.deploy.parameters]\nstack_name = "card-events-consumer"\n'
TFSTATE = {"version": 4, "terraform_version": "1.9.0", "resources": [
    {"module": "module.events", "mode": "managed", "type": "aws_lambda_function", "name": "consumer",
     "instances": [{"attributes": {"arn": FN, "id": "card-events-consumer"}}]}]}


def _lambda(tags: dict[str, str] | None = None) -> LambdaFunction:
    return LambdaFunction(arn=FN, account=ACCOUNT, region=REGION, name="card-events-consumer",
                          tags={"team": "app"} if tags is None else tags)


def _inventory(*resources: Any, stacks: list[CloudFormationStack] | None = None, stacks_read: bool = True,
               stack_errors: list[CollectionError] | None = None,
               repo_files: list[RepoFile] | None = None) -> Inventory:
    return Inventory.model_validate({
        "collected_at": datetime.now(UTC), "accounts": [ACCOUNT], "regions": [REGION],
        "lambda_functions": {"items": [r for r in resources if isinstance(r, LambdaFunction)], "scopes": SCOPE},
        "sqs_queues": {"items": [r for r in resources if isinstance(r, SqsQueue)], "scopes": SCOPE},
        "cloudformation_stacks": {"items": stacks or [], "scopes": SCOPE if stacks_read else [],
                                  "errors": stack_errors or []},
        "repos": sorted({f.repo for f in repo_files or []}), "repo_files": repo_files or [],
    })


def _repo(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "card-api"
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def _run(tmp_path: Path, sources: list[str], inventory: Inventory, repos: dict[str, Path] | None = None,
         rules: str = RULES) -> list[Finding]:
    path = tmp_path / "ownership.yaml"
    path.write_text(HEAD + f"  iac_sources: [{', '.join(sources)}]\n" + rules)
    resolver = build_resolver(path, repos or {}, inventory)
    return ownership_stage([], inventory, resolver, [], set(), TODAY)


def _of(findings: list[Finding], check: str) -> set[tuple[str, str]]:
    return {(f.resource.name or f.resource.id, f.status.value) for f in findings
            if f.check_id == f"ownership_{check}"}


def _reason(findings: list[Finding], check: str, name: str = "card-events-consumer") -> str:
    return next(f.reason for f in findings if f.check_id == f"ownership_{check}" and f.resource.name == name
                and f.resource.type != "AWS::CloudFormation::Stack")


SAM = "{tool: sam, repo: acme/card-api, template: template.yaml}"
PULUMI_SOURCE = "{tool: pulumi, stack: infra/prod, state: state.json}"
LIVE = "{tool: cloudformation}"


def test_template_and_state_alone_find_the_lambda_double_managed_and_contested(tmp_path: Path) -> None:
    (tmp_path / "state.json").write_text(json.dumps(PULUMI))
    root = _repo(tmp_path, {"template.yaml": TEMPLATE, "samconfig.toml": SAMCONFIG})
    # No stack tags on the function, no live stack: the template and the state export decide.
    found = _run(tmp_path, [PULUMI_SOURCE, SAM], _inventory(_lambda()), {"acme/card-api": root})
    assert _of(found, "iac_double_managed") == {("card-events-consumer", "FAIL")}
    assert _of(found, "resource_contested") == {("card-events-consumer", "FAIL")}
    reason = _reason(found, "iac_double_managed")
    assert "pulumi:infra/prod (state.json:1)" in reason
    assert "sam:card-events-consumer (acme/card-api:template.yaml:3)" in reason


def test_live_stack_alone_finds_the_lambda_double_managed_and_contested(tmp_path: Path) -> None:
    (tmp_path / "state.json").write_text(json.dumps(PULUMI))
    stack = CloudFormationStack(
        arn=f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/card-events-consumer/1", account=ACCOUNT,
        region=REGION, name="card-events-consumer",
        resources=[StackResource(logical_id="CardEventsConsumerFunction", type="AWS::Lambda::Function",
                                 physical_id="card-events-consumer")])
    found = _run(tmp_path, [PULUMI_SOURCE, LIVE], _inventory(_lambda(), stacks=[stack]))
    assert _of(found, "iac_double_managed") == {("card-events-consumer", "FAIL"), ("card-events-consumer", "PASS")}
    assert "stack card-events-consumer (eu-west-1, live)" in _reason(found, "iac_double_managed")
    assert _of(found, "resource_contested") == {("card-events-consumer", "FAIL")}


def test_live_stack_claims_physical_ids_collected_from_moto(aws: Aws, tmp_path: Path) -> None:
    aws.client("cloudformation").create_stack(StackName="card-queues", TemplateBody=json.dumps({
        "Resources": {"Dlq": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "card-events-dlq"}}}}))
    inventory = aws.collect("cloudformation", "sqs")
    stack = next(s for s in inventory.cloudformation_stacks.items if s.name == "card-queues")
    assert isinstance(stack.resources, list) and [r.type for r in stack.resources] == ["AWS::SQS::Queue"]
    found = _run(tmp_path, [LIVE], inventory, rules="resources: []\n")
    assert ("card-events-dlq", "PASS") in _of(found, "iac_double_managed")
    assert "card-events-dlq" not in {name for name, _ in _of(found, "resource_unmanaged")}


def test_terraform_state_claims_by_arn_with_its_address(tmp_path: Path) -> None:
    (tmp_path / "state.json").write_text(json.dumps(PULUMI))
    (tmp_path / "terraform.tfstate").write_text(json.dumps(TFSTATE, indent=1))
    found = _run(tmp_path, [PULUMI_SOURCE, "{tool: terraform, state: terraform.tfstate}"], _inventory(_lambda()))
    assert _of(found, "iac_double_managed") == {("card-events-consumer", "FAIL")}
    assert "module.events.aws_lambda_function.consumer" in _reason(found, "iac_double_managed")


def test_generated_names_are_predicted_from_the_samconfig_stack(tmp_path: Path) -> None:
    root = _repo(tmp_path, {"template.yaml": TEMPLATE, "samconfig.toml": SAMCONFIG})
    queue = SqsQueue(arn=f"arn:aws:sqs:{REGION}:{ACCOUNT}:card-events-consumer-EventsQueue-1A2B3C", account=ACCOUNT,
                     region=REGION, name="card-events-consumer-EventsQueue-1A2B3C", url="https://q")
    found = _run(tmp_path, [SAM], _inventory(queue), {"acme/card-api": root}, rules="resources: []\n")
    assert _of(found, "iac_double_managed") == {("card-events-consumer-EventsQueue-1A2B3C", "PASS")}
    assert "predicted name card-events-consumer-EventsQueue-*" in _reason(
        found, "iac_double_managed", "card-events-consumer-EventsQueue-1A2B3C")


# Each evidence source absent, unreadable and malformed: the gaps that depend on it are NOT_ASSESSED.
def _pulumi(tmp_path: Path, how: str) -> tuple[list[str], dict[str, Path], Inventory]:
    if how == "unreadable":
        (tmp_path / "state.json").mkdir()
    elif how == "malformed":
        (tmp_path / "state.json").write_text('{"deployment": ')
    return [PULUMI_SOURCE], {}, _inventory(_lambda())


def _terraform(tmp_path: Path, how: str) -> tuple[list[str], dict[str, Path], Inventory]:
    if how == "unreadable":
        (tmp_path / "terraform.tfstate").mkdir()
    elif how == "malformed":
        (tmp_path / "terraform.tfstate").write_text(json.dumps({"version": 3, "modules": []}))
    return ["{tool: terraform, state: terraform.tfstate}"], {}, _inventory(_lambda())


def _template(tmp_path: Path, how: str) -> tuple[list[str], dict[str, Path], Inventory]:
    repos = {} if how == "absent" else {"acme/card-api": _repo(tmp_path, {"README.md": "x"})}
    if how == "unreadable":
        (repos["acme/card-api"] / "template.yaml").mkdir()
    elif how == "malformed":
        (repos["acme/card-api"] / "template.yaml").write_text("Resources: [unclosed\n")
    return [SAM], repos, _inventory(_lambda())


def _samconfig(tmp_path: Path, how: str) -> tuple[list[str], dict[str, Path], Inventory]:
    # Without a stack name, the names of the unnamed queue cannot be predicted; unreadable or bad TOML: unknown.
    files = {"template.yaml": TEMPLATE}
    if how == "malformed":
        files["samconfig.toml"] = "[prod.deploy.parameters\n"
    root = _repo(tmp_path, files)
    if how == "unreadable":
        (root / "samconfig.toml").write_bytes(b"\xff\xfe not utf-8")
    queue = SqsQueue(arn=f"arn:aws:sqs:{REGION}:{ACCOUNT}:card-events-consumer", account=ACCOUNT, region=REGION,
                     name="card-events-consumer", url="https://q")
    return [SAM], {"acme/card-api": root}, _inventory(queue)


def _live(tmp_path: Path, how: str) -> tuple[list[str], dict[str, Path], Inventory]:
    if how == "absent":
        return [LIVE], {}, _inventory(_lambda(), stacks_read=False)
    code = "AccessDenied" if how == "unreadable" else "BadResponse"
    error = CollectionError(service="cloudformation", operation="DescribeStacks", code=code, message="",
                            account=ACCOUNT, region=REGION)
    return [LIVE], {}, _inventory(_lambda(), stack_errors=[error])


SOURCES = {"pulumi": _pulumi, "terraform": _terraform, "template": _template, "samconfig": _samconfig,
           "live": _live}


@pytest.mark.parametrize("how", ["absent", "unreadable", "malformed"])
@pytest.mark.parametrize("source", sorted(SOURCES))
def test_missing_iac_evidence_is_not_assessed(tmp_path: Path, source: str, how: str) -> None:
    sources, repos, inventory = SOURCES[source](tmp_path, how)
    found = _run(tmp_path, sources, inventory, repos, rules="resources: []\n")
    if source == "samconfig" and how == "absent":
        # No samconfig.toml is allowed (no stack name); what it cannot predict is said, not guessed.
        assert "generated names cannot be predicted" in _reason(found, "iac_double_managed")
        path = tmp_path / "ownership.yaml"
        missing = [e for e in build_resolver(path, repos, inventory).evidence if not e.read and e.kind == "iac"]
        assert [e.fix for e in missing] == ["set `stack:` on this source in ownership.yaml, or stack_name in "
                                            "samconfig.toml"]
    # A denied DescribeStacks also blinds the scope itself (resource "*"): NOT_ASSESSED there too.
    scope = {("*", "NOT_ASSESSED")} if source == "live" and how != "absent" else set()
    assert _of(found, "iac_double_managed") == {("card-events-consumer", "NOT_ASSESSED")} | scope
    assert _of(found, "resource_unmanaged") == {("card-events-consumer", "NOT_ASSESSED")} | scope


@pytest.mark.parametrize("how", ["absent", "unreadable", "malformed"])
def test_a_rule_on_an_unread_source_is_not_stale(tmp_path: Path, how: str) -> None:
    sources, repos, inventory = _pulumi(tmp_path, how)
    found = _run(tmp_path, sources, inventory, repos, rules=RULES.split("artifacts:")[0])
    assert ("platform-stack", "NOT_ASSESSED") in _of(found, "stale_rule")
    assert not {s for _, s in _of(found, "stale_rule")} & {"FAIL"}


def test_undeclared_repository_evidence_is_named_in_the_report_summary(tmp_path: Path) -> None:
    path = tmp_path / "ownership.yaml"
    path.write_text(HEAD + f"  iac_sources: [{SAM}]\n" + RULES)
    resolver = build_resolver(path, {}, _inventory(_lambda()))
    missing = [e for e in resolver.evidence if not e.read]
    assert [(e.source, e.fix) for e in missing] == [
        ("sam (acme/card-api:template.yaml)", "pass --repo acme/card-api=PATH (a checkout of that repository)")]


# CODEOWNERS: last matching line wins; disagreement names both lines; missing evidence is NOT_ASSESSED.
API_FILES = [RepoFile(repo="acme/card-api", path="buildspec.yml", kind="buildspec"),
             RepoFile(repo="acme/card-api", path="Dockerfile", kind="dockerfile"),
             RepoFile(repo="acme/card-api", path="deploy/prod/taskdef.json", kind="taskdef")]
CODEOWNERS = """\
# reviews
*                   @acme/app
/deploy/            @acme/contractors
buildspec.yml       @acme/app
"""


def test_codeowners_disagreement_names_both_lines(tmp_path: Path) -> None:
    root = _repo(tmp_path, {".github/CODEOWNERS": CODEOWNERS})
    found = _run(tmp_path, [], _inventory(repo_files=API_FILES), {"acme/card-api": root})
    assert _of(found, "codeowners_disagrees") == {
        ("buildspec.yml", "FAIL"), ("Dockerfile", "PASS"), ("deploy/prod/taskdef.json", "NOT_ASSESSED")}
    reason = _reason(found, "codeowners_disagrees", "buildspec.yml")
    assert "acme/card-api:.github/CODEOWNERS:4" in reason and "ownership.yaml:13" in reason


@pytest.mark.parametrize("how", ["absent", "unreadable", "malformed"])
def test_missing_codeowners_is_not_assessed(tmp_path: Path, how: str) -> None:
    files = {"README.md": "x"} if how == "absent" else {"CODEOWNERS": "*  @acme/app\n"}
    root = _repo(tmp_path, files)
    if how == "unreadable":
        (root / "CODEOWNERS").write_bytes(b"\xff\xfe*  @acme/app")
    elif how == "malformed":
        (root / "CODEOWNERS").write_text("*  @acme/app@acme/infra\n")  # two handles glued: names nobody
    found = _run(tmp_path, [], _inventory(repo_files=API_FILES), {"acme/card-api": root})
    statuses = {s for _, s in _of(found, "codeowners_disagrees")}
    assert statuses == {"NOT_ASSESSED"}


def test_codeowners_last_matching_line_wins() -> None:
    parsed = parse_codeowners("acme/x", "acme/x:CODEOWNERS", "* @a/one\ndocs/* @a/two\n/apps/ @a/three\n/apps/github\n")
    assert [(p, (rule.line, rule.owners) if (rule := parsed.owner_of(p)) else None) for p in
            ("README.md", "docs/a.md", "docs/x/b.md", "apps/x.py", "apps/github")] == [
        ("README.md", (1, ("@a/one",))), ("docs/a.md", (2, ("@a/two",))), ("docs/x/b.md", (1, ("@a/one",))),
        ("apps/x.py", (3, ("@a/three",))), ("apps/github", (4, ()))]


LOOPS = """\
Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]
Resources:
  Fn::ForEach::Queues:
    - Name
    - [a, b]
    - Queue${Name}: {Type: AWS::SQS::Queue}
  Named: {Type: AWS::SQS::Queue, Properties: {QueueName: named-q}}
  Computed: {Type: AWS::SQS::Queue, Properties: {QueueName: !Sub "${AWS::StackName}-q"}}
  Flow: {Type: AWS::Serverless::StateMachine, Properties: {Name: flow}}
  Table: {Type: AWS::Serverless::SimpleTable, Properties: {TableName: {"Fn::Sub": "x"}}}
"""


def test_template_names_are_read_as_the_artifact_parser_reads_them(tmp_path: Path) -> None:
    """Literal names are claimed, computed ones predicted; a loop's templated logical ids name no resource."""
    from cardaudit.models.ownership import IacSource
    from cardaudit.ownership.templates import load_template

    (tmp_path / "template.yaml").write_text(LOOPS)
    (tmp_path / "samconfig.toml").write_text(SAMCONFIG.replace("card-events-consumer", "st"))
    claims = load_template(IacSource(tool="sam", template="template.yaml"), tmp_path / "template.yaml",
                           "template.yaml")
    assert {key: c.where for key, c in claims.names.items()} == {
        ("AWS::SQS::Queue", "named-q"): "template.yaml:7",
        ("AWS::StepFunctions::StateMachine", "flow"): "template.yaml:9"}
    assert {(t, prefix) for t, prefix, _ in claims.prefixes} == {
        ("AWS::SQS::Queue", "st-Computed-"), ("AWS::DynamoDB::Table", "st-Table-")}
