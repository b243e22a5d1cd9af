"""Every ownership gap kind, from small ownership files and inventories: FAIL, PASS and NOT_ASSESSED."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from cardaudit.models.base import Severity, Status
from cardaudit.models.finding import Finding, ResourceRef
from cardaudit.models.inventory import (
    CollectionError,
    EcrRepository,
    Inventory,
    LambdaFunction,
    RepoFile,
    Scope,
)
from cardaudit.ownership.iac import load_iac
from cardaudit.ownership.load import load_ownership
from cardaudit.ownership.resolve import Resolver
from cardaudit.ownership.stage import ownership_stage
from tests.conftest import outcomes

ACCOUNT = "111122223333"
TODAY = date(2026, 11, 26)
HEAD = """\
version: 1
teams:
  app: {name: App}
  infra: {name: Infra}
external:
  aws: {evidence: "AWS PCI DSS AOC, AWS Artifact 2026-09", reviewed: 2026-09-10}
  hsm-vendor: {}
settings:
  review_every: 180d
  iac_sources:
    - {tool: pulumi, stack: infra/prod, state: state.json}
"""
STATE = ('{"version": 3, "deployment": {"resources": ['
         '{"urn": "u1", "type": "aws:lambda/function:Function", "id": "card-events-consumer"},'
         '{"urn": "u2", "type": "aws:ecr/repository:Repository", "id": "card-api",'
         ' "outputs": {"arn": "arn:aws:ecr:eu-west-1:111122223333:repository/card-api"}}]}}')


def _repo(name: str, tags: dict[str, str] | None = None) -> EcrRepository:
    return EcrRepository(arn=f"arn:aws:ecr:eu-west-1:{ACCOUNT}:repository/{name}", account=ACCOUNT, region="eu-west-1",
                         name=name, tags=tags or {}, scan_on_push=True, tag_mutability="IMMUTABLE",
                         encryption_type="AES256")


def _lambda(name: str, tags: dict[str, str]) -> LambdaFunction:
    return LambdaFunction(arn=f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:{name}", account=ACCOUNT,
                          region="eu-west-1", name=name, tags=tags)


def _inventory(*resources: Any, errors: list[CollectionError] | None = None,
               repo_files: list[RepoFile] | None = None) -> Inventory:
    scope = [Scope(account=ACCOUNT, region="eu-west-1")]
    return Inventory.model_validate({
        "collected_at": datetime.now(UTC), "accounts": [ACCOUNT], "regions": ["eu-west-1"],
        "ecr_repositories": {"items": [r for r in resources if isinstance(r, EcrRepository)], "scopes": scope,
                             "errors": errors or []},
        "lambda_functions": {"items": [r for r in resources if isinstance(r, LambdaFunction)], "scopes": scope},
        "repos": sorted({f.repo for f in repo_files or []}), "repo_files": repo_files or [],
    })


def _run(tmp_path: Path, rules: str, inventory: Inventory, findings: list[Finding] | None = None,
         requirement_ids: list[str] | None = None) -> list[Finding]:
    (tmp_path / "state.json").write_text(STATE)
    path = tmp_path / "ownership.yaml"
    path.write_text(HEAD + rules)
    loaded = load_ownership(path)
    resolver = Resolver(loaded, load_iac(loaded.model.settings.iac_sources, {}, tmp_path))
    ids = requirement_ids or []
    return ownership_stage(findings or [], inventory, resolver, ids, set(ids), TODAY)


def _of(check: str, findings: list[Finding]) -> set[tuple[str, str]]:
    return outcomes([f for f in findings if f.check_id == f"ownership_{check}"])


RULES = """\
resources:
  - {id: platform, match: {iac: {tool: pulumi, stack: infra/prod}}, primary: infra, reviewed: 2026-10-01}
  - {id: app-lambdas, match: {type: AWS::Lambda::Function, tags: {team: app}}, primary: app, priority: 60,
     reviewed: 2025-01-15}
  - {id: repos, match: {type: AWS::ECR::Repository}, primary: app}
  - {id: vpcs, match: {type: AWS::EC2::VPC}, primary: infra}
  - {id: card-api-repo, match: {arn: "arn:aws:ecr:eu-west-1:111122223333:repository/card-*"}, primary: infra}
  - {id: never-wins, match: {account: "111122223333", region: eu-west-1}, primary: infra}
  - {id: old-team, match: {tags: {team: payments}}, primary: app}
artifacts:
  - {id: dockerfiles, repo: acme/card-api, path: "**/Dockerfile", primary: app}
  - {id: other-repo, repo: acme/elsewhere, path: "*", primary: app}
requirements:
  - {id: "10.*", primary: infra}
  - {id: "9.*", responsibility: shared, tpsp: aws, primary: infra}
  - {id: "9.5.*", responsibility: tpsp, tpsp: hsm-vendor, primary: infra}
  - {id: "4.*", responsibility: shared, primary: infra}
"""


def test_double_managed_contested_and_tags(tmp_path: Path) -> None:
    inventory = _inventory(_lambda("card-events-consumer", {"team": "app", "aws:cloudformation:stack-name": "api",
                                                            "lambda:createdBy": "SAM"}),
                           _repo("card-api", {"team": "app"}), _repo("ops-tool", {"team": "app"}),
                           _repo("ledger", {"team": "data"}))
    found = _run(tmp_path, RULES, inventory)
    assert _of("iac_double_managed", found) == {("card-events-consumer", "FAIL"), ("card-api", "PASS")}
    # Contested is reported only where it happens; the others have one owner (their unowned PASS).
    assert _of("resource_contested", found) == {("card-events-consumer", "FAIL")}
    assert _of("resource_unowned", found) == {("card-api", "PASS"), ("ops-tool", "PASS"), ("ledger", "PASS")}
    assert _of("tag_mismatch", found) == {("card-events-consumer", "NOT_ASSESSED"), ("card-api", "FAIL"),
                                          ("ops-tool", "PASS"), ("ledger", "FAIL")}


def test_stale_shadowed_review_and_tpsp(tmp_path: Path) -> None:
    files = [RepoFile(repo="acme/card-api", path="Dockerfile", kind="dockerfile"),
             RepoFile(repo="acme/card-api", path="README.md", kind="other")]
    found = _run(tmp_path, RULES, _inventory(_repo("card-api"), _repo("ops-tool"), repo_files=files),
                 requirement_ids=["10.2.1", "9.4.1", "9.5.1", "4.2.1"])
    assert _of("stale_rule", found) == {
        ("app-lambdas", "FAIL"), ("old-team", "FAIL"),
        ("vpcs", "NOT_ASSESSED"),  # cardaudit does not collect VPCs: cannot call it stale
        ("other-repo", "NOT_ASSESSED"),  # that repository was not given
    }
    assert _of("shadowed_rule", found) == {("never-wins", "FAIL"), ("platform", "FAIL")}
    assert _of("review_overdue", found) == {("platform", "PASS"), ("app-lambdas", "FAIL"), ("aws", "PASS"),
                                            ("hsm-vendor", "FAIL")}
    assert _of("tpsp_unevidenced", found) == {("9.*", "PASS"), ("9.5.*", "FAIL"), ("4.*", "FAIL")}


def test_stale_is_not_assessed_when_the_inventory_is_incomplete(tmp_path: Path) -> None:
    error = CollectionError(service="ecr", operation="DescribeRepositories", code="AccessDenied", message="",
                            account=ACCOUNT, region="eu-west-1")
    found = _run(tmp_path, RULES, _inventory(errors=[error]))
    assert ("old-team", "NOT_ASSESSED") in _of("stale_rule", found)


def test_every_rule_gap_has_its_own_finding_id(tmp_path: Path) -> None:
    """Rules of one file share its path: each finding is still told apart by its section and rule id."""
    rules = RULES.replace("requirements:\n", "  - {id: docs, repo: acme/card-api, path: \"docs/*\", primary: ghost}\n"
                          "requirements:\n") + "  - {id: \"8.*\", responsibility: tpsp, tpsp: nobody, primary: ghost}\n"
    rules = rules.replace("primary: app}", "primary: app, reviewed: 2025-01-01}")  # several overdue rules
    files = [RepoFile(repo="acme/card-api", path="Dockerfile", kind="dockerfile")]
    found = _run(tmp_path, rules, _inventory(_repo("card-api"), _repo("ops-tool"), repo_files=files),
                 requirement_ids=["10.2.1", "9.4.1", "9.5.1", "4.2.1", "8.2.1"])
    ids = [f.id for f in found]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert _of("review_overdue", found) == {
        ("platform", "PASS"), ("app-lambdas", "FAIL"), ("repos", "FAIL"), ("old-team", "FAIL"),
        ("dockerfiles", "FAIL"), ("other-repo", "FAIL"), ("aws", "PASS"), ("hsm-vendor", "FAIL")}
    # `8.*` names an unknown team and an unknown third party.
    assert {(f.resource.field, f.status.value) for f in found if f.check_id == "ownership_unknown_team"} == {
        ("artifacts.docs", "FAIL"), ("requirements.8.*", "FAIL"), ("requirements.8.*.tpsp", "FAIL")}


def test_every_finding_of_the_demo_has_its_own_id(demo_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    _, out = demo_run
    ids = [f["id"] for f in json.loads((out / "report.json").read_text())["findings"]]
    assert ids and len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def test_failing_controls_without_owner(tmp_path: Path) -> None:
    def control(name: str, status: Status) -> Finding:
        ref = _repo(name).ref()
        return Finding(id=Finding.make_id("c", ref), check_id="ecr_repository_scan_on_push_enabled", status=status,
                       severity=Severity.HIGH, resource=ref, reason="r")

    rules = "resources:\n  - {id: card, match: {arn: \"arn:aws:ecr:eu-west-1:111122223333:repository/card-*\"}, " \
            "primary: infra}\n"
    inventory = _inventory(_repo("card-api"), _repo("ledger"), _repo("ops"))
    found = _run(tmp_path, rules, inventory, [control("card-api", Status.FAIL), control("ledger", Status.FAIL),
                                              control("ops", Status.PASS)])
    assert _of("failing_control_unowned", found) == {("ledger", "FAIL")}
    routed = {f.resource.name: f.owner for f in found if f.kind == "control"}
    assert routed == {"card-api": "infra", "ledger": None, "ops": None}
    clean = _run(tmp_path, rules, inventory, [control("card-api", Status.FAIL)])
    assert _of("failing_control_unowned", clean) == {("failing-controls", "PASS")}


def test_artifacts_unowned(tmp_path: Path) -> None:
    files = [RepoFile(repo="acme/card-api", path="svc/Dockerfile", kind="dockerfile"),
             RepoFile(repo="acme/card-api", path="buildspec.yml", kind="buildspec"),
             RepoFile(repo="acme/card-api", path="docs/index.md", kind="other")]
    found = _run(tmp_path, RULES, _inventory(repo_files=files))
    assert _of("resource_unowned", found) == {("svc/Dockerfile", "PASS"), ("buildspec.yml", "FAIL")}
    unowned = next(f for f in found if f.resource.name == "buildspec.yml" and f.check_id.endswith("unowned"))
    assert unowned.resource == ResourceRef(type="Repo::buildspec", id="acme/card-api:buildspec.yml",
                                           name="buildspec.yml", repo="acme/card-api", path="buildspec.yml")


def test_aws_managed_resources_need_no_team(tmp_path: Path) -> None:
    from cardaudit.models.inventory import IamRole, KmsKey

    def key(name: str, manager: str) -> KmsKey:
        return KmsKey(arn=f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/{name}", account=ACCOUNT, region="eu-west-1",
                      name=name, key_id=name, key_manager=manager, key_spec="SYMMETRIC_DEFAULT",
                      key_usage="ENCRYPT_DECRYPT", key_state="Enabled")

    def role(name: str, path: str) -> IamRole:
        return IamRole(arn=f"arn:aws:iam::{ACCOUNT}:role{path}{name}", account=ACCOUNT, region="global",
                       name=name, path=path)

    inventory = Inventory.model_validate({
        "collected_at": datetime.now(UTC), "accounts": [ACCOUNT], "regions": ["eu-west-1"],
        "kms_keys": {"items": [key("alias/aws/s3", "AWS"), key("alias/cards-data", "CUSTOMER")],
                     "scopes": [Scope(account=ACCOUNT, region="eu-west-1")]},
        "iam_roles": {"items": [role("AWSServiceRoleForECS", "/aws-service-role/ecs.amazonaws.com/"),
                                role("deployer", "/")], "scopes": [Scope(account=ACCOUNT, region="global")]},
    })
    found = _run(tmp_path, "resources: []\n", inventory)
    assert _of("resource_unowned", found) == {("alias/cards-data", "FAIL"), ("deployer", "FAIL")}


def test_unmanaged(tmp_path: Path) -> None:
    head_allow = "  unmanaged_allowed:\n    - {type: AWS::Lambda::Function, reason: \"deployed by the SAM pipeline\"}\n"
    inventory = _inventory(_repo("card-api"), _repo("ops-tool"), _lambda("fx-rates", {}))
    (tmp_path / "state.json").write_text(STATE)
    path = tmp_path / "ownership.yaml"
    path.write_text(HEAD + head_allow + RULES)
    loaded = load_ownership(path)
    resolver = Resolver(loaded, load_iac(loaded.model.settings.iac_sources, {}, tmp_path))
    found = ownership_stage([], inventory, resolver, [], set(), TODAY)
    # card-api is in the Pulumi state: managed, so no unmanaged result (double management is checked apart).
    assert _of("resource_unmanaged", found) == {("ops-tool", "FAIL"), ("fx-rates", "PASS")}
    (tmp_path / "state.json").unlink()
    blind = Resolver(loaded, load_iac(loaded.model.settings.iac_sources, {}, tmp_path))
    found = ownership_stage([], inventory, blind, [], set(), TODAY)
    assert _of("resource_unmanaged", found) == {("card-api", "NOT_ASSESSED"), ("ops-tool", "NOT_ASSESSED"),
                                       ("fx-rates", "PASS")}


def test_unreadable_tags_never_turn_a_contest_into_a_pass(tmp_path: Path) -> None:
    """lambda:ListTags failing drops the SAM stack tag: the double management and the contest it causes
    become NOT_ASSESSED with the reason, never PASS."""
    from cardaudit.models.inventory import Unknown

    blind = Unknown(operation="lambda:ListTags", code="AccessDenied")
    inventory = _inventory(_lambda("card-events-consumer", {}).model_copy(update={"tags": blind}),
                           _repo("card-api", {"team": "app"}))
    found = _run(tmp_path, RULES, inventory)
    assert _of("iac_double_managed", found) == {("card-events-consumer", "NOT_ASSESSED"), ("card-api", "PASS")}
    assert _of("resource_contested", found) == {("card-events-consumer", "NOT_ASSESSED")}
    assert _of("resource_unowned", found) == {("card-events-consumer", "NOT_ASSESSED"), ("card-api", "PASS")}
    unowned = next(f for f in found if f.check_id == "ownership_resource_unowned"
                   and f.resource.name == "card-events-consumer")
    assert "tags could not be read" in unowned.reason and "app-lambdas" in unowned.reason
    # An exact-ARN rule outranks anything tags could add: then the answer stands.
    exact = RULES.replace("  - {id: vpcs,", '  - {id: exact, match: {arn: "arn:aws:lambda:eu-west-1:111122223333:'
                                             'function:card-events-consumer"}, primary: infra}\n  - {id: vpcs,')
    found = _run(tmp_path, exact, inventory)
    assert ("card-events-consumer", "PASS") in _of("resource_unowned", found)


def test_blind_scopes_and_incomplete_inventories_are_not_assessed(tmp_path: Path) -> None:
    """With the inventory blind somewhere, ownership checks that would PASS vacuously are NOT_ASSESSED."""
    error = CollectionError(service="ecr", operation="DescribeRepositories", code="AccessDenied", message="",
                            account=ACCOUNT, region="eu-west-1")
    control = Finding(id="x1", check_id="buildspec_image_scan_gates_push", status=Status.FAIL,
                      severity=Severity.HIGH, resource=ResourceRef(type="Repo::buildspec", id="acme/card-api:b.yml",
                                                                   repo="acme/card-api", path="b.yml"), reason="r")
    files = [RepoFile(repo="acme/card-api", path="b.yml", kind="buildspec")]
    rules = RULES.replace("artifacts:\n", "artifacts:\n  - {id: buildspecs, repo: acme/card-api, path: b.yml, "
                                           "primary: infra}\n")
    found = _run(tmp_path, rules, _inventory(errors=[error], repo_files=files), findings=[control])
    assert _of("resource_unowned", found) >= {("*@eu-west-1", "NOT_ASSESSED")}
    assert _of("failing_control_unowned", found) == {("failing-controls", "NOT_ASSESSED")}
    assert {s for _, s in _of("shadowed_rule", found)} <= {"NOT_ASSESSED"}
    complete = _run(tmp_path, rules, _inventory(repo_files=files), findings=[control])
    assert _of("failing_control_unowned", complete) == {("failing-controls", "PASS")}


def test_a_rule_on_unread_tags_is_not_called_stale(tmp_path: Path) -> None:
    """A tag rule that matches nothing only because a resource's tags could not be read is NOT_ASSESSED."""
    from cardaudit.models.inventory import Unknown

    blind = Unknown(operation="lambda:ListTags", code="AccessDenied")
    inventory = _inventory(_lambda("card-events-consumer", {}).model_copy(update={"tags": blind}),
                           _repo("card-api", {"team": "app"}))
    found = _run(tmp_path, RULES, inventory)
    stale = {f.resource.id: f for f in found if f.check_id == "ownership_stale_rule"}
    assert stale["app-lambdas"].status == Status.NOT_ASSESSED
    assert "tags or IaC state could not be read" in stale["app-lambdas"].reason
    readable = _run(tmp_path, RULES, _inventory(_lambda("card-events-consumer", {}), _repo("card-api")))
    assert {f.resource.id: f.status for f in readable if f.check_id == "ownership_stale_rule"}["app-lambdas"] == (
        Status.FAIL)


def test_a_failure_whose_owner_unread_state_could_name_is_not_unrouted(tmp_path: Path) -> None:
    """Without the Pulumi state, a failing resource the state would assign is 'owner unknown', not 'nobody'."""
    failing = Finding(id="f", check_id="ecr_repository_scan_on_push_enabled", status=Status.FAIL,
                      severity=Severity.HIGH, resource=_repo("card-api").ref(), reason="r")
    rules = RULES.replace("  - {id: repos, match: {type: AWS::ECR::Repository}, primary: app}\n", "").replace(
        "  - {id: card-api-repo,", "  - {id: unused-glob,").replace("repository/card-*", "repository/zz-*").replace(
        "  - {id: never-wins, match: {account: \"111122223333\", region: eu-west-1}, primary: infra}\n", "")
    found = _run(tmp_path, rules, _inventory(_repo("card-api")), findings=[failing])
    assert _of("failing_control_unowned", found) == {("failing-controls", "PASS")}  # the state assigns it
    (tmp_path / "state.json").unlink()
    path = tmp_path / "ownership.yaml"
    loaded = load_ownership(path)
    resolver = Resolver(loaded, load_iac(loaded.model.settings.iac_sources, {}, tmp_path / "elsewhere"))
    blind = ownership_stage([failing], _inventory(_repo("card-api")), resolver, [], set(), TODAY)
    assert _of("failing_control_unowned", blind) == {("card-api", "NOT_ASSESSED")}
