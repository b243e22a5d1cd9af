"""The engine's honest-status rules, independent of any one service."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from cardaudit.engine.registry import CheckSpec, load_checks
from cardaudit.engine.runner import evaluate
from cardaudit.models.base import Severity
from cardaudit.models.finding import ResourceRef, Result
from cardaudit.models.inventory import REGION_NOT_ENABLED, CollectionError, EcrRepository, Inventory, Scope
from tests.conftest import outcomes

ACCOUNT = "111122223333"


def _repo(name: str, region: str = "eu-west-1", scan: bool = True) -> EcrRepository:
    return EcrRepository(arn=f"arn:aws:ecr:{region}:{ACCOUNT}:repository/{name}", account=ACCOUNT, region=region,
                         name=name, scan_on_push=scan, tag_mutability="IMMUTABLE", encryption_type="AES256",
                         registry_scan_type="BASIC")


def _inventory(*repos: EcrRepository) -> Inventory:
    return Inventory.model_validate({
        "collected_at": datetime.now(UTC), "accounts": [ACCOUNT], "regions": ["eu-west-1"],
        "ecr_repositories": {"items": list(repos), "scopes": [Scope(account=ACCOUNT, region="eu-west-1")]},
    })


def _boom(repositories: list[EcrRepository]) -> Iterator[Result]:
    yield Result.passed(repositories[0].ref(), "first one is fine")
    raise KeyError("imageScanningConfiguration")


def test_a_raising_check_is_error_for_that_check_only() -> None:
    broken = CheckSpec(id="ecr_broken", title="t", severity=Severity.LOW, category="c",
                       resource_type="AWS::ECR::Repository", needs=("ecr_repositories",), fn=_boom)
    good = load_checks()["ecr_repository_scan_on_push_enabled"]
    findings = evaluate(_inventory(_repo("a"), _repo("b", scan=False)), [broken, good])
    by_check = {spec: outcomes([f for f in findings if f.check_id == spec]) for spec in ("ecr_broken", good.id)}
    assert by_check["ecr_broken"] == {("a", "PASS"), ("ecr_broken", "ERROR")}
    assert by_check[good.id] == {("a", "PASS"), ("b", "FAIL")}
    error = next(f for f in findings if f.status.value == "ERROR")
    assert "KeyError" in error.reason and "test_runner.py" in error.reason


def test_a_slice_never_collected_is_not_assessed() -> None:
    inventory = Inventory(collected_at=datetime.now(UTC), accounts=[ACCOUNT], regions=["eu-west-1"])
    findings = evaluate(inventory, [load_checks()["kms_key_rotation_enabled"]])
    assert outcomes(findings) == {("*", "NOT_ASSESSED")}
    assert "not collected" in findings[0].reason


def test_inventory_round_trips_through_json() -> None:
    inventory = _inventory(_repo("a"), _repo("b", scan=False))
    again = Inventory.model_validate_json(inventory.model_dump_json())
    assert again == inventory
    spec = load_checks()["ecr_repository_scan_on_push_enabled"]
    assert evaluate(again, [spec]) == evaluate(inventory, [spec])


def _regions_seen(account: str, regions: list[str], repositories: list[EcrRepository]) -> Iterator[Result]:
    ref = ResourceRef(type="AWS::ECR::Repository", id=",".join(regions) or "-", account=account)
    yield Result.passed(ref, f"{len(repositories)} repositories")


def test_regions_pseudo_need_gives_the_regions_read_without_error() -> None:
    spec = CheckSpec(id="ecr_regions_seen", title="t", severity=Severity.LOW, category="c",
                     resource_type="AWS::ECR::Repository", needs=("regions", "ecr_repositories"), fn=_regions_seen,
                     scope="account")
    scopes = [Scope(account=ACCOUNT, region=r) for r in ("eu-west-1", "us-east-1", "eu-central-2")]
    off = CollectionError(service="ecr", operation="-", code=REGION_NOT_ENABLED, message="off", account=ACCOUNT,
                          region="eu-central-2")
    inventory = Inventory.model_validate({
        "collected_at": datetime.now(UTC), "accounts": [ACCOUNT], "regions": ["eu-west-1", "us-east-1", "eu-central-2"],
        "ecr_repositories": {"items": [_repo("a")], "scopes": scopes, "errors": [off]},
    })
    assert outcomes(evaluate(inventory, [spec])) == {("eu-west-1,us-east-1", "PASS")}
    # A region that could not be read blinds an account-scoped check there, on the scope, not on "account".
    denied = off.model_copy(update={"code": "AccessDenied", "region": "us-east-1"})
    blind = inventory.model_copy(update={"ecr_repositories": inventory.ecr_repositories.model_copy(
        update={"errors": [off, denied]})})
    assert outcomes(evaluate(blind, [spec])) == {("*@us-east-1", "NOT_ASSESSED")}
