"""Every finding has a routable resource: each collected resource type is asked for an owner, and the
account without a trail is a resource that ownership rules match."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from cardaudit.checks.aws.cloudtrail import no_trail_ref

from cardaudit.models.base import Severity
from cardaudit.models.finding import Finding, Result
from cardaudit.models.inventory import AwsResource, Inventory, Scope, resource_models
from cardaudit.ownership.iac import IacIndex
from cardaudit.ownership.load import load_ownership
from cardaudit.ownership.resolve import Resolver
from cardaudit.ownership.routing import attribute
from cardaudit.ownership.stage import ownership_stage

ACCOUNT = "111122223333"
OWNERSHIP = """\
version: 1
teams:
  infra: {name: Infra}
resources:
  - {id: everything, match: {account: "111122223333"}, primary: infra}
  - {id: no-trail, match: {arn: "arn:aws:cloudtrail::*:trail/<none>"}, primary: infra}
"""


def _one_of_each() -> list[AwsResource]:
    """One resource of every collected type, with only the identity that ownership reads."""
    out = []
    for model in resource_models():
        rt = model.resource_type
        arn = f"arn:aws:{rt.service}:eu-west-1:{ACCOUNT}:{rt.cfn_type.replace('::', '-').lower()}/x"
        given: dict[str, object] = {"arn": arn, "account": ACCOUNT, "region": "eu-west-1", "name": f"{rt.slice}-x",
                                    "tags": {}}
        # Other required details are placeholders: only a type's own `ref()` reads any of them.
        given |= {k: "x" for k, info in model.model_fields.items() if info.is_required() and k not in given}
        out.append(model.model_construct(**given))
    return out


def _resolver(tmp_path: Path) -> Resolver:
    path = tmp_path / "ownership.yaml"
    path.write_text(OWNERSHIP)
    return Resolver(load_ownership(path), IacIndex())


def test_every_collected_resource_type_is_asked_for_an_owner(tmp_path: Path) -> None:
    resources = _one_of_each()
    scope = [Scope(account=ACCOUNT, region="eu-west-1")]
    inventory = Inventory.model_validate({
        "collected_at": datetime.now(UTC), "accounts": [ACCOUNT], "regions": ["eu-west-1"],
        **{m.resource_type.slice: {"items": [], "scopes": scope} for m in resource_models()}})
    # The resources carry only what ownership reads: put them in after validation.
    for model in resource_models():
        getattr(inventory, model.resource_type.slice).items.extend(r for r in resources if type(r) is model)
    found = ownership_stage([], inventory, _resolver(tmp_path), [], set(), date(2026, 11, 30))
    owned = {f.resource.type for f in found if f.check_id == "ownership_resource_unowned" and f.owner == "infra"}
    managed_by_aws = {r.cfn_type for r in resources if r.aws_managed}
    assert owned == {m.resource_type.cfn_type for m in resource_models()} - managed_by_aws
    assert {"AWS::IAM::Group", "AWS::Logs::LogGroup", "AWS::IAM::AccountPasswordPolicy"} <= owned


def test_account_without_a_trail_is_routed_by_its_arn(tmp_path: Path) -> None:
    finding = Finding.of("cloudtrail_multi_region_enabled", Severity.HIGH, "control",
                         Result.failed(no_trail_ref(ACCOUNT), "no trail"))
    inventory = Inventory(collected_at=datetime.now(UTC), accounts=[ACCOUNT], regions=[])
    routed, _ = attribute([finding], inventory, _resolver(tmp_path))
    assert (routed[0].resource.arn, routed[0].owner) == (f"arn:aws:cloudtrail::{ACCOUNT}:trail/<none>", "infra")
